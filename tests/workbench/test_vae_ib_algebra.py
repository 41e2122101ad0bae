"""The "Normal-distribution algebra" tab (vae_ib.md §4 P5 a, b): form → worker → plots."""
import math

import numpy as np
import pytest
from PySide6 import QtCore

from engines.vae_ib import normal_algebra as na
from engines.vae_ib.algebra_run import run_algebra
from workbench.topics.vae_ib.algebra_view import HIST_NAME, NormalAlgebraView

TIMEOUT_MS = 10_000
CURVES = ("linear (Monte Carlo)", "linear (closed form)", "cos/sin (Monte Carlo)", "cos/sin (closed form)")


@pytest.fixture
def view(qtbot):
    calls = []

    def spy(params, ctx):
        calls.append(dict(params))
        return run_algebra(params, ctx)

    v = NormalAlgebraView(run_factory=spy)
    v.calls = calls
    qtbot.addWidget(v)
    v.resize(1200, 800)
    qtbot.waitUntil(lambda: v.last_frame() is not None, timeout=TIMEOUT_MS)
    yield v
    assert v.shutdown()


def wait_for(qtbot, view, predicate):
    qtbot.waitUntil(lambda: view.last_frame() is not None and predicate(view.last_frame()),
                    timeout=TIMEOUT_MS)
    return view.last_frame()


def exact_density_curve(view):
    x, y = view.series()["histogram"]["exact density"]
    return x, y


def type_into(qtbot, spin, text):
    spin.setFocus()
    spin.lineEdit().selectAll()
    qtbot.keyClicks(spin.lineEdit(), text)
    qtbot.keyClick(spin.lineEdit(), QtCore.Qt.Key.Key_Return)


def test_computes_once_on_creation(qtbot, view):
    qtbot.wait(300)
    assert len(view.calls) == 1
    assert view.calls[0] == view.form.values()
    frame = view.last_frame()
    assert frame.scalars["variance_exact"] == pytest.approx(0.6**2 + 0.8**2)
    assert "KS = " in view.readout.text() and "α² + β²" in view.readout.text()


def test_changing_alpha_recomputes_and_moves_the_exact_density(qtbot, view):
    _, before = exact_density_curve(view)
    assert before.max() == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-3)   # var = 1
    view.form.row_widget("alpha").spin.setValue(1.5)
    var = 1.5**2 + 0.8**2
    frame = wait_for(qtbot, view, lambda f: f.scalars["variance_exact"] == pytest.approx(var))
    assert view.calls[-1]["alpha"] == 1.5
    x, y = exact_density_curve(view)
    np.testing.assert_allclose(y, np.exp(-x**2 / (2 * var)) / math.sqrt(2 * math.pi * var))
    assert y.max() == pytest.approx(1 / math.sqrt(2 * math.pi * var), rel=1e-3)
    assert frame.scalars["variance"] == pytest.approx(var, rel=0.03)
    assert f"{var:.4f}" in view.readout.text()


def test_uniform_inputs_give_a_density_that_is_not_flat(qtbot, view):
    combo = view.form.row_widget("kind").combo
    combo.setCurrentIndex(combo.findText("uniform"))
    frame = wait_for(qtbot, view, lambda f: f.scalars["variance_exact"] == pytest.approx(1 / 3))
    x, y = exact_density_curve(view)
    half_support = 0.6 + 0.8
    middle = y[np.abs(x) <= 0.5 * half_support]
    assert middle.max() / middle.min() > 1.3
    assert frame.scalars["ks"] < 0.02
    assert not view.uniform_note.isHidden() and "not" in view.uniform_note.text()
    assert "(α² + β²)/3" in view.readout.text()
    combo.setCurrentIndex(combo.findText("normal"))
    wait_for(qtbot, view, lambda f: f.scalars["variance_exact"] == pytest.approx(1.0))
    assert view.uniform_note.isHidden()


def test_linear_midpoint_at_d_512_is_chi_factor_over_root_2(qtbot, view):
    view.form.row_widget("d").spin.setValue(512)
    chi = na.chi_mean_over_sqrt_d(512)
    frame = wait_for(qtbot, view, lambda f: f.scalars["chi_factor"] == chi)
    assert frame.scalars["midpoint_linear_norm"] == pytest.approx(chi / math.sqrt(2), abs=0.01)
    t, y = view.series()["norm"]["linear (Monte Carlo)"]
    assert y[np.argmin(np.abs(t - 0.5))] == pytest.approx(chi / math.sqrt(2), abs=0.01)
    assert view.limit_line.value() == pytest.approx(1 / math.sqrt(2))


def test_series_holds_every_plotted_curve(view):
    series = view.series()
    assert set(series) == set(view.plots()) == {"histogram", "norm", "logpdf"}
    assert {HIST_NAME, "exact density"} <= set(series["histogram"])
    assert set(CURVES) <= set(series["norm"]) and set(CURVES) <= set(series["logpdf"])
    frame = view.last_frame()
    centre, density = series["histogram"][HIST_NAME]
    np.testing.assert_array_equal(centre, frame.arrays["histogram"][:, 0])
    np.testing.assert_array_equal(density, frame.arrays["histogram"][:, 1])
    cols = dict(zip(frame.columns["interpolation"], frame.arrays["interpolation"].T))
    np.testing.assert_array_equal(series["norm"]["cos/sin (closed form)"][1], cols["cossin_norm_exact"])
    np.testing.assert_array_equal(series["logpdf"]["linear (Monte Carlo)"][1], cols["linear_logpdf"])


def test_every_plot_has_labelled_axes(view):
    for plot in view.plots().values():
        for side in ("bottom", "left"):
            assert plot.getAxis(side).labelText.strip()
    assert "nats" in view.plots()["logpdf"].getAxis("left").labelText


def test_an_invalid_form_value_never_reaches_the_engine(qtbot, view):
    generation = view.controller.generation
    type_into(qtbot, view.form.row_widget("alpha").spin, "5")
    qtbot.wait(300)
    assert "alpha" in view.form.error("alpha")
    assert len(view.calls) == 1 and view.controller.generation == generation
    assert view.form.value("alpha") == 0.6


def test_alpha_and_beta_zero_shows_the_engine_error_until_fixed(qtbot, view):
    view.form.set_values({"alpha": 0.0, "beta": 0.0}, emit=True)
    qtbot.waitUntil(lambda: view.form.error("alpha") != "", timeout=TIMEOUT_MS)
    assert "point mass" in view.form.error("alpha") and "not computed" in view.readout.text()
    view.form.row_widget("beta").spin.setValue(0.5)
    wait_for(qtbot, view, lambda f: f.scalars["variance_exact"] == pytest.approx(0.25))
    assert view.form.error("alpha") == ""


def test_renders_to_png(qtbot, view, tmp_path):
    path = tmp_path / "algebra.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 10_000
