"""Data sets that ship inside installed packages (scikit-learn), so nothing is downloaded at run time.

Digits follow the topic note's reference runs exactly: 1797 8×8 images with 16 grey levels scaled
to [0, 1] by /16, split by ``train_test_split(test_size=0.3, random_state=0, stratify=y)`` into
1257 training and 540 test images.  A smaller training set is a stratified subset of those 1257
(``random_state=0`` again), so every size shares one test set.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engines.core.params import ParameterError

DIGITS_TRAIN_SIZE = 1257


@dataclass(frozen=True)
class Split:
    x_train: np.ndarray  # (n, 64) float32 in [0, 1]
    y_train: np.ndarray  # (n,) int64
    x_test: np.ndarray
    y_test: np.ndarray

    @property
    def label_entropy_bits(self) -> float:
        """H(Y) of the training labels (3.3218 bits for the full digits split)."""
        counts = np.bincount(self.y_train)
        p = counts[counts > 0] / counts.sum()
        return float(-(p * np.log2(p)).sum())


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    """The digits file scikit-learn ships, read directly (30 ms): importing scikit-learn itself takes
    1–2 s and, in a worker thread beside a busy GUI thread, can stall on the import lock for minutes.
    The file holds exactly what ``load_digits()`` returns (a test compares them)."""
    raw = np.loadtxt(digits_file(), delimiter=",")
    x = (raw[:, :-1] / 16.0).astype(np.float32)
    x.setflags(write=False)
    y = raw[:, -1].astype(np.int64)
    y.setflags(write=False)
    return x, y


def digits_file() -> str:
    import importlib.util
    import os

    spec = importlib.util.find_spec("sklearn")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("scikit-learn is not installed: it ships the digits data set (make setup installs it)")
    return os.path.join(spec.submodule_search_locations[0], "datasets", "data", "digits.csv.gz")


def digits_all() -> tuple[np.ndarray, np.ndarray]:
    """All 1797 images (n, 64) in [0, 1] and their labels (read-only)."""
    return _digits()


@lru_cache(maxsize=8)
def digits_split(train_size: int = DIGITS_TRAIN_SIZE) -> Split:
    from sklearn.model_selection import train_test_split

    if not 20 <= train_size <= DIGITS_TRAIN_SIZE:
        raise ParameterError("train_size", f"train_size = {train_size} is out of range; allowed: an integer in [20, {DIGITS_TRAIN_SIZE}]")
    x, y = _digits()
    x_tr, x_te, y_tr, y_te = train_test_split(x, y, test_size=0.3, random_state=0, stratify=y)
    if train_size < len(y_tr):
        x_tr, _, y_tr, _ = train_test_split(x_tr, y_tr, train_size=train_size, random_state=0, stratify=y_tr)
    return Split(x_tr, y_tr, x_te, y_te)


MOONS_SAMPLES = 1000
MOONS_TRAIN_SIZE = 700  # 70 % of MOONS_SAMPLES (test_size=0.3 below); a test checks the split


@lru_cache(maxsize=1)
def moons_split() -> Split:
    """Two interleaved half-moons in 2-D (``make_moons(1000, noise=0.2, random_state=0)``), split
    70/30 like digits: 700 training and 300 test points, features standardised by nothing (they are
    already of order 1).  Small enough that a 2-16-16-2 network's loss surface is numba's job."""
    from sklearn.datasets import make_moons
    from sklearn.model_selection import train_test_split

    x, y = make_moons(n_samples=MOONS_SAMPLES, noise=0.2, random_state=0)
    x_tr, x_te, y_tr, y_te = train_test_split(x.astype(np.float32), y.astype(np.int64), test_size=0.3,
                                              random_state=0, stratify=y)
    return Split(x_tr, y_tr, x_te, y_te)
