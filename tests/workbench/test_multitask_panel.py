"""The multitask panel as a user drives it: the arena trains the ticked schemes in the same order
the engine streams them, the invariance table shows every cell confirmed, the per-task plots follow
the task chosen, and unticked schemes draw nothing."""
import numpy as np
import pytest

import engines.multitask as multitask
from workbench.topics.multitask import MultitaskPanel


@pytest.fixture
def panel(qtbot):
    p = MultitaskPanel("multitask", multitask)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    assert p.shutdown()


def test_the_arena_confirms_the_invariance_table_and_follows_the_chosen_task(qtbot, panel):
    arena = panel.main
    assert arena.experiment_id == "arena"
    arena.set_values({"schemes": "equal,realtime,grad_normalized,mgda", "dataset": "moons", "scaled_task": 2,
                      "task_scale": 30.0, "task_shift": 2.0, "train_size": 200, "width": 8, "batch_size": 32,
                      "steps": 40, "eval_every": 10, "lr": 0.01})
    arena.start()
    qtbot.waitUntil(lambda: not arena.is_running(), timeout=60000)
    view = arena.view
    view.draw()
    table = view.verdict_text()
    assert set(table) == {"equal (1)", "real-time (5)", "gradient-normalised (13)", "MGDA"}
    for label, (scale_table, scale_run, shift_table, shift_run) in table.items():
        assert "confirmed" in scale_run and "confirmed" in shift_run, (label, scale_run, shift_run)
    assert table["real-time (5)"][:1] == ["yes"] and table["real-time (5)"][2] == "no"
    assert table["gradient-normalised (13)"][1].startswith("invariant ✓")
    assert table["equal (1)"][1].startswith("not invariant ✓")
    final = arena.last_frame().scalars
    view.task_choice.setCurrentIndex(1)                       # task 2: the signed distance
    steps, loss = view.series()["loss"]["real-time (5)"]
    assert list(steps) == [0, 10, 20, 30, 40] and loss[-1] == pytest.approx(final["loss_2_realtime"])
    view.task_choice.setCurrentIndex(0)
    assert view.series()["loss"]["real-time (5)"][1][-1] == pytest.approx(final["loss_1_realtime"])
    assert "GradNorm" not in view.series()["scaled"]
    steps, control = view.series()["scaled"]["real-time (5), control"]
    assert len(steps) == 5 and control[-1] == pytest.approx(final["control_distance_realtime"])


def test_the_power_mean_dial_redraws_as_gamma_moves_and_reports_the_units_factor(qtbot, panel):
    dial = panel.power_mean
    qtbot.waitUntil(lambda: dial.last_frame() is not None, timeout=10000)
    dial.set_values({"losses": "0.5, 2, 8", "gamma": 2.0, "scaled_task": 1, "task_scale": 10.0})
    qtbot.waitUntil(lambda: dial.last_frame() is not None and dial.last_frame().scalars["lambda_power_gamma"] == 100.0,
                    timeout=10000)
    dial.draw()
    assert dial.last_frame().scalars["power_mean"] == pytest.approx(4.7697, abs=1e-4)
    x, y = dial.curve_plot.series_data()["L(γ)"]
    assert x[0] == -5.0 and x[-1] == 5.0
    def mean(g):
        return (sum(v ** g for v in (0.5, 2.0, 8.0)) / 3) ** (1 / g)
    assert y[0] == pytest.approx(mean(-5.0), rel=1e-12) and y[-1] == pytest.approx(mean(5.0), rel=1e-12)
    assert dial.gamma_line.value() == 2.0
    assert "× <b>100" in dial.readout.text() and "not invariant" in dial.readout.text()
    heights = dial.weight_bars[0].opts["height"]
    assert heights == pytest.approx([0.048, 0.190, 0.762], abs=1e-3)
    dial.set_values({"gamma": 0.0})
    qtbot.waitUntil(lambda: dial.last_frame().scalars["lambda_power_gamma"] == 1.0, timeout=10000)
    dial.draw()
    assert "— invariant at γ = 0" in dial.readout.text()
    dial.set_values({"scaled_task": 5})
    qtbot.waitUntil(lambda: "scaled_task" in dial.readout.text(), timeout=10000)
    assert "[1, 3]" in dial.readout.text()


def test_dragging_a_bowl_moves_its_centre_and_recomputes_the_paths(qtbot, panel):
    page = panel.pareto
    qtbot.waitUntil(lambda: page.last_frame() is not None, timeout=10000)
    page.set_values({"tasks": 3})
    qtbot.waitUntil(lambda: page.shown_params()["tasks"] == 3, timeout=10000)
    page.draw()
    assert [h.isVisible() for h in page.centres] == [True, True, True, False]
    assert set(page.gradient_plot.series_names()) >= {"g1", "g2", "g3"} and "g4" not in page.gradient_plot.series_names()
    before = page.last_frame().arrays["path_mgda"][-1].copy()
    page.centres[1].setPos(2.0, -2.0)                      # what a drag does to the handle
    qtbot.waitUntil(lambda: page.shown_params()["centres"].startswith("-1, 0; 2, -2; 0, -1.2"), timeout=10000)
    assert page.values()["centres"].endswith("; 1.2, -1")   # the hidden fourth bowl keeps its centre
    page.draw()
    after = page.last_frame().arrays["path_mgda"][-1]
    assert np.linalg.norm(after - before) > 0.1
    x, y = page.plane.series_data()["MGDA min-norm"]
    assert (x[-1], y[-1]) == pytest.approx(tuple(after))
    assert page.centres[1].pos().x() == pytest.approx(2.0)
    page.start_handle.setPos(9.0, 0.0)                      # dragged off the plane: clipped to ±3
    qtbot.waitUntil(lambda: page.shown_params()["start"] == "3, 0", timeout=10000)
    assert "≥ 0" in page.readout.text() and "distance to the Pareto set" in page.readout.text()


def test_the_auxiliary_page_switches_problem_and_draws_each_rules_curves(qtbot, panel):
    host, view = panel.show_page("auxiliary"), panel.auxiliary
    host.set_values({"problem": "noisy_labels", "noise_rate": 0.5, "clean_size": 40, "steps": 40, "eval_every": 10,
                     "width": 16})
    host.start()
    qtbot.waitUntil(lambda: not host.is_running(), timeout=60000)
    view.draw()
    assert view.stack.currentWidget() is view.pages["noisy_labels"]
    final = host.last_frame().scalars
    steps, acc = view.series()["test_acc"]["projection (clean as auxiliary)"]
    assert list(steps) == [0, 10, 20, 30, 40] and acc[-1] == pytest.approx(final["test_acc_projection"])
    masked = view.series()["rules"]["masking: of the masked, mislabelled"]
    assert list(masked[0]) == [10, 20, 30, 40]              # nothing counted at step 0: no point drawn
    host.set_values({"problem": "l2_free", "steps": 20, "eval_every": 10, "train_size": 50})
    host.start()
    qtbot.waitUntil(lambda: not host.is_running(), timeout=60000)
    view.draw()
    assert view.stack.currentWidget() is view.pages["l2_free"]
    assert set(view.series()) == {"test_acc", "test_loss", "weight_norm", "train_loss", "lambda"}
    assert view.grid_table.rowCount() == 13 and view.grid_table.item(1, 0).text() == "L2"
    assert "L2 without λ (update)" in view.key.text()
