"""The batchnorm topic's experiments and what each streams (engines.core.experiment).

The A-vs-B training is the main experiment (with the learning-rate sweep); the exact single-layer
maths (descent lemma, single neuron, BN's gradient projection) are instant; internal covariate
shift and noisy BN are runs of their own.
"""
from __future__ import annotations

from typing import Any, Iterator

from engines.batchnorm.descent import DESCENT_PARAMS, run_descent
from engines.batchnorm.ics_run import ICS_PARAMS, relevant_ics, run_ics
from engines.batchnorm.neuron import NEURON_PARAMS, run_neuron
from engines.batchnorm.memory import train_memory
from engines.batchnorm.noisy_run import NOISY_PARAMS, run_noisy
from engines.batchnorm.params import PARAMS, relevant
from engines.batchnorm.projection import PROJECTION_PARAMS, run_projection
from engines.batchnorm.sweep import SWEEP_GROUP_PARAM, SWEEP_PARAMS, run_sweep
from engines.core.experiment import Experiment, Preset, Series, SweepSpec, Table
from engines.core.frame import Frame, RunContext

NETS_AB = ("a", "b")
NOISY_NETS = ("standard", "bn", "noisy")


def _per_net(nets: tuple[str, ...], specs: tuple[tuple[str, str, str, str], ...]) -> tuple[Series, ...]:
    """One series per (quantity, net): ``loss_a``, ``loss_b``, ... in the quantity's group."""
    return tuple(Series(f"{name}_{net}", f"{label}, {net.upper() if len(net) == 1 else net}", unit, group)
                 for name, label, unit, group in specs for net in nets)


