"""VAE and the information bottleneck: forgetting as regularisation (Su, 2018; kexue.fm/archives/6181).

A VIB classifier and a VAE on scikit-learn's digits, trained as torch populations; the information
quantities of the note (KL bound, mixture MI estimate, I(Z;Y) lower bound, aggregate-posterior
decoupling) measured as they train.
"""
from __future__ import annotations

from engines.vae_ib.experiments import EXPERIMENTS, run_train as run
from engines.vae_ib.params import PARAMS, relevant
from engines.vae_ib.sweep import SWEEP_PARAMS, run_sweep

TITLE = "VAE, the information bottleneck and the normal distribution"

__all__ = ["EXPERIMENTS", "PARAMS", "TITLE", "relevant", "run", "SWEEP_PARAMS", "run_sweep"]
