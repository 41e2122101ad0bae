"""Numba kernel of the loss-surface sampler: one loss per grid point, points in parallel (``prange``).

Why a kernel of its own: for narrow networks torch's per-op dispatch and passes over memory cost
more than the arithmetic.  On 2 cores this kernel ran the 51×51 surface of a 2-16-16-2 BN net on 256
moons ~17× faster than a per-point ``nn.Sequential`` loop and ~1.2× faster than the batched torch
evaluator; on the 6×100 digits MLP BLAS wins (~46 vs ~74 GFLOP/s with BN), so
``surface.choose_evaluator`` sends only narrow nets here (DESIGN.md §2, batchnorm.md §6).

Each grid point (α, β) evaluates the training objective at θ₀ + α·d₁ + β·d₂ exactly as
``network.forward(train=True)`` + ``network.cross_entropy`` do — batch statistics of *that* point,
ε = 1e-5, no running statistics — for every ``network.NORMS`` variant.  The weights of the point are
formed on the fly, w = w₀ + α·w₁ + β·w₂, inside the multiply loop.  The first Linear is linear in
(α, β) because its input does not depend on θ (an input norm of layer 0 normalises x itself), so
its pre-activations arrive precomputed as h₀ + α·h₁ + β·h₂ (``surface._Prepared``).

Layout: activations are (units, n), the batch contiguous, so the weight loop is an axpy over the
batch and the batch statistics are contiguous reductions; activations are float32 like the torch
network, statistics and the loss are accumulated in float64.  No BLAS anywhere (DESIGN.md §2).
``fastmath`` is limited to reassociation and contraction: it lets LLVM vectorise the reductions
(twice as fast on the BN net) and keeps NaN and inf as they are, which the surface must show.
"""
from __future__ import annotations

import math

import numpy as np
from numba import get_num_threads, njit, prange

EPS = 1e-5
PLACEMENT = {"none": 0, "input": 1, "output": 2}
DIVISOR = {"none": 0, "std": 1, "l1": 2, "l2": 3, "linf": 4}
LAYOUT_COLUMNS = ("in", "out", "W", "b", "gamma", "beta")
FASTMATH = {"reassoc", "contract"}


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _normalise_rows(h, units, n, center, divisor, g, beta, noise_scale, noise_shift,
                    noise_sample, noisy, relu):
    """Batch-axis normalisation of every unit (row) in place, then noise, affine (γ, β per unit;
    empty arrays when there is none) and ReLU: ((h − m)/s·scale + shift + sample)·γ + β as one
    multiply-add per element, the centring first so that a large mean does not cancel in float32."""
    for u in range(units):
        s1 = 0.0
        for i in range(n):
            s1 += h[u, i]
        mean = s1 / n
        div = 1.0
        if divisor == 1:
            s2 = 0.0
            for i in range(n):
                d = h[u, i] - mean
                s2 += d * d
            div = math.sqrt(s2 / n + EPS)
        elif divisor == 2:
            s2 = 0.0
            for i in range(n):
                s2 += abs(h[u, i])
            div = s2 / n + EPS
        elif divisor == 3:
            s2 = 0.0
            for i in range(n):
                s2 += h[u, i] * h[u, i]
            div = math.sqrt(s2 / n) + EPS
        elif divisor == 4:
            s2 = 0.0
            for i in range(n):
                s2 = max(s2, abs(h[u, i]))
            div = s2 + EPS
        k = 1.0 / div
        c = 0.0
        if noisy > 0:
            k *= noise_scale[u]
            c = noise_shift[u]
        gu = 1.0
        if g.shape[0] > 0:
            gu = g[u]
            k *= gu
            c = c * gu + beta[u]
        sf = np.float32(mean if center else 0.0)
        kf = np.float32(k)
        cf = np.float32(c)
        gf = np.float32(gu)
        for i in range(n):
            v = (h[u, i] - sf) * kf + cf
            if noisy == 2:
                v += noise_sample[u, i] * gf
            if relu and v < 0:
                v = np.float32(0.0)
            h[u, i] = v


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _layernorm_rows(h, units, n, mean, var, g, beta):
    """Feature-axis normalisation (statistics over the units of each example), affine, ReLU."""
    for i in range(n):
        mean[i] = 0.0
        var[i] = 0.0
    for u in range(units):
        for i in range(n):
            mean[i] += h[u, i]
    for i in range(n):
        mean[i] /= units
    for u in range(units):
        for i in range(n):
            d = h[u, i] - mean[i]
            var[i] += d * d
    for i in range(n):
        var[i] = 1.0 / math.sqrt(var[i] / units + EPS)
    for u in range(units):
        gu = g[u] if g.shape[0] > 0 else 1.0
        bu = beta[u] if g.shape[0] > 0 else 0.0
        for i in range(n):
            v = np.float32((h[u, i] - mean[i]) * var[i] * gu + bu)
            if v < 0:
                v = np.float32(0.0)
            h[u, i] = v


