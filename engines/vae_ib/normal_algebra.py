"""Panel P5 — normal-distribution algebra (vae_ib.md §1.7, §3.3, §5 facts 5 and 6).

(a) Convolution: for independent standard z₁, z₂ the combination αz₁ + βz₂ is N(0, α² + β²), so a
    blend of latent codes stays "inside the Gaussian world".  Uniform inputs are the counter-example:
    U(-|α|, |α|) + U(-|β|, |β|) is a trapezoid (a triangle when |α| = |β|), not a uniform.
(b) Interpolation: the linear path z_t = (1-t)z₁ + t z₂ has per-component variance (1-t)² + t², which
    dips to ½ at the midpoint (so ‖z‖/√d → 1/√2 for large d), while z_θ = z₁cos θ + z₂sin θ keeps
    variance 1 for every θ.

Pure numpy/scipy: no torch, no Qt.  Every Monte-Carlo helper takes an explicit np.random.Generator.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.special import gammaln, ndtr

from engines.core.params import ParameterError

KINDS = ("normal", "uniform")
_CHUNK_ELEMENTS = 1 << 20          # 8 MB of float64 per working array in interpolation_norms
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ParameterError("kind", f"kind = {kind!r} is not one of {KINDS}")


def _check_count(name: str, value: int, least: int) -> int:
    if isinstance(value, bool) or int(value) != value or value < least:
        raise ParameterError(name, f"{name} = {value!r} must be an integer ≥ {least}")
    return int(value)


def _widths(alpha: float, beta: float) -> tuple[float, float]:
    """(a, b) = sorted(|α|, |β|), a ≤ b; both zero is a point mass, which has no density."""
    if not (math.isfinite(alpha) and math.isfinite(beta)):
        raise ParameterError("alpha", f"alpha = {alpha!r}, beta = {beta!r} must be finite")
    if alpha == 0.0 and beta == 0.0:
        raise ParameterError("alpha", "alpha = beta = 0 gives a point mass at 0, which has no "
                             "density: make alpha or beta non-zero")
    a, b = sorted((abs(float(alpha)), abs(float(beta))))
    return a, b


def combination_samples(alpha: float, beta: float, n: int, rng: np.random.Generator,
                        kind: str = "normal") -> np.ndarray:
    """n draws of αz₁ + βz₂ with z₁, z₂ iid N(0, 1) (kind "normal") or U(-1, 1) ("uniform")."""
    _check_kind(kind)
    _widths(alpha, beta)
    n = _check_count("n", n, 1)
    z = rng.standard_normal((2, n)) if kind == "normal" else rng.uniform(-1.0, 1.0, (2, n))
    return alpha * z[0] + beta * z[1]


def combination_density(x, alpha: float, beta: float, kind: str = "normal") -> np.ndarray:
    """Exact density of αz₁ + βz₂.

    normal:  N(0, α² + β²) (§1.7, fact 5).
    uniform: with a ≤ b the sorted |α|, |β|, the convolution of U(-a, a) and U(-b, b) is
             f(x) = (min(b, x + a) - max(-b, x - a))₊ / (4ab)
             (the overlap of [x - a, x + a] with [-b, b]): flat 1/(2b) on |x| ≤ b - a, falling
             linearly to 0 at |x| = a + b.  a = 0 leaves the single uniform U(-b, b).
    """
    _check_kind(kind)
    a, b = _widths(alpha, beta)
    x = np.asarray(x, dtype=float)
    if kind == "normal":
        var = a * a + b * b
        return np.exp(-0.5 * x * x / var) / math.sqrt(2.0 * math.pi * var)
    if a == 0.0:
        return np.where(np.abs(x) <= b, 0.5 / b, 0.0)
    overlap = np.minimum(b, x + a) - np.maximum(-b, x - a)
    return np.maximum(overlap, 0.0) / (4.0 * a * b)


def _uniform_cdf_integral(u: np.ndarray, b: float) -> np.ndarray:
    """G(u) = ∫_{-∞}^u F_b(s) ds for the U(-b, b) CDF F_b(s) = clip((s + b)/(2b), 0, 1):
    0 below -b, (u + b)²/(4b) on [-b, b], u beyond b."""
    c = np.clip(u + b, 0.0, 2.0 * b)
    return c * c / (4.0 * b) + np.maximum(u - b, 0.0)


def combination_cdf(x, alpha: float, beta: float, kind: str = "normal") -> np.ndarray:
    """Exact CDF of αz₁ + βz₂.

    normal:  Φ(x/√(α² + β²)).
    uniform: the trapezoid integrated in closed form.  Conditioning on the wider term,
             F(x) = E F_a(x - Y) with Y ~ U(-b, b), i.e. F(x) = (G_a(x + b) - G_a(x - b))/(2b) with
             G_a the integral of the narrow CDF; dividing by the wider width 2b keeps the difference
             well conditioned when a ≪ b.
    """
    _check_kind(kind)
    a, b = _widths(alpha, beta)
    x = np.asarray(x, dtype=float)
    if kind == "normal":
        return ndtr(x / math.hypot(a, b))
    if a == 0.0:
        return np.clip((x + b) / (2.0 * b), 0.0, 1.0)
    cdf = (_uniform_cdf_integral(x + b, a) - _uniform_cdf_integral(x - b, a)) / (2.0 * b)
    return np.clip(cdf, 0.0, 1.0)


def ks_statistic(samples, alpha: float, beta: float, kind: str = "normal") -> float:
    """Kolmogorov–Smirnov distance sup|F_n - F| between the samples and the exact CDF.

    The empirical CDF jumps at each sorted sample x₍ᵢ₎ from (i-1)/n to i/n, so the supremum is
    max over i of max(i/n - F(x₍ᵢ₎), F(x₍ᵢ₎) - (i-1)/n).
    """
    x = np.sort(np.asarray(samples, dtype=float).ravel())
    n = x.size
    if n == 0:
        raise ParameterError("samples", "samples is empty: the KS distance needs at least one sample")
    cdf = combination_cdf(x, alpha, beta, kind)
    i = np.arange(1, n + 1)
    return float(max(np.max(i / n - cdf), np.max(cdf - (i - 1) / n)))


def histogram(samples, bins: int = 60) -> tuple[np.ndarray, np.ndarray]:
    """(bin centres, density) of the samples, normalised so the bars integrate to 1."""
    bins = _check_count("bins", bins, 1)
    density, edges = np.histogram(np.asarray(samples, dtype=float), bins=bins, density=True)
    return 0.5 * (edges[:-1] + edges[1:]), density


def chi_mean_over_sqrt_d(d: int) -> float:
    """E‖z‖/√d for z ~ N(0, I_d): √(2/d) Γ((d+1)/2)/Γ(d/2) (the χ_d mean), < 1, → 1 - 1/(4d).
    Written with gammaln so d = 1024 does not overflow."""
    d = _check_count("d", d, 1)
    return math.sqrt(2.0 / d) * math.exp(gammaln(0.5 * (d + 1)) - gammaln(0.5 * d))


def interpolation_norms(d: int, n_pairs: int, n_t: int, rng: np.random.Generator) -> dict:
    """Monte-Carlo and closed forms along the linear and cos/sin paths between z₁, z₂ ~ N(0, I_d).

    z_t = (1-t)z₁ + t z₂ and z_θ = z₁cos θ + z₂sin θ with θ = tπ/2, t on n_t grid points in [0, 1].
    Only three scalars per pair are needed, ‖z₁‖², ‖z₂‖², z₁·z₂, because
        ‖p z₁ + q z₂‖² = p²‖z₁‖² + 2pq z₁·z₂ + q²‖z₂‖²,
    so no (pairs, t, d) array is ever formed; pairs are drawn in chunks of ≤ 8 MB each.

    Keys (arrays over t): "t"; for path in ("linear", "cossin"):
      path_norm      mean ‖z‖/√d,          path_norm_se  its standard error,
      path_var       mean ‖z‖²/d (the per-component variance),
      path_logpdf    mean log N(z; 0, I)/d = -½log 2π - ‖z‖²/(2d),
      path_var_exact (1-t)² + t² resp. 1,
      path_norm_exact   chi_mean_over_sqrt_d(d)·√var_exact (exact: z_t ~ N(0, var·I)),
      path_logpdf_exact -½log 2π - var_exact/2.
    """
    d = _check_count("d", d, 1)
    n_pairs = _check_count("n_pairs", n_pairs, 1)
    n_t = _check_count("n_t", n_t, 2)
    t = np.linspace(0.0, 1.0, n_t)
    theta = 0.5 * math.pi * t
    coeffs = {"linear": (1.0 - t, t), "cossin": (np.cos(theta), np.sin(theta))}
    sums = {p: np.zeros((2, n_t)) for p in coeffs}        # rows: Σ‖z‖/√d and Σ‖z‖²/d
    chunk = max(1, _CHUNK_ELEMENTS // max(d, n_t))
    for start in range(0, n_pairs, chunk):
        rows = min(chunk, n_pairs - start)
        z1 = rng.standard_normal((rows, d))
        z2 = rng.standard_normal((rows, d))
        aa = np.einsum("ij,ij->i", z1, z1)[:, None] / d
        bb = np.einsum("ij,ij->i", z2, z2)[:, None] / d
        ab = np.einsum("ij,ij->i", z1, z2)[:, None] / d
        for path, (p, q) in coeffs.items():
            sq = np.maximum(p * p * aa + 2.0 * p * q * ab + q * q * bb, 0.0)
            sums[path][0] += np.sqrt(sq).sum(axis=0)
            sums[path][1] += sq.sum(axis=0)
    chi = chi_mean_over_sqrt_d(d)
    out = {"t": t}
    for path, var_exact in (("linear", (1.0 - t) ** 2 + t * t), ("cossin", np.ones(n_t))):
        norm, var = sums[path][0] / n_pairs, sums[path][1] / n_pairs
        out[f"{path}_norm"] = norm
        out[f"{path}_norm_se"] = np.sqrt(np.maximum(var - norm * norm, 0.0) / n_pairs)
        out[f"{path}_var"] = var
        out[f"{path}_logpdf"] = -_HALF_LOG_2PI - 0.5 * var
        out[f"{path}_var_exact"] = var_exact
        out[f"{path}_norm_exact"] = chi * np.sqrt(var_exact)
        out[f"{path}_logpdf_exact"] = -_HALF_LOG_2PI - 0.5 * var_exact
    return out


def uniform_midpoint_facts(n: int, rng: np.random.Generator) -> dict:
    """Midpoint m = (u₁ + u₂)/2 of two U(-1, 1) draws (fact 6): m is triangular on [-1, 1], so
    Var m = 1/6 (half the uniform's 1/3) and P(|m| < ½) = 3/4 (the uniform itself: ½).

    Returns the estimates (sample variance, fraction with |m| < ½), their exact values and standard
    errors: SE(var) ≈ √(Var m²/n) with Var m² = E m⁴ - (1/6)² = 1/15 - 1/36 = 7/180, SE(p) = √(p(1-p)/n).
    """
    n = _check_count("n", n, 1)
    m = 0.5 * rng.uniform(-1.0, 1.0, (2, n)).sum(axis=0)
    return {
        "variance": float(np.var(m)), "variance_exact": 1.0 / 6.0,
        "variance_se": math.sqrt(7.0 / 180.0 / n),
        "p_half": float(np.mean(np.abs(m) < 0.5)), "p_half_exact": 0.75,
        "p_half_se": math.sqrt(0.75 * 0.25 / n),
    }
