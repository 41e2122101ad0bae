"""Typed parameter schemas: declared once per engine, used by the GUI form, the CLI and sessions.

A schema is the single place where a parameter's name, default, bounds, unit, scale and
live/restart nature are written down.  Validation lives here and nowhere else, so the panel and
the command line reject exactly the same values with exactly the same message.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator, Mapping

from engines.core.relations import CapBy, Relation, blamed, effective_range


# A number as a person types it: ASCII digits, an optional sign, point and exponent (no "1_0", no
# Arabic-Indic or full-width digits, which float() would quietly accept).
NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?|[+-]?(inf|infinity|nan)", re.ASCII | re.IGNORECASE)


class ParameterError(ValueError):
    """A parameter value (or name) the schema does not accept; the message names the parameter."""

    def __init__(self, name: str, message: str):
        super().__init__(message)
        self.name = name


@dataclass(frozen=True)
class Param:
    """One declared parameter.

    kind: "float", "int", "choice", "bool", "str" or "multi" (one or more of ``choices``, written
        as a comma list in the order of ``choices``: the form shows a check box for each).
    live: True when a running simulation can take the new value without restarting.
    log: True when the natural control is logarithmic (the form uses a log slider).
    zero: with ``log``, exactly 0 is allowed too (a log slider cannot reach it; the form adds an
        "exactly 0" check box), e.g. a KL weight β where β = 0 is a different model, not a small β.
    advanced: a technical setting (seeds, devices, measurement intervals, resolutions): the form
        keeps it in a collapsed "Advanced" section.
    typical: (low, high) inside [lo, hi]: the span a slider covers, where the interesting values
        are (a rope's ω to λ5, not to 200 rad/s); the value box still takes the whole range.
    derived: values → a short text shown under the control, the quantity the value means in the
        physics (ω → "λ = ω²L/g = 3.67"); "" shows nothing.
    choice_labels: the words a "multi" parameter's check boxes show, one per choice.
    """

    name: str
    default: Any
    kind: str = "float"
    lo: float | None = None
    hi: float | None = None
    step: float | None = None
    log: bool = False
    unit: str = ""
    choices: tuple[str, ...] = ()
    help: str = ""
    live: bool = False
    label: str = ""
    zero: bool = False
    advanced: bool = False
    typical: tuple[float, float] | None = None
    derived: Any = None  # Callable[[Mapping[str, Any]], str]; Any keeps the dataclass hashable
    choice_labels: tuple[str, ...] = ()  # what the form shows for each of ``choices`` (default: the choice)

    def __post_init__(self):
        if self.kind not in ("float", "int", "choice", "bool", "str", "multi"):
            raise ValueError(f"unknown parameter kind {self.kind!r} for {self.name}")
        if self.kind == "choice" and self.default not in self.choices:
            raise ValueError(f"default of {self.name} is not among its choices")
        if self.log and (self.lo is None or self.lo <= 0):
            raise ValueError(f"log-scaled {self.name} needs a positive lower bound")
        if self.zero and not self.log:
            raise ValueError(f"{self.name}: 'zero' only applies to a log-scaled parameter")
        if self.typical is not None:
            t_lo, t_hi = self.typical
            if not (t_lo < t_hi and (self.lo is None or t_lo >= self.lo) and (self.hi is None or t_hi <= self.hi)):
                raise ValueError(f"{self.name}: typical range {self.typical} must lie inside [{self.lo}, {self.hi}]")
            if self.log and t_lo <= 0:
                raise ValueError(f"{self.name}: a log-scaled typical range needs a positive low end")
        self.validate(self.default)

    @property
    def title(self) -> str:
        return self.label or self.name.replace("_", " ")

    def range_text(self) -> str:
        """The allowed values in words, as used in every error message."""
        if self.kind == "choice":
            return "one of " + ", ".join(self.choices)
        if self.kind == "bool":
            return "true or false"
        if self.kind == "str":
            return "any text"
        if self.kind == "multi":
            return "a comma list of one or more of " + ", ".join(self.choices)
        unit = f" {self.unit}" if self.unit else ""
        kind = "an integer" if self.kind == "int" else "a number"
        fmt = _fmt_int if self.kind == "int" else _fmt
        if self.zero:
            return f"0 or {kind} in [{fmt(self.lo, '-inf')}, {fmt(self.hi, 'inf')}]{unit}"
        return f"{kind} in [{fmt(self.lo, '-inf')}, {fmt(self.hi, 'inf')}]{unit}"

    def validate(self, value: Any) -> Any:
        """Return the value converted to this parameter's type, or raise ParameterError."""
        try:
            converted = self._convert(value)
        except (TypeError, ValueError, OverflowError):
            raise ParameterError(
                self.name, f"{self.name}: {_shown(value)} is not valid; allowed: {self.range_text()}"
            ) from None
        if self.kind in ("float", "int"):
            if not math.isfinite(converted):
                raise ParameterError(
                    self.name, f"{self.name}: {_shown(value)} is not finite; allowed: {self.range_text()}"
                )
            if self.zero and converted == 0:
                return converted
            if (self.lo is not None and converted < self.lo) or (
                self.hi is not None and converted > self.hi
            ):
                raise ParameterError(
                    self.name,
                    f"{self.name} = {_fmt(converted)} is out of range; allowed: {self.range_text()}",
                )
        if self.kind == "multi":
            unknown = [item for item in converted if item not in self.choices]
            if unknown or not converted:
                what = f"{', '.join(map(repr, unknown))} not valid" if unknown else "nothing chosen"
                raise ParameterError(self.name, f"{self.name}: {what}; allowed: {self.range_text()}")
            return ",".join(c for c in self.choices if c in converted)
        if self.kind == "choice" and converted not in self.choices:
            raise ParameterError(
                self.name, f"{self.name}: {_shown(value)} is not valid; allowed: {self.range_text()}"
            )
        return converted

    def _convert(self, value: Any) -> Any:
        if self.kind in ("float", "int"):
            if isinstance(value, bool) or isinstance(value, str) and not NUMBER.fullmatch(value.strip()):
                raise TypeError
        if self.kind == "float":
            return float(value)
        if self.kind == "int":
            f = float(value)
            if f != int(f):  # int(inf) raises OverflowError: not an integer either
                raise ValueError
            return int(f)
        if self.kind == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if self.kind == "multi":
            items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
            return [item.strip() for item in items if item.strip()]
        return str(value)

    def describe(self) -> dict:
        """A JSON-friendly description (``main.py params ID --json``)."""
        return {
            "name": self.name,
            "default": self.default,
            "kind": self.kind,
            "min": self.lo,
            "max": self.hi,
            "step": self.step,
            "log": self.log,
            "zero_allowed": self.zero,
            "unit": self.unit,
            "choices": list(self.choices),
            "live": self.live,
            "advanced": self.advanced,
            "typical": list(self.typical) if self.typical else None,
            "help": self.help,
        }


def _fmt(x: float | None, unbounded: str = "inf") -> str:
    return unbounded if x is None else f"{x:g}"


def _shown(value: Any, limit: int = 40) -> str:
    """A rejected value as the message quotes it (a 400-digit number is cut, not echoed whole)."""
    text = repr(value)
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text)} characters)"


