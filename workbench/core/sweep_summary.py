"""What a sweep's summary plot shows, computed from its table (pure numpy, no Qt).

A sweep table has one row per finished member, ``value, seed, diverged_step, *metrics``
(``engines.<topic>.run_sweep``).  The summary plots the metric against the swept value: every seed's
result as a dot, the mean over seeds as a line, diverged members apart.  A log-scaled parameter gets a
log axis; a value of exactly 0 (β = 0 switches the penalty off) has no place on one, so it is drawn
one decade below the smallest positive value and the axis label says so.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

FIXED_COLUMNS = ("value", "seed", "diverged_step")
GROUP_COLUMN = "group"  # optional: the index of a member's group (e.g. a network variant) in a list


def metric_columns(columns: tuple[str, ...]) -> list[str]:
    """The measured columns of a sweep table (everything after value, seed, diverged_step, group)."""
    return [c for c in columns if c not in FIXED_COLUMNS and c != GROUP_COLUMN]


def parse_values(text: str) -> np.ndarray:
    """The numbers of a comma-separated list, skipping what is not one (display only: the engine
    validates the list and names what is wrong)."""
    out = []
    for item in str(text).split(","):
        try:
            out.append(float(item))
        except ValueError:
            continue
    return np.array(out, dtype=np.float64)


@dataclass(frozen=True)
class AxisPlan:
    """How the swept value is laid out on x: log or linear, and where a 0 goes on a log axis."""

    log: bool = False
    zero_at: float | None = None

    def place(self, values) -> np.ndarray:
        x = np.array(values, dtype=np.float64)
        if self.zero_at is not None:
            x[x == 0] = self.zero_at
        return x

    def label(self, title: str) -> str:
        if self.zero_at is None:
            return title
        return f"{title}  ({title} = 0 drawn at {self.zero_at:g})"


def plan_axis(values, log_scaled: bool) -> AxisPlan:
    """Log x for a log-scaled parameter whose values are ≥ 0 with at least one > 0; zeros then sit
    at (smallest positive value) / 10."""
    v = np.asarray(values, dtype=np.float64).ravel()
    v = v[np.isfinite(v)]
    if not log_scaled or v.size == 0 or np.any(v < 0) or not np.any(v > 0):
        return AxisPlan()
    zero_at = float(v[v > 0].min()) / 10.0 if np.any(v == 0) else None
    return AxisPlan(True, zero_at)


def log_ticks(values, axis: AxisPlan, min_gap: float = 0.3) -> list[tuple[float, str]]:
    """Labelled ticks of a log axis at the swept values themselves, as pyqtgraph wants them in log
    mode (position log10 of the placed x): a placed zero reads "0", not the number it is drawn at,
    and a value closer than ``min_gap`` decades to the previous labelled one is skipped."""
    if not axis.log:
        return []
    v = np.unique(np.asarray(values, dtype=np.float64))
    v = v[np.isfinite(v) & (v >= 0)]
    ticks, last = [], -math.inf
    for value, x in zip(v, axis.place(v)):
        if x <= 0:
            continue
        pos = math.log10(x)
        if pos - last >= min_gap:
            ticks.append((pos, "0" if value == 0 else f"{value:g}"))
            last = pos
    return ticks


@dataclass(frozen=True)
class DivergedMember:
    value: float
    seed: float
    step: float
    group: str = ""


@dataclass
class SweepSummary:
    """The summary plot's data; every x is already placed on the axis (zeros moved on a log axis)."""

    seeds: dict[float, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    mean: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))
    groups: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)  # dots per group
    group_means: dict[str, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)
    diverged: tuple[np.ndarray, np.ndarray] = (np.empty(0), np.empty(0))
    diverged_members: list[DivergedMember] = field(default_factory=list)
    # grouped sweeps: per group, the values where seeds diverged, drawn on a row below the data
    # (x, y, "k/n" texts) so a marker never reads as a measured value
    group_diverged: dict[str, tuple[np.ndarray, np.ndarray, list[str]]] = field(default_factory=dict)


