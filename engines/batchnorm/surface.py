"""The loss surface around θ₀ on a plane, L(α, β) = loss(θ₀ + α·d₁ + β·d₂), for panel 4.

Directions (``PLANES``) follow Li et al. 2018, "Visualizing the Loss Landscape of Neural Nets":
random Gaussian directions *filter-normalised* (every row of a weight matrix — one unit's incoming
weights — rescaled to the norm of the same row of θ₀, so the picture does not depend on the
scale-invariance that BN introduces), the plane of the gradient and a random direction, or the top two
principal directions of the training trajectory (their §7).

The loss is the training objective of the variant in *training mode* on one fixed batch: batch
statistics are recomputed at every grid point and the running statistics are never touched
(batchnorm.md §6), exactly ``network.forward(train=True)`` + ``network.cross_entropy``.

Two evaluators, checked against ``network.forward`` per point in the tests:

* ``torch``: chunks of grid points with a leading grid dimension G through batched matrix products
  (bmm; on CUDA when the tensors are there).  Activations are kept as (G, units, n) so that every
  product is W·h and every batch statistic a contiguous reduction, and normalisation, noise and
  affine fold into one multiply-add per element — this fused forward is what lifts the 6×100 BN
  net from ~20 to ~70 GFLOP/s on two cores (``bench/bench_batchnorm.py``).
* ``numba``: ``surface_numba.surface_losses``, parallel over grid points, for small networks whose
  matrices are too small for BLAS to pay for torch's per-call overhead.

Both use that the first Linear's pre-activation is linear in (α, β): its input (x, or x normalised by
an input norm, which depends on x only) is the same at every grid point, so
x·W(α, β)ᵀ + b(α, β) = (x·W₀ᵀ + b₀) + α·(x·D₁ᵀ + d₁) + β·(x·D₂ᵀ + d₂) is exact and computed once.
"""
from __future__ import annotations

import math
import os
import time
from contextlib import contextmanager
from typing import Callable, Iterator

import numpy as np
import torch
import torch.nn.functional as F

from engines.batchnorm import network as nw

PLANES = ("filter_random", "gradient_random", "pca")
EVALUATORS = ("auto", "numba", "torch")
NUMBA_MAX_WIDTH = 32
NUMBA_MAX_MACS = 2_000_000
CHUNK_SECONDS = 0.04
YIELD_SECONDS = 0.2
_CACHE_BYTES = 2 << 20


class Directions(tuple):
    """``(d1, d2)`` — unpacks like a pair — plus ``plane`` (the plane actually used) and ``note``
    (why it differs from the one asked for, or the PCA's explained variance; None otherwise)."""

    def __new__(cls, d1, d2, plane: str, note: str | None = None):
        obj = super().__new__(cls, (d1, d2))
        obj.plane, obj.note = plane, note
        return obj


def _filter_normalise(direction: list[torch.Tensor], params: list[torch.Tensor]) -> list[torch.Tensor]:
    """Li et al. §4: each row of a weight direction gets the norm of that row of θ; 1-D parameters
    (biases, γ, β) get 0 ("ignore biasbn")."""
    out = []
    for d, p in zip(direction, params):
        if p.dim() < 2:
            out.append(torch.zeros_like(p))
            continue
        rows_d, rows_p = d.reshape(p.shape[0], -1), p.reshape(p.shape[0], -1)
        scale = rows_p.norm(dim=1, keepdim=True) / (rows_d.norm(dim=1, keepdim=True) + 1e-10)
        out.append((rows_d * scale).reshape(p.shape))
    return out


def _random_direction(params: list[torch.Tensor], generator: torch.Generator) -> list[torch.Tensor]:
    return [torch.randn(p.shape, generator=generator, dtype=p.dtype).to(p.device) for p in params]


def _as_flat_np(value) -> np.ndarray:
    """A list of tensors, a tensor or an array → float64 numpy (flattened when a list)."""
    if isinstance(value, (list, tuple)):
        value = nw.flat([torch.as_tensor(t).detach() for t in value])
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().double().numpy()
    return np.asarray(value, dtype=np.float64)


