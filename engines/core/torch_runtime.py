"""The one place that turns a run's ``device`` and ``seed`` into torch settings (DESIGN.md §2).

Device: ``auto`` means CUDA when torch sees a GPU, else the CPU; asking for ``cuda`` where there is
none is a parameter error, not a silent fallback, so a user never reads CPU numbers as GPU numbers.

Threads: the models here are small (a 64-256-256-32 MLP on batches of 100).  On a 2-core machine
torch's intra-op pool costs more in wake-ups than it gains on such matrices, and two busy OpenMP
pools (the GUI's BLAS and the worker's) collapse throughput, so small CPU models run on one thread
(``bench`` measures the alternative).  Randomness that must be identical on every device is drawn on
the CPU from ``torch.Generator`` objects and then moved (see ``engines.training.population``).
"""
from __future__ import annotations

import random

import numpy as np

from engines.core.params import ParameterError

DEVICE_CHOICES = ("auto", "cpu", "cuda")
SMALL_MODEL_THREADS = 1


def cuda_available() -> bool:
    import torch

    return bool(torch.cuda.is_available())


def resolve_device(name: str):
    """``auto`` / ``cpu`` / ``cuda`` → a ``torch.device``; ``cuda`` without a GPU is refused."""
    import torch

    if name not in DEVICE_CHOICES:
        raise ParameterError("device", f"device: {name!r} is not valid; allowed: one of {', '.join(DEVICE_CHOICES)}")
    if name == "auto":
        return torch.device("cuda" if cuda_available() else "cpu")
    if name == "cuda" and not cuda_available():
        raise ParameterError("device", "device = cuda, but torch sees no CUDA GPU here; allowed: auto or cpu")
    return torch.device(name)


def seed_everything(seed: int) -> None:
    """Seed ``random``, numpy's legacy global generator and torch (all devices) from one integer."""
    import torch

    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def configure_threads(device, threads: int | None = None) -> None:
    """One intra-op thread for small models on the CPU (see the module docstring for why)."""
    import torch

    threads = SMALL_MODEL_THREADS if threads is None else threads
    if getattr(device, "type", str(device)) == "cpu" and torch.get_num_threads() != threads:
        torch.set_num_threads(threads)


def describe_device(device) -> str:
    """A short label for the panel, e.g. ``cpu (1 thread)`` or ``cuda: NVIDIA H200``."""
    import torch

    if getattr(device, "type", "cpu") == "cuda":
        return f"cuda: {torch.cuda.get_device_name(device)}"
    n = torch.get_num_threads()
    return f"cpu ({n} thread{'s' if n != 1 else ''})"
