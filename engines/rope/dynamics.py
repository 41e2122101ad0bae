"""The ``dynamics`` scenario: the rope as a live bead chain (rope.md §2.5–2.6), one frame per 1/60 s
of wall time (× the transport's speed; headless: per 1/60 s simulated).

Live while it runs: ``omega`` (the spin rate follows a change within ~0.25 s, chain_kernel
SPIN_RESPONSE_S), ``omega_ramp``, ``damping``, ``drag`` and ``frame``. Each frame reports the curves
of the CLI contract (t, free_end_radius, max_radius, out_of_plane, end_tension, energy, ...) and the
rope's shape, including its anchors, in the chosen frame.
"""
from __future__ import annotations

import math
import time
from typing import Iterator

import numpy as np

from engines.core.frame import Frame
from engines.rope import bifurcation, chain_diagnostics as diag
from engines.rope.chain_numpy import drag_acceleration
from engines.rope.chain_kernel import CLOCK_OMEGA, CLOCK_T, CLOCK_TARGET, CLOCK_THETA
from engines.rope.chain_model import ChainSetup, ChainSim
from engines.rope.discrete_chain import critical_lambdas
from engines.rope.hanging import critical_lambdas as continuum_lambdas

FRAME_WALL_S = 1 / 60
REACHABLE_SHARE = 0.8  # in the GUI, leave a fifth of the time for the frames' diagnostics and drawing
SHAPE_COLUMNS = ("s", "x", "y", "z", "tension")
CRITICAL_COLUMNS = ("mode", "lambda_chain", "lambda_continuum")
SHOWN_MODES = 4


def critical_table(beads: int) -> np.ndarray:
    """λn of this N-bead chain next to the continuum's j0,n²/4 (the note's §2.6 table)."""
    count = min(SHOWN_MODES, beads)
    return np.column_stack([np.arange(1, count + 1), critical_lambdas(beads)[:count],
                            continuum_lambdas(count)])


class Observer:
    """Turns the simulator's state into a Frame's scalars and arrays (reused buffers)."""

    def __init__(self, sim: ChainSim):
        self.sim = sim
        s = sim.setup
        self.tension = np.zeros(s.links)
        self.s_nodes = np.arange(s.links + 1) * s.ell
        self.origin = np.zeros(3)

    def nodes(self) -> np.ndarray:
        sim, s = self.sim, self.sim.setup
        theta = sim.clock[CLOCK_THETA]
        anchor = np.array([s.anchor_r * math.cos(theta), s.anchor_r * math.sin(theta), s.z_a])
        parts = [anchor[None], sim.pos]
        if s.ends == "skipping":
            parts.append(np.array([[anchor[0], anchor[1], s.z_b]]))
        return np.concatenate(parts)

    def _powers(self, rotating: np.ndarray, omega: float, drag: float) -> tuple[float, float]:
        """(power lost to drag, power the anchors put in), W: equal in a steady state (rope.md §3,
        panel 5: P = ω × torque). An anchor pulls its end bead along the link towards itself."""
        sim, s = self.sim, self.sim.setup
        theta = sim.clock[CLOCK_THETA]
        ax, ay = s.anchor_r * math.cos(theta), s.anchor_r * math.sin(theta)
        acc = drag_acceleration(sim.pos, sim.vel, ax, ay, s.z_a, s.z_b, s.drag_coefficient(drag))
        lost = -s.mass * float(np.sum(acc * sim.vel))
        rel = np.diff(rotating, axis=0)
        anchor_speed = np.array([0.0, omega * s.anchor_r, 0.0])  # Ω × anchor in the rotating frame
        given = -self.tension[0] * float(rel[0] @ anchor_speed) / s.ell
        if s.ends == "skipping":
            given += self.tension[-1] * float(rel[-1] @ anchor_speed) / s.ell
        return lost, given

    def observe(self, gamma: float, drag: float, frame: str) -> tuple[dict[str, float], np.ndarray]:
        sim, s = self.sim, self.sim.setup
        t, theta, omega = sim.clock[CLOCK_T], sim.clock[CLOCK_THETA], sim.clock[CLOCK_OMEGA]
        diag.link_tensions(sim.pos, sim.vel, omega, s.ell, s.anchor_r, theta, s.z_a, s.z_b, s.grav, gamma,
                           s.drag_coefficient(drag), s.mass, sim.work, self.tension)
        lab = self.nodes()
        rotating = diag.to_rotating(lab, theta)
        radius = np.hypot(rotating[:, 0], rotating[:, 1])
        plane = diag.rope_plane_angle(rotating[1:, :2], s.anchor_r > 0)
        _, across = diag.in_plane(rotating[:, :2], plane)
        links = np.diff(rotating, axis=0)
        scalars = {
            "t": float(t),
            "omega": float(omega),
            "omega_target": float(sim.clock[CLOCK_TARGET]),
            "spin_rate": diag.spin_rate(sim.pos, sim.vel),
            "max_radius": float(radius.max()),
            "out_of_plane": float(np.abs(across).max()),
            "end_tension": float(self.tension[0]),
            "min_tension": float(self.tension.min()),
            "energy": diag.jacobi_integral(sim.pos, sim.vel, omega, s.grav, s.mass, self.origin),
            "link_error": float(np.abs(np.linalg.norm(links, axis=1) / s.ell - 1.0).max()),
            "theta": float(theta),
            "rope_azimuth": plane,  # of the rope's plane in the rotating frame
            "plane_angle": plane + float(theta) if frame == "lab" else 0.0,  # in the shape's coordinates
        }
        scalars["drag_power"], scalars["anchor_power"] = self._powers(rotating, omega, drag)
        if s.ends == "hanging":
            scalars["free_end_radius"] = float(radius[-1])
            if s.gravity > 0:
                scalars["lambda"] = omega ** 2 * s.length / s.gravity
        node_tension = np.empty(len(rotating))
        node_tension[:-1] = self.tension
        node_tension[-1] = 0.0 if s.ends == "hanging" else self.tension[-1]
        # rotating: turned so the rope's plane is x–z, as the steady scenarios write it (x along the
        # plane, y across it); lab: as it stands in the room
        xyz = diag.to_rotating(rotating, plane) if frame == "rotating" else lab
        shape = np.column_stack([self.s_nodes, xyz, node_tension])
        return scalars, shape


