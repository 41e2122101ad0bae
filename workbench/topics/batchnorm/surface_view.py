"""The "Loss surface" tab: the loss of A and of B on a plane through each net's current parameters
(Li et al., 2018, "Visualizing the loss landscape of neural nets"), side by side on one colour scale.

The engine fills each R × R grid coarse first (5 × 5, 9 × 9, …, NaN where not computed yet); until
a grid is complete each missing point shows the value of the nearest computed one, so the picture
sharpens in place instead of appearing as scattered dots.  The colour is log₁₀ loss by default: a
plain net's loss at the edge of the plane can be 10⁴ times its loss at the centre, and on a linear
scale everything but the edges would be one colour.  On the linear scale the top of the scale is the
95th percentile of the two grids, for the same reason.  A and B share one scale (and in 3-D one
height scale), so flatter means flatter.
"""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QStackedWidget, QVBoxLayout, QWidget

from widgets.colored_curve import auto_levels
from widgets.surface_map import SurfaceMap, fill_nearest
from workbench.pages import themes

NETS = ("a", "b")
KEYS = ("surface_axis",) + tuple(f"{kind}_{net}" for kind in ("surface", "trajectory") for net in NETS)
LINEAR_TOP_QUANTILE = 0.95
HINT = ("a plane through each net's current parameters (+), coordinates d₁, d₂ along the directions set by "
        "'surface plane'; line: the training trajectory projected on it")


def shared_levels(grids: list[np.ndarray], linear: bool) -> tuple[float, float]:
    """One colour scale for all ``grids``: their finite range, topped at the 95th percentile on a
    linear scale so a few exploded edge points do not flatten the rest."""
    finite = np.concatenate([g[np.isfinite(g)] for g in grids] or [np.zeros(0)])
    lo, hi = auto_levels(finite)
    if linear and finite.size:
        top = float(np.quantile(finite, LINEAR_TOP_QUANTILE))
        hi = top if top > lo else hi
    return lo, hi


def _fmt(value: float) -> str:
    return "–" if np.isnan(value) else f"{value:.3g}"


PLANE_AXES = {"filter_random": ("d₁ (random, filter-normalised)", "d₂ (random, filter-normalised)"),
              "gradient_random": ("d₁ = gradient, filter-normalised (+ is uphill)", "d₂ (random, ⟂ d₁)"),
              "pca": ("d₁: trajectory's 1st principal direction", "d₂: 2nd principal direction")}
FLAT_PATH = 0.01  # a trajectory spanning less than this share of the grid is invisible on it


def readout(net: str, variant: str, raw: np.ndarray, axis: np.ndarray, path: np.ndarray | None = None) -> str:
    """"A (none): 961/961 points · centre 0.031 · range 0.02–14.2" for a grid still being filled,
    and how far the projected trajectory reaches (Li et al.: random planes miss it)."""
    done = ~np.isnan(raw)
    centre = raw[np.argmin(np.abs(axis)), np.argmin(np.abs(axis))] if axis.size else np.nan
    lo, hi = (float(raw[done].min()), float(raw[done].max())) if done.any() else (np.nan, np.nan)
    text = (f"{net.upper()} ({variant}): {int(done.sum())}/{raw.size} points · centre {_fmt(centre)}"
            f" · range {_fmt(lo)}–{_fmt(hi)}")
    if path is not None and len(path) > 1 and axis.size:
        reach = float(np.abs(path).max()) / max(float(np.abs(axis).max()), 1e-300)
        text += f" · trajectory reaches {reach:.2g} of the span"
        if reach < FLAT_PATH:
            text += " (this plane is nearly orthogonal to it: choose surface plane = pca to see it)"
    return text


