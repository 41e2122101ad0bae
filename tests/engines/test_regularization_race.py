"""The regulariser race (panel W2): every member of the batched population follows its own plain torch
loop (autograd, ``torch.optim``) on the same batches from the same initial weights, in float64; the
initial imbalance keeps the function and Σlog‖W‖ but not L2 (W-2); re-balancing keeps the function
and reaches the L2 minimum (W-3); no input gradient exceeds ∏‖W_l‖₂ (W-7); a diverging method stops
while the others race on."""
import math

import numpy as np
import pytest
import torch

from engines.core.frame import RunContext
from engines.core.params import ParameterError
from engines.regularization.race import (RACE_PARAMS, coefficients, evaluate, initial_layers, relevant_race,
                                         run_race, validate_race)
from engines.regularization.race_data import make_race_data
from engines.regularization.race_population import METHODS, RacePopulation
from engines.regularization.race_reference import ReferenceRun

CPU = torch.device("cpu")


def _values(**overrides):
    return validate_race({"imbalance": 3.0, **overrides})


def _population(values, methods=METHODS, inputs=2, classes=2, optimizer="adam"):
    init = initial_layers(values, inputs, classes, torch.float64)
    return RacePopulation(methods, init, coefficients(values), optimizer, CPU), init


def _one_hot(y, classes=2):
    return torch.nn.functional.one_hot(y, classes).double()


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_every_member_follows_its_own_plain_torch_loop_on_the_same_batches(optimizer):
    values = _values(depth=3, width=16)
    pop, init = _population(values, optimizer=optimizer)
    references = [ReferenceRun(m, init, coefficients(values), optimizer) for m in METHODS]
    generator = torch.Generator().manual_seed(1)
    x = torch.randn(80, 2, generator=generator, dtype=torch.float64)
    y = (x[:, 0] * x[:, 1] > 0).long()
    for _ in range(60):
        index = torch.randperm(80, generator=generator)[:32]
        pop.step(x[index], _one_hot(y[index]))
        for reference in references:
            reference.step(x[index], y[index])
    moved = 0.0
    for member, reference in enumerate(references):
        for layer, (w, b) in enumerate(zip(reference.weights, reference.biases)):
            assert torch.allclose(pop.weights[layer][member], w.detach(), atol=1e-11, rtol=0), METHODS[member]
            assert torch.allclose(pop.biases[layer][member, 0], b.detach(), atol=1e-11, rtol=0), METHODS[member]
            moved = max(moved, float((w.detach() - init[layer][0]).abs().max()))
    assert moved > 1e-2  # the nets did train


def test_all_members_start_from_one_state_and_the_imbalance_keeps_the_function_not_l2():
    balanced, _ = _population(_values(imbalance=1.0))
    shifted, _ = _population(_values(imbalance=10.0))
    assert torch.equal(shifted.flat, shifted.flat[:1].expand_as(shifted.flat))   # identical rows
    x = torch.randn(1, 50, 2, dtype=torch.float64)
    first = lambda pop: pop.forward(x.expand(len(METHODS), -1, -1))[0]  # noqa: E731
    assert torch.allclose(first(balanced), first(shifted), atol=1e-12, rtol=0)
    n1, n2, n3 = balanced.layer_norms2()[0].tolist()
    s1, s2, s3 = shifted.layer_norms2()[0].tolist()
    assert (s1, s2, s3) == pytest.approx((100 * n1, n2 / 100, n3), rel=1e-12)     # a²‖W₁‖², ‖W₂‖²/a²
    assert math.log(s1 * s2 * s3) == pytest.approx(math.log(n1 * n2 * n3), abs=1e-12)  # Σlog‖W‖ unmoved


def test_rebalancing_keeps_the_function_and_reaches_the_l2_minimum():
    pop, _ = _population(_values(imbalance=7.0, depth=4, width=12))
    x = torch.randn(len(METHODS), 40, 2, dtype=torch.float64)
    before_out, before = pop.forward(x), pop.layer_norms2()
    which = torch.zeros(len(METHODS), 1, dtype=torch.bool)
    which[2] = True
    pop.rebalance(which)
    after = pop.layer_norms2()
    assert torch.allclose(pop.forward(x), before_out, atol=1e-12, rtol=0)
    product = float(before[2].prod().sqrt())
    assert after[2].tolist() == pytest.approx([product ** (2 / 4)] * 4, rel=1e-12)  # equal norms
    assert float(after[2].sum()) == pytest.approx(4 * product ** (2 / 4), rel=1e-12)  # W-3: L·(∏‖W‖)^(2/L)
    assert torch.equal(after[0], before[0])                                          # others untouched


def test_no_input_gradient_exceeds_the_product_of_spectral_norms():
    values = _values(dataset="classification", train_size=200, steps=20, imbalance=5.0)
    data = make_race_data("classification", 200, 0.0, 0.0, 0)
    pop, _ = _population(values, inputs=data.x_train.shape[1])
    tensors = {k: torch.from_numpy(np.asarray(getattr(data, k))) for k in ("x_train", "y_train", "x_test", "y_test")}
    tensors = {k: v.double() if k.startswith("x") else v for k, v in tensors.items()}
    measured = evaluate(pop, tensors, 0.1, None)
    assert np.all(measured["max_input_grad"] <= measured["product_spectral"] * (1 + 1e-9))
    assert np.all(measured["product_spectral"] <= measured["product_frobenius"] * (1 + 1e-9))
    assert np.all(measured["fgsm_acc"] <= measured["test_acc"] + 1e-12)


