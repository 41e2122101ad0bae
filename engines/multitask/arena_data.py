"""The arena's data sets, each with several tasks on one input (multitask.md §c, data without download).

* ``digits``: the 8×8 digits; (1) the digit, 10-class cross-entropy; (2) its parity, 2-class
  cross-entropy; (3) the image's mean ink (in [0, 1]) times ``ink_units``, squared error — a slider
  that changes nothing but the regression's units.
* ``moons``: two half-moons; (1) the class, 2-class cross-entropy; (2) the signed distance
  ½(d_upper − d_lower) to the two noiseless arcs, squared error.
* ``gradnorm_toy``: GradNorm's synthetic regression (Chen et al. 2018, as in LucasBoTang/GradNorm):
  T tasks f_i(x) = σ_i tanh((B + ε_i)x), x ~ U(0, 1)^250, B and ε_i Gaussian with std 10 and 3.5,
  100 outputs each (the squared error is averaged over them); σ_i sets each task's scale.
* ``linnerud``: 20 men, three exercises → weight (lb), waist (in), pulse (beats/min) in their raw
  units: three regressions whose losses differ by a factor of ten before training starts.

Each task knows its *initial* loss with a zero last layer (log K, or E[y²]: eq. 2's theoretical
value, exact here because the heads start at zero) and its *prior* loss (the entropy of the label
frequencies, or the variance: eq. 3–4).
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from engines.training.datasets import digits_split

DATASETS = ("digits", "moons", "gradnorm_toy", "linnerud")
DATASET_LABELS = ("digits: digit, parity, ink", "moons: class, signed distance", "GradNorm toy",
                  "linnerud: weight, waist, pulse")
TASK_LIMITS = {"digits": 3, "moons": 2, "gradnorm_toy": 10, "linnerud": 3}
TOY_INPUTS, TOY_OUTPUTS, TOY_TEST = 250, 100, 500


@dataclass(frozen=True)
class Task:
    """One task: a name, ``classes`` (K ≥ 2 for cross-entropy, 0 for squared error over ``outputs``
    columns) and its train / test targets (int labels, or float arrays (n, outputs))."""

    name: str
    classes: int
    y_train: np.ndarray
    y_test: np.ndarray
    unit: str = ""

    @property
    def outputs(self) -> int:
        return self.classes if self.classes else self.y_train.shape[1]

    @property
    def init_loss(self) -> float:
        """The loss of a zero output: log K, or the mean of y² (eq. 2 with the theoretical state)."""
        if self.classes:
            return float(np.log(self.classes))
        return float(np.mean(self.y_train.astype(np.float64) ** 2))

    @property
    def prior_loss(self) -> float:
        """The loss of the best constant output: the label entropy −Σp log p (eq. 4), or the variance."""
        if self.classes:
            p = np.bincount(self.y_train, minlength=self.classes) / len(self.y_train)
            p = p[p > 0]
            return float(-(p * np.log(p)).sum())
        y = self.y_train.astype(np.float64)
        return float(np.mean((y - y.mean(axis=0)) ** 2))


@dataclass(frozen=True)
class ArenaData:
    x_train: np.ndarray
    x_test: np.ndarray
    tasks: tuple[Task, ...]


def task_names(dataset: str, tasks: int) -> tuple[str, ...]:
    if dataset == "digits":
        return ("digit", "parity", "mean ink")
    if dataset == "moons":
        return ("class", "signed distance")
    if dataset == "linnerud":
        return ("weight", "waist", "pulse")
    return tuple(f"task {i + 1}" for i in range(tasks))


def load(dataset: str, train_size: int, noise: float = 0.2, ink_units: float = 1.0,
         sigmas: tuple[float, ...] = (1.0, 100.0)) -> ArenaData:
    if dataset == "digits":
        return _digits(train_size, ink_units)
    if dataset == "moons":
        return _moons(train_size, noise)
    if dataset == "linnerud":
        return _linnerud()
    return _toy(train_size, tuple(sigmas))


def _digits(train_size: int, ink_units: float) -> ArenaData:
    split = digits_split(train_size)
    names = task_names("digits", 3)

    def ink(x):
        return (x.astype(np.float64).mean(axis=1, keepdims=True) * ink_units)

    tasks = (Task(names[0], 10, split.y_train, split.y_test),
             Task(names[1], 2, split.y_train % 2, split.y_test % 2),
             Task(names[2], 0, ink(split.x_train), ink(split.x_test), "ink units"))
    return ArenaData(split.x_train.astype(np.float64), split.x_test.astype(np.float64), tasks)


def arc_distance(points: np.ndarray, centre: tuple[float, float], upper: bool) -> np.ndarray:
    """Distance from each point to the unit half-circle about ``centre`` (the upper or lower half)."""
    d = points - np.asarray(centre)
    angle = np.arctan2(d[:, 1], d[:, 0])
    on_arc = angle >= 0 if upper else angle <= 0
    radial = np.abs(np.hypot(d[:, 0], d[:, 1]) - 1.0)
    ends = np.asarray(centre) + np.array([[1.0, 0.0], [-1.0, 0.0]])
    to_end = np.min(np.linalg.norm(points[:, None, :] - ends[None], axis=2), axis=1)
    return np.where(on_arc, radial, to_end)


def signed_moon_distance(points: np.ndarray) -> np.ndarray:
    """½(d_upper − d_lower): negative near make_moons' upper arc, positive near its lower one."""
    return 0.5 * (arc_distance(points, (0.0, 0.0), True) - arc_distance(points, (1.0, 0.5), False))


@lru_cache(maxsize=4)
def _moons(train_size: int, noise: float) -> ArenaData:
    from sklearn.datasets import make_moons

    x, y = make_moons(n_samples=train_size + 300, noise=noise, random_state=0)
    names = task_names("moons", 2)
    distance = signed_moon_distance(x)[:, None]
    tasks = (Task(names[0], 2, y[:train_size], y[train_size:]),
             Task(names[1], 0, distance[:train_size], distance[train_size:], "length"))
    return ArenaData(x[:train_size], x[train_size:], tasks)


@lru_cache(maxsize=4)
def _toy(train_size: int, sigmas: tuple[float, ...]) -> ArenaData:
    rng = np.random.default_rng(0)
    base = rng.normal(0.0, 10.0, (TOY_OUTPUTS, TOY_INPUTS))
    x = rng.uniform(0.0, 1.0, (train_size + TOY_TEST, TOY_INPUTS))
    tasks = []
    for i, sigma in enumerate(sigmas):
        eps = rng.normal(0.0, 3.5, (TOY_OUTPUTS, TOY_INPUTS))
        y = sigma * np.tanh(x @ (base + eps).T)
        tasks.append(Task(f"task {i + 1}", 0, y[:train_size], y[train_size:], f"σ = {sigma:g}"))
    return ArenaData(x[:train_size], x[train_size:], tuple(tasks))


@lru_cache(maxsize=1)
def _linnerud() -> ArenaData:
    from sklearn.datasets import load_linnerud

    data = load_linnerud()
    x = data.data.astype(np.float64)
    x = (x - x[:15].mean(axis=0)) / x[:15].std(axis=0)  # standardised by the 15 training men
    y = data.target.astype(np.float64)
    units = ("lb", "in", "beats/min")
    tasks = tuple(Task(name, 0, y[:15, i:i + 1], y[15:, i:i + 1], unit)
                  for i, (name, unit) in enumerate(zip(task_names("linnerud", 3), units)))
    return ArenaData(x[:15], x[15:], tasks)
