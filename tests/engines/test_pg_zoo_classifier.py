"""Training for accuracy (panel Z3): the exact policy gradient of the accuracy is the cross-entropy
gradient re-weighted by p_t (Z-11), the usual REINFORCE surrogate loss has the estimator as its
autograd gradient but not the expected reward as its value (Z-12), the ZO population's batched
scores equal one model at a time, and a run streams every method's curves from one start."""
import numpy as np
import pytest
import torch

from engines.core.frame import RunContext
from engines.pg_zoo.classifier import (CLASSIFIER_METHODS, CLASSIFIER_PARAMS, CUDA_SCORE_CHUNK, SCORE_CHUNK, Methods,
                                      _centred_ranks, run_classifier)
from engines.pg_zoo.probit import CLASSES, digits_features


@pytest.fixture(scope="module")
def batch():
    x, y = digits_features()
    return torch.tensor(x[:64], dtype=torch.float32), torch.tensor(y[:64])


def _model(methods=CLASSIFIER_METHODS, **values):
    p = CLASSIFIER_PARAMS.validate({"methods": ",".join(methods), **values})
    return Methods(tuple(p["methods"].split(",")), p, 65, torch.device("cpu"))


def test_z11_the_exact_policy_gradient_is_the_cross_entropy_gradient_times_p_t(batch):
    x, y = batch
    model = _model(tau=0.7)
    w = model.w[0].clone().requires_grad_(True)
    for n in range(5):                                            # per example, against autograd
        p = torch.softmax(x[n] @ w.view(CLASSES, 65).T / 0.7, dim=0)
        (g_ce,) = torch.autograd.grad(torch.log(p[y[n]]), w)
        (g_pg,) = torch.autograd.grad(torch.softmax(x[n] @ w.view(CLASSES, 65).T / 0.7, dim=0)[y[n]], w)
        assert torch.allclose(g_pg, p[y[n]].detach() * g_ce, atol=1e-7)
        one_hot = torch.nn.functional.one_hot(y[n:n + 1], CLASSES).float()
        assert torch.allclose(model.exact_pg(model.w[0], x[n:n + 1], one_hot), g_pg, atol=1e-7)


def test_z12_the_surrogate_loss_has_the_estimators_gradient_but_not_the_rewards_value(batch):
    x, y = batch
    model = _model(methods=("reinforce",), samples=4, reinforce_baseline="none")
    w = model.w[0].clone().requires_grad_(True)
    one_hot = torch.nn.functional.one_hot(y, CLASSES).float()
    model.draws.manual_seed(3)
    estimate = model._reinforce(model.w[0], x, y, one_hot)            # the method's own direction
    model.draws.manual_seed(3)
    p = torch.softmax(x @ w.view(CLASSES, 65).T, dim=1)
    sampled = torch.multinomial(p.detach(), 4, replacement=True, generator=model.draws)   # the same labels
    rewards = (sampled == y[:, None]).float()
    surrogate = (rewards * torch.log(p.gather(1, sampled))).mean()
    (g,) = torch.autograd.grad(surrogate, w)
    assert torch.allclose(g, estimate, atol=1e-6)                     # autograd of the surrogate = REINFORCE
    assert surrogate.item() <= 0.0 < (p.detach().gather(1, y[:, None])).mean().item()  # not E[reward]


def test_reinforce_is_unbiased_with_every_baseline(batch):
    x, y = batch
    one_hot = torch.nn.functional.one_hot(y, CLASSES).float()
    for baseline in ("none", "mean", "optimal"):
        model = _model(methods=("reinforce",), samples=8, reinforce_baseline=baseline)
        w = model.w[0] + 0.5 * torch.randn(CLASSES * 65, generator=torch.Generator().manual_seed(2))
        mean = torch.stack([model._reinforce(w, x, y, one_hot) for _ in range(800)]).mean(dim=0)
        exact = model.exact_pg(w, x, one_hot)
        assert torch.nn.functional.cosine_similarity(mean.flatten(), exact.flatten(), dim=0) > 0.99, baseline


