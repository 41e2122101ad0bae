"""Session files: round trip, migration, and clear refusals that change nothing."""
import json

import pytest

from workbench.session import (SCHEMA_VERSION, Session, SessionError, TopicState, read_session,
                               write_session)


def _write(tmp_path, doc, name="s.json"):
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
    return path


def test_round_trip_keeps_parameters_and_records_versions(tmp_path):
    session = Session({"rope": TopicState({"scenario": "troposkein", "span": 0.5, "length": 1.2})}, "rope")
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
