"""The rope's experiments and what each one streams (engines.core.experiment)."""
from __future__ import annotations

from engines.core.experiment import Experiment, Preset, Series, Table
from engines.core.generic_sweep import generic_sweep
from engines.rope import run_chain, run_steady
from engines.rope.params import DYNAMICS_PARAMS, STEADY_PARAMS, relevant, relevant_dynamics

SHAPE = Table("shape", ("s", "x", "y", "z", "tension"), "the rope: arc length, position, tension")
BIFURCATION = (
    Table("bifurcation", ("lam", "free_end_radius_over_length", "mode"), "steady branches r_f/L against λ"),
    Table("thresholds", ("mode", "lam"), "λn where mode n branches off the vertical"),
)
STEADY_OUTPUTS = (
    Series("max_radius", "largest radius", "m", "shape"),
    Series("end_angle_deg", "angle to the axis at the fixed end", "°", "shape"),
    Series("end_tension", "tension at the fixed end", "N", "tension"),
    Series("free_end_radius", "free-end radius", "m", "shape"),
    Series("depth", "depth of the free end", "m", "shape"),
    Series("lambda", "λ = ω²L/g", "", "bifurcation"),
    Series("modes_available", "modes available (top on the axis)", "", "bifurcation"),
    Series("interior_nodes", "axis crossings between the ends", "", "shape"),
    Series("k", "elliptic modulus k", "", "shape"),
    Series("axial_tension", "axial tension H", "N", "tension"),
    Series("length_over_span", "rope length / hand span", "", "shape"),
    Series("virtual_axis_offset", "virtual axis offset d = g/ω²", "m", "shape"),
    Series("sag", "sag below the hands R − d", "m", "shape"),
    Series("lobe_radius", "radius of the lobe", "m", "shape"),
    Series("bottom_tension", "tension at the bottom of the turn", "N", "tension"),
    Series("froude", "Froude number ω²R/g", "", "shape"),
    Series("phi_start", "Su's φ at the start (> 0: compression)", "", "su"),
    Series("su_end", "arc length where Su's integration stopped", "m", "su"),
    SHAPE, *BIFURCATION,
    Table("ode_check", ("z", "r_closed_form", "r_ode"), "troposkein: closed form vs direct ODE integration"),
    Table("no_gravity", ("z", "x"), "jump rope: the same rope without gravity"),
    Table("su_code", ("s", "x", "y"), "the essay's code as written"),
    Table("corrected", ("s", "x", "y"), "the corrected equations"),
)
DYNAMICS_OUTPUTS = (
    Series("t", "simulated time", "s", "time"),
    Series("omega", "spin rate of the axis ω", "rad/s", "spin"),
    Series("omega_target", "target ω (ramp)", "rad/s", "spin"),
    Series("spin_rate", "the rope's own spin L_z/I_z", "rad/s", "spin"),
    Series("max_radius", "largest radius", "m", "radius"),
    Series("out_of_plane", "largest distance from the rope's plane", "m", "radius"),
    Series("free_end_radius", "free-end radius", "m", "radius"),
    Series("end_tension", "tension at the fixed end", "N", "tension"),
    Series("min_tension", "smallest link tension (< 0: compressed)", "N", "tension"),
    Series("energy", "Jacobi integral E_J = E_lab − ωL_z", "J", "energy"),
    Series("link_error", "largest link-length error", "m", "accuracy"),
    Series("theta", "angle the axis has turned", "rad", "angles"),
    Series("rope_azimuth", "azimuth of the rope's plane in the rotating frame", "rad", "angles"),
    Series("plane_angle", "azimuth of the rope's plane in the saved shape's axes", "rad", "angles"),
    Series("drag_power", "power lost to air drag", "W", "energy"),
    Series("anchor_power", "power the hands or the rod put in", "W", "energy"),
    Series("lambda", "λ = ω²L/g", "", "spin"),
    SHAPE, *BIFURCATION,
    Table("critical", ("mode", "lambda_chain", "lambda_continuum"), "λn of this chain next to the continuum's"),
)

EXPERIMENTS = (
    Experiment("steady", "Steady shapes", STEADY_PARAMS, run_steady, mode="instant", outputs=STEADY_OUTPUTS,
               sweep=generic_sweep("rope", "steady", STEADY_PARAMS,
                                   ("max_radius", "free_end_radius", "end_tension", "end_angle_deg", "depth", "lambda"),
                                   ("omega", "length", "span", "gravity", "density", "top_radius"),
                                   "linspace(1, 20, 20)", seeds="0", default_metric="max_radius", title="ω sweep"),
               summary="the hanging rope, the troposkein, the jump rope and the essay's own code, "
                       "solved as boundary-value problems", relevant=relevant,
               presets=(Preset("hanging at λ = 2", {"omega": 4.42945},
                               "the free end swings out to r_f/L = 0.70064 at θ_top = 33.293° (rope note table)"),
                        Preset("skipping rope, no gravity", {"scenario": "troposkein", "length": 2.7, "span": 0.6},
                               "the troposkein: widest R = 1.27439 m, modulus k = 0.902539"),
                        Preset("jump rope at 2 rev/s", {"scenario": "jump", "length": 2.7, "span": 0.6, "omega": 12.566},
                               "the rope sags 1.2739 m below the hands, beside its g = 0 shape"))),
    Experiment("dynamics", "Live bead chain", DYNAMICS_PARAMS, run_chain, outputs=DYNAMICS_OUTPUTS,
               relevant=relevant_dynamics, selected_by=("scenario", "dynamics"),
               summary="a chain of beads on rigid links, spun up, damped and dragged by the air",
               presets=(Preset("spin up through λ1", {"omega": 2.0, "omega_ramp": 0.15, "duration": 30.0},
                               "the chain swings out late, near λ ≈ 3.5, not at λ1(40) = 1.428: growth is zero there"),
                        Preset("skipping rope in air", {"ends": "skipping", "gravity": 0.0, "hand_radius": 0.1, "omega": 10.0,
                                                        "drag": 0.2, "beads": 30, "duration": 25.0},
                               "air drag bends the loop out of its plane by ≈ 0.30 m"))),
)
