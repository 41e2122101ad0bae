"""The vae_ib training page's view (the experiment ``vae_ib:train``): live training curves (runs
kept as ghosts for comparison), the latent space, the information plane and eq. 7's bound, and a
VAE's images and decoupling, each in a tab of its own."""
from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QLabel, QTabWidget, QVBoxLayout, QWidget

from engines.core.frame import Frame
from engines.vae_ib import EXPERIMENTS, relevant
from widgets.training_curves import TrainingCurves
from workbench.pages.experiment_view import ExperimentView
from workbench.topics.vae_ib.info_view import InformationView
from workbench.topics.vae_ib.latent_view import LatentView
from workbench.topics.vae_ib.vae_views import DecouplingView, ImagesView

ALL_DIGITS = 1797
CURVE_GROUPS = (  # (name, y label, smoothing, {model: metrics}); evaluations are sparse: no smoothing
    ("loss", "nats per example", 0.6, {"vib": ("loss", "ce", "kl_nats"),
                                       "vae": ("loss", "recon", "kl_nats", "elbo")}),
    ("information", "bits", 0.0, {"vib": ("kl_bound_bits", "mi_bits", "izy_bits"),
                                  "vae": ("kl_bound_bits", "mi_bits")}),
    ("accuracy", "accuracy (fraction correct)", 0.0, {"vib": ("train_acc", "test_acc", "test_acc_sampled"),
                                                      "vae": ()}),
    ("units", "active units (of K)", 0.0, {"vib": (), "vae": ("active_units",)}),
    ("correlation", "total correlation (nats)", 0.0, {"vib": (), "vae": ("total_correlation",)}),
    ("sigma", "mean encoder σ", 0.0, {"vib": ("mean_sigma",), "vae": ("mean_sigma",)}),
    ("beta", "β", 0.0, {"vib": ("beta",), "vae": ("beta",)}),
)
METRIC_LABELS = {series.name: series.title for series in EXPERIMENTS[0].series()}  # declared by the engine
SHOWN_IN_LABEL = ("model", "beta", "latent_dim", "penalty", "train_size", "lr", "seed")

