"""BandPlot: a band is two buffered series with a fill between them, one legend entry per band."""
import numpy as np
import pyqtgraph as pg

from widgets.band_plot import BandPlot


def _fills(plot):
    return [item for item in plot.plot_item.items if isinstance(item, pg.FillBetweenItem)]


def test_bands_buffer_until_redraw_and_export_low_and_high(qtbot):
    plot = BandPlot()
    qtbot.addWidget(plot)
    plot.add_band("A", "#d62728")
    plot.append_band("A", [1, 2, 3], [0.1, 0.2, 0.3], [1.0, 2.0, 3.0])
    assert plot.plot_item.listDataItems()[0].getData()[0] is None  # nothing drawn before redraw
    plot.redraw()
    x, low, high = plot.band_data("A")
    assert list(x) == [1, 2, 3] and np.all(high > low)
    assert len(_fills(plot)) == 1
    labels = [label.text for _, label in plot.plot_item.legend.items]
    assert labels == ["A"]


def test_removing_a_band_removes_its_fill_series_and_legend_entry(qtbot):
    plot = BandPlot()
    qtbot.addWidget(plot)
    plot.append_band("A", 1, 0.0, 1.0)  # an undeclared band gets a palette colour
    plot.add_band("B")
    plot.remove_band("A")
    assert plot.bands() == ["B"] and len(_fills(plot)) == 1
    assert "A min" not in plot.series_data() and "B max" in plot.series_data()
    assert [label.text for _, label in plot.plot_item.legend.items] == ["B"]
