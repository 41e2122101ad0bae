"""The one sweep of every topic: a parameter's values × seeds (× groups), each member a full run.

A topic supplies only how to train a *batch* of members (``TrainBatch``): one member at a time, or
all of them at once as one batched population where the topic can (vae_ib's β and learning rate on
a GPU).  This module plans the members from the sweep's own parameters, drives the batches, keeps
the growing table and streams it: each frame after a batch carries ``arrays["sweep"]``, one row per
finished member — ``value, seed, diverged_step`` (``group`` too when the sweep has groups), then
the metrics — so the sweep page and the ``sweep`` command read every topic's table the same way.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Generator, Iterator, Sequence

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError, ParamSchema, parse_list

KEY_COLUMNS = ("value", "seed", "diverged_step")
GROUP_COLUMN = "group"


def sweep_schema(sweepable: Sequence[str], values: str, seeds: str = "0", *extra: Param) -> ParamSchema:
    """The sweep's own parameters: which parameter, its values, the seeds, and any ``extra``."""
    return ParamSchema([
        Param("sweep_param", sweepable[0], kind="choice", choices=tuple(sweepable), label="swept parameter",
              help="the parameter that takes each of the values; the others keep the main page's values"),
        Param("sweep_values", values, kind="str", label="values",
              help="comma-separated values of the swept parameter, each checked against its own range"),
        Param("sweep_seeds", seeds, kind="str", label="seeds", help="comma-separated seeds; every value runs with each"),
        *extra,
    ])


@dataclass(frozen=True)
class Member:
    """One run of the sweep: the swept value, its seed and its group (an index into ``groups``)."""

    value: Any
    seed: int
    group: int = 0


@dataclass
class SweepPlan:
    """The validated base values, the swept parameter, the sweep's own values and the members."""

    base: dict[str, Any]
    name: str
    sweep: dict[str, Any]
    members: list[Member]
    groups: list[Any] = field(default_factory=list)

    def params_of(self, member: Member) -> dict[str, Any]:
        """The base values with this member's value and seed (an experiment without randomness has
        no seed parameter: its sweeps run one seed, 0, which sets nothing)."""
        seed = {"seed": member.seed} if "seed" in self.base else {}
        return {**self.base, self.name: member.value, **seed}


@dataclass
class MemberResult:
    """What training one member gave: the step it diverged at (NaN: it did not), its metrics, and
    the guard's words when it diverged."""

    diverged_step: float
    metrics: dict[str, float]
    message: str = ""


def plan_sweep(params: dict[str, Any], base_schema: ParamSchema, schema: ParamSchema,
               group: Param | None = None, group_param: str | None = None) -> SweepPlan:
    """Members = values × groups × seeds (repeated items once), each item validated by its own
    parameter so that an error names the list and the value."""
    base = base_schema.validate({k: v for k, v in params.items() if k in base_schema})
    sweep = schema.validate({k: v for k, v in params.items() if k in schema})
    name = sweep["sweep_param"]
    values = list(dict.fromkeys(parse_list("sweep_values", sweep["sweep_values"], base_schema[name])))
    seeds = (list(dict.fromkeys(parse_list("sweep_seeds", sweep["sweep_seeds"], base_schema["seed"])))
             if "seed" in base_schema else [0])
    groups = list(dict.fromkeys(parse_list(group_param, sweep[group_param], group))) if group_param else []
    for value in values:
        _check_member_relations(base_schema, base, name, value)
    members = [Member(v, s, g) for v in values for g in range(max(len(groups), 1)) for s in seeds]
    return SweepPlan(base, name, sweep, members, groups)


def _check_member_relations(schema: ParamSchema, base: dict[str, Any], name: str, value: Any) -> None:
    """A swept value must keep the schema's relations with the base values (a batch-size list item
    above the data set's size is an error in ``sweep_values``, before any member trains)."""
    try:
        schema.check_relations({**base, name: value}, given={name})
    except ParameterError as exc:
        if exc.name != name:
            raise
        raise ParameterError("sweep_values", f"sweep_values: {exc}") from None


TrainBatch = Callable[[SweepPlan, list[Member], RunContext], Generator[float, None, list[MemberResult]]]
"""Trains a batch of members; yields the fraction of the batch done now and then (progress), and
returns one MemberResult per member, in order."""


def run_batches(plan: SweepPlan, batches: list[list[Member]], train: TrainBatch, ctx: RunContext,
                note: Callable[[int], str] = lambda done: "") -> Iterator[Frame]:
    """Train the batches in turn; stream progress, and the table after every batch.

    ``note(done)`` adds to the status line (e.g. the back-end in use).  A member that diverged is a
    row with NaN metrics where it had none, and its message is named in the status line.
    """
    total = len(plan.members)
    rows: list[list[float]] = []
    columns: tuple[str, ...] = ()
    messages: list[str] = []
    done = 0
    for batch in batches:
        trainer = train(plan, batch, ctx)
        try:
            while True:
                fraction = next(trainer)
                yield Frame(done, (done + len(batch) * fraction) / total)
        except StopIteration as finished:
            results = finished.value
        for member, result in zip(batch, results):
            keys = [float(member.value), float(member.seed), float(result.diverged_step)]
            if plan.groups:
                keys.append(float(member.group))
            columns = (*KEY_COLUMNS, *((GROUP_COLUMN,) if plan.groups else ()), *result.metrics)
            rows.append([*keys, *map(float, result.metrics.values())])
            if result.message:
                who = f"{plan.groups[member.group]}, " if plan.groups else ""
                messages.append(f"{who}{plan.name} = {member.value:g}, seed {member.seed}: {result.message}")
        done += len(batch)
        text = f"{done}/{total} runs done" + (f" ({note(done)})" if note(done) else "")
        if messages:
            text += "; " + "; ".join(messages[-3:])
        yield Frame(done, done / total, arrays={"sweep": np.array(rows, dtype=np.float64)},
                    columns={"sweep": columns}, message=text)
