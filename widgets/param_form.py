"""A parameter form generated from a declared schema: one row of controls per parameter.

The form knows no topic.  Parameters are duck-typed (``name, default, kind, lo, hi, step, log, unit,
choices, help, live, title``, ``validate(value)``, ``range_text()``), so the schema stays the one
place where bounds and validation are written down and the form only shows them.
"""
from __future__ import annotations

from functools import partial
from typing import Any, Mapping, Sequence

from PySide6 import QtCore, QtWidgets

from .param_row import ParamRow


class ParamForm(QtWidgets.QWidget):
    """Rows of sliders, spin boxes, combos and check boxes for a sequence of parameters.

    Signals
    -------
    valueChanged(name, value)
        A new *valid* value from the user (continuously while a slider is dragged).
    editStarted(name) / editFinished(name)
        Bracket one user gesture (slider press ... release; a single spin / combo / check / text
        change is bracketed at once) so the application can merge a drag into one undo step.
        A slider press and release without movement brackets no value change.
    invalidValue(name, message)
        The user entered a value the parameter rejects; the message is shown inline and no
        ``valueChanged`` is emitted.
    """

    valueChanged = QtCore.Signal(str, object)
    editStarted = QtCore.Signal(str)
    editFinished = QtCore.Signal(str)
    invalidValue = QtCore.Signal(str, str)

    def __init__(self, params: Sequence[object], parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self._rows: dict[str, ParamRow] = {}
        self._relevant: dict[str, bool] = {}
        self._advanced: set[str] = set()
        self._expanded = False
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(6)
        # Technical parameters (``advanced``) follow the others behind a toggle, collapsed.
        ordered = [p for p in params if not getattr(p, "advanced", False)] + \
                  [p for p in params if getattr(p, "advanced", False)]
        self.advanced_toggle = QtWidgets.QToolButton(checkable=True, autoRaise=True)
        self.advanced_toggle.setToolButtonStyle(QtCore.Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.advanced_toggle.toggled.connect(self._set_expanded)
        for param in ordered:
            if param.name in self._rows:
                raise ValueError(f"duplicate parameter name {param.name!r} in form")
            if getattr(param, "advanced", False) and not self._advanced:
                layout.addWidget(self.advanced_toggle)
            row = ParamRow(param, self)
            row.valueChanged.connect(partial(self._forward_value, param.name))
            row.editStarted.connect(partial(self.editStarted.emit, param.name))
            row.editFinished.connect(partial(self.editFinished.emit, param.name))
            row.invalidValue.connect(partial(self._forward_invalid, param.name))
            layout.addWidget(row)
            self._rows[param.name] = row
            self._relevant[param.name] = True
            if getattr(param, "advanced", False):
                self._advanced.add(param.name)
        layout.addStretch(1)
        self._align_spin_boxes()
        self._show_rows()
        self._derived = [row for row in self._rows.values() if row.derived_label is not None]
        self.refresh_derived()

    def refresh_derived(self) -> None:
        if self._derived:
            values = self.values()
            for row in self._derived:
                row.show_derived(values)

    def _set_expanded(self, on: bool) -> None:
        self._expanded = bool(on)
        self._show_rows()

    def _show_rows(self) -> None:
        """A row shows when it is relevant and, if advanced, the section is open."""
        for name, row in self._rows.items():
            row.setVisible(self._relevant[name] and (name not in self._advanced or self._expanded))
        count = sum(self._relevant[n] for n in self._advanced)
        self.advanced_toggle.setVisible(count > 0)
        self.advanced_toggle.setArrowType(QtCore.Qt.ArrowType.DownArrow if self._expanded else QtCore.Qt.ArrowType.RightArrow)
        self.advanced_toggle.setText(f"Advanced: {count} technical setting{'s' if count != 1 else ''}")
        self.advanced_toggle.setToolTip("Seeds, devices, measurement intervals and resolutions: rarely changed")

    def _align_spin_boxes(self) -> None:
        """One width for every slider's spin box, so the sliders end in a straight column."""
        spins = [r.spin for r in self._rows.values() if r.spin is not None and r.slider is not None]
        if spins:
            width = max(spin.sizeHint().width() for spin in spins)
            for spin in spins:
                spin.setFixedWidth(width)

    def _forward_value(self, name: str, value: Any) -> None:
        self.refresh_derived()
        self.valueChanged.emit(name, value)

    def _forward_invalid(self, name: str, message: str) -> None:
        self.invalidValue.emit(name, message)

    def names(self) -> list[str]:
        return list(self._rows)

    def values(self) -> dict[str, Any]:
        """The current valid value of every parameter (hidden rows included)."""
        return {name: row.value() for name, row in self._rows.items()}

    def value(self, name: str) -> Any:
        return self._row(name).value()

    def set_values(self, values: Mapping[str, Any], emit: bool = False) -> None:
        """Show new values, e.g. for undo or session restore.

        With ``emit`` False no signal at all is emitted; with ``emit`` True each value that changed
        emits ``valueChanged`` (no edit brackets: this is not a user gesture).  An unknown name
        raises KeyError and an invalid value raises the parameter's ValueError, before any row
        changes.
        """
        checked = {name: self._row(name).param.validate(v) for name, v in values.items()}
        for name, value in checked.items():
            self._rows[name].set_value(value, emit=emit)
        self.refresh_derived()

    def set_error(self, name: str, message: str) -> None:
        """Show ``message`` in red under the parameter's row (opening the Advanced section when
        the row is in it, so an error is never hidden)."""
        self._row(name).set_error(message)
        if name in self._advanced and not self._expanded:
            self.advanced_toggle.setChecked(True)

    def clear_error(self, name: str) -> None:
        self._row(name).clear_error()

    def error(self, name: str) -> str:
        """The inline error now shown for ``name``, or "" when none."""
        return self._row(name).error()

    def set_row_visible(self, name: str, visible: bool) -> None:
        """Hide rows irrelevant to the current scenario; their values are kept."""
        self._row(name)
        if self._relevant[name] != bool(visible):
            self._relevant[name] = bool(visible)
            self._show_rows()

    def is_row_visible(self, name: str) -> bool:
        """Whether the row is relevant (shown, or in the collapsed Advanced section)."""
        return self._relevant[self._row(name).param.name]

    def is_row_shown(self, name: str) -> bool:
        return not self._row(name).isHidden()

    def is_advanced(self, name: str) -> bool:
        return name in self._advanced

    def row_widget(self, name: str) -> ParamRow:
        """The row for ``name``; its controls are attributes (slider, spin, combo, check, line_edit)."""
        return self._row(name)

    def _row(self, name: str) -> ParamRow:
        try:
            return self._rows[name]
        except KeyError:
            raise KeyError(f"no parameter {name!r} in this form; known: {', '.join(self._rows)}") from None
