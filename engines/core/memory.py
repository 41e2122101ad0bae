"""Memory budgets: an experiment estimates what its settings need before it starts, and settings
the machine cannot hold are refused with the estimate and the parameters that drive it (a run that
swaps for a quarter of an hour, or is killed by the kernel, loses everything it computed).

Estimates are deliberately on the high side (the calibration is in each estimator's docstring);
the limit is the memory available now (``MemAvailable``), or ``WORKBENCH_MEMORY_LIMIT`` (bytes, or
a number with K/M/G) when a user wants a lower ceiling.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from engines.core.params import ParameterError

GIB = 2.0 ** 30


@dataclass(frozen=True)
class MemoryEstimate:
    """About how many bytes a run needs, which parameters drive it (largest effect first) and
    what dominates, in words."""

    bytes: float
    drivers: tuple[str, ...]
    detail: str = ""


def parse_size(text: str) -> float:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmMgGtT]?)i?[bB]?\s*", text)
    if not match:
        raise ValueError(f"WORKBENCH_MEMORY_LIMIT: {text!r} is not a size (e.g. 2G, 512M, 1000000)")
    scale = {"": 1, "k": 2 ** 10, "m": 2 ** 20, "g": 2 ** 30, "t": 2 ** 40}[match.group(2).lower()]
    return float(match.group(1)) * scale


def available_bytes() -> float | None:
    """The memory a new run may use: WORKBENCH_MEMORY_LIMIT, else MemAvailable, else unknown."""
    limit = os.environ.get("WORKBENCH_MEMORY_LIMIT")
    if limit:
        try:
            return parse_size(limit)
        except ValueError as exc:
            raise ParameterError("WORKBENCH_MEMORY_LIMIT", str(exc)) from None
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def check_memory(estimate: MemoryEstimate | None, available: float | None = None) -> None:
    """Raise ParameterError (naming the first driver) when the estimate exceeds what is available."""
    if estimate is None:
        return
    available = available_bytes() if available is None else available
    if available is None or estimate.bytes <= available:
        return
    drivers = ", ".join(estimate.drivers[:-1]) + f" or {estimate.drivers[-1]}" if len(estimate.drivers) > 1 \
        else estimate.drivers[0]
    detail = f" ({estimate.detail})" if estimate.detail else ""
    raise ParameterError(estimate.drivers[0],
                         f"these settings need about {format_size(estimate.bytes)} of memory{detail}, more than "
                         f"the {format_size(available)} available; reduce {drivers}")


def format_size(size: float) -> str:
    """``"340 MiB"`` below a GiB, ``"7.6 GiB"`` above."""
    return f"{size / 2**20:.0f} MiB" if size < GIB else f"{size / GIB:.1f} GiB"
