"""Session files: human-readable, versioned JSON (never pickle), migrated forward step by step.

A session holds, per topic, the parameters, seed and device, plus the package versions that made
it.  ``read_session`` either returns a fully validated ``Session`` or raises ``SessionError`` with
a message for the user — it never returns something half-read, so a caller that applies the result
only after a successful read changes nothing when the file is bad.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from engines.core.params import ParameterError
from engines.registry import TOPIC_IDS, is_built, load_engine
from workbench import __version__
from workbench.atomic import write_text_atomic
from workbench.versions import package_versions

SCHEMA_VERSION = 1
APP_NAME = "scientific-spaces-workbench"


class SessionError(ValueError):
    """A session file that cannot be used; the message says why, in the user's terms."""


@dataclass
class TopicState:
    params: dict[str, Any]
    seed: int | None = None
    device: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {"params": self.params, "seed": self.seed, "device": self.device}


@dataclass
class Session:
    topics: dict[str, TopicState] = field(default_factory=dict)
    active_topic: str | None = None
    versions: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "schema_version": SCHEMA_VERSION,
            "app": APP_NAME,
            "app_version": __version__,
            "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "versions": package_versions(),
            "active_topic": self.active_topic,
            "topics": {tid: state.to_json() for tid, state in self.topics.items()},
        }


def topic_state(params: dict[str, Any]) -> TopicState:
    """Build the state of one topic; seed and device are read from the params when declared."""
    return TopicState(dict(params), params.get("seed"), params.get("device"))


def write_session(path: str | Path, session: Session) -> None:
    write_text_atomic(path, json.dumps(session.to_json(), indent=2, sort_keys=False) + "\n")


def _migrate_0_to_1(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 0 (pre-release) stored ``{"topic": id, "params": {...}}`` for a single topic."""
    topic = doc.get("topic")
    params = doc.get("params", {})
    if not isinstance(topic, str) or not isinstance(params, dict):
        raise ValueError("it needs a topic name and a parameter table")
    return {
        "schema_version": 1,
        "active_topic": topic,
        "topics": {topic: {"params": params, "seed": params.get("seed"), "device": params.get("device")}},
    }


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1}


def parse_session(doc: Any, source: str = "session") -> Session:
    """Validate a decoded JSON document (migrating old versions) into a Session."""
    if not isinstance(doc, dict):
        raise SessionError(f"{source}: not a workbench session (expected a JSON object)")
    version = doc.get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool):
        raise SessionError(f"{source}: missing or invalid schema_version")
    if version > SCHEMA_VERSION:
        raise SessionError(
            f"{source}: written by a newer workbench (schema_version {version}; this one reads "
            f"up to {SCHEMA_VERSION}). Update the workbench to open it."
        )
    while version < SCHEMA_VERSION:
        if version not in MIGRATIONS:
            raise SessionError(f"{source}: schema_version {version} is too old to migrate")
        try:
            doc = MIGRATIONS[version](doc)
        except (AttributeError, TypeError, KeyError, ValueError) as exc:
            raise SessionError(f"{source}: a version-{version} session that cannot be migrated ({exc})") from None
        version = doc["schema_version"]
    topics_doc = doc.get("topics")
    if not isinstance(topics_doc, dict) or not topics_doc:
        raise SessionError(f"{source}: no topics in the session")
    topics: dict[str, TopicState] = {}
    for topic_id, entry in topics_doc.items():
        topics[topic_id] = _parse_topic(topic_id, entry, source)
    active = doc.get("active_topic")
    if active is not None and active not in topics:
        raise SessionError(f"{source}: active_topic {active!r} is not among its topics")
    versions = doc.get("versions") if isinstance(doc.get("versions"), dict) else {}
    return Session(topics=topics, active_topic=active, versions=versions)


def _parse_topic(topic_id: str, entry: Any, source: str) -> TopicState:
    if topic_id not in TOPIC_IDS:
        raise SessionError(f"{source}: unknown topic {topic_id!r}; known: {', '.join(TOPIC_IDS)}")
    if not is_built(topic_id):
        raise SessionError(f"{source}: topic {topic_id!r} is not built in this version of the workbench")
    if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict):
        raise SessionError(f"{source}: topic {topic_id!r} has no parameter table")
    schema = load_engine(topic_id).PARAMS
    try:
        params = schema.validate(entry["params"])
    except ParameterError as exc:
        raise SessionError(f"{source}: topic {topic_id!r}: {exc}") from None
    return TopicState(params, entry.get("seed"), entry.get("device"))


def read_session(path: str | Path) -> Session:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SessionError(f"cannot read {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SessionError(f"{path.name}: not a text file") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SessionError(f"{path.name}: not valid JSON (line {exc.lineno}, column {exc.colno})") from None
    return parse_session(doc, path.name)
