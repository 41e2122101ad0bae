"""Stop a training run whose loss blew up, and say which quantity did it and when (DESIGN.md §3).

A metric diverges when it is NaN or ±inf, or when it exceeds ``explode_factor`` times the largest
magnitude it had over its first ``warmup`` checks (a loss that grows a million-fold has left the
basin even if it is still a finite float).  The guard checks only the metrics it is given, in order,
so the message names the first one that failed; metrics that may legitimately grow without bound
(the KL bound of a β = 0 VIB run, fact 8 of the note) are simply not handed to it.
"""
from __future__ import annotations

import math
from typing import Mapping


class DivergenceGuard:
    def __init__(self, explode_factor: float = 1e6, warmup: int = 10):
        self.explode_factor = explode_factor
        self.warmup = warmup
        self._scale: dict[str, float] = {}
        self._seen: dict[str, int] = {}

    def check(self, step: int, metrics: Mapping[str, float]) -> str:
        """'' when all is well, else a message such as ``loss became nan at step 120``."""
        for name, value in metrics.items():
            value = float(value)
            if not math.isfinite(value):
                return f"{name} became {value} at step {step}"
            seen = self._seen.get(name, 0)
            if seen < self.warmup:
                self._scale[name] = max(self._scale.get(name, 0.0), abs(value), 1e-12)
                self._seen[name] = seen + 1
            elif abs(value) > self.explode_factor * self._scale[name]:
                return (f"{name} exploded to {value:.3g} at step {step} "
                        f"(more than {self.explode_factor:.0e} × its early size {self._scale[name]:.3g})")
        return ""


class PopulationGuard:
    """``DivergenceGuard``'s rule for every member of a population at once, on the population's device.

    ``update(step, values)`` takes the step's (members × metrics) tensor and records, without reading
    it back to the host, the first step at which each member's first failing metric failed;
    ``newly_diverged()`` reads that back (one small copy: call it every few dozen steps, not every
    step) and gives each member that diverged since the last call its message, worded as
    ``DivergenceGuard`` words it.  A member's record freezes at its first failure.
    """

    def __init__(self, names: tuple[str, ...], members: int, device, explode_factor: float = 1e6, warmup: int = 10):
        import torch

        self.names, self.explode_factor, self.warmup = names, explode_factor, warmup
        self._scale = torch.full((members, len(names)), 1e-12, dtype=torch.float64, device=device)
        self._seen = 0
        self.step = torch.zeros(members, dtype=torch.int64, device=device)       # 0: fine so far
        self.metric = torch.zeros(members, dtype=torch.int64, device=device)
        self.value = torch.zeros(members, dtype=torch.float64, device=device)
        self.exploded = torch.zeros(members, dtype=torch.bool, device=device)
        self._reported: set[int] = set()

    def update(self, step: int, values) -> None:
        import torch

        v = values.detach().to(torch.float64)
        bad_nonfinite = ~torch.isfinite(v)
        if self._seen < self.warmup:
            self._scale = torch.maximum(self._scale, torch.nan_to_num(v.abs(), nan=0.0, posinf=0.0))
            bad_explode = torch.zeros_like(bad_nonfinite)
        else:
            bad_explode = v.abs() > self.explode_factor * self._scale
        self._seen += 1
        bad = bad_nonfinite | bad_explode
        first = torch.argmax(bad.to(torch.int8), dim=1)                           # the first failing metric
        new = bad.any(dim=1) & (self.step == 0)
        rows = torch.arange(v.shape[0], device=v.device)
        self.step = torch.where(new, torch.full_like(self.step, step), self.step)
        self.metric = torch.where(new, first, self.metric)
        self.value = torch.where(new, v[rows, first], self.value)
        self.exploded = torch.where(new, bad_explode[rows, first] & ~bad_nonfinite[rows, first], self.exploded)

    def newly_diverged(self) -> dict[int, tuple[int, str]]:
        """{member: (step, message)} for members whose divergence was not reported before."""
        steps, metrics, values, exploded = (t.tolist() for t in (self.step, self.metric, self.value, self.exploded))
        scale = None
        out = {}
        for i, step in enumerate(steps):
            if step == 0 or i in self._reported:
                continue
            self._reported.add(i)
            name, value = self.names[metrics[i]], values[i]
            if exploded[i]:
                scale = self._scale.tolist() if scale is None else scale
                size = scale[i][metrics[i]]
                out[i] = (step, f"{name} exploded to {value:.3g} at step {step} "
                                f"(more than {self.explode_factor:.0e} × its early size {size:.3g})")
            else:
                out[i] = (step, f"{name} became {value} at step {step}")
        return out
