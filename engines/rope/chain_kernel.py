"""The bead-chain integrator of the live rope (rope.md §2.6): RATTLE with inextensible links, in numba.

N beads of equal mass joined by massless links of fixed length ℓ. Node -1 is the first anchor (the
rope's top, or the first hand); node ``n`` is the second hand when there is one. Both anchors sit at
the same azimuth θ(t) = ∫ω dt, at radius ``anchor_r`` from the rotation axis (z), at heights z_a and
z_b. Units: every force is per unit bead mass (all beads weigh the same, so a link multiplier is a
tension divided by m·ℓ).

Why inertial coordinates. The state is stepped in the lab frame, where the rope obeys
ẍ = g + (drag) + (damping) + (link tensions): the rotating frame's centrifugal, Coriolis and Euler
forces are exactly what this motion looks like from axes turning by θ(t), so the physics is the
rotating-frame physics of the issue. What the choice buys: the only velocity-dependent forces left
are the dissipative ones, so with γ = 0 and no drag the step is RATTLE (Andersen 1983; Leimkuhler &
Skeel 1994), symplectic and time-reversible on the constraint manifold, and it conserves L_z to
round-off when the anchors are on the axis. The Jacobi integral E_J = E_lab − ω L_z (the rotating
frame's energy) then has a bounded O(dt²) error instead of a drift.

Why rigid links. Stiff springs would make the stretching frequency √(k/m) the step limit (for a rope
that barely stretches it is 10²–10⁴ times the fastest bending frequency); rigid links remove it. The
constraint equations of a chain couple each link only to its neighbours, so one Newton step of the
position constraints (SHAKE) and the velocity projection (RATTLE) are both tridiagonal solves: O(N)
per iteration, no Gauss–Seidel sweeps whose count grows like N². The step is then limited by the
fastest transverse wave, ω_max ≈ 2c/ℓ with c = √(T/μ) (``stable_step`` in chain_model.py).

Damping −γ(v − Ω×x) is applied as its exact flow over half steps on either side of RATTLE (it keeps
the velocity constraints, which are linear in v − Ω×x); quadratic cross-flow drag −k|v_n|v_n (v_n the
lab velocity across the local tangent) is an explicit part of each half kick.
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

OK, CONSTRAINT_FAILED, NOT_FINITE = 0, 1, 2
CLOCK_T, CLOCK_THETA, CLOCK_OMEGA, CLOCK_TARGET = 0, 1, 2, 3
SPIN_RESPONSE_S = 0.25  # ω follows its target with this time constant: a slider jump spins up smoothly
OMEGA_CAP = 200.0  # the schema's upper bound on ω; a ramp stops there


@njit(cache=True, nogil=True, inline="always")
def _node(pos, k, n, ax, ay, z_a, z_b):
    if k < 0:
        return ax, ay, z_a
    if k >= n:
        return ax, ay, z_b
    return pos[k, 0], pos[k, 1], pos[k, 2]


@njit(cache=True, nogil=True)
def link_vectors(pos, n, links, ax, ay, z_a, z_b, out):
    """out[j] = node j − node j−1 (link j runs from node j−1 to node j)."""
    for j in range(links):
        bx, by, bz = _node(pos, j, n, ax, ay, z_a, z_b)
        cx, cy, cz = _node(pos, j - 1, n, ax, ay, z_a, z_b)
        out[j, 0] = bx - cx
        out[j, 1] = by - cy
        out[j, 2] = bz - cz


@njit(cache=True, nogil=True)
def solve_tridiagonal(lower, diag, upper, rhs, size, scratch, out):
    """Thomas algorithm: lower[j] multiplies x[j−1], upper[j] multiplies x[j+1] (no pivoting: the
    chain's constraint matrices are diagonally dominant or symmetric positive definite)."""
    c = scratch
    beta = diag[0]
    out[0] = rhs[0] / beta
    for j in range(1, size):
        c[j - 1] = upper[j - 1] / beta
        beta = diag[j] - lower[j] * c[j - 1]
        out[j] = (rhs[j] - lower[j] * out[j - 1]) / beta
    for j in range(size - 2, -1, -1):
        out[j] -= c[j] * out[j + 1]


@njit(cache=True, nogil=True, inline="always")
def _has_next(k, n, z_b):
    """The free end of a hanging rope (z_b is NaN: no second anchor) has no node after it."""
    return k + 1 < n or not math.isnan(z_b)


@njit(cache=True, nogil=True)
def _add_drag(pos, vel, n, ax, ay, z_a, z_b, coeff, scale, out):
    """out += scale · (−coeff |v_n| v_n): quadratic drag of still air on each bead's cross-flow."""
    if coeff == 0.0:
        return
    for k in range(n):
        px, py, pz = _node(pos, k - 1, n, ax, ay, z_a, z_b)
        if _has_next(k, n, z_b):
            qx, qy, qz = _node(pos, k + 1, n, ax, ay, z_a, z_b)
        else:
            qx, qy, qz = pos[k, 0], pos[k, 1], pos[k, 2]
        tx, ty, tz = qx - px, qy - py, qz - pz
        norm = math.sqrt(tx * tx + ty * ty + tz * tz)
        tx, ty, tz = tx / norm, ty / norm, tz / norm
        vx, vy, vz = vel[k, 0], vel[k, 1], vel[k, 2]
        along = vx * tx + vy * ty + vz * tz
        nx, ny, nz = vx - along * tx, vy - along * ty, vz - along * tz
        speed = math.sqrt(nx * nx + ny * ny + nz * nz)
        f = -scale * coeff * speed
        out[k, 0] += f * nx
        out[k, 1] += f * ny
        out[k, 2] += f * nz


@njit(cache=True, nogil=True)
def _damp(pos, vel, n, omega, factor):
    """Exact flow of v̇ = −γ(v − Ω×x) over a time with e^{−γt} = factor (x held fixed)."""
    if factor == 1.0:
        return
    for k in range(n):
        ux, uy = -omega * pos[k, 1], omega * pos[k, 0]
        vel[k, 0] = ux + (vel[k, 0] - ux) * factor
        vel[k, 1] = uy + (vel[k, 1] - uy) * factor
        vel[k, 2] = vel[k, 2] * factor


@njit(cache=True, nogil=True)
def _kick(pos, vel, n, ax, ay, z_a, z_b, grav, drag, half_dt, acc):
    """vel += half_dt · (g + drag), drag evaluated at the velocities before the kick."""
    for k in range(n):
        acc[k, 0] = grav[0]
        acc[k, 1] = grav[1]
        acc[k, 2] = grav[2]
    _add_drag(pos, vel, n, ax, ay, z_a, z_b, drag, 1.0, acc)
    for k in range(n):
        for c in range(3):
            vel[k, c] += half_dt * acc[k, c]


@njit(cache=True, nogil=True)
def _project_positions(x_old, x_free, n, links, ell, ax0, ay0, ax1, ay1, z_a, z_b, tol, max_iter, w):
    """SHAKE by Newton: find multipliers λ so that x = x_free + Σ λ_j ∇(link j at x_old) keeps every
    link at length ℓ with the anchors at their new place. Writes x into x_free; returns success."""
    r_old, d, lam, f, lo, di, up, delta, scratch, x_try = w[0], w[1], w[2][:, 0], w[2][:, 1], \
        w[3][:, 0], w[3][:, 1], w[3][:, 2], w[4][:, 0], w[4][:, 1], w[5]
    link_vectors(x_old, n, links, ax0, ay0, z_a, z_b, r_old)
    for j in range(links):
        lam[j] = 0.0
    ell2 = ell * ell
    for it in range(max_iter + 1):
        for k in range(n):
            for c in range(3):
                x_try[k, c] = x_free[k, c] + lam[k] * r_old[k, c]
                if k + 1 < links:
                    x_try[k, c] -= lam[k + 1] * r_old[k + 1, c]
        link_vectors(x_try, n, links, ax1, ay1, z_a, z_b, d)
        worst = 0.0
        for j in range(links):
            f[j] = d[j, 0] ** 2 + d[j, 1] ** 2 + d[j, 2] ** 2 - ell2
            worst = max(worst, abs(f[j]))
        if not worst < tol * ell2:  # also catches NaN
            if it == max_iter or not math.isfinite(worst):
                return False
        else:
            for k in range(n):
                for c in range(3):
                    x_free[k, c] = x_try[k, c]
            return True
        for j in range(links):
            w_b = 1.0 if j < n else 0.0
            w_a = 1.0 if j >= 1 else 0.0
            di[j] = 2.0 * (w_a + w_b) * (d[j, 0] * r_old[j, 0] + d[j, 1] * r_old[j, 1] + d[j, 2] * r_old[j, 2])
            up[j] = 0.0
            lo[j] = 0.0
            if j + 1 < links:
                up[j] = -2.0 * w_b * (d[j, 0] * r_old[j + 1, 0] + d[j, 1] * r_old[j + 1, 1] + d[j, 2] * r_old[j + 1, 2])
            if j >= 1:
                lo[j] = -2.0 * w_a * (d[j, 0] * r_old[j - 1, 0] + d[j, 1] * r_old[j - 1, 1] + d[j, 2] * r_old[j - 1, 2])
            f[j] = -f[j]
        solve_tridiagonal(lo, di, up, f, links, scratch, delta)
        for j in range(links):
            lam[j] += delta[j]
    return False


@njit(cache=True, nogil=True)
def link_gram(r, n, links, lo, di, up):
    """The chain's constraint matrix G M⁻¹ Gᵀ for link vectors r (unit bead masses, anchors
    immovable): tridiagonal, (r_j·r_j)(w_a + w_b) on the diagonal, −w r_j·r_{j±1} beside it. Both
    the velocity projection and the tension solve use it."""
    for j in range(links):
        w_b = 1.0 if j < n else 0.0
        w_a = 1.0 if j >= 1 else 0.0
        di[j] = (w_a + w_b) * (r[j, 0] ** 2 + r[j, 1] ** 2 + r[j, 2] ** 2)
        up[j] = 0.0
        lo[j] = 0.0
        if j + 1 < links:
            up[j] = -w_b * (r[j, 0] * r[j + 1, 0] + r[j, 1] * r[j + 1, 1] + r[j, 2] * r[j + 1, 2])
        if j >= 1:
            lo[j] = -w_a * (r[j, 0] * r[j - 1, 0] + r[j, 1] * r[j - 1, 1] + r[j, 2] * r[j - 1, 2])


@njit(cache=True, nogil=True)
def project_velocities(pos, vel, n, links, ax, ay, z_a, z_b, omega, w):
    """RATTLE's velocity step: the smallest (mass-weighted) change of the velocities after which no
    link changes length, the anchors moving with velocity Ω×anchor."""
    r, rel, lo, di, up, mu, scratch = w[1], w[2][:, 0], w[3][:, 0], w[3][:, 1], w[3][:, 2], w[4][:, 0], w[4][:, 1]
    link_vectors(pos, n, links, ax, ay, z_a, z_b, r)
    ux, uy = -omega * ay, omega * ax
    for j in range(links):
        if j < n:
            bx, by, bz = vel[j, 0], vel[j, 1], vel[j, 2]
        else:
            bx, by, bz = ux, uy, 0.0
        if j >= 1:
            cx, cy, cz = vel[j - 1, 0], vel[j - 1, 1], vel[j - 1, 2]
        else:
            cx, cy, cz = ux, uy, 0.0
        rel[j] = -(r[j, 0] * (bx - cx) + r[j, 1] * (by - cy) + r[j, 2] * (bz - cz))
    link_gram(r, n, links, lo, di, up)
    solve_tridiagonal(lo, di, up, rel, links, scratch, mu)
    for k in range(n):
        for c in range(3):
            vel[k, c] += mu[k] * r[k, c]
            if k + 1 < links:
                vel[k, c] -= mu[k + 1] * r[k + 1, c]


@njit(cache=True, nogil=True)
def advance(pos, vel, clock, steps, dt, ell, anchor_r, z_a, z_b, grav, gamma, drag, ramp, tol, max_iter,
            work):
    """Take ``steps`` RATTLE steps of length dt in place; returns (status, steps done).

    clock = [t, θ, ω, ω_target]: ω relaxes to ω_target with time constant SPIN_RESPONSE_S, ω_target
    moves at ``ramp`` rad/s² (capped to [0, OMEGA_CAP]), θ advances by the trapezoidal ∫ω dt.
    z_b is NaN for a hanging rope (no second anchor). ``work`` comes from ``make_work``.
    """
    n = pos.shape[0]
    links = n + 1 if not math.isnan(z_b) else n
    x_old, acc = work[6], work[7]
    follow = 1.0 - math.exp(-dt / SPIN_RESPONSE_S)
    half_damp = math.exp(-0.5 * gamma * dt)
    for step in range(steps):
        omega0 = clock[CLOCK_OMEGA]
        theta0 = clock[CLOCK_THETA]
        target = min(max(clock[CLOCK_TARGET] + ramp * dt, 0.0), OMEGA_CAP)
        omega1 = omega0 + (target - omega0) * follow
        theta1 = theta0 + 0.5 * (omega0 + omega1) * dt
        ax0, ay0 = anchor_r * math.cos(theta0), anchor_r * math.sin(theta0)
        ax1, ay1 = anchor_r * math.cos(theta1), anchor_r * math.sin(theta1)
        _damp(pos, vel, n, omega0, half_damp)
        _kick(pos, vel, n, ax0, ay0, z_a, z_b, grav, drag, 0.5 * dt, acc)
        for k in range(n):
            for c in range(3):
                x_old[k, c] = pos[k, c]
                pos[k, c] += dt * vel[k, c]
        if not _project_positions(x_old, pos, n, links, ell, ax0, ay0, ax1, ay1, z_a, z_b, tol, max_iter, work):
            for k in range(n):
                for c in range(3):
                    pos[k, c] = x_old[k, c]
            return CONSTRAINT_FAILED, step
        for k in range(n):
            for c in range(3):
                vel[k, c] = (pos[k, c] - x_old[k, c]) / dt
        _kick(pos, vel, n, ax1, ay1, z_a, z_b, grav, drag, 0.5 * dt, acc)
        project_velocities(pos, vel, n, links, ax1, ay1, z_a, z_b, omega1, work)
        _damp(pos, vel, n, omega1, half_damp)
        clock[CLOCK_T] += dt
        clock[CLOCK_THETA] = theta1
        clock[CLOCK_OMEGA] = omega1
        clock[CLOCK_TARGET] = target
        if not (math.isfinite(vel[n - 1, 0]) and math.isfinite(pos[n - 1, 2])):
            return NOT_FINITE, step + 1
    return OK, steps


def make_work(beads: int) -> tuple[np.ndarray, ...]:
    """Scratch arrays of ``advance`` (one allocation per run, none per step)."""
    size = beads + 1
    return (np.zeros((size, 3)), np.zeros((size, 3)), np.zeros((size, 3)), np.zeros((size, 3)),
            np.zeros((size, 3)), np.zeros((beads, 3)), np.zeros((beads, 3)), np.zeros((beads, 3)))
