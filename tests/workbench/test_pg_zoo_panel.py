"""The pg_zoo panel as a user drives it: the estimator lab streams its second moment beside the exact
one and draws the ε sweep; the bandit draws the parabola with its three baselines marked and the
measured variances beside the exact ones."""
import numpy as np
import pytest
from PySide6.QtWidgets import QPushButton

import engines.pg_zoo as pg_zoo
from workbench.topics.pg_zoo import PgZooPanel


@pytest.fixture
def panel(qtbot):
    p = PgZooPanel("pg_zoo", pg_zoo)
    qtbot.addWidget(p)
    p.resize(1400, 900)
    p.show()
    yield p
    assert p.shutdown()


def test_the_lab_draws_the_running_and_exact_second_moments_and_the_eps_sweep(qtbot, panel):
    lab = panel.main
    lab.set_values({"objective": "linear", "dim": 20, "estimates": 2000})
    lab.start()
    qtbot.waitUntil(lambda: not lab.is_running(), timeout=30000)
    lab.view.draw()
    series = lab.view.series()
    steps, measured = series["second_moment"]["measured (running mean)"]
    _, exact = series["second_moment"]["exact (§9)"]
    assert steps[-1] == 2000 and exact[-1] == pytest.approx(22.0)          # (d + 2)‖a‖²
    assert measured[-1] == pytest.approx(22.0, rel=0.1)
    eps, flat = series["moment_vs_eps"]["central difference, exact"]
    assert len(eps) == 13 and np.ptp(flat) == 0.0
    heights = lab.view.histogram_bars.opts["height"]
    assert sum(heights) == 2000


def test_the_bandit_marks_its_baselines_on_the_parabola(qtbot, panel):
    bandit = panel.show_page("bandit")
    bandit.set_values({"samples": 20000})
    bandit.start()
    qtbot.waitUntil(lambda: not bandit.is_running(), timeout=30000)
    bandit.view.draw()
    marks = {line.label.toPlainText(): line.value() for line in bandit.view.marks}
    assert marks["no baseline"] == 0.0 and marks["b*"] == pytest.approx(0.24473, abs=1e-5)
    assert marks["b = E_p[r]"] == pytest.approx(0.6652, abs=1e-4)
    b, variance = bandit.view.series()["variance_vs_b"]["tr Var(b)"]
    assert b[np.argmin(variance)] == pytest.approx(0.24473, abs=(b[1] - b[0]))


def test_the_classifier_page_draws_accuracy_against_steps_and_forward_passes(qtbot, panel):
    page = panel.show_page("classifier")
    page.form.row_widget("methods").checks[0].setChecked(False)          # no cross-entropy
    page.set_values({"steps": 20, "eval_every": 10, "population": 10, "batch_size": 32})
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=60000)
    page.view.draw()
    series = page.view.series()
    assert "cross-entropy" not in series["test_acc"] and "ZOO on accuracy" in series["test_acc"]
    passes, accuracy = series["test_by_passes"]["ZOO on accuracy"]
    assert passes[-1] == 20 * 2 * 10 * 32 and accuracy[-1] == pytest.approx(page.last_frame().scalars["test_acc_zoo"])
    assert set(series["changed"]) == {"ZOO on accuracy", "ZOO on the smooth surrogate", "hybrid CE / ZOO"}


def test_the_equivalence_page_fills_its_heat_map_and_convergence_line(qtbot, panel):
    page = panel.show_page("equivalence")
    page.set_values({"grid": 3, "population": 200, "max_population": 500})
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=60000)
    page.view.draw()
    assert page.view.heat.matrix().shape == (3, 3) and np.isfinite(page.view.heat.matrix()).all()
    pairs, cosine = page.view.series()["convergence"]["cos with the probit PG"]
    assert pairs[-1] == 500 and -1.0 <= cosine[-1] <= 1.0


def test_adding_a_constant_to_the_rewards_keeps_the_gradient_and_raises_the_unbaselined_variance(qtbot, panel):
    bandit = panel.show_page("bandit")
    bandit.set_values({"samples": 2000})
    bandit.start()
    qtbot.waitUntil(lambda: not bandit.is_running(), timeout=30000)
    before = dict(bandit.last_frame().scalars)
    plus_ten = [b for b in bandit.view.findChildren(QPushButton)
                if b.text() == "r + 10"][0]
    plus_ten.click()                                          # as a user would: one click, a new run
    qtbot.waitUntil(lambda: not bandit.is_running() and bandit.last_frame().scalars.get("b_mean", 0) > 10,
                    timeout=30000)
    after = bandit.last_frame().scalars
    assert bandit.form.values()["shift"] == 10.0
    assert after["exact_grad_0"] == pytest.approx(before["exact_grad_0"], abs=1e-12)
    assert after["variance_theory_none"] > 50 * before["variance_theory_none"]
    assert after["variance_theory_optimal"] == pytest.approx(before["variance_theory_optimal"], rel=1e-9)
    bandit.view.clear()
    assert bandit.view.marks == []                            # no stale markers after a reset


def test_the_black_box_page_draws_every_method_against_evaluations(qtbot, panel):
    page = panel.show_page("blackbox")
    page.set_values({"dim": 6, "evaluations": 3000})
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=30000)
    page.view.draw()
    curves = page.view.series()["by_evaluations"]
    assert len(curves) == 4 and all(x[-1] >= 3000 for x, _ in curves.values())


def test_the_black_box_page_lists_only_the_chosen_methods(qtbot, panel):
    page = panel.show_page("blackbox")
    page.set_values({"dim": 4, "evaluations": 400, "methods": "gd,es_rank"})
    page.start()
    qtbot.waitUntil(lambda: not page.is_running(), timeout=30000)
    page.view.draw()
    assert set(page.view.series()["by_evaluations"]) == {"gradient descent (d + 1 evaluations a step)",
                                                         "ES, centred ranks"}
