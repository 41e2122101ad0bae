"""The run controller: generations, coalescing, pause / step / stop latency, clean shutdown."""
import time

import pytest

from engines.core.frame import Frame
from engines.core.params import ParameterError
from workbench.pages.controller import RunController


def counting_engine(params, ctx):
    """Yields a frame every ~2 ms of busy work, tagged with the run's 'tag' parameter."""
    for step in range(params.get("steps", 10_000)):
        end = time.perf_counter() + 0.002
        while time.perf_counter() < end:
            pass
        ctx.check()
        yield Frame(step=step, progress=None, scalars={"tag": params["tag"], "lr": ctx.live("lr")})


def wait_until_stable(qtbot, received, quiet_ms=120, timeout_s=3.0):
    """Wait until no frame has arrived for ``quiet_ms`` (frames flushed before a pause may still
    be in the queue on a busy machine); return the count."""
    deadline = time.perf_counter() + timeout_s
    count = -1
    while len(received) != count and time.perf_counter() < deadline:
        count = len(received)
        qtbot.wait(quiet_ms)
    return count


@pytest.fixture
def controller(qtbot):
    c = RunController(counting_engine)
    received = []
    c.frames.connect(lambda generation, frames: received.extend(frames))
    c.received = received
    yield c
    assert c.shutdown(2000)


def test_frames_of_an_old_generation_never_arrive(qtbot, controller):
    controller.start({"tag": 1, "lr": 0.1})
    qtbot.waitUntil(lambda: len(controller.received) > 5, timeout=3000)
    controller.start({"tag": 2, "lr": 0.1})
    cut = len(controller.received)
    qtbot.waitUntil(lambda: any(f.scalars["tag"] == 2 for f in controller.received), timeout=3000)
    # start() hands over what the old run had finished before it returns; after that, only the
    # new generation's frames may arrive
    assert all(f.scalars["tag"] == 2 for f in controller.received[cut:])
    qtbot.wait(100)
    assert controller.received[-1].scalars["tag"] == 2


def test_stop_takes_effect_within_100_ms(qtbot, controller):
    controller.start({"tag": 1, "lr": 0.1})
    qtbot.waitUntil(lambda: len(controller.received) > 3, timeout=3000)
    t0 = time.perf_counter()
    controller.stop()
    qtbot.waitUntil(lambda: not controller.is_busy(), timeout=1000)
    assert time.perf_counter() - t0 < 0.1 + 0.05  # 50 ms slack for the event loop
    count = len(controller.received)
    qtbot.wait(100)
    assert len(controller.received) == count
    assert controller.state == "idle"


def test_pause_resume_and_single_step(qtbot, controller):
    controller.start({"tag": 1, "lr": 0.1})
    qtbot.waitUntil(lambda: len(controller.received) > 3, timeout=3000)
    controller.pause()
    paused_count = wait_until_stable(qtbot, controller.received)
    qtbot.wait(150)
    assert len(controller.received) == paused_count
    controller.step()
    qtbot.waitUntil(lambda: len(controller.received) == paused_count + 1, timeout=1000)
    qtbot.wait(100)
    assert len(controller.received) == paused_count + 1
    controller.resume()
    qtbot.waitUntil(lambda: len(controller.received) > paused_count + 5, timeout=2000)


def test_live_parameter_reaches_the_running_engine(qtbot, controller):
    controller.start({"tag": 1, "lr": 0.1})
    qtbot.waitUntil(lambda: len(controller.received) > 2, timeout=3000)
    controller.set_live("lr", 0.5)
    qtbot.waitUntil(lambda: controller.received[-1].scalars["lr"] == 0.5, timeout=2000)


def test_finished_and_invalid_runs_report_their_status(qtbot):
    def bad_engine(params, ctx):
        raise ParameterError("mode", "mode = 3 does not exist here")
        yield  # pragma: no cover

    c = RunController(bad_engine)
    with qtbot.waitSignal(c.runEnded, timeout=2000) as blocker:
        c.start({})
    assert blocker.args == ["invalid", "mode = 3 does not exist here", "mode"]
    c2 = RunController(counting_engine)
    with qtbot.waitSignal(c2.runEnded, timeout=3000) as blocker:
        c2.start({"tag": 0, "lr": 0.1, "steps": 5})
    assert blocker.args[0] == "finished" and c2.state == "finished"


def test_many_quick_restarts_coalesce_to_the_latest(qtbot, controller):
    for tag in range(20):
        controller.start({"tag": tag, "lr": 0.1, "steps": 3})
    qtbot.waitUntil(lambda: controller.state == "finished", timeout=3000)
    assert {f.scalars["tag"] for f in controller.received} <= {19, 0}
    assert controller.received[-1].scalars["tag"] == 19


def test_pause_of_a_stopping_run_neither_blocks_it_nor_loses_the_new_one(qtbot, controller):
    controller.start({"tag": 1, "lr": 0.1})
    qtbot.waitUntil(lambda: len(controller.received) > 2, timeout=3000)
    controller.start({"tag": 2, "lr": 0.1})
    controller.pause()  # applies to run 2 even if it is still waiting for run 1 to stop
    count = wait_until_stable(qtbot, controller.received)
    qtbot.wait(150)
    assert len(controller.received) == count  # paused
    controller.resume()
    qtbot.waitUntil(lambda: controller.received[-1].scalars["tag"] == 2, timeout=2000)


def test_stop_releases_a_paused_engine(qtbot):
    from engines.core.frame import RunContext, RunStopped

    ctx = RunContext({})
    ctx.request_stop()
    ctx.pause()
    import pytest as _pytest

    with _pytest.raises(RunStopped):
        ctx.check()
