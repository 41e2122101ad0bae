"""TrainingCurves: debiased EMA, raw and smoothed curves, ghost runs, controls, marks and export."""
from __future__ import annotations

import gc
import math

import numpy as np
import pyqtgraph as pg
import pytest
import shiboken6
from PySide6 import QtCore, QtWidgets

from widgets.training_curves import TrainingCurves, debiased_ema


def hand_ema(values, weight):
    """The formula written out point by point: skip non-finite values, carry the last result."""
    s, t, last, out = 0.0, 0, math.nan, []
    for x in values:
        if math.isfinite(x):
            t += 1
            s = weight * s + (1 - weight) * x
            last = s / (1 - weight**t)
        out.append(last)
    return np.array(out)


@pytest.fixture
def curves(qtbot):
    w = TrainingCurves(capacity=500, max_runs=3)
    qtbot.addWidget(w)
    w.resize(700, 420)
    w.show()
    qtbot.waitExposed(w)
    return w


def item_data(item):
    x, y = item.getOriginalDataset()
    return np.asarray(x), np.asarray(y)


def run_list(w) -> QtWidgets.QListWidget:
    return w.findChild(QtWidgets.QListWidget, "runList")


def test_debiased_ema_equals_the_hand_formula():
    np.testing.assert_allclose(debiased_ema([1.0, 2.0, 4.0], 0.5), [1.0, 5.0 / 3.0, 3.0], rtol=1e-15)
    values = np.random.default_rng(0).normal(3.0, 2.0, 1000)  # crosses many 64-point blocks
    for weight in (0.0, 0.3, 0.6, 0.99):
        smoothed = debiased_ema(values, weight)
        np.testing.assert_allclose(smoothed, hand_ema(values, weight), rtol=1e-12)
        assert smoothed[0] == values[0]
    np.testing.assert_array_equal(debiased_ema(values, 0.0), values)
    assert debiased_ema([0.1, 0.7], 0.6)[0] == 0.1
    with pytest.raises(ValueError, match="weight"):
        debiased_ema(values, 1.0)


def test_constant_input_stays_constant():
    for weight in (0.2, 0.9, 0.99):
        smoothed = debiased_ema(np.full(3000, 0.37), weight)
        np.testing.assert_allclose(smoothed, 0.37, rtol=1e-12)
        assert smoothed[0] == 0.37


def test_non_finite_values_are_skipped_not_propagated():
    values = [math.nan, 1.0, math.nan, 3.0, math.inf, 5.0, -math.inf]
    smoothed = debiased_ema(values, 0.5)
    finite = hand_ema([1.0, 3.0, 5.0], 0.5)
    assert math.isnan(smoothed[0])
    np.testing.assert_allclose(smoothed[1:], np.repeat(finite, 2))
    np.testing.assert_allclose(smoothed[1:], hand_ema(values, 0.5)[1:])


def test_raw_faint_and_smoothed_solid_after_redraw(curves):
    curves.set_labels("loss")
    curves.begin_run("r1", "run 1", "lr=1e-3")
    values = np.linspace(2.0, 0.5, 40) + 0.1 * np.sin(np.arange(40))
    curves.append("loss", np.arange(40), np.arange(40) * 0.5, values)
    raw, smooth = curves.curve_items("r1", "loss")
    assert raw.getOriginalDataset()[0] is None and smooth.getOriginalDataset()[0] is None
    curves.redraw()
    np.testing.assert_array_equal(item_data(raw)[1], values)
    np.testing.assert_allclose(item_data(smooth)[1], hand_ema(values, curves.smoothing()), rtol=1e-12)
    assert not np.allclose(item_data(smooth)[1], values)
    assert raw.opts["pen"].color().alpha() < 255 == smooth.opts["pen"].color().alpha()
    assert smooth.zValue() > raw.zValue()
    assert curves.plot_item.getAxis("left").labelText == "loss"
    assert curves.plot_item.getAxis("bottom").labelText == "step"
    assert [label.text for _, label in curves.plot_item.legend.items] == ["loss"]


