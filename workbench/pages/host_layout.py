"""The layout of an ExperimentHost's page: the form column on the left (help, form, undo row,
controls, progress, status) and the view on the right.  A mixin: it reads the host's form,
history, controller and mode, and sets the widgets the host drives."""
from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from widgets.progress_eta import ProgressEta
from widgets.transport import TransportBar

FORM_WIDTH = 344  # the left column: a slider, its value box and the undo / export row


class HostLayout:
    """Builds the page; ``ExperimentHost`` supplies the parts it arranges."""

    def _build_layout(self, form_width: int | None, transport: bool, status_line: bool) -> None:
        """The run controls, progress and status are pinned above the scrolling form, so a long
        form (batchnorm's 21 parameters) never hides Play."""
        pinned = QVBoxLayout()
        pinned.setContentsMargins(6, 6, 6, 0)
        side = QWidget()
        self.side_layout = QVBoxLayout(side)
        self.side_layout.setContentsMargins(6, 6, 6, 6)
        self.side_layout.addWidget(self.help_label)
        if self.experiment.presets:
            self.side_layout.addWidget(self._presets_box())
        if not self.auto:
            self.badge_note = QLabel("<small><span style='color:#1e8449'>live</span>: a change reaches the "
                                     "running run at once · <span style='color:#9a7d0a'>restart</span>: "
                                     "it applies when the next run starts</small>", wordWrap=True)
            self.side_layout.addWidget(self.badge_note)
        self.side_layout.addWidget(self.form)
        self.side_layout.addLayout(self._history_row())
        self.run_button = self.stop_button = self.transport = self.progress = self.status = None
        if not self.auto:
            if transport:
                pinned.addWidget(self._transport_bar())
            else:
                pinned.addLayout(self._run_stop_row())
            self.progress = ProgressEta()
            pinned.addWidget(self.progress)
            self.controller.stateChanged.connect(self._on_state)
        if status_line:
            self.status = QLabel(wordWrap=True, textInteractionFlags=Qt.TextInteractionFlag.TextSelectableByMouse)
            self.status.setObjectName("panelStatus")
            self.status.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
            self.status.setMinimumHeight(self.status.fontMetrics().lineSpacing() * 3 + 4)
            pinned.addWidget(self.status)
        self.side_layout.addStretch(1)
        self._error_label = self.status if self.status is not None else self.readout
        self.form_scroll = scroll = QScrollArea(widgetResizable=True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(side)
        column = QWidget()
        column_layout = QVBoxLayout(column)
        column_layout.setContentsMargins(0, 0, 0, 0)
        column_layout.setSpacing(2)
        column_layout.addLayout(pinned)
        column_layout.addWidget(scroll, 1)
        column.setFixedWidth(form_width or FORM_WIDTH)
        right = QVBoxLayout()
        right.setContentsMargins(0, 0, 0, 0)
        right.addWidget(self.first_hint)
        right.addWidget(self.stale_banner)
        plots = self.build_plots()
        if isinstance(plots, QLayout):
            right.addLayout(plots, 1)
        else:
            right.addWidget(plots, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(column)
        layout.addLayout(right, 1)
        if self.readout.parentWidget() is None:      # build_plots did not place it
            right.addWidget(self.readout)
        if self.status is not None and self.view is not self:
            self.readout.hide()  # the status line says what the readout would (the view has its own)

    def _presets_box(self) -> QWidget:
        """"Try this": one button per preset of the experiment; a click sets its values (one undo
        step) and runs it, and the page says what to look for."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 4)
        layout.setSpacing(2)
        layout.addWidget(QLabel("<b>Try this</b> (one click sets the values and runs):"))
        self.preset_buttons = []
        for index, preset in enumerate(self.experiment.presets):
            button = QPushButton(f"▶ {preset.name}", toolTip=f"{preset.look_for}\n\nsets: " + ", ".join(
                f"{k} = {v}" for k, v in preset.values.items()), flat=True)
            button.setStyleSheet("text-align: left; padding: 2px 4px;")
            button.setProperty("preset_index", index)
            button.clicked.connect(self._on_preset_clicked)  # a bound method: no cycle keeps the page alive
            layout.addWidget(button)
            self.preset_buttons.append(button)
        return box

    def _on_preset_clicked(self) -> None:
        self.apply_preset(self.experiment.presets[self.sender().property("preset_index")])

    def _history_row(self) -> QHBoxLayout:
        self.undo_button = QPushButton("Undo", toolTip="Undo the last change of this form (Ctrl+Z)", enabled=False)
        self.redo_button = QPushButton("Redo", toolTip="Redo (Ctrl+Shift+Z)", enabled=False)
        self.defaults_button = QPushButton("Defaults", toolTip="Every parameter of this form back to its default",
                                           clicked=self.reset_defaults)
        self.undo_button.clicked.connect(self.history.stack.undo)
        self.redo_button.clicked.connect(self.history.stack.redo)
        self.history.stack.canUndoChanged.connect(self.undo_button.setEnabled)
        self.history.stack.canRedoChanged.connect(self.redo_button.setEnabled)
        row = QHBoxLayout()
        for button in (self.undo_button, self.redo_button, self.defaults_button, self.export_menu_button()):
            row.addWidget(button)
        return row

    def _run_stop_row(self) -> QHBoxLayout:
        self.run_button = QPushButton("Run", clicked=self.start)
        self.stop_button = QPushButton("Stop", clicked=self.stop, enabled=False)
        row = QHBoxLayout()
        row.addWidget(self.run_button)
        row.addWidget(self.stop_button)
        return row

    def _transport_bar(self) -> TransportBar:
        self.transport = TransportBar()
        self.transport.playClicked.connect(self.play)
        self.transport.pauseClicked.connect(self.controller.pause)
        self.transport.stepClicked.connect(self.step)
        self.transport.stopClicked.connect(self.stop)
        self.transport.resetClicked.connect(self.reset_run)
        self.transport.speedChanged.connect(self.controller.set_speed)
        if self.experiment.speeds:
            self.transport.set_speeds(self.experiment.speeds)
            self.transport.set_speed(self.experiment.speed)
            self.controller.set_speed(self.transport.speed())
        return self.transport
