"""The multi-task loss weighting panel."""
from workbench.topics.multitask.panel import MultitaskPanel

__all__ = ["MultitaskPanel"]
