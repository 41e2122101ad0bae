"""Session files: human-readable, versioned JSON (never pickle), migrated forward step by step.

A session holds, per topic, every experiment's parameters (with their seed and device, and the
sweep's own values where the experiment offers a sweep) and which experiment was shown, plus the
package versions that made it.  ``read_session`` either returns a fully validated ``Session`` or raises ``SessionError`` with
a message for the user — it never returns something half-read, so a caller that applies the result
only after a successful read changes nothing when the file is bad.
"""
from __future__ import annotations

import datetime as _dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from engines.core.experiment import find, route
from engines.core.params import ParameterError
from engines.registry import TOPIC_IDS, experiments, is_built, load_engine
from workbench import __version__
from workbench.core.atomic import write_text_atomic
from workbench.core.versions import package_versions

SCHEMA_VERSION = 2
APP_NAME = "scientific-spaces-workbench"


class SessionError(ValueError):
    """A session file that cannot be used; the message says why, in the user's terms."""


@dataclass
class ExperimentState:
    """One experiment's parameters (seed and device are read from them when declared) and, where
    the experiment offers a sweep, the sweep's own values."""

    params: dict[str, Any]
    sweep: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        doc = {"params": self.params, "seed": self.params.get("seed"), "device": self.params.get("device")}
        if self.sweep is not None:
            doc["sweep"] = self.sweep
        return doc


@dataclass
class TopicState:
    """Every experiment of a topic that the session holds, and the one that was shown."""

    experiments: dict[str, ExperimentState]
    active: str

    @property
    def params(self) -> dict[str, Any]:
        """The shown experiment's parameters."""
        return self.experiments[self.active].params

    def to_json(self) -> dict[str, Any]:
        return {"active": self.active,
                "experiments": {eid: state.to_json() for eid, state in self.experiments.items()}}


RUN_STATUSES = ("complete", "diverged", "interrupted")
TOP_KEYS = {"schema_version", "app", "app_version", "saved_at", "versions", "status", "run", "active_topic", "topics"}
TOPIC_KEYS = {"active", "experiments"}
EXPERIMENT_KEYS = {"params", "seed", "device", "sweep"}


def _refuse_unknown(doc: dict, known: set[str], where: str) -> None:
    """A key the workbench does not write is refused by name (a typo would otherwise be ignored)."""
    unknown = sorted(str(k) for k in doc if k not in known)
    if unknown:
        raise SessionError(f"{where}: unknown key {', '.join(map(repr, unknown))}; known: {', '.join(sorted(known))}")


@dataclass
class Session:
    """Every topic's state; a session written by a headless run also says how that run ended
    (``status``: complete, diverged or interrupted) and how far it got (``run``: step, progress,
    and what diverged or which signal stopped it)."""

    topics: dict[str, TopicState] = field(default_factory=dict)
    active_topic: str | None = None
    versions: dict[str, str] = field(default_factory=dict)
    status: str | None = None
    run: dict[str, Any] | None = None

    def to_json(self) -> dict[str, Any]:
        doc = {
            "schema_version": SCHEMA_VERSION,
            "app": APP_NAME,
            "app_version": __version__,
            "saved_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
            "versions": package_versions(),
        }
        if self.status is not None:
            doc["status"] = self.status
            doc["run"] = dict(self.run or {})
        doc["active_topic"] = self.active_topic
        doc["topics"] = {tid: state.to_json() for tid, state in self.topics.items()}
        return doc


def topic_state(params: dict[str, Any], experiment_id: str) -> TopicState:
    """The state of a topic that holds one experiment's values."""
    return TopicState({experiment_id: ExperimentState(dict(params))}, experiment_id)


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