def plane_directions(spec: nw.NetSpec, params: list[torch.Tensor], plane: str, generator: torch.Generator,
                     gradient: list[torch.Tensor] | None = None, trajectory=None) -> Directions:
    """Two directions shaped like ``params`` (see the module docstring for the planes).

    ``filter_random``: two Gaussian directions, filter-normalised, 1-D parameters (biases, γ, β) 0
    — Li et al.'s "ignore biasbn".  ``gradient_random``: d₁ the filter-normalised gradient,
    d₂ a filter-normalised random direction made orthogonal to d₁ (Gram–Schmidt on the flat
    vectors) and rescaled to ‖d₁‖ (so d₂ is no longer exactly filter-normalised).  ``pca``: the top
    two principal directions of ``trajectory`` ((k, P) flat snapshots) taken relative to θ₀, not
    mean-centred (Li et al. §7 use θᵢ − θ_final); each is scaled to the largest |coordinate| of the
    trajectory along it, so the trajectory spans [−1, 1] on both axes and coords = linspace(−1, 1)
    just frames it.  With fewer than 3 snapshots, a degenerate trajectory or a zero gradient the
    result is ``filter_random`` and ``note`` says why.
    """
    if plane not in PLANES:
        raise ValueError(f"plane {plane!r} is not one of {', '.join(PLANES)}")
    params = [p.detach() for p in params]
    if plane == "gradient_random":
        if gradient is None:
            raise ValueError("plane gradient_random needs the gradient at the parameters")
        g1 = _filter_normalise([g.detach() for g in gradient], params)
        v1 = nw.flat(g1)
        if float(v1.norm()) > 0:
            v2 = nw.flat(_filter_normalise(_random_direction(params, generator), params))
            v2 = v2 - (v2 @ v1) / (v1 @ v1) * v1
            v2 = v2 * (v1.norm() / v2.norm())
            return Directions(g1, nw.unflat(v2, params), plane)
        return _filter_random(params, generator, "the gradient is zero: showing filter_random instead")
    if plane == "pca":
        result = _pca(params, trajectory)
        if isinstance(result, str):
            return _filter_random(params, generator, result + ": showing filter_random instead")
        return result
    return _filter_random(params, generator, None)


def _filter_random(params, generator, note) -> Directions:
    d1 = _filter_normalise(_random_direction(params, generator), params)
    d2 = _filter_normalise(_random_direction(params, generator), params)
    return Directions(d1, d2, "filter_random", note)


def _pca(params, trajectory) -> Directions | str:
    """Top two right singular vectors of M = [θᵢ − θ₀] from its k×k Gram matrix, or a reason."""
    if trajectory is None or len(trajectory) < 3:
        return f"pca needs at least 3 trajectory snapshots (got {0 if trajectory is None else len(trajectory)})"
    m = _as_flat_np(trajectory) - _as_flat_np(params)
    values, vectors = np.linalg.eigh(m @ m.T)
    values, vectors = values[::-1], vectors[:, ::-1]
    if values[0] <= 0 or values[1] <= 1e-12 * values[0]:
        return "the trajectory does not span a plane (all snapshots on one line)"
    dirs = []
    for j in range(2):
        u = m.T @ vectors[:, j] / math.sqrt(values[j])
        extent = np.abs(m @ u).max()
        dirs.append(nw.unflat(torch.as_tensor(u * extent, dtype=params[0].dtype).to(params[0].device), params))
    share = values[:2] / values.sum()
    return Directions(dirs[0], dirs[1], "pca", f"PCA explains {100 * share[0]:.0f}% and {100 * share[1]:.0f}%")


def refinement_levels(resolution: int) -> list[np.ndarray]:
    """Flat indices into the R×R grid, coarse first: 5, 9, 17, 33, … points per axis (rounded
    linspace, both ends included), then all R; each level holds only its new points."""
    if resolution < 1:
        raise ValueError("resolution must be at least 1")
    counts, m = [], 5
    while m < resolution:
        counts.append(m)
        m = 2 * m - 1
    counts.append(resolution)
    seen = np.zeros(resolution * resolution, bool)
    levels = []
    for m in counts:
        axis = np.unique(np.rint(np.linspace(0, resolution - 1, m)).astype(np.int64))
        flat = (axis[:, None] * resolution + axis[None, :]).ravel()
        new = flat[~seen[flat]]
        seen[new] = True
        if new.size:
            levels.append(new)
    return levels


