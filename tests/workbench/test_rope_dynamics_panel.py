"""The rope's live chain as a user drives it: its page's Play starts the simulation, live values
reach it, other changes restart it, the transport pauses and stops it, exports describe it, and the
steady page still solves instantly beside it."""
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
    qtbot.waitUntil(lambda: p.steady.latest is not None, timeout=20000)
    yield p
    assert p.shutdown()


def simulated(panel) -> float:
    return panel.chain.dynamics.scalars.get("t", -1.0)


def start_dynamics(qtbot, panel, **values):
    chain = panel.show_page("dynamics")
    chain.set_values({**chain.schema.defaults(), "beads": 20, **values})
    chain.play()
    qtbot.waitUntil(lambda: simulated(panel) > 0.3, timeout=10000)
    return chain


def test_the_chain_page_runs_live_with_its_own_views(qtbot, panel):
    chain = panel.page("dynamics")
    assert panel.main.progress is None and chain.progress.isVisibleTo(chain) and chain.transport is not None
    assert not chain.controller.is_busy()  # the page waits for Play
    start_dynamics(qtbot, panel)
    assert chain.controller.state == "running"
    assert chain.form.is_row_visible("damping") and "mode" not in chain.form.names()
    assert chain.form.is_row_visible("top_radius") and not chain.form.is_row_visible("hand_radius")
    qtbot.wait(100)
    t, radius = panel.chain.dynamics.curves["radius"].series_data()["radius"]
    assert len(t) > 10 and np.all(np.diff(t) > 0)
    assert "λ1(20) = 1.41080" in chain.status.text()
    assert set(chain.view.plots()) == {"rope_plane", "across_plane", "pitchfork", "radius", "out_of_plane",
                                       "end_tension", "energy"}


def test_omega_is_live_and_a_restart_parameter_restarts(qtbot, panel):
    chain = start_dynamics(qtbot, panel, omega=3.0)
    generation = chain.controller.generation
    chain.form.set_values({"omega": 5.0}, emit=True)
    qtbot.waitUntil(lambda: abs(panel.chain.dynamics.scalars["omega"] - 5.0) < 0.01, timeout=10000)
    assert chain.controller.generation == generation  # the same run took the new value
    chain.form.set_values({"beads": 12}, emit=True)
    qtbot.waitUntil(lambda: chain.record.generation > generation and simulated(panel) > 0.1, timeout=10000)
    assert len(panel.chain.dynamics.shape) == 13  # the top and 12 beads
    assert simulated(panel) < 5.0  # the new run started from t = 0


def test_pause_and_stop(qtbot, panel):
    chain = start_dynamics(qtbot, panel)
    chain.controller.pause()
    assert chain.transport.state() == "paused"
    qtbot.wait(300)
    paused_at = simulated(panel)
    qtbot.wait(400)
    assert simulated(panel) == paused_at
    chain.play()
    qtbot.waitUntil(lambda: simulated(panel) > paused_at + 0.2, timeout=5000)
    chain.stop()
    qtbot.waitUntil(lambda: not chain.controller.is_busy(), timeout=1000)
    assert chain.controller.state == "idle"


def test_speed_is_the_run_contexts_not_a_parameter(qtbot, panel):
    chain = start_dynamics(qtbot, panel)
    chain.transport.set_speed(4.0, emit=True)
    assert chain.controller._current.ctx.speed == 4.0  # noqa: SLF001
    assert "_speed" not in chain.controller._current.ctx.live_values()  # noqa: SLF001
    chain.stop()


def test_skipping_rope_views_and_export(qtbot, panel, tmp_path):
    chain = start_dynamics(qtbot, panel, ends="skipping", gravity=0.0, hand_radius=0.1, drag=0.2, omega=12.0)
    assert chain.form.is_row_visible("hand_radius") and chain.form.is_row_visible("span")
    assert "spin" in chain.view.plots() and "pitchfork" not in chain.view.plots()
    chain.export_csv(tmp_path / "series.csv")
    lines = (tmp_path / "series.csv").read_text().splitlines()
    assert lines[1] == "# experiment: rope:dynamics" and '"ends": "skipping"' in lines[2]
    rows = list(csv.DictReader(line for line in lines if not line.startswith("#")))
    assert {"rope_plane", "across_plane", "spin", "out_of_plane"} <= {r["plot"] for r in rows}
    panel.export_png(tmp_path / "p.png")
    assert (tmp_path / "p.png").stat().st_size > 10_000


def test_the_steady_page_solves_instantly_beside_a_running_chain(qtbot, panel):
    chain = start_dynamics(qtbot, panel)
    panel.show_page("steady")
    panel.form.set_values({"scenario": "troposkein"}, emit=True)
    qtbot.waitUntil(lambda: "k" in panel.steady.latest.scalars, timeout=10000)
    assert chain.controller.state == "running"  # pages run independently
    chain.stop()


def test_the_free_end_leaves_a_trail_for_the_3d_view_that_a_new_run_clears(qtbot, panel):
    chain = start_dynamics(qtbot, panel)
    qtbot.waitUntil(lambda: len(panel.chain.page3d.trail()) > 5, timeout=10000)
    trail = panel.chain.page3d.trail()
    shape = panel.chain.latest.arrays["shape"]
    assert np.linalg.norm(trail[-1] - shape[-1, 1:4]) < 0.2   # the newest point is (near) the free end
    assert np.allclose(np.linalg.norm(trail, axis=1), 1.0, atol=0.05)  # a 1 m rope from the origin
    chain.stop()
    qtbot.waitUntil(lambda: not chain.controller.is_busy(), timeout=10000)
    panel.chain.begin(chain.values())
    assert len(panel.chain.page3d.trail()) == 0
