"""The race's data sets: scikit-learn's generators and its shipped digits, nothing downloaded.

Small training sets are the point (regularization.md §c: to see overfitting, ~100 noisy moons or
~300 digits with a wide MLP).  The generated sets draw a fixed 1,000-point test set from the same
distribution with the same seed; digits use the platform's stratified split (540 test images).
Label noise replaces that fraction of the *training* labels by a different class, drawn with the
seed; the test labels stay clean, so test accuracy measures what was learnt, not the noise.
Features are left in their natural units (moons and circles of order 1, make_classification's
standard-normal features, digits' grey levels in [0, 1]): the FGSM ε is in those units.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from engines.core.params import ParameterError
from engines.training.datasets import DIGITS_TRAIN_SIZE, digits_split

DATASETS = ("moons", "circles", "digits", "classification")
TEST_POINTS = 1000
CLASSIFICATION_FEATURES = 20


@dataclass(frozen=True)
class RaceData:
    x_train: np.ndarray  # (n, d) float32
    y_train: np.ndarray  # (n,) int64, after label noise
    x_test: np.ndarray
    y_test: np.ndarray
    classes: int
    clip: tuple[float, float] | None  # the valid feature range an attack stays in (digits: [0, 1])
    flipped: int  # training labels the noise changed


def make_race_data(dataset: str, train_size: int, noise: float, label_noise: float, seed: int) -> RaceData:
    if dataset == "digits":
        if train_size > DIGITS_TRAIN_SIZE:
            raise ParameterError("train_size", f"train_size = {train_size} is out of range for digits; "
                                               f"allowed: an integer in [20, {DIGITS_TRAIN_SIZE}]")
        split = digits_split(train_size)
        x_train, y_train, x_test, y_test = split.x_train, split.y_train, split.x_test, split.y_test
        classes, clip = 10, (0.0, 1.0)
    else:
        x, y = _generate(dataset, train_size + TEST_POINTS, noise, seed)
        x_train, y_train, x_test, y_test = x[:train_size], y[:train_size], x[train_size:], y[train_size:]
        classes, clip = 2, None
    y_noisy, flipped = _flip_labels(y_train, label_noise, classes, seed)
    return RaceData(np.ascontiguousarray(x_train, np.float32), y_noisy, np.ascontiguousarray(x_test, np.float32),
                    np.asarray(y_test, np.int64), classes, clip, flipped)


def _generate(dataset: str, n: int, noise: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    from sklearn import datasets

    if dataset == "moons":
        x, y = datasets.make_moons(n, noise=noise, random_state=seed)
    elif dataset == "circles":
        x, y = datasets.make_circles(n, noise=noise, factor=0.5, random_state=seed)
    elif dataset == "classification":
        x, y = datasets.make_classification(n, n_features=CLASSIFICATION_FEATURES, n_informative=5, n_redundant=5,
                                            flip_y=0.0, class_sep=1.0, random_state=seed)
    else:
        raise ParameterError("dataset", f"dataset: {dataset!r} is not valid; allowed: one of {', '.join(DATASETS)}")
    return x.astype(np.float32), y.astype(np.int64)


def _flip_labels(y: np.ndarray, fraction: float, classes: int, seed: int) -> tuple[np.ndarray, int]:
    """Replace round(fraction·n) labels, chosen without replacement, by a uniformly drawn other class."""
    y = np.array(y, dtype=np.int64)
    count = int(round(fraction * len(y)))
    if count == 0:
        return y, 0
    rng = np.random.default_rng([seed, 7681])
    chosen = rng.choice(len(y), size=count, replace=False)
    y[chosen] = (y[chosen] + rng.integers(1, classes, size=count)) % classes
    return y, count