def test_begin_run_turns_the_old_run_into_a_ghost_and_evicts_the_oldest(curves):
    for i in range(1, 3):
        curves.begin_run(f"r{i}", f"run {i}", f"lr={i}e-3")
        curves.append("loss", np.arange(10), np.arange(10), np.linspace(1, 0.1, 10))
    curves.redraw()
    assert curves.runs() == ["r2", "r1"] and curves.current_run() == "r2"
    old, new = curves.curve_items("r1", "loss")[1], curves.curve_items("r2", "loss")[1]
    old_pen, new_pen = old.opts["pen"], new.opts["pen"]
    assert old_pen.color().alpha() < new_pen.color().alpha()
    assert old.zValue() < new.zValue()
    assert old_pen.color().rgb() == new_pen.color().rgb()
    assert item_data(old)[0].size == 10
    assert [label.text for _, label in curves.plot_item.legend.items] == ["loss"]
    listing = run_list(curves)
    assert [listing.item(i).text() for i in range(listing.count())] == ["run 2", "run 1"]
    assert listing.item(1).toolTip() == "lr=1e-3" and listing.item(0).font().bold()
    assert not listing.item(1).font().bold()
    curves.begin_run("r3", "run 3")
    curves.begin_run("r4", "run 4")
    assert curves.runs() == ["r4", "r3", "r2"] and listing.count() == 3
    assert old not in curves.plot_item.listDataItems()
    with pytest.raises(KeyError, match="r1"):
        curves.curve_items("r1", "loss")


def test_hiding_a_run_hides_its_items_and_defers_its_redraw(curves):
    curves.begin_run("r1", "run 1")
    curves.append("loss", [0, 1], [0, 1], [1.0, 0.5])
    curves.redraw()
    raw, smooth = curves.curve_items("r1", "loss")
    curves.set_run_visible("r1", False)
    assert not raw.isVisible() and not smooth.isVisible()
    item = run_list(curves).item(0)
    assert item.checkState() == QtCore.Qt.CheckState.Unchecked
    curves.append("loss", 2, 2, 0.25)
    curves.redraw()
    assert item_data(raw)[1].size == 2
    item.setCheckState(QtCore.Qt.CheckState.Checked)
    assert raw.isVisible() and smooth.isVisible()
    np.testing.assert_array_equal(item_data(raw)[1], [1.0, 0.5, 0.25])


def test_metrics_share_the_plot_in_their_own_colours(curves):
    curves.begin_run("r1", "run 1")
    curves.append("train_acc", [0, 1], [0, 1], [0.5, 0.6])
    curves.append("test_acc", [0, 1], [0, 1], [0.4, 0.5])
    curves.redraw()
    train, test = curves.curve_items("r1", "train_acc")[1], curves.curve_items("r1", "test_acc")[1]
    assert train.opts["pen"].color().rgb() != test.opts["pen"].color().rgb()
    curves.set_metrics_visible(["test_acc"])
    assert not train.isVisible() and test.isVisible()
    curves.set_metrics_visible(None)
    assert train.isVisible()


def test_log_y_follows_checkbox_method_and_context_menu(curves):
    curves.begin_run("r1", "run 1")
    curves.append("loss", [0, 1, 2], [0, 1, 2], [10.0, 1.0, 0.1])
    curves.redraw()
    box = curves.findChild(QtWidgets.QCheckBox, "logY")
    curves.set_log_y(True)
    assert curves.plot_item.getAxis("left").logMode and box.isChecked() and curves.log_y()
    box.setChecked(False)
    assert not curves.plot_item.getAxis("left").logMode
    curves.plot_item.setLogMode(y=True)
    assert box.isChecked()


def test_x_mode_switches_the_x_data_to_seconds(curves):
    curves.begin_run("r1", "run 1")
    steps = np.arange(0, 50, 5)
    curves.append("loss", steps, steps * 0.2, np.linspace(1, 0, steps.size))
    curves.redraw()
    raw, smooth = curves.curve_items("r1", "loss")
    np.testing.assert_array_equal(item_data(raw)[0], steps)
    curves.set_x_mode("seconds")
    np.testing.assert_allclose(item_data(raw)[0], steps * 0.2)
    np.testing.assert_allclose(item_data(smooth)[0], steps * 0.2)
    np.testing.assert_allclose(curves.series_data()["run 1/loss"][0], steps * 0.2)
    assert curves.plot_item.getAxis("bottom").labelText == "time (s)"
    combo = curves.findChild(QtWidgets.QComboBox, "xAxis")
    assert combo.currentData() == "seconds"
    combo.setCurrentIndex(combo.findData("step"))
    assert curves.x_mode() == "step"
    np.testing.assert_array_equal(item_data(raw)[0], steps)
    with pytest.raises(ValueError, match="seconds"):
        curves.set_x_mode("epoch")


