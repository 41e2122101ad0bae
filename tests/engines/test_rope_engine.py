"""The rope engine's contract: solve() for every scenario, run() frames, the bifurcation extras,
speed after warm-up, and the benchmark's smoke run."""
import statistics
import time

import numpy as np
import pytest

import engines.rope as rope
from engines.core.frame import Frame, RunContext
from engines.core.params import ParameterError
from engines.rope import bifurcation, hanging

COMMON_SCALARS = {"max_radius", "end_angle_deg", "end_tension"}
SCENARIO_SCALARS = {
    "hanging": {"free_end_radius", "depth", "lambda", "modes_available"},
    "troposkein": {"k", "axial_tension"},
    "jump": {"virtual_axis_offset", "sag", "k"},
    "su_original": {"phi_start"},
}
SCENARIO_EXTRAS = {
    "hanging": {"bifurcation": ("lam", "free_end_radius_over_length", "mode"),
                "thresholds": ("mode", "lam")},
    "troposkein": {"ode_check": ("z", "r_closed_form", "r_ode")},
    "jump": {"no_gravity": ("z", "x")},
    "su_original": {"su_code": ("s", "x", "y"), "corrected": ("s", "x", "y")},
}


@pytest.fixture(scope="module", autouse=True)
def warm():
    rope.warm_up()


def test_module_constants():
    assert rope.TITLE == "The spinning rope"
    assert rope.PARAMS is __import__("engines.rope.params", fromlist=["PARAMS"]).PARAMS
    assert [e.id for e in rope.EXPERIMENTS] == ["steady", "dynamics"]
    assert set(rope.EXPERIMENTS[0].params.names()) | set(rope.EXPERIMENTS[1].params.names()) | {"scenario"} \
        == set(rope.PARAMS.names())  # the two experiments share the combined schema out between them


@pytest.mark.parametrize("scenario", ["hanging", "troposkein", "jump", "su_original"])
@pytest.mark.parametrize("points", [11, 201])
def test_solution_contract(scenario, points):
    params = rope.PARAMS.validate({"scenario": scenario, "points": points})
    before = dict(params)
    sol = rope.solve(params)
    assert params == before  # the caller's dict is not modified
    assert isinstance(sol, rope.RopeSolution) and sol.scenario == scenario
    for name in ("s", "x", "y", "z", "tension"):
        arr = getattr(sol, name)
        assert arr.dtype == np.float64 and arr.shape == (points,), name
        assert np.all(np.isfinite(arr)), name
    assert sol.s[0] == 0.0 and np.all(np.diff(sol.s) > 0)
    assert np.all(sol.y == 0.0)
    assert COMMON_SCALARS | SCENARIO_SCALARS[scenario] <= set(sol.scalars)
    assert all(isinstance(v, float) for v in sol.scalars.values())
    assert set(sol.extras) == set(SCENARIO_EXTRAS[scenario])
    for name, cols in SCENARIO_EXTRAS[scenario].items():
        arr, got = sol.extras[name]
        assert tuple(got) == cols and arr.ndim == 2 and arr.shape[1] == len(cols)
    assert sol.message and "\n" not in sol.message
    assert sol.scalars["max_radius"] == pytest.approx(np.max(np.abs(sol.x)), rel=1e-3)


def test_run_yields_one_frame_with_shape_columns():
    params = {"scenario": "hanging", "omega": 8.0, "points": 51}
    ctx = RunContext(params)
    frames = list(rope.run(params, ctx))
    assert len(frames) == 1
    frame = frames[0]
    assert isinstance(frame, Frame) and frame.step == 0 and frame.progress == 1.0
    assert frame.columns["shape"] == ("s", "x", "y", "z", "tension")
    assert frame.arrays["shape"].shape == (51, 5)
    sol = rope.solve(params)
    assert np.array_equal(frame.arrays["shape"][:, 1], sol.x)
    assert frame.columns["bifurcation"] == ("lam", "free_end_radius_over_length", "mode")
    assert frame.scalars == sol.scalars and frame.message == sol.message


def test_run_propagates_parameter_errors():
    gen = rope.run({"scenario": "hanging", "omega": 3.0, "mode": 2}, None)
    with pytest.raises(ParameterError) as err:
        next(gen)
    assert err.value.name == "mode"
    with pytest.raises(ParameterError) as err:
        next(rope.run({"scenario": "troposkein", "points": 3}, None))
    assert err.value.name == "points"


def test_bifurcation_diagram_matches_the_solver():
    sol = rope.solve({"scenario": "hanging", "omega": 6.0})
    table, _ = sol.extras["bifurcation"]
    modes = set(np.unique(table[:, 2]).astype(int))
    assert modes == {0, 1, 2, 3, 4, 5}  # λ range up to 60 contains λ1..λ5; 0 = vertical branch
    assert table[:, 0].min() == pytest.approx(0.1) and table[:, 0].max() == pytest.approx(60.0)
    for mode in (1, 3):
        rows = table[table[:, 2] == mode]
        assert rows[0, 0] == pytest.approx(hanging.critical_lambda(mode)) and rows[0, 1] == 0.0
        assert np.all(np.diff(rows[:, 0]) > 0)
        lam, r_f = rows[len(rows) // 2, :2]
        assert r_f == pytest.approx(hanging.solve_profile(lam, 0.0, mode, 201).r_f, abs=1e-6)
    thresholds, _ = sol.extras["thresholds"]
    assert np.allclose(thresholds[:5, 1], [1.44580, 7.61782, 18.72175, 34.76007, 55.73308], atol=1e-5)
    # off-axis top: mode 1 from λ = 0.1, free end beyond the tie point
    off = rope.solve({"scenario": "hanging", "top_radius": 0.5, "omega": 3.0})
    table, _ = off.extras["bifurcation"]
    assert set(table[:, 2]) == {1.0} and np.all(table[:, 1] > 0.5)


def test_bifurcation_is_memoised_and_cheap():
    bifurcation.clear_cache()
    t0 = time.perf_counter()
    first = bifurcation.diagram(0.0, 150.0)  # λ range 304: 11 branches
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    again = bifurcation.diagram(0.0, 160.0)  # same bucket -> cache hit
    hot = time.perf_counter() - t0
    assert again is first
    assert cold < 1.0  # measured ~0.1 s on the 2-core dev machine
    assert hot < 1e-3


def test_hanging_solve_is_fast_after_warm_up():
    params = rope.PARAMS.validate({"scenario": "hanging", "omega": 6.0})
    rope.solve(params)
    times = []
    for i in range(30):
        params["omega"] = 6.0 + 0.01 * i
        t0 = time.perf_counter()
        rope.solve(params)
        times.append(time.perf_counter() - t0)
    assert statistics.median(times) < 10e-3  # measured ~0.6 ms


def test_bench_smoke(capsys):
    from bench import bench_rope_solver

    assert bench_rope_solver.main(["--smoke"]) == 0
    out = capsys.readouterr().out
    assert "ratio" in out and "agree" in out