def _message(p: dict, scalars: dict, realtime_factor: float, dt: float, beads: int, lam1: float) -> str:
    parts = [f"t = {scalars['t']:.2f} s of {p['duration']:g}", f"ω = {scalars['omega']:.3f} rad/s"]
    if "lambda" in scalars:
        side = "above" if scalars["lambda"] > lam1 else "below"
        parts.append(f"λ = {scalars['lambda']:.3f}, {side} λ1({beads}) = {lam1:.5f}")
    if abs(scalars["spin_rate"] - scalars["omega"]) > 0.02 * max(scalars["omega"], 1e-9) + 1e-3:
        parts.append(f"the rope itself turns at {scalars['spin_rate']:.3f} rad/s")
        if p["ends"] == "skipping" and p["hand_radius"] == 0 and scalars["spin_rate"] < 0.9 * scalars["omega"]:
            parts.append("hands on the axis cannot drive it (set hand_radius > 0)")
    if scalars["min_tension"] < 0:
        parts.append(f"a link is in compression ({scalars['min_tension']:.3g} N): a rope would go slack "
                     "there, the rigid links push like rods")
    parts.append(f"step {1e3 * dt:.3g} ms, computed {realtime_factor:.0f}× faster than real time"
                 if realtime_factor >= 1 else
                 f"step {1e3 * dt:.3g} ms; this machine reaches only {realtime_factor:.2f}× real time")
    return " · ".join(parts)


def run_dynamics(p: dict, ctx) -> Iterator[Frame]:
    """The engine generator of the ``dynamics`` scenario (p already validated)."""
    setup = ChainSetup.from_params(p)
    sim = ChainSim(setup, p["omega"], p["initial_tilt_deg"])
    observer = Observer(sim)
    live = ctx.live_values() if ctx is not None else dict(p)
    last_omega = p["omega"]
    arrays, columns = {}, {"shape": SHAPE_COLUMNS, "critical": CRITICAL_COLUMNS}
    lam1 = math.nan
    if setup.ends == "hanging":  # λn of the hanging chain (rope.md §2.6), once per run
        arrays["critical"] = critical_table(setup.beads)
        lam1 = float(arrays["critical"][0, 1])
    if setup.ends == "hanging" and setup.gravity > 0:
        lam = p["omega"] ** 2 * setup.length / setup.gravity
        for name, (table, cols) in bifurcation.extras(setup.anchor_r / setup.length, max(lam, 3.0)).items():
            arrays[name], columns[name] = table, tuple(cols)
    scalars, shape = observer.observe(live["damping"], live["drag"], live["frame"])
    arrays["shape"] = shape
    yield Frame(step=0, progress=0.0, scalars=scalars, arrays=arrays, columns=columns,
                message=_message(p, scalars, math.inf, 0.0, setup.beads, lam1))
    duration = float(p["duration"])
    realtime = bool(getattr(ctx, "realtime", False))
    reachable = math.inf  # simulated seconds per second of computing, measured on the last frame (pacing)
    simulated_s, computing_s = 0.0, 0.0  # over the whole run: the real-time factor the message reports
    while sim.clock[CLOCK_T] < duration - 1e-12:
        if ctx is not None:
            ctx.check()
            live = ctx.live_values()
        if live["omega"] != last_omega:
            last_omega = live["omega"]
            sim.clock[CLOCK_TARGET] = float(last_omega)
        speed = ctx.speed if ctx is not None else 1.0
        if realtime:  # a machine that cannot keep up still gets ~60 frames a second, each shorter
            speed = min(speed, REACHABLE_SHARE * reachable)
        chunk = min(speed * FRAME_WALL_S, duration - sim.clock[CLOCK_T])
        started = time.perf_counter()
        ok = sim.advance(chunk, live["damping"], live["drag"], live["omega_ramp"])
        spent = time.perf_counter() - started
        reachable = chunk / max(spent, 1e-9)
        simulated_s, computing_s = simulated_s + chunk, computing_s + spent
        scalars, shape = observer.observe(live["damping"], live["drag"], live["frame"])
        progress = min(1.0, sim.clock[CLOCK_T] / duration)
        if not ok or not all(math.isfinite(v) for v in scalars.values()):
            yield Frame(step=sim.steps, progress=progress, scalars=scalars, arrays={"shape": shape},
                        columns=columns, diverged=f"{sim.failure or 'a state value became non-finite'} at "
                                                  f"t = {sim.clock[CLOCK_T]:.4f} s (ω = {sim.clock[CLOCK_OMEGA]:.3g} "
                                                  "rad/s); fewer beads or less drag keep the step stable")
            return
        message = _message(p, scalars, simulated_s / max(computing_s, 1e-9), sim.last_dt, setup.beads, lam1)
        if ctx is not None:
            ctx.pace(sim.clock[CLOCK_T])
        yield Frame(step=sim.steps, progress=progress, scalars=scalars, arrays={"shape": shape},
                    columns=columns, message=message)
