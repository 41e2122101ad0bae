"""The numpy twin of ``chain_kernel.advance``: the same RATTLE step written with whole-array numpy
operations and scipy's banded solver, the obvious alternative to a numba kernel. Tests compare the
two step for step; the benchmark times both at N = 200.
"""
from __future__ import annotations

import math

import numpy as np
from scipy.linalg import solve_banded

from engines.rope import chain_kernel as ck


def _nodes(pos, ax, ay, z_a, z_b):
    first = np.array([[ax, ay, z_a]])
    if math.isnan(z_b):
        return np.concatenate([first, pos])
    return np.concatenate([first, pos, np.array([[ax, ay, z_b]])])


def _links(pos, ax, ay, z_a, z_b):
    nodes = _nodes(pos, ax, ay, z_a, z_b)
    return nodes[1:] - nodes[:-1]


def _weights(n, links):
    w_b = (np.arange(links) < n).astype(float)
    w_a = (np.arange(links) >= 1).astype(float)
    return w_a, w_b


def _solve(lower, diag, upper, rhs):
    bands = np.zeros((3, len(diag)))
    bands[0, 1:] = upper[:-1]
    bands[1] = diag
    bands[2, :-1] = lower[1:]
    return solve_banded((1, 1), bands, rhs)


def drag_acceleration(pos, vel, ax, ay, z_a, z_b, coeff):
    """−coeff |v_n| v_n per bead: v_n the velocity across the tangent through the neighbours."""
    if coeff == 0.0:
        return np.zeros_like(vel)
    nodes = _nodes(pos, ax, ay, z_a, z_b)
    n = len(pos)
    ahead = nodes[2:n + 2] if len(nodes) >= n + 2 else np.concatenate([nodes[2:], pos[-1:]])
    tangent = ahead - nodes[:n]
    tangent /= np.linalg.norm(tangent, axis=1, keepdims=True)
    normal = vel - np.sum(vel * tangent, axis=1, keepdims=True) * tangent
    return -coeff * np.linalg.norm(normal, axis=1, keepdims=True) * normal


def _damp(pos, vel, omega, factor):
    frame = np.column_stack([-omega * pos[:, 1], omega * pos[:, 0], np.zeros(len(pos))])
    return frame + (vel - frame) * factor


def _combine(mult, r, n):
    """Σ_j mult_j ∇_k(link j): bead k gets mult_k r_k − mult_{k+1} r_{k+1} (when link k+1 exists)."""
    out = mult[:n, None] * r[:n]
    last = min(len(r), n + 1)
    out[: last - 1] -= mult[1:last, None] * r[1:last]
    return out


def advance(pos, vel, clock, steps, dt, ell, anchor_r, z_a, z_b, grav, gamma, drag, ramp, tol, max_iter):
    """Same contract as chain_kernel.advance (no work arrays)."""
    n = len(pos)
    links = n if math.isnan(z_b) else n + 1
    w_a, w_b = _weights(n, links)
    follow = 1.0 - math.exp(-dt / ck.SPIN_RESPONSE_S)
    half_damp = math.exp(-0.5 * gamma * dt)
    for step in range(steps):
        omega0, theta0 = clock[ck.CLOCK_OMEGA], clock[ck.CLOCK_THETA]
        target = min(max(clock[ck.CLOCK_TARGET] + ramp * dt, 0.0), ck.OMEGA_CAP)
        omega1 = omega0 + (target - omega0) * follow
        theta1 = theta0 + 0.5 * (omega0 + omega1) * dt
        a0 = (anchor_r * math.cos(theta0), anchor_r * math.sin(theta0))
        a1 = (anchor_r * math.cos(theta1), anchor_r * math.sin(theta1))
        v = _damp(pos, vel, omega0, half_damp)
        v = v + 0.5 * dt * (grav + drag_acceleration(pos, v, *a0, z_a, z_b, drag))
        x_old = pos.copy()
        x_free = pos + dt * v
        r_old = _links(x_old, *a0, z_a, z_b)
        lam = np.zeros(links)
        for it in range(max_iter + 1):
            x_try = x_free + _combine(lam, r_old, n)
            d = _links(x_try, *a1, z_a, z_b)
            f = np.sum(d * d, axis=1) - ell * ell
            if np.max(np.abs(f)) < tol * ell * ell:
                break
            if it == max_iter or not np.all(np.isfinite(f)):
                return ck.CONSTRAINT_FAILED, step
            diag = 2.0 * (w_a + w_b) * np.sum(d * r_old, axis=1)
            upper = np.zeros(links)
            lower = np.zeros(links)
            upper[:-1] = -2.0 * w_b[:-1] * np.sum(d[:-1] * r_old[1:], axis=1)
            lower[1:] = -2.0 * w_a[1:] * np.sum(d[1:] * r_old[:-1], axis=1)
            lam = lam + _solve(lower, diag, upper, -f)
        pos[:] = x_try
        v = (pos - x_old) / dt
        v = v + 0.5 * dt * (grav + drag_acceleration(pos, v, *a1, z_a, z_b, drag))
        r = _links(pos, *a1, z_a, z_b)
        anchor_v = np.array([-omega1 * a1[1], omega1 * a1[0], 0.0])
        node_v = np.concatenate([anchor_v[None], v] + ([anchor_v[None]] if links > n else []))
        rel = -np.sum(r * (node_v[1:] - node_v[:-1]), axis=1)
        diag = (w_a + w_b) * np.sum(r * r, axis=1)
        upper = np.zeros(links)
        lower = np.zeros(links)
        upper[:-1] = -w_b[:-1] * np.sum(r[:-1] * r[1:], axis=1)
        lower[1:] = -w_a[1:] * np.sum(r[1:] * r[:-1], axis=1)
        v = v + _combine(_solve(lower, diag, upper, rel), r, n)
        vel[:] = _damp(pos, v, omega1, half_damp)
        clock[:] = (clock[ck.CLOCK_T] + dt, theta1, omega1, target)
        if not np.all(np.isfinite(pos[-1])):
            return ck.NOT_FINITE, step + 1
    return ck.OK, steps
