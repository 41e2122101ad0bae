"""Multi-task loss weighting (kexue.fm 8870 / 8896 / 8907; multitask.md).

Experiments: ``arena`` (M1, the main one: weighting rules trained side by side on one multi-task
network, with an invariance monitor that re-runs each rule unstressed, scaled, shifted and from a
nudged start), ``power_mean`` (M2: the power-mean dial, L(γ) and its weights, and what λ does),
``pareto`` (M3: the Pareto playground, task gradients in the plane and the paths of four rules),
``auxiliary`` (M4: a primary task with an auxiliary that must not get worse — noisy labels with a
clean set, and “L2 without λ”).
"""
from engines.core.experiment import Experiment, Preset, Series, Table
from engines.multitask.arena import run_arena
from engines.multitask.arena_params import ARENA_PARAMS, MAX_TASKS, relevant_arena
from engines.multitask.arena_rules import SCHEME_LABELS, SCHEMES
from engines.multitask.auxiliary import AUXILIARY_PARAMS, GRID_COLUMNS, relevant_auxiliary, run_auxiliary
from engines.multitask.auxiliary_l2 import L2_LABELS, L2_METHODS
from engines.multitask.auxiliary_noisy import NOISY_LABELS, NOISY_METHODS
from engines.multitask.invariance import COLUMNS
from engines.multitask.pareto import MAX_TASKS as PARETO_TASKS, PARETO_PARAMS, RULE_LABELS, RULES, run_pareto
from engines.multitask.power_mean import POWER_MEAN_PARAMS, run_power_mean

TITLE = "Multi-task loss weighting"

PER_TASK = (("loss", "training loss (unscaled)", "loss"), ("ratio", "L_i/L_i(0)", "loss ratio"),
            ("weight", "effective weight ∂L/∂L_i, normalised", "weights"),
            ("grad_norm", "‖∇_trunk L_i‖ (unscaled)", "gradient norms"),
            ("test", "test accuracy or RMSE", "test"))
PER_SCHEME = (("grad_cos", "cos(g₁, g₂) on the trunk", "gradient cosine"),
              ("combined_norm", "‖Σ w_i g_i‖ on the trunk", "combined gradient"),
              ("trajectory_distance", "‖θ − θ_ref‖/‖θ_ref‖, λ and c", "invariance"),
              ("scaled_distance", "‖θ − θ_ref‖/‖θ_ref‖, λ only", "invariance"),
              ("shifted_distance", "‖θ − θ_ref‖/‖θ_ref‖, c only", "invariance"),
              ("control_distance", "‖θ − θ_ref‖/‖θ_ref‖, nudged start", "invariance"))

ARENA_OUTPUTS = (
    Series("seconds", "training time", "s", "time"),
    *(Series(f"{key}_{i}_{s}", f"{what}, task {i}, {SCHEME_LABELS[s]}", "", group)
      for key, what, group in PER_TASK for s in SCHEMES for i in range(1, MAX_TASKS + 1)),
    *(Series(f"{key}_{s}", f"{what}, {SCHEME_LABELS[s]}", "", group) for key, what, group in PER_SCHEME for s in SCHEMES),
    *(Series(f"{key}_{i}", f"{what}, task {i}", "", "uncertainty") for i in range(1, MAX_TASKS + 1)
      for key, what in (("uncertainty_s", "Kendall's s_i"), ("log_loss", "log L_i on the batch"))),
    Table("invariance", COLUMNS, "each scheme's invariance ratios against the M-4 table (1 yes, 0 no, ½ approx.)"),
)

POWER_MEAN_OUTPUTS = (
    Table("curve", ("gamma", "power_mean", "power_mean_scaled"), "L(γ) over γ ∈ [−5, 5], as given and with task k × λ"),
    Table("means", ("gamma", "value"), "the harmonic, geometric, arithmetic and quadratic means"),
    Table("bars", ("task", "loss", "loss_scaled", "weight", "weight_scaled"),
          "the losses and their normalised weights ∝ L_i^{γ−1}, as given and with task k × λ"),
    *(Series(name, label) for name, label in (
        ("power_mean", "L(γ)"), ("power_mean_scaled", "L(γ) with task k × λ"), ("min_loss", "min L_i"),
        ("max_loss", "max L_i"), ("contribution_factor", "task k's share of the update, after ÷ before"),
        ("lambda_power_gamma", "λ^γ"), ("harmonic_mean", "harmonic mean (γ = −1)"),
        ("geometric_mean", "geometric mean (γ = 0)"), ("arithmetic_mean", "arithmetic mean (γ = 1)"),
        ("quadratic_mean", "quadratic mean (γ = 2)"))),
)

