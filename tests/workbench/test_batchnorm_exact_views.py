"""The three exact-maths tabs of the batchnorm topic (batchnorm.md §4 Q1, Q2, Q7): form → worker →
plots and read-out.  Qt warnings fail these tests (pyproject's qt_log_level_fail)."""
import numpy as np
import pytest
from PySide6 import QtCore

from engines.batchnorm.descent import run_descent
from engines.batchnorm.neuron import run_neuron
from engines.batchnorm.projection import run_projection
from workbench.topics.batchnorm.descent_view import DescentView
from workbench.topics.batchnorm.neuron_view import NeuronView
from workbench.topics.batchnorm.projection_view import ProjectionView

TIMEOUT_MS = 15_000


def make_view(qtbot, cls, engine):
    calls = []

    def spy(params, ctx):
        calls.append(dict(params))
        return engine(params, ctx)

    view = cls(run_factory=spy)
    view.calls = calls
    qtbot.addWidget(view)
    view.resize(1300, 850)
    qtbot.waitUntil(lambda: view.last_frame() is not None, timeout=TIMEOUT_MS)
    return view


@pytest.fixture
def descent(qtbot):
    view = make_view(qtbot, DescentView, run_descent)
    yield view
    assert view.shutdown()


@pytest.fixture
def neuron(qtbot):
    view = make_view(qtbot, NeuronView, run_neuron)
    yield view
    assert view.shutdown()


@pytest.fixture
def projection(qtbot):
    view = make_view(qtbot, ProjectionView, run_projection)
    yield view
    assert view.shutdown()


def wait_for(qtbot, view, predicate):
    qtbot.waitUntil(lambda: view.last_frame() is not None and predicate(view.last_frame()),
                    timeout=TIMEOUT_MS)
    return view.last_frame()


def type_into(qtbot, spin, text):
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), QtCore.Qt.Key.Key_Return)


def choose(view, name, text):
    combo = view.form.row_widget(name).combo
    combo.setCurrentIndex(combo.findText(text))


def assert_finite_series(view):
    series = view.series()
    assert set(series) == set(view.plots())
    count = 0
    for plot, curves in series.items():
        for name, (x, y) in curves.items():
            assert len(x) == len(y), (plot, name)
            assert np.isfinite(x).all() and np.isfinite(y).all(), (plot, name)
            count += len(x)
    assert count > 0


def assert_invalid_value_is_shown_inline(qtbot, view, name, text):
    generation, runs, before = view.controller.generation, len(view.calls), view.form.value(name)
    type_into(qtbot, view.form.row_widget(name).spin, text)
    qtbot.wait(200)
    assert name in view.form.error(name)
    assert len(view.calls) == runs and view.controller.generation == generation
    assert view.form.value(name) == before


def assert_labelled_axes(view):
    for plot in view.plots().values():
        for side in ("bottom", "left"):
            assert plot.getAxis(side).labelText.strip()
        assert plot.titleLabel.text.strip()


# --- Q1 descent lemma --------------------------------------------------------------------------------
def test_descent_computes_on_creation_and_reads_out_L(qtbot, descent):
    qtbot.wait(200)
    assert len(descent.calls) == 1 and descent.calls[0] == descent.form.values()
    text = descent.readout.text()
    assert "L = 1, 1/L = 1, 2/L = 2" in text and "η = 1.50/L" in text and "converges" in text
    assert "violations: 0 of" in text
    assert descent.one_over_L_line.value() == 1.0 and descent.two_over_L_line.value() == 2.0
    assert descent.eta_line.value() == pytest.approx(1.5)
    true_x, true_y = descent.series()["line"]["true f(θₖ − ηg)"]
    _, bound_y = descent.series()["line"]["bound f − η‖g‖² + (L/2)η²‖g‖²"]
    assert np.all(true_y <= bound_y + 1e-12) and true_x[-1] == pytest.approx(2.5)
    assert help_mentions(descent, "2/L")


def help_mentions(view, text):
    return text in view.help_label.text() and not view.help_label.isHidden()


def test_descent_eta_above_2_over_L_diverges(qtbot, descent):
    descent.form.row_widget("eta_over_L").spin.setValue(2.1)
    frame = wait_for(qtbot, descent, lambda f: f.scalars["eta_over_L"] == pytest.approx(2.1))
    assert frame.scalars["diverged"] == 1.0
    assert "diverges" in descent.readout.text() and "η = 2.10/L" in descent.readout.text()
    assert descent.eta_line.value() == pytest.approx(2.1)
    _, gap = descent.series()["loss"]["f − f*"]
    assert gap[-1] > 1e3 * gap[0]                       # |1 − ηλ1|^(2·60) = 1.1^120 ≈ 9e4


def test_descent_logistic_model_has_L_a_quarter_of_the_largest_second_moment(qtbot, descent):
    choose(descent, "model", "logistic")
    frame = wait_for(qtbot, descent, lambda f: f.scalars["f_star"] > 0)
    assert frame.scalars["L"] == pytest.approx(0.25, rel=1e-12)       # λ1 = 1 is the larger
    assert "logistic regression" in descent.readout.text() and "2/L = 8" in descent.readout.text()
    _, y = descent.series()["contour"]["minimum θ*"]
    assert y[0] == pytest.approx(frame.scalars["theta_star_2"])


def test_descent_invalid_values_show_inline(qtbot, descent):
    assert_invalid_value_is_shown_inline(qtbot, descent, "eta_over_L", "3")