def fill_from_coarse(grid: np.ndarray, done: np.ndarray | None = None) -> np.ndarray:
    """For display: every entry not yet computed takes the value of the nearest computed one, so a
    coarse level shows as blocks.  ``done`` defaults to the non-NaN entries (pass it when computed
    losses may themselves be NaN); nothing computed → returned unchanged."""
    from scipy.ndimage import distance_transform_edt

    grid = np.asarray(grid, dtype=np.float64)
    done = ~np.isnan(grid) if done is None else np.asarray(done, bool)
    if not done.any() or done.all():
        return grid.copy()
    rows, cols = distance_transform_edt(~done, return_distances=False, return_indices=True)
    return grid[rows, cols]


def project_onto_plane(snapshots, center, d1, d2) -> np.ndarray:
    """(k, 2) least-squares coordinates (α, β) of each snapshot − center in the basis (d₁, d₂)."""
    s = np.atleast_2d(_as_flat_np(snapshots)) - _as_flat_np(center)
    basis = np.stack([_as_flat_np(d1), _as_flat_np(d2)], axis=1)
    return np.linalg.lstsq(basis, s.T, rcond=None)[0].T


def choose_evaluator(spec: nw.NetSpec, n: int, device) -> str:
    """``torch`` on CUDA; on the CPU ``numba`` for small networks (hidden width ≤ NUMBA_MAX_WIDTH
    and ≤ NUMBA_MAX_MACS multiply-adds per grid point), where torch's per-call cost dominates;
    ``torch`` otherwise, where BLAS wins (the crossover measured in ``bench/bench_batchnorm.py``)."""
    if torch.device(device).type != "cpu":
        return "torch"
    macs = nw.count_flops(spec, n) // 2
    return "numba" if spec.width <= NUMBA_MAX_WIDTH and macs <= NUMBA_MAX_MACS else "torch"


