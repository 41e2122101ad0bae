"""Panel P5 a/b as one engine run: the convolution histogram and the interpolation norms.

``run_algebra(params, ctx)`` yields a single Frame (vae_ib.md §1.7, §3.3, §5 facts 5–6):

arrays["histogram"]      columns centre, density, exact_density  (the samples of αz₁ + βz₂)
arrays["exact_curve"]    columns x, exact_density  (the exact density on a fine grid, for drawing)
arrays["interpolation"]  columns t, linear_norm, linear_norm_exact, cossin_norm, cossin_norm_exact,
                         linear_logpdf, cossin_logpdf, linear_logpdf_exact, cossin_logpdf_exact
scalars                  ks, variance, variance_exact, midpoint_linear_norm, midpoint_cossin_norm,
                         midpoint_linear_norm_exact, chi_factor

The two parts draw from independent streams of the seed, so moving α does not redraw the pairs of (b).
Pure numpy: no Qt.  α = β = 0 raises normal_algebra's ParameterError (a point mass has no density).
"""
from __future__ import annotations

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema
from engines.vae_ib import normal_algebra as na

HIST_BINS = 80
CURVE_POINTS = 401
N_T = 41                    # odd, so t = ½ is a grid point
_CHUNK_NORMALS = 1 << 21    # normals per interpolation chunk (~30 ms), ctx.check() between chunks

ALGEBRA_PARAMS = ParamSchema([
    Param("alpha", 0.6, lo=-2.0, hi=2.0, step=0.01, label="α",
          help="weight of z₁ in αz₁ + βz₂"),
    Param("beta", 0.8, lo=-2.0, hi=2.0, step=0.01, label="β",
          help="weight of z₂ in αz₁ + βz₂"),
    Param("kind", "normal", kind="choice", choices=na.KINDS, label="inputs z₁, z₂",
          help="normal: N(0, 1), the sum is N(0, α² + β²); uniform: U(−1, 1), the sum is a "
               "trapezoid, not a uniform"),
    Param("samples", 100_000, advanced=True, kind="int", lo=1_000, hi=1_000_000, log=True,
          help="number of draws of αz₁ + βz₂ in the histogram"),
    Param("d", 64, kind="int", lo=1, hi=1024, log=True, label="dimension d",
          help="latent dimension of the interpolated pairs z₁, z₂ ~ N(0, I_d)"),
    Param("pairs", 5_000, advanced=True, kind="int", lo=100, hi=20_000, step=100,
          help="Monte-Carlo pairs (z₁, z₂) per point along the paths"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds both Monte-Carlo parts"),
])


def _interpolation(d: int, pairs: int, rng: np.random.Generator, ctx: RunContext) -> dict:
    """interpolation_norms in chunks (ctx.check() between them); the Monte-Carlo means are
    pair-weighted averages of the chunks' means, the closed forms are the same for every chunk."""
    chunk = max(1, _CHUNK_NORMALS // (2 * d))
    parts, weights = [], []
    for start in range(0, pairs, chunk):
        rows = min(chunk, pairs - start)
        parts.append(na.interpolation_norms(d, rows, N_T, rng))
        weights.append(rows)
        ctx.check()
    w = np.asarray(weights, float) / pairs
    mean = {key: sum(wi * p[key] for wi, p in zip(w, parts))
            for key in ("linear_norm", "cossin_norm", "linear_logpdf", "cossin_logpdf")}
    return {**parts[0], **mean}


def run_algebra(params: dict, ctx: RunContext):
    p = ALGEBRA_PARAMS.validate(params)
    alpha, beta, kind = p["alpha"], p["beta"], p["kind"]
    rng_a, rng_b = (np.random.default_rng(s) for s in np.random.SeedSequence(p["seed"]).spawn(2))

    x = na.combination_samples(alpha, beta, p["samples"], rng_a, kind)
    centre, density = na.histogram(x, HIST_BINS)
    exact = na.combination_density(centre, alpha, beta, kind)
    ks = na.ks_statistic(x, alpha, beta, kind)
    half_width = np.abs(centre).max() + centre[1] - centre[0]
    grid = np.linspace(-half_width, half_width, CURVE_POINTS)
    variance_exact = (alpha**2 + beta**2) / (1.0 if kind == "normal" else 3.0)
    ctx.check()

    it = _interpolation(p["d"], p["pairs"], rng_b, ctx)
    mid = N_T // 2
    names = ("t", "linear_norm", "linear_norm_exact", "cossin_norm", "cossin_norm_exact",
             "linear_logpdf", "cossin_logpdf", "linear_logpdf_exact", "cossin_logpdf_exact")
    yield Frame(
        step=0, progress=1.0,
        scalars={"ks": ks, "variance": float(np.var(x)), "variance_exact": float(variance_exact),
                 "midpoint_linear_norm": float(it["linear_norm"][mid]),
                 "midpoint_cossin_norm": float(it["cossin_norm"][mid]),
                 "midpoint_linear_norm_exact": float(it["linear_norm_exact"][mid]),
                 "chi_factor": na.chi_mean_over_sqrt_d(p["d"])},
        arrays={"histogram": np.column_stack([centre, density, exact]),
                "exact_curve": np.column_stack([grid, na.combination_density(grid, alpha, beta, kind)]),
                "interpolation": np.column_stack([it[n] for n in names])},
        columns={"histogram": ("centre", "density", "exact_density"),
                 "exact_curve": ("x", "exact_density"), "interpolation": names},
        message=f"KS = {ks:.4f}; linear midpoint ‖z‖/√d = {it['linear_norm'][mid]:.4f}",
    )
