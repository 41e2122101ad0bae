"""Legends go where no data is and stay inside their view; titles fit their plot; the plot audit
used by the hygiene walk catches what it claims to."""
import numpy as np
import pyqtgraph as pg

from tests.workbench.plot_audit import audit_plots, contrast
from widgets.live_plot import LivePlot
from widgets.plot_tidy import CORNERS, TidyLegend, _break_in_two

SETTLE_MS = 400


def shown_plot(qtbot, width=500, height=350) -> LivePlot:
    plot = LivePlot()
    qtbot.addWidget(plot)
    plot.resize(width, height)
    plot.show()
    qtbot.waitExposed(plot)
    return plot


def legend_corner(plot: LivePlot) -> tuple[int, int]:
    legend = plot.plot_item.legend
    box, view = legend.sceneBoundingRect(), plot.plot_item.vb.sceneBoundingRect()
    return (int(box.center().x() > view.center().x()), int(box.center().y() > view.center().y()))


def test_the_legend_leaves_the_corner_the_data_fill(qtbot):
    plot = shown_plot(qtbot)
    x = np.linspace(0.0, 1.0, 200)
    plot.add_series("rising", color="#1f77b4")
    plot.set_series("rising", x, x ** 3)           # fills the top right and the bottom left
    qtbot.wait(SETTLE_MS)
    assert isinstance(plot.plot_item.legend, TidyLegend)
    assert legend_corner(plot) == (0, 0)           # top left is empty
    plot.set_series("rising", x, 1.0 - x ** 3)     # now the top left and bottom right are full
    qtbot.wait(SETTLE_MS)
    assert legend_corner(plot) == (1, 0)


def test_a_tall_legend_wraps_into_columns_inside_a_small_view(qtbot):
    plot = shown_plot(qtbot, 520, 170)
    for k in range(10):
        plot.add_series(f"curve {k}")
        plot.set_series(f"curve {k}", [0, 1], [k, k])
    qtbot.wait(SETTLE_MS)
    legend = plot.plot_item.legend
    assert legend.columnCount > 1
    assert plot.plot_item.vb.sceneBoundingRect().contains(legend.sceneBoundingRect())
    assert not [p for p in audit_plots(plot) if "legend" in p]


def test_a_dragged_legend_stays_where_the_user_put_it(qtbot):
    plot = shown_plot(qtbot)
    plot.add_series("a")
    plot.set_series("a", [0, 1], [0, 1])
    qtbot.wait(SETTLE_MS)
    legend = plot.plot_item.legend
    legend.pinned = True
    legend.anchor(itemPos=(0, 1), parentPos=(0, 1), offset=(8, -8))
    plot.set_series("a", [0, 1], [1, 0])
    qtbot.wait(SETTLE_MS)
    assert legend_corner(plot) == (0, 1)
    assert set(CORNERS) >= {legend.corner}


def test_a_long_title_is_wrapped_at_a_natural_break_and_fits(qtbot):
    plot = shown_plot(qtbot, 300, 300)
    title = "along the gradient line at θ₀: true loss vs the eq.-(4) bound"
    plot.set_title(title)
    label = plot.plot_item.titleLabel
    assert "<br>" in label.text
    assert label.item.boundingRect().width() <= plot.plot_item.vb.width()
    assert label.toolTip() == title and plot.title == title
    plot.resize(1200, 300)
    qtbot.wait(50)
    assert "<br>" not in plot.plot_item.titleLabel.text


def test_titles_break_after_a_colon_before_anything_else():
    assert _break_in_two("loss: the training set, every step") == ("loss:", "the training set, every step")
    assert _break_in_two("nobreak") is None


def test_the_audit_finds_faint_marks_data_outside_and_clipped_titles(qtbot):
    plot = shown_plot(qtbot, 240, 240)
    plot.plot_widget.setBackground("#1b1d20")
    plot.add_series("black dots", color="#000000", style="dots")
    plot.set_series("black dots", [0, 1], [0, 1])
    plot.plot_item.setXRange(0.0, 0.5, padding=0)
    plot.plot_item.setTitle("a title far too long to fit into a plot two hundred and forty pixels wide")
    problems = "\n".join(audit_plots(plot))
    assert "contrast" in problems and "'black dots'" in problems
    assert "spans x 0…1" in problems
    assert "title" in problems


def test_contrast_is_the_wcag_ratio():
    white, black = pg.mkColor("#ffffff"), pg.mkColor("#000000")
    assert abs(contrast(black, white) - 21.0) < 1e-9
    assert abs(contrast(pg.mkColor("#777777"), white) - 4.48) < 0.01


def test_a_legend_of_one_curve_under_a_labelled_axis_hides_until_a_second_comes(qtbot):
    plot = shown_plot(qtbot)
    plot.set_labels("time t (s)", "radius (m)")
    plot.add_series("radius")
    plot.set_series("radius", [0, 1], [0, 1])
    qtbot.wait(SETTLE_MS)
    legend = plot.plot_item.legend
    assert legend.is_redundant() and not legend.isVisible()
    plot.add_series("reference")
    qtbot.wait(SETTLE_MS)
    assert legend.isVisible()
    legend.setVisible(False)                  # a view may still hide it on purpose
    qtbot.wait(SETTLE_MS)
    assert not legend.isVisible()


def _drawn_labels(axis) -> list[tuple[float, str]]:
    """(pixel position along the axis, text) of every tick label the axis would draw now."""
    low, high = axis.range
    length = axis.height()
    labels = []
    for spacing, values in axis.tickValues(low, high, length):
        for value, text in zip(values, axis.tickStrings(values, axis.autoSIPrefixScale * axis.scale, spacing)):
            if text:
                labels.append(((value - low) / (high - low) * length, text))
    return labels


def test_a_log_axis_draws_no_minor_label_over_another(qtbot):
    plot = shown_plot(qtbot, width=400, height=220)
    plot.set_log_y(True)
    x = np.linspace(0.0, 1.0, 50)
    plot.set_series("loss", x, 0.03 * 20 ** x)        # 0.03 … 0.6: under two decades, minor labels
    qtbot.wait(SETTLE_MS)
    axis = plot.plot_item.getAxis("left")
    labels = _drawn_labels(axis)
    texts = [text for _, text in labels]
    assert "0.1" in texts and len(labels) >= 4       # the decade and some minor labels stay
    height = pg.QtGui.QFontMetricsF(axis.style.get("tickFont") or axis.font()).height()
    positions = sorted({round(where, 3) for where, _ in labels})
    assert min(np.diff(positions)) >= height - 1e-6  # no two labels closer than a text line
    minor = next(values for spacing, values in axis.tickValues(*axis.range, axis.height()) if spacing is None)
    crowded = pg.AxisItem.logTickStrings(axis, minor, 1.0, None)           # what pyqtgraph alone draws
    tidy = axis.logTickStrings(minor, 1.0, None)
    assert sum(map(bool, tidy)) < sum(map(bool, crowded))
