"""Loss surfaces of A and B inside the training run: frames that fill each grid coarse first.

The surface is the training objective on one fixed batch (``surface_batch`` examples drawn once
from the run's seed), in training mode, around the net's current parameters on a plane chosen by
``surface_plane`` (see ``engines.batchnorm.surface``); both nets use directions drawn from the same
seed.  Arrays: ``surface_a`` / ``surface_b`` (R × R, row i ↔ ``surface_axis[i]`` along d₁, column j
↔ ``surface_axis[j]`` along d₂, NaN where not computed yet), ``surface_axis`` (R,) and
``trajectory_a`` / ``trajectory_b`` (k × 2, the training trajectory projected on each plane).
"""
from __future__ import annotations

from typing import Any, Callable, Iterator

import numpy as np
import torch

from engines.batchnorm.network import Noise, cross_entropy, flat, forward
from engines.batchnorm.pair import Net, NoiseSource
from engines.batchnorm.surface import plane_directions, project_onto_plane, sample_surface
from engines.core.frame import Frame, RunContext


class SurfaceRun:
    def __init__(self, p: dict[str, Any], nets: list[Net], x_train: torch.Tensor, y_train: torch.Tensor, device):
        self.enabled = p["surface_resolution"] > 0
        self.p, self.nets = p, nets
        self.axis = np.linspace(-p["surface_span"], p["surface_span"], max(p["surface_resolution"], 1))
        generator = torch.Generator().manual_seed(p["seed"] + 3)
        n = len(y_train)
        idx = torch.randperm(n, generator=generator)[: min(p["surface_batch"], n)].to(device)
        self.x, self.y = x_train[idx], y_train[idx]
        self.noise: list[Noise] | None = None
        if any(net.spec.norm.noisy for net in nets):
            fixed = dict(p, seed=p["seed"] + 5)
            self.noise = NoiseSource(fixed, p["depth"], p["width"], device).draw(len(idx))

    def frames(self, step: int, progress: Callable[[float], float], ctx: RunContext) -> Iterator[Frame]:
        """Both nets' surfaces at ``step``; ``progress(f)`` is the run's progress when a fraction f
        of this pass (both nets) is done."""
        for index, net in enumerate(self.nets):
            share = len(self.nets)
            if net.diverged:
                yield self._empty_frame(net, step, progress((index + 1) / share))
                continue
            yield from self._net_frames(net, step, lambda f, i=index: progress((i + f) / share), ctx)

    def _empty_frame(self, net: Net, step: int, progress: float) -> Frame:
        """A diverged net keeps its place in the output: an all-NaN grid, and a message why."""
        label = net.label
        grid = np.full((len(self.axis), len(self.axis)), np.nan)
        return Frame(step, progress, arrays={f"surface_{label}": grid, "surface_axis": self.axis,
                                             f"trajectory_{label}": np.zeros((0, 2))},
                     columns={f"trajectory_{label}": ("d1", "d2")},
                     message=f"no loss surface for {label.upper()} ({net.spec.variant}): it diverged ({net.diverged})")

    def _net_frames(self, net: Net, step: int, progress: Callable[[float], float], ctx: RunContext) -> Iterator[Frame]:
        noise = self.noise if net.spec.norm.noisy else None
        gradient = self._gradient(net, noise) if self.p["surface_plane"] == "gradient_random" else None
        trajectory = np.stack(net.snapshots) if net.snapshots else None
        generator = torch.Generator().manual_seed(self.p["seed"] + 4)
        directions = plane_directions(net.spec, net.params, self.p["surface_plane"], generator,
                                      gradient=gradient, trajectory=trajectory)
        d1, d2 = directions
        note = f" ({directions.note})" if directions.note else ""
        with torch.no_grad():
            center = flat(net.params).cpu().numpy()
        projected = (project_onto_plane(trajectory, center, d1, d2) if trajectory is not None
                     else np.zeros((0, 2)))
        total = len(self.axis) ** 2
        label = net.label
        for grid, done in sample_surface(net.spec, net.params, d1, d2, self.x, self.y, self.axis,
                                         noise=noise, check=ctx.check):
            yield Frame(step, progress(done / total),
                        arrays={f"surface_{label}": grid, "surface_axis": self.axis,
                                f"trajectory_{label}": projected},
                        columns={f"trajectory_{label}": ("d1", "d2")},
                        message=f"loss surface of {label.upper()} ({net.spec.variant}) at step {step}: "
                                f"{done}/{total} points{note}")

    def _gradient(self, net: Net, noise) -> list[torch.Tensor]:
        """∇L on the surface batch, train mode, running statistics untouched."""
        params = [p.detach().requires_grad_(True) for p in net.params]
        loss = cross_entropy(forward(net.spec, params, self.x, None, train=True, noise=noise), self.y)
        return list(torch.autograd.grad(loss, params))