class SurfaceView(QWidget):
    """A and B's loss surfaces as contour maps with the training trajectory (or as 3-D surfaces),
    with a readout of points done, centre loss and range per net."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._variants = {"a": "A", "b": "B"}
        self._data: dict[str, np.ndarray] = {}
        self._filled: dict[str, np.ndarray] = {}
        self._dirty = False
        self._theme = "light"
        self._plane = ""
        self.linear = QCheckBox("linear loss")
        self.linear.setToolTip("colour (and 3-D height) by the loss itself instead of log₁₀ loss")
        self.three_d = QCheckBox("3-D")
        self.three_d.setToolTip("show each surface in 3-D (drag to turn, wheel to zoom)")
        self.maps: dict[str, SurfaceMap] = {}
        self.views3d: dict = {}
        self.readouts: dict[str, QLabel] = {}
        self._stacks: dict[str, QStackedWidget] = {}
        options = QHBoxLayout()
        options.addWidget(self.linear)
        options.addWidget(self.three_d)
        self.hint = hint = QLabel(HINT)
        hint.setWordWrap(True)
        options.addWidget(hint, 1)
        grid = QGridLayout()
        for col, net in enumerate(NETS):
            surface_map = SurfaceMap(colorbar_title="log₁₀ loss")
            surface_map.set_labels("d₁", "d₂")
            surface_map.set_title(f"{net.upper()}")
            self.maps[net] = surface_map
            self.readouts[net] = label = QLabel(f"{net.upper()}: no surface yet")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            label.setWordWrap(True)  # a long readout must not widen the window
            self._stacks[net] = stack = QStackedWidget()
            stack.addWidget(surface_map)
            grid.addWidget(label, 0, col)
            grid.addWidget(stack, 1, col)
        grid.setRowStretch(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(options)
        layout.addLayout(grid, 1)
        self.linear.toggled.connect(self._redraw_now)
        self.three_d.toggled.connect(self._show_3d)

    def take(self, arrays: dict[str, np.ndarray], variants: dict[str, str], plane: str = "") -> None:
        """Keep the newest surface arrays (any subset of them) for the next :meth:`draw`; ``plane``
        names the axes (e.g. d₁ is the gradient on the gradient plane)."""
        new = {k: arrays[k] for k in KEYS if k in arrays}
        self._variants.update(variants)
        if plane in PLANE_AXES and plane != self._plane:
            self._plane = plane
            for surface_map in self.maps.values():
                surface_map.set_labels(*PLANE_AXES[plane])
        if new:
            self._data.update(new)
            self._dirty = True

    def draw(self) -> None:
        """Push what :meth:`take` stored to the plots; nothing to do when nothing new came."""
        if not self._dirty:
            return
        self._dirty = False
        axis = self._data.get("surface_axis")
        if axis is None:
            return
        axis = np.asarray(axis, dtype=np.float64)
        linear = self.linear.isChecked()
        shown: dict[str, np.ndarray] = {}
        for net in NETS:
            raw = self._data.get(f"surface_{net}")
            if raw is None or raw.shape != (axis.size, axis.size) or np.isnan(raw).all():
                continue
            self._filled[net] = fill_nearest(raw)
            if linear:
                shown[net] = self._filled[net]
            else:
                with np.errstate(divide="ignore", invalid="ignore"):
                    shown[net] = np.log10(self._filled[net])
        if not shown:
            return
        levels = shared_levels(list(shown.values()), linear)
        for net, z in shown.items():
            self._draw_net(net, z, axis, levels, linear)
        quantity = "loss" if linear else "log₁₀ loss"
        self.hint.setText(HINT + (f" · 3-D height and colour: {quantity} from {levels[0]:.3g} (floor) to "
                                  f"{levels[1]:.3g} (top), one scale for A and B" if self.three_d.isChecked() else ""))

    def _draw_net(self, net: str, z: np.ndarray, axis: np.ndarray, levels, linear: bool) -> None:
        variant = self._variants.get(net, net.upper())
        path = np.asarray(self._data.get(f"trajectory_{net}", np.zeros((0, 2))), dtype=np.float64).reshape(-1, 2)
        surface_map = self.maps[net]
        surface_map.set_title(f"{net.upper()}: {variant}")
        surface_map.set_colorbar_title("loss" if linear else "log₁₀ loss")
        surface_map.set_value_format((lambda v: f"loss {v:.4g}") if linear else (lambda v: f"loss {10 ** v:.4g}"))
        surface_map.set_field(z, axis, axis, levels=levels)
        surface_map.set_path(path)
        surface_map.set_marker((0.0, 0.0))
        if net in self.views3d:
            self.views3d[net].set_surface(z, axis, axis, levels=levels)
            self.views3d[net].set_path(path)
        self.readouts[net].setText(readout(net, variant, self._data[f"surface_{net}"], axis, path))

    def _redraw_now(self) -> None:
        self._dirty = bool(self._data)
        self.draw()

    def _show_3d(self, on: bool) -> None:
        """Swap each map for a 3-D view; the GL views are built on first use only."""
        if on and not self.views3d:
            from widgets.surface_view3d import SurfaceView3D

            background = themes.plot_colors(self._theme)["background"]
            for net in NETS:
                self.views3d[net] = SurfaceView3D(background=background)
                self.views3d[net].set_axis_labels("d₁", "d₂")
                self._stacks[net].addWidget(self.views3d[net])
        for net in NETS:
            self._stacks[net].setCurrentIndex(1 if on else 0)
        if on:
            self._redraw_now()

    def clear(self) -> None:
        self._data, self._filled, self._dirty = {}, {}, False
        for net in NETS:
            self.maps[net].clear()
            self.maps[net].set_title(net.upper())
            if net in self.views3d:
                self.views3d[net].clear()
            self.readouts[net].setText(f"{net.upper()}: no surface yet")

    def plots(self) -> dict[str, pg.PlotItem]:
        return {f"surface_{net}": self.maps[net].plot_item for net in NETS}

    def series(self) -> dict[str, dict[str, tuple[np.ndarray, np.ndarray]]]:
        """Per net: the trajectory (d₁, d₂) and the loss along each axis through the centre."""
        out: dict[str, dict[str, tuple[np.ndarray, np.ndarray]]] = {}
        axis = np.asarray(self._data.get("surface_axis", np.zeros(0)), dtype=np.float64)
        for net in NETS:
            path = np.asarray(self._data.get(f"trajectory_{net}", np.zeros((0, 2))), dtype=np.float64).reshape(-1, 2)
            series = {"trajectory": (path[:, 0].copy(), path[:, 1].copy())}
            filled = self._filled.get(net)
            if filled is not None and filled.shape == (axis.size, axis.size):
                c = int(np.argmin(np.abs(axis)))
                series["loss along d1 at d2=0"] = (axis.copy(), filled[:, c].copy())
                series["loss along d2 at d1=0"] = (axis.copy(), filled[c, :].copy())
            out[f"surface_{net}"] = series
        return out

    def apply_theme(self, name: str) -> None:
        self._theme = name
        colours = themes.plot_colors(name)
        for net in NETS:
            themes.style_plot_widget(self.maps[net].plot_widget, name)
            bar_axis = self.maps[net].colorbar.axis
            bar_axis.setPen(colours["foreground"])
            bar_axis.setTextPen(colours["foreground"])
            if net in self.views3d:
                self.views3d[net].set_background(colours["background"])
