"""The main window's sessions: what the window holds, saved and opened whole, and the last session.

A mixin of ``MainWindow``: it reads ``panels`` (built lazily), ``_pending`` (restored states of
panels not built yet), ``current_topic``, ``show_topic`` and ``_ask_path``.
"""
from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QMessageBox

from engines.registry import experiments
from workbench.core.session import (ExperimentState, Session, SessionError, TopicState, read_session,
                                    write_session)
from workbench.shell.autosave import last_session_path


class WindowSessions:
    def session(self, complete: bool = True) -> Session:
        """Every topic's state: built panels', restored states waiting for their panel, and (when
        ``complete``, and nothing else is there) the defaults of the first topic."""
        topics = {**self._pending, **{t: p.state() for t, p in self.panels.items()}}
        if not topics and complete:
            first = self.panels.topics[0]
            topics[first] = TopicState({e.id: ExperimentState(e.params.defaults()) for e in experiments(first)},
                                       experiments(first)[0].id)
        return Session(topics, self.current_topic if self.current_topic in topics else None)

    def save_session_to(self, path: str | Path) -> None:
        write_session(path, self.session())

    def open_session_from(self, path: str | Path) -> None:
        """Read and validate the whole file first; apply only if all of it is good."""
        session = read_session(path)
        for topic, state in session.topics.items():
            if self.panels.is_built(topic):
                self.panels[topic].restore(state)
            else:
                self._pending[topic] = state
        if session.active_topic:
            self.show_topic(session.active_topic)

    def save_session(self) -> None:
        path = self._ask_path("Save session", "Workbench session (*.json)")
        if path:
            try:
                self.save_session_to(path)
            except OSError as exc:
                QMessageBox.warning(self, "Save failed", str(exc))

    def open_session(self) -> None:
        path = self._ask_path("Open session", "Workbench session (*.json)", save=False)
        if path:
            try:
                self.open_session_from(path)
            except SessionError as exc:
                QMessageBox.warning(self, "Cannot open session", f"{exc}\n\nNothing was changed.")

    def open_last_session(self) -> None:
        """The session as the last window that closed cleanly left it (``last-session.json``)."""
        path = last_session_path()
        if not path.exists():
            self.statusBar().showMessage(f"No last session yet ({path} is written when the window closes)", 8000)
            return
        try:
            self.open_session_from(path)
        except SessionError as exc:
            QMessageBox.warning(self, "Cannot open the last session", f"{exc}\n\nNothing was changed.")