def _fmt_int(x: float | None, unbounded: str = "inf") -> str:
    return unbounded if x is None else str(int(x))


@dataclass(frozen=True)
class ParamSchema:
    """An ordered collection of parameters with whole-dict validation.

    ``relations`` (engines.core.relations) are the constraints between parameters that no single
    range expresses; a complete validation checks them and blames the parameter the caller set.
    """

    params: tuple[Param, ...] = field(default_factory=tuple)
    relations: tuple[Relation, ...] = field(default_factory=tuple)

    def __init__(self, params: Iterable[Param], relations: Iterable[Relation] = ()):
        object.__setattr__(self, "params", tuple(params))
        object.__setattr__(self, "relations", tuple(relations))
        names = [p.name for p in self.params]
        if len(set(names)) != len(names):
            raise ValueError("duplicate parameter names in schema")
        for relation in self.relations:
            for name in relation.names:
                if name not in names:
                    raise ValueError(f"relation {relation.describe()} names {name!r}, which is not in the schema")
        self.check_relations(self.defaults())

    def __iter__(self) -> Iterator[Param]:
        return iter(self.params)

    def __len__(self) -> int:
        return len(self.params)

    def __contains__(self, name: str) -> bool:
        return any(p.name == name for p in self.params)

    def __getitem__(self, name: str) -> Param:
        for p in self.params:
            if p.name == name:
                return p
        raise ParameterError(
            name, f"unknown parameter {name!r}; known: {', '.join(self.names())}"
        )

    def names(self) -> list[str]:
        return [p.name for p in self.params]

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate(self, values: Mapping[str, Any], *, complete: bool = True, relations: bool = True) -> dict[str, Any]:
        """Validate a (partial) mapping; with ``complete`` fill the rest from defaults and (unless
        ``relations`` is False: a saved session keeps what a form held) check the relations.

        Unknown names raise ParameterError naming the bad name and listing the known ones.
        """
        out = self.defaults() if complete else {}
        for name, value in values.items():
            out[name] = self[name].validate(value)
        if complete and relations:
            self.check_relations(out, given=set(values))
        return out

    def check_relations(self, values: Mapping[str, Any], given: set[str] = frozenset()) -> None:
        """Raise ParameterError for the first broken relation, naming the parameter in ``given``
        (the ones the user set) and the range that parameter can take beside the others."""
        for relation in self.relations:
            if not relation.applies(values) or relation.holds(values):
                continue
            name = blamed(relation, set(given))
            if isinstance(relation, CapBy) and name == relation.by:
                allowed = ", ".join(relation.choices_for(values, self[name].choices)) or "none"
                limit, other = relation.limits[values[name]], f"{relation.name} = {values[relation.name]}"
                if relation.floor:
                    raise ParameterError(name, f"{name} = {values[name]} needs {relation.name} ≥ {limit:g} "
                                               f"({relation.what or 'its minimum'}), but {other}; allowed "
                                               f"with that {relation.name}: {allowed}")
                raise ParameterError(name, f"{name} = {values[name]} has only {limit:g} {relation.what or 'room'}, "
                                           f"fewer than {other}; allowed with that {relation.name}: {allowed}")
            allowed, reasons = effective_range(self[name], self.relations, values)
            raise ParameterError(name, f"{name} = {_fmt(values[name])} must be {'; '.join(reasons)}; "
                                       f"allowed: {allowed}")

    def range_text(self, name: str, values: Mapping[str, Any] | None = None) -> str:
        """The range ``name`` can take beside ``values`` (the defaults when omitted)."""
        text, _ = effective_range(self[name], self.relations, self.defaults() if values is None else values)
        return text

    def relations_of(self, name: str) -> list[str]:
        return [r.describe() for r in self.relations if name in r.names]

    def parse_assignment(self, text: str) -> tuple[str, Any]:
        """Parse one ``NAME=VALUE`` string from the command line."""
        if "=" not in text:
            raise ParameterError(text, f"--set expects NAME=VALUE, got {text!r}")
        name, value = text.split("=", 1)
        name = name.strip()
        return name, self[name].validate(value.strip())

    def live_names(self) -> set[str]:
        return {p.name for p in self.params if p.live}


