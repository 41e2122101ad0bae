"""Scenario B — the rotating hanging rope (Li Yongle's problem, Kolodner 1955; rope.md §2.3).

A uniform rope of length L hangs from a point at distance r0 from a vertical axis and turns about
it at ω under gravity g; the lower end is free.  With σ the arc length from the free end and
λ = ω²L/g the steady shape solves (dimensionless, L = g = ρ = 1)

    r' = u/T,  u' = -λ r,  z' = σ/T,  T = √(u² + σ²),   r(0) = r_f,  u(0) = 0,  r(1) = r0/L,

(u: horizontal tension component; T dz/dσ = σ is the weight below σ).  With the top on the axis
(r0 = 0) the vertical rope is always a solution; mode n (n - 1 interior axis crossings) bifurcates
from it at λn = j0,n²/4 (linear theory: r ∝ J0(2√(λσ))).  With r0 > 0 the bifurcation is
imperfect and the rope deflects at every ω > 0.

Conversion to metres/newtons: r, z scale with L, the tension with ρgL.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.special import jn_zeros

from engines.core.params import ParameterError
from engines.rope import kolodner_numba as kn
from engines.rope.solution import RopeSolution

LAMBDA_MAX = 1e5  # beyond this the shooting needs > 10⁴ steps per shot; refuse with a clear error
STEPS_MIN = 600
STEPS_PER_SQRT_LAMBDA = 40  # ~13 RK4 steps per radian of the J0(2√λ τ) phase


@lru_cache(maxsize=8)
def _j0_zeros(count: int) -> np.ndarray:
    return jn_zeros(0, count)


def critical_lambdas(count: int) -> np.ndarray:
    """λn = j0,n²/4 for n = 1..count (Kolodner's critical values, R5)."""
    count = max(1, int(count))
    cached = 32
    while cached < count:  # a few cache sizes only: jn_zeros(0, 256) costs ~6 ms
        cached *= 2
    return _j0_zeros(cached)[:count] ** 2 / 4.0


def critical_lambda(mode: int) -> float:
    return float(critical_lambdas(mode)[mode - 1])


def modes_available(lam: float) -> int:
    """Number of non-trivial branches with the top on the axis: #{n : λn < λ} (R6)."""
    if lam <= 0.0:
        return 0
    count = int(2.0 * math.sqrt(lam) / math.pi) + 3  # j0,n > π(n - 1/4) bounds the count
    return int(np.count_nonzero(critical_lambdas(count) < lam))


def build_grid(points: int, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """τ = √σ integration nodes and the indices of the `points` output nodes σ = j/(points-1)."""
    n = max(STEPS_MIN, int(STEPS_PER_SQRT_LAMBDA * math.sqrt(lam)))
    base = kn.graded_grid(n, float(lam))
    out_tau = np.sqrt(np.linspace(0.0, 1.0, points))
    # drop base nodes closer than half a local step to an output node (steps stay < 2 h)
    idx = np.clip(np.searchsorted(out_tau, base), 1, points - 1)
    dist = np.minimum(np.abs(base - out_tau[idx - 1]), np.abs(out_tau[idx] - base))
    step = np.diff(base, append=2.0 * base[-1] - base[-2])
    keep = dist >= 0.5 * step
    keep[:2] = True
    grid = np.union1d(base[keep], out_tau)
    out_idx = np.searchsorted(grid, out_tau).astype(np.int64)
    return grid, out_idx


@dataclass
class KolodnerProfile:
    """Dimensionless solution on σ = j/(points-1), ascending from the free end."""

    lam: float
    r0: float
    mode: int
    r_f: float
    sigma: np.ndarray
    r: np.ndarray
    u: np.ndarray
    z: np.ndarray
    r_max: float
    interior_nodes: int
    below_threshold: bool

    @property
    def tension(self) -> np.ndarray:
        return np.hypot(self.u, self.sigma)

    @property
    def top_angle_deg(self) -> float:
        """Angle of the rope with the vertical at the top: tan θ = |dr/dz| = |u(1)|/1."""
        return math.degrees(math.atan(abs(self.u[-1])))

    @property
    def top_tension(self) -> float:
        return math.hypot(self.u[-1], 1.0)

    @property
    def depth(self) -> float:
        return float(self.z[-1] - self.z[0])


def solve_profile(lam: float, r0: float, mode: int, points: int) -> KolodnerProfile:
    """Shoot (numba) for the branch and sample it; r0 = r0/L.  Raises RuntimeError on failure."""
    grid, out_idx = build_grid(points, lam)
    below = False
    if lam == 0.0:
        r_f, status = r0, kn.STATUS_OK
    else:
        r_f, status = kn.solve_free_end(float(lam), float(r0), int(mode), grid)
    if status == kn.STATUS_BELOW_THRESHOLD:
        below = True
        r_f = 0.0
    elif status != kn.STATUS_OK or not math.isfinite(r_f):
        raise RuntimeError(f"shooting failed for mode {mode} at λ = {lam:g}, r0/L = {r0:g}")
    r = np.empty(points)
    u = np.empty(points)
    z = np.empty(points)
    r_max, nodes = kn.profile(float(lam), float(r_f), grid, out_idx, r, u, z)
    if not below and nodes != mode - 1:
        raise RuntimeError(f"found {nodes} interior nodes instead of {mode - 1} at λ = {lam:g}")
    return KolodnerProfile(lam, r0, mode, float(r_f), np.linspace(0.0, 1.0, points), r, u, z,
                           float(max(r_max, abs(r0))), int(nodes), below)


def lambda_of(params: dict) -> float:
    return params["omega"] ** 2 * params["length"] / params["gravity"]


def check_hanging(params: dict) -> float:
    """Raise ParameterError for requests without a solution; return λ."""
    g, omega, length = params["gravity"], params["omega"], params["length"]
    if g <= 0.0:
        raise ParameterError(
            "gravity", "hanging needs gravity > 0: λ = ω²L/g is infinite at gravity = 0 "
            "(allowed: gravity in (0, 100] m/s²; the troposkein scenario is the g = 0 rope)")
    lam = lambda_of(params)
    if lam > LAMBDA_MAX:
        raise ParameterError(
            "omega", f"hanging is solved up to λ = ω²L/g = {LAMBDA_MAX:g} (here λ = {lam:.4g}); "
            f"it needs omega <= {math.sqrt(LAMBDA_MAX * g / length):.4g} rad/s")
    mode = params["mode"]
    if params["top_radius"] > 0.0:
        if mode != 1:
            raise ParameterError(
                "mode", f"mode = {mode} with top_radius > 0 is not supported yet: only mode 1 "
                "(free end on the tie-point side) is implemented off the axis; set mode = 1 "
                "or top_radius = 0")
        return lam
    if modes_available(lam) < mode:
        lam_n = critical_lambda(mode)
        omega_n = math.sqrt(lam_n * g / length)
        only = "; below λ1 only the vertical rope exists" if mode == 1 else ""
        raise ParameterError(
            "mode", f"mode = {mode} does not exist at omega = {omega:g} rad/s "
            f"(λ = ω²L/g = {lam:.3f}){only}; it needs omega > {omega_n:.3f} rad/s "
            f"(λ > λ{mode} = {lam_n:.5f})")
    return lam


def solve_hanging(params: dict) -> RopeSolution:
    """The hanging scenario for validated params (bifurcation extras added by the caller)."""
    lam = check_hanging(params)
    length, g, rho = params["length"], params["gravity"], params["density"]
    r0 = params["top_radius"] / length
    mode = params["mode"]
    try:
        prof = solve_profile(lam, r0, mode, params["points"])
    except RuntimeError as exc:
        raise ParameterError("omega", f"no converged hanging solution: {exc}") from None
    available = modes_available(lam)
    s = length * (1.0 - prof.sigma[::-1])
    x = length * prof.r[::-1]
    z = length * (prof.z[::-1] - prof.z[-1])
    tension = rho * g * length * prof.tension[::-1]
    scalars = {
        "max_radius": length * prof.r_max,
        "end_angle_deg": prof.top_angle_deg,
        "end_tension": rho * g * length * prof.top_tension,
        "free_end_radius": length * prof.r_f,
        "depth": length * prof.depth,
        "lambda": lam,
        "modes_available": float(available),
        "interior_nodes": float(prof.interior_nodes),
    }
    return RopeSolution("hanging", s, x, np.zeros_like(s), z, tension, scalars, {},
                        _message(params, prof, available))


def _message(params: dict, prof: KolodnerProfile, available: int) -> str:
    lam = prof.lam
    length = params["length"]
    if params["omega"] == 0.0:
        return "omega = 0: the rope hangs vertically"
    if prof.r0 > 0.0:
        return (f"mode 1 at λ = {lam:.3g} (top {params['top_radius']:.3g} m from the axis, no "
                f"threshold); free end {length * prof.r_f:.3g} m from the axis")
    if prof.below_threshold:
        lam_n = critical_lambda(prof.mode)
        if lam > lam_n:
            return (f"λ = {lam:.6g} is within the numerical resolution of λ{prof.mode} = "
                    f"{lam_n:.5f}: mode {prof.mode} is (to 1e-5 L) the vertical rope")
        omega_n = math.sqrt(lam_n * params["gravity"] / length)
        return (f"λ = {lam:.5g} is below λ1 = {lam_n:.5f}: only the vertical rope exists; mode 1 "
                f"appears at omega > {omega_n:.3f} rad/s")
    return (f"mode {prof.mode} of {available} available at λ = {lam:.3g}; free end "
            f"{length * prof.r_f:.3g} m from the axis")
