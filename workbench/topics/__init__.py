"""Topic panels, one module per topic; a topic never imports another topic.

``panel_class`` imports a topic's panel lazily; a built engine without its own panel gets the
base ``TopicPanel``, whose pages draw what each experiment declares (``topics.generic``), so every
registered topic is usable.
"""
from __future__ import annotations

import importlib

PANELS = {"rope": "workbench.topics.rope:RopePanel", "vae_ib": "workbench.topics.vae_ib:VaeIbPanel",
          "batchnorm": "workbench.topics.batchnorm:BatchNormPanel",
          "regularization": "workbench.topics.regularization:RegularizationPanel",
          "pg_zoo": "workbench.topics.pg_zoo:PgZooPanel",
          "multitask": "workbench.topics.multitask:MultitaskPanel", "wok": "workbench.topics.wok:WokPanel"}


def panel_class(topic_id: str):
    target = PANELS.get(topic_id, "workbench.pages.panel:TopicPanel")
    module, name = target.split(":")
    return getattr(importlib.import_module(module), name)
