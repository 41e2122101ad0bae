"""Relations between parameters, declared beside the ranges in a schema.

A range says what one parameter may be; a relation says what it may be *given the others*
(``probe_min < probe_max``, ``batch_size ≤ train_size``, ``batch_size ≤`` the data set's training
examples).  Declaring them lets ``params`` print the range that can actually succeed, lets the
form and the command line reject a value before a run starts, and lets the message blame the
parameter the user set rather than its partner.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Mapping

if TYPE_CHECKING:
    from engines.core.params import Param


Condition = Callable[[Mapping[str, Any]], bool]


@dataclass(frozen=True)
class Bound:
    """A limit one relation puts on one parameter: ``lo`` and/or ``hi`` (open when ``strict``)."""

    lo: float | None = None
    hi: float | None = None
    strict: bool = False
    reason: str = ""


@dataclass(frozen=True)
class Order:
    """``low ≤ high`` (``low < high`` when ``strict``) between two numeric parameters, only where
    ``when`` holds (``when_text`` says when, e.g. "model = vib").  ``blame`` is the side reported
    when both or neither were set: the one a user most likely moved too far."""

    low: str
    high: str
    strict: bool = False
    when: Condition | None = None
    when_text: str = ""
    blame: str = "high"

    @property
    def names(self) -> tuple[str, str]:
        return (self.low, self.high)

    def applies(self, values: Mapping[str, Any]) -> bool:
        return self.when is None or bool(self.when(values))

    def holds(self, values: Mapping[str, Any]) -> bool:
        a, b = values[self.low], values[self.high]
        return a < b if self.strict else a <= b

    def bound(self, name: str, values: Mapping[str, Any]) -> Bound | None:
        if name not in self.names or not self.applies(values):
            return None
        sign = "<" if self.strict else "≤"
        sign_up = ">" if self.strict else "≥"
        cond = f" when {self.when_text}" if self.when_text else ""
        if name == self.low:
            other = values[self.high]
            return Bound(hi=other, strict=self.strict, reason=f"{sign} {self.high} = {_num(other)}{cond}")
        other = values[self.low]
        return Bound(lo=other, strict=self.strict, reason=f"{sign_up} {self.low} = {_num(other)}{cond}")

    def describe(self) -> str:
        cond = f" when {self.when_text}" if self.when_text else ""
        return f"{self.low} {'<' if self.strict else '≤'} {self.high}{cond}"


@dataclass(frozen=True)
class CapBy:
    """``name ≤ limits[values[by]]``: a ceiling set by a choice (a batch cannot hold more examples
    than the chosen data set has); with ``floor``, ``name ≥ limits[values[by]]`` instead (a
    leave-one-out baseline needs two samples)."""

    name: str
    by: str
    limits: Mapping[str, float] = field(default_factory=dict)
    what: str = ""
    floor: bool = False
    when: Condition | None = None  # the relation holds only where this is true (e.g. no antithetic pairs)

    @property
    def names(self) -> tuple[str, str]:
        return (self.name, self.by)

    def applies(self, values: Mapping[str, Any]) -> bool:
        return values.get(self.by) in self.limits and (self.when is None or bool(self.when(values)))

    def _within(self, value: float, limit: float) -> bool:
        return value >= limit if self.floor else value <= limit

    def holds(self, values: Mapping[str, Any]) -> bool:
        return self._within(values[self.name], self.limits[values[self.by]])

    def bound(self, name: str, values: Mapping[str, Any]) -> Bound | None:
        if name != self.name or not self.applies(values):
            return None
        limit = self.limits[values[self.by]]
        what = f" ({self.what})" if self.what else ""
        reason = f"{'≥' if self.floor else '≤'} {_num(limit)} with {self.by} = {values[self.by]}{what}"
        return Bound(lo=limit, reason=reason) if self.floor else Bound(hi=limit, reason=reason)

    def choices_for(self, values: Mapping[str, Any], choices=()) -> list[str]:
        """The choices of ``by`` (all of ``choices``, or those with a limit) that the current value of
        ``name`` satisfies; a choice without a limit always does."""
        return [c for c in (choices or self.limits)
                if c not in self.limits or self._within(values[self.name], self.limits[c])]

    def describe(self) -> str:
        sign = "≥" if self.floor else "≤"
        return f"{self.name} {sign} " + ", ".join(f"{_num(v)} ({self.by} = {k})" for k, v in self.limits.items())


Relation = Order | CapBy


def blamed(relation: Relation, given: set[str]) -> str:
    """The parameter a broken relation is reported against: the one the user set, or, when both
    or neither were set, the relation's dependent side (an order's ``blame``, a cap's ``name``)."""
    first, second = relation.names
    dependent = first if isinstance(relation, CapBy) or relation.blame == "low" else second
    if first in given and second not in given:
        return first
    if second in given and first not in given:
        return second
    return dependent


def effective_range(param: "Param", relations, values: Mapping[str, Any]) -> tuple[str, list[str]]:
    """The allowed values of ``param`` given the other ``values``, in words, and the reasons that
    narrowed the declared range."""
    lo, hi, lo_open, hi_open, reasons = param.lo, param.hi, False, False, []
    zero_ok = param.zero  # a log parameter's exact 0, where every relation admits it
    for relation in relations:
        bound = relation.bound(param.name, values)
        if bound is None:
            continue
        reasons.append(bound.reason)
        zero_ok = zero_ok and _admits(bound, 0.0)
        if bound.hi is not None and (hi is None or bound.hi < hi or bound.hi == hi and bound.strict):
            hi, hi_open = bound.hi, bound.strict
        if bound.lo is not None and (lo is None or bound.lo > lo or bound.lo == lo and bound.strict):
            lo, lo_open = bound.lo, bound.strict
    if not reasons:
        return param.range_text(), []
    empty = lo is not None and hi is not None and (lo > hi or lo == hi and (lo_open or hi_open))
    if param.kind == "int" and not empty:
        lo = None if lo is None else (math.floor(lo) + 1 if lo_open else math.ceil(lo))
        hi = None if hi is None else (math.ceil(hi) - 1 if hi_open else math.floor(hi))
        lo_open = hi_open = False
        empty = lo is not None and hi is not None and lo > hi
    if empty:
        return ("0" if zero_ok else "no value") + " (" + "; ".join(reasons) + ")", reasons
    kind = "an integer" if param.kind == "int" else "a number"
    unit = f" {param.unit}" if param.unit else ""
    text = (f"{kind} in {'(' if lo_open else '['}{_num(lo, '-inf')}, {_num(hi, 'inf')}"
            f"{')' if hi_open else ']'}{unit}")
    if zero_ok:
        text = "0 or " + text
    return text, reasons


def _admits(bound: Bound, x: float) -> bool:
    above = bound.lo is None or x > bound.lo or x == bound.lo and not bound.strict
    below = bound.hi is None or x < bound.hi or x == bound.hi and not bound.strict
    return above and below


def _num(x: float | None, unbounded: str = "inf") -> str:
    if x is None:
        return unbounded
    return str(int(x)) if float(x).is_integer() and abs(x) < 1e15 else f"{x:g}"
