"""The points of a sweep: a grid over parameters of one experiment × seeds, every value checked.

``--grid NAME=V1,V2,...`` (several ``--grid`` multiply) over an experiment's parameters, the other
parameters fixed by ``--set``, and ``--seeds N`` seeds counted up from the ``seed`` value.  Every
value is validated by its own parameter and every point by the schema's relations *before* any run
starts, so a bad grid fails at once with a message naming the parameter and its range and nothing
is written (exit 2).  ``linspace(a, b, n)`` and ``logspace(a, b, n)`` write a range out.  A
multi-choice parameter (a comma list itself) takes its grid values separated by ``;`` instead.
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Sequence

from engines.core.experiment import Experiment
from engines.core.params import ParameterError, expand_spaces

MAX_POINTS = 100_000


@dataclass(frozen=True)
class Axis:
    """One grid parameter and its values (validated, in the order given, repeats dropped)."""

    name: str
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Point:
    """One run: its number, its grid values (one per axis) and its seed (None: no seed parameter)."""

    index: int
    values: tuple[Any, ...]
    seed: int | None


@dataclass
class SweepGrid:
    topic: str
    experiment: Experiment
    base: dict[str, Any]         # every parameter's value where the grid does not set it
    axes: list[Axis]
    seeds: list[int | None]

    @property
    def ref(self) -> str:
        return f"{self.topic}:{self.experiment.id}"

    def points(self) -> list[Point]:
        combos = itertools.product(*(axis.values for axis in self.axes))
        return [Point(i, values, seed) for i, (values, seed)
                in enumerate((v, s) for v in combos for s in self.seeds)]

    def params_of(self, point: Point) -> dict[str, Any]:
        values = dict(self.base)
        values.update(zip((a.name for a in self.axes), point.values))
        if point.seed is not None:
            values["seed"] = point.seed
        return values

    def describe(self) -> dict[str, Any]:
        """What ``sweep.json`` records about the grid (plain JSON types)."""
        return {"experiment": self.ref, "grid": {a.name: list(a.values) for a in self.axes},
                "fixed": {k: v for k, v in self.base.items() if k not in {a.name for a in self.axes} | {"seed"}},
                "seeds": self.seeds, "runs": len(self.points())}


def split_values(param, text: str) -> list[str]:
    if param.kind == "multi":
        return [t.strip() for t in str(text).split(";") if t.strip()]
    return [t.strip() for t in expand_spaces(param.name, text).split(",") if t.strip()]


def plan_grid(topic: str, experiment: Experiment, grids: Sequence[str], fixed: dict[str, Any],
              seeds: int = 1) -> SweepGrid:
    """The checked grid.  ``grids``: ``NAME=V1,V2,...`` strings; ``fixed``: values already parsed by
    the schema (``--set``); ``seeds``: how many seeds from ``seed`` up.  ParameterError names what is
    wrong: an unknown or repeated name, a value out of its range, a point that breaks a relation."""
    schema = experiment.params
    if not grids:
        raise ParameterError("--grid", "--grid: give at least one NAME=V1,V2,... over "
                                       f"{experiment.id}'s parameters: {', '.join(schema.names())}")
    axes: list[Axis] = []
    for text in grids:
        name, sep, raw = text.partition("=")
        name = name.strip()
        if not sep:
            raise ParameterError("--grid", f"--grid expects NAME=V1,V2,..., got {text!r}")
        if name not in schema:
            raise ParameterError(name, f"--grid {name}: {topic}:{experiment.id} has no such parameter; "
                                       f"allowed: {', '.join(schema.names())}")
        if name == "seed":
            raise ParameterError("seed", "--grid seed: give the number of seeds with --seeds N (from --set seed=S up)")
        if name in fixed or any(a.name == name for a in axes):
            raise ParameterError(name, f"--grid {name}: {name} is set twice (in --grid and --set, or two --grid)")
        items = split_values(schema[name], raw)
        if not items:
            raise ParameterError(name, f"--grid {name}: give at least one value; allowed: {schema[name].range_text()}")
        values = []
        for item in items:
            try:
                values.append(schema[name].validate(item))
            except ParameterError as exc:
                raise ParameterError(name, f"--grid {exc}") from None
        axes.append(Axis(name, tuple(dict.fromkeys(values))))
    if seeds < 1:
        raise ParameterError("--seeds", f"--seeds = {seeds} is out of range; allowed: an integer ≥ 1")
    if seeds > 1 and "seed" not in schema:
        raise ParameterError("--seeds", f"--seeds: {topic}:{experiment.id} has no seed parameter "
                                        "(its results are deterministic): give --seeds 1")
    base = schema.validate(fixed, relations=False)  # relations are checked point by point below
    first = base.get("seed")
    seed_list: list[int | None] = [first + k for k in range(seeds)] if "seed" in schema else [None]
    if seed_list[-1] is not None and seed_list[-1] > schema["seed"].hi:
        raise ParameterError("--seeds", f"--seeds {seeds} from seed {first} passes the seed's range; "
                                        f"allowed: {schema['seed'].range_text()}")
    grid = SweepGrid(topic, experiment, base, axes, seed_list)
    count = len(seed_list)
    for axis in axes:
        count *= len(axis.values)
    if count > MAX_POINTS:
        raise ParameterError("--grid", f"--grid: {count} runs is out of range; allowed: at most {MAX_POINTS}")
    given = set(fixed) | {a.name for a in axes}
    for values in itertools.product(*(axis.values for axis in axes)):
        point = dict(base)
        point.update(zip((a.name for a in axes), values))
        try:
            schema.check_relations(point, given=given)
            experiment.check_memory(point)
        except ParameterError as exc:
            at = ", ".join(f"{a.name} = {v}" for a, v in zip(axes, values))
            raise ParameterError(exc.name, f"--grid point {at}: {exc}") from None
    return grid
