"""Tiny engines for the child-process tests (module-level, so a spawned child can import them)."""
from __future__ import annotations

import os
import time

from engines.core.frame import Frame
from engines.core.params import ParameterError


def counting(params, ctx):
    """``n`` frames, each carrying the live value ``x`` and the child's pid; ~2 ms of "work" each."""
    for i in range(params["n"]):
        ctx.check()
        time.sleep(0.002)
        yield Frame(step=i, scalars={"x": float(ctx.live("x")), "pid": float(os.getpid())})


def rejects(params, ctx):
    raise ParameterError("n", "n = -1 is out of range; allowed: an integer in [0, 10]")
    yield  # pragma: no cover - makes this a generator


def crashes(params, ctx):
    yield Frame(step=0)
    raise ValueError("boom in the engine")
