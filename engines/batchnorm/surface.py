"""The loss surface around θ₀ on a plane, L(α, β) = loss(θ₀ + α·d₁ + β·d₂), for panel 4.

The plane (``PLANES``, ``plane_directions``) and the grid order live in ``engines.batchnorm.planes``.

The loss is the training objective of the variant in *training mode* on one fixed batch: batch
statistics are recomputed at every grid point and the running statistics are never touched
(batchnorm.md §6), exactly ``network.forward(train=True)`` + ``network.cross_entropy``.

Two evaluators, checked against ``network.forward`` per point in the tests:

* ``torch``: sub-batches of grid points with a leading grid dimension G through batched matrix
  products (bmm; on CUDA when the tensors are there).  Activations are kept as (G, units, n) so that
  every product is W·h and every batch statistic a contiguous reduction, normalisation, noise and
  affine become one scale and one shift per unit, and every op works in place in reused buffers.
  Per core this runs the 6×100 digits net at ~36 GFLOP/s with BN and ~52 without, against ~22 and
  ~39 for ``network.forward`` with the same grid dimension.
* ``numba``: ``surface_numba.surface_losses``, parallel over grid points, for small networks whose
  matrices are too small for BLAS to pay for torch's per-call overhead.

Both use that the first Linear's pre-activation is linear in (α, β): its input (x, or x normalised by
an input norm, which depends on x only) is the same at every grid point, so
x·W(α, β)ᵀ + b(α, β) = (x·W₀ᵀ + b₀) + α·(x·D₁ᵀ + d₁) + β·(x·D₂ᵀ + d₂) is exact and computed once
(~10 % faster on the 6×100 net, whose first layer holds 11 % of the multiply-adds).
"""
from __future__ import annotations

import math
import os
import threading
import time
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from contextlib import contextmanager
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from engines.batchnorm import network as nw
from engines.batchnorm.planes import (PLANES, Directions, fill_from_coarse, plane_directions,
                                      project_onto_plane, refinement_levels)

__all__ = ["PLANES", "Directions", "EVALUATORS", "choose_evaluator", "fill_from_coarse", "plane_directions",
           "project_onto_plane", "refinement_levels", "sample_surface", "torch_losses", "warm_up"]

EVALUATORS = ("auto", "numba", "torch")
NUMBA_MAX_WIDTH = 48
NUMBA_MAX_WIDTH_NORMALISED = 64
CPU_LANES: int | None = None   # torch lanes on the CPU; None: one per core
CHUNK_SECONDS = 0.04
YIELD_SECONDS = 0.2
_CACHE_BYTES = 1 << 20


def choose_evaluator(spec: nw.NetSpec, n: int, device) -> str:
    """``torch`` on CUDA.  On the CPU ``numba`` for narrow networks — hidden width ≤ 48, or ≤ 64
    with a normalisation (whose per-element passes cost torch more than the loops) — and ``torch``
    for wider ones, where BLAS wins.  Measured on 2 cores (31×31 grids, points/s numba / torch):
    width 16: 1.2–2.5×; 48: 1.2–2.1× with BN, 1.0 without; 64: 1.1–1.5× with BN, 0.6–0.9 without;
    100: 0.55–0.65.  The batch size n hardly moves the crossover (n = 256…1024 checked)."""
    if torch.device(device).type != "cpu":
        return "torch"
    limit = NUMBA_MAX_WIDTH_NORMALISED if spec.norm.placement != "none" else NUMBA_MAX_WIDTH
    return "numba" if spec.width <= limit else "torch"