@njit(cache=True, nogil=True, fastmath=FASTMATH)
def _point_loss(alpha, beta_, h0, p1, p2, base, d1, d2, layout, flags, noise_scale, noise_shift,
                noise_sample, y, cur, nxt, mean, var, g, bt):
    """The mean cross-entropy at one grid point; ``cur``/``nxt`` are (width_max, n) work buffers."""
    placement, axis, center, divisor, affine, noisy = (flags[0], flags[1], flags[2] != 0, flags[3],
                                                       flags[4] != 0, flags[5])
    layers = layout.shape[0]
    depth = layers - 1
    n = y.shape[0]
    a32 = np.float32(alpha)
    b32 = np.float32(beta_)
    units = layout[0, 1]
    for u in range(units):
        for i in range(n):
            cur[u, i] = h0[u, i] + a32 * p1[u, i] + b32 * p2[u, i]
    for layer in range(layers):
        fan_in, units = layout[layer, 0], layout[layer, 1]
        if layer > 0:
            if placement == 1:
                _normalise_rows(cur, fan_in, n, center, divisor, g[:0], bt[:0], noise_scale[0],
                                noise_shift[0], noise_sample[0], 0, False)
            wo, bo = layout[layer, 2], layout[layer, 3]
            for u in range(units):
                bias = np.float32(base[bo + u] + alpha * d1[bo + u] + beta_ * d2[bo + u])
                for i in range(n):
                    nxt[u, i] = bias
                for k in range(fan_in):
                    j = wo + u * fan_in + k
                    w = np.float32(base[j] + alpha * d1[j] + beta_ * d2[j])
                    for i in range(n):
                        nxt[u, i] += w * cur[k, i]
            cur, nxt = nxt, cur
        if layer == depth:
            break
        gam = g[:0]
        bet = bt[:0]
        if placement == 2 and affine:
            go, beo = layout[layer, 4], layout[layer, 5]
            for u in range(units):
                g[u] = base[go + u] + alpha * d1[go + u] + beta_ * d2[go + u]
                bt[u] = base[beo + u] + alpha * d1[beo + u] + beta_ * d2[beo + u]
            gam = g[:units]
            bet = bt[:units]
        if placement == 2 and axis == 1:
            _layernorm_rows(cur, units, n, mean, var, gam, bet)
        elif placement == 2:
            _normalise_rows(cur, units, n, center, divisor, gam, bet, noise_scale[layer],
                            noise_shift[layer], noise_sample[layer], noisy, True)
        else:
            for u in range(units):
                for i in range(n):
                    if cur[u, i] < 0:
                        cur[u, i] = np.float32(0.0)
    classes = layout[depth, 1]
    total = 0.0
    for i in range(n):
        top = -np.inf
        for c in range(classes):
            top = max(top, np.float64(cur[c, i]))
        s = 0.0
        for c in range(classes):
            s += math.exp(cur[c, i] - top)
        total += top + math.log(s) - cur[y[i], i]
    return total / n


