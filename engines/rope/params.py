"""Parameter schema of the spinning-rope topic (names are part of the CLI contract)."""
from engines.core.params import Param, ParamSchema

STEADY_SCENARIOS = ("hanging", "troposkein", "jump", "su_original")
SCENARIOS = STEADY_SCENARIOS + ("dynamics",)

PARAMS = ParamSchema(
    [
        Param("scenario", "hanging", kind="choice", choices=SCENARIOS,
              help="hanging: Li Yongle's rope on a rotating rod (one end free); troposkein: skipping "
                   "rope without gravity; jump: skipping rope with gravity at the bottom of its turn; "
                   "su_original: the essay's own code, overlaid with the corrected equations; dynamics: "
                   "the rope as a live chain of beads, spun up, damped and dragged by the air"),
        Param("ends", "hanging", kind="choice", choices=("hanging", "skipping"),
              help="dynamics: hanging = top fixed at top_radius on the rotating rod, lower end free; "
                   "skipping = both ends in the hands at span, turned about the axis through them"),
        Param("length", 1.0, lo=0.05, hi=20.0, step=0.01, unit="m", typical=(0.1, 5.0),
              help="rope length L (su_original: the arc length integrated, Su's T)"),
        Param("span", 0.6, lo=0.01, hi=20.0, step=0.01, unit="m",
              help="distance 2h between the hands on the rotation axis (troposkein, jump); "
                   "must be shorter than the rope"),
        Param("omega", 6.0, lo=0.0, hi=200.0, step=0.01, unit="rad/s", live=True, typical=(0.0, 30.0),
              derived=lambda v: f"λ = ω²L/g = {v['omega'] ** 2 * v['length'] / v['gravity']:.4g}" if v.get("gravity") else "",
              help="angular velocity of the rotation; λ = ω²L/g (a 1 m hanging rope: λ1…λ5 at ω ≈ 3.8…23 rad/s). "
                   "The slider spans 0–30 rad/s; type larger values in the box"),
        Param("gravity", 9.81, lo=0.0, hi=100.0, step=0.01, unit="m/s²", typical=(0.0, 30.0),
              help="gravitational acceleration g (ignored by troposkein, which is the g = 0 case)"),
        Param("density", 0.03, lo=1e-4, hi=100.0, log=True, unit="kg/m",
              help="linear mass density ρ of the rope; only scales the tension"),
        Param("top_radius", 0.0, lo=0.0, hi=10.0, step=0.01, unit="m",
              help="hanging: distance of the fixed top point from the axis (0 = on the axis, "
                   "Kolodner's problem; > 0 = rope tied to the end of a rotating rod)"),
        Param("mode", 1, kind="int", lo=1, hi=20, step=1,
              help="hanging: which branch; mode n crosses the axis n − 1 times between its ends "
                   "and exists only above λn = j0,n²/4 (λ = ω²L/g)"),
        Param("c1", 0.0, lo=-10.0, hi=10.0, step=0.01,
              help="su_original: Su's integration constant C1 (0 and 1 are his two figures)"),
        Param("start_x", 1.0, lo=-10.0, hi=10.0, step=0.01, unit="m",
              help="su_original: start point x0 (Su's code: 1)"),
        Param("start_y", 0.0, lo=-10.0, hi=10.0, step=0.01, unit="m",
              help="su_original: start point y0 (Su's code: 0)"),
        Param("beads", 40, kind="int", lo=2, hi=800, step=1, typical=(2, 200),
              help="dynamics: number of beads N (hanging: N links; skipping: N + 1 links); the "
                   "critical speeds approach the continuum's as 1/N"),
        Param("damping", 1.0, lo=0.0, hi=50.0, step=0.05, unit="1/s", live=True,
              help="dynamics: linear damping rate γ, force −γ m v relative to the rotating frame "
                   "(0 = none: the Jacobi integral is then conserved)"),
        Param("drag", 0.0, lo=0.0, hi=5.0, step=0.01, live=True,
              help="dynamics: air drag group Γ = ρ_air C_D d a / (2ρ) (a = span/2 skipping, L "
                   "hanging); independent of ω; about 0.03 for a real rope between hands 0.6 m "
                   "apart; 0 = none"),
        Param("hand_radius", 0.05, lo=0.0, hi=5.0, step=0.01, unit="m",
              help="dynamics, skipping: radius of the circles the hands turn on (0 = on the axis, "
                   "the troposkein's ends; a rope held on the axis cannot be driven against drag "
                   "or gravity: it slips behind its hands)"),
        Param("omega_ramp", 0.0, lo=-20.0, hi=20.0, step=0.01, unit="rad/s²", live=True,
              help="dynamics: the spin rate's target moves at this rate (0 = hold ω)"),
        Param("frame", "rotating", kind="choice", choices=("rotating", "lab"), live=True,
              help="dynamics: show and save the rope in the rotating frame (still when steady) or "
                   "in the lab (turning)"),
        Param("duration", 60.0, lo=0.01, hi=3600.0, step=1.0, unit="s", typical=(1.0, 300.0),
              help="dynamics: simulated time of the run"),
        Param("initial_tilt_deg", 3.0, advanced=True, lo=0.0, hi=90.0, step=0.5, unit="°",
              help="dynamics: the run starts from the straight rope (skipping: a circular arc) "
                   "tilted by this angle, so that instabilities can grow"),
        Param("points", 201, advanced=True, kind="int", lo=11, hi=5001, step=10,
              help="number of samples along the rope in the output shape"),
    ]
)


_COMMON = ("scenario", "length", "omega", "density", "points")
SCENARIO_PARAMS: dict[str, tuple[str, ...]] = {
    "hanging": _COMMON + ("gravity", "top_radius", "mode"),
    "troposkein": _COMMON + ("span",),
    "jump": _COMMON + ("span", "gravity"),
    "su_original": _COMMON + ("gravity", "c1", "start_x", "start_y"),
}
_DYNAMICS = ("scenario", "ends", "length", "omega", "omega_ramp", "gravity", "density", "beads",
             "damping", "drag", "frame", "duration", "initial_tilt_deg")
_DYNAMICS_ENDS = {"hanging": ("top_radius",), "skipping": ("span", "hand_radius")}


def relevant(values: dict) -> tuple[str, ...]:
    """The parameters these values read (the form hides the others)."""
    scenario = values["scenario"]
    if scenario == "dynamics":
        return _DYNAMICS + _DYNAMICS_ENDS[values["ends"]]
    return SCENARIO_PARAMS[scenario]


def _subset(names: tuple[str, ...], **replace: Param) -> ParamSchema:
    return ParamSchema([replace.get(p.name, p) for p in PARAMS if p.name in names])


STEADY_PARAMS = _subset(
    tuple(dict.fromkeys(n for names in SCENARIO_PARAMS.values() for n in names)),
    scenario=Param("scenario", "hanging", kind="choice", choices=STEADY_SCENARIOS,
                   help=PARAMS["scenario"].help.split("; dynamics:")[0]
                   + " (the live bead chain is the experiment rope:dynamics)"))
"""The steady shapes' parameters (the experiment ``rope:steady``)."""

DYNAMICS_PARAMS = _subset(tuple(n for n in PARAMS.names() if n in _DYNAMICS + ("top_radius", "span", "hand_radius")
                                and n != "scenario"))
"""The live bead chain's parameters (the experiment ``rope:dynamics``)."""


def relevant_dynamics(values: dict) -> tuple[str, ...]:
    return tuple(n for n in relevant({**values, "scenario": "dynamics"}) if n != "scenario")
