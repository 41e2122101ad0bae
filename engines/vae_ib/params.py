"""Parameters of the VAE / information-bottleneck topic (names fixed by the issue's CLI contract)."""
from __future__ import annotations

from engines.core.params import Param, ParamSchema
from engines.core.relations import Order
from engines.core.torch_runtime import DEVICE_CHOICES
from engines.training.datasets import DIGITS_TRAIN_SIZE

MODELS = ("vib", "vae")
PENALTIES = ("plain", "hinge", "adaptive")

PARAMS = ParamSchema([
    Param("model", "vib", kind="choice", choices=MODELS,
          help="vib: a digits classifier with a stochastic bottleneck (eq. 8); "
               "vae: an auto-encoder with noise and KL (eq. 2)"),
    Param("beta", 1e-3, lo=1e-6, hi=100.0, log=True, zero=True, live=True, label="β",
          help="weight of KL(p(z|x) ‖ N(0, I)); exactly 0 turns the penalty off (the collapse of fact 8)"),
    Param("latent_dim", 2, kind="int", lo=1, hi=64, label="latent size K",
          help="number of latent units (K = 2 shows the latent space directly)"),
    Param("train_size", DIGITS_TRAIN_SIZE, kind="int", lo=20, hi=DIGITS_TRAIN_SIZE, label="training-set size",
          help="VIB: a stratified subset of the 1257 training digits (small sets exaggerate over-fitting)"),
    Param("lr", 1e-3, lo=1e-5, hi=0.1, log=True, live=True, label="learning rate",
          help="Adam's step size, applied to the running optimiser"),
    Param("batch_size", 100, kind="int", lo=10, hi=1797, label="batch size",
          help="examples per Adam step, drawn without replacement (VIB: from the train_size digits; VAE: from all 1797)"),
    Param("epochs", 100, kind="int", lo=1, hi=2000, typical=(1, 500),
          help="passes over the training set (the slider spans 1–500; type more in the box)"),
    Param("penalty", "plain", kind="choice", choices=PENALTIES,
          help="plain: β·KL; hinge: β·max(KL − budget, 0) per example (eq. 5); adaptive: β follows "
               "dual ascent β ← max(0, β + α(KL − budget)) (Variational Discriminator Bottleneck)"),
    Param("info_budget", 10.0, lo=0.0, hi=1000.0, unit="nats", label="information budget",
          help="the hinge threshold, or the adaptive rule's target I_c (KL in nats, batch mean)"),
    Param("beta_step", 1e-4, advanced=True, lo=1e-7, hi=1.0, log=True, live=True, label="adaptive step α_β",
          help="dual-ascent step of the adaptive rule, per optimisation step and per nat of excess KL"),
    Param("latent_noise", "sample", kind="choice", choices=("sample", "mean"), live=True,
          label="training code",
          help="sample: z = μ + σ·ε (reparameterised); mean: z = μ (no noise; with β = 0 a plain "
               "auto-encoder / deterministic classifier)"),
    Param("test_samples", 12, advanced=True, kind="int", lo=1, hi=64, label="test samples",
          help="VIB: posterior samples averaged for the sampled test accuracy (Alemi's 1-shot vs 12-shot); "
               "the article's own convention, z = μ at test time, is reported beside it"),
    Param("eval_every", 200, advanced=True, kind="int", lo=1, hi=5000, unit="steps", label="evaluate every",
          help="how often the full-data metrics (accuracies, MI estimate, latent scatter) are computed"),
    Param("mi_samples", 4, advanced=True, kind="int", lo=1, hi=64, label="MI samples",
          help="Monte-Carlo samples per example of the mixture MI estimate (O(N²K) each)"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds weights, batch order and noise"),
    Param("device", "auto", advanced=True, kind="choice", choices=DEVICE_CHOICES,
          help="auto: CUDA when available, else CPU"),
], relations=[
    # The VIB draws its batches from the train_size training digits (the VAE from all 1797).
    Order("batch_size", "train_size", when=lambda values: values["model"] == "vib", when_text="model = vib",
          blame="low"),
])

VIB_ONLY = {"train_size", "test_samples"}
PENALTY_ONLY = {"info_budget": ("hinge", "adaptive"), "beta_step": ("adaptive",)}


def relevant(params: dict) -> set[str]:
    """The parameters that matter for these values (the panel hides the others)."""
    names = set(PARAMS.names())
    if params.get("model") != "vib":
        names -= VIB_ONLY
    for name, penalties in PENALTY_ONLY.items():
        if params.get("penalty") not in penalties:
            names.discard(name)
    return names
