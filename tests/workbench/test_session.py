"""Session files: round trip, migration, and clear refusals that change nothing."""
import json

import pytest

from workbench.core.session import (SCHEMA_VERSION, ExperimentState, Session, SessionError, TopicState,
                               read_session, write_session)


def _write(tmp_path, doc, name="s.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def test_round_trip_keeps_parameters_and_records_versions(tmp_path):
    steady = ExperimentState({"scenario": "troposkein", "span": 0.5, "length": 1.2})
    session = Session({"rope": TopicState({"steady": steady}, "steady")}, "rope")
    write_session(tmp_path / "a.json", session)
    doc = json.loads((tmp_path / "a.json").read_text())
    assert doc["schema_version"] == SCHEMA_VERSION
    assert {"numpy", "numba", "torch", "PySide6-Essentials", "python"} <= set(doc["versions"])
    back = read_session(tmp_path / "a.json")
    assert back.active_topic == "rope"
    assert back.topics["rope"].params["span"] == 0.5
    assert back.topics["rope"].params["scenario"] == "troposkein"
    assert back.topics["rope"].params["omega"] == 6.0  # filled from defaults


@pytest.mark.parametrize("content,fragment", [
    ("{not json", "not valid JSON"),
    ("[1, 2]", "not a workbench session"),
    ({"topics": {}}, "schema_version"),
    ({"schema_version": 99, "topics": {"rope": {"params": {}}}}, "newer workbench"),
    ({"schema_version": 1, "topics": {"nope": {"params": {}}}}, "unknown topic"),
    ({"schema_version": 1, "topics": {"rope": {"params": {"omega": -3}}}}, "omega"),
    ({"schema_version": 1, "topics": {"rope": {"params": {"colour": 1}}}}, "colour"),
    ({"schema_version": 1, "topics": {"rope": "x"}}, "no parameter table"),
    ({"schema_version": 2, "topics": {"rope": {"experiments": {"spin": {"params": {}}}}}}, "no experiment 'spin'"),
    ({"schema_version": 2, "topics": {"rope": {"active": "dynamics", "experiments": {"steady": {"params": {}}}}}},
     "active experiment 'dynamics'"),
    ({"schema_version": 2, "topics": {"rope": {"experiments": {"dynamics": {"params": {}, "sweep": {}}}}}},
     "has no sweep"),
    ({"schema_version": 2, "topics": {"batchnorm": {"experiments": {"descent": {"params": {"eta_over_L": 9}}}}}},
     "batchnorm:descent: eta_over_L"),
    ({"schema_version": 2, "active_topic": ["rope"], "topics": {"rope": {"experiments": {"steady": {"params": {}}}}}},
     "active_topic"),
    ({"schema_version": 2, "topics": {"rope": {"experiments": {"steady": {"params": {}}}, "seed": 3}}}, "'seed'"),
    ({"schema_version": 2, "topics": {"rope": {"experiments": {"steady": {"params": {}, "colour": 1}}}}}, "'colour'"),
    ({"schema_version": 2, "topics": {"rope": {"active": ["steady"], "experiments": {"steady": {"params": {}}}}}},
     "active experiment"),
    ({"schema_version": 2, "comment": "x", "topics": {"rope": {"experiments": {"steady": {"params": {}}}}}}, "'comment'"),
    ({"schema_version": 2, "topics": {"vae_ib": {"experiments": {"train": {"params": {"seed": 3}, "seed": 4}}}}},
     "differs"),
    ({"schema_version": 2, "topics": {"vae_ib": {"experiments": {"train": {"params": {},
                                                                          "sweep": {"sweep_param": "colour"}}}}}},
     "sweep_param"),
])
def test_bad_files_give_a_clear_message(tmp_path, content, fragment):
    with pytest.raises(SessionError) as err:
        read_session(_write(tmp_path, content))
    assert fragment in str(err.value)


def test_missing_file_is_a_session_error(tmp_path):
    with pytest.raises(SessionError, match="cannot read"):
        read_session(tmp_path / "absent.json")


def test_version_zero_migrates_forward(tmp_path):
    session = read_session(_write(tmp_path, {"schema_version": 0, "topic": "rope", "params": {"length": 2.0}}))
    assert session.active_topic == "rope" and session.topics["rope"].params["length"] == 2.0


def test_a_malformed_old_session_is_a_session_error(tmp_path):
    with pytest.raises(SessionError, match="cannot be migrated"):
        read_session(_write(tmp_path, {"schema_version": 0, "topic": "rope", "params": [1]}))


def test_version_one_rope_dynamics_migrates_to_the_chain_experiment(tmp_path):
    """Version 1 kept one table per topic; the rope's scenario = dynamics meant the live chain."""
    doc = {"schema_version": 1, "active_topic": "rope",
           "topics": {"rope": {"params": {"scenario": "dynamics", "beads": 12, "omega": 3.0, "mode": 2}},
                      "vae_ib": {"params": {"beta": 0.01, "epochs": 7}, "seed": 0, "device": "auto"}}}
    session = read_session(_write(tmp_path, doc))
    rope = session.topics["rope"]
    assert rope.active == "dynamics" and list(rope.experiments) == ["dynamics"]
    assert rope.params["beads"] == 12 and rope.params["omega"] == 3.0 and "mode" not in rope.params
    vae = session.topics["vae_ib"]
    assert vae.active == "train" and vae.params["beta"] == 0.01 and vae.params["epochs"] == 7


def test_version_one_steady_rope_and_version_zero_land_on_the_main_experiment(tmp_path):
    one = read_session(_write(tmp_path, {"schema_version": 1, "topics": {"rope": {"params": {"scenario": "jump"}}}}))
    assert one.topics["rope"].active == "steady" and one.topics["rope"].params["scenario"] == "jump"
    zero = read_session(_write(tmp_path, {"schema_version": 0, "topic": "rope", "params": {"scenario": "dynamics"}},
                               "z.json"))
    assert zero.topics["rope"].active == "dynamics"


def test_every_experiment_and_the_sweep_round_trip(tmp_path):
    states = {"train": ExperimentState({"steps": 50}, {"sweep_param": "depth", "sweep_values": "2, 3"}),
              "descent": ExperimentState({"model": "logistic"})}
    write_session(tmp_path / "b.json", Session({"batchnorm": TopicState(states, "descent")}, "batchnorm"))
    back = read_session(tmp_path / "b.json").topics["batchnorm"]
    assert back.active == "descent" and back.params["model"] == "logistic"
    assert back.experiments["train"].params["steps"] == 50
    assert back.experiments["train"].sweep["sweep_param"] == "depth"
    assert back.experiments["train"].sweep["sweep_seeds"] == "0, 1, 2"  # defaults filled in


@pytest.mark.parametrize("text,fragment", [("[" * 100_000 + "]" * 100_000, "workbench can read"),
                                          ('{"schema_version": ' + "9" * 5000 + "}", "workbench can read"),
                                          ('{"schema_version": 2, "topics": {"rope": {"experiments": {"steady": '
                                           '{"params": {"points": ' + "9" * 400 + "}}}}}}", "points")])
def test_hostile_files_are_session_errors_not_tracebacks(tmp_path, text, fragment):
    """100,000-deep nesting, an integer of thousands of digits, a 400-digit parameter."""
    with pytest.raises(SessionError) as err:
        read_session(_write(tmp_path, text))
    assert fragment in str(err.value)


def test_a_whole_version_one_rope_table_migrates(tmp_path):
    """Version 1 saved the rope's combined table (all 21 names); the steady shapes keep theirs, the
    chain's names go, and a misspelt name is still refused."""
    import engines.rope as rope

    table = {**rope.PARAMS.defaults(), "scenario": "jump", "span": 0.5}
    session = read_session(_write(tmp_path, {"schema_version": 1, "topics": {"rope": {"params": table}}}))
    steady = session.topics["rope"]
    assert steady.active == "steady" and steady.params["scenario"] == "jump" and steady.params["span"] == 0.5
    assert "beads" not in steady.params
    with pytest.raises(SessionError, match="omgea"):
        read_session(_write(tmp_path, {"schema_version": 1, "topics": {"rope": {"params": {"omgea": 1}}}}, "b.json"))