class _Prepared:
    """Everything shared by the grid points: θ₀, d₁, d₂ detached, the first layer's pre-activations
    h₀ + α·h₁ + β·h₂ as (units, n), labels, noise (transposed to the (units, n) layout)."""

    def __init__(self, spec, params, d1, d2, x, y, noise):
        self.spec, self.norm = spec, spec.norm
        p0 = [p.detach() for p in params]
        self.device, self.dtype = p0[0].device, p0[0].dtype
        self.p = [p0, [d.detach().to(self.device, self.dtype) for d in d1],
                  [d.detach().to(self.device, self.dtype) for d in d2]]
        x = torch.as_tensor(x).to(self.device, self.dtype)
        self.y = torch.as_tensor(y).to(self.device, torch.long)
        self.n = x.shape[0]
        with torch.no_grad():
            if self.norm.placement == "input":
                x = nw.normalise(x, self.norm, 0, None, True, False)
            self.h = [torch.addmm(v[1][:, None], v[0], x.T) for v in self.p]
        self.layout = _layout(spec)
        self.noisy = self.norm.noisy and noise is not None
        self.noise = None
        if self.noisy:
            move = (lambda t: None if t is None else t.detach().to(self.device, self.dtype))
            self.noise = [nw.Noise(move(s.scale), move(s.shift), move(s.sample)) for s in noise]

    def coefficients(self, alphas: np.ndarray, betas: np.ndarray):
        a = torch.as_tensor(alphas, dtype=self.dtype).to(self.device)
        b = torch.as_tensor(betas, dtype=self.dtype).to(self.device)
        return a, b

    def at(self, index: int, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        """Parameter ``index`` at every point, (G, *shape) — a vector as (G, u, 1)."""
        p0, p1, p2 = (v[index] for v in self.p)
        shape = (-1,) + (1,) * p0.dim()
        out = torch.addcmul(p0, a.view(shape), p1).addcmul_(b.view(shape), p2)
        return out.unsqueeze(-1) if p0.dim() == 1 else out


def _layout(spec: nw.NetSpec) -> list[tuple[int, int, int, int]]:
    """Per Linear: indices into ``params`` of W, b, γ, β (−1 where absent), from ``spec.names()``."""
    index = {name: i for i, name in enumerate(spec.names())}
    return [tuple(index.get(f"{k}{layer}", -1) for k in ("W", "b", "gamma", "beta"))
            for layer in range(spec.linear_layers())]


def _normalise_t(h, norm: nw.NormSpec, gamma=None, beta=None, noise: nw.Noise | None = None):
    """``network.normalise`` (+ noise, affine) on (G, u, n) activations as few passes as possible:
    statistics by single-pass norms, then one multiply-add ((h − m)/s·scale + shift)·γ + β."""
    k = c = None
    if norm.axis == "feature":
        h = h.sub_(h.mean(-2, keepdim=True))
        var = torch.linalg.vector_norm(h, dim=-2, keepdim=True).square_().div_(h.shape[-2])
        h = h.mul_(torch.rsqrt(var.add_(nw.EPS)))
    else:
        n = h.shape[-1]
        mean = h.mean(-1, keepdim=True)
        if norm.divisor == "l1":
            k = 1 / (torch.linalg.vector_norm(h, 1, dim=-1, keepdim=True) / n + nw.EPS)
        elif norm.divisor == "l2":
            k = 1 / (torch.linalg.vector_norm(h, 2, dim=-1, keepdim=True) / math.sqrt(n) + nw.EPS)
        elif norm.divisor == "linf":
            k = 1 / (torch.linalg.vector_norm(h, math.inf, dim=-1, keepdim=True) + nw.EPS)
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
    if c is not None:
        h = torch.addcmul(c, h, k)
    elif k is not None:
        h = h.mul_(k)
    if noise is not None and noise.sample is not None:
        h = h.addcmul_(noise.sample.T, gamma if gamma is not None else torch.ones_like(c))
    return h


def torch_losses(prep: _Prepared, alphas: np.ndarray, betas: np.ndarray) -> torch.Tensor:
    """Mean cross-entropy at each point (alphas[g], betas[g]), all G points at once."""
    spec, norm = prep.spec, prep.norm
    a, b = prep.coefficients(alphas, betas)
    g3 = (-1, 1, 1)
    h = torch.addcmul(prep.h[0], a.view(g3), prep.h[1]).addcmul_(b.view(g3), prep.h[2])
    for layer, (wi, bi, gi, ei) in enumerate(prep.layout):
        if layer > 0:
            if norm.placement == "input":
                h = _normalise_t(h, norm)
            h = torch.baddbmm(prep.at(bi, a, b), prep.at(wi, a, b), h)
        if layer == spec.depth:
            break
        if norm.placement == "output":
            gamma, beta = (prep.at(gi, a, b), prep.at(ei, a, b)) if gi >= 0 else (None, None)
            h = _normalise_t(h, norm, gamma, beta, prep.noise[layer] if prep.noisy else None)
        h = h.relu_()
    return F.cross_entropy(h, prep.y.expand(h.shape[0], -1), reduction="none").mean(-1)


class _TorchEvaluator:
    """Chunks of grid points through ``torch_losses`` in sub-batches sized to stay in cache on the
    CPU (~2 MiB of activations; measured best at G ≈ 4–16 for the 6×100 net) and large on CUDA."""

    def __init__(self, prep: _Prepared):
        self.prep = prep
        widest = max(prep.spec.sizes) * prep.n * prep.h[0].element_size()
        budget = _CACHE_BYTES if prep.device.type == "cpu" else 256 << 20
        self.batch = int(max(1, min(1024, budget // widest)))

    def __call__(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        out = np.empty(len(alphas))
        with torch.no_grad():
            for s in range(0, len(alphas), self.batch):
                sl = slice(s, s + self.batch)
                out[sl] = torch_losses(self.prep, alphas[sl], betas[sl]).double().cpu().numpy()
        return out


class _NumbaEvaluator:
    """The same points through ``surface_numba.surface_losses`` (float32 activations)."""

    def __init__(self, prep: _Prepared):
        from engines.batchnorm.surface_numba import PLACEMENT, DIVISOR

        f32 = np.float32
        spec, norm = prep.spec, prep.norm
        cpu = [[t.detach().cpu().to(torch.float32) for t in v] for v in prep.p]
        sizes = np.cumsum([0] + [t.numel() for t in cpu[0]])
        self.h = [t.detach().cpu().to(torch.float32).numpy() for t in prep.h]
        self.flat = [nw.flat(v).numpy() for v in cpu]
        self.layout = np.array([[spec.sizes[layer], spec.sizes[layer + 1]] + [sizes[i] if i >= 0 else -1 for i in idx]
                                for layer, idx in enumerate(prep.layout)], np.int64)
        noisy = 0 if not prep.noisy else (2 if any(s.sample is not None for s in prep.noise) else 1)
        self.flags = np.array([PLACEMENT[norm.placement], int(norm.axis == "feature"), int(norm.center),
                               DIVISOR[norm.divisor], int(norm.affine), noisy], np.int64)
        depth, width, n = max(spec.depth, 1), max(spec.width, 1), prep.n
        self.noise = [np.ones((depth, width), f32), np.zeros((depth, width), f32), np.zeros((depth, 1, 1), f32)]
        if noisy:
            self.noise[0] = np.stack([s.scale.detach().cpu().float().numpy() for s in prep.noise])
            self.noise[1] = np.stack([s.shift.detach().cpu().float().numpy() for s in prep.noise])
        if noisy == 2:
            self.noise[2] = np.stack([np.zeros((width, n), f32) if s.sample is None
                                      else s.sample.detach().cpu().float().numpy().T for s in prep.noise])
        self.noise = [np.ascontiguousarray(v, dtype=f32) for v in self.noise]
        self.y = prep.y.cpu().numpy().astype(np.int64)

    def __call__(self, alphas: np.ndarray, betas: np.ndarray) -> np.ndarray:
        import numba

        from engines.batchnorm.surface_numba import surface_losses

        out = np.empty(len(alphas))
        surface_losses(*self.h, *self.flat, self.layout, self.flags, *self.noise, self.y,
                       np.ascontiguousarray(alphas, np.float64), np.ascontiguousarray(betas, np.float64),
                       4 * numba.get_num_threads(), out)
        return out


@contextmanager
def _cpu_threads(device, threads: int | None):
    """All cores for torch during a CPU surface (measured: faster when the machine is otherwise
    idle), the previous count restored afterwards."""
    previous = torch.get_num_threads()
    if torch.device(device).type == "cpu" and threads and threads != previous:
        torch.set_num_threads(threads)
    try:
        yield
    finally:
        if torch.get_num_threads() != previous:
            torch.set_num_threads(previous)


def sample_surface(spec: nw.NetSpec, params: list[torch.Tensor], d1: list[torch.Tensor], d2: list[torch.Tensor],
                   x, y, coords, noise: list[nw.Noise] | None = None, evaluator: str = "auto",
                   check: Callable[[], None] | None = None, chunk: int | None = None,
                   threads: int | None = None) -> Iterator[tuple[np.ndarray, int]]:
    """Yield ``(grid, points_done)`` after every refinement level, and at least every ~0.2 s
    within one, where ``grid[i, j]`` (R×R float64, NaN where not computed yet) is the loss at
    θ₀ + coords[i]·d₁ + coords[j]·d₂: rows follow d₁, columns d₂.  Each yield is a fresh copy.

    ``check`` (the run's stop check) is called before every chunk of points, chunks being sized to
    ~40 ms of work (``chunk`` fixes the number of points instead).  Non-finite losses are kept.
    ``noise``: the fixed noise of a ``noisy_bn`` net, used as given at every point.  ``threads``:
    torch's CPU thread count during the surface (default: all cores; restored afterwards).
    Neither θ₀ nor any running statistic is modified.
    """
    if evaluator not in EVALUATORS:
        raise ValueError(f"evaluator {evaluator!r} is not one of {', '.join(EVALUATORS)}")
    coords = np.asarray(coords, dtype=np.float64)
    res = coords.shape[0]
    prep = _Prepared(spec, params, d1, d2, x, y, noise)
    if evaluator == "auto":
        evaluator = choose_evaluator(spec, prep.n, prep.device)
    run = _NumbaEvaluator(prep) if evaluator == "numba" else _TorchEvaluator(prep)
    grid = np.full((res, res), np.nan)
    done = 0
    size = chunk or (2 * (os.cpu_count() or 1) if evaluator == "numba" else run.batch)
    with _cpu_threads(prep.device, threads or os.cpu_count()):
        last = time.perf_counter()
        for level in refinement_levels(res):
            alphas, betas = coords[level // res], coords[level % res]
            start = 0
            while start < level.size:
                if check is not None:
                    check()
                t0 = time.perf_counter()
                stop = min(start + size, level.size)
                grid.flat[level[start:stop]] = run(alphas[start:stop], betas[start:stop])
                now = time.perf_counter()
                done += stop - start
                if chunk is None:
                    per_point = max(now - t0, 1e-6) / (stop - start)
                    size = int(np.clip(CHUNK_SECONDS / per_point, 1, 4096))
                start = stop
                if start < level.size and now - last >= YIELD_SECONDS:
                    last = now
                    yield grid.copy(), done
            last = time.perf_counter()
            yield grid.copy(), done


def warm_up() -> None:
    """Compile (or load from the cache) the numba kernel; called in the background at start-up."""
    from engines.batchnorm.surface_numba import warm_up as warm_kernel

    warm_kernel()
