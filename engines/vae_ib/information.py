"""Information quantities of a diagonal-Gaussian encoder, with the note's conventions.

Nats everywhere inside; the caller divides by ln 2 for bits.  KL is summed over latent units and
averaged over examples (note §6: a mean over units would silently rescale β by 1/K).
"""
from __future__ import annotations

import math

import torch

LN2 = math.log(2.0)
_LOG_2PI = math.log(2 * math.pi)


def kl_to_standard_normal(mu: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, diag σ²) ‖ N(0, I)) = ½ Σ_k (μ_k² + σ_k² − log σ_k² − 1), per example (fact 1).

    Summed over the last dimension; ``log_sigma`` rather than σ so a collapsed σ ≈ 1e-6 still gives
    the right (large) KL without log(0)."""
    return 0.5 * (mu.square() + torch.exp(2 * log_sigma) - 2 * log_sigma - 1).sum(-1)


def gaussian_log_density(z: torch.Tensor, mu: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """log N(z; μ, diag σ²) summed over the last dimension (broadcasting)."""
    return (-0.5 * ((z - mu) * torch.exp(-log_sigma)).square() - log_sigma - 0.5 * _LOG_2PI).sum(-1)


def mixture_information(mu: torch.Tensor, log_sigma: torch.Tensor, samples: int, generator: torch.Generator,
                        chunk: int = 2048) -> dict[str, float]:
    """Monte-Carlo estimates for the empirical data distribution (uniform over the N rows), in nats.

    For z_i ~ p(z|x_i) (``samples`` draws each), with the aggregate posterior p(z) = (1/N) Σ_j p(z|x_j):
      mi          Î(X;Z) = mean[log p(z_i|x_i) − log p(z_i)]          (≤ log N, note §3.1)
      kl_aggregate  mean[log p(z_i) − log N(z_i; 0, I)]                    (KL(p(z) ‖ q), eq. 7)
      kl_bound_mc   mean[log p(z_i|x_i) − log N(z_i; 0, I)]                 (= mi + kl_aggregate)
    The N × N matrix of log p(z_i|x_j) comes from three float64 matrix products (expanding the
    square), O(N² K) but at BLAS speed; its diagonal, which dominates when σ has collapsed and the
    expansion loses digits, is recomputed directly.  Log-sum-exp keeps p(z_i|x_j) ≈ 0 harmless.
    """
    mu = mu.detach().to(torch.float64)
    log_sigma = log_sigma.detach().to(torch.float64)
    n = mu.shape[0]
    log_n = math.log(n)
    w = torch.exp(-2 * log_sigma)                               # 1/σ², (N, K)
    mu_w = mu * w
    const = (mu * mu_w).sum(1) + 2 * log_sigma.sum(1) + mu.shape[1] * _LOG_2PI  # per j
    total_mi = total_agg = 0.0
    for _ in range(samples):
        eps = torch.randn(mu.shape, generator=generator, dtype=torch.float64).to(mu.device)
        z = mu + torch.exp(log_sigma) * eps
        log_conditional = gaussian_log_density(z, mu, log_sigma)
        log_prior = (-0.5 * z.square() - 0.5 * _LOG_2PI).sum(-1)
        for lo in range(0, n, chunk):
            zc = z[lo:lo + chunk]
            quad = zc.square() @ w.T - 2 * zc @ mu_w.T + const[None, :]
            log_p_all = -0.5 * quad                                 # (c, N)
            rows = torch.arange(zc.shape[0], device=mu.device)
            log_p_all[rows, rows + lo] = log_conditional[lo:lo + chunk]
            log_marginal = torch.logsumexp(log_p_all, dim=1) - log_n
            total_mi += float((log_conditional[lo:lo + chunk] - log_marginal).sum())
            total_agg += float((log_marginal - log_prior[lo:lo + chunk]).sum())
    mi = total_mi / (n * samples)
    agg = total_agg / (n * samples)
    return {"mi": mi, "kl_aggregate": agg, "kl_bound_mc": mi + agg}


def aggregate_covariance(mu: torch.Tensor, log_sigma: torch.Tensor) -> torch.Tensor:
    """C = Cov_x(μ) + E_x[diag σ²], the covariance of the aggregate posterior (note §3.2)."""
    mu = mu.detach().to(torch.float64)
    centred = mu - mu.mean(0)
    cov = centred.T @ centred / mu.shape[0]
    return cov + torch.diag(torch.exp(2 * log_sigma.detach().to(torch.float64)).mean(0))


def gaussian_total_correlation(cov: torch.Tensor) -> float:
    """TC = ½ (Σ_i log C_ii − log det C) nats: 0 iff the Gaussian with covariance C factorises."""
    _, logdet = torch.linalg.slogdet(cov)
    return float(0.5 * (torch.log(torch.diagonal(cov)).sum() - logdet))


def correlation(cov: torch.Tensor) -> torch.Tensor:
    d = torch.sqrt(torch.diagonal(cov))
    return cov / (d[:, None] * d[None, :])


def active_units(mu: torch.Tensor, threshold: float = 0.01) -> torch.Tensor:
    """Burda et al. (2016): a unit is active when Var_x(μ_u) > 0.01."""
    return mu.detach().var(0, unbiased=False) > threshold
