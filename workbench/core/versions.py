"""Package versions recorded in sessions and export headers (read from metadata: imports nothing)."""
from __future__ import annotations

import platform
from importlib import metadata

from workbench import __version__

PACKAGES = ("numpy", "scipy", "numba", "torch", "PySide6-Essentials", "pyqtgraph")


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version(), "workbench": __version__}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions
