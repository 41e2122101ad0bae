"""Property-based tests of every parameter of every experiment of every built topic.

The strategies are drawn from the declared schemas, so a topic is covered the day it lands: a
valid value is accepted and stays in range; an invalid one is refused with a ParameterError that
names the parameter (never another exception); a whole assignment either satisfies every declared
relation or names a parameter the caller set; the command line answers exit 2, writes nothing and
names the parameter.  Examples are derandomised in CI (``HYPOTHESIS_PROFILE=explore`` searches
afresh with more examples).
"""
from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engines.core.params import Param, ParameterError, ParamSchema
from tests.strategies import EXAMPLES, REFS, SCHEMAS, span, invalid_values, valid_values
from workbench import cli

def _params(schema: ParamSchema, *, refusable: bool = False) -> list[Param]:
    return [p for p in schema if not (refusable and p.kind == "str")]


@pytest.mark.parametrize("ref, schema", SCHEMAS, ids=[ref for ref, _ in SCHEMAS])
@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_valid_value_is_accepted_and_stays_in_range(ref, schema, data):
    param = data.draw(st.sampled_from(_params(schema)), label="parameter")
    value = param.validate(data.draw(valid_values(param), label="value"))
    if param.kind in ("int", "float") and not (param.zero and value == 0):
        lo, hi = span(param)
        assert lo <= value <= hi
        assert isinstance(value, int if param.kind == "int" else float)
    if param.kind == "choice":
        assert value in param.choices
    if param.kind == "multi":
        assert value and set(value.split(",")) <= set(param.choices)


@pytest.mark.parametrize("ref, schema", SCHEMAS, ids=[ref for ref, _ in SCHEMAS])
@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_an_invalid_value_is_refused_naming_the_parameter_and_range(ref, schema, data):
    param = data.draw(st.sampled_from(_params(schema, refusable=True)), label="parameter")
    value = data.draw(invalid_values(param), label="value")
    with pytest.raises(ParameterError) as refused:
        param.validate(value)
    assert refused.value.name == param.name
    assert str(refused.value).startswith(param.name) and "allowed: " in str(refused.value)
    assert len(str(refused.value)) < 400  # a 400-digit value is quoted cut, not echoed whole


@pytest.mark.parametrize("ref, schema", SCHEMAS, ids=[ref for ref, _ in SCHEMAS])
@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.filter_too_much])
@given(data=st.data())
def test_a_whole_assignment_keeps_every_relation_or_blames_a_parameter_that_was_set(ref, schema, data):
    names = data.draw(st.lists(st.sampled_from(schema.names()), unique=True, max_size=6), label="names")
    given_values = {}
    for name in names:
        param = schema[name]
        bad = param.kind != "str" and data.draw(st.booleans(), label=f"{name} invalid")
        given_values[name] = data.draw(invalid_values(param) if bad else valid_values(param), label=name)
    try:
        out = schema.validate(given_values)
    except ParameterError as exc:
        assert exc.name in given_values, f"{exc} blames {exc.name}, which was not set"
        assert exc.name in str(exc)
        return
    assert set(out) == set(schema.names())
    for relation in schema.relations:
        assert not relation.applies(out) or relation.holds(out), relation.describe()
    for name, value in out.items():
        assert schema[name].validate(value) == value


@pytest.mark.parametrize("ref", REFS)
@settings(max_examples=max(5, EXAMPLES // 8))
@given(data=st.data())
def test_the_command_line_refuses_an_invalid_value_with_exit_2_and_writes_nothing(ref, data, tmp_path_factory):
    schema = dict(SCHEMAS)[ref]
    param = data.draw(st.sampled_from(_params(schema, refusable=True)), label="parameter")
    text = data.draw(invalid_values(param).filter(lambda v: isinstance(v, str)), label="value")
    assume("\x00" not in text)
    out = tmp_path_factory.mktemp("fuzz") / "out"
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["run", ref, "--set", f"{param.name}={text}", "--out", str(out), "--quiet"])
    assert code == 2, stderr.getvalue()
    assert not out.exists() and list(out.parent.iterdir()) == []
    assert param.name in stderr.getvalue() and "Traceback" not in stderr.getvalue()


@pytest.mark.parametrize("ref, schema", SCHEMAS, ids=[ref for ref, _ in SCHEMAS])
def test_every_parameter_says_what_it_is(ref, schema):
    """``params`` and the form's tooltips print the help: a newcomer should never meet a bare name."""
    assert [p.name for p in schema if not p.help.strip()] == []
