"""The batchnorm loss-surface sampler (panel 4) against the obvious alternative and this machine's peak.

(i) The default digits MLP (64-100×6-10, batch 512), variants ``bn`` and ``none``, 51×51 surface:
the sampler's achieved GFLOP/s (matrix products of the forward only, ``network.count_flops``) against
a large fp32 ``torch.mm`` at the same core count, measured in this run (goal ≥ 0.7), and against the
per-point loop that copies each grid point into an ``nn.Sequential`` of ``nn.Linear`` /
``nn.BatchNorm1d`` (train mode) under ``no_grad`` and calls it (goal ≥ 1.5×).
(ii) A 2-16-16-2 BN net on 256 moons points: the numba evaluator against that loop (goal ≥ 5×) and
against the torch batched evaluator.  (iii) Engine-side time to the first coarse level and to the
full grid.

GFLOP/s count the plain forward's matrix products for every grid point; the sampler precomputes the
first layer's product (11 % of them for the digits net), so its rate is an effective one.
The loop is timed on a random subset of the grid points (its cost per point is constant) at one
torch thread and at all cores, and the faster is used.  This machine's speed drifts by ±30 % from
minute to minute, so everything is interleaved and medians are reported.
"""
from __future__ import annotations

import argparse
import os
import resource
import statistics
import threading
import time

import numpy as np


def _data(kind: str, n: int):
    import torch

    if kind == "digits":
        from engines.training.datasets import digits_all

        x, y = digits_all()
        idx = np.random.default_rng(0).permutation(len(y))[:n]
        return torch.tensor(x[idx]), torch.tensor(y[idx])
    from sklearn.datasets import make_moons

    x, y = make_moons(n, noise=0.2, random_state=0)
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y)


def _setup(variant, depth, width, in_dim, out_dim):
    import torch

    from engines.batchnorm import network as nw
    from engines.batchnorm.surface import plane_directions

    spec = nw.NetSpec(variant, depth, width, in_dim, out_dim)
    g = torch.Generator().manual_seed(0)
    params = [p.detach() for p in nw.init_params(spec, "kaiming", g)]
    d1, d2 = plane_directions(spec, params, "filter_random", g)
    return spec, params, d1, d2


