"""Noisy labels as primary + auxiliary (multitask.md §a.3 (ii), panel M4 (i)).

The digits training set is split into a small clean set (true labels) and a large noisy set whose
labels are flipped with probability ``noise_rate`` to one of the nine other classes, uniformly
(symmetric noise).  Five rules train one network each, from the same θ₀ on the same batches:

* ``noisy``: the noisy batch's gradient g₀ (what one does without a clean set);
* ``clean``: the clean set alone, g₁ (what one does without the noisy set);
* ``summed``: g₀ + g₁, both losses added;
* ``projection``: part 三's rule with the clean loss as the auxiliary, u = g₀ + relu(−⟨g₀,g₁⟩)/‖g₁‖²·g₁
  (to first order, with plain SGD, the clean loss never goes up, M-11; Adam's scaling of u can
  break that, so ``conflict_rate`` and the clean loss are streamed to show what happened);
* ``masking``: gradient-guided loss masking — the noisy batch's loss with only the samples whose own
  gradient agrees with the clean one, ⟨g_n, g₁⟩ > 0, kept: (1/B)Σ_n 1[⟨g_n,g₁⟩>0]·ℓ_n.

What masking drops is compared with the truth it never sees: the fraction of masked samples that
were really mislabelled (against the batch's base rate) and the fraction of mislabelled ones masked.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from engines.multitask.auxiliary_net import TwoLayerNet
from engines.training.datasets import digits_split

NOISY_METHODS = ("noisy", "clean", "summed", "projection", "masking")
NOISY_LABELS = {"noisy": "noisy set only", "clean": "clean set only", "summed": "noisy + clean summed",
                "projection": "projection (clean as auxiliary)", "masking": "loss masking ⟨g_n, g_clean⟩ > 0"}
CLASSES = 10


def flip_labels(y: np.ndarray, rate: float, rng: np.random.Generator, classes: int = CLASSES) -> np.ndarray:
    """Symmetric label noise: each label, with probability ``rate``, becomes one of the other
    ``classes − 1`` uniformly (so a flipped label is never the true one)."""
    flip = rng.random(len(y)) < rate
    offset = rng.integers(1, classes, size=len(y))
    return np.where(flip, (y + offset) % classes, y)


@dataclass(frozen=True)
class NoisyData:
    x_noisy: torch.Tensor
    y_noisy: torch.Tensor       # the labels training sees
    y_true: torch.Tensor        # the truth, used only to score what masking drops
    x_clean: torch.Tensor
    y_clean: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor

    @property
    def mislabelled(self) -> torch.Tensor:
        return self.y_noisy != self.y_true


def noisy_data(noise_rate: float, clean_size: int, seed: int, device) -> NoisyData:
    """The clean set is a random ``clean_size`` of the 1257 training images; the rest are noisy."""
    split = digits_split()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(split.y_train))
    clean, noisy = order[:clean_size], order[clean_size:]
    y_noisy = flip_labels(split.y_train[noisy], noise_rate, rng)

    def tensor(a, dtype=torch.float64):
        return torch.as_tensor(np.asarray(a), dtype=dtype, device=device)

    return NoisyData(tensor(split.x_train[noisy]), tensor(y_noisy, torch.long), tensor(split.y_train[noisy], torch.long),
                     tensor(split.x_train[clean]), tensor(split.y_train[clean], torch.long),
                     tensor(split.x_test), tensor(split.y_test, torch.long))


def project_rows(primary: torch.Tensor, auxiliary: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Row by row u = g₀ + γ·g₁ with γ = relu(−⟨g₀,g₁⟩)/‖g₁‖² (part 三, n = 1); returns (u, γ)."""
    gamma = torch.relu(-(primary * auxiliary).sum(dim=1)) / (auxiliary * auxiliary).sum(dim=1).clamp_min(1e-300)
    return primary + gamma.unsqueeze(1) * auxiliary, gamma