def test_series_data_names_and_values(curves):
    curves.begin_run("a", "baseline", "lr=1")
    curves.append("loss", [0, 1, 2], [0, 1, 2], [3.0, 2.0, 1.0])
    curves.begin_run("b", "wide", "lr=2")
    curves.append("loss", [0, 1], [0, 1], [5.0, 4.0])
    curves.append("acc", [0, 1], [0, 1], [0.1, 0.2])
    data = curves.series_data()
    assert list(data) == ["wide/loss", "wide/loss (smoothed)", "wide/acc", "wide/acc (smoothed)",
                          "baseline/loss", "baseline/loss (smoothed)"]
    np.testing.assert_array_equal(data["baseline/loss"][1], [3.0, 2.0, 1.0])
    np.testing.assert_array_equal(data["wide/acc"][0], [0, 1])
    np.testing.assert_allclose(data["baseline/loss (smoothed)"][1],
                               hand_ema([3.0, 2.0, 1.0], curves.smoothing()))
    data["baseline/loss"][1][0] = 99.0
    assert curves.series_data()["baseline/loss"][1][0] == 3.0
    curves.begin_run("c", "wide")
    curves.append("loss", 0, 0, 1.0)
    assert {"wide [c]/loss", "wide [b]/loss", "baseline/loss"} <= set(curves.series_data())


def test_smoothing_recomputes_from_raw_data(curves):
    curves.begin_run("r1", "run 1")
    values = np.random.default_rng(1).normal(size=60)
    curves.append("loss", np.arange(60), np.arange(60), values)
    curves.redraw()
    smooth = curves.curve_items("r1", "loss")[1]
    curves.set_smoothing(0.0)
    np.testing.assert_array_equal(item_data(smooth)[1], values)
    curves.set_smoothing(0.9)
    np.testing.assert_allclose(item_data(smooth)[1], hand_ema(values, 0.9), rtol=1e-12)
    np.testing.assert_array_equal(curves.series_data()["run 1/loss"][1], values)
    slider = curves.findChild(QtWidgets.QSlider, "smoothing")
    assert slider.value() == 90
    slider.setValue(30)
    assert curves.smoothing() == pytest.approx(0.3)
    np.testing.assert_allclose(item_data(smooth)[1], hand_ema(values, 0.3), rtol=1e-12)
    curves.set_smoothing(5.0)
    assert curves.smoothing() == 0.99 and slider.value() == 99
    assert "0.99" in [label.text() for label in curves.findChildren(QtWidgets.QLabel)]


def test_non_finite_values_neither_raise_nor_poison_the_smoothing(curves, qtbot):
    curves.begin_run("r1", "run 1")
    values = np.array([1.0, 0.8, np.nan, 0.6, np.inf, 0.5, -np.inf, 0.4, -1.0])
    curves.append("loss", np.arange(values.size), np.arange(values.size), values)
    curves.redraw()
    smooth = curves.curve_items("r1", "loss")[1]
    y = item_data(smooth)[1]
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y, hand_ema(values, curves.smoothing()))
    curves.set_log_y(True)
    curves.redraw()
    curves.plot_item.getViewBox().autoRange()
    curves.grab()
    qtbot.wait(10)
    assert np.isfinite(item_data(smooth)[1]).all()


def test_smoothing_stays_exact_while_appending_past_capacity(qtbot):
    w = TrainingCurves(capacity=64)
    qtbot.addWidget(w)
    w.begin_run("r1", "run 1")
    rng = np.random.default_rng(2)
    for start in range(0, 400, 7):
        steps = np.arange(start, start + 7)
        w.append("loss", steps, steps * 0.5, rng.normal(size=7))
        w.redraw()
        raw, smooth = (item_data(item) for item in w.curve_items("r1", "loss"))
        assert raw[0].size <= 64
        np.testing.assert_allclose(smooth[1], hand_ema(raw[1], w.smoothing()), rtol=1e-12)
    w.set_x_mode("seconds")
    np.testing.assert_array_equal(item_data(w.curve_items("r1", "loss")[0])[0], raw[0] * 0.5)


def test_a_long_run_of_six_metrics_redraws_the_right_data(qtbot):
    w = TrainingCurves(capacity=20_000)
    qtbot.addWidget(w)
    w.begin_run("long", "long run")
    rng = np.random.default_rng(3)
    steps = np.arange(10_000)
    values = {f"m{i}": rng.normal(i, 1.0, steps.size) for i in range(6)}
    for name, v in values.items():
        w.append(name, steps, steps * 0.01, v)
    w.redraw()
    for name, v in values.items():
        w.append(name, 10_000, 100.0, 7.0)
    w.redraw()
    for name, v in values.items():
        raw, smooth = (item_data(item) for item in w.curve_items("long", name))
        expected = np.append(v, 7.0)
        np.testing.assert_array_equal(raw[1], expected)
        np.testing.assert_allclose(smooth[1], debiased_ema(expected, w.smoothing()), rtol=1e-12)
        assert smooth[0][-1] == 10_000


