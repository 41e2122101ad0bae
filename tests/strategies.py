"""Hypothesis strategies drawn from the declared parameter schemas (shared by the fuzz tests of
parameters and of sessions), so a topic's parameters are fuzzed the day the topic lands."""
from __future__ import annotations

import math

from hypothesis import settings
from hypothesis import strategies as st

from engines.core.params import Param
from engines.registry import built_topics, experiments

SCHEMAS = [(f"{topic}:{e.id}", e.params) for topic in built_topics() for e in experiments(topic)]
SCHEMAS += [(f"{topic}:{e.id} sweep", e.sweep.params) for topic in built_topics() for e in experiments(topic)
            if e.sweep is not None]
EXAMPLES = settings.default.max_examples  # the profile's (conftest.py): 50 in CI, 1000 exploring
REFS = [f"{topic}:{e.id}" for topic in built_topics() for e in experiments(topic)]
BOOL_WORDS = ("1", "true", "yes", "on", "0", "false", "no", "off")
NOT_NUMBERS = ("", " ", "abc", "1_0", "٣", "１２", "0x10", "1e", "--1", "1,5", "½", "1e400", "-1e400",
               "inf", "-inf", "Infinity", "nan", "9" * 400, "-" + "9" * 400)


def span(p: Param) -> tuple[float, float]:
    return (-1e6 if p.lo is None else p.lo), (1e6 if p.hi is None else p.hi)


def valid_values(p: Param) -> st.SearchStrategy:
    """Values the parameter must accept, as a program or a person would give them."""
    if p.kind == "choice":
        return st.sampled_from(p.choices)
    if p.kind == "bool":
        return st.sampled_from((True, False) + BOOL_WORDS + ("TRUE", " on "))
    if p.kind == "str":
        return st.text(max_size=30)
    if p.kind == "multi":
        chosen = st.lists(st.sampled_from(p.choices), min_size=1, unique=True)
        return chosen.map(",".join) | chosen.map(", ".join) | chosen
    lo, hi = span(p)
    if p.kind == "int":
        numbers = st.integers(int(math.ceil(lo)), int(math.floor(hi)))
        return numbers | numbers.map(str) | numbers.map(float)
    numbers = st.floats(lo, hi, allow_nan=False, allow_infinity=False)
    if p.zero:
        numbers = numbers | st.just(0.0)
    return numbers | numbers.map(repr)


def invalid_values(p: Param) -> st.SearchStrategy:
    """Values the parameter must refuse: outside the range, not numbers, not among the choices."""
    if p.kind == "choice":
        return st.text(max_size=20).filter(lambda t: t not in p.choices) | st.just(3) | st.just(None)
    if p.kind == "bool":
        return st.text(max_size=10).filter(lambda t: t.strip().lower() not in BOOL_WORDS) | st.just(2)
    if p.kind == "str":
        return st.nothing()
    if p.kind == "multi":
        foreign = st.text(min_size=1, max_size=12).filter(lambda t: "," not in t and t.strip()
                                                          and t.strip() not in p.choices)
        return st.just("") | st.just(" , ") | foreign | foreign.map(lambda t: f"{p.choices[0]},{t}") | st.just(3)
    garbage = st.sampled_from(NOT_NUMBERS) | st.just(True) | st.just(None) | st.just([1])
    outside = []
    if p.lo is not None:
        below = st.floats(max_value=p.lo, exclude_max=True, allow_nan=False, allow_infinity=False)
        outside.append(below.filter(lambda x: not (p.zero and x == 0)))
    if p.hi is not None:
        outside.append(st.floats(min_value=p.hi, exclude_min=True, allow_nan=False, allow_infinity=False))
    if p.kind == "int":
        lo, hi = span(p)
        outside.append(st.floats(lo, hi).filter(lambda x: not x.is_integer()))
    numbers = st.one_of(outside) if outside else st.nothing()
    return garbage | numbers | numbers.map(repr)
