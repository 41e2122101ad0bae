"""The wok's thin-shell solver against wok.md's acceptance facts: material data (W1) and the derived
table of §3.1, the heated-disk fin as the solver's steady state (W2, 1e-3 K), lumped heating (W3,
1 s) and cooling (W4, 1 °C), contact temperatures (W5, 0.5 °C), thresholds and efficiencies (W6, W7),
induction coupling (W8), the coating drop (W9, 1e-6), energy conservation (W10, 1e-6 relative;
observed ~1e-12) and the thermal strain (W11)."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.wok import EXPERIMENTS
from engines.wok import closed_forms as cf
from engines.wok.geometry import mesh
from engines.wok.materials import (ALUMINIUM, CARBON_STEEL, CAST_IRON, COPPER, PTFE, STAINLESS_304, TITANIUM,
                                   WATER, wall)
from engines.wok.shell import KELVIN, Shell, advance
from engines.wok.sources import CHINA_INDUCTION_GRADES, DOE_EFFICIENCY, absorbed_power

COMPARATOR = EXPERIMENTS[0]


def run(**values):
    p = COMPARATOR.params.validate({**COMPARATOR.params.defaults(), **values})
    return list(COMPARATOR.run(p, RunContext.for_params(p)))


def test_w1_diffusivities_of_the_material_table():
    for solid, alpha in ((CARBON_STEEL, 1.77e-5), (STAINLESS_304, 4.05e-6), (ALUMINIUM, 9.71e-5),
                         (TITANIUM, 9.32e-6), (COPPER, 1.17e-4), (CAST_IRON, 1.70e-5)):
        assert solid.diffusivity == pytest.approx(alpha, rel=0.01), solid.name


@pytest.mark.parametrize("material, mm, rho_c_t, kg, spread_cm", [
    ("carbon_steel", 2, 6817, 2.00, 7.8), ("cast_iron", 4, 12217, 3.71, 10.2), ("stainless_304", 1, 4000, 1.02, 2.8),
    ("aluminium", 3, 7320, 1.03, 18.9), ("titanium", 1, 2349, 0.57, 3.3), ("copper", 2, 6878, 2.28, 20.0),
    ("triply", 2.5, 7348, 1.40, 14.4)])
def test_the_derived_table_for_a_35_by_10_cm_wok(material, mm, rho_c_t, kg, spread_cm):
    w, m = wall(material, mm), mesh("wok", 0.35, 0.10, 50)
    assert m.area == pytest.approx(0.1276, abs=1e-4) and m.sphere_radius == pytest.approx(0.203, abs=1e-3)
    assert w.rho_c_t == pytest.approx(rho_c_t, abs=1.0)
    assert w.areal_mass * m.area == pytest.approx(kg, abs=0.006)
    assert w.spreading_length(20.0) * 100 == pytest.approx(spread_cm, abs=0.06)


def test_w2_the_solvers_steady_state_is_the_heated_disk_fin():
    """Flat plate of radius 1 m (adiabatic edge, far away), kt = 0.121 W/K, h = 20, a 5 cm disk of
    1000 W/m²; TR-BDF2 (L-stable) with huge steps reaches the steady state; 1e-3 K at the note's radii."""
    radii = np.array([0.0, 0.025, 0.05, 0.10, 0.175])
    # the note's values; at 2.5, 5 and 10 cm they are 2–4 mK below the Bessel formula, which this
    # solver reproduces to 1e-5 K at 4000 and at 20 000 cells (an erratum in wok.md §3.3)
    assert cf.heated_disk_fin(radii, 0.121, 20.0, 0.05, 1000.0) == pytest.approx(
        [11.913, 10.921, 7.872, 3.083, 0.914], abs=5e-3)
    assert cf.heated_disk_fin(radii, 0.121, 20.0, 0.05, 1000.0) == pytest.approx(
        [11.91314, 10.92312, 7.87576, 3.08429, 0.91396], abs=1e-5)
    m = mesh("flat", 2.0, 0.0, 4000)
    shell = Shell.of(m, 0.121, 6817.0, 20.0, 0.0)
    power = 1000.0 * m.projected(np.zeros(m.cells), np.full(m.cells, 0.05))
    T = np.full(m.cells, 293.15)
    scratch = [np.empty(m.cells) for _ in range(3)]
    advance(T, 30, 1e5, shell.capacity, shell.conductance, shell.convection, shell.radiation, power, 293.15,
            np.zeros(m.cells), 293.15, 0.0, *scratch, np.zeros(4))
    for r in radii:
        i = int(np.argmin(abs(m.r - r)))
        assert T[i] - 293.15 == pytest.approx(float(cf.heated_disk_fin(m.r[i], 0.121, 20.0, 0.05, 1000.0)), abs=1e-3)


