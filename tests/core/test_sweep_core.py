"""The one sweep core (engines.core.sweep): members, batches, the growing table, divergences."""
import math

import numpy as np
import pytest

from engines.core.frame import RunContext
from engines.core.params import Param, ParameterError, ParamSchema
from engines.core.sweep import MemberResult, plan_sweep, run_batches, sweep_schema

BASE = ParamSchema([Param("lr", 0.1, lo=1e-3, hi=1.0, log=True), Param("width", 4, kind="int", lo=1, hi=64),
                    Param("seed", 0, kind="int", lo=0, hi=99)])
COLOUR = Param("colour", "red", kind="choice", choices=("red", "blue"))
SCHEMA = sweep_schema(("lr", "width"), "0.1, 0.5", "0", Param("colours", "red", kind="str"))


def fake_train(plan, batch, ctx):
    """Loss = value × (seed + 1); a learning rate of 0.5 with seed 1 'diverges'."""
    yield 0.5
    results = []
    for m in batch:
        p = plan.params_of(m)
        bad = p["lr"] == 0.5 and m.seed == 1
        results.append(MemberResult(3.0 if bad else math.nan, {"loss": math.nan if bad else p["lr"] * (m.seed + 1)},
                                    "loss is nan" if bad else ""))
    return results


def test_plan_multiplies_values_groups_and_seeds_once_each():
    plan = plan_sweep({"sweep_values": "0.1, 0.5, 0.1", "sweep_seeds": "1, 0, 1", "colours": "blue, red, blue",
                       "width": 8}, BASE, SCHEMA, COLOUR, "colours")
    assert plan.name == "lr" and plan.groups == ["blue", "red"] and plan.base["width"] == 8
    assert [(m.value, m.group, m.seed) for m in plan.members][:3] == [(0.1, 0, 1), (0.1, 0, 0), (0.1, 1, 1)]
    assert len(plan.members) == 8
    with pytest.raises(ParameterError) as info:
        plan_sweep({"sweep_param": "width", "sweep_values": "8, 100"}, BASE, SCHEMA)
    assert info.value.name == "sweep_values" and "[1, 64]" in str(info.value)


@pytest.mark.parametrize("batched", [False, True])
def test_batches_stream_progress_and_a_growing_table_with_divergences_named(batched):
    plan = plan_sweep({"sweep_seeds": "0, 1"}, BASE, SCHEMA)
    batches = [plan.members] if batched else [[m] for m in plan.members]
    frames = list(run_batches(plan, batches, fake_train, RunContext({}), note=lambda done: "fake"))
    tables = [f for f in frames if "sweep" in f.arrays]
    assert [t.arrays["sweep"].shape[0] for t in tables] == ([4] if batched else [1, 2, 3, 4])
    assert all(0 <= f.progress <= 1 for f in frames) and frames[-1].progress == 1.0
    table, columns = tables[-1].arrays["sweep"], tables[-1].columns["sweep"]
    assert columns == ("value", "seed", "diverged_step", "loss")
    np.testing.assert_allclose(table[:, 3], [0.1, 0.2, 0.5, np.nan], equal_nan=True)
    assert table[3, 2] == 3.0 and np.isnan(table[0, 2])
    assert "4/4 runs done (fake)" in frames[-1].message and "lr = 0.5, seed 1: loss is nan" in frames[-1].message


def test_grouped_tables_carry_the_group_index():
    plan = plan_sweep({"colours": "blue, red"}, BASE, SCHEMA, COLOUR, "colours")
    last = list(run_batches(plan, [[m] for m in plan.members], fake_train, RunContext({})))[-1]
    assert last.columns["sweep"][:4] == ("value", "seed", "diverged_step", "group")
    assert list(last.arrays["sweep"][:, 3]) == [0, 1, 0, 1]