def test_a_short_race_streams_every_declared_curve_and_the_final_table():
    import engines.regularization as engine

    race = engine.EXPERIMENTS[0]
    values = validate_race({"steps": 40, "eval_every": 20, "train_size": 60, "width": 16})
    frames = list(run_race(values, RunContext.for_params(values)))
    declared = {s.name for s in race.series()}
    last = frames[-1]
    assert last.step == 40 and last.progress == 1.0
    for m in METHODS:
        for key in ("train_loss", "test_loss", "test_acc", "l2", "log_norm_sum", "imbalance", "input_grad",
                    "fgsm_acc", "norm_1", "norm_3"):
            assert f"{key}_{m}" in last.scalars
    assert set(last.scalars) <= declared
    final = last.arrays["final"]
    assert final.shape == (len(METHODS), 7) and list(final[:, 0]) == list(range(len(METHODS)))
    assert final[:, 2].tolist() == [last.scalars[f"test_acc_{m}"] for m in METHODS]


def test_a_diverging_method_stops_and_the_others_race_on():
    values = validate_race({"methods": "none,l2_sgd", "sgd_lr": 1.0, "imbalance": 30.0, "steps": 60,
                            "eval_every": 20, "train_size": 50})
    frames = list(run_race(values, RunContext.for_params(values)))
    last = frames[-1]
    assert not last.diverged and last.step == 60
    assert "train_loss_none" in last.scalars and "train_loss_l2_sgd" not in last.scalars
    assert "stopped: l2_sgd" in last.message
    assert math.isnan(last.arrays["final"][1, 2]) and not math.isnan(last.arrays["final"][0, 2])


def test_label_noise_flips_that_many_training_labels_and_never_a_test_label():
    clean = make_race_data("moons", 200, 0.2, 0.0, 3)
    noisy = make_race_data("moons", 200, 0.2, 0.25, 3)
    assert noisy.flipped == 50 and int((clean.y_train != noisy.y_train).sum()) == 50
    assert np.array_equal(clean.y_test, noisy.y_test) and np.array_equal(clean.x_train, noisy.x_train)
    digits = make_race_data("digits", 300, 0.0, 0.1, 0)
    assert digits.classes == 10 and digits.clip == (0.0, 1.0) and len(digits.y_test) == 540


def test_bad_methods_and_sizes_name_the_parameter():
    with pytest.raises(ParameterError, match="methods"):
        validate_race({"methods": "none,ridge"})
    with pytest.raises(ParameterError, match="train_size"):
        make_race_data("digits", 2000, 0.0, 0.0, 0)


def test_the_form_shows_only_the_coefficients_the_chosen_methods_read():
    hidden = set(RACE_PARAMS.names()) - relevant_race({"methods": "none,adamw", "dataset": "digits"})
    assert hidden == {"lam", "lam1", "lam2", "noise", "sgd_lr"}
    assert relevant_race({"methods": ",".join(METHODS), "dataset": "moons"}) == set(RACE_PARAMS.names())


def test_a_live_coefficient_reaches_the_running_race():
    values = validate_race({"methods": "l2_adam", "lam": 1e-7, "steps": 60, "eval_every": 20, "train_size": 60,
                            "width": 16})

    def final_l2(change_at):
        ctx = RunContext.for_params(values)
        last = None
        for frame in run_race(values, ctx):
            if frame.step == change_at:
                ctx.set_live("lam", 0.5)
            last = frame
        return last.scalars["l2_l2_adam"]

    steady, changed = final_l2(None), final_l2(20)
    assert changed < 0.9 * steady    # the strong penalty from step 20 on shrank the weights


@pytest.mark.parametrize("methods", ["l2_sgd,weissi_full", "l2_sgd,l2_rebalance"])
def test_a_member_that_blows_up_between_evaluations_stops_without_harming_the_others(methods):
    values = validate_race({"methods": methods, "sgd_lr": 1.0, "imbalance": 30.0,
                            "steps": 80, "eval_every": 40, "train_size": 50})
    last = list(run_race(values, RunContext.for_params(values)))[-1]
    assert last.step == 80 and not last.diverged
    assert "stopped: l2_sgd" in last.message and "train_loss_l2_sgd" not in last.scalars
    other = methods.split(",")[1]
    assert f"test_acc_{other}" in last.scalars
    assert all(math.isfinite(v) for k, v in last.scalars.items() if k.endswith(other))


def test_no_input_gradient_exceeds_the_bound_after_training_with_biases():
    values = validate_race({"steps": 200, "eval_every": 100, "train_size": 80, "width": 32, "imbalance": 4.0})
    for frame in run_race(values, RunContext.for_params(values)):
        for m in METHODS:
            if f"max_input_grad_{m}" in frame.scalars:
                assert frame.scalars[f"max_input_grad_{m}"] <= frame.scalars[f"product_spectral_{m}"] * (1 + 1e-5)
                assert frame.scalars[f"input_grad_{m}"] <= frame.scalars[f"max_input_grad_{m}"]