def _row(p, rows: slice):
    """One population row of a forward-backward pass."""
    from engines.multitask.auxiliary_net import Pass

    return Pass(p.x[rows], p.h[rows], p.delta_out[rows], p.delta_hidden[rows], p.losses[rows])


class NoisyStep:
    """Every rule's update direction for one noisy batch, and what it measured on the way."""

    def __init__(self, net: TwoLayerNet, data: NoisyData):
        self.net, self.data = net, data
        self.rows = {m: i for i, m in enumerate(NOISY_METHODS)}
        self.counts = dict.fromkeys(("steps", "conflicts", "gamma", "samples", "masked", "masked_wrong", "wrong"), 0.0)

    def directions(self, theta: torch.Tensor, batch: torch.Tensor) -> torch.Tensor:
        data, net, rows = self.data, self.net, self.rows
        noisy = net.forward_backward(theta, data.x_noisy[batch], data.y_noisy[batch])
        g_noisy = net.gradient(noisy)
        g_clean = net.gradient(net.forward_backward(theta, data.x_clean, data.y_clean))
        projected, gamma = project_rows(g_noisy, g_clean)
        masking = rows["masking"]
        only = slice(masking, masking + 1)                  # alignments only where masking reads them
        keep = torch.ones(theta.shape[0], len(batch), dtype=torch.bool, device=theta.device)
        keep[only] = net.alignments(_row(noisy, only), g_clean[only]) > 0
        masked = net.gradient(noisy, keep.to(theta.dtype))
        u = torch.stack([g_noisy[rows["noisy"]], g_clean[rows["clean"]],
                         g_noisy[rows["summed"]] + g_clean[rows["summed"]], projected[rows["projection"]],
                         masked[rows["masking"]]])
        drop, wrong = ~keep[rows["masking"]], data.mislabelled[batch]
        c = self.counts
        c["steps"] += 1
        c["conflicts"] += float(gamma[rows["projection"]] > 0)
        c["gamma"] += float(gamma[rows["projection"]])
        c["samples"] += len(batch)
        c["masked"] += float(drop.sum())
        c["masked_wrong"] += float((drop & wrong).sum())
        c["wrong"] += float(wrong.sum())
        return u

    def take_counts(self) -> dict[str, float]:
        """The rule statistics since the last call (NaN where nothing was counted)."""
        c, nan = self.counts, float("nan")
        out = {"conflict_rate": c["conflicts"] / c["steps"] if c["steps"] else nan,
               "projection_gamma": c["gamma"] / c["steps"] if c["steps"] else nan,
               "masked_fraction": c["masked"] / c["samples"] if c["samples"] else nan,
               "masked_mislabelled": c["masked_wrong"] / c["masked"] if c["masked"] else nan,
               "mislabelled_masked": c["masked_wrong"] / c["wrong"] if c["wrong"] else nan,
               "batch_mislabelled": c["wrong"] / c["samples"] if c["samples"] else nan}
        self.counts = dict.fromkeys(c, 0.0)
        return out

    def evaluate(self, theta: torch.Tensor) -> dict[str, float]:
        """Test accuracy and loss, the clean (auxiliary) loss, and how many mislabelled training
        samples each network has memorised (predicts their wrong label)."""
        data, net = self.data, self.net
        test_loss, test_acc = net.evaluate(theta, data.x_test, data.y_test)
        clean_loss, _ = net.evaluate(theta, data.x_clean, data.y_clean)
        wrong = data.mislabelled
        if bool(wrong.any()):
            guesses = net.predictions(theta, data.x_noisy[wrong])
            memorised = (guesses == data.y_noisy[wrong]).to(theta.dtype).mean(dim=1)
        else:
            memorised = torch.full((theta.shape[0],), float("nan"), dtype=theta.dtype)
        out = {}
        for m, i in self.rows.items():
            out.update({f"test_acc_{m}": float(test_acc[i]), f"test_loss_{m}": float(test_loss[i]),
                        f"clean_loss_{m}": float(clean_loss[i]), f"memorised_{m}": float(memorised[i])})
        return out
