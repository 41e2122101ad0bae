"""A streaming (non-instant) run through the shared panel: progress, live vs restart parameters,
pause / step / stop — with a small fake engine, so the mechanism is tested before the torch topics."""
import time
from types import SimpleNamespace

import pytest

from engines.core.frame import Frame
from engines.core.params import Param, ParamSchema
from workbench.topics.generic import GenericPanel


def fake_run(params, ctx):
    for step in range(params["steps"]):
        end = time.perf_counter() + 0.003
        while time.perf_counter() < end:
            pass
        ctx.check()
        yield Frame(step=step, progress=(step + 1) / params["steps"],
                    scalars={"loss": 1.0 / (step + 1), "lr_seen": ctx.live("lr"), "width": params["width"]})


ENGINE = SimpleNamespace(
    TITLE="Fake streaming topic",
    PARAMS=ParamSchema([
        Param("steps", 400, kind="int", lo=1, hi=100000),
        Param("lr", 0.1, lo=1e-4, hi=1.0, log=True, live=True),
        Param("width", 8, kind="int", lo=1, hi=64),
    ]),
    run=fake_run,
)


@pytest.fixture
def panel(qtbot):
    p = GenericPanel("fake", ENGINE)
    qtbot.addWidget(p)
    p.show()
    yield p
    assert p.shutdown()


def test_streams_curves_with_progress_and_eta(qtbot, panel):
    panel.form.set_values({"steps": 1500}, emit=True)
    t0 = time.perf_counter()
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 20, timeout=5000)
    first_rows = time.perf_counter() - t0
    qtbot.wait(60)
    assert "ETA" in panel.progress.text(), (panel.progress.text(), first_rows)
    x, y = panel.curves.series_data()["loss"]
    assert len(x) > 10 and y[0] == pytest.approx(1.0)
    qtbot.waitUntil(lambda: panel.controller.state == "finished", timeout=20000)
    assert panel.record.recorded == 1500 and "done" in panel.progress.text()


def test_live_parameter_reaches_the_run_and_restart_parameter_stops_it(qtbot, panel):
    panel.form.set_values({"steps": 100000}, emit=True)
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 5, timeout=5000)
    panel.form.set_values({"lr": 0.5}, emit=True)
    qtbot.waitUntil(lambda: panel.record.last("lr_seen") == 0.5, timeout=3000)
    assert panel.controller.is_busy()
    panel.form.set_values({"width": 16}, emit=True)
    qtbot.waitUntil(lambda: not panel.controller.is_busy(), timeout=1000)
    assert "restart parameter" in panel.status.text()
    assert panel.record.last("width") == 8


def test_pause_step_stop(qtbot, panel):
    panel.form.set_values({"steps": 100000}, emit=True)
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 5, timeout=5000)
    panel.controller.pause()
    count = -1
    while panel.record.recorded != count:  # let frames flushed before the pause arrive
        count = panel.record.recorded
        qtbot.wait(120)
    qtbot.wait(150)
    assert panel.record.recorded == count
    panel.step()
    qtbot.waitUntil(lambda: panel.record.recorded == count + 1, timeout=2000)
    panel.play()  # resumes
    qtbot.waitUntil(lambda: panel.record.recorded > count + 10, timeout=3000)
    t0 = time.perf_counter()
    panel.stop()
    qtbot.waitUntil(lambda: not panel.controller.is_busy(), timeout=1000)
    assert time.perf_counter() - t0 < 0.15