class _Prepared:
    """Everything shared by the grid points: θ₀, d₁, d₂ detached, the first layer's pre-activations
    h₀ + α·h₁ + β·h₂ as (units, n), labels, noise moved to the parameters' device and dtype."""

    def __init__(self, spec, params, d1, d2, x, y, noise):
        self.spec, self.norm = spec, spec.norm
        p0 = [p.detach() for p in params]
        self.device, self.dtype = p0[0].device, p0[0].dtype
        self.p = [p0] + [[t.detach().to(self.device, self.dtype) for t in d] for d in (d1, d2)]
        x = torch.as_tensor(x).to(self.device, self.dtype)
        self.y = torch.as_tensor(y).to(self.device, torch.long)
        self.n = x.shape[0]
        with torch.no_grad():
            if self.norm.placement == "input":
                x = nw.normalise(x, self.norm, 0, None, True, False)
            self.h = [torch.addmm(v[1][:, None], v[0], x.T) for v in self.p]
        self.layout = _layout(spec)
        self.noise = None
        if self.norm.noisy and noise is not None:
            move = (lambda t: None if t is None else t.detach().to(self.device, self.dtype))
            self.noise = [nw.Noise(move(s.scale), move(s.shift), move(s.sample)) for s in noise]

    def at(self, index: int, a: torch.Tensor, b: torch.Tensor, out=None) -> torch.Tensor:
        """Parameter ``index`` at every point, (G, *shape) — a vector as (G, u, 1)."""
        p0, p1, p2 = (v[index] for v in self.p)
        shape = (-1,) + (1,) * p0.dim()
        w = torch.addcmul(p0, a.view(shape), p1, out=out).addcmul_(b.view(shape), p2)
        return w.unsqueeze(-1) if p0.dim() == 1 else w


def _layout(spec: nw.NetSpec) -> list[tuple[int, int, int, int]]:
    """Per Linear: indices into ``params`` of W, b, γ, β (−1 where absent), from ``spec.names()``."""
    index = {name: i for i, name in enumerate(spec.names())}
    return [tuple(index.get(f"{k}{layer}", -1) for k in ("W", "b", "gamma", "beta"))
            for layer in range(spec.linear_layers())]


def _normalise_t(h, norm: nw.NormSpec, gamma=None, beta=None, noise: nw.Noise | None = None):
    """``network.normalise`` (+ noise, affine, in that order) on (G, u, n) activations, in place:
    statistics by single-pass norms, then ((h − m)/s·scale + shift)·γ + β as one scale and one shift
    per unit.  In place matters: a fresh (G, u, n) result per op cost ~25 % of the time."""
    k = c = None
    if norm.axis == "feature":
        h = h.sub_(h.mean(-2, keepdim=True))
        var = torch.linalg.vector_norm(h, dim=-2, keepdim=True).square_().div_(h.shape[-2])
        h = h.mul_(torch.rsqrt(var.add_(nw.EPS)))
    else:
        n = h.shape[-1]
        mean = h.mean(-1, keepdim=True)
        if norm.divisor in ("l1", "l2", "linf"):
            order = {"l1": 1, "l2": 2, "linf": math.inf}[norm.divisor]
            size = {"l1": n, "l2": math.sqrt(n), "linf": 1}[norm.divisor]
            k = torch.linalg.vector_norm(h, order, dim=-1, keepdim=True).div_(size).add_(nw.EPS).reciprocal_()
        if norm.center:
            h = h.sub_(mean)
        if norm.divisor == "std":
            centred = h if norm.center else h - mean
            var = torch.linalg.vector_norm(centred, dim=-1, keepdim=True).square_().div_(n)
            k = torch.rsqrt(var.add_(nw.EPS))
    if noise is not None:
        k = noise.scale[:, None] if k is None else k * noise.scale[:, None]
        c = noise.shift[:, None]
    if gamma is not None:
        k = gamma if k is None else k * gamma
        c = beta if c is None else torch.addcmul(beta, c, gamma)
    if k is not None:
        h = h.mul_(k)
    if c is not None:
        h = h.add_(c)
    if noise is not None and noise.sample is not None:
        h = h.addcmul_(noise.sample.T, gamma if gamma is not None else torch.ones_like(c))
    return h