PARETO_OUTPUTS = (
    Table("grid_x", (), "x of the contour grid"), Table("grid_y", (), "y of the contour grid"),
    *(Table(f"field_{i}", (), f"L_{i} on the grid, [i, j] at (grid_x[i], grid_y[j])") for i in range(1, PARETO_TASKS + 1)),
    Table("gradients", ("task", "gx", "gy"), "each task's gradient at θ₀"),
    Table("hull", ("gx", "gy"), "the convex hull of the gradients, closed"),
    Table("directions", ("rule", "ux", "uy"), "each rule's direction at θ₀: " + ", ".join(RULES)),
    Table("pareto_set", ("x", "y"), "points of the Pareto set"),
    Table("pareto_front", ("loss_1", "loss_2"), "the Pareto set in the (L₁, L₂) plane"),
    *(Table(f"path_{r}", ("x", "y"), f"θ along the path, {RULE_LABELS[r]}") for r in RULES),
    *(Table(f"loss_path_{r}", ("loss_1", "loss_2"), f"(L₁, L₂) along the path, {RULE_LABELS[r]}") for r in RULES),
    *(Series(f"{key}_{r}", f"{what}, {RULE_LABELS[r]}") for r in RULES for key, what in (
        ("final_distance", "distance of the path's end from the Pareto set"),
        ("final_direction_norm", "‖u‖ at the path's end"))),
    Series("mgda_slack", "min_i⟨g_i, u⟩ − ‖u‖² at θ₀ (≥ 0, M-9)"), Series("mgda_norm", "‖u_MGDA‖ at θ₀"),
    Series("normalized_min_inner", "min_i⟨g_i, Σg_j/‖g_j‖⟩ at θ₀ (≥ 0 for two tasks, M-8)"),
    Series("projection_aux_min_inner", "min over auxiliaries ⟨g_i, u⟩ at θ₀ (≥ 0, M-11)"),
    Series("projection_primary_gap", "⟨g₁, u⟩ − ‖u‖² at θ₀ (= 0, M-11)"),
)

AUXILIARY_OUTPUTS = (
    *(Series(f"{key}_{m}", f"{what}, {NOISY_LABELS[m]}", unit, group) for m in NOISY_METHODS
      for key, what, unit, group in (("test_acc", "test accuracy", "", "test accuracy"),
                                     ("test_loss", "test cross-entropy", "nats", "test loss"),
                                     ("clean_loss", "clean-set cross-entropy (the auxiliary)", "nats", "clean loss"),
                                     ("memorised", "mislabelled training images fitted to their wrong label", "",
                                      "memorised noise"))),
    *(Series(name, label, "", group) for name, label, group in (
        ("conflict_rate", "steps with ⟨g_noisy, g_clean⟩ < 0", "projection"),
        ("projection_gamma", "mean γ = relu(−⟨g₀,g₁⟩)/‖g₁‖²", "projection"),
        ("masked_fraction", "noisy samples masked", "masking"),
        ("masked_mislabelled", "of the masked, truly mislabelled", "masking"),
        ("mislabelled_masked", "of the mislabelled, masked", "masking"),
        ("batch_mislabelled", "mislabelled in the batches (base rate)", "masking"))),
    *(Series(f"{key}_{m}", f"{what}, {L2_LABELS[m]}", unit, group) for m in L2_METHODS
      for key, what, unit, group in (("test_acc", "test accuracy", "", "test accuracy"),
                                     ("test_loss", "test cross-entropy", "nats", "test loss"),
                                     ("val_acc", "validation accuracy", "", "validation accuracy"),
                                     ("train_loss", "training cross-entropy", "nats", "training loss"),
                                     ("weight_norm", "‖θ‖", "", "weight norm"))),
    Series("lambda_l2", "L2's λ, best on validation", "", "tuned λ"),
    Series("lambda_adamw", "AdamW's λ, best on validation", "", "tuned λ"),
    Table("grid", GRID_COLUMNS, "L2 without λ: every member of the λ grids and the others, scored at the end "
                                "(method: " + ", ".join(f"{i} {m}" for i, m in enumerate(L2_METHODS)) + ")"),
)

