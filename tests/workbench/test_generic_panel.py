"""A topic without a panel of its own: the base TopicPanel gives each declared experiment a page
whose GenericView draws what the experiment declares (series by group, 1-D and 2-D arrays).  A
streaming run through it: progress, live vs restart parameters, pause / step / stop — with a small
fake engine, so the mechanism is tested before the torch topics."""
import time
from types import SimpleNamespace

import pytest

import numpy as np

from engines.core.experiment import Experiment, Series, Table
from engines.core.frame import Frame
from engines.core.params import Param, ParamSchema
from workbench.pages.panel import TopicPanel


def fake_run(params, ctx):
    for step in range(params["steps"]):
        end = time.perf_counter() + 0.003
        while time.perf_counter() < end:
            pass
        ctx.check()
        yield Frame(step=step, progress=(step + 1) / params["steps"],
                    scalars={"loss": 1.0 / (step + 1), "lr_seen": ctx.live("lr"), "width": params["width"]})


def fake_arrays(params, ctx):
    x = np.linspace(0.0, 1.0, params["n"])
    yield Frame(arrays={"profile": x ** 2, "table": np.column_stack([x, 2 * x, 3 * x]),
                        "image": np.outer(x, x)}, columns={"table": ("x", "double", "triple")})


ENGINE = SimpleNamespace(
    TITLE="Fake streaming topic",
    EXPERIMENTS=(
        Experiment("train", "Fake training", ParamSchema([
            Param("steps", 400, kind="int", lo=1, hi=100000),
            Param("lr", 0.1, lo=1e-4, hi=1.0, log=True, live=True),
            Param("width", 8, kind="int", lo=1, hi=64),
        ]), fake_run, outputs=(Series("loss", "training loss", "nats", "loss"), Series("lr_seen", "lr", "", "lr"),
                               Series("width", "width", "", "lr"))),
        Experiment("shapes", "Fake arrays", ParamSchema([Param("n", 11, kind="int", lo=2, hi=100)]), fake_arrays,
                   mode="instant", outputs=(Table("profile", (), "x²"), Table("table", ("x", "double", "triple")),
                                            Table("image", (), "x xᵀ"))),
    ),
)


@pytest.fixture
def panel(qtbot):
    p = TopicPanel("fake", ENGINE)
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
    assert "ETA" in panel.main.progress.text(), (panel.main.progress.text(), first_rows)
    x, y = panel.main.view.series()["curves_loss"]["training loss"]
    assert len(x) > 10 and y[0] == pytest.approx(1.0)
    qtbot.waitUntil(lambda: panel.controller.state == "finished", timeout=20000)
    assert panel.record.recorded == 1500 and "done" in panel.main.progress.text()


def test_live_parameter_reaches_the_run_and_restart_parameter_waits_for_the_next(qtbot, panel):
    panel.form.set_values({"steps": 100000}, emit=True)
    panel.play()
    qtbot.waitUntil(lambda: panel.record.recorded > 5, timeout=5000)
    panel.form.set_values({"lr": 0.5}, emit=True)
    qtbot.waitUntil(lambda: panel.record.last("lr_seen") == 0.5, timeout=3000)
    assert panel.controller.is_busy()
    panel.form.set_values({"width": 16}, emit=True)
    qtbot.waitUntil(lambda: "next run" in panel.main.status.text(), timeout=1000)
    assert panel.controller.is_busy() and panel.record.last("width") == 8
    panel.main.start()
    qtbot.waitUntil(lambda: panel.record.last("width") == 16, timeout=3000)
    panel.stop()


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
    panel.main.step()
    qtbot.waitUntil(lambda: panel.record.recorded == count + 1, timeout=2000)
    panel.play()  # resumes
    qtbot.waitUntil(lambda: panel.record.recorded > count + 10, timeout=3000)
    t0 = time.perf_counter()
    panel.stop()
    qtbot.waitUntil(lambda: not panel.controller.is_busy(), timeout=1000)
    assert time.perf_counter() - t0 < 0.15


def test_the_generic_page_draws_declared_arrays_by_their_shape(qtbot, panel):
    """1-D: a line against the index; 2-D with columns: the columns against the first; 2-D without
    names: an image.  The pages are the declared experiments, the help last."""
    assert [panel.tabs.tabText(i) for i in range(panel.tabs.count())] == ["Fake training", "Fake arrays", "Help"]
    page = panel.page("shapes")
    qtbot.waitUntil(lambda: page.last_frame() is not None, timeout=5000)
    page.view.draw()
    series = page.view.series()
    x, y = series["profile"]["profile"]
    np.testing.assert_allclose(y, np.linspace(0, 1, 11) ** 2)
    assert set(series["table"]) == {"double", "triple"}
    np.testing.assert_allclose(series["table"]["triple"][1], 3 * series["table"]["triple"][0])
    image = page.view._array_views["image"]  # noqa: SLF001
    assert image.matrix().shape == (11, 11)
    page.form.set_values({"n": 5}, emit=True)
    qtbot.waitUntil(lambda: page.view.series()["profile"]["profile"][0].size == 5, timeout=5000)
