"""Heat in a wok (kexue.fm 9855; wok.md): a thin shell of any material on any heat source.

Experiments: ``comparator`` (the main one, panel 1: the pan heating, where the heat goes, the
thresholds it crosses; it also runs the routine), ``routine`` (panel 3: the three steps by hand), ``coated`` (panel 2: an empty coated pan's time to 260 and 316 °C against
the power), ``hotspots`` (panel 4: every material under one small flame, side by side).  Built on the closed forms of wok.md §3.3 (``closed_forms``), which the
tests check the solver against.
"""
from engines.core.experiment import Experiment, Preset, Series, Table
from engines.core.generic_sweep import generic_sweep
from engines.wok.comparator import THRESHOLD_COLUMNS, run_comparator, run_routine
from engines.wok.hotspots import HOTSPOT_LABELS, HOTSPOT_MATERIALS, HOTSPOT_PARAMS, run_hotspots
from engines.wok.params import ROUTINE_PARAMS, WOK_PARAMS, relevant_pan
from engines.wok.timer import COATED_PARAMS, TIMER_COLUMNS, run_timer

TITLE = "Heat in a wok"
SPEEDS = (1.0, 5.0, 10.0, 30.0, 60.0, 120.0)  # a pan heats for minutes: 30× shows five of them in ten seconds

COMPARATOR_OUTPUTS = (
    Series("t", "simulated time", "s", "time"),
    *(Series(name, label, "°C", "temperature") for name, label in (
        ("center_temp", "centre"), ("rim_temp", "rim"), ("mean_temp", "area-weighted mean"), ("max_temp", "hottest ring"))),
    *(Series(name, label, "J", "energy") for name, label in (
        ("energy_in", "absorbed from the source"), ("energy_stored", "stored in the wall"),
        ("energy_lost", "lost by convection and radiation"), ("energy_poured", "poured out with hot oil"),
        ("energy_oil_in", "brought by added oil above ambient"), ("energy_food", "given to the food"))),
    Series("food_temp", "the food (lumped; 100 °C while its water boils)", "°C", "routine"),
    Series("water_boiled", "water boiled off the food", "g", "routine"),
    Series("phase", "routine: 0 preheat, 1 oil, 2 cool, 3 food", "", "routine"),
    *(Series(name, label, unit, "routine") for name, label, unit in (
        ("pan_at_food", "centre when the food goes in", "°C"), ("contact_temp", "food–pan contact temperature", "°C"),
        ("verdict", "0 stew, 1 sear, 2 burn", ""), ("leidenfrost", "1: past the Leidenfrost point at the food", ""),
        ("food_time", "when the food went in", "s"), ("film_mm", "oil film thickness", "mm"),
        ("oiled_delta", "temperature difference across the oiled zone", "°C"),
        ("dry_spot_risk", "1: thin film over a large difference", ""),
        ("pan_low", "lowest centre while cooking", "°C"), ("pan_end", "centre at the end of cooking", "°C"),
        ("recovered_s", "seconds until the centre was back at its drop temperature (nan: not)", "s"),
        ("food_temp_end", "the food at the end", "°C"), ("water_boiled_g", "water boiled off by the end", "g"))),
    Table("events", ("t", "phase"), "routine: when each step happened (1 oil, 2 cool, 3 food; −1 a dry-spot "
                                    "warning or the end of cooking)"),
    Table("profile", ("r", "s", "T"), "T (°C) along the meridian: horizontal radius r and arc length s (m)"),
    Table("history", (), "T (°C) along the meridian (columns) at each recorded time (rows)"),
    Table("history_t", (), "the recorded times, s"),
    Table("thresholds", THRESHOLD_COLUMNS, "when the hottest ring and the centre first reached 204, 260, 316, 327 °C"),
)

TIMER_OUTPUTS = (
    Table("timer", TIMER_COLUMNS, "per power (W): seconds until the hottest ring and the mean pass 260 and 316 °C"),
    *(Series(name, label, "s") for name, label in (
        ("limit_hottest_s", "at the highest power: hottest ring to 260 °C"),
        ("fumes_hottest_s", "at the highest power: hottest ring to 316 °C"),
        ("limit_mean_s", "at the highest power: mean to 260 °C"), ("fumes_mean_s", "at the highest power: mean to 316 °C"),
        ("ewg_seconds", "EWG's test: seconds"))),
    Series("ewg_temp", "EWG's test: 721 °F reached", "°C"),
)
HOTSPOT_OUTPUTS = (
    *(Table(f"profile_{m}", ("r", "T"), f"{HOTSPOT_LABELS[m]}: T (°C) against the horizontal radius (m)")
      for m in HOTSPOT_MATERIALS),
    *(Series(f"{key}_{m}", f"{what}, {HOTSPOT_LABELS[m]}", unit) for m in HOTSPOT_MATERIALS
      for key, what, unit in (("max", "hottest ring", "°C"), ("rim", "rim", "°C"), ("spread", "hottest − rim", "°C"),
                              ("length", "spreading length √(kt/h)", "m"))),
)

