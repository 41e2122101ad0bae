"""The thin-shell heat equation on the rings of a pan, implicit in time (wok.md §3.1).

Finite volumes along the meridian: ring i stores C_i = (ρct)A_i per kelvin, exchanges
G_i(T_{i+1} − T_i) with its neighbour through the face (G_i = (kt)·2πr_face/Δs, zero at the centre
and at the adiabatic rim), absorbs P_i from the source and loses h·A_i(T − T∞) by convection,
εσA_i(T⁴ − T∞⁴) by radiation and F_i(T − T_f) to food lying on it (the food load q_food of §3.1:
F_i = h_food·A_i under the food, T_f the food's temperature, held fixed over a call).  TR-BDF2 (Bank et al. 1985; a trapezoid to t + γΔt, then BDF2,
γ = 2 − √2) is second order and L-stable: a step of seconds neither rings nor smears the flame's
sharp edge, where backward Euler is first order and Crank–Nicolson rings.  Each stage is one
tridiagonal system (Thomas algorithm, numba) with the radiation linearised about the previous
stage, T⁴ ≈ 4a³T − 3a⁴.

Energy is booked with the very terms and weights the stages solve, so Σ C_i ΔT_i = (P − losses)·Δt
holds to round-off whatever the step (W10); the linearisation costs O(Δt²) in the temperatures,
not in the balance.  Temperatures are in kelvin here.
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


GAMMA = 2.0 - 2.0 ** 0.5          # TR-BDF2's stage point: L-stable, second order, one matrix shape
W_EDGE = 1.0 / (2.0 * (2.0 - GAMMA))  # the weights of K(T_n), K(T_γ) and K(T_{n+1}) in the step's energy
W_END = (1.0 - GAMMA) / (2.0 - GAMMA)


@njit(cache=True, nogil=True)
def _solve(T, scale, base, capacity, conductance, convection, radiation, power, ambient, food, food_temp, about,
           diag, rhs, sub):
    """T ← solution of (C/scale − K_lin)T = C/scale·base + P + conv·T∞ + rad(3a⁴ + T∞⁴) + F·T_f,
    radiation linearised about ``about`` (a): the implicit half of either stage (Thomas algorithm)."""
    n = T.shape[0]
    ambient4 = ambient ** 4
    for i in range(n):
        a3 = about[i] ** 3
        left = conductance[i - 1] if i > 0 else 0.0
        diag[i] = capacity[i] / scale + left + conductance[i] + convection[i] + food[i] + 4.0 * radiation[i] * a3
        rhs[i] = (capacity[i] / scale * base[i] + power[i] + convection[i] * ambient + food[i] * food_temp
                  + radiation[i] * (3.0 * a3 * about[i] + ambient4))
        sub[i] = -conductance[i]
    for i in range(1, n):
        w = sub[i - 1] / diag[i - 1]
        diag[i] -= w * sub[i - 1]
        rhs[i] -= w * rhs[i - 1]
    T[n - 1] = rhs[n - 1] / diag[n - 1]
    for i in range(n - 2, -1, -1):
        T[i] = (rhs[i] - sub[i] * T[i + 1]) / diag[i]


@njit(cache=True, nogil=True)
def advance(T, steps, dt, capacity, conductance, convection, radiation, power, ambient, food, food_temp,
            sub, diag, rhs, ledger):
    """``steps`` TR-BDF2 steps of length ``dt`` in place on T (K): a trapezoid to t + γdt, then BDF2
    to t + dt, each stage one tridiagonal solve with the radiation linearised about the previous
    stage.  Adds to ``ledger`` the energy put in, lost by convection, lost by radiation and given to
    the food (J),
    booked with the stages' own terms and weights, so that Σ C ΔT = in − out to round-off.
    ``sub``, ``diag``, ``rhs``: scratch."""
    n = T.shape[0]
    ambient4 = ambient ** 4
    start, stage, base = np.empty(n), np.empty(n), np.empty(n)
    for _ in range(steps):
        for i in range(n):
            start[i] = T[i]
            flow = (power[i] - convection[i] * (T[i] - ambient) - radiation[i] * (T[i] ** 4 - ambient4)
                    - food[i] * (T[i] - food_temp))
            if i > 0:
                flow += conductance[i - 1] * (T[i - 1] - T[i])
            if i < n - 1:
                flow += conductance[i] * (T[i + 1] - T[i])
            base[i] = T[i] + 0.5 * GAMMA * dt * flow / capacity[i]
        _solve(stage, 0.5 * GAMMA * dt, base, capacity, conductance, convection, radiation, power, ambient, food,
               food_temp, start, diag, rhs, sub)
        for i in range(n):
            base[i] = start[i] + (stage[i] - start[i]) / (GAMMA * (2.0 - GAMMA))
        _solve(T, W_END * dt, base, capacity, conductance, convection, radiation, power, ambient, food, food_temp,
               stage, diag, rhs, sub)
        for i in range(n):
            s3, g3 = start[i] ** 3, stage[i] ** 3
            ledger[0] += power[i] * dt
            ledger[1] += convection[i] * dt * (W_EDGE * (start[i] + stage[i] - 2.0 * ambient)
                                               + W_END * (T[i] - ambient))
            ledger[3] += food[i] * dt * (W_EDGE * (start[i] + stage[i] - 2.0 * food_temp) + W_END * (T[i] - food_temp))
            ledger[2] += radiation[i] * dt * (W_EDGE * (s3 * start[i] - ambient4)
                                              + W_EDGE * (4.0 * s3 * stage[i] - 3.0 * s3 * start[i] - ambient4)
                                              + W_END * (4.0 * g3 * T[i] - 3.0 * g3 * stage[i] - ambient4))
    return T


def stored(shell: Shell, T: np.ndarray, T0: np.ndarray) -> float:
    """Σ C_i (T_i − T0_i), J."""
    return float(shell.capacity @ (T - T0))
