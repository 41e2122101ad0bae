"""The weighting rules of the arena: each member's task weights from its losses and gradients.

A rule returns two weights per task: ``trunk`` multiplies task i's gradient on the shared trunk and
``head`` on its own head.  They agree for every rule that is a weighted loss Σ w_i L_i; MGDA steers
only the shared parameters by its min-norm α and lets each head follow its own task (Sener & Koltun).

* equal (1): w = 1;  manual: w = the given α;  init (2): 1/L_i(0);  prior (3): 1/L_i^prior;
* realtime (5) and log (8): 1/L_i — one gradient (M-1), kept as two names because the essay has both;
* power_mean (10): L_i^{γ−1}, the direction of ∇L(γ) (the positive factor L(γ)^{1−γ}/n dropped,
  exactly as eq. 9 drops GM/n; γ = 0 is Σ log L);
* grad_normalized (13): 1/‖∇_θ L_i‖, θ the shared trunk and the task's own head (the heads start at
  zero, so at the first step the trunk's gradient is exactly 0; the head is L_i's own part of θ, and
  the norm stays homogeneous in L_i and blind to constants);
* uncertainty (Kendall et al.): Σ ½e^{−s_i}L_i + ½s_i, weights ½e^{−s_i}, the s_i by gradient steps
  ∂/∂s_i = ½(1 − e^{−s_i}L_i), from s = log L_i(0) (the optimum, M-7) or from 0;
* gradnorm (Chen et al.): weights w_i (Σw = T) by Adam on Σ|w_i‖∇_W L_i‖ − Ḡ r_i^α| with the target
  held constant, W the last shared layer or the whole trunk, r_i = L̃_i/mean L̃, L̃_i = L_i/L_i(0);
* mgda: α = argmin_{simplex} ‖Σα_i g_i‖² by Frank–Wolfe on the Gram matrix of the shared
  gradients, or on the gradients with respect to the trunk's output (MGDA-UB).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from engines.multitask.arena_population import BatchedAdam
from engines.multitask.weighting import frank_wolfe

SCHEMES = ("equal", "manual", "init", "prior", "realtime", "log", "power_mean", "grad_normalized",
           "uncertainty", "gradnorm", "mgda")
SCHEME_LABELS = dict(zip(SCHEMES, ("equal (1)", "manual α", "init-normalised (2)", "prior-normalised (3)",
                                   "real-time (5)", "Σ log L (8)", "power mean (10)", "gradient-normalised (13)",
                                   "uncertainty", "GradNorm", "MGDA")))
STATIC = ("equal", "manual", "init", "prior")
GRADIENT_RULES = ("grad_normalized", "gradnorm", "mgda")  # the rules that read per-task gradients
POWER_LAW_RULES = ("equal", "manual", "init", "prior", "realtime", "log", "power_mean")  # w = c·L^e


@dataclass(frozen=True)
class RuleSettings:
    gamma: float = 0.5
    manual: tuple[float, ...] = ()
    gradnorm_alpha: float = 1.5
    gradnorm_layer: str = "last"       # or "all"
    gradnorm_lr: float = 0.025
    mgda_mode: str = "frank_wolfe"     # or "ub"
    fw_iterations: int = 20
    uncertainty_lr: float = 0.05
    uncertainty_start: str = "optimum"  # or "zero"


@dataclass
class StepInputs:
    """What one training step gives the rules, for the members of one scheme: stressed losses
    (P, T), gradient norms on the trunk with the task's head and on the trunk's last layer (P, T), the trunk's Gram matrix
    (P, T, T) and MGDA-UB's Gram of the trunk-output gradients (P, T, T) or None."""

    losses: torch.Tensor
    norms: torch.Tensor | None = None        # None for the loss-level rules, which never read them
    last_norms: torch.Tensor | None = None
    gram: torch.Tensor | None = None
    gram_ub: torch.Tensor | None = None


class SchemeState:
    """One scheme's members and whatever the rule carries between steps (s, GradNorm's w, α)."""

    def __init__(self, scheme: str, rows: torch.Tensor, settings: RuleSettings, init_losses: torch.Tensor,
                 prior_losses: torch.Tensor):
        self.scheme, self.rows, self.settings = scheme, rows, settings
        self.init, self.prior = init_losses, prior_losses        # (P_s, T), each member's stressed values
        dtype, device = init_losses.dtype, init_losses.device
        self.s = (init_losses.log().clone() if settings.uncertainty_start == "optimum"
                  else torch.zeros_like(init_losses))
        self.w = torch.ones_like(init_losses)
        self.w_optimizer = BatchedAdam(init_losses.shape, dtype, device)
        self.alpha: torch.Tensor | None = None

    def weights(self, step: StepInputs) -> tuple[torch.Tensor, torch.Tensor]:
        """(trunk weights, head weights), each (P_s, T); updates the rule's own state."""
        name, cfg, losses = self.scheme, self.settings, step.losses
        if name in POWER_LAW_RULES:
            c, e = self.power_law()
            w = c * losses ** e
        elif name == "grad_normalized":
            w = 1.0 / step.norms.clamp_min(1e-300)
        elif name == "uncertainty":
            w = 0.5 * torch.exp(-self.s)
            self.s -= cfg.uncertainty_lr * 0.5 * (1.0 - torch.exp(-self.s) * losses)
        elif name == "gradnorm":
            w = self.w.clone()
            shared = torch.diagonal(step.gram, dim1=1, dim2=2).sqrt()    # ‖∇_trunk L_i‖: all shared parameters
            self._gradnorm_update(losses, step.last_norms if cfg.gradnorm_layer == "last" else shared)
        else:
            gram = step.gram_ub if cfg.mgda_mode == "ub" else step.gram
            self.alpha = frank_wolfe(gram, cfg.fw_iterations)
            return self.alpha, torch.ones_like(losses)
        return w, w

    def power_law(self) -> tuple[torch.Tensor, torch.Tensor]:
        """(c, e), each (P_s, T), with this rule's weights w = c·L^e: every loss-level rule but
        uncertainty is one (so the trainer weighs all their members with two tensor operations)."""
        name, cfg, init = self.scheme, self.settings, self.init
        c = torch.ones_like(init)
        if name == "manual":
            c = torch.tensor(cfg.manual, dtype=init.dtype, device=init.device).expand_as(init).clone()
        elif name == "init":
            c = 1.0 / self.init
        elif name == "prior":
            c = 1.0 / self.prior
        exponent = {"realtime": -1.0, "log": -1.0, "power_mean": cfg.gamma - 1.0}.get(name, 0.0)
        return c, torch.full_like(init, exponent)

    def _gradnorm_update(self, losses: torch.Tensor, norms: torch.Tensor) -> None:
        """One Adam step on w for Σ_i |G_i − Ḡ r_i^α| (target constant), then Σ_i w_i = T."""
        g = self.w * norms
        ratio = losses / self.init
        target = g.mean(dim=1, keepdim=True) * (ratio / ratio.mean(dim=1, keepdim=True)) ** self.settings.gradnorm_alpha
        self.w_optimizer.step(self.w, torch.sign(g - target) * norms, self.settings.gradnorm_lr)
        self.w.clamp_(min=1e-6)
        self.w *= self.w.shape[1] / self.w.sum(dim=1, keepdim=True)
