"""What the live rope reports: link tensions, the Jacobi integral, the rotating-frame shape, the
rope's plane and how far the rope leaves it (rope.md §2.5–2.6).

Tensions are the instantaneous ones of the current state, not RATTLE's multipliers (which average a
step): differentiating |x_b − x_a|² = ℓ² twice gives, for every link j,

    r_j·(a_b − a_a) + |v_b − v_a|² = 0,   a_k = f_k − τ_k r_k + τ_{k+1} r_{k+1},

a tridiagonal system for τ_j = T_j/(mℓ) (f: gravity, drag and damping per unit mass; an anchor moves
on its circle, a = −ω²(x, y, 0); the anchors' angular acceleration is neglected).
"""
from __future__ import annotations

import math

import numpy as np
from numba import njit

from engines.rope.chain_kernel import _add_drag, link_gram, link_vectors, solve_tridiagonal


@njit(cache=True, nogil=True)
def link_tensions(pos, vel, omega, ell, anchor_r, theta, z_a, z_b, grav, gamma, drag, mass, work, out):
    """Tension of every link (N) into ``out``; ``work`` as for ``chain_kernel.advance``."""
    n = pos.shape[0]
    links = n + 1 if not math.isnan(z_b) else n
    ax, ay = anchor_r * math.cos(theta), anchor_r * math.sin(theta)
    r, rhs, lo, di, up, tau, scratch, acc = (work[1], work[2][:, 0], work[3][:, 0], work[3][:, 1], work[3][:, 2],
                                             work[4][:, 0], work[4][:, 1], work[7])
    link_vectors(pos, n, links, ax, ay, z_a, z_b, r)
    for k in range(n):
        acc[k, 0] = grav[0] - gamma * (vel[k, 0] + omega * pos[k, 1])
        acc[k, 1] = grav[1] - gamma * (vel[k, 1] - omega * pos[k, 0])
        acc[k, 2] = grav[2] - gamma * vel[k, 2]
    _add_drag(pos, vel, n, ax, ay, z_a, z_b, drag, 1.0, acc)
    anchor_acc = (-omega * omega * ax, -omega * omega * ay, 0.0)
    anchor_vel = (-omega * ay, omega * ax, 0.0)
    for j in range(links):
        s = 0.0
        for c in range(3):
            fb = acc[j, c] if j < n else anchor_acc[c]
            fa = acc[j - 1, c] if j >= 1 else anchor_acc[c]
            vb = vel[j, c] if j < n else anchor_vel[c]
            va = vel[j - 1, c] if j >= 1 else anchor_vel[c]
            s += r[j, c] * (fb - fa) + (vb - va) ** 2
        rhs[j] = s
    link_gram(r, n, links, lo, di, up)
    solve_tridiagonal(lo, di, up, rhs, links, scratch, tau)
    for j in range(links):
        out[j] = mass * ell * tau[j]


def to_rotating(xyz: np.ndarray, theta: float) -> np.ndarray:
    """Lab coordinates → the frame turned by θ about z."""
    c, s = math.cos(theta), math.sin(theta)
    out = np.empty_like(xyz)
    out[:, 0] = c * xyz[:, 0] + s * xyz[:, 1]
    out[:, 1] = -s * xyz[:, 0] + c * xyz[:, 1]
    out[:, 2] = xyz[:, 2]
    return out


def jacobi_integral(pos: np.ndarray, vel: np.ndarray, omega: float, grav: np.ndarray, mass: float,
                    height_origin: np.ndarray) -> float:
    """E_J = Σ m [½|v − Ω×x|² − g·(x − x0) − ½ω²(x² + y²)]: the rotating frame's energy (§2.6),
    conserved when ω is constant, γ = 0, there is no drag and gravity is along the axis."""
    rel = vel.copy()
    rel[:, 0] += omega * pos[:, 1]
    rel[:, 1] -= omega * pos[:, 0]
    kinetic = 0.5 * np.sum(rel * rel)
    potential = -np.sum((pos - height_origin) @ grav)
    centrifugal = -0.5 * omega * omega * np.sum(pos[:, 0] ** 2 + pos[:, 1] ** 2)
    return float(mass * (kinetic + potential + centrifugal))


def rope_plane_angle(rot_xy: np.ndarray, anchored_off_axis: bool) -> float:
    """Azimuth (rotating frame) of the rope's plane through the axis.

    Off the axis the anchor fixes it (azimuth 0). On the axis every azimuth is equivalent, so the
    plane is the principal axis of the beads' (x, y), oriented towards the bead farthest out.
    """
    if anchored_off_axis or len(rot_xy) == 0:
        return 0.0
    moment = rot_xy.T @ rot_xy
    values, vectors = np.linalg.eigh(moment)
    direction = vectors[:, 1]
    far = rot_xy[np.argmax(np.einsum("ij,ij->i", rot_xy, rot_xy))]
    if far @ direction < 0:
        direction = -direction
    return float(math.atan2(direction[1], direction[0]))


def in_plane(rot_xy: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """(along, across): coordinates in the rope's plane and perpendicular to it."""
    c, s = math.cos(angle), math.sin(angle)
    return c * rot_xy[:, 0] + s * rot_xy[:, 1], -s * rot_xy[:, 0] + c * rot_xy[:, 1]


def spin_rate(pos: np.ndarray, vel: np.ndarray) -> float:
    """The rope's own mean angular velocity about the axis, L_z / I_z (lab frame)."""
    inertia = float(np.sum(pos[:, 0] ** 2 + pos[:, 1] ** 2))
    if inertia <= 0.0:
        return 0.0
    return float(np.sum(pos[:, 0] * vel[:, 1] - pos[:, 1] * vel[:, 0]) / inertia)