def matmul_peak(size: int, repeats: int) -> tuple[float, float]:
    """GFLOP/s of a size³ fp32 torch.mm with torch's pool at all cores, and with one single-thread
    mm per core side by side (how the sampler's lanes use the cores)."""
    import torch

    cores = os.cpu_count() or 1
    a, b = torch.randn(size, size), torch.randn(size, size)
    flops = 2.0 * size ** 3
    saved = torch.get_num_threads()
    torch.set_num_threads(cores)
    torch.mm(a, b)
    t0 = time.perf_counter()
    for _ in range(repeats):
        torch.mm(a, b)
    pool = flops * repeats / (time.perf_counter() - t0) / 1e9
    torch.set_num_threads(1)

    def lane():
        for _ in range(repeats):
            torch.mm(a, b)

    threads = [threading.Thread(target=lane) for _ in range(cores)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    lanes = flops * repeats * cores / (time.perf_counter() - t0) / 1e9
    torch.set_num_threads(saved)
    return pool, lanes


def sampler_times(setup, x, y, res: int, evaluator: str = "auto") -> tuple[float, float, np.ndarray]:
    """(seconds to the first yield, seconds to the full grid, the grid)."""
    from engines.batchnorm.surface import sample_surface

    spec, params, d1, d2 = setup
    t0 = time.perf_counter()
    first = None
    for grid, _ in sample_surface(spec, params, d1, d2, x, y, np.linspace(-1, 1, res), evaluator=evaluator):
        first = first or time.perf_counter() - t0
    return first, time.perf_counter() - t0, grid


def loop_rate(setup, x, y, alphas, betas, threads: int) -> tuple[float, list[float]]:
    """Points/s of the per-point loop through an nn.Sequential, and its losses."""
    import torch
    import torch.nn as tnn
    import torch.nn.functional as F

    spec, params, d1, d2 = setup
    layers = []
    for i, (fan_in, fan_out) in enumerate(zip(spec.sizes[:-1], spec.sizes[1:])):
        layers.append(tnn.Linear(fan_in, fan_out))
        if i < spec.depth:
            layers += ([tnn.BatchNorm1d(fan_out)] if spec.variant == "bn" else []) + [tnn.ReLU()]
    model = tnn.Sequential(*layers).train()
    slots = list(model.parameters())
    assert [p.shape for p in slots] == [p.shape for p in params]
    saved = torch.get_num_threads()
    torch.set_num_threads(threads)
    losses = []
    with torch.no_grad():
        t0 = time.perf_counter()
        for a, b in zip(alphas, betas):
            for slot, p0, u, v in zip(slots, params, d1, d2):
                slot.copy_(p0 + a * u + b * v)
            losses.append(F.cross_entropy(model(x), y).item())
        seconds = time.perf_counter() - t0
    torch.set_num_threads(saved)
    return len(alphas) / seconds, losses


def _best_loop(setup, x, y, coords, grid, points: int, rng) -> tuple[float, int, float]:
    """(points/s, threads, max |loop − sampler|) of the faster loop over a random subset of points."""
    res = len(coords)
    idx = rng.choice(res * res, size=min(points, res * res), replace=False)
    alphas, betas = coords[idx // res], coords[idx % res]
    best = (0.0, 1, 0.0)
    for threads in sorted({1, os.cpu_count() or 1}):
        rate, losses = loop_rate(setup, x, y, alphas, betas, threads)
        if rate > best[0]:
            best = (rate, threads, float(np.max(np.abs(np.array(losses) - grid.flat[idx]))))
    return best


def main(argv=None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    import torch

    from engines.batchnorm import network as nw
    from engines.batchnorm import surface

    res, repeats, mm_size, loop_points = (9, 1, 512, 12) if args.smoke else (51, 3, 2048, 300)
    cores = os.cpu_count() or 1
    surface.warm_up()
    rng = np.random.default_rng(0)
    xd, yd = _data("digits", 512)
    xm, ym = _data("moons", 256)
    big = {v: _setup(v, 6, 100, 64, 10) for v in ("bn", "none")}
    tiny = _setup("bn", 2, 16, 2, 2)
    coords = np.linspace(-1, 1, res)
    for setup, x, y in ((big["bn"], xd, yd), (tiny, xm, ym)):
        sampler_times(setup, x[:16], y[:16], 5)
    rows: dict[str, list] = {}
    for _ in range(repeats):
        rows.setdefault("peak", []).append(matmul_peak(mm_size, 4 if args.smoke else 6))
        for variant, setup in big.items():
            first, total, grid = sampler_times(setup, xd, yd, res)
            rows.setdefault(variant, []).append((first, total) + _best_loop(setup, xd, yd, coords, grid, loop_points, rng))
        saved_lanes, surface.CPU_LANES = surface.CPU_LANES, 1
        saved_threads = torch.get_num_threads()
        for key, threads in (("pool", cores), ("one lane", 1)):
            torch.set_num_threads(threads)
            rows.setdefault(key, []).append(sampler_times(big["bn"], xd, yd, res, "torch")[1:2])
        surface.CPU_LANES = saved_lanes
        torch.set_num_threads(saved_threads)
        first, total, grid = sampler_times(tiny, xm, ym, res, "numba")
        rows.setdefault("tiny", []).append((first, total, sampler_times(tiny, xm, ym, res, "torch")[1])
                                           + _best_loop(tiny, xm, ym, coords, grid, 4 * loop_points, rng))
    med = (lambda key, i: statistics.median(r[i] for r in rows[key]))
    pool, lanes = med("peak", 0), med("peak", 1)
    peak = max(pool, lanes)
    print(f"loss surface {res}×{res}, {cores} cores, torch {torch.__version__}, median of {repeats} interleaved runs")
    print(f"  fp32 torch.mm {mm_size}³: {pool:.0f} GFLOP/s with torch's {cores}-thread pool, {lanes:.0f} GFLOP/s as "
          f"{cores} single-thread lanes → peak {peak:.0f} GFLOP/s")
    for variant in big:
        spec = big[variant][0]
        flops = nw.count_flops(spec, len(yd)) * res * res
        total, rate, threads, err = med(variant, 1), med(variant, 2), rows[variant][-1][3], max(r[4] for r in rows[variant])
        gflops = flops / total / 1e9
        loop_total = res * res / rate
        print(f"  digits MLP 64-100×6-10, {variant}, batch {len(yd)}: sampler ({surface.choose_evaluator(spec, len(yd), 'cpu')}) "
              f"{total:.2f} s = {gflops:.1f} GFLOP/s; per-point nn.Sequential loop {loop_total:.2f} s "
              f"({rate:.0f} points/s at {threads} thread(s), max |Δloss| {err:.1e})")
        print(f"    {variant}: ratio sampler / matmul peak: {gflops / peak:.2f}   (goal ≥ 0.7)")
        print(f"    {variant}: ratio sampler / per-point loop: {loop_total / total:.1f}×   (goal ≥ 1.5×)")
        print(f"    {variant}: engine time to first coarse level {1000 * med(variant, 0):.0f} ms, to full grid {total:.2f} s")
    pooled, single = med("pool", 0), med("one lane", 0)
    print(f"  bn with torch's own {cores}-thread pool instead of {cores} lanes: {pooled:.2f} s, with one lane "
          f"of one thread: {single:.2f} s (speed-up of the lanes over the pool: {pooled / med('bn', 1):.2f}, "
          f"over one lane: {single / med('bn', 1):.2f})")
    spec = tiny[0]
    numba_total, torch_total, rate, err = med("tiny", 1), med("tiny", 2), med("tiny", 3), max(r[5] for r in rows["tiny"])
    loop_total = res * res / rate
    print(f"  moons 2-16-16-2 bn, 256 points (auto picks {surface.choose_evaluator(spec, 256, 'cpu')}): numba {numba_total * 1000:.0f} ms, "
          f"torch batched {torch_total * 1000:.0f} ms, per-point loop {loop_total * 1000:.0f} ms (max |Δloss| {err:.1e})")
    print(f"    ratio numba / per-point loop: {loop_total / numba_total:.1f}×   (goal ≥ 5×)")
    print(f"    ratio numba / torch batched: {torch_total / numba_total:.1f}×")
    print(f"    engine time to first coarse level {1000 * med('tiny', 0):.0f} ms, to full grid {1000 * numba_total:.0f} ms")
    print(f"  peak memory (max RSS): {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if torch.cuda.is_available():
        cuda_section(big["bn"], xd, yd, res, med("bn", 1))
    else:
        print("  CUDA: not available here (scripts/cuda_check.py measured an H200: 51×51 bn in 0.02 s)")
    return 0


def cuda_section(setup, x, y, res: int, cpu_seconds: float) -> None:
    """The batched sampler on the GPU against the CPU figure above (same net, batch and grid)."""
    import torch

    spec, params, d1, d2 = setup
    moved = [[t.cuda() for t in group] for group in (params, d1, d2)]
    gpu_setup = (spec, *moved)
    xs, ys = x.cuda(), y.cuda()
    sampler_times(gpu_setup, xs, ys, 5)
    times = []
    for _ in range(3):
        torch.cuda.synchronize()
        times.append(sampler_times(gpu_setup, xs, ys, res)[1])
    gpu = statistics.median(times)
    print(f"  CUDA ({torch.cuda.get_device_name(0)}): bn {res}×{res} in {gpu * 1000:.1f} ms; "
          f"ratio CPU / CUDA: {cpu_seconds / gpu:.0f}×")


if __name__ == "__main__":
    raise SystemExit(main())
