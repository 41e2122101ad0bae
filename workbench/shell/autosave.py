"""Autosave and the offer to restore after a crash.

Every few seconds the window's session (every experiment's parameters) and each page's last results
are saved to this window's recovery folder (``workbench.core.recovery``).  The GUI thread only takes
snapshots (a copy of a bounded table: a memcpy); a worker thread formats and writes them, and a
save still in flight makes the next tick wait its turn rather than queue.  A clean close removes
the folder and keeps the session as ``last-session.json``; a window that died leaves the folder,
and the next start shows a bar that offers to restore it.
"""
from __future__ import annotations

import os
import sys
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QLabel, QSizePolicy, QToolBar

from workbench.core.recovery import (RESULTS_BUDGET_BYTES, Orphan, RecoveryFolder, discard, find_orphans,
                                     keep_recovered, state_dir)
from workbench.core.session import Session, write_session

AUTOSAVE_S = float(os.environ.get("WORKBENCH_AUTOSAVE_S", "5"))
LAST_SESSION = "last-session.json"


def last_session_path() -> Path:
    return state_dir() / LAST_SESSION


class Autosave(QObject):
    """Saves ``window.session()`` and every page's record every ``interval_s`` seconds."""

    failed = Signal(str)

    def __init__(self, window, interval_s: float = AUTOSAVE_S):
        super().__init__(window)
        self.window = window
        self.folder = RecoveryFolder()
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="autosave")
        self._pending: Future | None = None
        self._written: dict[tuple[str, str], tuple] = {}
        self.saves = 0
        self.timer = QTimer(self)
        self.timer.setInterval(max(100, int(interval_s * 1000)))
        self.timer.timeout.connect(self.save)
        self.timer.start()

    def save(self, wait: bool = False) -> None:
        """Snapshot now, write in the worker (``wait``: until written; tests and close)."""
        if self._pending is not None and not self._pending.done():
            if not wait:
                return
            self._pending.result()
        session = self.window.session(complete=False)  # never builds a panel (or imports an engine) here
        if not session.topics:
            return
        jobs = list(self._result_jobs())
        self._pending = self._pool.submit(self._write, session, jobs)
        if wait:
            self._pending.result()

    def _result_jobs(self):
        for topic, panel in self.window.panels.items():
            for host in panel.pages:
                record, key = host.record, (topic, host.page_key)
                signature = (id(record), record.recorded, record.generation, tuple(map(id, record.arrays.values())))
                if self._written.get(key) == signature or not (record.recorded or record.arrays):
                    continue
                if record.nbytes() > RESULTS_BUDGET_BYTES:
                    yield key, signature, None, ()  # too large to copy every few seconds: parameters only
                else:
                    yield key, signature, record.snapshot(), tuple(host.provenance_block())

    def _write(self, session: Session, jobs) -> None:  # the worker thread
        """Write; a page's signature is recorded only once its files are written (a failed
        save is retried at the next tick).  No exception leaves: it would surface in close()."""
        try:
            self.folder.save_session(session)
            for (topic, page), signature, record, header in jobs:
                if record is None:
                    self.folder.drop_results(topic, page)
                else:
                    self.folder.save_results(topic, page, record, header)
                self._written[(topic, page)] = signature
            self.saves += 1
        except OSError as exc:
            self.failed.emit(f"Autosave failed: {exc.strerror or exc} ({self.folder.folder})")
        except Exception as exc:  # a bug: say so, keep the window closable
            self.failed.emit(f"Autosave failed: {type(exc).__name__}: {exc}")

    def close(self) -> None:
        """A clean exit: the session is kept as last-session.json and the recovery folder goes."""
        self.timer.stop()
        if self._pending is not None:
            self._pending.result()
        self._pool.shutdown(wait=True)
        session = self.window.session(complete=False)
        try:
            if session.topics:
                write_session(last_session_path(), session)
        except OSError as exc:
            print(f"warning: could not keep the session in {last_session_path()}: {exc}", file=sys.stderr)
        self.folder.close()


class RecoveryBar(QToolBar):
    """'The workbench did not close properly …  Restore · Discard', above the docks."""

    def __init__(self, window, orphans: list[Orphan]):
        super().__init__("Recovery", window)
        self.setObjectName("recovery_bar")
        self.setMovable(False)
        self.main_window, self.orphans = window, orphans
        self.label = QLabel(f"The workbench did not close properly last time ({orphans[0].describe()}).  ")
        self.label.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.addWidget(self.label)
        self.restore_action = self.addAction("Restore", self.restore)
        self.discard_action = self.addAction("Discard", self.discard)
        self.open_action = None
        self.recovered: Path | None = None

    def restore(self) -> None:
        """Apply the newest session; its folder (and any older ones) moves to ``recovered/``."""
        newest = self.orphans[0]
        self.main_window.open_session_from(newest.folder / "session.json")
        self.recovered = keep_recovered(newest)
        for older in self.orphans[1:]:
            keep_recovered(older)
        self._done(f"Restored the session saved {newest.describe().removeprefix('saved ')}. "
                   f"Its files are kept in {self.recovered}.  ")
        self.open_action = self.addAction("Open folder", self._open_folder)

    def discard(self) -> None:
        for orphan in self.orphans:
            discard(orphan)
        self._done("Discarded the unsaved session.  ")

    def _done(self, text: str) -> None:
        self.label.setText(text)
        self.removeAction(self.restore_action)
        self.removeAction(self.discard_action)
        self.addAction("Close", self.hide)

    def _open_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.recovered)))


def offer_recovery(window) -> RecoveryBar | None:
    orphans = find_orphans()
    if not orphans:
        return None
    bar = RecoveryBar(window, orphans)
    window.addToolBar(bar)
    return bar