def _migrate_1_to_2(doc: dict[str, Any]) -> dict[str, Any]:
    """Version 1 stored one parameter table per topic, the main run's; version 2 stores one per
    experiment.  The table becomes the experiment it meant: the rope's ``scenario = dynamics``
    meant the live chain (``rope:dynamics``), everything else the topic's main experiment."""
    topics = {}
    for topic_id, entry in doc["topics"].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("params"), dict) or not is_built(topic_id):
            topics[topic_id] = entry  # reported by name when the migrated document is parsed
            continue
        experiment, params = route(experiments(topic_id), entry["params"])
        legacy = getattr(load_engine(topic_id), "PARAMS", None)  # the one table v1 wrote (rope: both)
        if legacy is not None:  # its names this experiment does not read go; a typo still raises
            params = {k: v for k, v in params.items() if k in experiment.params or k not in legacy}
        topics[topic_id] = {"active": experiment.id, "experiments": {experiment.id: {"params": params}}}
    return {**doc, "schema_version": 2, "topics": topics}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {0: _migrate_0_to_1, 1: _migrate_1_to_2}


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
    _refuse_unknown(doc, TOP_KEYS, source)
    active = doc.get("active_topic")
    if active is not None and (not isinstance(active, str) or active not in topics):
        raise SessionError(f"{source}: active_topic {active!r} is not among its topics")
    versions = doc.get("versions") if isinstance(doc.get("versions"), dict) else {}
    status = doc.get("status")
    if status is not None and status not in RUN_STATUSES:
        raise SessionError(f"{source}: status {status!r} is not one of {', '.join(RUN_STATUSES)}")
    run = doc.get("run") if isinstance(doc.get("run"), dict) else None
    return Session(topics=topics, active_topic=active, versions=versions, status=status, run=run)


def _parse_topic(topic_id: str, entry: Any, source: str) -> TopicState:
    if topic_id not in TOPIC_IDS:
        raise SessionError(f"{source}: unknown topic {topic_id!r}; known: {', '.join(TOPIC_IDS)}")
    if not is_built(topic_id):
        raise SessionError(f"{source}: topic {topic_id!r} is not built in this version of the workbench")
    if not isinstance(entry, dict) or not isinstance(entry.get("experiments"), dict) or not entry["experiments"]:
        raise SessionError(f"{source}: topic {topic_id!r} has no parameter table")
    _refuse_unknown(entry, TOPIC_KEYS, f"{source}: topic {topic_id!r}")
    declared = experiments(topic_id)
    states = {}
    for experiment_id, state in entry["experiments"].items():
        where = f"{source}: {topic_id}:{experiment_id}"
        if isinstance(state, dict):
            _refuse_unknown(state, EXPERIMENT_KEYS, where)
        try:
            experiment = find(declared, experiment_id, topic_id)
        except ParameterError as exc:
            raise SessionError(f"{source}: {exc}") from None
        if not isinstance(state, dict) or not isinstance(state.get("params"), dict):
            raise SessionError(f"{where} has no parameter table")
        sweep = state.get("sweep")
        if sweep is not None and (experiment.sweep is None or not isinstance(sweep, dict)):
            raise SessionError(f"{where}: a sweep table where the experiment has no sweep")
        try:
            # Ranges only: a session keeps what the form held, a broken relation included (the form
            # marks it; a run refuses it), so an autosave or a saved session always reads back.
            params = experiment.validate(state["params"], relations=False)
            sweep = None if sweep is None else experiment.sweep.params.validate(sweep, relations=False)
        except ParameterError as exc:
            raise SessionError(f"{where}: {exc}") from None
        for key in ("seed", "device"):  # written beside the parameters for a reader; they must agree
            if state.get(key) is not None and state[key] != params.get(key):
                raise SessionError(f"{where}: {key} {state[key]!r} differs from the parameters' {key} "
                                   f"{params.get(key)!r}; give it once, in params")
        states[experiment_id] = ExperimentState(params, sweep)
    active = entry.get("active", next(iter(states)))
    if not isinstance(active, str) or active not in states:
        raise SessionError(f"{source}: topic {topic_id!r}: its active experiment {active!r} is not among "
                           f"its experiments ({', '.join(states)})")
    return TopicState(states, active)


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
    except (ValueError, RecursionError) as exc:  # an integer of thousands of digits; nesting too deep
        raise SessionError(f"{path.name}: not a session the workbench can read ({str(exc)[:80]})") from None
    try:
        return parse_session(doc, path.name)
    except RecursionError:
        raise SessionError(f"{path.name}: nested too deeply to be a session") from None
