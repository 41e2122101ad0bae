"""The food load (wok.md §3.1's q_food): a pan and its food exchange h·A(T − T_f) and meet at the
lumped closed form; the books still balance; the food warms, boils, and dries; and under the same food
a heavy pan holds its heat where a thin one falls."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext
from engines.wok import EXPERIMENTS
from engines.wok.simulation import LATENT_HEAT, Food, Simulation

COMPARATOR = EXPERIMENTS[0]


def values(**changes):
    return COMPARATOR.params.validate({**COMPARATOR.params.defaults(), **changes})


def test_a_pan_and_its_food_meet_at_the_lumped_closed_form():
    """No source, no losses, food over the whole pan: the pan stays uniform, so C_p dT/dt = −hA(T − T_f),
    C_f dT_f/dt = hA(T − T_f), and T − T_eq decays as e^{−t/τ}, 1/τ = hA(1/C_p + 1/C_f).  Tolerance
    0.15 K: the food's temperature follows the pan one step behind (dt = 0.05 s, τ ≈ 17 s)."""
    p = values(material="custom", conductivity=400.0, density=8900.0, specific_heat=385.0, thickness=5.0,
               shape="flat", diameter=30.0, power=0.0, h_conv=0.0, emissivity=0.0, initial_temp=150.0,
               ambient=20.0, cells=40, dt=0.05)
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
        assert np.ptp(sim.celsius) < 1e-9 and sim.celsius[0] == pytest.approx(exact, abs=0.15)
        s = sim.scalars()
        assert s["food_temp"] == pytest.approx(20.0 + s["energy_food"] / c_food, rel=1e-12)
        assert s["energy_food"] == pytest.approx(-float(sim.shell.capacity @ (sim.T - sim.T0)), rel=1e-9)
    assert s["water_boiled"] == 0.0 and t_eq < 100.0


def test_the_food_warms_then_boils_then_dries():
    food = Food(0.1, 4000.0, 20.0, water=0.05)
    sensible = 0.1 * 4000.0 * 80.0
    assert food.temperature(sensible / 2) == pytest.approx(60.0)
    assert food.temperature(sensible + 0.02 * LATENT_HEAT) == 100.0
    assert food.water_boiled(sensible + 0.02 * LATENT_HEAT) == pytest.approx(0.02)
    dry = sensible + 0.05 * LATENT_HEAT
    assert food.water_boiled(dry + 1e6) == 0.05 and food.temperature(dry + 4000.0) == pytest.approx(110.0)


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
