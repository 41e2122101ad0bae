"""Building blocks of the parameter form: a slider scale and spin boxes that accept any typed number.

Qt's spin boxes silently clamp typed values to their range, so a user who types 500 into a box limited
to 200 sees 200 and never learns why.  These spin boxes take a very wide range, let the arrows step only
inside the parameter's real bounds, and leave the verdict on a typed value to the parameter's own
``validate`` — the form then shows that message inline.
"""
from __future__ import annotations

import math

from PySide6 import QtCore, QtGui, QtWidgets

_WIDE_FLOAT = 1e15
_WIDE_INT = 2**31 - 1


class SliderScale:
    """Maps a bounded value range onto integer slider ticks, linearly or logarithmically.

    Floats use ``ticks`` positions (fewer when the step grid is coarser, so each tick is one step);
    integers use one tick per step when that is at most ``max_int_ticks``.  The end ticks map to
    ``lo`` and ``hi`` exactly, and linear values snap to the step grid so the form never shows
    ``0.30000000000000004``.
    """

    def __init__(self, lo: float, hi: float, *, log: bool = False, integer: bool = False,
                 step: float | None = None, ticks: int = 1000, max_int_ticks: int = 10000):
        if not hi > lo:
            raise ValueError(f"slider needs lo < hi, got [{lo}, {hi}]")
        if log and lo <= 0:
            raise ValueError("a logarithmic slider needs a positive lower bound")
        self.lo, self.hi, self.log, self.integer = lo, hi, log, integer
        self.step = step if step and step > 0 else (1 if integer else None)
        self.ticks = ticks
        if not log and self.step is not None:
            n_steps = math.ceil((hi - lo) / self.step - 1e-9)
            if n_steps <= (max_int_ticks if integer else ticks):
                self.ticks = max(1, n_steps)

    def value(self, tick: int) -> float | int:
        """The value at a slider position."""
        t = min(max(tick, 0), self.ticks)
        if t == 0:
            v = self.lo
        elif t == self.ticks:
            v = self.hi
        elif self.log:
            v = _round_sig(self.lo * (self.hi / self.lo) ** (t / self.ticks), 4)
        else:
            v = self.lo + (self.hi - self.lo) * t / self.ticks
            if self.step is not None:
                v = self.lo + round((v - self.lo) / self.step) * self.step
                v = round(v, decimals_for_step(self.step) + 2)
        v = min(max(v, self.lo), self.hi)
        return int(round(v)) if self.integer else float(v)

    def tick(self, value: float) -> int:
        """The slider position nearest to a value (clamped to the ends)."""
        v = min(max(float(value), self.lo), self.hi)
        if self.log:
            frac = math.log(v / self.lo) / math.log(self.hi / self.lo)
        else:
            frac = (v - self.lo) / (self.hi - self.lo)
        return int(round(frac * self.ticks))


def _round_sig(x: float, digits: int) -> float:
    if x == 0 or not math.isfinite(x):
        return x
    return round(x, digits - 1 - int(math.floor(math.log10(abs(x)))))


def decimals_for_step(step: float) -> int:
    """Decimal places needed to show multiples of ``step`` exactly (0.25 -> 2, 0.1 -> 1, 5 -> 0)."""
    text = f"{step:.10f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0


def number_formatter(lo: float | None, hi: float | None, step: float | None, log: bool):
    """A value -> text function suited to a parameter: fixed decimals from the step, or 4 significant
    digits for logarithmic and unstepped wide-range values.  A typed value off that grid is shown
    with more digits rather than rounded, so the box never hides the value actually in use."""
    if log or (step is None and (lo is None or hi is None)):
        primary = "{:.4g}"
    else:
        decimals = decimals_for_step(step) if step is not None else max(
            0, math.ceil(-math.log10((hi - lo) / 1000)))
        primary = f"{{:.{decimals}f}}"

    def fmt(v: float) -> str:
        text = primary.format(v)
        if abs(float(text) - v) > 1e-9 * max(1.0, abs(v)):
            text = f"{v:.10g}"
        return text

    return fmt