class TrainingView(ExperimentView):
    """The five tabs of a VIB / VAE run, fed by frames and drawn by the host's timer."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._run_count = 0
        self._model = ""  # the model of the runs on the curves (ghosts are kept only for the same model)
        self._last_step = 0
        self.curves: dict[str, TrainingCurves] = {}
        self._metrics: dict[str, tuple[str, ...]] = {}
        self._pending: dict[tuple[str, str], list[tuple[float, float, float]]] = {}
        self._budget_line = None
        training = QWidget()
        self._grid = grid = QGridLayout(training)
        grid.setContentsMargins(0, 0, 0, 0)
        for name, y_label, smoothing, _ in CURVE_GROUPS:
            curves = TrainingCurves(max_runs=6)
            curves.set_labels(y_label)
            curves.set_smoothing(smoothing)
            self.curves[name] = curves
        self.latent = LatentView()
        self.information = InformationView()
        self.images = ImagesView()
        self.decoupling = DecouplingView()
        self.view_tabs = QTabWidget()
        for widget, title in ((training, "Training"), (self.latent, "Latent space"),
                              (self.information, "Information"), (self.images, "Images (VAE)"),
                              (self.decoupling, "Decoupling (VAE)")):
            self.view_tabs.addTab(widget, title)
        self._beta_first: float | None = None
        self._set_beta_shown(False)
        self.device_label = QLabel("device: not started")
        self.device_label.setObjectName("deviceLabel")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.device_label)
        layout.addWidget(self.view_tabs, 1)
        self._show_model("vib")

    # --- the view protocol ------------------------------------------------------------------------
    def begin(self, p: dict[str, Any]) -> None:
        """A new run: the previous one's last points go to it, and it becomes a ghost."""
        self._flush_curves()
        if p["model"] != self._model:  # a VIB's curves are no ghosts for a VAE: other quantities, other scales
            for curves in self.curves.values():
                curves.clear()
        self._model = p["model"]
        self._run_count += 1
        label = f"#{self._run_count} {p['model']} β={p['beta']:g} K={p['latent_dim']}"
        text = ", ".join(f"{k}={p[k]}" for k in SHOWN_IN_LABEL if k in relevant(p))
        for curves in self.curves.values():
            curves.begin_run(f"run{self._run_count}", label, text)
        self._show_model(p["model"])
        self._show_budget(p)
        self._beta_first = None
        self._set_beta_shown(p["penalty"] == "adaptive")
        self.information.clear()
        n = p["train_size"] if p["model"] == "vib" else ALL_DIGITS
        self.information.set_model(p["model"], n)

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            self._take_frame(frame)

    def _take_frame(self, frame: Frame) -> None:
        if frame.step == 0 and frame.message:
            self.device_label.setText(frame.message)
        s = frame.scalars
        seconds = s.get("seconds", 0.0)
        if "beta" in s and not self.beta_shown:  # a constant β is said in the run's label, not plotted
            if self._beta_first is None:
                self._beta_first = s["beta"]
            elif abs(s["beta"] - self._beta_first) > 1e-6 * max(abs(self._beta_first), 1e-12):
                self._set_beta_shown(True)  # β was changed during the run: now its curve says something
        for name in self.curves:
            for metric in self._metrics[name]:
                if metric in s:
                    self._pending.setdefault((name, metric), []).append((frame.step, seconds, s[metric]))
        if s:
            self._last_step = frame.step
        self.information.take(frame.step, s)
        if frame.arrays:
            self.latent.take(frame.arrays)
            self.images.take(frame.arrays)
            self.decoupling.take(frame.arrays, s)

    def _set_beta_shown(self, on: bool) -> None:
        """The β plot is shown only while β moves (adaptive penalty, or changed live): a plot of a
        constant says nothing the parameter column does not."""
        self.beta_shown = bool(on)
        self._lay_out_curves()

    def _lay_out_curves(self) -> None:
        """The plots that have something to show for this model, one quantity each, two per row
        (a last odd one spans its row)."""
        shown = [name for name, *_ in CURVE_GROUPS
                 if self._metrics.get(name) and (name != "beta" or getattr(self, "beta_shown", False))]
        hidden = [name for name in self.curves if name not in shown]
        for index, name in enumerate(hidden):  # kept in the layout (out of sight), as Qt likes its plots
            self.curves[name].setVisible(False)
            self._grid.addWidget(self.curves[name], 10, index)
        for index, name in enumerate(shown):
            self.curves[name].setVisible(True)
            last_alone = index == len(shown) - 1 and len(shown) % 2 == 1
            self._grid.addWidget(self.curves[name], index // 2, index % 2, 1, 2 if last_alone else 1)

    def end(self, status: str, message: str) -> None:
        if status == "diverged":
            for curves in self.curves.values():
                run = curves.current_run()
                if run is not None:
                    curves.mark(run, self._last_step, f"diverged: {message}")

    def draw(self) -> None:
        self._flush_curves()
        for curves in self.curves.values():
            curves.redraw()
        self.latent.draw()
        self.information.draw()
        self.images.draw()
        self.decoupling.draw()

    def clear(self) -> None:
        self._pending = {}
        for curves in self.curves.values():
            curves.clear()
        self.latent.clear()
        self.information.clear()
        self.images.clear()
        self.decoupling.clear()

    def plots(self):
        out = {f"curves_{name}": curves.plot_item for name, curves in self.curves.items()}
        for view in (self.latent, self.information, self.images, self.decoupling):
            out.update(view.plots())
        return out

    def series(self):
        out = {f"curves_{name}": curves.series_data() for name, curves in self.curves.items()}
        for view in (self.latent, self.information, self.images, self.decoupling):
            out.update(view.series())
        return out

    # --- helpers ----------------------------------------------------------------------------------
    def show_sweep_endpoints(self, name: str, table: np.ndarray, columns: tuple[str, ...]) -> None:
        """A sweep's members as end points in the information plane."""
        if table.shape[0] and {"mi_bits", "izy_bits"} <= set(columns):
            self.information.set_endpoints(name, table[:, 0], table[:, columns.index("mi_bits")],
                                           table[:, columns.index("izy_bits")])

    def _show_budget(self, p: dict) -> None:
        """The hinge threshold / adaptive target on the KL curve (both in nats per example)."""
        plot = self.curves["loss"].plot_item
        if self._budget_line is not None:
            plot.removeItem(self._budget_line)
            self._budget_line = None
        if p["penalty"] != "plain":
            pen = pg.mkPen(200, 70, 70, 200, width=1, style=Qt.PenStyle.DashLine)
            self._budget_line = pg.InfiniteLine(pos=p["info_budget"], angle=0, pen=pen,
                                                label=f"information budget {p['info_budget']:g} nats",
                                                labelOpts={"position": 0.8, "color": (200, 70, 70)})
            plot.addItem(self._budget_line, ignoreBounds=True)

    def _show_model(self, model: str) -> None:
        for name, _, _, metrics in CURVE_GROUPS:
            self._metrics[name] = metrics[model]
        self._lay_out_curves()
        is_vae = model == "vae"
        for index, widget in ((3, self.images), (4, self.decoupling)):
            self.view_tabs.setTabEnabled(index, is_vae)
        self.information.plane.setVisible(not is_vae)

    def _flush_curves(self) -> None:
        """Hand the points buffered since the last repaint to the curves, one array per metric:
        appending per frame cost ~0.3 ms each, GIL time the training worker then lacked."""
        pending, self._pending = self._pending, {}
        for (name, metric), points in pending.items():
            step, seconds, value = np.array(points, dtype=np.float64).T
            self.curves[name].append(METRIC_LABELS[metric], step, seconds, value)
