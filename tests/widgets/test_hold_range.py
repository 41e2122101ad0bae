"""hold_range: a view keeps its range while the data stay inside and fill it, so a slider drag
does not re-lay out the axes every frame."""
import numpy as np
import pyqtgraph as pg
import pytest


@pytest.fixture
def box(qtbot):
    widget = pg.PlotWidget()
    qtbot.addWidget(widget)
    yield widget.getPlotItem().getViewBox()  # the widget lives as long as the test


def test_a_small_change_keeps_the_range_and_a_large_one_refits(box):
    from widgets.plot_style import hold_range

    x = np.linspace(0.0, 1.0, 50)
    assert hold_range(box, x, 2 * x)  # the first fit
    first = box.viewRange()
    assert first[0][0] < 0.0 and first[0][1] > 1.0 and first[1][1] > 2.0
    assert not hold_range(box, x, 2.02 * x) and box.viewRange() == first
    assert hold_range(box, x, 3 * x)  # leaves the view
    assert box.viewRange()[1][1] > 3.0
    assert hold_range(box, x, 0.5 * x)  # uses under half of it
    assert box.viewRange()[1][1] < 1.0


def test_with_a_locked_aspect_one_direction_filling_the_view_is_enough(box):
    from widgets.plot_style import hold_range

    box.setAspectLocked(True, ratio=1.0)
    x = np.linspace(0.0, 0.2, 20)
    z = np.linspace(-1.0, 0.0, 20)
    hold_range(box, x, z)
    assert not hold_range(box, 1.01 * x, z)  # x fills little of a view widened by the aspect lock
    assert hold_range(box, x, 0.2 * z)


def test_a_user_zoom_stops_the_view_following_until_asked(qtbot):
    from widgets.live_plot import LivePlot
    from widgets.plot_style import hold_range

    plot = LivePlot()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    view_box = plot.plot_item.vb
    x = np.linspace(0, 1, 50)
    plot.set_series("a", x, x)
    hold_range(view_box, x, x)
    view_box.scaleBy((0.5, 0.5))
    view_box.sigRangeChangedManually.emit([True, True])      # what a wheel or drag emits
    zoomed = view_box.viewRange()
    assert plot.follow_button.isVisible()
    assert not hold_range(view_box, 3 * x, 3 * x)            # data left the view: it stays put
    assert view_box.viewRange() == zoomed
    plot.follow_button.click()
    assert not plot.follow_button.isVisible()
    assert hold_range(view_box, 3 * x, 3 * x)                # following again
    (x0, x1), _ = view_box.viewRange()
    assert x0 < 0 and x1 > 3


def test_a_rising_curve_moves_the_view_once_per_step_it_climbs(box):
    from widgets.plot_style import fit_stepped

    t = np.linspace(0.0, 10.0, 11)
    assert fit_stepped(box, t, 20.0 + 3.0 * t, y_step=50.0)           # 20 … 50 °C
    assert box.viewRange()[1] == pytest.approx([0.0, 100.0]) and box.viewRange()[0][1] == pytest.approx(12.5)
    assert not fit_stepped(box, t, 20.0 + 4.0 * t, y_step=50.0)       # 60 °C: still inside the step
    moved = [fit_stepped(box, t, 20.0 + k * t, y_step=50.0) for k in np.arange(4.0, 30.0, 0.5)]
    assert 3 <= sum(moved) <= 6                                        # 60 → 310 °C: about one move per 50 °C
    assert box.viewRange()[1][1] >= 310.0 + 5.0
    longer = np.linspace(0.0, 13.0, 14)
    assert fit_stepped(box, longer, 20.0 + longer, y_step=50.0)        # past the right edge: x grows by 25 %
    assert box.viewRange()[0][1] == pytest.approx(16.25)