class _BoundedSteps:
    """Arrow keys and wheel step inside the parameter's bounds even though typing may go outside."""

    bounds: tuple[float | None, float | None] = (None, None)

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        lo, hi = self.bounds
        v = self.value() + steps * self.singleStep()
        if lo is not None:
            v = max(v, lo)
        if hi is not None:
            v = min(v, hi)
        self.setValue(v)

    def stepEnabled(self):  # noqa: N802
        flag = QtWidgets.QAbstractSpinBox.StepEnabledFlag
        lo, hi = self.bounds
        enabled = flag.StepNone
        if hi is None or self.value() < hi:
            enabled |= flag.StepUpEnabled
        if lo is None or self.value() > lo:
            enabled |= flag.StepDownEnabled
        return enabled

    def _hint_width(self, texts: list[str]) -> QtCore.QSize:
        """Size the box for the parameter's own bounds, not for the wide typing range."""
        fm = self.fontMetrics()
        w = max(fm.horizontalAdvance(t + " ") for t in texts) + 2
        h = self.lineEdit().sizeHint().height()
        opt = QtWidgets.QStyleOptionSpinBox()
        self.initStyleOption(opt)
        return self.style().sizeFromContents(
            QtWidgets.QStyle.ContentsType.CT_SpinBox, opt, QtCore.QSize(w, h), self)


class _FocusWheel:
    """Wheel events change the value only when the control has focus, so scrolling a long form
    in a scroll area does not nudge every slider the pointer passes over."""

    def wheelEvent(self, event: QtGui.QWheelEvent) -> None:  # noqa: N802
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()


class AppUndo:
    """Ctrl+Z / Ctrl+Shift+Z in a number or text box reach the window's undo of the parameters
    (the form's history), not the box's own undo of the characters typed: the shortcut override
    is declined, so the application's shortcut fires."""

    def event(self, event: QtCore.QEvent) -> bool:  # noqa: D401 - Qt API
        if event.type() == QtCore.QEvent.Type.ShortcutOverride and (
                event.matches(QtGui.QKeySequence.StandardKey.Undo) or event.matches(QtGui.QKeySequence.StandardKey.Redo)):
            event.ignore()
            return True
        return super().event(event)


class TextBox(AppUndo, QtWidgets.QLineEdit):
    """A text parameter's box."""


class FloatSpin(AppUndo, _FocusWheel, _BoundedSteps, QtWidgets.QDoubleSpinBox):
    """A double spin box that accepts any finite typed number (also ``1e-3``) and formats it nicely."""

    def __init__(self, lo: float | None, hi: float | None, step: float | None, log: bool,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.bounds = (lo, hi)
        self._format = number_formatter(lo, hi, step, log)
        self.setDecimals(12)
        self.setRange(-_WIDE_FLOAT, _WIDE_FLOAT)
        if step:
            self.setSingleStep(step)
        elif lo is not None and hi is not None:
            self.setSingleStep(_round_sig((hi - lo) / 100, 1))
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._hint_texts = [self._format(b) for b in (lo, hi) if b is not None] or ["-0.0000e+00"]

    def textFromValue(self, value: float) -> str:  # noqa: N802
        return self._format(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802
        try:
            return float(text.strip())
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int):
        t = text.strip()
        try:
            v = float(t)
        except ValueError:
            partial = t in ("", "-", "+", ".", "-.", "+.") or t[-1:] in ("e", "E", "-", "+")
            state = QtGui.QValidator.State.Intermediate if partial else QtGui.QValidator.State.Invalid
            return state, text, pos
        ok = math.isfinite(v) and abs(v) <= _WIDE_FLOAT
        state = QtGui.QValidator.State.Acceptable if ok else QtGui.QValidator.State.Intermediate
        return state, text, pos

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        return self._hint_width(self._hint_texts)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802
        return self.sizeHint()


class IntSpin(AppUndo, _FocusWheel, _BoundedSteps, QtWidgets.QSpinBox):
    """An integer spin box that accepts any typed integer; arrows stay inside the bounds."""

    def __init__(self, lo: float | None, hi: float | None, step: float | None,
                 parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.bounds = (lo, hi)
        self.setRange(-_WIDE_INT, _WIDE_INT)
        self.setSingleStep(max(1, int(step or 1)))
        self.setKeyboardTracking(False)
        self.setAccelerated(True)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
        self._hint_texts = [str(int(b)) for b in (lo, hi) if b is not None] or ["-000000"]

    def sizeHint(self) -> QtCore.QSize:  # noqa: N802
        return self._hint_width(self._hint_texts)

    def minimumSizeHint(self) -> QtCore.QSize:  # noqa: N802
        return self.sizeHint()


class Slider(_FocusWheel, QtWidgets.QSlider):
    """A horizontal slider that ignores the wheel unless focused."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(QtCore.Qt.Orientation.Horizontal, parent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)


class ComboBox(_FocusWheel, QtWidgets.QComboBox):
    """A combo box that ignores the wheel unless focused."""

    def __init__(self, parent: QtWidgets.QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(QtCore.Qt.FocusPolicy.StrongFocus)