@njit(cache=True, nogil=True, parallel=True, fastmath=FASTMATH)
def surface_losses(h0, p1, p2, base, d1, d2, layout, flags, noise_scale, noise_shift, noise_sample,
                   y, alphas, betas, blocks, out):
    """Losses of the points (alphas[m], betas[m]) into ``out[m]`` (float64), points in parallel.

    h0, p1, p2: float32 (units₀, n) first-layer pre-activations and their α, β slopes; base, d1, d2:
    float32 flat parameters (network order) of θ₀ and both directions; layout: int64 (layers, 6)
    with ``LAYOUT_COLUMNS`` (offsets −1 where absent); flags: int64 (placement, axis, center,
    divisor, affine, noisy) with noisy 0 none, 1 scale+shift, 2 with a sample; noise arrays float32
    (depth, width) and (depth, width, n) (dummies when not noisy); y int64 (n,); ``blocks``: how
    many contiguous runs of points the threads share (a few per thread balances the load)."""
    m = alphas.shape[0]
    n = y.shape[0]
    wmax = 1
    for layer in range(layout.shape[0]):
        wmax = max(wmax, layout[layer, 0], layout[layer, 1])
    blocks = max(1, min(m, blocks))
    for blk in prange(blocks):
        cur = np.empty((wmax, n), dtype=np.float32)
        nxt = np.empty((wmax, n), dtype=np.float32)
        mean = np.empty(n, dtype=np.float64)
        var = np.empty(n, dtype=np.float64)
        g = np.empty(wmax, dtype=np.float64)
        bt = np.empty(wmax, dtype=np.float64)
        for p in range(blk * m // blocks, (blk + 1) * m // blocks):
            out[p] = _point_loss(alphas[p], betas[p], h0, p1, p2, base, d1, d2, layout, flags,
                                 noise_scale, noise_shift, noise_sample, y, cur, nxt, mean, var, g, bt)


class NumbaSurface:
    """Host side of the kernel: θ₀, d₁, d₂ and the network's layout packed into the kernel's arrays
    once per surface; calling it evaluates a batch of points.  ``flats``: three float32 (P,) flat
    parameter vectors in network order; ``h``: three float32 (units₀, n) first-layer pre-activations;
    ``layout``: per Linear the indices of W, b, γ, β in the parameter list (−1 if absent);
    ``numels``: each parameter's size; ``noise``: per hidden layer (scale, shift, sample (n, width) or
    None) float32, or None; ``y``: the labels.  Runs on one lane: the kernel is parallel itself."""

    lanes = 1

    def __init__(self, spec, flats, h, layout, numels, noise, y):
        f32 = np.float32
        norm, offsets = spec.norm, np.cumsum([0] + list(numels))
        self.h, self.flat = [np.ascontiguousarray(v, f32) for v in h], [np.ascontiguousarray(v, f32) for v in flats]
        self.layout = np.array([spec.sizes[layer:layer + 2] + [offsets[i] if i >= 0 else -1 for i in idx]
                                for layer, idx in enumerate(layout)], np.int64)
        depth, width, n = max(spec.depth, 1), max(spec.width, 1), len(y)
        noisy = 0 if not noise else 1 + any(sample is not None for _, _, sample in noise)
        self.flags = np.array([PLACEMENT[norm.placement], int(norm.axis == "feature"), int(norm.center),
                               DIVISOR[norm.divisor], int(norm.affine), noisy], np.int64)
        self.noise = [np.ones((depth, width)), np.zeros((depth, width)), np.zeros((depth, 1, 1))]
        if noisy:
            self.noise[:2] = [np.stack([s[0] for s in noise]), np.stack([s[1] for s in noise])]
        if noisy == 2:
            self.noise[2] = np.stack([np.zeros((width, n)) if s[2] is None else s[2].T for s in noise])
        self.noise = [np.ascontiguousarray(v, dtype=f32) for v in self.noise]
        self.y = np.ascontiguousarray(y, np.int64)

    def __call__(self, alphas, betas) -> np.ndarray:
        out = np.empty(len(alphas))
        surface_losses(*self.h, *self.flat, self.layout, self.flags, *self.noise, self.y,
                       np.array(alphas, np.float64), np.array(betas, np.float64), 4 * get_num_threads(), out)
        return out


def warm_up() -> None:
    """Compile (or load from NUMBA_CACHE_DIR) the kernel for its one signature: a 2-2-2 net."""
    f32 = np.float32
    h = np.zeros((2, 3), f32)
    layout = np.array([[2, 2, 0, 4, 6, 8], [2, 2, 10, 14, -1, -1]], np.int64)
    flat = np.zeros(16, f32)
    flags = np.array([2, 0, 1, 1, 1, 0], np.int64)
    noise = np.zeros((1, 2), f32)
    out = np.empty(1)
    surface_losses(h, h, h, flat, flat, flat, layout, flags, noise, noise, np.zeros((1, 2, 3), f32),
                   np.zeros(3, np.int64), np.zeros(1), np.zeros(1), 1, out)