def test_the_population_scores_all_perturbed_classifiers_at_once_as_one_at_a_time(batch):
    x, y = batch
    model = _model()
    one_hot = torch.nn.functional.one_hot(y, CLASSES).float()
    weights = model.w[0] + 0.3 * torch.randn(20, CLASSES * 65, generator=torch.Generator().manual_seed(1))
    single = torch.stack([(torch.argmax(x @ w.view(CLASSES, 65).T, dim=1) == y).float().mean() for w in weights])
    for chunk in (SCORE_CHUNK, CUDA_SCORE_CHUNK, 3):      # the CPU's chunks of 16, the GPU's single launch
        model.chunk = chunk
        assert torch.equal(model._scores(weights, x, y, one_hot, smooth=False), single)


def test_centred_ranks_share_ties_and_span_half_to_half():
    ranks = _centred_ranks(torch.tensor([0.2, 0.5, 0.2, 0.9]))
    assert ranks.tolist() == pytest.approx([-1 / 3, 1 / 6, -1 / 3, 0.5])


def test_a_short_run_streams_every_method_from_one_start():
    values = CLASSIFIER_PARAMS.validate({"steps": 30, "eval_every": 10, "population": 20})
    frames = [f for f in run_classifier(values, RunContext.for_params(values)) if f.scalars]
    first, last = frames[0].scalars, frames[-1].scalars
    assert len({first[f"test_acc_{m}"] for m in CLASSIFIER_METHODS}) == 1          # the same initial weights
    assert last["grad_cos_exact_pg"] == pytest.approx(1.0, abs=1e-5)
    assert last["forward_passes_zoo"] == 30 * 2 * 20 * 128 and last["forward_passes_ce"] == 30 * 128
    assert last["test_acc_ce"] > 0.8 and 0.0 <= last["changed_zoo"] <= 1.0
    assert all(np.isfinite(v) for v in last.values())
    assert 0 < last["variance_exact_pg"] < last["variance_zoo"]              # sampling weights is noisier


def test_a_smaller_eps_changes_fewer_predictions():
    changed = {}
    for eps in (1e-4, 0.1):
        values = CLASSIFIER_PARAMS.validate({"methods": "zoo", "eps": eps, "steps": 4, "eval_every": 2,
                                             "population": 50})
        changed[eps] = [f for f in run_classifier(values, RunContext.for_params(values)) if f.scalars][-1].scalars["changed_zoo"]
    assert changed[1e-4] < 0.7 < changed[0.1] == 1.0


def test_the_direction_variance_is_the_spread_of_its_terms(batch):
    x, y = batch
    model = _model(methods=("ce",))
    one_hot = torch.nn.functional.one_hot(y, CLASSES).float()
    g, _, variance = model.direction(0, 0, x, y, one_hot)
    terms = torch.stack([torch.outer(one_hot[n] - model.probabilities(model.w[0], x[n:n + 1])[0], x[n])
                         for n in range(len(x))])                           # per-example gradients, τ = 1
    assert torch.allclose(terms.mean(dim=0), g.view(CLASSES, 65), atol=1e-6)
    g = g.view(CLASSES, 65)
    expected = float(((terms - g) ** 2).sum() / (len(x) * (len(x) - 1)))
    assert variance == pytest.approx(expected, rel=1e-4)


def test_the_hidden_layer_back_propagates_like_autograd_and_trains(batch):
    x, y = batch
    model = _model(methods=("ce", "exact_pg"), model="hidden", hidden=16)
    one_hot = torch.nn.functional.one_hot(y, CLASSES).float()
    theta = model.w[0].clone().requires_grad_(True)
    log_p = torch.log_softmax(model.network.logits(theta[None], x)[:, 0], dim=1)
    (expected,) = torch.autograd.grad((log_p * one_hot).sum(dim=1).mean(), theta)     # −∇ cross-entropy
    g, _, variance = model.direction(0, 0, x, y, one_hot)
    assert torch.allclose(g, expected, atol=1e-6) and variance > 0
    p_t = torch.softmax(model.network.logits(theta[None], x)[:, 0], dim=1).gather(1, y[:, None]).mean()
    (expected,) = torch.autograd.grad(p_t, theta)
    assert torch.allclose(model.exact_pg(model.w[0], x, one_hot), expected, atol=1e-6)
    values = CLASSIFIER_PARAMS.validate({"model": "hidden", "hidden": 16, "methods": "ce,zoo", "steps": 40,
                                         "eval_every": 20, "population": 10})
    last = [f for f in run_classifier(values, RunContext.for_params(values)) if f.scalars][-1].scalars
    assert last["test_acc_ce"] > 0.7 and np.isfinite(last["variance_zoo"])
