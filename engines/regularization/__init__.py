"""L2 vs weight-scale-shift-invariant regularisation (kexue.fm 7681; regularization.md).

Experiments: ``race`` (W2, the main one: seven regularisers trained side by side from one initial
state on one batch sequence), ``explorer`` (W1: shift scale between layers and watch L2 change while
the function, Σlog‖W‖ and the input-gradient bound do not), ``conservation`` (W3: the layer balance
under gradient descent with no penalty, L2, the log penalty and the L1-direction term), ``decay``
(W4: SGD + L2, Adam + L2 and AdamW on a vector of very different coordinates).
"""
from engines.core.experiment import Experiment, Preset, Series, Table
from engines.core.generic_sweep import generic_sweep
from engines.regularization.conservation import CONSERVATION_PARAMS, run_conservation
from engines.regularization.decay import DECAY_PARAMS, METHODS, run_decay
from engines.regularization.explorer import EXPLORER_PARAMS, run_explorer
from engines.regularization.race import FINAL_COLUMNS, MAX_DEPTH, RACE_PARAMS, relevant_race, run_race
from engines.regularization.race_population import METHOD_RULES

TITLE = "L2 regularisation and weight-scale shifting"

METHOD_NAMES = {"sgd_l2": "SGD + L2 (decay 2λ)", "adam_l2": "Adam + L2", "adamw": "AdamW (decay λ)"}

EXPLORER_OUTPUTS = (
    Series("max_output_change", "max |Δoutput| on the data", "", "function"),
    Series("l2", "Σ‖W_l‖² after the shift", "", "penalties"),
    Series("l2_original", "Σ‖W_l‖² before", "", "penalties"),
    Series("l2_min", "smallest Σ‖W_l‖² at this function (equal norms)", "", "penalties"),
    Series("log_norm_sum", "Σ log‖W_l‖", "", "invariants"),
    Series("l1_direction", "Σ ‖W_l/‖W_l‖‖₁", "", "invariants"),
    Series("weissi", "λ₁·Σlog‖W_l‖ + λ₂·Σ‖W_l/‖W_l‖‖₁ (WEISSI, eq. 10)", "", "invariants"),
    Series("product_frobenius", "∏ ‖W_l‖_F", "", "bounds"),
    Series("product_spectral", "∏ ‖W_l‖₂", "", "bounds"),
    Series("max_input_gradient", "max ‖∂f/∂x‖₂ on the data", "", "bounds"),
    Series("a_star_log10", "log₁₀ a* (the pair's L2 minimum)", "", "function"),
    Series("train_accuracy", "training accuracy of the shifted net", "", "function"),
    Series("train_accuracy_original", "training accuracy before the shift", "", "function"),
    Series("relative_output_change", "max |Δoutput| / max |output|", "", "function"),
    Table("l2_curve", ("log10_a", "l2", "log_norm_sum"), "Σ‖W‖² and Σlog‖W‖ along the pair's shift"),
    Table("norms", ("layer", "frobenius", "spectral"), "per-layer norms after the shift"),
    Table("decision", (), "P(class 1) of the shifted net around the data (rows: x1, columns: x2)"),
    Table("decision_x", (), "the decision map's x1 axis"), Table("decision_y", (), "the decision map's x2 axis"),
    Table("data", ("x1", "x2", "label"), "the two-moons points (standardised)"),
)
PENALTY_NAMES = {"none": "no penalty", "l2": "L2", "log": "log penalty", "l1dir": "L1 direction"}
CONSERVATION_OUTPUTS = (
    *(Series(f"balance_{m}", f"D, {label}", "squared weight", "balance D = ‖W₁‖² − ‖W₂‖²")
      for m, label in PENALTY_NAMES.items()),
    Series("balance_l2_predicted", "D(0)·e^(−4λ·lr·k), L2 predicted", "squared weight", "balance D = ‖W₁‖² − ‖W₂‖²"),
    *(Series(f"norm2_{m}", f"‖W₁‖², {PENALTY_NAMES[m]}", "squared weight", "first layer's ‖W₁‖²")
      for m in ("none", "l2", "log")),
    Series("norm2_log_predicted", "‖W₁(0)‖² − 2λ·lr·k (log, penalty alone)", "squared weight", "first layer's ‖W₁‖²"),
)

RACE_MEASURES = (
    ("train_loss", "training loss", "nats"), ("test_loss", "test loss", "nats"),
    ("train_acc", "training accuracy", ""), ("test_acc", "test accuracy", ""),
    ("fgsm_acc", "accuracy under FGSM at ε", ""), ("input_grad", "mean ‖∂f_y/∂x‖₂ on test", ""),
    ("max_input_grad", "largest ‖∂f_y/∂x‖₂ on test (≤ ∏‖W_l‖₂, W-7)", ""),
    ("l2", "Σ‖W_l‖²", "squared weight"), ("log_norm_sum", "Σ log‖W_l‖", ""),
    ("imbalance", "D = ‖W₁‖² − ‖W₂‖²", "squared weight"), ("product_frobenius", "∏ ‖W_l‖_F", ""),
    ("product_spectral", "∏ ‖W_l‖₂ (bounds every ‖∂f/∂x‖₂)", ""),
)
RACE_OUTPUTS = (
    *(Series(f"{key}_{m}", f"{label}, {rule.label}", unit, label)
      for key, label, unit in RACE_MEASURES for m, rule in METHOD_RULES.items()),
    *(Series(f"norm_{layer}_{m}", f"‖W_{layer}‖_F, {rule.label}", "weight norm", f"per-layer norms, {rule.label}")
      for m, rule in METHOD_RULES.items() for layer in range(1, MAX_DEPTH + 1)),
    Series("seconds", "training time (evaluations excluded)", "s", "time"),
    Table("final", FINAL_COLUMNS, "the final standings, one row per method (method: its index in `methods`)"),
)

