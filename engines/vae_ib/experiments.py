"""The vae_ib topic's experiments and what each streams (engines.core.experiment)."""
from __future__ import annotations

from typing import Any, Iterator

from engines.core.experiment import Experiment, Preset, Series, SweepSpec, Table
from engines.core.frame import Frame, RunContext
from engines.vae_ib.algebra_run import ALGEBRA_PARAMS, run_algebra
from engines.vae_ib.params import PARAMS, relevant
from engines.vae_ib.sweep import SWEEP_PARAMS, run_sweep
from engines.vae_ib.training import train_run


def _group(group: str, unit: str, *specs: tuple[str, str]) -> tuple[Series, ...]:
    return tuple(Series(name, label, unit, group) for name, label in specs)


TRAIN_OUTPUTS = (
    *_group("loss", "nats per example",
            ("loss", "loss (task + β·KL)"), ("ce", "cross-entropy"), ("recon", "reconstruction BCE"),
            ("kl_nats", "KL, batch mean"), ("elbo", "ELBO (β = 1)")),
    *_group("information", "bits",
            ("kl_bound_bits", "KL bound (all training data)"), ("mi_bits", "I(X;Z) mixture estimate"),
            ("izy_bits", "I(Z;Y) ≥ H(Y) − CE"), ("kl_bits", "KL, batch mean"),
            ("kl_aggregate_bits", "KL of the aggregate posterior to the prior (Monte-Carlo; dips below 0 shown as 0)"),
            ("kl_bound_mc_bits", "KL bound, Monte-Carlo check")),
    *_group("quality", "",
            ("train_acc", "train accuracy (z = μ)"), ("test_acc", "test accuracy (z = μ)"),
            ("test_acc_sampled", "test accuracy (sampled z)"), ("mean_sigma", "mean encoder σ"),
            ("active_units", "active units"), ("total_correlation", "total correlation (nats)"),
            ("recon_bce", "test reconstruction BCE (nats)"), ("recon_sse", "test reconstruction SSE"),
            ("eig_min", "smallest eigenvalue of the code covariance"),
            ("eig_max", "largest eigenvalue of the code covariance"),
            ("max_offdiag_corr", "largest |correlation| between two units"),
            ("mean_code_norm", "mean ‖μ‖ of the codes")),
    *_group("beta", "", ("beta", "β"), ("lr", "learning rate")),
    Series("seconds", "wall time", "s", "time"),
    Table("latent", ("z0", "z1", "label"), "test codes μ (first two units) with their digit"),
    Table("latent_sigma", ("sigma0", "sigma1"), "encoder σ of those codes"),
    Table("sigma", (), "encoder σ per unit, mean over the test set"),
    Table("per_unit_kl", (), "KL per latent unit (nats)"),
    Table("unit_variance", (), "variance of μ per unit"),
    Table("latent_2d", ("x", "y", "label"), "codes projected on their two main axes"),
    Table("ellipses", ("x", "y"), "one-σ ellipses of a few codes (NaN-separated)"),
    Table("sigma_hist", ("log10_sigma", "count"), "histogram of the encoder σ"),
    Table("info_plane", ("step", "ixz_bits", "izy_bits", "kl_bound_bits"), "the run's path in the information plane"),
    Table("correlation", (), "correlation matrix of the codes"),
    Table("eigenvalues", (), "eigenvalues of the code covariance"),
    *(Table(name, (), label) for name, label in (
        ("images_input", "test digits"), ("images_recon", "their reconstructions"),
        ("images_prior", "decoded draws from the prior"), ("interp_linear", "linear interpolation"),
        ("interp_cossin", "cos–sin interpolation"))),
    Table("interp_logprior", ("t", "linear", "cossin"), "log prior density along both interpolations"),
)
ALGEBRA_OUTPUTS = (
    Series("ks", "Kolmogorov–Smirnov distance, samples vs exact"),
    Series("variance", "sample variance of αz₁ + βz₂"), Series("variance_exact", "α²σ₁² + β²σ₂²"),
    Series("midpoint_linear_norm", "‖z‖ at t = ½, linear"), Series("midpoint_cossin_norm", "‖z‖ at t = ½, cos–sin"),
    Series("midpoint_linear_norm_exact", "‖z‖ at t = ½, linear (exact)"),
    Series("chi_factor", "E‖z‖ / √d of a χ_d variable"),
    Table("histogram", ("centre", "density", "exact_density"), "histogram of αz₁ + βz₂ and the exact density"),
    Table("exact_curve", ("x", "exact_density"), "the exact density on a fine grid"),
    Table("interpolation", ("t", "linear_norm", "linear_norm_exact", "cossin_norm", "cossin_norm_exact",
                            "linear_logpdf", "cossin_logpdf", "linear_logpdf_exact", "cossin_logpdf_exact"),
          "norm and log density along the two interpolations"),
)


def run_train(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    """``vae_ib:train``: the VIB or VAE trained with its information measurements."""
    yield from train_run(PARAMS.validate(params), ctx)


EXPERIMENTS = (
    Experiment("train", "VIB / VAE training", PARAMS, run_train, outputs=TRAIN_OUTPUTS, relevant=relevant,
               in_process=True, summary="a VIB classifier or a VAE on digits, trained live with the "
                                        "information quantities measured as it learns",
               sweep=SweepSpec(SWEEP_PARAMS, run_sweep, default_metric="test_acc",
                               error_of={"test_acc": "test error", "test_acc_sampled": "test error (sampled)"}),
               presets=(Preset("VIB without the KL (β = 0)", {"beta": 0.0, "epochs": 150},
                               "the KL bound runs away past 1000 bits while the MI estimate stops at log₂ 1257 = 10.3 bits"),
                        Preset("VIB, strong bottleneck (β = 1)", {"beta": 1.0, "epochs": 150},
                               "posterior collapse: I(Z;Y) under 0.2 bit, sampled test accuracy under 0.35"),
                        Preset("VAE, K = 8, β = 4", {"model": "vae", "latent_dim": 8, "beta": 4.0, "epochs": 100},
                               "KL ≈ 0 and every reconstruction is the mean digit"))),
    Experiment("algebra", "Normal algebra", ALGEBRA_PARAMS, run_algebra, mode="instant", outputs=ALGEBRA_OUTPUTS,
               summary="sums of normal and uniform variables, and the norm along interpolations",
               presets=(Preset("uniforms do not add to a uniform", {"kind": "uniform", "alpha": 1.0, "beta": 1.0},
                               "the sum of two U(−1, 1) is a triangle, while normals stay normal"),
                        Preset("interpolating in 512 dimensions", {"d": 512},
                               "the straight line between two codes dips to ‖z‖ ≈ √(d/2); cos/sin keeps √d"))),
)
