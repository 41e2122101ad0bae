"""Property-based tests of session files: any valid session drawn from the declared schemas reads
back to the same values; any session broken at any place is a SessionError that ``replay`` turns
into exit 2 with nothing written (never a traceback, never a half-run multi-topic session)."""
from __future__ import annotations

import contextlib
import io
import json

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from engines.core.params import ParameterError
from engines.registry import built_topics, experiments
from tests.strategies import EXAMPLES, valid_values
from workbench import cli
from workbench.core.session import ExperimentState, Session, SessionError, TopicState, parse_session

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6)


@st.composite
def experiment_states(draw, topic: str) -> tuple[str, ExperimentState]:
    experiment = draw(st.sampled_from(experiments(topic)))
    schema = experiment.params
    names = draw(st.lists(st.sampled_from(schema.names()), unique=True, max_size=5))
    try:
        params = schema.validate({name: draw(valid_values(schema[name])) for name in names})
    except ParameterError:  # a relation the drawn values break: not a valid session
        assume(False)
    sweep = experiment.sweep.params.defaults() if experiment.sweep is not None and draw(st.booleans()) else None
    return experiment.id, ExperimentState(params, sweep)


@st.composite
def sessions(draw) -> Session:
    topics = draw(st.lists(st.sampled_from(built_topics()), unique=True, min_size=1, max_size=3))
    states = {}
    for topic in topics:
        pairs = dict(draw(st.lists(experiment_states(topic), min_size=1, max_size=3)))
        states[topic] = TopicState(pairs, draw(st.sampled_from(sorted(pairs))))
    return Session(states, active_topic=draw(st.sampled_from(topics)))


def _nodes(doc, path=()):
    """Every (path, value) of a JSON document, the document itself first."""
    yield path, doc
    items = doc.items() if isinstance(doc, dict) else enumerate(doc) if isinstance(doc, list) else ()
    for key, value in items:
        yield from _nodes(value, path + (key,))


def _mutated(doc, path, how: str, junk):
    if not path:
        return junk
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    if how == "delete" and isinstance(parent, dict):
        del parent[path[-1]]
    elif how == "unknown key" and isinstance(parent, dict):
        parent["surplus_" + str(path[-1])] = junk
    else:
        parent[path[-1]] = junk
    return doc


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(session=sessions())
def test_a_valid_session_reads_back_to_the_same_values(session):
    read = parse_session(json.loads(json.dumps(session.to_json())))
    assert read.active_topic == session.active_topic
    for topic, state in session.topics.items():
        assert read.topics[topic].active == state.active
        for eid, expected in state.experiments.items():
            assert read.topics[topic].experiments[eid].params == expected.params
            assert read.topics[topic].experiments[eid].sweep == expected.sweep


@settings(max_examples=EXAMPLES * 2, suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(session=sessions(), data=st.data())
def test_a_session_broken_anywhere_is_refused_with_a_session_error_or_reads_as_valid(session, data):
    doc = json.loads(json.dumps(session.to_json()))
    path, _ = data.draw(st.sampled_from(list(_nodes(doc))), label="where")
    how = data.draw(st.sampled_from(("replace", "delete", "unknown key")), label="how")
    broken = _mutated(doc, path, how, data.draw(JSON_VALUES, label="junk"))
    try:
        read = parse_session(broken)
    except SessionError as exc:
        assert str(exc).startswith("session")
        return
    for topic, state in read.topics.items():  # a change that kept it valid (e.g. saved_at text)
        for eid, experiment_state in state.experiments.items():
            experiment = next(e for e in experiments(topic) if e.id == eid)
            assert experiment.validate(experiment_state.params, relations=False) == experiment_state.params


@settings(max_examples=max(5, EXAMPLES // 5), suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])
@given(session=sessions(), data=st.data())
def test_replay_of_a_broken_session_exits_2_and_writes_nothing(session, data, tmp_path_factory):
    doc = session.to_json()
    topic = data.draw(st.sampled_from(sorted(doc["topics"])), label="broken topic")
    entry = doc["topics"][topic]
    eid = entry["active"]
    schema = next(e for e in experiments(topic) if e.id == eid).params
    name = data.draw(st.sampled_from([p.name for p in schema if p.kind != "str"]), label="parameter")
    entry["experiments"][eid]["params"][name] = data.draw(JSON_VALUES.filter(lambda v: isinstance(v, (list, dict))))
    folder = tmp_path_factory.mktemp("replay")
    (folder / "session.json").write_text(json.dumps(doc))
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["replay", str(folder / "session.json"), "--out", str(folder / "out"), "--quiet"])
    assert code == 2 and name in stderr.getvalue() and "Traceback" not in stderr.getvalue()
    assert sorted(p.name for p in folder.iterdir()) == ["session.json"]
