"""Small pyqtgraph helpers shared by the form tabs of several topics: drop the points a (log) axis
cannot show, and a dashed, labelled reference line."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt


def finite_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    """The points of (x, y) where both are finite (a log axis also needs y > 0: see positive_xy)."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    return x[keep], y[keep]


def positive_xy(x, y) -> tuple[np.ndarray, np.ndarray]:
    x, y = finite_xy(x, y)
    return x[y > 0], y[y > 0]


def dashed(color=(128, 128, 128), width: float = 1.2) -> pg.QtGui.QPen:
    return pg.mkPen(color, width=width, style=Qt.PenStyle.DashLine)


def marker(pos: float, label: str, angle: int = 90, color=(200, 70, 70), where: float = 0.9,
           anchor: tuple[float, float] = (0, 0.5)) -> pg.InfiniteLine:
    """A fixed dashed line at ``pos`` (vertical for angle 90, horizontal for 0) labelled at the
    fraction ``where`` of its length; ``anchor`` is the point of the label placed there."""
    return pg.InfiniteLine(pos=pos, angle=angle, movable=False, pen=dashed(color), label=label,
                           labelOpts={"position": where, "color": color, "anchors": [anchor, anchor]})
