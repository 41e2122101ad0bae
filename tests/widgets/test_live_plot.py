"""LivePlot: buffered appends, redraw, whole-series replacement, markers, log axis and hover."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from widgets.live_plot import LivePlot


@pytest.fixture
def plot(qtbot):
    p = LivePlot(capacity=500)
    qtbot.addWidget(p)
    p.resize(500, 350)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_append_buffers_until_redraw(plot):
    plot.add_series("loss")
    plot.add_series("accuracy", color="#ff0000", style="dots", faint=True)
    for i in range(300):
        plot.append("loss", i, 1.0 / (i + 1))
    plot.append("accuracy", np.arange(300.0), np.linspace(0, 1, 300))
    data = plot.series_data()
    assert set(data) == {"loss", "accuracy"}
    assert data["loss"][0].size == 300 and data["loss"][1][-1] == pytest.approx(1 / 300)
    items = {item.name(): item for item in plot.plot_item.listDataItems()}
    assert items["loss"].getOriginalDataset()[0] is None
    plot.redraw()
    x, y = items["loss"].getOriginalDataset()
    np.testing.assert_array_equal(x, data["loss"][0])
    np.testing.assert_array_equal(y, data["loss"][1])
    assert items["loss"].opts["clipToView"] and items["loss"].opts["autoDownsample"]
    assert items["accuracy"].opts["symbol"] == "o" and items["accuracy"].opts["pen"] is None


def test_memory_stays_bounded(plot):
    for chunk in range(200):
        plot.append("long", np.arange(chunk * 100, chunk * 100 + 100), np.random.rand(100))
    plot.redraw()
    x, _ = plot.series_data()["long"]
    assert x.size <= 500 and x[-1] == 19_999


def test_set_series_replaces_and_shows_at_once(plot):
    plot.set_series("shape", [0, 1, 2], [0, 1, 0])
    plot.set_series("shape", [0, 1], [5, 6])
    x, y = plot.series_data()["shape"]
    np.testing.assert_array_equal(y, [5, 6])
    item = plot.plot_item.listDataItems()[0]
    np.testing.assert_array_equal(item.getOriginalDataset()[1], [5, 6])
    plot.append("shape", 2, 7)
    np.testing.assert_array_equal(plot.series_data()["shape"][1], [5, 6, 7])


def test_remove_and_clear(plot):
    plot.add_series("a")
    plot.add_series("b")
    plot.append("a", [0, 1], [1, 2])
    plot.remove_series("b")
    assert set(plot.series_data()) == {"a"}
    assert [i.name() for i in plot.plot_item.listDataItems()] == ["a"]
    assert len(plot.plot_item.legend.items) == 1
    plot.clear()
    assert plot.series_data()["a"][0].size == 0
    assert plot.series_names() == ["a"]


def test_add_series_validates_style(plot):
    with pytest.raises(ValueError, match="dots"):
        plot.add_series("x", style="bars")


def test_vlines_labels_and_log_axis(plot):
    plot.set_labels("step", "loss")
    assert plot.plot_item.getAxis("bottom").labelText == "step"
    assert plot.plot_item.getAxis("left").labelText == "loss"
    plot.add_vline(3.0, "λ₁")
    plot.add_vline(5.0)
    lines = [i for i in plot.plot_item.items if i.__class__.__name__ == "InfiniteLine"]
    assert sorted(line.value() for line in lines) == [3.0, 5.0]
    plot.clear_vlines()
    assert not [i for i in plot.plot_item.items if i.__class__.__name__ == "InfiniteLine"]
    plot.append("loss", [0, 1, 2, 3], [0.0, 1.0, 10.0, 100.0])
    plot.set_log_y(True)
    plot.redraw()
    assert plot.plot_item.getAxis("left").logMode


def test_hover_readout_finds_nearest_point(plot, qtbot):
    plot.append("sine", np.arange(50.0), np.sin(np.arange(50.0) / 5))
    plot.append("flat", np.arange(50.0), np.full(50, 3.0))
    plot.redraw()
    plot.plot_item.getViewBox().autoRange(padding=0.05)
    qtbot.wait(20)
    vb = plot.plot_item.getViewBox()
    plot.hover.update_at(vb.mapViewToScene(pg.Point(20.0, 3.05)))
    text = plot.hover.text()
    assert text.startswith("flat") and "x = 20" in text and "y = 3" in text
    label = plot.hover.label.mapRectToScene(plot.hover.label.boundingRect())
    assert vb.sceneBoundingRect().intersects(label) and label.height() < 100
    plot.hover.update_at(vb.mapViewToScene(pg.Point(20.0, 1.6)))
    assert plot.hover.text() == ""


def test_keep_series_shows_exactly_the_wanted_series_with_their_style(qtbot):
    plot = LivePlot()
    qtbot.addWidget(plot)
    for name in ("a", "b", "c"):
        plot.add_series(name)
    plot.append("b", [0.0, 1.0], [2.0, 3.0])
    plot.keep_series({"b": {"color": "#ff0000"}, "d": {"color": "#00ff00", "width": 2.0}})
    assert set(plot.series_names()) == {"b", "d"}
    plot.redraw()
    assert list(plot.series_data()["b"][1]) == [2.0, 3.0]            # a kept series keeps its data
    assert plot.plot_item.listDataItems()[-1].opts["pen"].color().name() == "#00ff00"
