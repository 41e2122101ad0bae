"""VAE and the information bottleneck: forgetting as regularisation (Su, 2018; kexue.fm/archives/6181).

A VIB classifier and a VAE on scikit-learn's digits, trained as torch populations; the information
quantities of the note (KL bound, mixture MI estimate, I(Z;Y) lower bound, aggregate-posterior
decoupling) measured as they train.
"""
from __future__ import annotations

from typing import Any, Iterator

from engines.core.frame import Frame, RunContext
from engines.vae_ib.params import PARAMS, relevant
from engines.vae_ib.training import train_run

TITLE = "VAE, the information bottleneck and the normal distribution"

__all__ = ["PARAMS", "TITLE", "relevant", "run"]


def run(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    yield from train_run(PARAMS.validate(params), ctx)


from engines.vae_ib.sweep import SWEEP_PARAMS, run_sweep  # noqa: E402

__all__ += ["SWEEP_PARAMS", "run_sweep"]
