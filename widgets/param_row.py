"""One row of the parameter form: the controls for a single duck-typed parameter.

The row owns the parameter's last *valid* value.  Every control (slider, spin box, combo, check box,
line edit) proposes a value; the parameter's own ``validate`` decides, so the form and the command
line accept and reject exactly the same values with the same message.
"""
from __future__ import annotations

import html
from typing import Any

from PySide6 import QtCore, QtGui, QtWidgets

from .param_controls import ComboBox, FloatSpin, IntSpin, Slider, SliderScale, TextBox

LIVE_TIP = "live: applied to the running simulation as you change it"
RESTART_TIP = "restart: changing it starts a new run"
_BADGE_COLORS = {True: ((26, 127, 55), (87, 171, 90)), False: ((154, 103, 0), (210, 153, 34))}
_ERROR_COLORS = ("#cf222e", "#f47067")


def _is_dark(widget: QtWidgets.QWidget) -> bool:
    return widget.palette().color(QtGui.QPalette.ColorRole.Window).lightness() < 128


def title_text(param: Any) -> str:
    """The row label: the parameter's title with its unit in brackets."""
    title = getattr(param, "title", None) or param.name
    return f"{title} ({param.unit})" if getattr(param, "unit", "") else title


def tooltip_text(param: Any) -> str:
    """Help sentence plus allowed range, as rich text so Qt wraps long help."""
    parts = []
    if getattr(param, "help", ""):
        parts.append(f"<p>{html.escape(param.help)}</p>")
    parts.append(f"<p><i>Allowed:</i> {html.escape(param.range_text())}</p>")
    return "".join(parts)


def _make_badge(live: bool) -> QtWidgets.QLabel:
    badge = QtWidgets.QLabel("live" if live else "restart")
    badge.setObjectName("paramBadge")
    badge.setProperty("live", bool(live))
    font = badge.font()
    font.setPointSizeF(max(7.0, font.pointSizeF() * 0.85))
    badge.setFont(font)
    badge.setToolTip(LIVE_TIP if live else RESTART_TIP)
    badge.setSizePolicy(QtWidgets.QSizePolicy.Policy.Fixed, QtWidgets.QSizePolicy.Policy.Fixed)
    return badge


def _badge_style(live: bool, dark: bool) -> str:
    r, g, b = _BADGE_COLORS[bool(live)][int(dark)]
    return (f"QLabel {{ color: rgb({r}, {g}, {b}); background: rgba({r}, {g}, {b}, 30); "
            f"border: 1px solid rgba({r}, {g}, {b}, 150); border-radius: 7px; padding: 0px 6px; }}")


LONG_CHECK_LABEL = 16  # characters: a check box label longer than this takes a whole row

