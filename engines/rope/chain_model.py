"""The live rope as a bead chain: its geometry from the parameters, its starting state, its step
size, and a simulator object that advances it (rope.md §2.6; kernel in chain_kernel.py).

Ends (``ends``):
- hanging: N links, N beads; link 1 hangs from the top at ``top_radius`` on the rotating rod, the
  last bead is the free end. Beads sit at the links' lower ends with equal masses ρL/N, as in the
  note's λ1(N) table. The axis is vertical, gravity along −z.
- skipping: N = beads + 1 links between two hands at z = ∓span/2 that turn on circles of radius
  ``hand_radius`` (0: on the axis). The axis is horizontal, as for a real skipping rope: gravity
  acts across it (along −x in the lab), so with g > 0 the shape is only quasi-steady (§2.4 caveat).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq

from engines.rope import chain_kernel as ck
from engines.rope.troposkein import check_span

COURANT = 0.25  # dt · ω_max; RATTLE is stable below 2, the energy error ∝ (dt·ω)²
CONSTRAINT_TOL = 1e-12  # |link|² − ℓ² relative to ℓ²: lengths exact to ~5e-13
MAX_NEWTON = 25
RETRIES = 4  # a chunk whose constraints fail is retried with dt halved this many times


@dataclass(frozen=True)
class ChainSetup:
    ends: str
    beads: int
    length: float
    anchor_r: float
    z_a: float
    z_b: float  # NaN for the hanging rope
    gravity: float
    density: float
    drag_length: float  # the reference length a of the drag group Γ = ρ_a C_D d a / (2μ)

    @classmethod
    def from_params(cls, p: dict) -> "ChainSetup":
        length = float(p["length"])
        if p["ends"] == "skipping":
            span = float(p["span"])
            check_span(length, span)
            return cls("skipping", int(p["beads"]), length, float(p["hand_radius"]), -span / 2, span / 2,
                       float(p["gravity"]), float(p["density"]), span / 2)
        return cls("hanging", int(p["beads"]), length, float(p["top_radius"]), 0.0, math.nan,
                   float(p["gravity"]), float(p["density"]), length)

    @property
    def links(self) -> int:
        return self.beads if self.ends == "hanging" else self.beads + 1

    @property
    def ell(self) -> float:
        return self.length / self.links

    @property
    def mass(self) -> float:
        return self.density * self.ell

    @property
    def grav(self) -> np.ndarray:
        if self.ends == "hanging":
            return np.array([0.0, 0.0, -self.gravity])
        return np.array([-self.gravity, 0.0, 0.0])

    def drag_coefficient(self, group: float) -> float:
        """k in a = −k|v_n|v_n: per unit mass, ½ρ_a C_D d/μ = Γ/a."""
        return float(group) / self.drag_length

    def initial_positions(self, tilt_deg: float) -> np.ndarray:
        """Hanging: straight, tilted by ``tilt_deg`` from the vertical, outwards. Skipping: the
        N-chord polygon on a circular arc through both hands in the x–z plane, bowed outwards,
        then twisted out of its plane, up to ±``tilt_deg`` about the line through the hands at the
        hands and not at all in the middle (a turn of the whole arc would only be a symmetry when
        the hands are on the axis). ``ChainSim`` projects the start onto exact link lengths."""
        tilt = math.radians(tilt_deg)
        k = np.arange(1, self.beads + 1, dtype=float)
        if self.ends == "hanging":
            return np.column_stack([self.anchor_r + k * self.ell * math.sin(tilt), np.zeros_like(k),
                                    -k * self.ell * math.cos(tilt)])
        half = self.z_b
        n = self.links
        # chords of length ℓ on a circle of radius R = h/sin β subtend 2 arcsin(ℓ sin β / 2h) each
        beta = brentq(lambda b: n * math.asin(min(1.0, self.ell * math.sin(b) / (2 * half))) - b, 1e-9,
                      math.pi - 1e-12) if n * self.ell > 2 * half else 1e-9
        radius = half / math.sin(beta)
        step = 2 * math.asin(min(1.0, self.ell / (2 * radius)))
        angle = -beta + k * step  # measured from the chord's midpoint normal
        bow = radius * (np.cos(angle) - math.cos(beta))
        z = radius * np.sin(angle)
        twist = tilt * z / half  # opposite halves turn opposite ways: not a symmetry of the rope
        return np.column_stack([self.anchor_r + bow * np.cos(twist), bow * np.sin(twist), z])

    def stable_step(self, omega: float, drag_group: float) -> float:
        """COURANT / ω_max, ω_max = 2c/ℓ the fastest transverse wave of the discrete rope, with
        c² = T/μ from an upper estimate of the tension (the heaviest link carries the weight below it
        and the centrifugal pull of the rope outside it)."""
        reach = self.length + self.anchor_r
        if self.ends == "hanging":
            tension = self.gravity * self.length + 0.5 * omega ** 2 * reach ** 2
        else:
            tension = 0.5 * omega ** 2 * (0.5 * self.length + self.anchor_r) ** 2 + self.gravity * self.length
        tension = max(tension, 1e-3 * self.gravity * self.length, 1e-12)
        omega_max = 2.0 * math.sqrt(tension) / self.ell
        limits = [COURANT / omega_max, 0.05 / max(omega, 1e-9)]
        speed = max(omega * reach, math.sqrt(self.gravity * self.length))
        k = self.drag_coefficient(drag_group)
        if k > 0:
            limits.append(0.05 / (k * speed))
        return min(limits)


class ChainSim:
    """The state of one live rope and its preallocated scratch: positions and velocities (lab),
    clock [t, θ, ω, ω_target]."""

    def __init__(self, setup: ChainSetup, omega: float, tilt_deg: float):
        self.setup = setup
        self.pos = np.ascontiguousarray(setup.initial_positions(tilt_deg))
        self.clock = np.array([0.0, 0.0, float(omega), float(omega)])
        self.work = ck.make_work(setup.beads)
        start = self.pos.copy()
        if not ck._project_positions(start, self.pos, setup.beads, setup.links, setup.ell, setup.anchor_r, 0.0,
                                     setup.anchor_r, 0.0, setup.z_a, setup.z_b, CONSTRAINT_TOL, MAX_NEWTON,
                                     self.work):
            raise ValueError("the starting shape could not be given exact link lengths")
        self.vel = np.zeros_like(self.pos)
        self.vel[:, 0] = -omega * self.pos[:, 1]
        self.vel[:, 1] = omega * self.pos[:, 0]  # co-rotating: at rest in the rotating frame
        self.steps = 0
        self.failure = ""

    def advance(self, duration: float, gamma: float, drag_group: float, ramp: float) -> bool:
        """Advance by ``duration`` seconds in equal steps ≤ the stable step; halve the step and retry
        when the link constraints cannot be met. False (and ``failure`` set) when it blew up."""
        s = self.setup
        omega_hi = max(self.clock[ck.CLOCK_OMEGA], self.clock[ck.CLOCK_TARGET] + max(ramp, 0.0) * duration)
        dt0 = s.stable_step(min(omega_hi, ck.OMEGA_CAP), drag_group)
        saved = (self.pos.copy(), self.vel.copy(), self.clock.copy())
        for attempt in range(RETRIES + 1):
            count = max(1, math.ceil(duration / dt0 * 2 ** attempt - 1e-9))
            status, done = ck.advance(self.pos, self.vel, self.clock, count, duration / count, s.ell,
                                      s.anchor_r, s.z_a, s.z_b, s.grav, float(gamma),
                                      s.drag_coefficient(drag_group), float(ramp), CONSTRAINT_TOL,
                                      MAX_NEWTON, self.work)
            if status == ck.OK:
                self.steps += count
                self.last_dt = duration / count
                return True
            self.pos[:], self.vel[:], self.clock[:] = saved
        self.failure = ("the link constraints could not be met" if status == ck.CONSTRAINT_FAILED
                        else "positions became non-finite")
        return False
