"""Which topics exist, in the seed page's order, and which of them have an engine built.

A topic is *registered* (shown by ``main.py list``, given a dock) exactly when its engine module
``engines/<id>`` exists and declares the contract: ``TITLE`` and ``EXPERIMENTS`` (its experiments,
the main one first; ``engines.core.experiment``).  An experiment is named ``topic:experiment``;
the topic's id alone names its main experiment.
"""
from __future__ import annotations

import ast
import importlib
import importlib.util
from types import ModuleType

from engines.core.experiment import Experiment, find

TOPIC_IDS: tuple[str, ...] = (
    "vae_ib",
    "rope",
    "batchnorm",
    "regularization",
    "pg_zoo",
    "multitask",
    "wok",
)


def is_built(topic_id: str) -> bool:
    return importlib.util.find_spec(f"engines.{topic_id}") is not None


def built_topics() -> list[str]:
    return [t for t in TOPIC_IDS if is_built(t)]


def load_engine(topic_id: str) -> ModuleType:
    """Import a built topic's engine and check that it honours the contract."""
    if topic_id not in TOPIC_IDS:
        raise KeyError(f"unknown topic {topic_id!r}; known: {', '.join(TOPIC_IDS)}")
    if not is_built(topic_id):
        raise KeyError(f"topic {topic_id!r} is not built yet; built: {', '.join(built_topics())}")
    module = importlib.import_module(f"engines.{topic_id}")
    for attr in ("TITLE", "EXPERIMENTS"):
        if not hasattr(module, attr):
            raise TypeError(f"engines.{topic_id} lacks {attr}: it does not honour the engine contract")
    if not module.EXPERIMENTS or not all(isinstance(e, Experiment) for e in module.EXPERIMENTS):
        raise TypeError(f"engines.{topic_id}.EXPERIMENTS must be a non-empty tuple of Experiment")
    return module


def topic_title(topic_id: str) -> str:
    """A built topic's ``TITLE`` read from its package's source, without importing the engine (a
    window names its docks before any engine, and torch with it, is loaded)."""
    spec = importlib.util.find_spec(f"engines.{topic_id}")
    if spec is None or spec.origin is None:
        raise KeyError(f"topic {topic_id!r} is not built yet; built: {', '.join(built_topics())}")
    with open(spec.origin, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), spec.origin)
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "TITLE" for t in node.targets):
            if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                return node.value.value
    raise TypeError(f"engines.{topic_id} must assign TITLE a string literal in its __init__.py")


def experiments(topic_id: str) -> tuple[Experiment, ...]:
    """A built topic's experiments, the main one first."""
    return tuple(load_engine(topic_id).EXPERIMENTS)


def split_ref(ref: str) -> tuple[str, str | None]:
    """``"batchnorm:descent"`` → ("batchnorm", "descent"); ``"rope"`` → ("rope", None)."""
    topic, _, experiment_id = ref.partition(":")
    return topic, experiment_id or None


def load_experiment(ref: str) -> tuple[str, Experiment]:
    """The topic id and the experiment that ``TOPIC[:EXPERIMENT]`` names (the main one when the
    experiment is left out).  KeyError for an unknown or unbuilt topic, ParameterError (naming
    ``experiment``) for an experiment the topic does not have."""
    topic, experiment_id = split_ref(ref)
    found = experiments(topic)
    return topic, found[0] if experiment_id is None else find(found, experiment_id, topic)