def summarize(table: np.ndarray, columns: tuple[str, ...], metric: str, axis: AxisPlan,
              as_error: bool = False, group_names: tuple[str, ...] = ()) -> SweepSummary:
    """Per-seed points and the per-value mean of ``metric`` (or 1 − metric with ``as_error``).

    With a ``group`` column (``group_names`` name its indices), the dots and means are per group
    instead (e.g. one accuracy-vs-lr line per network variant), the seeds pooled within a group, and
    each group's diverged members are counted per value on a row of their own below the data.
    Members that diverged are left out of the dots and the mean and returned apart, drawn at their
    metric when it is finite, else at the lowest finite value shown (they have no result of their own).
    """
    if metric not in columns or np.size(table) == 0:
        return SweepSummary()
    data = np.asarray(table, dtype=np.float64).reshape(-1, len(columns))
    value, seed, div = (data[:, columns.index(c)] for c in FIXED_COLUMNS)
    group = data[:, columns.index(GROUP_COLUMN)] if GROUP_COLUMN in columns else None
    y = data[:, columns.index(metric)]
    if as_error:
        y = 1.0 - y
    x = axis.place(value)
    ok = np.isnan(div)
    summary = SweepSummary()
    if group is None:
        for s in np.unique(seed[ok]):
            rows = ok & (seed == s) & np.isfinite(y)    # a run that failed has no point (NaN would crash the paint)
            summary.seeds[float(s)] = (x[rows], y[rows])
        summary.mean = _means(value, y, ok, axis)
    else:
        finite = y[ok & np.isfinite(y)]
        low = float(finite.min()) if finite.size else 0.0
        span = float(finite.max() - low) if finite.size and finite.max() > low else 0.1
        for i, g in enumerate(np.unique(group)):
            name = _group_name(g, group_names)
            rows = ok & (group == g)
            drawn = rows & np.isfinite(y)
            summary.groups[name] = (x[drawn], y[drawn])
            summary.group_means[name] = _means(value, y, rows, axis)
            summary.group_diverged[name] = _diverged_row(value, group == g, ok, axis, low - span * (0.08 + 0.05 * i))
    bad = ~ok
    if bad.any():
        finite = y[np.isfinite(y)]
        floor = float(finite.min()) if finite.size else 0.0
        summary.diverged = (x[bad], np.where(np.isfinite(y[bad]), y[bad], floor))
        groups = group[bad] if group is not None else [None] * int(bad.sum())
        summary.diverged_members = [DivergedMember(float(v), float(s), float(d),
                                                   "" if g is None else _group_name(g, group_names))
                                    for v, s, d, g in zip(value[bad], seed[bad], div[bad], groups)]
    return summary


def _diverged_row(value, members, ok, axis: AxisPlan, row: float) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """The values at which some of a group's seeds diverged, at height ``row``, with "k/n diverged"."""
    xs, texts = [], []
    for v in np.unique(value[members]):
        at = members & (value == v)
        k = int((at & ~ok).sum())
        if k:
            xs.append(axis.place([v])[0])
            texts.append(f"{k}/{int(at.sum())}")
    return np.array(xs), np.full(len(xs), row), texts


def _means(value: np.ndarray, y: np.ndarray, rows: np.ndarray, axis: AxisPlan) -> tuple[np.ndarray, np.ndarray]:
    mean_x, mean_y = [], []
    for v in np.unique(value):
        ys = y[rows & (value == v) & np.isfinite(y)]
        if ys.size:
            mean_x.append(axis.place([v])[0])
            mean_y.append(float(ys.mean()))
    return np.array(mean_x), np.array(mean_y)


def _group_name(code: float, names: tuple[str, ...]) -> str:
    i = int(code)
    return names[i] if 0 <= i < len(names) else f"group {i}"


def diverged_text(members: list[DivergedMember], title: str) -> str:
    """``"diverged: β = 1 (seed 0, step 12); …"`` or "" when none did."""
    if not members:
        return ""
    parts = [f"{m.group + ', ' if m.group else ''}{title} = {m.value:g} (seed {m.seed:g}, step {m.step:g})"
             if math.isfinite(m.step) else f"{m.group + ', ' if m.group else ''}{title} = {m.value:g} (seed {m.seed:g})"
             for m in members]
    return "diverged: " + "; ".join(parts)
