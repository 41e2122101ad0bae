"""The command line for the wok: ``run wok`` writes the issue's curves (°C, J), the profile along the
meridian and the history; energy balances in the written numbers; bad geometry exits 2 naming the
parameter and the allowed range."""
from __future__ import annotations

import pytest

from tests.cli.test_cli import cli, read_csv


def test_run_wok_writes_curves_profile_history_and_thresholds(tmp_path):
    result = cli("run", "wok", "--set", "material=cast_iron", "--set", "thickness=4", "--set", "duration=60",
                 "--set", "record_every=5", "--set", "cells=60", "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    rows = read_csv(tmp_path / "curves.csv")
    assert [float(r["t"]) for r in rows] == pytest.approx([5.0 * k for k in range(13)])
    last = {k: float(v) for k, v in rows[-1].items()}
    for name in ("center_temp", "rim_temp", "mean_temp", "max_temp", "energy_in", "energy_stored", "energy_lost"):
        assert name in last
    assert last["energy_in"] == pytest.approx(2000 * 0.4 * 60, rel=1e-9)
    assert last["energy_in"] - last["energy_lost"] == pytest.approx(last["energy_stored"], rel=1e-6)
    profile = read_csv(tmp_path / "profile.csv")
    assert len(profile) == 60 and list(profile[0]) == ["r", "s", "T"]
    assert float(profile[-1]["s"]) > float(profile[-1]["r"])      # a wok's meridian is longer than its radius
    assert [float(r["temperature"]) for r in read_csv(tmp_path / "thresholds.csv")] == [204.0, 260.0, 316.0, 327.0]


@pytest.mark.parametrize("setting, name, allowed", [
    (("--set", "diameter=30", "--set", "depth=20"), "depth", "[0.5, 15]"),
    (("--set", "efficiency=0",), "efficiency", "0.01"),
    (("--set", "material=granite",), "material", "carbon_steel"),
])
def test_bad_settings_exit_2_naming_the_parameter(tmp_path, setting, name, allowed):
    result = cli("run", "wok", *setting, "--out", tmp_path)
    assert result.returncode == 2, result.stderr
    assert name in result.stderr and allowed in result.stderr


def test_run_wok_runs_the_restaurant_routine(tmp_path):
    result = cli("run", "wok", "--set", "routine=restaurant", "--set", "cells=60", "--set", "food=meat",
                 "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    last = {k: float(v) for k, v in read_csv(tmp_path / "curves.csv")[-1].items() if v != ""}
    assert last["phase"] == 3.0 and last["energy_poured"] > 0 and last["verdict"] in (0.0, 1.0, 2.0)
    assert [float(r["phase"]) for r in read_csv(tmp_path / "events.csv") if float(r["phase"]) >= 0] == [1.0, 2.0, 3.0]
