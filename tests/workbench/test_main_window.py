"""The main window: docks per built topic, menus from the shortcut table, layout, sessions, close."""
import json

import pytest
from PySide6.QtCore import QSettings

from engines.registry import built_topics
from workbench.shell.main_window import MainWindow
from workbench.shell.shortcuts import SHORTCUTS, keyboard_help_html


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "wb.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    w = MainWindow(settings=settings)
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()


def test_one_dock_per_built_topic_and_a_start_page(window):
    assert set(window.docks) == set(built_topics())
    assert window.start_dock.widget() is window.start_page
    view_actions = [a.text() for a in window.menuBar().actions()]
    assert [m for m in ("&File", "&Edit", "&Run", "&View", "&Help") if m in view_actions] == \
        ["&File", "&Edit", "&Run", "&View", "&Help"]


def test_every_shortcut_has_an_action_and_is_listed(window):
    html = keyboard_help_html()
    for entry in SHORTCUTS:
        action = window.actions[entry.action]
        assert action.text() == entry.text
        if entry.keys:
            assert action.shortcut().toString() == entry.keys
            assert entry.keys in html


def test_start_page_open_button_raises_the_topic(qtbot, window):
    from PySide6.QtWidgets import QPushButton

    button = window.start_page.findChild(QPushButton, "open_rope")
    button.click()
    assert window.current_topic == "rope"