TRAIN_OUTPUTS = (
    *_per_net(NETS_AB, (
        ("loss", "training loss", "nats", "loss"),
        ("loss_min", "lowest probe loss", "nats", "loss landscape"),
        ("loss_max", "highest probe loss", "nats", "loss landscape"),
        ("loss_range", "loss range along the gradient (Santurkar 4a)", "nats", "loss landscape"),
        ("grad_pred_min", "smallest gradient change", "", "gradient predictiveness"),
        ("grad_pred", "gradient predictiveness: largest ‖∇L(θ − ηg) − ∇L(θ)‖ (4b)", "", "gradient predictiveness"),
        ("beta_eff", "effective β-smoothness (4c)", "", "effective β"),
        ("grad_norm", "gradient norm ‖g‖", "", "gradient predictiveness"),
        ("plateau", "on the ln 10 plateau (1 = yes)", "", "loss"),
        ("test_acc", "test accuracy", "", "accuracy"),
        ("train_acc", "training accuracy", "", "accuracy"),
    )),
    Series("ratio_loss_range", "loss range A / B", "", "ratios"),
    Series("ratio_grad_pred", "gradient predictiveness A / B", "", "ratios"),
    Series("ratio_beta_eff", "effective β A / B", "", "ratios"),
    Series("seconds", "wall time", "s", "time"),
    Series("lr", "learning rate", "", "time"),
    Table("surface_axis", (), "grid coordinates of both surface axes"),
    *(Table(f"surface_{net}", (), f"loss surface of net {net.upper()} on the plane") for net in NETS_AB),
    *(Table(f"trajectory_{net}", ("d1", "d2"), f"net {net.upper()}'s path projected on the plane") for net in NETS_AB),
)
DESCENT_OUTPUTS = (
    *(Series(name, label) for name, label in (
        ("L", "smoothness constant L"), ("inv_L", "1/L"), ("two_over_L", "2/L"), ("eta", "step size η"),
        ("eta_over_L", "η × L"), ("lambda_min", "smallest curvature"),
        ("contraction", "max|1 − ηλᵢ| at θ*"), ("f_star", "f*"), ("initial_gap", "f(θ₀) − f*"),
        ("final_loss", "final f"), ("final_gap", "final f − f*"), ("converged", "converged (1 = yes)"),
        ("diverged", "diverged (1 = yes)"), ("violations", "descent-lemma violations"),
        ("checks", "descent-lemma checks"), ("steps_run", "steps run"),
        ("probe_step", "step whose gradient line is shown"), ("theta_star_1", "θ*₁"), ("theta_star_2", "θ*₂"))),
    Table("path", ("step", "theta1", "theta2"), "the GD iterates"),
    Table("loss", ("step", "loss", "gap"), "loss and gap per iteration"),
    Table("line", ("eta_L", "eta", "true", "bound"), "true loss along the gradient line vs eq. (4)'s bound"),
    Table("contour", (), "f − f* on the grid (rows contour_y, columns contour_x)"),
    Table("contour_x", (), "grid θ₁"), Table("contour_y", (), "grid θ₂"),
)
NEURON_OUTPUTS = (
    *(Series(f"{name}_{when}", f"{label} ({when})") for when in ("before", "after")
      for name, label in (("second_moment", "E[x²] of the inputs"), ("mean_norm_sq", "‖E[x]‖²"),
                          ("lambda_max", "largest Hessian eigenvalue"), ("L", "smoothness L"),
                          ("limit", "largest stable step 2/L"))),
    Series("features_after", "features kept after the transform"),
    *(Series(f"{name}_{kind}", f"{label} ({kind} inputs)") for kind in ("raw", "centred", "standardised")
      for name, label in (("lambda_max", "largest Hessian eigenvalue"), ("L", "smoothness L"),
                          ("limit", "largest stable step 2/L"), ("trace_bound", "trace bound on L"),
                          ("final_loss", "final loss"), ("diverged_step", "step of divergence (NaN: none)"))),
    Table("features", ("pixel", "before", "after"), "E[x²] per input before and after the transform"),
    Table("loss", ("step", "raw", "centred", "standardised"), "loss per step for the three inputs"),
    Table("hessian", ("step", "raw", "centred", "standardised"), "largest Hessian eigenvalue per step"),
)
PROJECTION_OUTPUTS = (
    *(Series(name, label) for name, label in (
        ("mu", "batch mean μ"), ("sigma", "batch standard deviation σ"), ("gamma_over_sigma", "γ/σ"),
        ("loss", "loss"), ("g_norm_sq", "‖g‖²"), ("ones_term", "(1ᵀg)²/m"), ("yhat_term", "(ŷᵀg)²/m"),
        ("lhs", "‖∂L/∂y‖² (left side)"), ("rhs", "(γ²/σ²)(‖g‖² − …) (right side)"),
        ("rel_error", "relative error, left vs right"), ("rhs_sqrt_m", "right side with √m"),
        ("unprojected", "(γ²/σ²)‖g‖², the bound without projection"), ("sum_grad", "Σ ∂L/∂y (≈ 0)"),
        ("dot_grad_yhat", "ŷᵀ∂L/∂y (≈ 0)"), ("idempotency", "‖P² − P‖ (≈ 0)"), ("scale_c", "input scale c"),
        ("scale_ratio", "gradient ratio at scale c"), ("scale_error", "error of the 1/c law"))),
    Table("samples", ("b", "y", "y_hat", "g", "along_ones", "along_yhat", "Pg", "grad_autograd",
                      "grad_formula", "grad_scaled_times_c"), "one batch: activations and gradients"),
)
ICS_OUTPUTS = (
    *_per_net(NETS_AB, (("loss", "training loss", "nats", "loss"), ("test_acc", "test accuracy", "", "accuracy"))),
    *(Table(f"{name}_{net}", ("layer", "l2", "cosine", "grad_norm"), f"{label}, net {net.upper()}")
      for net in NETS_AB for name, label in (("ics", "‖G − G′‖ and cos(G, G′) per layer, this step"),
                                             ("ics_mean", "the same averaged over the run"))),
)
NOISY_OUTPUTS = (
    *_per_net(NOISY_NETS, (("loss", "training loss", "nats", "loss"), ("test_acc", "test accuracy", "", "accuracy"),
                           ("drift_mean", "drift of the unit's batch mean", "", "drift"),
                           ("drift_std", "drift of the unit's batch std", "", "drift"))),
    Table("record_steps", (), "steps at which the unit was recorded"),
    *(Table(f"unit_{net}", (), f"the chosen unit's 512 values per record, {net}") for net in NOISY_NETS),
)