def torch_losses(prep: _Prepared, alphas, betas, work: list[torch.Tensor] | None = None) -> torch.Tensor:
    """Mean cross-entropy at the G points (alphas[g], betas[g]) at once, under ``no_grad``.

    ``work``: three flat buffers (activations ×2, weights) of at least G·max(sizes)·max(n, max(sizes))
    elements, reused between calls.  A bias that the batch centring cancels exactly (output norm,
    batch axis, centred, divisor std or none: the mean absorbs it and the variance ignores it) is
    skipped — one pass over the activations fewer per layer."""
    spec, norm = prep.spec, prep.norm
    with torch.no_grad():
        a, b = (torch.as_tensor(np.array(v, np.float64), dtype=prep.dtype).to(prep.device) for v in (alphas, betas))
        g, n = a.shape[0], prep.n
        buffer = (lambda i, *shape: None if work is None else work[i][:math.prod(shape)].view(shape))
        cancels = (norm.placement == "output" and norm.axis == "batch" and norm.center
                   and norm.divisor in ("std", "none"))
        sizes, g3 = spec.sizes, (-1, 1, 1)
        h = torch.addcmul(prep.h[0], a.view(g3), prep.h[1], out=buffer(0, g, sizes[1], n))
        h = h.addcmul_(b.view(g3), prep.h[2])
        for layer, (wi, bi, gi, ei) in enumerate(prep.layout):
            if layer > 0:
                if norm.placement == "input":
                    h = _normalise_t(h, norm)
                w = prep.at(wi, a, b, out=buffer(2, g, sizes[layer + 1], sizes[layer]))
                out = buffer(layer % 2, g, sizes[layer + 1], n)
                if cancels and layer < spec.depth:
                    h = torch.bmm(w, h, out=out)
                else:
                    h = torch.baddbmm(prep.at(bi, a, b), w, h, out=out)
            if layer == spec.depth:
                break
            if norm.placement == "output":
                gamma, beta = (prep.at(gi, a, b), prep.at(ei, a, b)) if gi >= 0 else (None, None)
                h = _normalise_t(h, norm, gamma, beta, prep.noise[layer] if prep.noise else None)
            h = h.relu_()
        return F.cross_entropy(h, prep.y.expand(g, -1), reduction="none").mean(-1)