def test_layout_is_saved_and_restored_and_a_bad_one_falls_back(qtbot, tmp_path):
    path = str(tmp_path / "layout.ini")
    first = MainWindow(settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.show()
    first.docks["rope"].setFloating(True)
    first.close()
    second = MainWindow(settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    assert second.docks["rope"].isFloating()
    second.close()
    broken = QSettings(path, QSettings.Format.IniFormat)
    broken.setValue("window_state", b"garbage")
    broken.sync()
    third = MainWindow(settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(third)
    assert not third.docks["rope"].isFloating()
    third.close()


def test_session_save_open_and_bad_file_changes_nothing(qtbot, window, tmp_path):
    panel = window.panels["rope"]
    panel.set_params({**panel.params, "scenario": "troposkein", "span": 0.4})
    window.panels["batchnorm"]  # built: its state is saved too
    window.save_session_to(tmp_path / "s.json")
    rope = json.loads((tmp_path / "s.json").read_text())["topics"]["rope"]
    assert rope["active"] == "steady" and rope["experiments"]["steady"]["params"]["span"] == 0.4
    batchnorm = json.loads((tmp_path / "s.json").read_text())["topics"]["batchnorm"]
    assert {"train", "descent", "neuron", "projection", "ics", "noisy"} == set(batchnorm["experiments"])
    assert "sweep_values" in batchnorm["experiments"]["train"]["sweep"]
    panel.reset_defaults()
    window.open_session_from(tmp_path / "s.json")
    assert panel.params["scenario"] == "troposkein" and panel.params["span"] == 0.4
    (tmp_path / "bad.json").write_text('{"schema_version": 2, "topics": {"rope": {"experiments": '
                                       '{"steady": {"params": {"span": 0.3}}, "dynamics": {"params": {"omega": 1e9}}}}}}')
    from workbench.core.session import SessionError

    with pytest.raises(SessionError):
        window.open_session_from(tmp_path / "bad.json")
    assert panel.params["span"] == 0.4


def test_theme_toggle_is_remembered(window, settings):
    window.set_theme("dark")
    assert settings.value("theme") == "dark"
    window.toggle_theme()
    assert window.theme == "light"


def test_closing_stops_runs(qtbot, window):
    chain = window.panels["rope"].page("dynamics")
    chain.play()
    assert chain.controller.is_busy()
    window.close()
    assert not chain.controller.is_busy()


def test_panel_export_menu_reaches_the_window(qtbot, window, monkeypatch, tmp_path):
    target = tmp_path / "from_menu.csv"
    monkeypatch.setattr(window, "_ask_path", lambda *a, **k: str(target))
    panel = window.panels["rope"]
    qtbot.waitUntil(lambda: panel.steady.latest is not None, timeout=20000)
    panel.main.export_button.menu().aboutToShow.emit()  # the menu is filled as it opens
    actions = panel.main.export_button.menu().actions()
    assert [a.text() for a in actions][2].startswith("CSV")
    actions[2].trigger()
    lines = target.read_text().splitlines()
    assert lines[0] == "# topic: rope" and lines[1] == "# experiment: rope:steady"


def test_dark_theme_restyles_the_plots(window):
    window.set_theme("dark")
    view = window.panels["rope"].steady.tension_plot.plot_widget
    assert view.backgroundBrush().color().lightness() < 80
    window.set_theme("light")
    assert view.backgroundBrush().color().lightness() > 200


def test_a_layout_stored_as_text_falls_back_to_the_default(qtbot, tmp_path):
    path = str(tmp_path / "text.ini")
    broken = QSettings(path, QSettings.Format.IniFormat)
    broken.setValue("geometry", "not a layout")
    broken.setValue("window_state", "neither")
    broken.sync()
    w = MainWindow(settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    assert w.width() >= 800 and not w.docks["rope"].isFloating()
    w.close()


def test_actions_on_the_start_page_do_not_reach_a_hidden_panel(qtbot, window):
    window.show_topic("rope")
    assert window.current_panel() is window.panels["rope"]
    window.show_start()
    assert window.current_panel() is None


def test_a_panel_is_built_when_first_needed_and_takes_a_state_restored_before(qtbot, window, tmp_path):
    assert not any(window.panels.is_built(t) for t in built_topics())  # the start page alone at start-up
    assert window.session(complete=False).topics == {}
    doc = {"schema_version": 2, "active_topic": None,
           "topics": {"vae_ib": {"active": "train", "experiments": {"train": {"params": {"epochs": 7}}}}}}
    (tmp_path / "s.json").write_text(json.dumps(doc))
    window.open_session_from(tmp_path / "s.json")
    assert not window.panels.is_built("vae_ib") and window.session(complete=False).topics["vae_ib"].params["epochs"] == 7
    window.show_topic("vae_ib")
    assert window.panels.is_built("vae_ib") and window.docks["vae_ib"].widget() is window.panels["vae_ib"]
    assert window.panels["vae_ib"].params["epochs"] == 7
    assert window.panels["vae_ib"].main.form.values()["epochs"] == 7
    assert set(window.session().topics) == {"vae_ib"}


def test_dock_titles_come_from_the_engines_without_importing_them(window):
    from engines.registry import load_engine, topic_title

    for topic in built_topics():
        assert window.docks[topic].windowTitle() == topic_title(topic) == load_engine(topic).TITLE


def test_the_status_bar_speaks_for_the_raised_panel_only(qtbot, window):
    window.show_topic("rope")
    rope = window.panels["rope"]
    rope.statusMessage.emit("rope: solved")
    assert window.statusBar().currentMessage() == "rope: solved"
    window.show_start()
    qtbot.waitUntil(lambda: window.current_topic is None, timeout=3000)
    assert window.statusBar().currentMessage() == ""
    rope.statusMessage.emit("rope: solved again")
    assert window.statusBar().currentMessage() == ""


def test_the_file_menu_greys_out_exports_the_page_cannot_make_yet(qtbot, window):
    window._update_export_actions()
    assert not window.actions["export_png"].isEnabled()  # the start page has no page to export
    window.show_topic("rope")
    window.panels["rope"].show_page("dynamics")
    window._update_export_actions()
    assert window.actions["export_png"].isEnabled() and not window.actions["export_npz"].isEnabled()
    window._enable_export_actions()
    assert window.actions["export_npz"].isEnabled()


def test_no_page_widens_the_window_past_a_1280_px_laptop(qtbot, window):
    widest = {}
    for topic in window.panels.topics:
        window.show_topic(topic)
        panel = window.panels[topic]
        for index in range(panel.tabs.count()):
            panel.tabs.setCurrentIndex(index)
            qtbot.wait(1)
            widest[f"{topic}: {panel.tabs.tabText(index)}"] = window.minimumSizeHint().width()
    assert max(widest.values()) <= 1280, {k: v for k, v in widest.items() if v > 1280}


def test_a_preset_from_the_start_page_opens_its_page_with_the_values_applied(qtbot, window):
    from engines.registry import experiments

    preset = experiments("rope")[1].presets[0]
    window.start_page.openPreset.emit("rope", "dynamics", preset.name)
    panel = window.panels["rope"]
    host = panel.tabs.currentWidget()
    assert host.experiment_id == "dynamics" and window.current_topic == "rope"
    assert all(host.values()[k] == v for k, v in preset.values.items())
    assert preset.name in host.first_hint.text()
    host.stop()
    qtbot.waitUntil(lambda: not host.is_running(), timeout=10000)