def test_mark_puts_a_cross_and_label_at_the_last_finite_point(curves):
    curves.begin_run("r1", "run 1")
    curves.append("loss", [0, 1, 2, 3], [0, 1, 2, 3], [1.0, 10.0, 100.0, np.nan])
    before = set(curves.plot_item.items)
    curves.mark("r1", 3, "diverged")
    added = [item for item in curves.plot_item.items if item not in before]
    cross = next(i for i in added if isinstance(i, pg.PlotDataItem))
    label = next(i for i in added if isinstance(i, pg.TextItem))
    assert label.toPlainText() == "diverged" and cross.opts["symbol"] == "x"
    np.testing.assert_array_equal(item_data(cross)[0], [3.0])
    np.testing.assert_array_equal(item_data(cross)[1], [100.0])
    assert (label.pos().x(), label.pos().y()) == (3.0, 100.0)
    curves.set_log_y(True)
    assert label.pos().y() == pytest.approx(2.0)
    curves.set_run_visible("r1", False)
    assert not cross.isVisible() and not label.isVisible()
    curves.clear()
    assert cross not in curves.plot_item.items and label not in curves.plot_item.items


def test_hover_names_the_run_and_its_parameters(curves, qtbot):
    curves.begin_run("r1", "run 1", "lr=3e-4, batch=64")
    curves.set_smoothing(0.0)
    curves.append("loss", np.arange(20.0), np.arange(20.0), np.full(20, 2.0))
    curves.redraw()
    vb = curves.plot_item.getViewBox()
    vb.setRange(xRange=(0, 20), yRange=(0, 4), padding=0)
    qtbot.wait(20)
    curves.hover.update_at(vb.mapViewToScene(pg.Point(10.0, 2.0)))
    text = curves.hover.text()
    assert text.startswith("run 1/loss") and "lr=3e-4, batch=64" in text and "x = 10" in text


def test_clear_and_errors(curves):
    with pytest.raises(RuntimeError, match="begin_run"):
        curves.append("loss", 0, 0, 1.0)
    curves.begin_run("r1", "run 1")
    with pytest.raises(KeyError, match="nope"):
        curves.append("loss", 0, 0, 1.0, run_id="nope")
    with pytest.raises(ValueError, match="length"):
        curves.append("loss", [0, 1], [0, 1], [1.0])
    curves.append("loss", 0, 0, 1.0)
    curves.redraw()
    curves.clear()
    assert curves.runs() == [] and run_list(curves).count() == 0
    assert curves.series_data() == {} and curves.plot_item.listDataItems() == []
    with pytest.raises(ValueError, match="max_runs"):
        TrainingCurves(max_runs=0)


def test_create_destroy_and_collect(qtbot):
    for _ in range(3):
        w = TrainingCurves()
        w.begin_run("r1", "run 1")
        w.append("loss", np.arange(10.0), np.arange(10.0), np.arange(10.0))
        w.redraw()
        w.mark("r1", 9, "end")
        w.show()
        qtbot.waitExposed(w)
        w.close()
        w.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(w), timeout=2000)
        w = None
        gc.collect()


def test_the_view_stays_still_while_points_fit_and_grows_when_they_do_not(curves):
    curves.begin_run("a", "run a")
    curves.append("loss", np.arange(100.0), np.arange(100.0) / 10, np.linspace(2.0, 1.0, 100))
    curves.redraw()
    vb = curves.plot_item.getViewBox()
    (x0, x1), (y0, y1) = vb.viewRange()
    assert x0 <= 0 and x1 >= 99 and y0 <= 1.0 and y1 >= 2.0
    curves.append("loss", [100.0, 101.0], [10.0, 10.1], [1.5, 1.4])
    curves.redraw()
    assert vb.viewRange() == [[x0, x1], [y0, y1]]               # fits: no refit, no axis relayout
    curves.append("loss", [10 * x1], [100.0], [1.2])
    curves.redraw()
    assert vb.viewRange()[0][1] >= 10 * x1                      # outside: the view grows with headroom


def test_a_user_zoom_stops_following_and_the_auto_button_resumes(curves, qtbot):
    curves.begin_run("a", "run a")
    curves.append("loss", np.arange(50.0), np.arange(50.0), np.ones(50))
    curves.redraw()
    vb = curves.plot_item.getViewBox()
    vb.setRange(xRange=(10, 20), padding=0)
    vb.sigRangeChangedManually.emit([True, True])               # what a mouse zoom emits
    curves.append("loss", [500.0], [500.0], [1.0])
    curves.redraw()
    assert vb.viewRange()[0][1] == pytest.approx(20)
    curves.plot_item.autoBtn.clicked.emit(curves.plot_item.autoBtn)
    assert vb.viewRange()[0][1] >= 500
