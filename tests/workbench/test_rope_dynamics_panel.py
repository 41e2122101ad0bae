"""The rope's live dynamics as a user drives it: choosing the scenario starts the simulation, live
values reach it, other changes restart it, the transport pauses and stops it, exports describe it,
and going back to a steady scenario solves instantly again."""
import csv

import numpy as np
import pytest

import engines.rope as rope
from workbench.topics.rope import RopePanel


@pytest.fixture
def panel(qtbot):
    p = RopePanel("rope", rope)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    qtbot.waitUntil(lambda: p.latest is not None, timeout=20000)
    yield p
    assert p.shutdown()


def simulated(panel) -> float:
    return panel.dynamics.scalars.get("t", -1.0)


def start_dynamics(qtbot, panel, **values):
    panel.set_params({**panel.schema.defaults(), "scenario": "dynamics", "beads": 20, **values})
    qtbot.waitUntil(lambda: simulated(panel) > 0.3, timeout=10000)


def test_choosing_dynamics_starts_a_live_run_with_its_own_views(qtbot, panel):
    assert panel.pages.currentIndex() == 0 and not panel.progress.isVisible()
    start_dynamics(qtbot, panel)
    assert panel.pages.currentIndex() == 1 and panel.progress.isVisible()
    assert panel.controller.state == "running"
    assert panel.form.is_row_visible("damping") and not panel.form.is_row_visible("mode")
    assert panel.form.is_row_visible("top_radius") and not panel.form.is_row_visible("hand_radius")
    qtbot.wait(100)
    t, radius = panel.dynamics.curves["radius"].series_data()["radius"]
    assert len(t) > 10 and np.all(np.diff(t) > 0)
    assert "λ1(20) = 1.41080" in panel.status.text()
    assert set(panel.plots()) == {"rope_plane", "across_plane", "pitchfork", "radius", "out_of_plane",
                                  "end_tension", "energy"}


def test_omega_is_live_and_a_restart_parameter_restarts(qtbot, panel):
    start_dynamics(qtbot, panel, omega=3.0)
    generation = panel.controller.generation
    panel.form.set_values({"omega": 5.0}, emit=True)
    qtbot.waitUntil(lambda: abs(panel.dynamics.scalars["omega"] - 5.0) < 0.01, timeout=10000)
    assert panel.controller.generation == generation  # the same run took the new value
    panel.form.set_values({"beads": 12}, emit=True)
    qtbot.waitUntil(lambda: panel.record.generation > generation and simulated(panel) > 0.1, timeout=10000)
    assert len(panel.dynamics.shape) == 13  # the top and 12 beads
    assert simulated(panel) < 5.0  # the new run started from t = 0


def test_pause_and_stop(qtbot, panel):
    start_dynamics(qtbot, panel)
    panel.controller.pause()
    qtbot.wait(300)
    paused_at = simulated(panel)
    qtbot.wait(400)
    assert simulated(panel) == paused_at
    panel.play()
    qtbot.waitUntil(lambda: simulated(panel) > paused_at + 0.2, timeout=5000)
    panel.stop()
    qtbot.waitUntil(lambda: not panel.controller.is_busy(), timeout=1000)
    assert panel.controller.state == "idle"


def test_skipping_rope_views_and_export(qtbot, panel, tmp_path):
    start_dynamics(qtbot, panel, ends="skipping", gravity=0.0, hand_radius=0.1, drag=0.2, omega=12.0)
    assert panel.form.is_row_visible("hand_radius") and panel.form.is_row_visible("span")
    assert "spin" in panel.plots() and "pitchfork" not in panel.plots()
    panel.export_csv(tmp_path / "series.csv")
    lines = (tmp_path / "series.csv").read_text().splitlines()
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert {"rope_plane", "across_plane", "spin", "out_of_plane"} <= {r["plot"] for r in rows}
    panel.export_png(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 10_000


def test_back_to_a_steady_scenario_solves_instantly_again(qtbot, panel):
    start_dynamics(qtbot, panel)
    panel.form.set_values({"scenario": "troposkein"}, emit=True)
    qtbot.waitUntil(lambda: panel.latest is not None and "k" in panel.latest.scalars, timeout=10000)
    assert panel.pages.currentIndex() == 0 and not panel.progress.isVisible()
    assert not panel.controller.is_busy() or panel.controller.state != "running"
