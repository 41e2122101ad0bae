"""Which topics exist, in the seed page's order, and which of them have an engine built.

A topic is *registered* (shown by ``main.py list``, given a dock) exactly when its engine module
``engines/<id>`` exists and declares the contract: ``TITLE``, ``PARAMS`` and ``run(params, ctx)``.
"""
from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

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
    for attr in ("TITLE", "PARAMS", "run"):
        if not hasattr(module, attr):
            raise TypeError(f"engines.{topic_id} lacks {attr}: it does not honour the engine contract")
    return module
