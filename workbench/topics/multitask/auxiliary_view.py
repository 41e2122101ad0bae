"""The primary + auxiliary page (multitask.md panel M4): one page per problem, one colour per rule.

Noisy labels: test accuracy, the clean (auxiliary) loss, how much label noise each network has
memorised, and what the two data-aware rules did — the projection's conflict rate, and the share of
masked samples that were truly mislabelled against the batches' base rate.  L2 without λ: test
accuracy and loss, ‖θ‖ (the projected rules hold it near its start), the training loss, the λ the
validation set picks for L2 and AdamW, and every grid member's final scores.
"""
from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QGridLayout, QHeaderView, QLabel, QStackedWidget, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from engines.core.frame import Frame
from engines.multitask.auxiliary import GRID_COLUMNS
from engines.multitask.auxiliary_l2 import L2_LABELS, L2_METHODS
from engines.multitask.auxiliary_noisy import NOISY_LABELS, NOISY_METHODS
from widgets.live_plot import LivePlot
from workbench.pages.experiment_view import ExperimentView

RULE_COLOURS = ("#7f7f7f", "#1f77b4", "#ff7f0e", "#d62728", "#2ca02c")
PROBLEM_RULES = {"noisy_labels": (NOISY_METHODS, NOISY_LABELS), "l2_free": (L2_METHODS, L2_LABELS)}
# per problem: (series key, title, y label, log y) of the per-rule plots
PER_RULE = {
    "noisy_labels": (("test_acc", "test accuracy (true labels)", "accuracy", False),
                     ("clean_loss", "clean-set loss: the auxiliary, never to rise", "cross-entropy (nats)", True),
                     ("memorised", "mislabelled training images fitted to their wrong label", "fraction", False)),
    "l2_free": (("test_acc", "test accuracy", "accuracy", False),
                ("test_loss", "test loss", "cross-entropy (nats)", True),
                ("weight_norm", "‖θ‖: the projected rules hold it near ‖θ₀‖", "‖θ‖", False),
                ("train_loss", "training loss (over-fitting: → 0)", "cross-entropy (nats)", True)),
}
# per problem: (plot key, title, y label, log y, ((series key, label, colour, faint), ...))
SHARED = {
    "noisy_labels": (("rules", "what the projection and masking did", "fraction", False, (
        ("conflict_rate", "projection: steps with ⟨g_noisy, g_clean⟩ < 0", "#d62728", False),
        ("masked_fraction", "masking: share of a batch masked", "#2ca02c", False),
        ("masked_mislabelled", "masking: of the masked, mislabelled", "#9467bd", False),
        ("mislabelled_masked", "masking: of the mislabelled, masked", "#8c564b", False),
        ("batch_mislabelled", "base rate: mislabelled in the batches", "#7f7f7f", True))),),
    "l2_free": (("lambda", "λ picked by the validation loss", "λ", True, (
        ("lambda_l2", "L2's λ", RULE_COLOURS[1], False), ("lambda_adamw", "AdamW's λ", RULE_COLOURS[2], False))),),
}