def test_w3_lumped_heating_times():
    """No losses, all of 1.8 kW absorbed: the mean reaches 260 °C after mcΔT/P = 116 s (2.00 kg)."""
    frames = run(source="disk", source_radius=17.5, power=1800.0, efficiency=1.0, h_conv=0.0, emissivity=0.0,
                 duration=130.0, record_every=0.1, dt=0.02, cells=100)
    t = next(f.scalars["t"] for f in frames if f.scalars["mean_temp"] >= 260.0)
    assert t == pytest.approx(116.0, abs=1.0)
    capacity = wall("carbon_steel", 2.0).rho_c_t * 0.1276
    for kw, seconds in ((1.0, 209), (1.8, 116), (2.5, 84)):
        assert cf.lumped_heating_time(capacity, 240.0, kw * 1000) == pytest.approx(seconds, abs=1.0)


def test_w4_cooling_after_the_heat_goes_off():
    frames = run(power=0.0, initial_temp=300.0, h_conv=40.0, emissivity=0.0, duration=60.0, dt=0.01, cells=60)
    assert frames[-1].scalars["mean_temp"] == pytest.approx(217.0, abs=1.0)
    assert cf.lumped_cooling(300.0, 20.0, 6817.0 / 40.0, 60.0) == pytest.approx(217.0, abs=1.0)
    assert frames[-1].scalars["max_temp"] - frames[-1].scalars["rim_temp"] < 1e-6   # uniform loss stays uniform


def test_w5_contact_temperatures_with_wet_food():
    assert WATER.effusivity == pytest.approx(1584, abs=1)
    for solid, expected in ((CARBON_STEEL, 227), (CAST_IRON, 224), (STAINLESS_304, 212), (ALUMINIUM, 236),
                            (TITANIUM, 208), (COPPER, 241)):
        assert cf.contact_temperature(solid.effusivity, 250.0, WATER.effusivity, 20.0) == pytest.approx(expected, abs=0.5)


def test_w6_w7_w9_w11_constants_coating_and_strain():
    assert (cf.OIL_SMOKE_C, cf.PTFE_LIMIT_C, cf.PTFE_FUMES_C, cf.PTFE_MELT_C) == (204.0, 260.0, 316.0, 327.0)
    assert DOE_EFFICIENCY == {"gas": 0.40, "electric": 0.74, "induction": 0.84} and CHINA_INDUCTION_GRADES == (0.90, 0.88, 0.86)
    assert cf.coating_drop(50_000.0, 25e-6, PTFE.conductivity) == pytest.approx(5.0, rel=1e-6)
    assert wall("ptfe_aluminium", 3.0).coating_resistance == pytest.approx(1e-4, rel=1e-6)
    assert cf.thermal_strain(CARBON_STEEL.expansion, 230.0) == pytest.approx(0.0028, abs=5e-5)


def test_w8_induction_heats_only_ferromagnetic_walls_and_a_round_wok_only_at_its_bottom():
    m = mesh("wok", 0.35, 0.10, 200)
    for material in ("stainless_304", "aluminium", "titanium", "copper", "ptfe_aluminium"):
        for source in ("induction_flat", "induction_concave"):
            power, note = absorbed_power(m, source, 2000.0, 0.9, 0.05, wall(material, 2.0).ferromagnetic)
            assert power.sum() == 0.0 and "not ferromagnetic" in note
    flat, _ = absorbed_power(m, "induction_flat", 2000.0, 0.9, 0.05, True)
    concave, _ = absorbed_power(m, "induction_concave", 2000.0, 0.9, 0.05, True)
    assert concave.sum() == pytest.approx(1800.0, rel=1e-12) and 0.0 < flat.sum() < 0.5 * 1800.0
    assert flat[m.z > 0.01].sum() < 0.1 * flat.sum()       # little a centimetre above the glass
    gas, _ = absorbed_power(m, "gas", 2000.0, 0.4, 0.05, False)
    assert gas.sum() == pytest.approx(800.0, rel=1e-12) and np.all(gas >= 0)
    assert frames_energy(run(source="induction_flat", material="aluminium", duration=10.0)) == 0.0


def frames_energy(frames):
    return frames[-1].scalars["energy_in"]


def test_w10_energy_is_conserved_with_every_loss_on():
    s = run(h_conv=35.0, emissivity=0.9, duration=600.0, dt=0.5, record_every=10.0)[-1].scalars
    assert s["energy_in"] == pytest.approx(2000 * 0.4 * 600, rel=1e-12)
    assert abs(s["energy_in"] - s["energy_lost"] - s["energy_stored"]) <= 1e-6 * s["energy_in"]
    assert s["energy_lost"] > 0.3 * s["energy_in"]


