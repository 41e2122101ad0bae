"""The L2 vs weight-scale-shift-invariant regularisation panel."""
from workbench.topics.regularization.panel import RegularizationPanel

__all__ = ["RegularizationPanel"]