class AuxiliaryView(ExperimentView):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.problem = "noisy_labels"
        self.curves: dict[str, dict[str, LivePlot]] = {}
        self.stack, self.pages = QStackedWidget(), {}
        for problem in PROBLEM_RULES:
            page = QWidget()
            grid = QGridLayout(page)
            grid.setContentsMargins(0, 0, 0, 0)
            self.curves[problem] = plots = {}
            for key, title, y_label, log in PER_RULE[problem]:
                plots[key] = self._rule_plot(problem, title, y_label, log)
            for key, title, y_label, log, lines in SHARED[problem]:
                plots[key] = self._plot(title, y_label, log)
                for _series, label, colour, faint in lines:
                    plots[key].add_series(label, color=colour, width=2.5 if faint else 1.5, faint=faint)
            for index, plot in enumerate(plots.values()):
                grid.addWidget(plot, index // 2, index % 2)
            if problem == "l2_free":
                self.grid_table = self._grid_table()
                grid.addWidget(self.grid_table, 2, 1)
            self.pages[problem] = page
            self.stack.addWidget(page)
        self.key = QLabel()
        self.key.setToolTip("each rule's colour on every plot of this page (hover a curve for its values)")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.key)
        layout.addWidget(self.stack, 1)
        self._show(self.problem)

    @staticmethod
    def _plot(title: str, y_label: str, log: bool) -> LivePlot:
        plot = LivePlot()
        plot.set_title(title)
        plot.set_labels("step", y_label)
        plot.set_log_y(log)
        return plot

    def _rule_plot(self, problem: str, title: str, y_label: str, log: bool) -> LivePlot:
        plot = self._plot(title, y_label, log)
        methods, labels = PROBLEM_RULES[problem]
        for m, colour in zip(methods, RULE_COLOURS):
            plot.add_series(labels[m], color=colour, width=1.5)
        plot.plot_item.legend.setVisible(False)
        return plot

    def _grid_table(self) -> QTableWidget:
        table = QTableWidget(0, len(GRID_COLUMNS))
        table.setHorizontalHeaderLabels(["rule", "λ", "val acc", "test acc", "val loss", "test loss", "‖θ‖"])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.setToolTip("every member at the latest evaluation; λ is tuned on the validation half of the test "
                         "images and the test half is reported")
        return table

    def _show(self, problem: str) -> None:
        self.problem = problem
        self.stack.setCurrentWidget(self.pages[problem])
        methods, labels = PROBLEM_RULES[problem]
        self.key.setText("&nbsp;&nbsp;".join(f'<span style="color:{c}">━━</span>&nbsp;{labels[m]}'
                                              for m, c in zip(methods, RULE_COLOURS)))

    def begin(self, params: dict[str, Any]) -> None:
        self.clear()
        self._show(params.get("problem", "noisy_labels") if params.get("problem") in PROBLEM_RULES else "noisy_labels")

    def take(self, frames: list[Frame], params: dict[str, Any]) -> None:
        methods, labels = PROBLEM_RULES[self.problem]
        plots = self.curves[self.problem]
        for frame in frames:
            s = frame.scalars
            for key, _title, _y, log in PER_RULE[self.problem]:
                for m in methods:
                    value = s.get(f"{key}_{m}")
                    if value is not None and value == value and (value > 0 or not log):
                        plots[key].append(labels[m], frame.step, value)
            for key, _title, _y, _log, lines in SHARED[self.problem]:
                for name, label, _colour, _faint in lines:
                    value = s.get(name)
                    if value is not None and value == value:
                        plots[key].append(label, frame.step, value)
            if "grid" in frame.arrays:
                self._fill_grid(frame.arrays["grid"])

    def _fill_grid(self, grid) -> None:
        table = self.grid_table
        table.setRowCount(len(grid))
        for row, values in enumerate(grid):
            texts = [L2_LABELS[L2_METHODS[int(values[0])]].split(",")[0], f"{values[1]:g}" if values[1] else "—",
                     *(f"{v:.3f}" for v in values[2:])]
            for column, text in enumerate(texts):
                item = QTableWidgetItem(text)
                item.setTextAlignment(Qt.AlignRight | Qt.AlignVCenter if column else Qt.AlignLeft | Qt.AlignVCenter)
                table.setItem(row, column, item)

    def draw(self) -> None:
        for plot in self.curves[self.problem].values():
            plot.redraw()

    def clear(self) -> None:
        for plots in self.curves.values():
            for plot in plots.values():
                plot.clear()
        self.grid_table.setRowCount(0)

    def plots(self) -> dict:
        return {f"{key}": plot.plot_item for key, plot in self.curves[self.problem].items()}

    def series(self) -> dict:
        return {f"{key}": plot.series_data() for key, plot in self.curves[self.problem].items()}