EXPERIMENTS = (
    Experiment("comparator", "Material and source", WOK_PARAMS, run_comparator, outputs=COMPARATOR_OUTPUTS,
               speeds=SPEEDS, speed=30.0, relevant=relevant_pan(WOK_PARAMS.names()),
               sweep=generic_sweep("wok", "comparator", WOK_PARAMS,
                                   ("max_temp", "center_temp", "mean_temp", "rim_temp", "energy_in", "energy_stored",
                                    "energy_lost"),
                                   ("power", "thickness", "source_radius", "h_conv", "efficiency", "diameter"),
                                   "500, 1000, 2000, 3000, 5000", seeds="0", default_metric="max_temp",
                                   title="Power sweep"),
               summary="a pan of any material on any heat source: how fast it heats, where the heat goes and "
                       "which thresholds it crosses",
               presets=(Preset("stainless on a small flame", {"material": "stainless_304", "thickness": 1.0,
                                                              "source_radius": 3.0, "power": 1500.0},
                               "a hot ring over the flame and a cool rim: heat spreads only √(kt/h) ≈ 3 cm"),
                        Preset("aluminium on the same flame", {"material": "aluminium", "thickness": 3.0,
                                                               "source_radius": 3.0, "power": 1500.0},
                               "nearly uniform: aluminium spreads heat nineteen centimetres"),
                        Preset("induction under a round wok", {"source": "induction_flat", "efficiency": 0.84},
                               "only the bottom couples to a flat hob"),
                        Preset("an empty coated pan on high heat", {"material": "ptfe_aluminium", "shape": "flat",
                                                                    "diameter": 26.0, "thickness": 3.0,
                                                                    "source": "disk", "source_radius": 9.0,
                                                                    "power": 2000.0, "efficiency": 0.74},
                               "past 260 °C (the PTFE limit) within minutes"))),
    Experiment("routine", "Three-step routine", ROUTINE_PARAMS, run_routine, outputs=COMPARATOR_OUTPUTS,
               speeds=SPEEDS, speed=10.0, relevant=relevant_pan(ROUTINE_PARAMS.names()),
               summary="the essay's routine by hand: heat the wok dry, add oil, cool it (heat off, or swap the "
                       "hot oil for cold), put the food in — and see the contact temperature and the verdict",
               presets=(Preset("as the essay says, at home", {"manual": False, "routine": "home"},
                               "preheat to 250 °C, oil, a minute off: the food meets about 172 °C, a sear"),
                        Preset("as a restaurant does", {"manual": False, "routine": "restaurant"},
                               "the cold-oil swap gets the food in sooner, at about the same temperature"),
                        Preset("no pause", {"manual": False, "routine": "home", "off_seconds": 0.0,
                                            "preheat_to": 300.0},
                               "straight from a 300 °C preheat: above the smoke point — burn"))),
    Experiment("coated", "Coated-pan timer", COATED_PARAMS, run_timer, mode="instant", outputs=TIMER_OUTPUTS,
               relevant=relevant_pan(COATED_PARAMS.names()),
               summary="an empty PTFE-coated pan on high heat: seconds to 260 °C (the coating's limit) and 316 °C "
                       "(decomposition) against the power",
               presets=(Preset("on a gas ring", {"source": "gas", "source_radius": 5.0, "efficiency": 0.4,
                                                 "power": 5000.0},
                               "a domestic burner's hot ring passes 260 °C within a minute"),
                        Preset("gentle heat", {"power": 1000.0, "power_lo": 300.0},
                               "below about 750 W on the electric ring the mean stays under 260 °C for minutes"))),
    Experiment("hotspots", "Hot spots", HOTSPOT_PARAMS, run_hotspots, mode="instant", outputs=HOTSPOT_OUTPUTS,
               relevant=relevant_pan(HOTSPOT_PARAMS.names()),
               summary="every material at its usual thickness under one small flame: thin stainless and titanium "
                       "keep the heat where the flame is, aluminium and copper spread it",
               presets=(Preset("a bigger flame", {"source_radius": 6.0, "power": 3000.0},
                               "the ring moves out; the poor conductors still keep a hot ring over it"),
                        Preset("under food", {"h_conv": 500.0},
                               "with food on it (h ≈ 500) every spreading length shrinks five-fold"))),
)
