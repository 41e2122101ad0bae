"""Engines run in a child process: frames, live values, pause, stop, errors, reuse and close."""
from __future__ import annotations

import time

import pytest

from engines.core.frame import RunContext, RunStopped
from engines.core.params import ParameterError
from tests.workbench import remote_engines
from workbench.core.remote_engine import RemoteEngine, RemoteEngineError


@pytest.fixture
def remote():
    engine = RemoteEngine()
    yield engine
    engine.close()
    assert engine._process is None  # noqa: SLF001


def test_frames_arrive_in_order_and_live_values_reach_the_child(remote):
    params = {"n": 200, "x": 1.0}
    ctx = RunContext(params)
    seen = []
    for frame in remote.run(remote_engines.counting, params, ctx):
        seen.append(frame)
        if frame.step == 20:
            ctx.set_live("x", 7.0)
    assert [f.step for f in seen] == list(range(200))
    assert seen[0].scalars["x"] == 1.0 and seen[-1].scalars["x"] == 7.0
    assert seen[0].scalars["pid"] != __import__("os").getpid()


def test_stop_ends_the_run_quickly_and_the_child_serves_the_next_run(remote):
    params = {"n": 100_000, "x": 0.0}
    ctx = RunContext(params)
    run = remote.run(remote_engines.counting, params, ctx)
    first = next(run)
    ctx.request_stop()
    t0 = time.monotonic()
    with pytest.raises(RunStopped):
        for _ in run:
            pass
    assert time.monotonic() - t0 < 0.5
    again = list(remote.run(remote_engines.counting, {"n": 3, "x": 0.0}, RunContext({"x": 0.0})))
    assert [f.step for f in again] == [0, 1, 2]
    assert again[0].scalars["pid"] == first.scalars["pid"]          # the same child, torch imported once


def test_a_closed_generator_stops_the_child_run(remote):
    params = {"n": 100_000, "x": 0.0}
    run = remote.run(remote_engines.counting, params, RunContext(params))
    next(run)
    run.close()                                                    # what a stopped worker thread does
    assert [f.step for f in remote.run(remote_engines.counting, {"n": 2, "x": 0.0}, RunContext({"x": 0}))] == [0, 1]


def test_pause_holds_the_child_and_resume_releases_it(remote):
    params = {"n": 100_000, "x": 0.0}
    ctx = RunContext(params)
    run = remote.run(remote_engines.counting, params, ctx)
    next(run)
    ctx.pause()
    ctx.before_pause()                                             # the worker thread is about to block
    time.sleep(0.2)
    backlog = 0
    while remote._frames.poll(0.05):  # noqa: SLF001 - frames sent before the pause landed
        message = remote._frames.recv()  # noqa: SLF001
        backlog += len(message[1]) if message[0] == "frames" else 0
    time.sleep(0.3)
    assert not remote._frames.poll(0)  # noqa: SLF001 - nothing new while paused
    assert backlog < 100
    ctx.resume()
    assert next(run).step > 0
    ctx.request_stop()
    with pytest.raises(RunStopped):
        list(run)


def test_a_parameter_error_in_the_child_keeps_its_name(remote):
    with pytest.raises(ParameterError) as err:
        list(remote.run(remote_engines.rejects, {"n": -1}, RunContext({})))
    assert err.value.name == "n" and "[0, 10]" in str(err.value)


def test_an_engine_crash_is_reported_with_its_traceback_and_the_child_survives(remote):
    run = remote.run(remote_engines.crashes, {}, RunContext({}))
    assert next(run).step == 0
    with pytest.raises(RemoteEngineError) as err:
        next(run)
    assert "ValueError: boom in the engine" in str(err.value) and "crashes" in str(err.value)
    assert [f.step for f in remote.run(remote_engines.counting, {"n": 1, "x": 0.0}, RunContext({"x": 0}))] == [0]
