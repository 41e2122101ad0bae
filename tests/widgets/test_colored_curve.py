"""ColoredCurve: colour-mapped segments, a colour bar, and both of pyqtgraph's exporters.

The SVG export test is a tripwire: pyqtgraph 0.14's SVG exporter breaks on Qt >= 6.11
(pyqtgraph #3485), and this test must fail loudly if the environment ever gets there.
"""
from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pyqtgraph as pg
import pyqtgraph.exporters as pgx
import pytest
from PySide6 import QtGui

from widgets.colored_curve import ColoredCurve, ColoredCurvePlot, auto_levels

SVG_NS = "{http://www.w3.org/2000/svg}"


def rope(n=2000):
    s = np.linspace(0.0, 1.0, n)
    return np.sin(np.pi * s) * 0.3, -s, 2.0 + 5.0 * s**2


@pytest.fixture
def cplot(qtbot):
    w = ColoredCurvePlot(colorbar_title="tension (N)", name="rope", value_name="tension")
    qtbot.addWidget(w)
    w.resize(480, 400)
    x, y, t = rope()
    w.set_data(x, y, t)
    w.set_labels("x (m)", "z (m)")
    w.show()
    qtbot.waitExposed(w)
    return w


def test_segments_grouped_by_colour_and_levels():
    curve = ColoredCurve()
    x, y, t = rope(500)
    curve.set_data(x, y, t, colormap_name="inferno")
    assert curve.levels() == pytest.approx((2.0, 7.0))
    assert 10 < len(curve._paths) <= 64
    colours = {c.name() for c, _ in curve._paths}
    assert len(colours) == len(curve._paths)
    lo, hi = (pg.colormap.get("inferno").map(v, mode="qcolor").name() for v in (0.0, 1.0))
    assert lo in colours and hi in colours
    rect = curve.boundingRect()
    assert rect.left() == pytest.approx(0.0, abs=1e-9) and rect.width() == pytest.approx(0.3, rel=1e-3)
    assert curve.dataBounds(1) == pytest.approx((-1.0, 0.0))


def test_fixed_levels_and_invalid_input():
    curve = ColoredCurve()
    curve.set_data([0, 1, 2], [0, 1, 0], [0, 0.5, 1.0], levels=(0, 100))
    assert curve.levels() == (0.0, 100.0)
    assert len(curve._paths) == 1
    with pytest.raises(ValueError, match="length"):
        curve.set_data([0, 1], [0, 1], [0])
    with pytest.raises(ValueError, match="low < high"):
        curve.set_data([0, 1], [0, 1], [0, 1], levels=(1, 1))
    lo, hi = auto_levels(np.array([3.0, 3.0]))
    assert lo < 3.0 < hi


def test_nan_points_break_the_line_without_error():
    curve = ColoredCurve()
    curve.set_data([0, 1, np.nan, 3, 4], [0, 1, 2, 3, 4], [1, np.nan, 3, 4, 5])
    assert sum(p.elementCount() for _, p in curve._paths) == 2 * 2
    assert "#969696" in {c.name() for c, _ in curve._paths}


def test_colorbar_follows_curve(cplot):
    bar = cplot.colorbar
    assert bar.levels() == pytest.approx((2.0, 7.0))
    assert bar.axis.labelText == "tension (N)"
    cplot.set_data([0, 1], [0, 1], [10, 20], colormap_name="plasma")
    assert bar.levels() == pytest.approx((10.0, 20.0))
    cplot.set_colorbar_title("speed (m/s)")
    assert bar.axis.labelText == "speed (m/s)"


def test_series_data_and_equal_aspect(cplot):
    data = cplot.series_data()
    assert set(data) == {"rope", "tension"}
    x, y, t = rope()
    np.testing.assert_array_equal(data["rope"][1], y)
    np.testing.assert_array_equal(data["tension"][1], t)
    cplot.set_equal_aspect(True)
    assert cplot.plot_item.getViewBox().state["aspectLocked"] == 1.0


def test_svg_export_contains_coloured_paths(cplot, tmp_path):
    out = tmp_path / "rope.svg"
    pgx.SVGExporter(cplot.plot_item).export(str(out))
    assert out.exists() and out.stat().st_size > 1000
    root = ET.parse(out).getroot()
    shapes = [e for e in root.iter() if e.tag in (SVG_NS + "path", SVG_NS + "polyline")]
    assert shapes, "no path or polyline in the SVG"
    strokes = {e.get("stroke", "").lower() for e in root.iter()}
    end = pg.colormap.get("viridis").map(1.0, mode="qcolor").name().lower()
    assert end in strokes, "the curve's colour-mapped segments are missing from the SVG"


def test_png_export_shows_the_curve(cplot, tmp_path):
    out = tmp_path / "rope.png"
    exporter = pgx.ImageExporter(cplot.plot_item)
    exporter.parameters()["width"] = 600
    exporter.export(str(out))
    assert out.exists() and out.stat().st_size > 0
    img = QtGui.QImage(str(out))
    assert not img.isNull() and img.width() == 600
    img = img.convertToFormat(QtGui.QImage.Format.Format_RGBA8888)
    arr = pg.functions.ndarray_from_qimage(img)[..., :3].astype(int)
    scale = 600 / cplot.plot_item.sceneBoundingRect().width()
    view = cplot.plot_item.getViewBox().sceneBoundingRect().translated(
        -cplot.plot_item.sceneBoundingRect().topLeft())
    left, right = int(view.left() * scale), int(view.right() * scale)
    top, bottom = int(view.top() * scale), int(view.bottom() * scale)
    inside = arr[top:bottom, left:right]
    yellow = pg.colormap.get("viridis").map(1.0, mode="byte")[:3]
    close = (np.abs(inside - np.array(yellow)).sum(axis=-1) < 40).sum()
    assert close > 20, "no viridis-yellow curve pixels in the PNG"
