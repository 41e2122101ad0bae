"""The live rope (scenario ``dynamics``): the numba RATTLE kernel against its numpy twin, and the
full run generator's simulated seconds per wall second.

(i) Steps/s of ``chain_kernel.advance`` against ``chain_numpy.advance`` at N = 200 beads, same step
(``stable_step(6, drag)``) and same starting state, hanging at ω = 6 rad/s (damping 1, no drag; and
damping 1 with drag 0.3); ratio numba / numpy (goal ≥ 20×).  Numba is warmed up first, so its
compile (or cache load) is not timed.  (ii) ``run_dynamics`` headless (one frame per 1/60 s
simulated, diagnostics included): simulated s per wall s and the step used, hanging at ω = 6 and 15,
skipping (g = 0, ω = 10), at N = 200, and at 40 and 400 for context.  This machine's speed drifts by
±30 %, so repetitions are interleaved and medians (min–max) reported.

    .venv/bin/python -m bench.bench_rope_dynamics [--smoke]
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np

GOAL = 20.0
AGREE_TOL = 1e-9  # max |Δpos| / L between the two after the twin's steps
KERNEL_CASES = (("hanging ω=6, damping 1, drag 0", 1.0, 0.0), ("hanging ω=6, damping 1, drag 0.3", 1.0, 0.3))
RUN_CASES = (("hanging ω=6", dict(omega=6.0)), ("hanging ω=15", dict(omega=15.0)),
             ("skipping g=0 ω=10", dict(ends="skipping", gravity=0.0, omega=10.0)))


def _dyn(**values) -> dict:
    from engines.rope.params import PARAMS

    return PARAMS.validate(dict(scenario="dynamics", **values))


def _med(values) -> str:
    return f"{statistics.median(values):,.0f} ({min(values):,.0f}–{max(values):,.0f})"


def _kernel_rates(beads: int, gamma: float, drag: float, steps_nb: int, steps_np: int, reps: int):
    """(numba steps/s list, numpy steps/s list, dt, max |Δpos|/L after steps_np, ok)."""
    from engines.rope import chain_kernel as ck, chain_numpy as cn
    from engines.rope.chain_model import CONSTRAINT_TOL, MAX_NEWTON, ChainSetup, ChainSim

    setup = ChainSetup.from_params(_dyn(beads=beads, omega=6.0, damping=gamma, drag=drag))
    start = ChainSim(setup, 6.0, 3.0)
    dt = setup.stable_step(6.0, drag)
    common = (dt, setup.ell, setup.anchor_r, setup.z_a, setup.z_b, setup.grav, gamma,
              setup.drag_coefficient(drag), 0.0, CONSTRAINT_TOL, MAX_NEWTON)

    def state():
        return start.pos.copy(), start.vel.copy(), start.clock.copy()

    pos, vel, clock = state()
    ok = ck.advance(pos, vel, clock, steps_np, *common, start.work) == (ck.OK, steps_np)  # warm-up
    nb_pos = pos
    pos, vel, clock = state()
    ok &= cn.advance(pos, vel, clock, steps_np, *common) == (ck.OK, steps_np)
    diff = float(np.abs(nb_pos - pos).max()) / setup.length
    nb, npy = [], []
    for _ in range(reps):
        pos, vel, clock = state()
        t0 = time.perf_counter()
        ok &= ck.advance(pos, vel, clock, steps_nb, *common, start.work) == (ck.OK, steps_nb)
        nb.append(steps_nb / (time.perf_counter() - t0))
        pos, vel, clock = state()
        t0 = time.perf_counter()
        ok &= cn.advance(pos, vel, clock, steps_np, *common) == (ck.OK, steps_np)
        npy.append(steps_np / (time.perf_counter() - t0))
    return nb, npy, dt, diff, ok


def _run(beads: int, duration: float, extra: dict) -> tuple[float, int, float, bool]:
    """(wall s, steps, the run's typical step in s (duration / steps), finished without diverging)."""
    from engines.rope.dynamics import run_dynamics

    p = _dyn(beads=beads, duration=duration, **extra)
    t0 = time.perf_counter()
    frames = list(run_dynamics(p, None))
    wall = time.perf_counter() - t0
    last = frames[-1]
    done = not last.diverged and abs(last.scalars["t"] - duration) < 1e-9
    return wall, last.step, duration / max(last.step, 1), done


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--smoke", action="store_true", help="N = 20, few steps: check that it still runs")
    args = parser.parse_args(argv)
    if args.smoke:
        beads, sizes, steps_nb, steps_np, reps, duration = 20, (20,), 500, 20, 2, 0.1
    else:
        beads, sizes, steps_nb, steps_np, reps, duration = 200, (200, 40, 400), 20000, 200, 3, 2.0

    t0 = time.perf_counter()
    for ends in ("hanging", "skipping"):  # compile or load every numba function the run uses
        list(_warm_run(ends))
    print(f"numba kernels ready in {time.perf_counter() - t0:.2f} s (compile or cache load, not timed below)")
    print("step limit: the fastest transverse wave of the discrete rope, ω_max ≈ 2c/ℓ with c = √(T/μ), "
          "dt = 0.25/ω_max; rigid links remove the stretching stiffness, and RATTLE with a Newton/"
          "tridiagonal SHAKE keeps every link at ℓ to 1e-12 (O(N) per step)")
    status = 0
    print(f"(i) one RATTLE step, N = {beads}, median (min–max) of {reps} interleaved runs, "
          f"numba {steps_nb} steps, numpy {steps_np}:")
    for label, gamma, drag in KERNEL_CASES:
        nb, npy, dt, diff, ok = _kernel_rates(beads, gamma, drag, steps_nb, steps_np, reps)
        ratio = [a / b for a, b in zip(nb, npy)]
        med = statistics.median(ratio)
        print(f"  {label}: dt {dt * 1e3:.3g} ms; numba {_med(nb)} steps/s, numpy {_med(npy)} steps/s; "
              f"max |Δpos|/L after {steps_np} steps {diff:.1e}")
        print(f"    ratio numba / numpy: {med:.0f}× ({min(ratio):.0f}–{max(ratio):.0f}), "
              f"goal ≥ {GOAL:.0f}×: {'met' if med >= GOAL else 'missed'}")
        if not ok or not diff < AGREE_TOL:
            print(f"    FAILED: a status was not OK or the two disagree by more than {AGREE_TOL:g}")
            status = 1
    print(f"(ii) run_dynamics headless, {duration:g} s simulated (60 frames/s with diagnostics), "
          f"median (min–max) of {reps} interleaved runs:")
    results: dict = {}
    for _ in range(reps):
        for n in sizes:
            for label, extra in RUN_CASES:
                results.setdefault((n, label), []).append(_run(n, duration, extra))
    for (n, label), rows in results.items():
        speed = [duration / r[0] for r in rows]
        steps = [r[1] / r[0] for r in rows]
        dt = rows[-1][2]
        print(f"  N = {n:3d}, {label:18s}: {statistics.median(speed):7.2f} simulated s per wall s "
              f"({min(speed):.2f}–{max(speed):.2f}), step {dt * 1e3:.3g} ms, {statistics.median(steps):,.0f} steps/s")
        if not all(r[3] for r in rows):
            print("    FAILED: the run diverged or stopped early")
            status = 1
    return status


def _warm_run(ends: str):
    from engines.rope.dynamics import run_dynamics

    extra = dict(ends="skipping", gravity=0.0, omega=10.0) if ends == "skipping" else {}
    return run_dynamics(_dyn(beads=4, duration=0.05, drag=0.1, **extra), None)


if __name__ == "__main__":
    sys.exit(main())
