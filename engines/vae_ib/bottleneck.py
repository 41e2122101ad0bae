"""The VIB classifier and the VAE as one population of stochastic-encoder models (note §3).

Both share the encoder 64-256-256-2K and the loss "task + β·KL(p(z|x) ‖ N(0, I))" (eq. 2 and eq. 8
are the same loss; only the task differs):
  vib: task = cross-entropy of a linear softmax decoder K→10 on a sampled z; σ = softplus(raw − 5)
       as in Alemi et al. (a small initial σ); Adam with betas (0.5, 0.999).
  vae: task = Bernoulli reconstruction, BCE-with-logits summed over the 64 pixels, decoder
       K-256-256-64; log σ² = raw clamped to [−30, 20] (loose enough that the β = 0 collapse to
       σ ≈ 1e-3 stays visible); Adam with betas (0.9, 0.999).
Members differ in seed, β and learning rate; each has its own β for the hinge and adaptive forms.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from engines.training.population import MemberBatches, PopulationAdam, StackedMLP, member_generators
from engines.vae_ib.information import kl_to_standard_normal

HIDDEN = 256
VIB_SIGMA_SHIFT = 5.0


@dataclass
class MemberConfig:
    seed: int
    beta: float
    lr: float


def log_softplus(x: torch.Tensor) -> torch.Tensor:
    """log(softplus(x)) without log(0): softplus(x) ≈ eˣ below −15, so its log is x there.
    Both branches are finite everywhere, so the gradient of ``where`` is never 0·inf."""
    return torch.where(x < -15.0, x, torch.log(F.softplus(x.clamp(min=-15.0))))


class BottleneckPopulation:
    def __init__(self, model: str, x: torch.Tensor, y: torch.Tensor | None, members: list[MemberConfig],
                 latent_dim: int, batch_size: int, device, penalty: str = "plain",
                 info_budget: float = 0.0, beta_step: float = 0.0):
        self.model, self.k, self.device = model, latent_dim, device
        self.penalty, self.info_budget, self.beta_step = penalty, info_budget, beta_step
        self.x = x.to(device)
        self.y = None if y is None else y.to(device)
        self.seeds = [m.seed for m in members]
        generators = member_generators(self.seeds)
        self.encoder = StackedMLP([x.shape[1], HIDDEN, HIDDEN, 2 * latent_dim], generators, device)
        decoder_sizes = [latent_dim, 10] if model == "vib" else [latent_dim, HIDDEN, HIDDEN, x.shape[1]]
        self.decoder = StackedMLP(decoder_sizes, generators, device)
        self.batches = MemberBatches(x.shape[0], batch_size, latent_dim, generators, device)
        self.beta = torch.tensor([m.beta for m in members], dtype=torch.float32, device=device)
        lr = torch.tensor([m.lr for m in members], dtype=torch.float32, device=device)
        betas = (0.5, 0.999) if model == "vib" else (0.9, 0.999)
        self.optimizer = PopulationAdam(self.encoder.parameters() + self.decoder.parameters(), lr, betas)
        self.sample_latent = True

    @property
    def size(self) -> int:
        return len(self.seeds)

    @property
    def steps_per_epoch(self) -> int:
        return self.batches.steps_per_epoch

    def set_lr(self, lr: float) -> None:
        self.optimizer.lr.fill_(lr)

    def set_beta(self, beta: float) -> None:
        self.beta.fill_(beta)

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """x (P, B, D) → μ, log σ, each (P, B, K)."""
        out = self.encoder(x)
        mu, raw = out[..., :self.k], out[..., self.k:]
        if self.model == "vib":
            return mu, log_softplus(raw - VIB_SIGMA_SHIFT)
        return mu, 0.5 * raw.clamp(-30.0, 20.0)

    def task_loss(self, logits: torch.Tensor, index: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Per-member mean task loss: CE (vib) or summed-pixel BCE (vae), in nats."""
        if self.model == "vib":
            target = self.y[index]
            ce = F.cross_entropy(logits.reshape(-1, logits.shape[-1]), target.reshape(-1), reduction="none")
            return ce.view(target.shape).mean(1)
        return F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1).mean(1)

    def step(self) -> torch.Tensor:
        """One optimisation step of every member; returns (P, 4): loss, task, KL (nats), β used."""
        index, noise = self.batches.next()
        x = self.x[index]
        mu, log_sigma = self.encode(x)
        z = mu + torch.exp(log_sigma) * noise if self.sample_latent else mu
        task = self.task_loss(self.decoder(z), index, x)
        kl = kl_to_standard_normal(mu, log_sigma)
        kl_mean = kl.mean(1)
        beta = self.beta.clone()
        if self.penalty == "hinge":
            penalty = beta * torch.relu(kl - self.info_budget).mean(1)
        else:
            penalty = beta * kl_mean
        loss = task + penalty
        loss.sum().backward()
        self.optimizer.step()
        if self.penalty == "adaptive":
            with torch.no_grad():
                self.beta.add_(self.beta_step * (kl_mean - self.info_budget)).clamp_(min=0.0)
        return torch.stack([loss, task, kl_mean, beta], dim=1).detach()

    def parameters(self) -> list[torch.Tensor]:
        return self.encoder.parameters() + self.decoder.parameters()
