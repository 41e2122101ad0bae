"""The regulariser race's page (regularization.md panel W2): one colour per method on every plot, the
race (accuracy, robust accuracy, losses) and the standings table first, then the norms each method
drives (Σ‖W‖², Σlog‖W‖, the layer balance D, one method's per-layer norms) and the input gradient
against the bound ∏‖W_l‖₂ (W-7)."""
from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (QComboBox, QGridLayout, QHBoxLayout, QHeaderView, QLabel, QTableWidget,
                               QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget)

from engines.core.frame import Frame
from engines.regularization.race import MAX_DEPTH
from engines.regularization.race_population import METHOD_RULES, METHODS
from widgets.live_plot import PALETTE, LivePlot
from workbench.pages.experiment_view import ExperimentView

METHOD_COLORS = dict(zip(METHODS, ("#7f7f7f", "#2ca02c", "#d62728", "#1f77b4", "#ff7f0e", "#9467bd", "#8c564b")))
# (series key, title, y label, log y) of the plots, by tab
TABS = (
    ("Race", (("test_acc", "test accuracy", "accuracy", False),
              ("fgsm_acc", "accuracy under FGSM at ε", "accuracy", False),
              ("train_loss", "training loss (whole training set)", "cross-entropy (nats)", True),
              ("test_loss", "test loss", "cross-entropy (nats)", True))),
    ("Norms", (("l2", "Σ‖W_l‖² (what L2 penalises)", "squared weight", True),
               ("log_norm_sum", "Σ log‖W_l‖ (what WEISSI-log penalises)", "Σ log‖W_l‖", False),
               ("imbalance", "layer balance D = ‖W₁‖² − ‖W₂‖²", "squared weight", False))),
    ("Input gradient", (("input_grad", "mean ‖∂f_y/∂x‖₂ over the test set", "gradient norm", True),
                        ("product_spectral", "∏ ‖W_l‖₂ (bounds every ‖∂f/∂x‖₂)", "product of norms", True),
                        ("product_frobenius", "∏ ‖W_l‖_F (≥ ∏ ‖W_l‖₂)", "product of norms", True),
                        ("train_acc", "training accuracy", "accuracy", False))),
)
STANDING_COLUMNS = (("train_acc", "train acc"), ("test_acc", "test acc"), ("fgsm_acc", "FGSM acc"),
                    ("input_grad", "mean ‖∂f/∂x‖"), ("l2", "Σ‖W‖²"), ("log_norm_sum", "Σlog‖W‖"))


