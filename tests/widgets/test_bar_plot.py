"""BarPlot: bar heights, highlighted bars above a threshold, the threshold line, log axis, hover."""
from __future__ import annotations

import gc

import numpy as np
import pyqtgraph as pg
import pytest
import shiboken6

from widgets.bar_plot import HIGHLIGHT_COLOR, BarPlot


@pytest.fixture
def plot(qtbot):
    p = BarPlot()
    qtbot.addWidget(p)
    p.resize(500, 350)
    p.show()
    qtbot.waitExposed(p)
    return p


def _tops(p: BarPlot) -> np.ndarray:
    return np.asarray(p.bars.opts["y0"], dtype=float) + np.asarray(p.bars.opts["height"], dtype=float)


def _n_highlighted(p: BarPlot) -> int:
    highlight = pg.mkColor(HIGHLIGHT_COLOR)
    return sum(brush.color() == highlight for brush in p.bars.opts["brushes"])


def test_bar_heights_equal_values(plot):
    values = np.array([0.5, 2.0, np.nan, 1.0, -0.25])
    plot.set_bars(values, labels=list("abcde"))
    np.testing.assert_array_equal(plot.bars.opts["x"], np.arange(5))
    np.testing.assert_allclose(_tops(plot), [0.5, 2.0, 0.0, 1.0, -0.25])
    np.testing.assert_array_equal(plot.values(), values)
    assert plot.bars.opts["y0"] == 0.0
    assert plot.plot_item.getAxis("bottom")._tickLevels[0] == list(zip(range(5), "abcde"))
    with pytest.raises(ValueError, match="labels"):
        plot.set_bars([1, 2], labels=["one"])


def test_bars_above_threshold_are_highlighted_and_line_is_placed(plot):
    kl = np.array([0.001, 0.5, 2.3, 0.004, 1.1, 0.02, np.nan, 0.1])
    plot.set_bars(kl, threshold=0.1, threshold_label="active")
    np.testing.assert_array_equal(plot.highlighted(), [1, 2, 4])
    assert _n_highlighted(plot) == 3 == int(np.sum(kl > 0.1))
    line = plot.threshold_line
    assert line.isVisible() and line.angle == 0 and line.value() == pytest.approx(0.1)
    assert line.label.toPlainText() == "active = 0.1 · 3 of 8 above"
    plot.set_bars(kl)
    assert not line.isVisible() and _n_highlighted(plot) == 0 and plot.highlighted().size == 0
    plot.set_bars(kl, threshold=float("nan"))
    assert plot.threshold() is None and not line.isVisible()


def test_log_axis_draws_log_bars_and_line(plot):
    values = np.array([0.005, 0.5, 20.0, 0.0])
    plot.set_bars(values, threshold=0.05, log_y=True)
    assert plot.plot_item.getAxis("left").logMode
    assert plot.bars.opts["y0"] == -3.0  # a decade below 0.005
    np.testing.assert_allclose(_tops(plot), [np.log10(0.005), np.log10(0.5), np.log10(20.0), -3.0])
    assert plot.threshold_line.value() == pytest.approx(np.log10(0.05))
    assert _n_highlighted(plot) == 2
    plot.set_bars(values, threshold=0.0, log_y=True)
    assert not plot.threshold_line.isVisible() and _n_highlighted(plot) == 3
    plot.set_bars([0.01, 1.0], log_y=True)
    assert plot.bars.opts["y0"] == -3.0 and min(plot.bars.opts["height"]) > 0  # 0.01 still shows
    plot.set_bars(values)
    assert not plot.plot_item.getAxis("left").logMode and plot.bars.opts["y0"] == 0.0


def test_many_bars_label_every_kth_tick(plot):
    plot.set_bars(np.ones(64))
    major, minor = plot.plot_item.getAxis("bottom")._tickLevels
    assert [i for i, _ in major] == list(range(0, 64, 4)) and len(major) + len(minor) == 64


def test_empty_values_clear(plot):
    plot.set_bars([3.0, 4.0], threshold=3.5)
    plot.set_bars([], threshold=1.0)
    assert plot.values().size == 0 and plot.highlighted().size == 0
    assert len(plot.bars.opts["x"]) == 0
    assert plot.threshold_line.label.toPlainText().endswith("0 of 0 above")


def test_hover_reads_out_the_bar_under_the_mouse(plot, qtbot):
    plot.set_bars([1.0, 2.5, 0.75], labels=["z0", "z1", "z2"])
    vb = plot.plot_item.getViewBox()
    vb.autoRange()
    qtbot.wait(20)
    plot.hover_at(vb.mapViewToScene(pg.Point(1.2, 1.0)))
    assert plot.hover_text() == "z1\n2.5"
    plot.hover_at(vb.mapViewToScene(pg.Point(1.5, 1.0)))
    assert plot.hover_text() == ""
    plot.hover_at(vb.mapViewToScene(pg.Point(2.0, 0.5)))
    assert plot.hover_text() == "z2\n0.75"
    plot.hover_at(pg.Point(-5.0, -5.0))
    assert plot.hover_text() == ""


def test_destroy_and_collect_after_hover(qtbot):
    """The hover read-out listens to the scene; destroying the plot and collecting must not crash."""
    for _ in range(3):
        p = BarPlot()
        p.set_bars([1.0, 2.0], threshold=1.5)
        p.show()
        qtbot.waitExposed(p)
        p.hover_at(p.plot_item.getViewBox().mapViewToScene(pg.Point(1.0, 1.0)))
        item = p.plot_item
        p.close()
        p.deleteLater()
        qtbot.waitUntil(lambda: not shiboken6.isValid(item), timeout=2000)
        del p
        gc.collect()
