"""A test helper: make the vae_ib training step report a non-finite loss at a chosen step."""
from __future__ import annotations


def poison_step(monkeypatch, at_step: int, value: float = float("nan")) -> None:
    """From now on, the ``at_step``-th call of ``BottleneckPopulation.step`` (1-based) returns
    ``value`` as every member's loss (the real step still runs, so the rest stays genuine)."""
    from engines.vae_ib.bottleneck import BottleneckPopulation

    real = BottleneckPopulation.step
    count = {"n": 0}

    def poisoned(self):
        count["n"] += 1
        out = real(self)
        if count["n"] == at_step:
            out[:, 0] = value
        return out

    monkeypatch.setattr(BottleneckPopulation, "step", poisoned)