def test_descent_start_at_the_minimum_shows_the_engine_error_until_moved(qtbot, descent):
    descent.form.set_values({"start_x": 0.0, "start_y": 0.0}, emit=True)
    qtbot.waitUntil(lambda: descent.form.error("start_x") != "", timeout=TIMEOUT_MS)
    assert "minimum" in descent.form.error("start_x") and "not computed" in descent.readout.text()
    descent.form.row_widget("start_y").spin.setValue(1.0)
    wait_for(qtbot, descent, lambda f: f.arrays["path"][0, 2] == 1.0)
    assert descent.form.error("start_x") == ""


def test_descent_series_are_finite_and_axes_labelled(descent):
    assert_finite_series(descent)
    assert_labelled_axes(descent)
    assert {"GD path", "iterates", "start θ₀", "minimum θ*"} <= set(descent.series()["contour"])


# --- Q2 single neuron -------------------------------------------------------------------------------------
def test_neuron_computes_on_creation_and_reads_out_the_notes_numbers(qtbot, neuron):
    qtbot.wait(200)
    assert len(neuron.calls) == 1
    text = neuron.readout.text()
    for number in ("15.014", "11.444 → 7.3407", "0.17477 → 0.27245", "2/L = 2 ", "diverged</b> at step"):
        assert number in text, number
    after = neuron.series()["after"]["E[x_i^2] after"][1]
    assert after.sum() == pytest.approx(61.0, rel=1e-9) and np.count_nonzero(after == 0) == 3
    before = neuron.series()["before"]["E[x_i^2] before"][1]
    assert before.sum() == pytest.approx(15.0142, abs=5e-4)


def test_neuron_toggles_and_loss_change_the_numbers(qtbot, neuron):
    neuron.form.row_widget("scale").check.setChecked(False)
    frame = wait_for(qtbot, neuron, lambda f: f.scalars["features_after"] == 64)
    assert frame.scalars["second_moment_after"] == pytest.approx(4.6933, abs=5e-4)
    assert "15.014 → 4.6933" in neuron.readout.text() and neuron.after_plot.plot_item.titleLabel.text.endswith("after centring")
    choose(neuron, "loss", "logistic")
    wait_for(qtbot, neuron, lambda f: f.scalars["L_before"] == pytest.approx(2.8609, abs=5e-4))
    assert "L = λ_max/4 = 2.8609 → 0.25" in neuron.readout.text()
    hessian = neuron.series()["hessian"]
    assert hessian["raw"][1][0] == pytest.approx(2.8609, abs=5e-4) and hessian["raw"][1][-1] < 2.8609


def test_neuron_invalid_value_shows_inline(qtbot, neuron):
    assert_invalid_value_is_shown_inline(qtbot, neuron, "gain", "0.01")


def test_neuron_series_are_finite_on_a_log_axis_and_axes_labelled(neuron):
    assert_finite_series(neuron)
    assert_labelled_axes(neuron)
    raw_steps, raw = neuron.series()["loss"]["raw"]
    assert raw_steps[-1] < 300 and np.all(raw > 0)      # the raw run stops where it diverged


# --- Q7 projection ----------------------------------------------------------------------------------------
def test_projection_computes_on_creation_and_shows_both_sides(qtbot, projection):
    qtbot.wait(200)
    assert len(projection.calls) == 1
    text = projection.readout.text()
    assert "3.3316760409" in text and "-8.7978" in text
    bars = projection.series()["identity"]["squared norms"][1]
    assert bars[0] == pytest.approx(bars[1], rel=1e-12) and bars[2] > bars[0] and bars[3] < 0


def test_projection_scale_and_batch_size_change_the_result(qtbot, projection):
    projection.form.row_widget("scale_c").spin.setValue(4.0)
    frame = wait_for(qtbot, projection, lambda f: f.scalars["scale_c"] == 4.0)
    assert frame.scalars["scale_ratio"] == pytest.approx(0.25, rel=1e-12)
    assert "ratio = 0.25" in projection.readout.text()
    projection.form.row_widget("m").spin.setValue(16)
    wait_for(qtbot, projection, lambda f: len(f.arrays["samples"]) == 16)
    assert "m = 16" in projection.readout.text()
    formula = projection.series()["gradient"]["(γ/σ)Pg (formula)"][1]
    autograd = projection.series()["gradient"]["∇_y L̂ (autograd)"][1]
    np.testing.assert_allclose(formula, autograd, atol=1e-12 * np.abs(autograd).max())
    assert abs(formula.sum()) < 1e-12 * np.abs(formula).max() * 16


def test_projection_invalid_value_shows_inline(qtbot, projection):
    assert_invalid_value_is_shown_inline(qtbot, projection, "m", "1")


def test_projection_series_are_finite_and_axes_labelled(projection):
    assert_finite_series(projection)
    assert_labelled_axes(projection)


@pytest.mark.parametrize("cls, engine", [(DescentView, run_descent), (NeuronView, run_neuron),
                                         (ProjectionView, run_projection)])
def test_views_follow_the_theme_and_render(qtbot, tmp_path, cls, engine):
    view = make_view(qtbot, cls, engine)
    view.apply_theme("dark")
    view.apply_theme("light")
    path = tmp_path / "view.png"
    assert view.grab().save(str(path)) and path.stat().st_size > 10_000
    assert view.shutdown()
