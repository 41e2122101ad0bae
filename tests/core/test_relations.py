"""Relations between parameters: declared once, shown by ``params``, enforced with the blame on the
parameter the user set, and checked for every member of a sweep before anything trains."""
from __future__ import annotations

import json

import pytest

from engines.core.params import Param, ParameterError, ParamSchema
from engines.core.relations import CapBy, Order
from engines.core.sweep import plan_sweep
from workbench import cli

SCHEMA = ParamSchema([
    Param("lo", 1.0, lo=0.0, hi=10.0),
    Param("hi", 2.0, lo=0.0, hi=10.0),
    Param("kind", "a", kind="choice", choices=("a", "b")),
    Param("batch", 50, kind="int", lo=1, hi=1000),
    Param("seed", 0, kind="int", lo=0, hi=9),
], relations=[Order("lo", "hi", strict=True), CapBy("batch", "kind", {"a": 100, "b": 60}, what="examples")])


def _refusal(values: dict) -> ParameterError:
    with pytest.raises(ParameterError) as refused:
        SCHEMA.validate(values)
    return refused.value


def test_the_parameter_the_user_set_is_blamed_with_the_range_it_can_take():
    low = _refusal({"lo": 5})
    assert low.name == "lo" and str(low) == "lo = 5 must be < hi = 2; allowed: a number in [0, 2)"
    high = _refusal({"hi": 0.5})
    assert high.name == "hi" and "allowed: a number in (1, 10]" in str(high)
    both = _refusal({"lo": 5, "hi": 4})
    assert both.name == "hi"  # both set: the dependent side


def test_a_cap_set_by_a_choice_names_the_choice_when_only_the_choice_was_set():
    assert SCHEMA.validate({"kind": "b"})["batch"] == 50
    batch = _refusal({"kind": "b", "batch": 80})
    assert batch.name == "batch" and "allowed: an integer in [1, 60]" in str(batch)
    schema = ParamSchema(SCHEMA.params[:3] + (Param("batch", 80, kind="int", lo=1, hi=1000),), SCHEMA.relations)
    with pytest.raises(ParameterError) as refused:
        schema.validate({"kind": "b"})
    assert refused.value.name == "kind" and "allowed with that batch: a" in str(refused.value)


def test_an_integer_bound_next_to_an_open_end_is_the_nearest_integer_inside():
    schema = ParamSchema([Param("n", 1, kind="int", lo=0, hi=10), Param("m", 5, kind="int", lo=0, hi=10)],
                         relations=[Order("n", "m", strict=True)])
    assert schema.range_text("n") == "an integer in [0, 4]"
    assert schema.range_text("m") == "an integer in [2, 10]"
    assert schema.range_text("n", {"n": 1, "m": 0}).startswith("no value")


def test_a_relation_the_defaults_break_or_that_names_an_unknown_parameter_is_a_declaration_error():
    with pytest.raises(ParameterError):
        ParamSchema([Param("a", 3.0), Param("b", 1.0)], relations=[Order("a", "b")])
    with pytest.raises(ValueError, match="not in the schema"):
        ParamSchema([Param("a", 3.0)], relations=[Order("a", "b")])


def test_a_conditional_relation_only_binds_when_its_condition_holds():
    from engines.vae_ib.params import PARAMS

    assert PARAMS.validate({"model": "vae", "train_size": 50})["batch_size"] == 100
    refused = pytest.raises(ParameterError, PARAMS.validate, {"train_size": 50})
    assert refused.value.name == "train_size" and "when model = vib" in str(refused.value)


def test_a_swept_value_that_breaks_a_relation_is_refused_before_any_member_trains():
    sweep = ParamSchema([Param("sweep_param", "batch", kind="choice", choices=("batch", "lo")),
                         Param("sweep_values", "10, 20", kind="str"), Param("sweep_seeds", "0", kind="str")])
    with pytest.raises(ParameterError) as refused:
        plan_sweep({"sweep_values": "10, 90", "kind": "b"}, SCHEMA, sweep)
    assert refused.value.name == "sweep_values" and "batch = 90" in str(refused.value)
    members = plan_sweep({"sweep_values": "10, 60", "kind": "b"}, SCHEMA, sweep).members
    assert [m.value for m in members] == [10, 60]


def test_params_prints_the_range_that_can_succeed_and_the_relations(capsys):
    assert cli.main(["params", "batchnorm:train"]) == 0
    text = capsys.readouterr().out
    assert "a number in [0.0001, 0.4)" in text and "requires: probe_min < probe_max" in text
    assert "requires: batch_size ≤ 1257 (dataset = digits), 700 (dataset = moons)" in text
    assert "[0, 2147483647]" in text  # integer ranges print as integers
    assert cli.main(["params", "batchnorm:train", "--json"]) == 0
    described = {d["name"]: d for d in json.loads(capsys.readouterr().out)}
    assert described["probe_max"]["allowed"] == "a number in (0.05, 10]"
    assert described["batch_size"]["relations"] == ["batch_size ≤ 1257 (dataset = digits), 700 (dataset = moons)"]


def test_the_advertised_moons_and_digits_caps_are_the_real_training_set_sizes():
    from engines.batchnorm.params import TRAIN_EXAMPLES
    from engines.batchnorm.pair import dataset

    assert {name: len(dataset(name)[0].y_train) for name in TRAIN_EXAMPLES} == TRAIN_EXAMPLES


def test_the_command_line_blames_what_was_set(capsys, tmp_path):
    assert cli.main(["run", "batchnorm", "--set", "probe_min=10", "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "probe_min = 10 must be < probe_max = 0.4; allowed: a number in [0.0001, 0.4)" in err
    assert cli.main(["run", "batchnorm", "--set", "dataset=moons", "--set", "batch_size=701",
                     "--out", str(tmp_path / "out")]) == 2
    assert "allowed: an integer in [8, 700]" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_a_floor_set_by_a_choice_and_only_where_it_applies():
    from engines.core.params import Param, ParameterError, ParamSchema
    from engines.core.relations import CapBy

    schema = ParamSchema([Param("samples", 1, kind="int", lo=1, hi=100),
                          Param("baseline", "none", kind="choice", choices=("none", "mean")),
                          Param("paired", False, kind="bool")],
                         relations=[CapBy("samples", "baseline", {"mean": 2}, what="a leave-one-out mean",
                                          floor=True, when=lambda v: not v["paired"])])
    assert schema.validate({"samples": 2, "baseline": "mean"})["samples"] == 2
    assert schema.validate({"baseline": "mean", "paired": True})["samples"] == 1    # does not apply
    try:
        schema.validate({"baseline": "mean"})
    except ParameterError as refused:
        assert refused.name == "baseline" and "needs samples ≥ 2" in str(refused) and "allowed with that samples: none" in str(refused)
    else:
        raise AssertionError("samples = 1 with a leave-one-out mean was accepted")
    assert schema.relations[0].describe() == "samples ≥ 2 (baseline = mean)"
