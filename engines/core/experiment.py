"""The experiment: the platform's unit (one parameter schema + one run, what a tab computes).

A topic engine declares ``EXPERIMENTS``, a tuple of ``Experiment``, the topic's main experiment
first.  Everything the application offers per run — the command line (``run TOPIC:EXPERIMENT``),
sessions, export provenance, the panel's pages — is keyed by ``"topic:experiment"``, so a tab's
small computation (batchnorm's descent lemma, vae_ib's Gaussian algebra) gets exactly what the
topic's main training run gets.

Outputs are declared (``Series`` for scalar samples, ``Table`` for arrays with named columns) so
that views, exports and a generic page can label and group what a run streams without topic code;
``tests/core/test_experiments.py`` runs every experiment and checks that it yields only what it
declares.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Iterator, Mapping

from engines.core.frame import Frame, RunContext
from engines.core.params import ParameterError, ParamSchema
from engines.core.memory import MemoryEstimate, check_memory

MODES = ("instant", "stream")
RunFn = Callable[[dict[str, Any], RunContext], Iterator[Frame]]


@dataclass(frozen=True)
class Series:
    """A scalar the run samples over its steps (a curve): name, label, unit, and the group of
    series drawn on one plot."""

    name: str
    label: str = ""
    unit: str = ""
    group: str = ""

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")


@dataclass(frozen=True)
class Table:
    """An array snapshot: 1-D, or 2-D with one name per column (the CSV header)."""

    name: str
    columns: tuple[str, ...] = ()
    label: str = ""


@dataclass(frozen=True)
class SweepSpec:
    """The sweep an experiment offers: its own parameters (which parameter, which values, which
    seeds), the run that trains every member and streams the growing ``sweep`` table, and how the
    table is read (``group_param``: a sweep parameter whose comma-separated items are drawn as one
    line each; ``default_metric`` and ``error_of``: the metric shown first and its "1 − x" label),
    the title of its page, and ``in_process``: the sweep computes, so the GUI runs it in a child
    process (False: it only drives worker processes or a cluster, so a thread of the GUI will do)."""

    params: ParamSchema
    run: RunFn
    group_param: str | None = None
    default_metric: str | None = None
    error_of: Mapping[str, str] = field(default_factory=dict)
    title: str = "Sweep"
    in_process: bool = True


@dataclass(frozen=True)
class Preset:
    """A "Try this" starting point: a name, the values it sets (the others keep their defaults)
    and what to look for, in a sentence (the topic note's reference runs and the README examples)."""

    name: str
    values: Mapping[str, Any]
    look_for: str = ""


@dataclass(frozen=True)
class Experiment:
    """One schema + one run.

    mode: ``instant`` — milliseconds of exact maths: every change recomputes, no transport;
        ``stream`` — a run the transport drives (play, pause, stop, live parameters).
    relevant: the parameters these values read (the form hides the others); None: all.
    selected_by: ``(parameter, value)`` of the topic's *main* experiment that older sessions and
        command lines used to mean this experiment (the rope's ``scenario = dynamics``): such
        values are routed here, that parameter dropped.
    in_process: compute-bound; the GUI runs it in a child process (its own GIL).
    memory: estimates the memory of validated values (engines.core.memory); settings above what
        the machine has are refused before the run starts.  None: small by construction.
    presets: "Try this" starting points, one click each on the page (validated at declaration).
    speeds, speed: the transport's speed choices (simulated seconds per wall second) and the one it
        starts at, for a real-time simulation of slow physics (a pan heating for minutes); () keeps
        the transport's own (¼× to 8×, starting at 1×).
    """

    id: str
    title: str
    params: ParamSchema
    run: RunFn
    mode: str = "stream"
    outputs: tuple[Series | Table, ...] = ()
    sweep: SweepSpec | None = None
    summary: str = ""
    relevant: Callable[[Mapping[str, Any]], Iterable[str]] | None = None
    selected_by: tuple[str, str] | None = None
    in_process: bool = False
    memory: Callable[[Mapping[str, Any]], MemoryEstimate] | None = None
    presets: tuple[Preset, ...] = ()
    speeds: tuple[float, ...] = ()
    speed: float = 1.0

    def __post_init__(self):
        if self.mode not in MODES:
            raise ValueError(f"experiment {self.id}: mode must be one of {', '.join(MODES)}")
        if not self.id.isidentifier():
            raise ValueError(f"experiment id {self.id!r} must be an identifier")
        names = [o.name for o in self.outputs]
        if len(set(names)) != len(names):
            raise ValueError(f"experiment {self.id}: duplicate output names")
        if self.speeds and self.speed not in self.speeds:
            raise ValueError(f"experiment {self.id}: speed {self.speed:g} is not among its speeds")
        for preset in self.presets:  # a preset that the schema refuses is a bug of the declaration
            self.params.validate(dict(preset.values))

    def series(self) -> tuple[Series, ...]:
        return tuple(o for o in self.outputs if isinstance(o, Series))

    def tables(self) -> tuple[Table, ...]:
        return tuple(o for o in self.outputs if isinstance(o, Table))

    def output(self, name: str) -> Series | Table | None:
        return next((o for o in self.outputs if o.name == name), None)

    def relevant_names(self, values: Mapping[str, Any]) -> set[str] | None:
        return None if self.relevant is None else set(self.relevant(values))

    def validate(self, values: Mapping[str, Any], *, complete: bool = True, relations: bool = True) -> dict[str, Any]:
        return self.params.validate(values, complete=complete, relations=relations)

    def check_memory(self, values: Mapping[str, Any], available: float | None = None) -> None:
        """Refuse (ParameterError naming the main driver) settings this machine cannot hold."""
        if self.memory is not None:
            check_memory(self.memory(values), available)


def find(experiments: Iterable[Experiment], experiment_id: str, topic: str = "") -> Experiment:
    """The experiment of that id, or a ParameterError listing the ones there are."""
    experiments = tuple(experiments)
    for experiment in experiments:
        if experiment.id == experiment_id:
            return experiment
    where = f"topic {topic!r}" if topic else "this topic"
    raise ParameterError("experiment", f"{where} has no experiment {experiment_id!r}; "
                                       f"it has: {', '.join(e.id for e in experiments)}")


def route(experiments: Iterable[Experiment], values: Mapping[str, Any]) -> tuple[Experiment, dict[str, Any]]:
    """Which experiment values written for the topic's main experiment mean, and their share of them.

    The values of a ``selected_by`` experiment keep only the names its schema declares (an old
    rope session holds the steady shapes' parameters too); the main experiment's stay whole, so a
    misspelt name still raises where it is validated.
    """
    experiments = tuple(experiments)
    for experiment in experiments[1:]:
        if experiment.selected_by is None:
            continue
        name, value = experiment.selected_by
        if str(values.get(name)) == value:
            kept = {k: v for k, v in values.items() if k in experiment.params and k != name}
            return experiment, kept
    return experiments[0], dict(values)
