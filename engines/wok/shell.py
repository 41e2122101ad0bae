"""The thin-shell heat equation on the rings of a pan, implicit in time (wok.md §3.1).

Finite volumes along the meridian: ring i stores C_i = (ρct)A_i per kelvin, exchanges
G_i(T_{i+1} − T_i) with its neighbour through the face (G_i = (kt)·2πr_face/Δs, zero at the centre
and at the adiabatic rim), absorbs P_i from the source and loses h·A_i(T − T∞) by convection and
εσA_i(T⁴ − T∞⁴) by radiation.  Backward Euler with the radiation linearised about the current
temperature, T⁴ ≈ 4T_n³T − 3T_n⁴, gives one tridiagonal system per step (Thomas algorithm, numba).

Energy is booked with the very terms the step solves, so Σ C_i ΔT_i = (P − losses)·Δt holds to
round-off whatever the step (W10); the linearisation costs O(Δt²) in the temperatures, not in
the balance.  Temperatures are in kelvin here.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

SIGMA = 5.670374419e-8  # Stefan–Boltzmann, W/(m²·K⁴)
KELVIN = 273.15


@dataclass(frozen=True)
class Shell:
    """The discretised pan: per-ring capacity (J/K), conductance to the next ring (W/K, last = 0),
    convective and radiative loss coefficients (W/K and W/K⁴ per ring)."""

    capacity: np.ndarray
    conductance: np.ndarray
    convection: np.ndarray
    radiation: np.ndarray

    @classmethod
    def of(cls, mesh, kt: float, rho_c_t: float, h: float, emissivity: float) -> "Shell":
        faces = kt * mesh.perimeters[1:-1] / np.diff(mesh.s)
        return cls(rho_c_t * mesh.areas, np.append(faces, 0.0), h * mesh.areas, emissivity * SIGMA * mesh.areas)


@njit(cache=True, nogil=True)
def advance(T, steps, dt, capacity, conductance, convection, radiation, power, ambient, sub, diag, rhs, ledger):
    """``steps`` backward-Euler steps of length ``dt`` in place on T (K); adds to ``ledger`` the energy
    put in, lost by convection and lost by radiation (J).  ``sub``, ``diag``, ``rhs``: scratch."""
    n = T.shape[0]
    ambient4 = ambient ** 4
    old, old3 = np.empty(n), np.empty(n)
    for _ in range(steps):
        for i in range(n):
            t3 = T[i] ** 3
            old[i], old3[i] = T[i], t3
            left = conductance[i - 1] if i > 0 else 0.0
            right = conductance[i]
            diag[i] = capacity[i] / dt + left + right + convection[i] + 4.0 * radiation[i] * t3
            rhs[i] = (capacity[i] / dt * T[i] + power[i] + convection[i] * ambient
                      + radiation[i] * (3.0 * t3 * T[i] + ambient4))
            sub[i] = -right
        # Thomas: the matrix is symmetric, off-diagonal (i, i+1) = sub[i]
        for i in range(1, n):
            w = sub[i - 1] / diag[i - 1]
            diag[i] -= w * sub[i - 1]
            rhs[i] -= w * rhs[i - 1]
        T[n - 1] = rhs[n - 1] / diag[n - 1]
        for i in range(n - 2, -1, -1):
            T[i] = (rhs[i] - sub[i] * T[i + 1]) / diag[i]
        for i in range(n):
            ledger[0] += power[i] * dt
            ledger[1] += convection[i] * (T[i] - ambient) * dt
            ledger[2] += radiation[i] * (4.0 * old3[i] * T[i] - 3.0 * old3[i] * old[i] - ambient4) * dt
    return T


def stored(shell: Shell, T: np.ndarray, T0: np.ndarray) -> float:
    """Σ C_i (T_i − T0_i), J."""
    return float(shell.capacity @ (T - T0))
