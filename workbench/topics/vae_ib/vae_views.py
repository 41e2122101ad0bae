"""Views of a trained VAE: what it reconstructs and generates, how it interpolates, and how
decoupled its code is (note §1.6–1.7, §3.2)."""
from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6 import QtCore
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from widgets import LivePlot
from widgets.bar_plot import BarPlot
from widgets.heat_map import HeatMap
from widgets.image_grid import ImageGrid

SIDE = 8


def _images(flat: np.ndarray) -> np.ndarray:
    return flat.reshape(-1, SIDE, SIDE)


class ImagesView(QWidget):
    """Inputs, their reconstructions from μ, decoded prior samples, and the decoded linear and
    cos/sin paths between two prior samples with the prior log-density along each."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.inputs = ImageGrid(title="inputs x")
        self.recon = ImageGrid(title="reconstructions (decoded μ)")
        self.prior = ImageGrid(title="samples: decoded z ~ N(0, I)")
        self.linear = ImageGrid(title="linear path (1 − t) z₁ + t z₂")
        self.cossin = ImageGrid(title="cos/sin path z₁ cos θ + z₂ sin θ")
        self.log_prior = LivePlot()
        self.log_prior.set_labels("t (θ = πt/2)", "log N(z_t; 0, I) (nats)")
        self.log_prior.add_series("linear", color="#d62728")
        self.log_prior.add_series("cos/sin", color="#1f77b4")
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.inputs, 0, 0)
        layout.addWidget(self.recon, 0, 1)
        layout.addWidget(self.prior, 0, 2)
        layout.addWidget(self.linear, 1, 0, 1, 2)
        layout.addWidget(self.log_prior, 1, 2, 2, 1)
        layout.addWidget(self.cossin, 2, 0, 1, 2)
        self._latest: dict[str, np.ndarray] = {}

    def take(self, arrays: dict[str, np.ndarray]) -> None:
        if "images_input" in arrays:
            self._latest = arrays

    def draw(self) -> None:
        a, self._latest = self._latest, {}
        if not a:
            return
        self.inputs.set_images(_images(a["images_input"]), n_cols=4)
        self.recon.set_images(_images(a["images_recon"]), n_cols=4)
        self.prior.set_images(_images(a["images_prior"]), n_cols=4)
        self.linear.set_images(_images(a["interp_linear"]), n_cols=a["interp_linear"].shape[0])
        self.cossin.set_images(_images(a["interp_cossin"]), n_cols=a["interp_cossin"].shape[0])
        lp = a["interp_logprior"]
        self.log_prior.set_series("linear", lp[:, 0], lp[:, 1])
        self.log_prior.set_series("cos/sin", lp[:, 0], lp[:, 2])

    def clear(self) -> None:
        for grid in (self.inputs, self.recon, self.prior, self.linear, self.cossin):
            grid.set_images(np.zeros((0, SIDE, SIDE)))
        self.log_prior.clear()

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"interpolation_log_prior": self.log_prior.plot_item}

    def series(self) -> dict[str, dict]:
        return {"interpolation_log_prior": self.log_prior.series_data()}


class DecouplingView(QWidget):
    """The aggregate posterior's correlation matrix (C = Cov(μ) + E diag σ²), its eigenvalues
    against 1, and the Gaussian total correlation: a standard-normal prior pulls C towards I,
    i.e. towards independent ("decoupled") features."""

    def __init__(self, parent=None):
        super().__init__(parent)
        self.heat = HeatMap(colorbar_title="correlation")
        self.heat.set_title("correlation of the aggregate posterior")
        self.eigen = BarPlot()
        self.eigen.set_labels("eigenvalue index", "eigenvalue of C")
        self.readout = QLabel(wordWrap=True)
        self.readout.setTextInteractionFlags(QtCore.Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QGridLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heat, 0, 0)
        layout.addWidget(self.eigen, 0, 1)
        layout.addWidget(self.readout, 1, 0, 1, 2)
        self._latest: dict[str, np.ndarray] = {}
        self._scalars: dict[str, float] = {}

    def take(self, arrays: dict[str, np.ndarray], scalars: dict[str, float]) -> None:
        if "correlation" in arrays:
            self._latest, self._scalars = arrays, scalars

    def draw(self) -> None:
        a, self._latest = self._latest, {}
        if not a:
            return
        corr = a["correlation"]
        names = [f"z{i}" for i in range(corr.shape[0])]
        self.heat.set_matrix(corr, row_labels=names, col_labels=names, levels=(-1.0, 1.0), diverging=True)
        eig = a["eigenvalues"]
        self.eigen.set_bars(eig, labels=[str(i) for i in range(eig.size)], threshold=1.0, threshold_label="1 (= N(0, I))")
        s = self._scalars
        self.readout.setText(
            f"Gaussian total correlation ½(Σ log C_ii − log det C) = {s.get('total_correlation', float('nan')):.4g} nats · "
            f"eigenvalues {eig.min():.3g} … {eig.max():.3g} · largest |off-diagonal correlation| "
            f"{s.get('max_offdiag_corr', float('nan')):.3g} · ‖E μ‖ = {s.get('mean_code_norm', float('nan')):.3g}. "
            "The reference run (K = 8) goes 0.97 → 0.039 → 0.0025 nats for β = 0 → 0.1 → 1.")

    def clear(self) -> None:
        self.heat.set_matrix(np.zeros((1, 1)))
        self.eigen.set_bars(np.zeros(0))
        self.readout.clear()

    def plots(self) -> dict[str, pg.PlotItem]:
        return {"correlation": self.heat.plot_item, "eigenvalues": self.eigen.plot_item}

    def series(self) -> dict[str, dict]:
        eig = self.eigen.values()
        return {"eigenvalues": {"eigenvalue": (np.arange(eig.size, dtype=float), eig)}}