def run_train(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    """``batchnorm:train``: nets A and B on identical batches, probes and surfaces."""
    from engines.batchnorm.training import train_pair

    yield from train_pair(PARAMS.validate(params), ctx)


EXPERIMENTS = (
    Experiment("train", "Nets A and B: probes and surfaces", PARAMS, run_train, outputs=TRAIN_OUTPUTS,
               relevant=relevant, in_process=True, memory=train_memory,
               summary="two MLPs trained on identical batches, Santurkar's probes and the loss surfaces",
               sweep=SweepSpec(SWEEP_PARAMS, run_sweep, group_param=SWEEP_GROUP_PARAM, default_metric="test_acc",
                               error_of={"test_acc": "test error", "train_acc": "training error"},
                               title="Learning-rate sweep"),
               presets=(Preset("centring alone (Su)", {"variant_b": "center", "steps": 100},
                               "centring smooths as much as BN: effective β of B lower by ≥ 3×"),
                        Preset("a large step, lr = 2", {"lr": 2.0, "surface_resolution": 0},
                               "the plain net diverges and stops; the BN net trains on"),
                        Preset("torch's default init", {"init": "default", "steps": 200},
                               "the plain net sits on the ln 10 plateau, and its probes read 'flat'"))),
    Experiment("descent", "Descent lemma", DESCENT_PARAMS, run_descent, mode="instant", outputs=DESCENT_OUTPUTS,
               summary="gradient descent against eq. (4)'s quadratic bound, η = 1/L and 2/L",
               presets=(Preset("a step just over 2/L", {"eta_over_L": 2.1},
                               "the quadratic's iterates grow: the descent lemma promises nothing above 2/L"),
                        Preset("the safe step 1/L", {"eta_over_L": 1.0},
                               "every step lowers the loss by at least ‖g‖²/(2L)"))),
    Experiment("neuron", "Su's single neuron", NEURON_PARAMS, run_neuron, mode="instant", outputs=NEURON_OUTPUTS,
               summary="centring vs scaling the inputs of one neuron: the Hessian and the stable step",
               presets=(Preset("raw pixel values 0…16", {"gain": 16.0, "eta": 0.001},
                               "E[x²] = 3843.6 for raw pixels: only a tiny step is stable; centring lowers it to 1201.5"),
                        Preset("a common offset", {"offset": 1.5},
                               "a mean shared by every pixel raises E[x²]; centring removes exactly its square"))),
    Experiment("projection", "BN gradient projection", PROJECTION_PARAMS, run_projection, mode="instant",
               outputs=PROJECTION_OUTPUTS, summary="Santurkar's Theorem 4.1 checked on one batch",
               presets=(Preset("a tiny batch, m = 4", {"m": 4}, "the projection still removes the mean and the ŷ direction exactly"),
                        Preset("rescaled weights", {"scale_c": 10.0}, "BN's gradient shrinks by exactly 1/c"))),
    Experiment("ics", "Internal covariate shift", ICS_PARAMS, run_ics, outputs=ICS_OUTPUTS, in_process=True,
               relevant=relevant_ics,
               summary="Definition 2.1: how much a layer's gradient changes when the layers below it step",
               presets=(Preset("deep linear net", {"model": "deep_linear", "lr": 0.01},
                               "Santurkar's deep linear network: BN does not reduce the shift"),
                        Preset("centring vs BN", {"variant_a": "center"}, "the two normalisations side by side"))),
    Experiment("noisy", "Noisy BN", NOISY_PARAMS, run_noisy, outputs=NOISY_OUTPUTS, in_process=True,
               summary="BN with moving noise: a unit's distribution drifts, training does not suffer",
               presets=(Preset("strong noise", {"noise_mean": 2.0, "noise_scale_lo": 1.0, "noise_scale_hi": 3.0},
                               "this much moving noise breaks training: test accuracy under 0.5, BN's stays above"),
                        Preset("per-example noise", {"noise_sample": 1.0}, "noise on every example adds to the drift"))),
)
