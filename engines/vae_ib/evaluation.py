"""Full-data measurements of a population (every ``eval_every`` steps and at the end), per member.

Evaluation draws its noise from a generator seeded by (member seed, step), never from the training
stream, so how often a run is evaluated does not change how it trains.
"""
from __future__ import annotations

import math

import numpy as np
import torch
import torch.nn.functional as F

from engines.training.datasets import Split
from engines.vae_ib.bottleneck import BottleneckPopulation
from engines.vae_ib.information import (LN2, active_units, aggregate_covariance, correlation,
                                        gaussian_total_correlation, kl_to_standard_normal,
                                        mixture_information)

IMAGES_SHOWN = 16
VIB_METRICS = ("train_acc", "test_acc", "test_acc_sampled", "kl_bound_bits", "izy_bits", "mean_sigma",
               "active_units", "mi_bits", "kl_aggregate_bits", "kl_bound_mc_bits")
VAE_METRICS = ("recon_bce", "recon_sse", "kl_bound_bits", "active_units", "mean_sigma", "total_correlation",
               "eig_min", "eig_max", "max_offdiag_corr", "mean_code_norm", "mi_bits", "kl_aggregate_bits",
               "kl_bound_mc_bits")
ELLIPSES = 80
INTERPOLATION_STEPS = 9


def eval_generator(seed: int, step: int) -> torch.Generator:
    return torch.Generator().manual_seed((int(seed) * 1_000_003 + int(step) + 1) % 2**62)


def member_is_finite(pop: BottleneckPopulation, member: int) -> bool:
    """False once a member's weights hold NaN or inf (it diverged): it is reported as NaN metrics,
    not evaluated (an SVD or a histogram of NaN would fail the whole population)."""
    return all(bool(torch.isfinite(p[member]).all()) for p in pop.parameters())


def _not_evaluated(names: tuple[str, ...]):
    return {name: math.nan for name in names}, {}


