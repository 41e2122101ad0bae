"""The food load (wok.md §3.1's q_food): a pan and its food exchange h·A(T − T_f) and meet at the
lumped closed form; the books still balance; the food warms, boils, and dries; and under the same food
a heavy pan holds its heat where a thin one falls."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext
from engines.wok import EXPERIMENTS
from engines.wok.food import LATENT_HEAT, Food
from engines.wok.simulation import Simulation

COMPARATOR = EXPERIMENTS[0]


def values(**changes):
    return COMPARATOR.params.validate({**COMPARATOR.params.defaults(), **changes})


def test_a_pan_and_its_food_meet_at_the_lumped_closed_form():
    """No source, no losses, food over the whole pan: the pan stays uniform, so C_p dT/dt = −hA(T − T_f),
    C_f dT_f/dt = hA(T − T_f), and T − T_eq decays as e^{−t/τ}, 1/τ = hA(1/C_p + 1/C_f).  The food is
    solved with the rings (TR-BDF2, second order): to 0.01 K at dt = 0.25 s (τ ≈ 17 s)."""
    p = values(material="custom", conductivity=400.0, density=8900.0, specific_heat=385.0, thickness=5.0,
               shape="flat", diameter=30.0, power=0.0, h_conv=0.0, emissivity=0.0, initial_temp=150.0,
               ambient=20.0, cells=40, dt=0.25)
    sim = Simulation(p)
    c_pan = float(sim.shell.capacity.sum())
    food = Food(0.3, 4000.0, 20.0, water=0.2)
    sim.add_food(food, 500.0, 40.0)
    h_a = 500.0 * sim.mesh.area
    c_food = 0.3 * 4000.0
    t_eq = (c_pan * 150.0 + c_food * 20.0) / (c_pan + c_food)
    rate = h_a * (1.0 / c_pan + 1.0 / c_food)
    for seconds in (5.0, 12.0, 40.0):
        sim.run_for(seconds - sim.t)
        exact = t_eq + (150.0 - t_eq) * math.exp(-rate * sim.t)
        assert np.ptp(sim.celsius) < 1e-9 and sim.celsius[0] == pytest.approx(exact, abs=0.01)
        s = sim.scalars()
        assert s["food_temp"] == pytest.approx(20.0 + s["energy_food"] / c_food, rel=1e-12)
        assert s["food_temp"] == pytest.approx(t_eq - (t_eq - 20.0) * math.exp(-rate * sim.t), abs=0.01)
        assert s["energy_food"] == pytest.approx(-float(sim.shell.capacity @ (sim.T - sim.T0)), rel=1e-9)
    assert s["water_boiled"] == 0.0 and t_eq < 100.0


def test_the_food_warms_then_boils_then_dries_and_never_condenses():
    food = Food(0.1, 4000.0, 20.0, water=0.05)
    sensible = 0.1 * 4000.0 * 80.0
    food.absorb(sensible / 2)
    assert food.temp_c == pytest.approx(60.0) and not food.boiling()
    food.absorb(sensible / 2 + 0.02 * LATENT_HEAT)
    assert food.temp_c == 100.0 and food.boiled == pytest.approx(0.02) and food.boiling()
    food.absorb(-400.0)                                    # a cooler pan takes heat back: it cools, water stays lost
    assert food.temp_c == pytest.approx(99.0) and food.boiled == pytest.approx(0.02)
    food.absorb(400.0 + 0.03 * LATENT_HEAT + 4000.0)       # back to 100, the rest of the water, then 10 K dry
    assert food.boiled == pytest.approx(0.05) and food.temp_c == pytest.approx(110.0) and not food.boiling()
    assert food.energy_taken() == pytest.approx(sensible + 0.05 * LATENT_HEAT + 4000.0, rel=1e-12)


def run_routine(**changes):
    p = values(**{"routine": "restaurant", "cells": 80, "record_every": 5.0, **changes})
    return list(COMPARATOR.run(p, RunContext.for_params(p)))


def test_cooking_keeps_the_books_and_reports_the_drop_and_the_water():
    frames = run_routine(power=6000.0, food_mass=150.0, food_seconds=60.0)
    s = frames[-1].scalars
    assert s["energy_in"] - s["energy_lost"] - s["energy_poured"] + s["energy_oil_in"] - s["energy_food"] == (
        pytest.approx(s["energy_stored"], rel=1e-9))
    assert s["t"] == pytest.approx(s["food_time"] + 60.0)
    assert s["pan_low"] < s["pan_at_food"] and s["pan_low"] <= s["pan_end"]
    assert s["food_temp_end"] == 100.0 and 0.0 < s["water_boiled_g"] <= 0.92 * 150.0
    centre_after = [f.scalars["center_temp"] for f in frames if f.scalars["t"] > s["food_time"]]
    assert min(centre_after) >= s["pan_low"] - 1e-9              # followed each second, frames every 5 s
    assert "water boiled off" in frames[-1].message
    without = run_routine(power=6000.0, food_mass=150.0, food_seconds=0.0)[-1].scalars
    assert without["t"] == pytest.approx(s["food_time"]) and "pan_low" not in without


def test_under_the_same_food_a_heavy_pan_holds_its_heat_and_a_thin_one_falls():
    low = {}
    for material, mm in (("cast_iron", 4.0), ("carbon_steel", 2.0), ("titanium", 1.0)):
        s = run_routine(material=material, thickness=mm, routine="home", food_mass=300.0)[-1].scalars
        low[material] = s["pan_at_food"] - s["pan_low"]
    assert low["cast_iron"] < low["carbon_steel"] < low["titanium"], low


def test_a_quick_recovery_is_timed():
    """A strong burner under a little food: the centre dips and climbs back to its drop temperature."""
    s = run_routine(power=3000.0, food_mass=20.0, food_h=200.0, food_radius=3.0, food_seconds=120.0)[-1].scalars
    assert s["pan_low"] < s["pan_at_food"] and 0.0 < s["recovered_s"] < 120.0


def test_a_light_food_on_a_strong_load_stays_between_the_pan_and_the_room_at_any_step():
    """The review's case: 10 g under h = 5000 over the whole pan boils dry; solved with the rings, the
    food neither oscillates nor leaves [ambient, hottest ring], at dt = 0.25 s as at 5 s."""
    ends = {}
    for dt in (0.01, 0.25, 5.0):
        frames = run_routine(food_mass=10.0, food_h=5000.0, food_radius=17.0, food_seconds=300.0, power=3000.0,
                             dt=dt)
        cooking = [f.scalars for f in frames if f.scalars.get("phase") == 3.0 and f.scalars["energy_food"] > 0]
        assert all(20.0 - 1e-9 <= s["food_temp"] <= s["max_temp"] + 1e-9 for s in cooking)
        boiled = [s["water_boiled"] for s in cooking]
        assert boiled == sorted(boiled) and boiled[-1] == pytest.approx(9.2)      # all its water, once
        ends[dt] = frames[-1].scalars
    assert ends[0.25]["food_temp_end"] == pytest.approx(ends[0.01]["food_temp_end"], abs=0.5)
    assert ends[5.0]["food_temp_end"] == pytest.approx(ends[0.01]["food_temp_end"], abs=5.0)


def test_boiled_water_stays_boiled_when_the_pan_cools():
    p = values(power=0.0, initial_temp=300.0, h_conv=40.0, cells=30)
    sim = Simulation(p)
    food = Food(0.03, 4180.0, 20.0, water=0.0276)
    sim.add_food(food, 500.0, 10.0)
    water, temps = [], []
    while sim.t < 600.0:
        sim.run_for(5.0)
        water.append(food.boiled)
        temps.append(food.temp_c)
    assert water == sorted(water) and water[-1] > 0.0
    assert min(temps[len(temps) // 2:]) < 100.0                      # the pan cooled below boiling; so did the food
    assert sim.scalars()["energy_food"] == pytest.approx(food.energy_taken(), rel=1e-9)


def test_the_last_step_is_shortened_to_end_on_the_asked_time():
    frames = list(COMPARATOR.run(values(duration=3.0, dt=0.4, record_every=1.0, cells=20),
                                 RunContext.for_params(values(duration=3.0, dt=0.4, record_every=1.0, cells=20))))
    assert [f.scalars["t"] for f in frames] == pytest.approx([0.0, 1.0, 2.0, 3.0], abs=1e-12)
    coarse = values(duration=1.0, dt=60.0, record_every=1.0, cells=20)
    assert list(COMPARATOR.run(coarse, RunContext.for_params(coarse)))[-1].scalars["t"] == pytest.approx(1.0)


def test_a_coating_adds_its_resistance_to_the_food_load_and_a_wide_disk_says_what_it_misses():
    from engines.wok.simulation import build

    coated = Simulation(values(material="ptfe_aluminium", thickness=3.0))
    coated.add_food(Food(0.3, 4000.0, 20.0), 500.0, 40.0)
    r_c = coated.wall.coating_resistance
    assert r_c == pytest.approx(25e-6 / 0.25, rel=1e-6)
    assert coated.food_load.sum() == pytest.approx(coated.mesh.area / (1 / 500.0 + r_c), rel=1e-12)  # 476 W/m²K
    *_, power, note = build(values(source="disk", source_radius=30.0))
    share = power.sum() / (2000.0 * 0.4)                             # the defaults deliver 800 W
    assert 0.3 < share < 0.4 and f"the pan covers {share:.0%} of it" in note


def test_the_clock_takes_the_steps_until_the_cook_takes_one():
    """The routine page's default: the clock steps; a click takes the next step at once and from then
    on the steps wait for clicks (``manual`` turned on live, as the page's buttons do)."""
    from engines.wok.comparator import run_routine
    from engines.wok.params import ROUTINE_PARAMS

    p = ROUTINE_PARAMS.validate({**ROUTINE_PARAMS.defaults(), "cells": 40, "record_every": 1.0, "oil_seconds": 60.0})
    assert p["manual"] is False
    ctx = RunContext.for_params(p)
    frames, oil_t = [], None
    for frame in run_routine(p, ctx):
        frames.append(frame)
        s = frame.scalars
        if oil_t is None and s.get("phase") == 1.0:
            oil_t = s["t"]
        if oil_t is not None and s["t"] == oil_t + 5.0:                 # early: the clock would wait 60 s
            ctx.set_live("manual", True)
            ctx.set_live("clicks", ctx.live("clicks") + 1)
        if oil_t is not None and s["t"] == oil_t + 100.0:
            ctx.set_live("clicks", ctx.live("clicks") + 1)
    events = frames[-1].arrays["events"]
    steps = {int(phase): t for t, phase in events if phase >= 0}
    assert steps[2] == pytest.approx(oil_t + 6.0) and steps[3] == pytest.approx(oil_t + 101.0)
    assert frames[-1].scalars["t"] == pytest.approx(steps[3] + p["food_seconds"])