_SPACE = re.compile(r"\b(linspace|logspace)\s*\(([^()]*)\)")


def expand_spaces(name: str, text: str) -> str:
    """``linspace(a, b, n)`` and ``logspace(a, b, n)`` (n values from 10^a to 10^b, as numpy's) in a
    value list, written out: ``"0, logspace(-3, -1, 3)"`` → ``"0, 0.001, 0.01, 0.1"``."""
    def written(match: re.Match) -> str:
        parts = [p.strip() for p in match.group(2).split(",")]
        try:
            a, b, n = float(parts[0]), float(parts[1]), int(parts[2])
            if len(parts) != 3 or not 1 <= n <= 10_000:
                raise ValueError
        except (ValueError, IndexError):
            raise ParameterError(name, f"{name}: {match.group(0)!r} is not valid; allowed: {match.group(1)}(start, "
                                       "stop, count) with a count from 1 to 10000") from None
        grid = [a + (b - a) * k / (n - 1) for k in range(n)] if n > 1 else [a]
        values = [10.0 ** v for v in grid] if match.group(1) == "logspace" else grid
        return ", ".join(f"{v:.12g}" for v in values)

    return _SPACE.sub(written, str(text))


def parse_list(name: str, text: str, param: Param) -> list:
    """The comma-separated items of ``text``, each validated by ``param``; errors name ``name``
    (a sweep's value list: ``sweep_values = "0.1, 0.5, 1"``, or ``"logspace(-4, 0, 5)"``)."""
    items = [t.strip() for t in expand_spaces(name, text).split(",") if t.strip()]
    if not items:
        raise ParameterError(name, f"{name}: give at least one value (comma-separated)")
    out = []
    for item in items:
        try:
            out.append(param.validate(item))
        except ParameterError as exc:
            raise ParameterError(name, f"{name}: {exc}") from None
    return out