EXPERIMENTS = (
    Experiment("arena", "Weighting arena", ARENA_PARAMS, run_arena, outputs=ARENA_OUTPUTS, relevant=relevant_arena,
               in_process=True,
               summary="weighting rules trained side by side on one shared trunk; one task's loss rescaled "
                       "and shifted, and an invariance monitor that shows which rules notice",
               presets=(Preset("a task in other units", {"task_scale": 1000.0, "task_shift": 0.0},
                               "init, real-time, Σlog, gradient-normalised and uncertainty stay on their "
                               "reference; equal weights, MGDA and the power mean at γ ≠ 0 leave it"),
                        Preset("a constant added", {"task_scale": 1.0, "task_shift": 5.0},
                               "equal weights, MGDA and the gradient-normalised rule do not move; every "
                               "loss-normalised rule does"),
                        Preset("GradNorm's toy", {"dataset": "gradnorm_toy", "scaled_task": 2, "task_scale": 1.0,
                                                  "task_shift": 0.0, "schemes": "equal,gradnorm,grad_normalized",
                                                  "lr": 1e-3},
                               "σ = (1, 100): equal weights serve the large task; GradNorm drives w₂/w₁ far below 1"),
                        Preset("linnerud's units", {"dataset": "linnerud", "scaled_task": 1, "batch_size": 15,
                                                    "lr": 0.01, "steps": 2000},
                               "weight (lb²), waist (in²) and pulse losses differ tenfold: watch the "
                               "effective weights"),
                        Preset("power mean at γ = 0", {"schemes": "power_mean,log", "gamma": 0.0},
                               "γ = 0 is Σ log L: the two curves coincide and both are scale invariant"))),
    Experiment("power_mean", "Power-mean dial", POWER_MEAN_PARAMS, run_power_mean, mode="instant",
               outputs=POWER_MEAN_OUTPUTS,
               summary="one exponent γ from the best task to the worst: L(γ), its weights ∝ L_i^{γ−1}, and "
                       "the λ^γ a change of units costs",
               presets=(Preset("the geometric mean", {"gamma": 0.0, "task_scale": 1000.0},
                               "task 3 × 1000 and its share of the update does not move: γ = 0 is scale invariant"),
                        Preset("focus on the worst task", {"gamma": 4.0},
                               "the weights pile onto the largest loss; L(γ) nears max L_i"),
                        Preset("focus on the best task", {"gamma": -4.0, "task_scale": 1.0},
                               "the smallest loss takes almost all the weight: (0.999, 0.001, 0) for (0.5, 2, 8)"))),
    Experiment("pareto", "Pareto playground", PARETO_PARAMS, run_pareto, mode="instant", outputs=PARETO_OUTPUTS,
               summary="task gradients in the plane: their hull, MGDA's min-norm point, the normalised sum, "
                       "the primary/auxiliary projection, and where each rule's path ends",
               presets=(Preset("three bowls", {"tasks": 3},
                               "MGDA's path stops on the Pareto set (‖u‖ → 0); the plain sum goes to one point of it"),
                        Preset("a task in other units", {"scales": "1, 20, 1, 1"},
                               "the plain sum and MGDA bend towards the loud task; the normalised sum does not"),
                        Preset("local minima", {"ripple": 0.6, "tasks": 3},
                               "MGDA halts where u = 0 away from the Pareto set: stationary, not optimal"))),
    Experiment("auxiliary", "Primary + auxiliary", AUXILIARY_PARAMS, run_auxiliary, outputs=AUXILIARY_OUTPUTS,
               relevant=relevant_auxiliary,
               summary="train on the primary task, never against the auxiliary: noisy labels with a small "
                       "clean set (projection, loss masking), and weight decay without a λ",
               presets=(Preset("heavy label noise", {"problem": "noisy_labels", "noise_rate": 0.6, "steps": 3000},
                               "the noisy-only network memorises the flipped labels and its test accuracy "
                               "falls; most samples masking drops are mislabelled"),
                        Preset("a tiny clean set", {"problem": "noisy_labels", "clean_size": 20},
                               "twenty clean images still steer the projection (the best test accuracy); alone they "
                               "train a weak model, and masking by their noisy gradient drops many good samples"),
                        Preset("L2 without λ", {"problem": "l2_free"},
                               "the projected rules hold ‖θ‖ near ‖θ₀‖, too tight at the default start: they under-fit "
                               "(training loss ≈ 0.7) where tuned L2 and AdamW, five runs each, do not"),
                        Preset("L2 without λ, large start", {"problem": "l2_free", "init_scale": 3.0},
                               "θ₀ three times larger: the projected rules now match tuned L2 on the test "
                               "set — the initial scale is the λ they hide"))),
)
