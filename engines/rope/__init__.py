"""The spinning rope (科学空间 6784, Su Jianlin 2019): steady shapes of a rotating rope.

Scenarios (rope.md): ``hanging`` — one end fixed at radius r0 on a vertical rotating axis, one end
free, under gravity (Kolodner's nonlinear eigenvalue problem, §2.3); ``troposkein`` — skipping rope
without gravity, both ends on the axis (§2.2); ``jump`` — skipping rope with gravity at the bottom
of its turn, via Su's virtual-axis reduction (§2.4); ``su_original`` — Su's code as written next to
the corrected equations (§1.5, §2.1); ``dynamics`` — the rope as a live bead chain (§2.5–2.6), a
time simulation: ``run`` streams it, ``solve`` does not apply.

Experiments (``EXPERIMENTS``): ``rope:steady`` (the four steady scenarios, instant solves) and
``rope:dynamics`` (the live chain); ``scenario = dynamics`` given to the steady shapes, as older
sessions and command lines did, selects the chain.  ``PARAMS``/``run`` still take both together
(``scenario`` chooses), the engine's API from before the split.

Public API: TITLE, EXPERIMENTS, PARAMS, RopeSolution, solve(params), run(params, ctx), warm_up().
Pure numerics: this package never imports Qt, pyqtgraph, widgets or workbench.
"""
from __future__ import annotations

from typing import Any, Iterator, Mapping

from engines.core.frame import Frame
from engines.core.params import ParameterError
from engines.rope.params import DYNAMICS_PARAMS, PARAMS, SCENARIOS, STEADY_PARAMS
from engines.rope.solution import RopeSolution

TITLE = "The spinning rope"

__all__ = ["TITLE", "EXPERIMENTS", "PARAMS", "SCENARIOS", "RopeSolution", "solve", "run",
           "warm_up", "frame_of"]


def solve(params: Mapping[str, Any]) -> RopeSolution:
    """Solve the steady shape for `params` (validated here; missing names take defaults).

    Raises engines.core.params.ParameterError naming the parameter when the requested
    configuration has no solution.
    """
    p = PARAMS.validate(params)
    scenario = p["scenario"]
    if scenario == "dynamics":
        raise ParameterError("scenario", "scenario = dynamics is a time simulation: run it (no steady "
                                         "solve); allowed here: " + ", ".join(SCENARIOS[:-1]))
    if scenario == "hanging":
        from engines.rope import bifurcation, hanging

        solution = hanging.solve_hanging(p)
        solution.extras.update(
            bifurcation.extras(p["top_radius"] / p["length"], solution.scalars["lambda"]))
        return solution
    if scenario == "troposkein":
        from engines.rope.troposkein import solve_troposkein

        return solve_troposkein(p)
    if scenario == "jump":
        from engines.rope.jump import solve_jump

        return solve_jump(p)
    from engines.rope.su_original import solve_su

    return solve_su(p)


def frame_of(solution: RopeSolution) -> Frame:
    """The single Frame that ``run`` yields for a solution."""
    arrays = {"shape": solution.shape_array()}
    columns = {"shape": RopeSolution.SHAPE_COLUMNS}
    for name, (array, cols) in solution.extras.items():
        arrays[name] = array
        columns[name] = tuple(cols)
    return Frame(step=0, progress=1.0, scalars=dict(solution.scalars), arrays=arrays,
                 columns=columns, message=solution.message)


def run(params: Mapping[str, Any], ctx=None) -> Iterator[Frame]:
    """Engine contract: validate, solve, yield one Frame (errors propagate as ParameterError)."""
    p = PARAMS.validate(params)
    if p["scenario"] == "dynamics":
        from engines.rope.dynamics import run_dynamics

        yield from run_dynamics(p, ctx)
        return
    if ctx is not None:
        ctx.check()
    yield frame_of(solve(p))


def run_steady(params: Mapping[str, Any], ctx=None) -> Iterator[Frame]:
    """``rope:steady``: one frame, the steady shape of these values."""
    yield from run(STEADY_PARAMS.validate(params), ctx)


def run_chain(params: Mapping[str, Any], ctx=None) -> Iterator[Frame]:
    """``rope:dynamics``: the live bead chain."""
    from engines.rope.dynamics import run_dynamics

    yield from run_dynamics(PARAMS.validate({**DYNAMICS_PARAMS.validate(params), "scenario": "dynamics"}), ctx)


from engines.rope.outputs import EXPERIMENTS  # noqa: E402  (declares run_steady / run_chain)


def warm_up() -> None:
    """Compile (or load from the numba cache) every kernel and prime the default diagram."""
    from engines.rope import bifurcation, hanging, kolodner_numba

    grid = kolodner_numba.graded_grid(50, 2.0)
    kolodner_numba.shoot(2.0, 0.5, grid)
    solve({"scenario": "hanging", "points": 11})
    solve({"scenario": "hanging", "points": 11, "top_radius": 0.1, "omega": 2.0})
    hanging.solve_profile(0.5, 0.0, 1, 11)
    bifurcation.diagram(0.0, 0.0)
    from engines.rope.dynamics import run_dynamics

    for ends in ("hanging", "skipping"):
        for _ in run_dynamics(PARAMS.validate({"scenario": "dynamics", "ends": ends, "beads": 3,
                                               "duration": 0.02, "drag": 0.1}), None):
            pass
