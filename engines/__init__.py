"""Pure computation for the Scientific Spaces Workbench: never imports Qt, pyqtgraph or the app.

Importing this package first makes sure numba has a writable cache folder: ``cache=True`` kernels
fail at import time without one (DESIGN.md §2), so it is set here, before any engine imports numba.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _ensure_numba_cache_dir() -> None:
    if os.environ.get("NUMBA_CACHE_DIR"):
        return
    candidates = [
        Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "scientific-spaces-workbench" / "numba",
        Path(tempfile.gettempdir()) / "scientific-spaces-workbench-numba",
    ]
    for folder in candidates:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / ".write-test"
            probe.write_text("ok")
            probe.unlink()
        except OSError:
            continue
        os.environ["NUMBA_CACHE_DIR"] = str(folder)
        return


_ensure_numba_cache_dir()
