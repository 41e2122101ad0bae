"""Parameter schema of the spinning-rope topic (names are part of the CLI contract)."""
from engines.core.params import Param, ParamSchema

SCENARIOS = ("hanging", "troposkein", "jump", "su_original")

PARAMS = ParamSchema(
    [
        Param("scenario", "hanging", kind="choice", choices=SCENARIOS,
              help="hanging: Li Yongle's rope on a rotating rod (one end free); troposkein: skipping "
                   "rope without gravity; jump: skipping rope with gravity at the bottom of its turn; "
                   "su_original: the essay's own code, overlaid with the corrected equations"),
        Param("length", 1.0, lo=0.05, hi=20.0, step=0.01, unit="m",
              help="rope length L (su_original: the arc length integrated, Su's T)"),
        Param("span", 0.6, lo=0.01, hi=20.0, step=0.01, unit="m",
              help="distance 2h between the hands on the rotation axis (troposkein, jump); "
                   "must be shorter than the rope"),
        Param("omega", 6.0, lo=0.0, hi=200.0, step=0.01, unit="rad/s", live=True,
              help="angular velocity of the rotation"),
        Param("gravity", 9.81, lo=0.0, hi=100.0, step=0.01, unit="m/s²",
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
        Param("points", 201, kind="int", lo=11, hi=5001, step=10,
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
"""Which parameters each scenario reads (the form hides the others)."""