class ParamRow(QtWidgets.QWidget):
    """Label + badge on top, the value controls below, an inline error label under them.

    Signals carry no name; :class:`ParamForm` adds it.  ``editStarted`` / ``editFinished`` bracket
    one user gesture: a whole slider drag, or a single spin / combo / check / text change.
    """

    valueChanged = QtCore.Signal(object)
    editStarted = QtCore.Signal()
    editFinished = QtCore.Signal()
    invalidValue = QtCore.Signal(str)

    def __init__(self, param: Any, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.param = param
        self.name: str = param.name
        self._value = param.validate(param.default)
        self._error = ""
        self.slider: Slider | None = None
        self.spin: FloatSpin | IntSpin | None = None
        self.combo: ComboBox | None = None
        self.check: QtWidgets.QCheckBox | None = None
        self.line_edit: QtWidgets.QLineEdit | None = None
        self.label: QtWidgets.QLabel | None = None
        self.scale: SliderScale | None = None
        self.zero_check: QtWidgets.QCheckBox | None = None
        self.checks: list[QtWidgets.QCheckBox] = []
        self._last_nonzero = self._value if self._value else getattr(param, "lo", 1) or 1

        outer = QtWidgets.QVBoxLayout(self)
        outer.setContentsMargins(0, 2, 0, 2)
        outer.setSpacing(2)
        head = QtWidgets.QHBoxLayout()
        head.setSpacing(6)
        outer.addLayout(head)
        if param.kind == "bool":
            self.check = QtWidgets.QCheckBox(title_text(param))
            self.check.toggled.connect(lambda on: self._propose(on, gesture=True))
            head.addWidget(self.check)
        else:
            self.label = QtWidgets.QLabel(title_text(param))
            head.addWidget(self.label)
        head.addStretch(1)
        self.badge = _make_badge(getattr(param, "live", False))
        head.addWidget(self.badge)

        body = QtWidgets.QHBoxLayout()
        body.setSpacing(6)
        self._build_controls(body)
        if body.count():
            outer.addLayout(body)

        self.derived_label = None
        if getattr(param, "derived", None) is not None:
            self.derived_label = QtWidgets.QLabel()
            self.derived_label.setObjectName("paramDerived")
            self.derived_label.setStyleSheet("color: #5d6d7e;")
            outer.addWidget(self.derived_label)

        self.error_label = QtWidgets.QLabel()
        self.error_label.setObjectName("paramError")
        self.error_label.setWordWrap(True)
        self.error_label.hide()
        outer.addWidget(self.error_label)

        tip = tooltip_text(param)
        for w in (self.label, self.check, self.slider, self.spin, self.combo, self.line_edit):
            if w is not None:
                w.setToolTip(tip)
        self._apply_colors()
        self._show(self._value)

    def changeEvent(self, event: QtCore.QEvent) -> None:  # noqa: N802
        """Re-pick badge and error colours when the application switches light/dark theme."""
        if event.type() == QtCore.QEvent.Type.PaletteChange:
            self._apply_colors()
        super().changeEvent(event)

    def _apply_colors(self) -> None:
        dark = _is_dark(self)
        self.badge.setStyleSheet(_badge_style(getattr(self.param, "live", False), dark))
        self.error_label.setStyleSheet(f"QLabel {{ color: {_ERROR_COLORS[int(dark)]}; }}")

    def _build_controls(self, body: QtWidgets.QHBoxLayout) -> None:
        p = self.param
        if p.kind in ("float", "int"):
            bounded = p.lo is not None and p.hi is not None and p.hi > p.lo
            if bounded:
                # The slider spans the typical range when one is declared (the box takes the rest).
                s_lo, s_hi = getattr(p, "typical", None) or (p.lo, p.hi)
                self.scale = SliderScale(s_lo, s_hi, log=bool(p.log), integer=p.kind == "int",
                                         step=p.step)
                self.slider = Slider()
                self.slider.setRange(0, self.scale.ticks)
                self.slider.setSingleStep(max(1, self.scale.ticks // 100))
                self.slider.setPageStep(max(1, self.scale.ticks // 10))
                self.slider.setMinimumWidth(80)
                self.slider.valueChanged.connect(self._on_slider)
                self.slider.sliderPressed.connect(self.editStarted)
                self.slider.sliderReleased.connect(self.editFinished)
                body.addWidget(self.slider, 1)
            if p.kind == "int":
                self.spin = IntSpin(p.lo, p.hi, p.step)
            else:
                self.spin = FloatSpin(p.lo, p.hi, p.step, bool(p.log))
            self.spin.valueChanged.connect(lambda v: self._propose(v, gesture=True))
            body.addWidget(self.spin, 0 if bounded else 1)
            if getattr(p, "zero", False):
                self.zero_check = QtWidgets.QCheckBox("= 0")
                self.zero_check.setToolTip(f"exactly 0 (the log slider cannot reach it); "
                                           f"unticked: back to {self._last_nonzero:g}")
                self.zero_check.toggled.connect(
                    lambda on: self._propose(0 if on else self._last_nonzero, gesture=True))
                body.addWidget(self.zero_check)
        elif p.kind == "choice":
            self.combo = ComboBox()
            labels = tuple(getattr(p, "choice_labels", ())) or tuple(str(c) for c in p.choices)
            for index, (choice, label) in enumerate(zip(p.choices, labels)):
                self.combo.addItem(label, choice)            # shown: the label; the id: item data and tip
                if label != str(choice):
                    self.combo.setItemData(index, f"{p.name} = {choice}", QtCore.Qt.ItemDataRole.ToolTipRole)
            self.combo.currentIndexChanged.connect(
                lambda i: self._propose(p.choices[i], gesture=True) if i >= 0 else None)
            body.addWidget(self.combo, 1)
        elif p.kind == "multi":
            self.checks = self._choice_checks(p, body)
        elif p.kind == "str":
            self.line_edit = TextBox()
            self.line_edit.editingFinished.connect(
                lambda: self._propose(self.line_edit.text(), gesture=True))
            body.addWidget(self.line_edit, 1)

    def _choice_checks(self, p, body: QtWidgets.QHBoxLayout) -> list[QtWidgets.QCheckBox]:
        """One check box per choice, two columns, a long label across both (two long ones side by
        side would push the form wider than its column); a toggle proposes the ticked ones."""
        grid = QtWidgets.QGridLayout()
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(8)
        grid.setVerticalSpacing(0)
        labels = tuple(getattr(p, "choice_labels", ())) or tuple(p.choices)
        checks, row, column = [], 0, 0
        for choice, label in zip(p.choices, labels):
            check = QtWidgets.QCheckBox(label)
            check.setToolTip(f"{p.name} includes {choice}")
            check.toggled.connect(lambda _on: self._propose(
                ",".join(c for c, box in zip(p.choices, self.checks) if box.isChecked()), gesture=True))
            if len(label) > LONG_CHECK_LABEL:
                row, column = row + (column > 0), 0
                grid.addWidget(check, row, 0, 1, 2)
                row += 1
            else:
                grid.addWidget(check, row, column)
                row, column = (row + 1, 0) if column else (row, 1)
            checks.append(check)
        body.addLayout(grid, 1)
        return checks

    def value(self) -> Any:
        return self._value

    def error(self) -> str:
        """The inline error message now shown, or "" when none."""
        return self._error

    def show_derived(self, values: dict[str, Any]) -> None:
        """Refresh the derived quantity (e.g. λ beside ω) from the form's current values."""
        if self.derived_label is not None:
            try:
                text = self.param.derived(values)
            except (ArithmeticError, KeyError, ValueError):
                text = ""
            self.derived_label.setText(text)
            self.derived_label.setVisible(bool(text))

    def set_value(self, value: Any, emit: bool = False) -> None:
        """Set from the program (undo, restore); raises ValueError from ``validate`` when invalid."""
        checked = self.param.validate(value)
        changed = checked != self._value
        self._value = checked
        self._show(checked)
        self.clear_error()
        if emit and changed:
            self.valueChanged.emit(checked)

    def set_error(self, message: str) -> None:
        self._error = message
        self.error_label.setText(message)
        self.error_label.show()

    def clear_error(self) -> None:
        self._error = ""
        self.error_label.clear()
        self.error_label.hide()

    def _on_slider(self, tick: int) -> None:
        self._propose(self.scale.value(tick), gesture=not self.slider.isSliderDown())

    def _propose(self, raw: Any, gesture: bool) -> None:
        """A control proposes a value: accept it (and emit) or show why not (and emit nothing)."""
        try:
            value = self.param.validate(raw)
        except ValueError as exc:
            self.set_error(str(exc))
            self.invalidValue.emit(str(exc))
            return
        self.clear_error()
        if value == self._value:
            self._show(value)
            return
        self._value = value
        self._show(value)
        if gesture:
            self.editStarted.emit()
        self.valueChanged.emit(value)
        if gesture:
            self.editFinished.emit()

    def _show(self, value: Any) -> None:
        """Bring every control in line with ``value`` without emitting their signals."""
        if self.zero_check is not None:
            self._show_zero(value)
            if value == 0:
                return
        controls = [(self.slider, lambda w: w.setValue(self.scale.tick(value))),
                    (self.spin, lambda w: w.setValue(value)),
                    (self.combo, lambda w: w.setCurrentIndex(list(self.param.choices).index(value))),
                    (self.check, lambda w: w.setChecked(bool(value))),
                    (self.line_edit, lambda w: w.setText(str(value)))]
        chosen = set(str(value).split(",")) if self.param.kind == "multi" else set()
        controls += [(box, lambda w, c=c: w.setChecked(c in chosen)) for c, box in zip(self.param.choices, self.checks)]
        for widget, apply in controls:
            if widget is None:
                continue
            if widget is self.slider and widget.isSliderDown():
                continue
            blocked = widget.blockSignals(True)
            apply(widget)
            widget.blockSignals(blocked)

    def _show_zero(self, value: Any) -> None:
        """A zero-allowed log parameter: the check box shows "exactly 0"; slider and spin box are
        greyed while it is ticked and remember the last non-zero value for when it is unticked."""
        is_zero = value == 0
        if not is_zero:
            self._last_nonzero = value
        blocked = self.zero_check.blockSignals(True)
        self.zero_check.setChecked(is_zero)
        self.zero_check.blockSignals(blocked)
        for widget in (self.slider, self.spin):
            if widget is not None:
                widget.setEnabled(not is_zero)
