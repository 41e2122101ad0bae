"""The population machinery against torch's own modules: the stacked MLP equals nn.Linear layers,
PopulationAdam equals torch.optim.Adam, members never see each other, and the guard names the
first metric that blew up."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from engines.training.guard import DivergenceGuard
from engines.training.population import MemberBatches, PopulationAdam, StackedMLP, member_generators


def _twin_linear_stack(mlp: StackedMLP, member: int) -> torch.nn.Sequential:
    layers = []
    for i, layer in enumerate(mlp.layers):
        lin = torch.nn.Linear(*layer.weight.shape[1:])
        with torch.no_grad():
            lin.weight.copy_(layer.weight[member].T)
            lin.bias.copy_(layer.bias[member, 0])
        layers.append(lin)
        if i < len(mlp.layers) - 1:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def test_stacked_mlp_member_equals_plain_linear_layers():
    mlp = StackedMLP([5, 7, 3], member_generators([1, 2]), "cpu")
    x = torch.randn(2, 4, 5)
    out = mlp(x)
    for member in (0, 1):
        torch.testing.assert_close(out[member], _twin_linear_stack(mlp, member)(x[member]))


def test_initialisation_of_a_member_does_not_depend_on_the_population():
    alone = StackedMLP([4, 6, 2], member_generators([7]), "cpu")
    crowd = StackedMLP([4, 6, 2], member_generators([3, 7, 9]), "cpu")
    for a, c in zip(alone.parameters(), crowd.parameters()):
        torch.testing.assert_close(a[0], c[1], rtol=0, atol=0)
    bound = 1 / math.sqrt(4)
    assert float(crowd.layers[0].weight.detach().abs().max()) <= bound


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.5, 0.999)])
def test_population_adam_equals_torch_adam_per_member(betas):
    mlp = StackedMLP([3, 8, 2], member_generators([0, 1]), "cpu")
    lrs = torch.tensor([1e-2, 3e-3])
    opt = PopulationAdam(mlp.parameters(), lrs, betas)
    twins = [_twin_linear_stack(mlp, m) for m in (0, 1)]
    twin_opts = [torch.optim.Adam(t.parameters(), lr=float(lr), betas=betas) for t, lr in zip(twins, lrs)]
    g = torch.Generator().manual_seed(0)
    for _ in range(25):
        x = torch.randn(2, 6, 3, generator=g)
        target = torch.randn(2, 6, 2, generator=g)
        ((mlp(x) - target) ** 2).mean(dim=(1, 2)).sum().backward()
        opt.step()
        for m, (twin, twin_opt) in enumerate(zip(twins, twin_opts)):
            twin_opt.zero_grad()
            ((twin(x[m]) - target[m]) ** 2).mean().backward()
            twin_opt.step()
    for m, twin in enumerate(twins):
        torch.testing.assert_close(mlp(x)[m], twin(x[m]), rtol=1e-5, atol=1e-6)


def test_member_batches_cover_the_data_once_per_epoch_with_member_own_noise():
    batches = MemberBatches(10, 4, 2, member_generators([0, 1]), "cpu")
    assert batches.steps_per_epoch == 3
    seen = [batches.next() for _ in range(3)]
    index = torch.cat([s[0] for s in seen], dim=1)
    assert [sorted(row.tolist()) for row in index] == [list(range(10))] * 2
    assert [s[0].shape[1] for s in seen] == [4, 4, 2]
    assert not torch.equal(index[0], index[1])
    lone = MemberBatches(10, 4, 2, member_generators([1]), "cpu")
    torch.testing.assert_close(lone.next()[1][0], seen[0][1][1], rtol=0, atol=0)


def test_guard_names_the_first_non_finite_or_exploding_metric():
    guard = DivergenceGuard(explode_factor=100, warmup=2)
    assert guard.check(1, {"loss": 2.0, "kl": 1.0}) == ""
    assert guard.check(2, {"loss": 3.0, "kl": 1.0}) == ""
    assert guard.check(3, {"loss": 250.0, "kl": 1.0}) == ""
    assert guard.check(4, {"loss": 301.0, "kl": 1.0}).startswith("loss exploded to 301 at step 4")
    assert guard.check(5, {"loss": 1.0, "kl": float("nan")}) == "kl became nan at step 5"


def test_the_population_guard_says_what_a_guard_per_member_says_and_when():
    from engines.training.guard import PopulationGuard

    rng = np.random.default_rng(4)
    steps, members, names = 40, 30, ("loss", "task", "kl")
    values = np.abs(rng.normal(1.0, 0.3, (steps, members, 3)))
    for m in range(0, members, 3):                                    # a third of the members go wrong
        at, metric = rng.integers(1, steps), rng.integers(0, 3)
        values[at:, m, metric] = rng.choice([np.nan, np.inf, -np.inf, 1e9])
    values[5, 1, 0] = 1e9                                             # inside the warm-up: only sets the scale
    guard = PopulationGuard(names, members, torch.device("cpu"), explode_factor=100, warmup=10)
    singles = [DivergenceGuard(explode_factor=100, warmup=10) for _ in range(members)]
    expected, seen = {}, {}
    for step in range(1, steps + 1):
        guard.update(step, torch.tensor(values[step - 1]))
        for m, single in enumerate(singles):
            if m not in expected:
                said = single.check(step, dict(zip(names, values[step - 1, m])))
                if said:
                    expected[m] = (step, said)
        if step % 7 == 0 or step == steps:
            found = guard.newly_diverged()
            assert not set(found) & set(seen)                          # each member reported once
            seen.update(found)
    assert seen == expected and len(expected) >= 8
