"""Undo / redo of parameter changes: one user gesture (a whole slider drag) is one undo step.

The form brackets a gesture with ``editStarted`` / ``editFinished``; ``ParamHistory`` snapshots the
values at the start and pushes a single ``SetParamsCommand`` at the end if anything changed.
Reset-to-defaults and session loads are single commands too.
"""
from __future__ import annotations

from typing import Any, Callable

from PySide6.QtGui import QUndoCommand, QUndoStack


class SetParamsCommand(QUndoCommand):
    """Switch the panel's parameters between two complete snapshots."""

    def __init__(self, apply: Callable[[dict[str, Any]], None], before: dict, after: dict, text: str):
        super().__init__(text)
        self._apply, self._before, self._after = apply, dict(before), dict(after)
        self._first = True

    def redo(self) -> None:
        if self._first:  # the values are already in place when the gesture ends
            self._first = False
            return
        self._apply(self._after)

    def undo(self) -> None:
        self._apply(self._before)


class ParamHistory:
    """Turns form gestures into undo steps on a QUndoStack."""

    def __init__(self, current: Callable[[], dict[str, Any]], apply: Callable[[dict[str, Any]], None]):
        self.stack = QUndoStack()
        self._current, self._apply = current, apply
        self._before: dict[str, Any] | None = None

    def begin(self, name: str = "") -> None:
        if self._before is None:
            self._before = dict(self._current())

    def end(self, name: str = "") -> None:
        if self._before is None:
            return
        before, self._before = self._before, None
        after = dict(self._current())
        if after != before:
            changed = [k for k in after if after[k] != before.get(k)]
            self.stack.push(SetParamsCommand(self._apply, before, after, "change " + ", ".join(changed)))

    def replace_all(self, after: dict[str, Any], text: str) -> None:
        """Apply a complete new set of values (reset, session load) as one undoable step."""
        before = dict(self._current())
        if after == before:
            return
        self._apply(after)
        self.stack.push(SetParamsCommand(self._apply, before, after, text))
