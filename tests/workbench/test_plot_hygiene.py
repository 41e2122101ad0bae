"""Every page of every topic, after a short run, in the light and then the dark theme: no title
wider than its plot, no legend past its view, no data outside the visible range, no text or mark
too faint on its background (see ``plot_audit``).  The window is a 1366 × 768 laptop's."""
import pytest
from PySide6.QtCore import QSettings

from engines.registry import built_topics
from tests.quick_values import QUICK
from tests.workbench.plot_audit import audit_plots
from workbench.shell.main_window import MainWindow

SWEEPS = {"vae_ib": {"sweep_values": "0, 1e-2", "sweep_seeds": "0", "backend": "sequential"},
          "batchnorm": {"sweep_values": "0.1, 2", "sweep_seeds": "0", "sweep_variants": "none, bn"},
          "pg_zoo": {"sweep_values": "0.01, 0.1", "sweep_seeds": "0", "workers": 2},
          "wok": {"sweep_values": "1000, 2000", "sweep_seeds": "0", "workers": 2},
          "regularization": {"sweep_values": "0, 1e-2", "sweep_seeds": "0", "workers": 2},
          "rope": {"sweep_values": "2, 6", "sweep_seeds": "0", "workers": 2}}
RUN_TIMEOUT_MS = 120_000
SETTLE_MS = 400  # legends re-place themselves at most every 250 ms


def inner_tabs(host):
    return getattr(host.view, "view_tabs", None) or getattr(host.view, "tabs", None)


def run_page(qtbot, panel, host, topic: str) -> None:
    """Run a page as a user would with small values: a sweep of two values, a run page to its
    end, an instant page as it is shown."""
    if hasattr(host, "sweep_values"):
        host.set_sweep_values(SWEEPS[topic])
        base = panel.page(host.experiment_id)
        base.set_values(QUICK[f"{topic}:{host.experiment_id}"])
        host.start()
        qtbot.waitUntil(lambda: not host.is_running(), timeout=RUN_TIMEOUT_MS)
    elif not host.auto:
        host.set_values(QUICK[f"{topic}:{host.experiment_id}"])
        host.start()
        qtbot.waitUntil(lambda: not host.is_running(), timeout=RUN_TIMEOUT_MS)
    else:
        qtbot.waitUntil(lambda: host.last_frame() is not None, timeout=RUN_TIMEOUT_MS)


def audit_every_view(qtbot, window, where: str) -> list[str]:
    """Problems of every page and every inner tab of every built topic, as they are now."""
    problems = []
    for topic in built_topics():
        window.show_topic(topic)
        panel = window.panels[topic]
        for index, host in enumerate(panel.pages):
            panel.tabs.setCurrentWidget(host)
            tabs = inner_tabs(host)
            for tab in range(tabs.count() if tabs is not None else 1):
                if tabs is not None:
                    if not tabs.isTabEnabled(tab) or "3-D" in tabs.tabText(tab):
                        continue  # OpenGL views are not made offscreen (tests/gl.py checks them)
                    tabs.setCurrentIndex(tab)
                qtbot.wait(SETTLE_MS)
                label = panel.tabs.tabText(index) + (f" ▸ {tabs.tabText(tab)}" if tabs is not None else "")
                problems += audit_plots(panel, f"{where} {topic} ▸ {label}: ")
            if tabs is not None:
                tabs.setCurrentIndex(0)
    return problems


@pytest.fixture(scope="module")
def walked_window(tmp_path_factory, qapp):
    """A laptop-sized window in which every page of every topic has run once."""
    folder = tmp_path_factory.mktemp("hygiene")
    window = MainWindow(settings=QSettings(str(folder / "wb.ini"), QSettings.Format.IniFormat), theme="light")
    window.resize(1366, 768)
    window.show()
    yield window
    window.close()


def test_every_plot_is_tidy_after_a_short_run_in_both_themes(qtbot, walked_window):
    window = walked_window
    for topic in built_topics():
        window.show_topic(topic)
        panel = window.panels[topic]
        for host in panel.pages:
            panel.tabs.setCurrentWidget(host)
            run_page(qtbot, panel, host, topic)
    problems = audit_every_view(qtbot, window, "light:")
    window.toggle_theme()
    assert window.theme == "dark"
    problems += audit_every_view(qtbot, window, "dark:")
    assert not problems, "\n".join(problems)
