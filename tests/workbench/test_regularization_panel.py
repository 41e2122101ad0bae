"""The regularisation panel as a user drives it: the race trains the ticked methods and fills its
curves and standings; the explorer re-solves as the shift moves and says the function stayed; the
literal bias rule says it changed; the decay page draws one log plot per coordinate with the three
optimisers."""
import numpy as np
import pytest

import engines.regularization as regularization
from workbench.topics.regularization import RegularizationPanel


@pytest.fixture
def panel(qtbot):
    p = RegularizationPanel("regularization", regularization)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    assert p.shutdown()


def test_the_race_trains_the_ticked_methods_and_fills_its_curves_and_standings(qtbot, panel):
    race = panel.main
    assert race.experiment_id == "race"
    boxes = race.form.row_widget("methods").checks
    boxes[0].setChecked(False)                       # untick "no penalty" as a user would
    assert race.form.values()["methods"] == "l2_sgd,l2_adam,adamw,weissi_log,weissi_full,l2_rebalance"
    race.set_values({"steps": 40, "eval_every": 20, "train_size": 40, "width": 8, "fgsm_eps": 0.2})
    race.start()
    qtbot.waitUntil(lambda: not race.is_running(), timeout=60000)
    race.view.draw()
    table = race.view.standings_text()
    assert "no penalty" not in table and set(table) == {"L2 + SGD", "L2 + Adam", "AdamW", "WEISSI-log (λ₁)",
                                                         "WEISSI full (λ₁, λ₂)", "L2 + re-balancing"}
    final = race.last_frame().scalars
    assert table["AdamW"]["test acc"] == f"{final['test_acc_adamw']:.3f}"
    steps, accuracy = race.view.series()["test_acc"]["L2 + Adam"]
    assert list(steps) == [0, 20, 40] and accuracy[-1] == pytest.approx(final["test_acc_l2_adam"])
    assert "no penalty" not in race.view.series()["l2"]
    assert "ε = 0.2" in race.view.curves["fgsm_acc"].title
    boxes[1].setChecked(False)
    for box in boxes[2:]:
        box.setChecked(False)                        # the last one cannot go: nothing would race
    assert "nothing chosen" in race.form.row_widget("methods").error()
    assert race.form.values()["methods"] == "l2_rebalance"


def test_moving_the_shift_changes_l2_not_the_function(qtbot, panel):
    explorer = panel.show_page("explorer")
    qtbot.waitUntil(lambda: explorer.last_frame() is not None, timeout=30000)
    before = explorer.last_frame().scalars["l2"]
    explorer.set_values({"log10_a": 1.0})
    qtbot.waitUntil(lambda: explorer.last_frame().scalars["l2"] != before, timeout=10000)
    explorer.draw()
    s = explorer.last_frame().scalars
    assert s["max_output_change"] < 1e-9 and "same function" in explorer.readout.text()
    assert s["l2"] > before
    (x, y), = [explorer.shift_plot.series_data()[name] for name in explorer.shift_plot.series_names()[:1]]
    assert y[np.argmin(np.abs(x))] == pytest.approx(1.0)          # L2 relative to a = 1
    assert explorer.a_line.value() == pytest.approx(1.0)
    explorer.set_values({"bias": "literal"})
    qtbot.waitUntil(lambda: explorer.last_frame().scalars["max_output_change"] > 1e-3, timeout=10000)
    explorer.draw()
    assert "the function changed" in explorer.readout.text()


def test_the_decay_page_plots_each_coordinate_with_the_three_optimisers(qtbot, panel):
    page = panel.show_page("decay")
    page.set_values({"theta0": "10, 0.1, -1", "steps": 200, "record_every": 10})
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=20000)
    page.view.draw()
    assert len(page.view.coordinate_plots) == 3
    series = page.view.series()["theta_0"]
    assert set(series) == {"SGD + L2 (decay 2λ)", "Adam + L2", "AdamW (decay λ)"}
    steps, adam = series["Adam + L2"]
    assert steps[-1] == 200 and 10 - adam[-1] == pytest.approx(0.2, abs=0.01)   # ≈ lr per step, λ aside


def test_a_stopped_method_says_so_in_the_standings_and_is_never_the_best(qtbot):
    from engines.core.frame import Frame
    from workbench.topics.regularization.race_view import RaceView

    view = RaceView()
    qtbot.addWidget(view)
    view.begin({"methods": "l2_sgd,weissi_log", "depth": 3, "fgsm_eps": 0.1})
    assert view.layer_method.currentData() == "l2_sgd"              # a racing method, not "no penalty"
    both = {f"{key}_{m}": value for m, value in (("l2_sgd", 0.9), ("weissi_log", 0.8))
            for key in ("test_acc", "fgsm_acc", "train_acc", "train_loss", "test_loss", "l2")}
    view.take([Frame(step=0, scalars=both)], {})
    view.take([Frame(step=10, scalars={k: v for k, v in both.items() if k.endswith("weissi_log")})], {})
    view.draw()
    table = view.standings_text()
    assert table["L2 + SGD"]["train acc"] == "stopped: diverged" and table["L2 + SGD"]["test acc"] == "—"
    assert table["WEISSI-log (λ₁)"]["test acc"] == "0.800"
