"""Crash recovery on disk: each running window keeps a folder with its session and the last results,
and a later start finds the folders whose window died without closing.

A window owns ``<state>/recovery/<pid>-<start>/`` and holds an exclusive lock on its ``lock`` file
for as long as it lives; the kernel drops the lock when the process dies however it dies (SIGKILL,
a crash, a power cut), so a folder whose lock can be taken is an orphan, and a pid reused by an
unrelated process cannot hide it.  Everything is written atomically (``workbench.core.atomic``):
``session.json`` and, per page, ``results/<topic>/<page>/`` in the command line's format (the
results are written into a staging folder and renamed into place), so a kill in the middle of a
save leaves the previous save whole.  Qt-free.
"""
from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from workbench.core.recording import RunRecord
from workbench.core.session import Session, SessionError, read_session, write_session

try:
    import fcntl
except ImportError:  # Windows: a pid that no longer runs marks an orphan
    fcntl = None

APP_DIR = "scientific-spaces-workbench"
RESULTS_BUDGET_BYTES = 32 * 2**20  # a page whose record is larger keeps only its parameters


def state_dir() -> Path:
    """Where the workbench keeps its own state: ``WORKBENCH_STATE_DIR``, else the XDG state home."""
    override = os.environ.get("WORKBENCH_STATE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_STATE_HOME") or os.path.join(os.path.expanduser("~"), ".local", "state")
    return Path(base) / APP_DIR


@dataclass
class Orphan:
    """What a window that did not close left behind."""

    folder: Path
    saved_at: float  # the session's modification time (seconds since the epoch)
    session: Session
    result_pages: list[str]

    def describe(self) -> str:
        when = _dt.datetime.fromtimestamp(self.saved_at).strftime("%Y-%m-%d %H:%M:%S")
        count = sum(len(t.experiments) for t in self.session.topics.values())
        results = f", results of {len(self.result_pages)} page(s)" if self.result_pages else ""
        return f"saved {when}: the settings of {count} experiment(s) in {len(self.session.topics)} topic(s){results}"


class RecoveryFolder:
    """This process's recovery folder: created and locked on construction, removed by ``close``."""

    def __init__(self, root: Path | None = None):
        self.root = (root or state_dir()) / "recovery"
        self.root.mkdir(parents=True, exist_ok=True)
        # Made under a hidden name, locked, then renamed into place: a scan by another window never
        # sees this folder unlocked.
        hidden = Path(tempfile.mkdtemp(prefix=f".{os.getpid()}-{int(time.time())}-", dir=self.root))
        self._lock = open(hidden / "lock", "w")
        _lock(self._lock)
        self._lock.write(json.dumps({"pid": os.getpid(), "started": time.time()}))
        self._lock.flush()
        self.folder = hidden.with_name(hidden.name[1:])
        os.replace(hidden, self.folder)

    @property
    def session_path(self) -> Path:
        return self.folder / "session.json"

    def save_session(self, session: Session) -> None:
        write_session(self.session_path, session)

    def save_results(self, topic: str, page: str, record: RunRecord, header: tuple[str, ...]) -> None:
        """The page's record in the command line's layout, replacing the previous save whole."""
        final = self.folder / "results" / topic / page
        final.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=f".{page}-", dir=final.parent))
        try:
            record.write(staging, header)
            old = final.with_name(f".{page}-old")
            if final.exists():
                shutil.rmtree(old, ignore_errors=True)
                os.replace(final, old)
            os.replace(staging, final)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise

    def drop_results(self, topic: str, page: str) -> None:
        shutil.rmtree(self.folder / "results" / topic / page, ignore_errors=True)

    def close(self) -> None:
        """A clean exit: nothing to recover."""
        shutil.rmtree(self.folder, ignore_errors=True)
        self._lock.close()


def _lock(handle) -> None:
    """An exclusive lock on an open file, held until it is closed or the process dies; raises
    OSError when another process holds it."""
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    else:  # Windows
        import msvcrt

        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)


def _is_orphan(folder: Path) -> bool:
    lock = folder / "lock"
    if not lock.exists():
        return False
    try:
        with open(lock, "a") as handle:
            _lock(handle)  # released when the handle closes
    except OSError:
        return False  # a live window holds it (or the file is not ours to lock)
    return True


def find_orphans(root: Path | None = None) -> list[Orphan]:
    """The folders of windows that died, newest first.  One that died before its first save is
    removed (it holds nothing); one whose session cannot be read is moved to ``recovered/``
    with a note, never deleted (its results may still be worth having)."""
    recovery = (root or state_dir()) / "recovery"
    found = []
    for folder in sorted(recovery.glob("*")) if recovery.is_dir() else []:
        if folder.name.startswith(".") or not folder.is_dir() or not _is_orphan(folder):
            continue
        if not (folder / "session.json").exists() and not (folder / "results").exists():
            shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            session = read_session(folder / "session.json")
        except SessionError as exc:
            _set_aside(folder, root, f"not offered for restore: {exc}")
            continue
        results = folder / "results"
        pages = sorted(f"{t.name}/{p.name}" for t in results.glob("*") for p in t.glob("[!.]*")) if results.is_dir() else []
        found.append(Orphan(folder, (folder / "session.json").stat().st_mtime, session, pages))
    return sorted(found, key=lambda o: o.saved_at, reverse=True)


def keep_recovered(orphan: Orphan, root: Path | None = None) -> Path:
    """Move an orphan's folder to ``<state>/recovered/<time>`` (its results stay for the user)."""
    return _set_aside(orphan.folder, root)


def _set_aside(folder: Path, root: Path | None, note: str = "") -> Path:
    target_root = (root or state_dir()) / "recovered"
    target_root.mkdir(parents=True, exist_ok=True)
    stamp = _dt.datetime.fromtimestamp(folder.stat().st_mtime).strftime("%Y%m%d-%H%M%S")
    target = Path(tempfile.mkdtemp(prefix=f"{stamp}-", dir=target_root))
    os.replace(folder, target)
    (target / "lock").unlink(missing_ok=True)
    if note:
        (target / "README.txt").write_text(note + "\n", encoding="utf-8")
    return target


def discard(orphan: Orphan) -> None:
    shutil.rmtree(orphan.folder, ignore_errors=True)
