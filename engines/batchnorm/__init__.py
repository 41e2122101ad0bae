"""What batch normalisation does to the loss landscape (Su, 2019, kexue.fm/archives/6992; Santurkar
et al., NeurIPS 2018).

Two MLPs, A and B, trained on identical batches from identical weights and differing only in their
normalisation; Santurkar's probes along the gradient, loss surfaces on a plane, and the exact
single-layer facts behind Su's centre-vs-scale argument.
"""
from __future__ import annotations

from engines.batchnorm.experiments import EXPERIMENTS, run_train as run
from engines.batchnorm.params import PARAMS, relevant
from engines.batchnorm.sweep import SWEEP_GROUP_PARAM, SWEEP_PARAMS, run_sweep

TITLE = "Batch normalisation and the loss landscape"

__all__ = ["EXPERIMENTS", "PARAMS", "TITLE", "relevant", "run", "warm_up",
           "SWEEP_GROUP_PARAM", "SWEEP_PARAMS", "run_sweep"]


def warm_up() -> None:
    """Compile (or load from the cache) the surface sampler's numba kernel, in the background at
    start-up: the training child then loads it from the cache instead of compiling on first use."""
    from engines.batchnorm.surface import warm_up as warm_surface

    warm_surface()