class _TorchEvaluator:
    """Sub-batches of G grid points through ``torch_losses``; G keeps the activations of one
    sub-batch near ~1 MiB on the CPU (cache-resident; G ≈ 4–8 measured best for the 6×100 net) and
    large on CUDA.  On the CPU one *lane* per core (a thread with one intra-op torch thread) runs
    sub-batches side by side.  Measured on 2 cores (6×100 BN net): with the second core free the
    lanes ran ~1.9× faster than torch's own two-thread pool and ~1.7× faster than one lane; with
    another process on a core the pool fell up to 10× behind one thread (each small op waits for
    both threads), the lanes only ~15–20 % (bench/bench_batchnorm.py prints both)."""

    def __init__(self, prep: _Prepared):
        self.prep = prep
        widest = max(prep.spec.sizes) * max(prep.n, max(prep.spec.sizes)) * prep.h[0].element_size()
        cpu = prep.device.type == "cpu"
        self.batch = int(max(1, min(1024, (_CACHE_BYTES if cpu else 256 << 20) // widest)))
        self.lanes = (CPU_LANES or _cores()) if cpu else 1
        self._local = threading.local()

    def __call__(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        out = np.empty(len(alphas))
        for s in range(0, len(alphas), self.batch):
            sl = slice(s, s + self.batch)
            out[sl] = torch_losses(self.prep, alphas[sl], betas[sl], self._work(len(alphas[sl]))).double().cpu().numpy()
        return out

    def _work(self, g: int) -> list[torch.Tensor]:
        """This lane's three reusable buffers, grown when a sub-batch needs more."""
        size = g * max(self.prep.spec.sizes) * max(self.prep.n, max(self.prep.spec.sizes))
        work = getattr(self._local, "work", None)
        if work is None or work[0].numel() < size:
            work = self._local.work = [torch.empty(size, dtype=self.prep.dtype, device=self.prep.device)
                                       for _ in range(3)]
        return work


def _numba_evaluator(prep: _Prepared):
    """The same points through ``surface_numba.surface_losses`` (float32 activations)."""
    from engines.batchnorm.surface_numba import NumbaSurface

    as32 = (lambda t: None if t is None else t.detach().cpu().float().numpy())
    noise = [(as32(s.scale), as32(s.shift), as32(s.sample)) for s in prep.noise] if prep.noise else None
    return NumbaSurface(prep.spec, [as32(nw.flat(v)) for v in prep.p], [as32(t) for t in prep.h], prep.layout,
                        [t.numel() for t in prep.p[0]], noise, prep.y.cpu().numpy())


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@contextmanager
def _single_op_threads(lanes: int):
    """One intra-op torch thread while several lanes run (pools fight for the cores), restored after;
    it is process-wide, so other torch work of the process runs on one thread meanwhile."""
    previous = torch.get_num_threads()
    if lanes > 1 and previous != 1:
        torch.set_num_threads(1)
    try:
        yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)


def _timed(run, alphas, betas):
    t0 = time.perf_counter()
    return run(alphas, betas), time.perf_counter() - t0


def sample_surface(spec: nw.NetSpec, params: list[torch.Tensor], d1: list[torch.Tensor], d2: list[torch.Tensor],
                   x, y, coords, noise: list[nw.Noise] | None = None, evaluator: str = "auto",
                   check: Callable[[], None] | None = None, chunk: int | None = None) -> Iterator[tuple[np.ndarray, int]]:
    """Yield ``(grid, points_done)`` after every refinement level, and at least every ~0.2 s
    within one, where ``grid[i, j]`` (R×R float64, NaN where not computed yet) is the loss at
    θ₀ + coords[i]·d₁ + coords[j]·d₂: rows follow d₁, columns d₂.  Each yield is a fresh copy.

    Worker threads (the evaluator's lanes) take sub-batches of points in refinement order; this
    generator waits on them and calls ``check`` (the run's stop check) every ≤ 50 ms, so a stop lands
    within one sub-batch (torch: G points; numba: sized to ~40 ms; ``chunk`` fixes the size).
    Non-finite losses are kept.  ``noise``: a ``noisy_bn`` net's fixed noise, used as given at every
    point.  Neither θ₀ nor any running statistic is modified (the forward is functional, note §6).
    """
    if evaluator not in EVALUATORS:
        raise ValueError(f"evaluator {evaluator!r} is not one of {', '.join(EVALUATORS)}")
    coords = np.asarray(coords, dtype=np.float64)
    res = coords.shape[0]
    prep = _Prepared(spec, params, d1, d2, x, y, noise)
    if evaluator == "auto":
        evaluator = choose_evaluator(spec, prep.n, prep.device)
    run = _numba_evaluator(prep) if evaluator == "numba" else _TorchEvaluator(prep)
    adaptive = chunk is None and evaluator == "numba"
    size = chunk or (2 * _cores() if adaptive else run.batch)
    levels = refinement_levels(res)
    order = np.concatenate(levels)
    level_of = np.repeat(np.arange(len(levels)), [lv.size for lv in levels])
    left = np.array([lv.size for lv in levels])
    grid = np.full((res, res), np.nan)
    finished = submitted = 0
    pool, inflight = ThreadPoolExecutor(run.lanes, thread_name_prefix="loss-surface"), {}
    try:
        with _single_op_threads(run.lanes):
            last = time.perf_counter()
            while finished < order.size:
                while submitted < order.size and len(inflight) < 2 * run.lanes:
                    stop = min(submitted + size, order.size)
                    idx = order[submitted:stop]
                    inflight[pool.submit(_timed, run, coords[idx // res], coords[idx % res])] = (submitted, stop)
                    submitted = stop
                ready, _ = wait(inflight, timeout=0.05, return_when=FIRST_COMPLETED)
                if check is not None:
                    check()
                level_complete = False
                for future in ready:
                    start, stop = inflight.pop(future)
                    losses, seconds = future.result()
                    grid.flat[order[start:stop]] = losses
                    finished += stop - start
                    np.subtract.at(left, level_of[start:stop], 1)
                    level_complete |= bool((left[np.unique(level_of[start:stop])] == 0).any())
                    if adaptive:
                        size = int(np.clip(CHUNK_SECONDS * (stop - start) / max(seconds, 1e-6), 1, 1 << 16))
                if level_complete or (ready and time.perf_counter() - last >= YIELD_SECONDS):
                    last = time.perf_counter()
                    yield grid.copy(), finished
    finally:
        for future in inflight:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)


def warm_up() -> None:
    """Compile (or load from the cache) the numba kernel; called in the background at start-up."""
    from engines.batchnorm.surface_numba import warm_up as warm_kernel

    warm_kernel()