def test_the_comparator_streams_profiles_history_and_thresholds():
    frames = run(duration=120.0, record_every=10.0, cells=80)
    last = frames[-1]
    assert [f.scalars["t"] for f in frames] == pytest.approx([10.0 * k for k in range(13)])
    assert last.arrays["history"].shape == (13, 80) and last.arrays["profile"].shape == (80, 3)
    assert last.scalars["max_temp"] >= last.scalars["center_temp"] > last.scalars["rim_temp"]
    table = last.arrays["thresholds"]
    assert list(table[:, 0]) == [204.0, 260.0, 316.0, 327.0]
    reached = table[table[:, 1] == table[:, 1]]
    assert np.all(np.diff(reached[:, 1]) >= 0)              # hotter thresholds later


def test_stainless_keeps_a_hot_spot_that_aluminium_spreads():
    common = dict(source_radius=3.0, power=1500.0, duration=240.0, record_every=30.0, cells=100)
    steel = run(material="stainless_304", thickness=1.0, **common)[-1].scalars
    alu = run(material="aluminium", thickness=3.0, **common)[-1].scalars
    assert steel["max_temp"] - steel["rim_temp"] > 3 * (alu["max_temp"] - alu["rim_temp"])


def test_bad_geometry_names_the_parameter_and_range():
    with pytest.raises(ParameterError, match="depth.*allowed: \\[0.5, 15\\]"):
        run(diameter=30.0, depth=20.0)
    with pytest.raises(ParameterError, match="thickness"):
        COMPARATOR.params.validate({**COMPARATOR.params.defaults(), "thickness": 50.0})
    assert math.isfinite(run(shape="flat", depth=30.0, duration=5.0)[-1].scalars["max_temp"])


def test_tr_bdf2_is_second_order_in_time():
    """Halving the step quarters the error against a converged run (ratio 3.5–4.5 over 2 → 1 s)."""
    from bench.bench_wok import numba_run, setup

    _p, shell, power, ambient, T0 = setup(100)
    reference = numba_run(shell, power, ambient, T0, 120.0, 0.05)
    errors = [abs(numba_run(shell, power, ambient, T0, 120.0, dt) - reference).max() for dt in (4.0, 2.0, 1.0)]
    for coarse, fine in zip(errors, errors[1:]):
        assert 3.5 < coarse / fine < 4.5, errors


def test_the_coated_timer_meets_the_lumped_time_and_falls_with_power():
    from engines.wok.timer import COATED_PARAMS, crossing_times, run_timer

    base = COATED_PARAMS.validate({**COATED_PARAMS.defaults(), "source_radius": 13.0, "h_conv": 0.0,
                                   "emissivity": 0.0, "efficiency": 1.0, "power": 2000.0, "cells": 60})
    hottest, mean = crossing_times(base)
    capacity = wall("ptfe_aluminium", 3.0).rho_c_t * math.pi * 0.13 ** 2
    assert mean[0] == pytest.approx(cf.lumped_heating_time(capacity, 240.0, 2000.0), abs=0.5)
    assert mean[1] == pytest.approx(cf.lumped_heating_time(capacity, 296.0, 2000.0), abs=0.5)
    assert hottest[0] <= mean[0]
    p = {**COATED_PARAMS.defaults(), "points": 5, "cells": 40}
    table = list(run_timer(p, RunContext.for_params(p)))[-1].arrays["timer"]
    reached = table[~np.isnan(table[:, 1])]
    assert len(reached) >= 3 and np.all(np.diff(reached[:, 1]) < 0) and np.all(reached[:, 2] > reached[:, 1])
    with pytest.raises(ParameterError, match="power_lo.*allowed: below power"):
        list(run_timer({**p, "power_lo": 4000.0}, RunContext.for_params(p)))


def test_hot_spots_rank_the_materials_by_their_spreading_length():
    """The shorter √(kt/h), the hotter the ring over the flame against the rim (wok.md §3.1)."""
    from engines.wok.hotspots import HOTSPOT_MATERIALS, HOTSPOT_PARAMS, run_hotspots

    p = {**HOTSPOT_PARAMS.defaults(), "cells": 80}
    s = list(run_hotspots(p, RunContext.for_params(p)))[-1].scalars
    by_length = sorted(HOTSPOT_MATERIALS, key=lambda m: s[f"length_{m}"])
    spreads = [s[f"spread_{m}"] for m in by_length]
    assert spreads == sorted(spreads, reverse=True), list(zip(by_length, spreads))
    assert s["spread_stainless_304"] > 4 * s["spread_aluminium"]