class RaceView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.curves: dict[str, LivePlot] = {}
        self._log_keys = {key for _tab, plots in TABS for key, _t, _y, log in plots if log}
        self._latest: dict[str, dict[str, float]] = {}
        self._stopped: set[str] = set()  # methods that diverged: the race goes on without them
        self._step = 0
        self._methods: tuple[str, ...] = METHODS
        self._table_dirty = False
        self.tabs = QTabWidget()
        for tab_title, plots in TABS:
            page = QWidget()
            grid = QGridLayout(page)
            grid.setContentsMargins(0, 0, 0, 0)
            for index, (key, title, y_label, log) in enumerate(plots):
                self.curves[key] = self._method_plot(title, y_label, log)
                grid.addWidget(self.curves[key], index // 2, index % 2)
            if tab_title == "Race":
                self.standings = self._standings_table()
                grid.addWidget(self.standings, 2, 0, 1, 2)
            if tab_title == "Norms":
                grid.addWidget(self._layer_norms_box(), 1, 1)
            self.tabs.addTab(page, tab_title)
        self.key = QLabel()
        self.key.setToolTip("each method's colour on every plot of this page (hover a curve for its values)")
        self.tabs.setCornerWidget(self.key, Qt.TopRightCorner)
        self._show_key(METHODS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def _show_key(self, methods) -> None:
        """One colour key for every plot (seven legends would each cover most of their plot)."""
        self.key.setText("&nbsp;&nbsp;".join(f'<span style="color:{METHOD_COLORS[m]}">━━</span>&nbsp;'
                                              f'{METHOD_RULES[m].label}' for m in methods) + "&nbsp;")

    def _method_plot(self, title: str, y_label: str, log: bool) -> LivePlot:
        plot = LivePlot()
        plot.set_title(title)
        plot.set_labels("step", y_label)
        for m in METHODS:
            plot.add_series(METHOD_RULES[m].label, color=METHOD_COLORS[m], width=1.0)
        plot.set_log_y(log)
        plot.plot_item.legend.setVisible(False)
        return plot

    def _standings_table(self) -> QTableWidget:
        table = QTableWidget(len(METHODS), len(STANDING_COLUMNS))
        table.setHorizontalHeaderLabels([label for _, label in STANDING_COLUMNS])
        table.setVerticalHeaderLabels([METHOD_RULES[m].label for m in METHODS])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.setToolTip("the latest evaluation of every method; bold: the best test and FGSM accuracy")
        table.setVerticalScrollBarPolicy(Qt.ScrollBarAsNeeded)
        return table

    def _fit_standings_height(self) -> None:
        """As tall as its shown rows: the plots above take the rest."""
        table = self.standings
        table.resizeRowsToContents()
        header = max(table.horizontalHeader().height(), table.horizontalHeader().sizeHint().height())
        table.setFixedHeight(header + table.verticalHeader().length() + 2 * table.frameWidth() + 4)

    def _layer_norms_box(self) -> QWidget:
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()
        row.addWidget(QLabel("per-layer norms of"))
        self.layer_method = QComboBox()
        for m in METHODS:
            self.layer_method.addItem(METHOD_RULES[m].label, m)
        self.layer_method.currentIndexChanged.connect(self._show_layer_norms)
        row.addWidget(self.layer_method, 1)
        layout.addLayout(row)
        self.layer_plot = LivePlot()
        self.layer_plot.set_title("‖W_l‖_F of each layer")
        self.layer_plot.set_labels("step", "weight norm")
        self.layer_plot.set_log_y(True)
        layout.addWidget(self.layer_plot, 1)
        self._layer_points: dict[str, dict[int, tuple[list, list]]] = {}
        return box

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        self._methods = tuple(m for m in str(params.get("methods", "")).split(",") if m in METHODS)
        for row, m in enumerate(METHODS):
            self.standings.setRowHidden(row, m not in self._methods)
        self._fit_standings_height()
        self._show_key(self._methods)
        for index, m in enumerate(METHODS):  # the per-layer plot offers the racing methods only
            self.layer_method.model().item(index).setEnabled(m in self._methods)
        if self.layer_method.currentData() not in self._methods and self._methods:
            self.layer_method.setCurrentIndex(METHODS.index(self._methods[0]))
        racing = {METHOD_RULES[m].label: {"color": METHOD_COLORS[m], "width": 1.0} for m in self._methods}
        for plot in self.curves.values():  # the methods in this race only
            plot.keep_series(racing)
        self.curves["fgsm_acc"].set_title(f"accuracy under FGSM, ε = {params.get('fgsm_eps', 0):g}")
        depth = int(params.get("depth", 3))
        for name in self.layer_plot.series_names():
            self.layer_plot.remove_series(name)
        for layer in range(1, depth + 1):
            self.layer_plot.add_series(f"layer {layer}", color=PALETTE[(layer - 1) % len(PALETTE)], width=1.5)

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        for frame in frames:
            if not frame.scalars:
                continue
            self._step = frame.step
            for m in self._methods:
                label = METHOD_RULES[m].label
                values = {key: frame.scalars.get(f"{key}_{m}") for key in self.curves}
                if values["test_acc"] is None:
                    self._stopped.add(m)
                    continue
                self._latest[m] = {key: v for key, v in values.items() if v is not None}
                for key, value in values.items():
                    if value is not None and (value > 0 or key not in self._log_keys):
                        self.curves[key].append(label, frame.step, value)
                for layer in range(1, MAX_DEPTH + 1):
                    value = frame.scalars.get(f"norm_{layer}_{m}")
                    if value is not None:
                        xs, ys = self._layer_points.setdefault(m, {}).setdefault(layer, ([], []))
                        xs.append(frame.step)
                        ys.append(value)
            self._table_dirty = True

    def draw(self) -> None:
        for plot in self.curves.values():
            plot.redraw()
        if self._table_dirty:
            self._table_dirty = False
            self._fill_standings()
            self._show_layer_norms()

    def _fill_standings(self) -> None:
        running = {m: v for m, v in self._latest.items() if m not in self._stopped}
        best = {key: max((v[key] for v in running.values() if key in v), default=math.nan)
                for key in ("test_acc", "fgsm_acc")}
        for row, m in enumerate(METHODS):
            values = running.get(m, {})
            for column, (key, _label) in enumerate(STANDING_COLUMNS):
                value = values.get(key)
                empty = "stopped: diverged" if m in self._stopped and column == 0 else "—"
                item = QTableWidgetItem(empty if value is None else f"{value:.4g}" if "acc" not in key else f"{value:.3f}")
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter)
                if value is not None and key in best and value == best[key]:
                    font = QFont()
                    font.setBold(True)
                    item.setFont(font)
                self.standings.setItem(row, column, item)
        self._fit_standings_height()

    def _show_layer_norms(self, *_args) -> None:
        points = self._layer_points.get(self.layer_method.currentData(), {})
        for name in self.layer_plot.series_names():
            xs, ys = points.get(int(name.split()[-1]), ([], []))
            self.layer_plot.set_series(name, xs, ys)

    def clear(self) -> None:
        for plot in self.curves.values():
            plot.clear()
        self.layer_plot.clear()
        self._latest.clear()
        self._stopped.clear()
        self._layer_points.clear()
        self.standings.clearContents()

    def standings_text(self) -> dict[str, dict[str, str]]:
        """The table as shown: method label → column label → text."""
        out = {}
        for row, m in enumerate(METHODS):
            if self.standings.isRowHidden(row):
                continue
            out[METHOD_RULES[m].label] = {label: (self.standings.item(row, column).text()
                                                  if self.standings.item(row, column) else "")
                                          for column, (_key, label) in enumerate(STANDING_COLUMNS)}
        return out

    def plots(self) -> dict:
        return {**{key: plot.plot_item for key, plot in self.curves.items()}, "layer_norms": self.layer_plot.plot_item}

    def series(self) -> dict:
        return {**{key: plot.series_data() for key, plot in self.curves.items()},
                "layer_norms": self.layer_plot.series_data()}
