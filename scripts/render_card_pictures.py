"""Render the start page's card pictures from the engines' own results, once, into resources/.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/render_card_pictures.py [OUT_DIR]

Each built topic gets ``<topic>.png`` (560 × 240 px, drawn at 2× for sharp text on high-density
screens): curves only, no axes, on a transparent background, in colours that read on the light and
the dark theme.  Run it again when a topic is added or its characteristic result changes; the
pictures are committed so the start page never computes.
"""
from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import numpy as np  # noqa: E402
import pyqtgraph as pg  # noqa: E402
from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtGui import QColor, QImage, QPainter  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from engines.core.frame import RunContext  # noqa: E402
from engines.registry import load_experiment  # noqa: E402

WIDTH, HEIGHT, SCALE = 560, 240, 2
COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd")
OUT = Path(__file__).resolve().parent.parent / "resources" / "pictures"


def last_frame(ref: str, **values):
    _, experiment = load_experiment(ref)
    params = experiment.params.validate({**experiment.params.defaults(), **values})
    frame = None
    for frame in experiment.run(params, RunContext(params)):
        pass
    return frame


def rope_curves():
    """The first three modes of a hanging rope at λ = ω²L/g = 26, x against z, and the axis."""
    curves = []
    for mode in (1, 2, 3):
        shape = last_frame("rope:steady", scenario="hanging", omega=16.0, mode=mode).arrays["shape"]
        curves.append((shape[:, 1], shape[:, 3], COLOURS[mode - 1], 3.0))
    depth = min(float(c[1].min()) for c in curves)
    curves.insert(0, (np.zeros(2), np.array([0.05, depth - 0.05]), "#8c959f", 1.2))
    return curves


def descent_curves():
    """Gradient descent at η = 1.5/L zig-zagging down the level sets of a rotated quadratic."""
    frame = last_frame("batchnorm:descent", eta_over_L=1.5, steps=30)
    grid, xs, ys = frame.arrays["contour"], frame.arrays["contour_x"], frame.arrays["contour_y"]
    curves = []
    for level in np.geomspace(grid[grid > 0].min() * 30, grid.max() * 0.6, 7):
        for line in pg.functions.isocurve(grid, level, connected=True):  # (row, column) = (y, x) indices
            rows, columns = np.array(line).T
            curves.append((np.interp(columns, np.arange(len(xs)), xs), np.interp(rows, np.arange(len(ys)), ys),
                           "#8c959f", 1.2))
    path = frame.arrays["path"]
    curves.append((path[:, 1], path[:, 2], COLOURS[3], 3.0))
    return curves


def normal_algebra_curves():
    """(a) of the normal-algebra page: the histogram of αz₁ + βz₂ as steps, and the exact density."""
    frame = last_frame("vae_ib:algebra", samples=200_000)
    hist, exact = frame.arrays["histogram"], frame.arrays["exact_curve"]
    half = 0.5 * (hist[1, 0] - hist[0, 0])
    steps_x = np.column_stack([hist[:, 0] - half, hist[:, 0] + half]).ravel()
    steps_y = np.repeat(hist[:, 1], 2)
    return [(steps_x, steps_y, COLOURS[0], 2.0), (exact[:, 0], exact[:, 1], COLOURS[1], 3.5)]


def shift_curves():
    """The explorer's L2 penalty along a scale shift a (log axis) against the flat, invariant Σlog‖W‖
    (both relative to their value at the balanced split)."""
    frame = last_frame("regularization:explorer", fit_steps=200)
    curve = frame.arrays["l2_curve"]
    keep = np.abs(curve[:, 0]) <= 1.2
    l2 = curve[keep, 1] / frame.scalars["l2_min"]
    flat = np.ones(keep.sum())
    return [(curve[keep, 0], l2, COLOURS[0], 3.0), (curve[keep, 0], flat, COLOURS[1], 3.0)]


def bandit_curves():
    """The bandit's variance parabola in the baseline b, and where 0, E_p[r] and b* sit on it."""
    frame = last_frame("pg_zoo:bandit", samples=100)
    curve = frame.arrays["variance_vs_b"]
    top = float(curve[:, 1].max())
    marks = [(np.full(2, b), np.array([0.0, top]), colour, 1.6) for b, colour in
             ((0.0, COLOURS[3]), (frame.scalars["b_mean"], COLOURS[1]), (frame.scalars["b_optimal"], COLOURS[2]))]
    return [(curve[:, 0], curve[:, 1], COLOURS[0], 3.0), *marks]


def power_mean_curves():
    """The power mean L(γ) of the losses (0.5, 2, 8) on a log axis rising from min to max, the same
    with the largest loss × 10, and short ticks at the harmonic, geometric, arithmetic and quadratic means."""
    frame = last_frame("multitask:power_mean", losses="0.5, 2, 8", scaled_task=3, task_scale=10.0)
    curve, means = frame.arrays["curve"], frame.arrays["means"]
    log_curve = np.log10(curve[:, 1])
    ticks = [(np.full(2, g), np.log10(v) + np.array([-0.12, 0.12]), COLOURS[2], 3.0) for g, v in means]
    return [(curve[:, 0], np.log10(curve[:, 2]), COLOURS[1], 2.0), (curve[:, 0], log_curve, COLOURS[0], 3.0), *ticks]


def wok_profiles():
    """The temperature along a wok's meridian after four minutes on a small flame: 1 mm stainless
    (a hot ring over the flame, a cold rim) against 3 mm aluminium (nearly flat)."""
    curves = []
    for colour, material, mm in ((COLOURS[3], "stainless_304", 1.0), (COLOURS[0], "aluminium", 3.0)):
        frame = last_frame("wok", material=material, thickness=mm, source_radius=3.0, power=1500.0, duration=240.0,
                           record_every=240.0, cells=120)
        profile = frame.arrays["profile"]
        curves.append((profile[:, 1], profile[:, 2] / 100.0, colour, 3.0))
    return curves


PICTURES = {"rope": rope_curves, "batchnorm": descent_curves, "vae_ib": normal_algebra_curves,
            "regularization": shift_curves, "pg_zoo": bandit_curves, "multitask": power_mean_curves,
            "wok": wok_profiles}


def render(curves, path: Path, equal_aspect: bool = False) -> None:
    plot = pg.PlotWidget(background=None)
    plot.resize(WIDTH * SCALE, HEIGHT * SCALE)
    item = plot.getPlotItem()
    item.hideAxis("left")
    item.hideAxis("bottom")
    item.setMenuEnabled(False)
    if equal_aspect:
        item.setAspectLocked(True)
    for x, y, colour, width in curves:
        item.plot(x, y, pen=pg.mkPen(colour, width=width * SCALE), antialias=True)
    item.getViewBox().autoRange(padding=0.04)
    image = QImage(WIDTH * SCALE, HEIGHT * SCALE, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0, 0))
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    plot.scene().render(painter, image.rect().toRectF(), plot.sceneRect(), Qt.AspectRatioMode.IgnoreAspectRatio)
    painter.end()
    image.setDevicePixelRatio(SCALE)
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(str(path))


def main(out: str | None = None) -> None:
    app = QApplication.instance() or QApplication(sys.argv[:1])  # noqa: F841 - pyqtgraph needs one
    folder = Path(out) if out else OUT
    for topic, curves in PICTURES.items():
        render(curves(), folder / f"{topic}.png", equal_aspect=topic in ("rope", "batchnorm"))
        print(folder / f"{topic}.png")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else None)
