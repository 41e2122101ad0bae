"""“L2 without λ” (multitask.md §a.3 (i), panel M4 (ii)): weight decay as an auxiliary task.

Treat ½‖θ‖² as an auxiliary loss whose gradient is θ; part 三's rule then replaces the gradient g by
u = g + relu(−⟨g,θ⟩)/‖θ‖²·θ (the essay prints the coefficient without the trailing θ; it must be a
vector).  ⟨u,θ⟩ ≥ 0, so a step −ηu never lengthens θ to first order: with plain SGD
‖θ − ηu‖² − ‖θ‖² = −2η⟨u,θ⟩ + η²‖u‖² ≤ η²‖u‖² — no λ to tune, but also a norm that is held near
its start.  The rivals, on a small over-fitting problem (a few digits, a wide hidden layer), all
from the same θ₀ on the same batches:

* ``none``: the plain optimiser;
* ``l2``: the loss + ½λ‖θ‖², one member per λ of ``L2_GRID``;
* ``adamw``: decoupled decay θ ← θ − η(step + λθ), one member per λ of ``DECAY_GRID``;
* ``projected``: the rule above applied to the gradient, which then goes through the optimiser;
* ``projected_update``: the rule applied to the optimiser's step instead (as AdamW decouples the
  decay from Adam's scaling), so ⟨step, θ⟩ ≥ 0 holds for Adam too.

λ is tuned honestly: the 540 test images are split into a validation and a test half, the grids'
members are scored on the validation half (cross-entropy), and the test half is reported.  The
projected rules have no λ but are not free of a scale: they hold ‖θ‖ near ‖θ₀‖, so the initial
weights' scale (``init_scale``) plays λ's part.  With plain SGD, AdamW's
decoupled decay and L2 coincide (λ on the same grid would differ only by the grids).
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engines.multitask.auxiliary_net import TwoLayerNet
from engines.training.datasets import digits_split

L2_METHODS = ("none", "l2", "adamw", "projected", "projected_update")
L2_LABELS = {"none": "no regularisation", "l2": "L2, λ tuned on validation", "adamw": "AdamW, λ tuned on validation",
             "projected": "L2 without λ (gradient)", "projected_update": "L2 without λ (update)"}
L2_GRID = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
DECAY_GRID = (1e-3, 1e-2, 1e-1, 1.0, 10.0)
GRIDDED = {"l2": L2_GRID, "adamw": DECAY_GRID}


@dataclass(frozen=True)
class Members:
    """The population's rows: (method, λ) each; λ = 0 for the methods without one."""

    rows: tuple[tuple[str, float], ...]

    @classmethod
    def all(cls) -> "Members":
        return cls(tuple((m, lam) for m in L2_METHODS for lam in GRIDDED.get(m, (0.0,))))

    def indices(self, method: str) -> list[int]:
        return [i for i, (m, _lam) in enumerate(self.rows) if m == method]

    def column(self, method: str, dtype, device) -> torch.Tensor:
        """(P, 1): each row's λ where its method is ``method``, else 0."""
        return torch.tensor([[lam if m == method else 0.0] for m, lam in self.rows], dtype=dtype, device=device)

    def mask(self, method: str, device) -> torch.Tensor:
        return torch.tensor([m == method for m, _lam in self.rows], device=device)


@dataclass(frozen=True)
class SmallDigits:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor


def small_digits(train_size: int, device) -> SmallDigits:
    """``train_size`` stratified training digits; the test images split in two by a fixed shuffle."""
    split = digits_split(train_size)
    order = np.random.default_rng(0).permutation(len(split.y_test))
    val, test = order[: len(order) // 2], order[len(order) // 2:]

    def pair(x, y):
        return (torch.as_tensor(np.asarray(x), dtype=torch.float64, device=device),
                torch.as_tensor(np.asarray(y), dtype=torch.long, device=device))

    return SmallDigits(*pair(split.x_train, split.y_train), *pair(split.x_test[val], split.y_test[val]),
                       *pair(split.x_test[test], split.y_test[test]))


def away_from_growth(direction: torch.Tensor, theta: torch.Tensor) -> torch.Tensor:
    """d + relu(−⟨d,θ⟩)/‖θ‖²·θ row by row: the descent step −d then never lengthens θ to first order."""
    coefficient = torch.relu(-(direction * theta).sum(dim=1)) / (theta * theta).sum(dim=1).clamp_min(1e-300)
    return direction + coefficient.unsqueeze(1) * theta


class L2Step:
    """Every member's step for one batch: θ ← θ − η·update(θ, g)."""

    def __init__(self, net: TwoLayerNet, members: Members, theta: torch.Tensor):
        self.net, self.members = net, members
        self.l2 = members.column("l2", theta.dtype, theta.device)
        self.decay = members.column("adamw", theta.dtype, theta.device)
        self.project_gradient = members.mask("projected", theta.device).unsqueeze(1)
        self.project_update = members.mask("projected_update", theta.device).unsqueeze(1)

    def gradient(self, theta: torch.Tensor, x: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(each member's gradient before the optimiser, its training loss on the batch)."""
        p = self.net.forward_backward(theta, x, y)
        g = self.net.gradient(p) + self.l2 * theta
        return torch.where(self.project_gradient, away_from_growth(g, theta), g), p.losses.mean(dim=1)

    def update(self, theta: torch.Tensor, step: torch.Tensor) -> torch.Tensor:
        """The optimiser's step with AdamW's decay added, or projected for ``projected_update``."""
        step = step + self.decay * theta
        return torch.where(self.project_update, away_from_growth(step, theta), step)


def chosen(members: Members, method: str, val_loss: torch.Tensor) -> int:
    """The row of ``method`` with the lowest validation loss (smoother than the accuracy of 270
    images, whose steps are 0.4 %); a diverged member (NaN) is never the best."""
    def score(i: int) -> float:
        value = float(val_loss[i])
        return value if value == value else float("inf")
    return min(members.indices(method), key=score)