@pytest.mark.parametrize("routine", ["home", "restaurant"])
def test_the_three_step_routine_keeps_its_books_and_its_timeline(routine):
    frames = run(routine=routine, oil_seconds=15.0, off_seconds=45.0, cells=80, record_every=1.0)
    s, events = frames[-1].scalars, frames[-1].arrays["events"]
    assert s["energy_in"] - s["energy_lost"] - s["energy_poured"] + s["energy_oil_in"] - s["energy_food"] == (
        pytest.approx(s["energy_stored"], rel=1e-9))
    oil_t = events[events[:, 1] == 1][0, 0]
    food_t = events[events[:, 1] == 3][0, 0]
    assert food_t == pytest.approx(oil_t + 15.0 + (45.0 if routine == "home" else 0.0), abs=0.5)
    before = next(f for f in frames if f.scalars["t"] >= oil_t)
    assert before.scalars["energy_oil_in"] == 0.0                  # room-temperature oil brings nothing
    assert (s["energy_poured"] > 0) == (routine == "restaurant")
    heat_off = [f.scalars["energy_in"] for f in frames if oil_t + 15.5 < f.scalars["t"] <= food_t]
    assert (len(set(heat_off)) == 1) == (routine == "home")          # no energy in while the heat is off
    assert s["contact_temp"] == pytest.approx(cf.contact_temperature(CARBON_STEEL.effusivity, s["pan_at_food"],
                                                                     WATER.effusivity, 20.0), abs=1e-9)
    assert s["pan_at_food"] < 250.0                                   # cooler than the preheat left it


def test_the_oil_film_and_the_verdicts():
    from engines.wok.routine import oil_capacities, verdict
    from engines.wok.simulation import Simulation

    p = COMPARATOR.params.validate({**COMPARATOR.params.defaults(), "cells": 400})
    sim = Simulation(p)
    capacity, film_mm, oiled = oil_capacities(sim, 30.0, 10.0)
    radius = sim.mesh.sphere_radius
    area = 2 * math.pi * radius ** 2 * (1 - math.cos(math.asin(0.10 / radius)))   # the cap inside r = 10 cm
    assert film_mm == pytest.approx(0.030 / 910.0 / area * 1000, rel=0.01)
    assert capacity.sum() == pytest.approx(0.030 * 1970.0, rel=1e-12)
    assert (verdict(230.0, 210.0), verdict(190.0, 170.0), verdict(150.0, 130.0)) == ("burn", "sear", "stew")
    hot = run(routine="home", preheat_to=400.0, off_seconds=0.0, cells=60)[-1].scalars
    assert hot["verdict"] == 2.0 and hot["leidenfrost"] == 1.0


def test_the_manual_routine_waits_for_the_cook():
    """Steps come from clicks counted from the run's start (a form that already holds 7 clicks)."""
    from engines.wok.comparator import run_routine
    from engines.wok.params import ROUTINE_PARAMS

    p = ROUTINE_PARAMS.validate({**ROUTINE_PARAMS.defaults(), "cells": 40, "duration": 200.0, "clicks": 7,
                                 "record_every": 1.0, "manual": True})
    ctx = RunContext.for_params(p)
    frames = []
    for frame in run_routine(p, ctx):
        frames.append(frame)
        if frame.scalars["t"] in (30.0, 50.0, 80.0):
            ctx.set_live("clicks", int(ctx.live("clicks")) + 1)
    events = frames[-1].arrays["events"]
    steps = events[events[:, 1] >= 0]
    assert [tuple(row) for row in steps] == [(31.0, 1.0), (51.0, 2.0), (81.0, 3.0)]
    idle = run_routine(ROUTINE_PARAMS.validate({**p, "duration": 20.0}), RunContext.for_params(p))
    last = list(idle)[-1]
    assert last.scalars["t"] == 20.0 and last.scalars["phase"] == 0.0 and "verdict" not in last.scalars


def test_power_is_live_events_are_timed_and_the_history_is_bounded():
    p = COMPARATOR.params.validate({**COMPARATOR.params.defaults(), "duration": 40.0, "record_every": 1.0,
                                    "cells": 40})
    ctx = RunContext.for_params(p)
    frames = []
    for frame in COMPARATOR.run(p, ctx):
        frames.append(frame)
        if frame.scalars["t"] == 20.0:
            ctx.set_live("power", 0.0)
    absorbed = [f.scalars["energy_in"] for f in frames]
    assert absorbed[20] == pytest.approx(20 * 800.0) and absorbed[-1] == absorbed[21]   # off from t = 20 s
    coarse = run(routine="home", record_every=50.0, cells=60)[-1]
    fine = run(routine="home", record_every=1.0, cells=60)[-1]
    assert coarse.arrays["events"][0, 0] == pytest.approx(fine.arrays["events"][0, 0])  # the step's own time
    long = run(duration=7200.0, record_every=0.5, cells=20, dt=0.5)[-1]
    assert 1000 <= long.arrays["history"].shape[0] <= 2100 and long.arrays["history_t"][-1] == 7200.0
