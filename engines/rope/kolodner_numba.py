"""Numba kernels for the rotating hanging chain (Kolodner's problem, rope.md §2.3).

Dimensionless form (L = g = ρ = 1), σ = arc length from the FREE end, λ = ω²L/g:

    r' = u/T,   u' = -λ r,   z' = σ/T,   T = sqrt(u² + σ²),        ' = d/dσ

with r(0) = r_f, u(0) = 0, z(0) = 0 (u is the horizontal tension component, the vertical one is
T dz/dσ = σ because the rope below σ weighs σ; z points up).  We shoot on the free-end radius r_f
so that r(1) = r0 (the top's distance from the axis).

The kernels integrate in τ = √σ instead of σ:

    dr/dτ = 2τ u/T,   du/dτ = -2τ λ r,   dz/dτ = 2τ³/T,   T = sqrt(u² + τ⁴).

Why: the linearised solution is r ∝ J0(2√(λσ)) = J0(2√λ τ), whose phase is uniform in τ, so a
uniform τ step resolves every oscillation equally (σ steps waste points near the top and starve
the free end).  The solution is analytic (even) in τ and all three derivatives vanish at τ = 0
(u/T stays finite because u = O(τ²) and T = O(τ²)).

Integrator: a 4th-order power series about the free end for σ ≤ σ_s = 1e-6/max(1, λ), then
classical fixed-step RK4 on a τ grid graded near the free end (h ≤ 0.1 τ) and uniform beyond; the
grid contains the output nodes, so the shooting and the final profile run on exactly the same
steps.  (The first RK4 step from τ = 0 would sample u/T at the non-smooth corner u = τ = 0 and
drop the method to ~2nd order; the series start plus grading restores ~1e-10 accuracy in r_f.)
Root finding: bisection on the number of axis crossings (a Sturm-type count that identifies the
mode), then Brent's method on r(1) - r0.  Everything is preallocated or scalar; no BLAS.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

STATUS_OK = 0
STATUS_BELOW_THRESHOLD = 1  # fewer crossings than the mode needs even for an infinitesimal r_f
STATUS_FAILED = 2

R_F_TINY = 1e-12  # lower end of the bracket: the linear regime


@njit(cache=True, nogil=True)
def _deriv(tau, r, u, lam):
    t2 = tau * tau
    tension = math.sqrt(u * u + t2 * t2)
    if tension == 0.0:
        return 0.0, 0.0, 0.0
    two_tau = 2.0 * tau
    return two_tau * u / tension, -two_tau * lam * r, two_tau * t2 / tension


@njit(cache=True, nogil=True)
def _rk4_step(tau, h, r, u, z, lam):
    half = 0.5 * h
    a_r, a_u, a_z = _deriv(tau, r, u, lam)
    b_r, b_u, b_z = _deriv(tau + half, r + half * a_r, u + half * a_u, lam)
    c_r, c_u, c_z = _deriv(tau + half, r + half * b_r, u + half * b_u, lam)
    d_r, d_u, d_z = _deriv(tau + h, r + h * c_r, u + h * c_u, lam)
    sixth = h / 6.0
    return (
        r + sixth * (a_r + 2.0 * b_r + 2.0 * c_r + d_r),
        u + sixth * (a_u + 2.0 * b_u + 2.0 * c_u + d_u),
        z + sixth * (a_z + 2.0 * b_z + 2.0 * c_z + d_z),
    )


@njit(cache=True, nogil=True)
def _rk4_step_ru(tau, h, r, u, lam):
    """RK4 for (r, u) only: the shooting does not need z (saves a division per stage)."""
    half = 0.5 * h
    tm = tau + half
    te = tau + h
    t2 = tau * tau
    a_r = 0.0
    s = math.sqrt(u * u + t2 * t2)
    if s > 0.0:
        a_r = 2.0 * tau * u / s
    a_u = -2.0 * tau * lam * r
    r1 = r + half * a_r
    u1 = u + half * a_u
    t2 = tm * tm
    b_r = 2.0 * tm * u1 / math.sqrt(u1 * u1 + t2 * t2)
    b_u = -2.0 * tm * lam * r1
    r2 = r + half * b_r
    u2 = u + half * b_u
    c_r = 2.0 * tm * u2 / math.sqrt(u2 * u2 + t2 * t2)
    c_u = -2.0 * tm * lam * r2
    r3 = r + h * c_r
    u3 = u + h * c_u
    t2 = te * te
    d_r = 2.0 * te * u3 / math.sqrt(u3 * u3 + t2 * t2)
    d_u = -2.0 * te * lam * r3
    sixth = h / 6.0
    return (r + sixth * (a_r + 2.0 * b_r + 2.0 * c_r + d_r),
            u + sixth * (a_u + 2.0 * b_u + 2.0 * c_u + d_u))


@njit(cache=True, nogil=True)
def series_start(lam, r_f, sigma):
    """(r, u, z) at a small σ from the power series about the free end (rope.md §2.3 start).

    With u = σ w the system reads (σ w)' = -λ r, r' = F(w) = w/√(1+w²), z' = G(w) = 1/√(1+w²),
    so (k+1) w_k = -λ r_k, and r_k, z_k follow from the Taylor expansions of F and G about w0.
    Truncation error O(σ⁵); it replaces the first RK4 step, whose stages would see the
    non-smooth corner of u/T at u = σ = 0 and lose two orders of accuracy.
    """
    w0 = -lam * r_f
    q = 1.0 + w0 * w0
    sq = math.sqrt(q)
    f0 = w0 / sq
    f1 = 1.0 / (q * sq)
    f2 = -3.0 * w0 / (q * q * sq)
    f3 = (12.0 * w0 * w0 - 3.0) / (q * q * q * sq)
    g0 = 1.0 / sq
    g1 = -w0 / (q * sq)
    g2 = (2.0 * w0 * w0 - 1.0) / (q * q * sq)
    g3 = (9.0 * w0 - 6.0 * w0 * w0 * w0) / (q * q * q * sq)
    r1 = f0
    w1 = -lam * r1 / 2.0
    r2 = f1 * w1 / 2.0
    w2 = -lam * r2 / 3.0
    r3 = (f1 * w2 + 0.5 * f2 * w1 * w1) / 3.0
    w3 = -lam * r3 / 4.0
    r4 = (f1 * w3 + f2 * w1 * w2 + f3 * w1 * w1 * w1 / 6.0) / 4.0
    z1 = g0
    z2 = g1 * w1 / 2.0
    z3 = (g1 * w2 + 0.5 * g2 * w1 * w1) / 3.0
    z4 = (g1 * w3 + g2 * w1 * w2 + g3 * w1 * w1 * w1 / 6.0) / 4.0
    s = sigma
    r = r_f + s * (r1 + s * (r2 + s * (r3 + s * r4)))
    u = s * (w0 + s * (w1 + s * (w2 + s * w3)))
    z = s * (z1 + s * (z2 + s * (z3 + s * z4)))
    return r, u, z


@njit(cache=True, nogil=True)
def shoot(lam, r_f, grid):
    """Integrate from the free end (τ = grid[0] = 0) to the top (grid[-1] = 1).

    Returns (r at the top, number of sign changes of r over the whole grid).
    """
    r, u, z = series_start(lam, r_f, grid[1] * grid[1])
    crossings = 0
    for i in range(1, grid.size - 1):
        tau = grid[i]
        r_new, u = _rk4_step_ru(tau, grid[i + 1] - tau, r, u, lam)
        if (r_new < 0.0 and r > 0.0) or (r_new > 0.0 and r < 0.0):
            crossings += 1
        r = r_new
    return r, crossings


@njit(cache=True, nogil=True)
def _mid(a, b):
    if a > 0.0 and b > 4.0 * a:
        return math.sqrt(a * b)
    return 0.5 * (a + b)


@njit(cache=True, nogil=True)
def _brent(lam, r0, grid, xa, xb, fa, fb, xtol, rtol, maxiter):
    """Brent's method (as in scipy's brentq.c) on f(r_f) = r(1; r_f) - r0, fa·fb < 0."""
    xpre = xa
    xcur = xb
    fpre = fa
    fcur = fb
    xblk = 0.0
    fblk = 0.0
    spre = 0.0
    scur = 0.0
    if fpre == 0.0:
        return xpre
    if fcur == 0.0:
        return xcur
    for _ in range(maxiter):
        if fpre != 0.0 and fcur != 0.0 and ((fpre < 0.0) != (fcur < 0.0)):
            xblk = xpre
            fblk = fpre
            spre = xcur - xpre
            scur = spre
        if abs(fblk) < abs(fcur):
            xpre = xcur
            xcur = xblk
            xblk = xpre
            fpre = fcur
            fcur = fblk
            fblk = fpre
        delta = 0.5 * (xtol + rtol * abs(xcur))
        sbis = 0.5 * (xblk - xcur)
        if fcur == 0.0 or abs(sbis) < delta:
            return xcur
        if abs(spre) > delta and abs(fcur) < abs(fpre):
            if xpre == xblk:
                stry = -fcur * (xcur - xpre) / (fcur - fpre)
            else:
                dpre = (fpre - fcur) / (xpre - xcur)
                dblk = (fblk - fcur) / (xblk - xcur)
                stry = -fcur * (fblk * dblk - fpre * dpre) / (dblk * dpre * (fblk - fpre))
            if 2.0 * abs(stry) < min(abs(spre), 3.0 * abs(sbis) - delta):
                spre = scur
                scur = stry
            else:
                spre = sbis
                scur = sbis
        else:
            spre = sbis
            scur = sbis
        xpre = xcur
        fpre = fcur
        if abs(scur) > delta:
            xcur += scur
        elif sbis > 0.0:
            xcur += delta
        else:
            xcur -= delta
        fcur = shoot(lam, xcur, grid)[0] - r0
    return xcur


@njit(cache=True, nogil=True)
def solve_free_end(lam, r0, mode, grid):
    """Free-end radius r_f (> 0) of the requested branch; returns (r_f, status).

    r0 == 0 (Kolodner): the number of axis crossings on (0, 1] falls from the linear count (r_f → 0)
    to 0 (r_f = 1) as r_f grows; mode n is where the n-th crossing leaves through the top.  Bisect
    until the bracket ends have exactly n and n - 1 crossings, then Brent on r(1) = 0.

    r0 > 0 (rope tied to a rod end): mode 1 only, free end on the tie-point side.  The "upper"
    predicate is "no crossing and r(1) >= r0"; it holds at r_f = r0 + 1 and fails for tiny r_f.
    Its boundary can only be r(1) = r0: an interior crossing cannot appear by tangency, because
    r = u = 0 at one point would make r ≡ 0.  Bisect until the lower end has no crossing, then Brent.
    """
    a = R_F_TINY
    b = r0 + 1.0
    fa, ca = shoot(lam, a, grid)
    fb, cb = shoot(lam, b, grid)
    fa -= r0
    fb -= r0
    if r0 == 0.0:
        if ca < mode:
            return 0.0, STATUS_BELOW_THRESHOLD
        if cb >= mode:
            return math.nan, STATUS_FAILED
        for _ in range(300):
            if ca == mode and cb == mode - 1:
                break
            m = _mid(a, b)
            if not (a < m < b):
                return math.nan, STATUS_FAILED
            fm, cm = shoot(lam, m, grid)
            if cm >= mode:
                a, fa, ca = m, fm, cm
            else:
                b, fb, cb = m, fm, cm
        else:
            return math.nan, STATUS_FAILED
    else:
        if mode != 1:
            return math.nan, STATUS_FAILED
        if not (cb == 0 and fb >= 0.0):
            return math.nan, STATUS_FAILED
        for _ in range(300):
            if ca == 0 and fa < 0.0:
                break
            m = _mid(a, b)
            if not (a < m < b):
                return math.nan, STATUS_FAILED
            fm, cm = shoot(lam, m, grid)
            fm -= r0
            if cm == 0 and fm >= 0.0:
                b, fb, cb = m, fm, cm
            else:
                a, fa, ca = m, fm, cm
        else:
            return math.nan, STATUS_FAILED
    if (fa < 0.0) == (fb < 0.0) and fa != 0.0 and fb != 0.0:
        return math.nan, STATUS_FAILED
    return _brent(lam, r0, grid, a, b, fa, fb, 1e-14, 4e-16, 200), STATUS_OK


@njit(cache=True, nogil=True)
def profile(lam, r_f, grid, out_idx, r_out, u_out, z_out):
    """Integrate once more and store (r, u, z) at the grid indices out_idx (ascending).

    Returns (largest |r| over every grid node, sign changes of r before the last step), the
    latter being the interior axis crossings ("nodes") of a converged solution.
    """
    r = r_f
    u = 0.0
    z = 0.0
    k = 0
    if out_idx[0] == 0:
        r_out[0] = r
        u_out[0] = u
        z_out[0] = z
        k = 1
    r_max = abs(r)
    crossings = 0
    n = grid.size - 1
    for i in range(n):
        tau = grid[i]
        if i == 0:
            r_new, u, z = series_start(lam, r_f, grid[1] * grid[1])
        else:
            r_new, u, z = _rk4_step(tau, grid[i + 1] - tau, r, u, z, lam)
        if i < n - 1 and ((r_new < 0.0 and r > 0.0) or (r_new > 0.0 and r < 0.0)):
            crossings += 1
        r = r_new
        if abs(r) > r_max:
            r_max = abs(r)
        if k < out_idx.size and out_idx[k] == i + 1:
            r_out[k] = r
            u_out[k] = u
            z_out[k] = z
            k += 1
    return r_max, crossings


SERIES_SIGMA = 1e-6  # series start at σ_s = SERIES_SIGMA / max(1, λ)
GRADE = 0.1  # near the free end, steps grow as GRADE·τ until they reach the uniform step


@njit(cache=True, nogil=True)
def graded_grid(n_steps, lam):
    """τ nodes 0, τ_s, τ_s(1+GRADE), ... (while GRADE·τ < 1/n), then uniform steps 1/n up to 1.

    τ_s = √σ_s is the end of the series start.  Grading keeps h/τ ≤ GRADE where u/T varies on
    the scale τ, so RK4 is not spoiled by the free-end corner (measured: r_f converges to ~1e-10
    at n = 800, against ~1e-6 for a uniform grid started at τ = 0).
    """
    h = 1.0 / n_steps
    tau_s = math.sqrt(SERIES_SIGMA / max(1.0, lam))
    n_graded = 0
    t = tau_s
    while GRADE * t < h and t < 1.0:
        n_graded += 1
        t *= 1.0 + GRADE
    n_uniform = int(math.ceil((1.0 - t) / h))
    out = np.empty(n_graded + n_uniform + 2, dtype=np.float64)
    out[0] = 0.0
    t = tau_s
    for i in range(n_graded + 1):
        out[i + 1] = t
        t *= 1.0 + GRADE
    start = out[n_graded + 1]
    step = (1.0 - start) / n_uniform if n_uniform > 0 else 0.0
    for j in range(1, n_uniform + 1):
        out[n_graded + 1 + j] = start + j * step
    out[out.size - 1] = 1.0
    return out


@njit(cache=True, nogil=True)
def branch(lams, r0, mode, steps_min, steps_per_sqrt_lam, out):
    """Solve one branch at every λ in lams (uniform τ grids sized per λ); NaN where it fails."""
    for i in range(lams.size):
        lam = lams[i]
        n = max(steps_min, int(steps_per_sqrt_lam * math.sqrt(lam)))
        grid = graded_grid(n, lam)
        r_f, status = solve_free_end(lam, r0, mode, grid)
        if status == STATUS_OK:
            out[i] = r_f
        elif status == STATUS_BELOW_THRESHOLD:
            out[i] = 0.0
        else:
            out[i] = math.nan
    return out
