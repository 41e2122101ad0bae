"""The thin-shell heat equation on the rings of a pan, implicit in time (wok.md §3.1).

Finite volumes along the meridian: ring i stores C_i = (ρct)A_i per kelvin, exchanges
G_i(T_{i+1} − T_i) with its neighbour through the face (G_i = (kt)·2πr_face/Δs, zero at the centre
and at the adiabatic rim), absorbs P_i from the source and loses h·A_i(T − T∞) by convection,
εσA_i(T⁴ − T∞⁴) by radiation and F_i(T − T_f) to food lying on it (the food load q_food of §3.1:
F_i = h_food·A_i under the food).  The food is one more unknown, solved with the rings in the same
stages (capacity C_f): the tridiagonal system plus that node is a tridiagonal matrix plus a rank-one
term, solved by Sherman–Morrison with two right-hand sides, so a light food on a hot pan cannot
oscillate whatever the step.  While the food boils its temperature is pinned (C_f = ∞: pass
``food_capacity`` = 0).  TR-BDF2 (Bank et al. 1985; a trapezoid to t + γΔt, then BDF2,
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
def _solve(T, scale, base, capacity, conductance, convection, radiation, power, ambient, food, food_temp,
           food_capacity, food_base, about, diag, rhs, sub, other):
    """T ← solution of (C/scale − K_lin)T = C/scale·base + P + conv·T∞ + rad(3a⁴ + T∞⁴) + F·T_f,
    radiation linearised about ``about`` (a): the implicit half of either stage.  With
    ``food_capacity`` C_f > 0 the food's T_f is solved too, from (C_f/scale + ΣF)T_f − F·T =
    C_f/scale·food_base, and returned; else T_f = ``food_temp`` is given.  Thomas algorithm on both
    right-hand sides (b and F) of the same matrix, then Sherman–Morrison."""
    n = T.shape[0]
    ambient4 = ambient ** 4
    for i in range(n):
        a3 = about[i] ** 3
        left = conductance[i - 1] if i > 0 else 0.0
        diag[i] = capacity[i] / scale + left + conductance[i] + convection[i] + food[i] + 4.0 * radiation[i] * a3
        rhs[i] = (capacity[i] / scale * base[i] + power[i] + convection[i] * ambient
                  + radiation[i] * (3.0 * a3 * about[i] + ambient4))
        other[i] = food[i]
        sub[i] = -conductance[i]
    for i in range(1, n):
        w = sub[i - 1] / diag[i - 1]
        diag[i] -= w * sub[i - 1]
        rhs[i] -= w * rhs[i - 1]
        other[i] -= w * other[i - 1]
    rhs[n - 1] /= diag[n - 1]
    other[n - 1] /= diag[n - 1]
    for i in range(n - 2, -1, -1):
        rhs[i] = (rhs[i] - sub[i] * rhs[i + 1]) / diag[i]
        other[i] = (other[i] - sub[i] * other[i + 1]) / diag[i]
    t_food = food_temp
    if food_capacity > 0.0:
        load = fy = fz = 0.0
        for i in range(n):
            load += food[i]
            fy += food[i] * rhs[i]
            fz += food[i] * other[i]
        t_food = (food_capacity / scale * food_base + fy) / (food_capacity / scale + load - fz)
    for i in range(n):
        T[i] = rhs[i] + other[i] * t_food
    return t_food


@njit(cache=True, nogil=True)
def advance(T, steps, dt, capacity, conductance, convection, radiation, power, ambient, food, food_temp,
            food_capacity, sub, diag, rhs, ledger):
    """``steps`` TR-BDF2 steps of length ``dt`` in place on T (K): a trapezoid to t + γdt, then BDF2
    to t + dt, each stage one tridiagonal solve with the radiation linearised about the previous
    stage.  Adds to ``ledger`` the energy put in, lost by convection, lost by radiation and given to
    the food (J), booked with the stages' own terms and weights, so that Σ C ΔT (+ C_f ΔT_f) =
    in − out to round-off.  The food starts at ``food_temp`` (K); with ``food_capacity`` > 0 it
    warms with the rings, else it stays there.  Returns the food's temperature at the end.
    ``sub``, ``diag``, ``rhs``: scratch."""
    n = T.shape[0]
    ambient4 = ambient ** 4
    start, stage, base, other = np.empty(n), np.empty(n), np.empty(n), np.empty(n)
    t_food = food_temp
    for _ in range(steps):
        food_flow = 0.0
        for i in range(n):
            start[i] = T[i]
            flow = (power[i] - convection[i] * (T[i] - ambient) - radiation[i] * (T[i] ** 4 - ambient4)
                    - food[i] * (T[i] - t_food))
            food_flow += food[i] * (T[i] - t_food)
            if i > 0:
                flow += conductance[i - 1] * (T[i - 1] - T[i])
            if i < n - 1:
                flow += conductance[i] * (T[i + 1] - T[i])
            base[i] = T[i] + 0.5 * GAMMA * dt * flow / capacity[i]
        food_start = t_food
        food_base = food_start + (0.5 * GAMMA * dt * food_flow / food_capacity if food_capacity > 0.0 else 0.0)
        food_stage = _solve(stage, 0.5 * GAMMA * dt, base, capacity, conductance, convection, radiation, power,
                            ambient, food, food_start, food_capacity, food_base, start, diag, rhs, sub, other)
        for i in range(n):
            base[i] = start[i] + (stage[i] - start[i]) / (GAMMA * (2.0 - GAMMA))
        food_base = food_start + (food_stage - food_start) / (GAMMA * (2.0 - GAMMA))
        t_food = _solve(T, W_END * dt, base, capacity, conductance, convection, radiation, power, ambient, food,
                        food_start, food_capacity, food_base, stage, diag, rhs, sub, other)
        for i in range(n):
            s3, g3 = start[i] ** 3, stage[i] ** 3
            ledger[0] += power[i] * dt
            ledger[1] += convection[i] * dt * (W_EDGE * (start[i] + stage[i] - 2.0 * ambient)
                                               + W_END * (T[i] - ambient))
            ledger[3] += food[i] * dt * (W_EDGE * (start[i] - food_start + stage[i] - food_stage)
                                         + W_END * (T[i] - t_food))
            ledger[2] += radiation[i] * dt * (W_EDGE * (s3 * start[i] - ambient4)
                                              + W_EDGE * (4.0 * s3 * stage[i] - 3.0 * s3 * start[i] - ambient4)
                                              + W_END * (4.0 * g3 * T[i] - 3.0 * g3 * stage[i] - ambient4))
    return t_food


def stored(shell: Shell, T: np.ndarray, T0: np.ndarray) -> float:
    """Σ C_i (T_i − T0_i), J."""
    return float(shell.capacity @ (T - T0))
