"""``--out`` as the command-line contract says (DESIGN.md §5): never mixed, never half-written.

The folder must be missing, empty, or a previous workbench output (a folder whose ``session.json``
the workbench wrote, or whose every entry is one: a replay of several topics).  Anything else is
refused *before* the run starts, and so is a place where no folder can be made — found by making
the staging folder there, not by ``os.access``, which says yes to root everywhere.  Results are
written into that staging folder beside ``--out`` and renamed into place whole when they are
complete; a previous output is replaced whole, so no file of an older run is left beside the new
ones.  A write that fails (a full disk) discards the staging folder and leaves ``--out`` as it was.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from workbench.core.session import APP_NAME, RUN_STATUSES


class OutputFolderError(ValueError):
    """``--out`` cannot be used (exit 2); the message says why and what would do."""


def is_workbench_output(folder: Path) -> bool:
    """A folder the command line wrote: its session.json is the workbench's *and* records how a
    headless run ended (``status``) — a session saved or exported from the GUI into a folder of the
    user's own files has no status, so such a folder is never replaced — or each entry is one."""
    session = folder / "session.json"
    if session.is_file():
        try:
            doc = json.loads(session.read_text(encoding="utf-8"))
            return doc.get("app") == APP_NAME and doc.get("status") in RUN_STATUSES
        except (OSError, ValueError, AttributeError, RecursionError):
            return False
    entries = list(folder.iterdir())
    return bool(entries) and all(e.is_dir() and is_workbench_output(e) for e in entries)


class OutputFolder:
    """The staging folder of one ``--out``, made at once; ``commit`` renames it into place."""

    def __init__(self, out: str):
        if not str(out).strip():
            raise OutputFolderError("--out is empty: give the folder to write the results into")
        self.path = Path(os.path.abspath(out))  # "." or "x/.." name the folder, not a "" inside it
        if self.path.parent == self.path:
            raise OutputFolderError(f"--out {out}: the file system's root cannot be an output folder")
        if self.path.exists() or self.path.is_symlink():
            if not self.path.is_dir():
                raise OutputFolderError(f"--out {out}: exists and is not a folder")
            if any(self.path.iterdir()) and not is_workbench_output(self.path):
                raise OutputFolderError(
                    f"--out {out}: holds files that are not a workbench output (no session.json written by the "
                    "workbench); give a missing or empty folder, or a previous output to replace")
        self.staging = self.path.parent / f".{self.path.name}.staging-{os.getpid()}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.staging.mkdir()
        except OSError as exc:
            raise OutputFolderError(f"--out {out}: cannot make a folder there ({exc.strerror or exc})") from None

    def commit(self) -> Path:
        """Put the complete results in place of ``--out`` (a previous output goes whole)."""
        old = None
        if self.path.exists():
            old = self.path.parent / f".{self.path.name}.old-{os.getpid()}"
            os.rename(self.path, old)
        try:
            os.rename(self.staging, self.path)
        except OSError:
            if old is not None:
                os.rename(old, self.path)
            raise
        if old is not None:
            if old.is_symlink():
                old.unlink()
            else:
                shutil.rmtree(old, ignore_errors=True)
        return self.path

    def discard(self) -> None:
        shutil.rmtree(self.staging, ignore_errors=True)

    def final_path(self, written: Path) -> Path:
        """Where a file written into the staging folder will be once committed."""
        return self.path / Path(written).relative_to(self.staging)