def _encode_all(pop: BottleneckPopulation, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    return pop.encode(x.to(pop.device).expand(pop.size, *x.shape))


def _noise(shape, generator: torch.Generator, device) -> torch.Tensor:
    return torch.randn(shape, generator=generator).to(device)


def _information(mu, log_sigma, samples, generator) -> dict[str, float]:
    info = mixture_information(mu, log_sigma, samples, generator)
    # KL(p(z) ‖ N(0, I)) ≥ 0; its Monte-Carlo estimate dips a hair below 0 when the aggregate is
    # close to the prior (−7.8e-05 bits seen): shown as 0, as the curve's label says.
    return {"mi_bits": info["mi"] / LN2, "kl_aggregate_bits": max(info["kl_aggregate"] / LN2, 0.0),
            "kl_bound_mc_bits": info["kl_bound_mc"] / LN2}


def _latent_arrays(mu, log_sigma, labels) -> dict[str, np.ndarray]:
    per_unit_kl = 0.5 * (mu.square() + torch.exp(2 * log_sigma) - 2 * log_sigma - 1).mean(0)
    mu_np = mu.cpu().numpy().astype(np.float64)
    sigma_np = torch.exp(log_sigma).cpu().numpy().astype(np.float64)
    plane, axes = latent_plane(mu_np)
    return {
        "latent": np.column_stack([mu_np, labels]),
        "latent_sigma": sigma_np,
        "sigma": sigma_np.mean(0),
        "per_unit_kl": per_unit_kl.cpu().numpy().astype(np.float64),
        "unit_variance": mu_np.var(0),
        "latent_2d": np.column_stack([plane, labels]),
        "ellipses": sigma_ellipses(mu_np[:ELLIPSES], sigma_np[:ELLIPSES], axes),
        "sigma_hist": _log_histogram(sigma_np.ravel()),
    }


def latent_plane(mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 2-D view of the codes: K ≤ 2 as they are (K = 1 on the x axis), else the first two
    principal axes of μ.  Returns the (N, 2) coordinates and the (K, 2) projection."""
    k = mu.shape[1]
    if k <= 2:
        axes = np.eye(k, 2)
    else:
        centred = mu - mu.mean(0)
        axes = np.linalg.svd(centred, full_matrices=False)[2][:2].T
    return mu @ axes, axes


def sigma_ellipses(mu: np.ndarray, sigma: np.ndarray, axes: np.ndarray, points: int = 32) -> np.ndarray:
    """1-σ ellipses of N(μ, diag σ²) projected on the view plane: the curve {Vᵀμ + L u : |u| = 1}
    with L Lᵀ = Vᵀ diag(σ²) V; one polyline per code, separated by NaN rows."""
    angle = np.linspace(0, 2 * np.pi, points)
    circle = np.stack([np.cos(angle), np.sin(angle)])
    out = []
    for m, s in zip(mu, sigma):
        cov = axes.T @ (s[:, None] ** 2 * axes)
        chol = np.linalg.cholesky(cov + 1e-300 * np.eye(2)) if axes.shape[0] >= 2 else np.diag([s[0], 0.0])
        out.append((m @ axes)[:, None] + chol @ circle)
        out.append(np.full((2, 1), np.nan))
    return np.concatenate(out, axis=1).T if out else np.zeros((0, 2))


def _log_histogram(sigma: np.ndarray, bins: int = 40) -> np.ndarray:
    """Histogram of log10 σ (σ spans 1e-6 … 1 between β = 0 and a collapsed posterior)."""
    logs = np.log10(np.clip(sigma, 1e-12, None))
    lo, hi = float(logs.min()), float(logs.max())
    if hi - lo < 1e-3:
        lo, hi = lo - 0.05, hi + 0.05
    counts, edges = np.histogram(logs, bins=bins, range=(lo, hi))
    return np.column_stack([0.5 * (edges[:-1] + edges[1:]), counts.astype(np.float64)])


@torch.no_grad()
def evaluate_vib(pop: BottleneckPopulation, split: Split, step: int, test_samples: int,
                 mi_samples: int) -> list[tuple[dict[str, float], dict[str, np.ndarray]]]:
    """Accuracies (z = μ and sampled), the KL bound, the MI estimate and I(Z;Y) ≥ H(Y) − CE."""
    x_tr, y_tr = torch.from_numpy(split.x_train), torch.from_numpy(split.y_train).to(pop.device)
    x_te, y_te = torch.from_numpy(split.x_test), torch.from_numpy(split.y_test).to(pop.device)
    mu_tr, ls_tr = _encode_all(pop, x_tr)
    mu_te, ls_te = _encode_all(pop, x_te)
    h_y = split.label_entropy_bits
    out = []
    for i, seed in enumerate(pop.seeds):
        if not member_is_finite(pop, i):
            out.append(_not_evaluated(VIB_METRICS))
            continue
        g = eval_generator(seed, step)
        z_tr = mu_tr[i] + torch.exp(ls_tr[i]) * _noise(mu_tr[i].shape, g, pop.device)
        logits_tr = _decode_one(pop, i, z_tr)
        ce_bits = float(F.cross_entropy(logits_tr, y_tr)) / LN2
        probs = torch.zeros(len(y_te), 10, device=pop.device)
        for _ in range(test_samples):
            z = mu_te[i] + torch.exp(ls_te[i]) * _noise(mu_te[i].shape, g, pop.device)
            probs += torch.softmax(_decode_one(pop, i, z), -1)
        kl_tr = kl_to_standard_normal(mu_tr[i], ls_tr[i])
        scalars = {
            "train_acc": float((_decode_one(pop, i, mu_tr[i]).argmax(-1) == y_tr).float().mean()),
            "test_acc": float((_decode_one(pop, i, mu_te[i]).argmax(-1) == y_te).float().mean()),
            "test_acc_sampled": float((probs.argmax(-1) == y_te).float().mean()),
            "kl_bound_bits": float(kl_tr.mean()) / LN2,
            "izy_bits": h_y - ce_bits,
            "mean_sigma": float(torch.exp(ls_tr[i]).mean()),
            "active_units": float(active_units(mu_tr[i]).sum()),
        }
        scalars.update(_information(mu_tr[i], ls_tr[i], mi_samples, g))
        arrays = _latent_arrays(mu_te[i], ls_te[i], split.y_test)
        out.append((scalars, arrays))
    return out


def _interpolations(pop: BottleneckPopulation, member: int, g: torch.Generator, k: int) -> dict[str, np.ndarray]:
    """Decode the linear path (1 − t) z₁ + t z₂ and the cos/sin path z₁ cos θ + z₂ sin θ (θ = πt/2)
    between two prior samples (note §1.7): the linear midpoint shrinks towards the origin, where the
    prior has almost no mass in high dimensions; the cos/sin path keeps the variance at 1."""
    z1, z2 = _noise((2, k), g, pop.device)
    t = torch.linspace(0, 1, INTERPOLATION_STEPS, device=pop.device)[:, None]
    linear = (1 - t) * z1 + t * z2
    cossin = z1 * torch.cos(t * torch.pi / 2) + z2 * torch.sin(t * torch.pi / 2)
    log_prior = lambda z: (-0.5 * z.square() - 0.5 * math.log(2 * math.pi)).sum(-1)  # noqa: E731
    as_np = lambda a: a.cpu().numpy().astype(np.float64)  # noqa: E731
    return {
        "interp_linear": as_np(torch.sigmoid(_decode_one(pop, member, linear))),
        "interp_cossin": as_np(torch.sigmoid(_decode_one(pop, member, cossin))),
        "interp_logprior": as_np(torch.column_stack([t[:, 0], log_prior(linear), log_prior(cossin)])),
    }


def _decode_one(pop: BottleneckPopulation, member: int, z: torch.Tensor) -> torch.Tensor:
    """Run member ``member``'s decoder alone on z (B, K)."""
    for j, layer in enumerate(pop.decoder.layers):
        z = torch.addmm(layer.bias[member], z, layer.weight[member])
        if j < len(pop.decoder.layers) - 1:
            z = torch.relu(z)
    return z


@torch.no_grad()
def evaluate_vae(pop: BottleneckPopulation, labels: np.ndarray, step: int,
                 mi_samples: int) -> list[tuple[dict[str, float], dict[str, np.ndarray]]]:
    """Reconstruction (sampled BCE and SSE from μ), KL, active units, and the aggregate posterior's
    covariance, correlation, eigenvalues and Gaussian total correlation (note §3.2)."""
    x = pop.x
    mu_all, ls_all = _encode_all(pop, x)
    out = []
    for i, seed in enumerate(pop.seeds):
        if not member_is_finite(pop, i):
            out.append(_not_evaluated(VAE_METRICS))
            continue
        g = eval_generator(seed, step)
        mu, ls = mu_all[i], ls_all[i]
        z = mu + torch.exp(ls) * _noise(mu.shape, g, pop.device)
        bce = F.binary_cross_entropy_with_logits(_decode_one(pop, i, z), x, reduction="none").sum(-1).mean()
        recon_mu = torch.sigmoid(_decode_one(pop, i, mu))
        cov = aggregate_covariance(mu, ls)
        corr = correlation(cov)
        eig = torch.linalg.eigvalsh(cov)
        k = mu.shape[1]
        off = corr - torch.eye(k, dtype=corr.dtype, device=corr.device)
        prior = _noise((IMAGES_SHOWN, k), g, pop.device)
        scalars = {
            "recon_bce": float(bce),
            "recon_sse": float((recon_mu - x).square().sum(-1).mean()),
            "kl_bound_bits": float(kl_to_standard_normal(mu, ls).mean()) / LN2,
            "active_units": float(active_units(mu).sum()),
            "mean_sigma": float(torch.exp(ls).mean()),
            "total_correlation": gaussian_total_correlation(cov),
            "eig_min": float(eig.min()), "eig_max": float(eig.max()),
            "max_offdiag_corr": float(off.abs().max()) if k > 1 else math.nan,
            "mean_code_norm": float(mu.mean(0).norm()),
        }
        scalars.update(_information(mu, ls, mi_samples, g))
        arrays = _latent_arrays(mu, ls, labels)
        arrays.update({
            "correlation": corr.cpu().numpy(),
            "eigenvalues": eig.cpu().numpy(),
            "images_input": x[:IMAGES_SHOWN].cpu().numpy().astype(np.float64),
            "images_recon": recon_mu[:IMAGES_SHOWN].cpu().numpy().astype(np.float64),
            "images_prior": torch.sigmoid(_decode_one(pop, i, prior)).cpu().numpy().astype(np.float64),
        })
        arrays.update(_interpolations(pop, i, g, k))
        out.append((scalars, arrays))
    return out