EXPERIMENTS = (
    Experiment("race", "Regulariser race", RACE_PARAMS, run_race, outputs=RACE_OUTPUTS, relevant=relevant_race,
               in_process=True,
               sweep=generic_sweep("regularization", "race", RACE_PARAMS,
                                   [f"{key}_{m}" for key in ("test_acc", "test_loss", "train_acc") for m in METHOD_RULES],
                                   ("lam", "wd", "lr", "train_size", "noise", "width"), "0, 1e-4, 1e-3, 1e-2, 1e-1",
                                   seeds="0, 1, 2", default_metric="test_acc_l2_adam", title="λ sweep"),
               summary="no penalty, L2 with SGD and Adam, AdamW, WEISSI and L2 with re-balancing, trained "
                       "side by side from one initial state on the same batches",
               presets=(Preset("overfit 100 noisy moons", {"dataset": "moons", "train_size": 100, "noise": 0.3},
                               "training accuracy goes to 1 without a penalty; compare the methods' test "
                               "and FGSM accuracy (WEISSI need not win: no published numbers exist)"),
                        Preset("an imbalanced start", {"imbalance": 10.0, "steps": 2000},
                               "the same function with W₁·10 and W₂/10: L2's path changes (Σ‖W‖² starts "
                               "100× larger), re-balancing undoes it at once, Σlog‖W‖ starts where it did"),
                        Preset("300 digits with label noise", {"dataset": "digits", "train_size": 300,
                                                                "label_noise": 0.2, "fgsm_eps": 0.05},
                               "a wide net memorises the flipped labels; the test labels are clean"))),
    Experiment("explorer", "Scale-shift explorer", EXPLORER_PARAMS, run_explorer, mode="instant",
               outputs=EXPLORER_OUTPUTS,
               summary="shift scale between two layers of a fitted ReLU net: the function and Σlog‖W‖ "
                       "stay, the L2 penalty moves",
               presets=(Preset("the essay's bias rule", {"bias": "literal", "log10_a": 1.0},
                               "max |Δoutput| jumps from ~1e-15 to order 1: the literal rule b_l → γ_l·b_l "
                               "breaks the invariance the cumulative rule keeps"),
                        Preset("balance every layer", {"mode": "balance"},
                               "Σ‖W‖² falls to its minimum L·(∏‖W_l‖)^(2/L) while the outputs do not move"),
                        Preset("GELU is only almost homogeneous", {"activation": "gelu", "log10_a": 1.0},
                               "a visible output change: GELU(cx) ≠ c·GELU(x)"))),
    Experiment("conservation", "Gradient-flow conservation", CONSERVATION_PARAMS, run_conservation,
               outputs=CONSERVATION_OUTPUTS,
               summary="the layer balance D under gradient descent: conserved without a penalty and "
                       "with the log penalty, driven to 0 by L2",
               presets=(Preset("the note's reference run", {"lam": 0.05, "lr": 1e-3, "steps": 20_000},
                               "D(L2)/D(0) ends at e^(−4) ≈ 0.0183; none and log stay within 0.01 %"),
                        Preset("the penalties alone", {"task": "none", "steps": 2000},
                               "‖W₁‖² under the log penalty falls on the line ‖W₁(0)‖² − 2λ·lr·k and D "
                               "stays, until the smaller layer's norm reaches 0 (at ‖W₂(0)‖²/2λ·lr steps)"),
                        Preset("a large step", {"lr": 0.02, "steps": 2000},
                               "the discrete scheme drifts from gradient flow: D(none) moves by O(lr)"))),
    Experiment("decay", "Where does the decay go?", DECAY_PARAMS, run_decay,
               outputs=tuple(Series(f"abs_theta_{i}_{m}", f"|θ_{i}|, {METHOD_NAMES[m]}", "|θ_i|", METHOD_NAMES[m])
                             for m in METHODS for i in range(8)),
               summary="SGD + L2, Adam + L2 and AdamW on coordinates of very different sizes",
               presets=(Preset("λ drops out of Adam + L2", {"lam": 1e-5, "steps": 100, "record_every": 1},
                               "Adam + L2 still moves |θ| by ≈ lr per step (0.0998 after 100), AdamW barely"),
                        Preset("with a noisy task", {"decay_task": "noise", "noise_scale": 1.0},
                               "noise fills Adam's second moment: its L2 decay becomes a per-coordinate "
                               "rescaled shrink"))),
)
