"""``multitask:arena`` (panel M1): weighting rules trained side by side on one multi-task network.

Every scheme's members start from the same θ₀ and see the same batches; they differ only in their
rule and in the stress on task k (``scaled_task``): the *main* member trains with λ_k·L_k + c_k, and
with ``invariance`` on, a reference (λ = 1, c = 0), a scaled (λ, 0), a shifted (1, c) and a control
member (the reference from θ₀ nudged by one rounding error) feed the invariance monitor
(``engines.multitask.invariance``).  Members with the same stress share one row.

Streams per scheme s and task i (1-based): ``loss_<i>_<s>`` — the task's *unscaled* training loss,
``ratio_<i>_<s>`` = L_i/L_i(0), ``weight_<i>_<s>`` — ∂L_total/∂L_i of the unscaled loss, normalised,
``grad_norm_<i>_<s>`` — ‖∇_trunk L_i‖ of the unscaled loss, ``test_<i>_<s>`` — accuracy or RMSE,
and ``grad_cos_<s>`` (tasks 1, 2), ``combined_norm_<s>`` = ‖Σw_i g_i‖ on the trunk (the weights and
the combined norm are means over the steps since the previous evaluation, the per-task norms and
cosines over the monitored steps among them, every ``monitor_every``-th),
``trajectory_distance_<s>`` = ‖θ_main − θ_ref‖/‖θ_ref‖ and the same for the scaled, shifted and
control members; uncertainty weighting also streams ``uncertainty_s_<i>`` with ``log_loss_<i>``.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass
from typing import Any, Iterator

import torch

from engines.core.frame import Frame, RunContext
from engines.core.torch_runtime import configure_threads, describe_device, resolve_device
from engines.multitask.arena_backward import forward, head_deltas, head_gradient, per_task_heads, trunk_gradients
from engines.multitask.arena_data import ArenaData, load
from engines.multitask.arena_params import ARENA_PARAMS, arena_schemes, check_arena, rule_settings, toy_sigmas
from engines.multitask.arena_population import BatchedAdam, Layout, Population, initial_parameters
from engines.multitask.arena_rules import GRADIENT_RULES, POWER_LAW_RULES, SCHEMES, SchemeState, StepInputs
from engines.multitask.invariance import COLUMNS, RatioTracker

NUDGE = 2.0 ** -52  # the control's start: θ₀·(1 + one rounding error)


@dataclass(frozen=True)
class Stress:
    scale: float
    shift: float
    nudged: bool = False


def plan(schemes: tuple[str, ...], scale: float, shift: float, invariance: bool):
    """The members' (scheme, stress) rows and, per scheme, the row of each role."""
    roles = {"main": Stress(scale, shift)}
    if invariance:
        roles.update(reference=Stress(1.0, 0.0), scaled=Stress(scale, 0.0), shifted=Stress(1.0, shift),
                     control=Stress(1.0, 0.0, True))
    rows: list[tuple[str, Stress]] = []
    where: dict[str, dict[str, int]] = {}
    for s in schemes:
        where[s] = {}
        for role, stress in roles.items():
            if (s, stress) not in rows:
                rows.append((s, stress))
            where[s][role] = rows.index((s, stress))
    return rows, where


def _tensors(data: ArenaData, device):
    def targets(which):
        return [torch.as_tensor(getattr(t, which), device=device,
                                dtype=torch.int64 if t.classes else torch.float64) for t in data.tasks]
    x = torch.as_tensor(data.x_train, dtype=torch.float64, device=device)
    x_test = torch.as_tensor(data.x_test, dtype=torch.float64, device=device)
    return x, targets("y_train"), x_test, targets("y_test")


@dataclass
class Arena:
    """Everything a run needs, built from validated values (tests and the benchmark build it too)."""

    p: dict[str, Any]
    data: ArenaData
    tensors: tuple
    layout: Layout
    theta0: torch.Tensor
    where: dict[str, dict[str, int]]
    trainer: "Trainer"
    init_raw: torch.Tensor

    @classmethod
    def build(cls, p: dict[str, Any], device) -> "Arena":
        tasks = check_arena(p)
        schemes = arena_schemes(p)
        data = load(p["dataset"], p["train_size"], p["noise"], p["ink_units"],
                    toy_sigmas(p) if p["dataset"] == "gradnorm_toy" else ())
        tensors = _tensors(data, device)
        x, y = tensors[0], tensors[1]
        layout = Layout.of(x.shape[1], p["width"], p["depth"], sum(t.outputs for t in data.tasks))
        rows, where = plan(schemes, p["task_scale"], p["task_shift"], p["invariance"])
        theta0 = initial_parameters(layout, p["seed"]).to(device)
        theta = torch.stack([theta0 * (1.0 + NUDGE) if stress.nudged else theta0 for _, stress in rows])
        pop = Population(data, layout, theta, device)
        k = p["scaled_task"] - 1
        scale = torch.ones(len(rows), tasks, dtype=torch.float64, device=device)
        shift = torch.zeros_like(scale)
        for r, (_s, stress) in enumerate(rows):
            scale[r, k], shift[r, k] = stress.scale, stress.shift
        init_raw = pop.metrics(pop.theta, x, y)[0][0]                        # (T,) at θ₀: log K, E[y²]
        prior_raw = torch.tensor([t.prior_loss for t in data.tasks], dtype=torch.float64, device=device)
        settings = rule_settings(p)
        states = []
        for s in schemes:
            members = torch.tensor(sorted({r for r, (name, _) in enumerate(rows) if name == s}), device=device)
            states.append(SchemeState(s, members, settings, init_raw * scale[members] + shift[members],
                                      prior_raw * scale[members] + shift[members]))
        return cls(p, data, tensors, layout, theta0, where, Trainer(pop, states, scale, shift, p), init_raw)


class Batches:
    """The batches every member shares: a seeded shuffle, reshuffled once an epoch is used up."""

    def __init__(self, n: int, batch_size: int, seed: int):
        self.n, self.batch = n, min(batch_size, n)
        self.generator = torch.Generator().manual_seed(seed)
        self.order, self.cursor = torch.randperm(n, generator=self.generator), 0

    def next(self) -> torch.Tensor:
        if self.cursor + self.batch > self.n:
            self.order, self.cursor = torch.randperm(self.n, generator=self.generator), 0
        self.cursor += self.batch
        return self.order[self.cursor - self.batch:self.cursor]


def run_arena(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    p = ARENA_PARAMS.validate(params)
    device = resolve_device(p["device"])
    configure_threads(device)
    arena = Arena.build(p, device)
    trainer, (x, y) = arena.trainer, arena.tensors[:2]
    tracker = RatioTracker()
    batches = Batches(len(x), p["batch_size"], p["seed"])
    yield Frame(0, 0.0, message=f"training {len(arena.where)} schemes ({trainer.pop.theta.shape[0]} members) on "
                                f"{p['dataset']} on {describe_device(device)}")
    started = time.perf_counter()
    for step in range(p["steps"] + 1):
        ctx.check()
        if step % p["eval_every"] == 0 or step == p["steps"]:
            yield _evaluate(arena, tracker, step, time.perf_counter() - started)
        if step == p["steps"] or trainer.all_diverged:
            if trainer.all_diverged:
                yield Frame(step, step / p["steps"], diverged="every member's loss became non-finite",
                            message=f"step {step}: every member diverged; lower lr")
            break
        index = batches.next().to(device)
        trainer.step(x[index], [t[index] for t in y], ctx.live("lr"))


def selector(rows: torch.Tensor) -> slice | torch.Tensor:
    """A slice where the rows are consecutive (indexing then takes a view, not a copy)."""
    if len(rows) and bool((rows == torch.arange(int(rows[0]), int(rows[0]) + len(rows), device=rows.device)).all()):
        return slice(int(rows[0]), int(rows[0]) + len(rows))
    return rows


class Trainer:
    """One step of every member: the gradients its rule needs, its weights, the optimiser.

    Gradient-level rules get the T per-task gradients every step; loss-level rules get one weighted
    backward, and their per-task gradients (the norms and cosines the page shows) are measured on
    every ``monitor_every``-th step only (``arena_backward``)."""

    def __init__(self, pop: Population, states: list[SchemeState], scale, shift, p: dict[str, Any]):
        self.pop, self.states, self.scale, self.shift = pop, states, scale, shift
        theta = pop.theta
        self.optimizer = BatchedAdam(theta.shape, theta.dtype, theta.device, adam=p["optimizer"] == "adam")
        self.upper_bound = "mgda" in [s.scheme for s in states] and p["mgda_mode"] == "ub"
        self.monitor_every = int(p.get("monitor_every", 1))
        rows, tasks = theta.shape[0], scale.shape[1]
        gradient_level = torch.zeros(rows, dtype=torch.bool, device=theta.device)
        for state in states:
            gradient_level[state.rows] = state.scheme in GRADIENT_RULES
        self.gradient_rows = gradient_level.nonzero().flatten()
        self.loss_rows = (~gradient_level).nonzero().flatten()
        self.all_rows = torch.arange(rows, device=theta.device)
        power = [state for state in states if state.scheme in POWER_LAW_RULES]
        self.ruled = [state for state in states if state.scheme not in POWER_LAW_RULES]
        power_rows = torch.cat([state.rows for state in power]) if power else self.all_rows[:0]
        self.has_gradient_rows, self.has_loss_rows, self.has_power_rows = (
            len(self.gradient_rows) > 0, len(self.loss_rows) > 0, len(power_rows) > 0)
        self.gradient_sel, self.loss_sel, self.power_sel = (selector(r) for r in (self.gradient_rows, self.loss_rows,
                                                                                  power_rows))
        laws = [state.power_law() for state in power]
        self.power_c = torch.cat([c for c, _ in laws]) if power else None
        self.power_e = torch.cat([e for _, e in laws]) if power else None
        self.gradient_position = torch.full((rows,), -1, dtype=torch.long, device=theta.device)
        self.gradient_position[self.gradient_rows] = torch.arange(len(self.gradient_rows), device=theta.device)
        self.column_task = torch.cat([torch.full((b - a,), t, device=theta.device)
                                      for t, (a, b) in enumerate(pop.bounds)])
        self.losses = torch.full((rows, tasks), math.nan, dtype=torch.float64, device=theta.device)
        self.sums: dict[str, tuple[str, torch.Tensor]] = {}
        self.counts: dict[str, int] = {}
        self.steps = 0
        self.alive = torch.ones(rows, dtype=torch.bool, device=theta.device)

    @property
    def all_diverged(self) -> bool:
        return not bool(self.alive.any())

    def step(self, xb, yb, lr: float) -> None:
        pop, theta = self.pop, self.pop.theta
        trunk_size = pop.layout.trunk
        monitor = self.steps % self.monitor_every == 0
        self.steps += 1
        fp = forward(pop, theta, xb, yb, self.scale, self.shift)
        losses, deltas = fp.losses, head_deltas(pop, theta, fp.delta_out)
        full = slice(None) if monitor else self.gradient_sel
        position = self.all_rows if monitor else self.gradient_position
        inputs: dict[str, torch.Tensor | None] = dict(norms=None, last_norms=None, gram=None, gram_ub=None)
        if monitor or self.has_gradient_rows:
            acts = [a[full] for a in fp.activations]
            trunk = trunk_gradients(pop, theta[full], acts, deltas[full])
            heads = per_task_heads(pop, acts, fp.delta_out[full])
            a, b = pop.layout.last_shared
            on_h = deltas[full].flatten(2) if self.upper_bound else None
            inputs = dict(norms=((trunk ** 2).sum(dim=2) + (heads ** 2).sum(dim=2)).sqrt(),
                          last_norms=trunk[:, :, a:b].norm(dim=2), gram=torch.einsum("pin,pjn->pij", trunk, trunk),
                          gram_ub=torch.einsum("pin,pjn->pij", on_h, on_h) if on_h is not None else None)
        w_trunk, w_head = torch.ones_like(losses), torch.ones_like(losses)
        if self.has_power_rows:
            w_trunk[self.power_sel] = w_head[self.power_sel] = self.power_c * losses[self.power_sel] ** self.power_e
        for state in self.ruled:
            r = state.rows
            at = position[r] if state.scheme in GRADIENT_RULES else None
            picked = StepInputs(losses[r], **{k: (v[at] if v is not None and at is not None else None)
                                              for k, v in inputs.items()})
            w_trunk[r], w_head[r] = state.weights(picked)
        direction = torch.empty_like(theta)
        if self.has_gradient_rows:
            g, at = self.gradient_sel, (self.gradient_sel if monitor else slice(None))
            direction[g] = torch.cat([torch.einsum("pt,ptn->pn", w_trunk[g], trunk[at]),
                                      torch.einsum("pt,ptn->pn", w_head[g], heads[at])], dim=1)
        if self.has_loss_rows:
            r = self.loss_sel
            acts = [a[r] for a in fp.activations]
            top = torch.einsum("pt,ptbw->pbw", w_trunk[r], deltas[r]).unsqueeze(1)
            direction[r] = torch.cat([trunk_gradients(pop, theta[r], acts, top)[:, 0],
                                      head_gradient(pop, acts, fp.delta_out[r] * w_head[r][:, None, self.column_task])],
                                     dim=1)
        finite = torch.isfinite(direction).all(dim=1) & torch.isfinite(losses).all(dim=1)
        self.alive &= finite
        if not bool(self.alive.all()):
            direction[~self.alive] = 0.0
        self.optimizer.step(theta, direction, lr)
        self.losses = losses
        self._accumulate("every", weights=self._effective(w_trunk), combined=direction[:, :trunk_size].norm(dim=1))
        if monitor:
            norms = trunk.norm(dim=2)
            cos = (inputs["gram"][:, 0, 1] / (norms[:, 0] * norms[:, 1]).clamp_min(1e-300) if trunk.shape[1] > 1
                   else norms[:, 0] * math.nan)
            self._accumulate("monitored", norms=norms / self.scale, cos=cos)

    def _accumulate(self, cadence: str, **values: torch.Tensor) -> None:
        """Add one step's values to the sums of their cadence ("every" step or "monitored" steps)."""
        for key, value in values.items():
            self.sums[key] = (cadence, self.sums[key][1] + value if key in self.sums else value.clone())
        self.counts[cadence] = self.counts.get(cadence, 0) + 1

    def averages(self) -> dict[str, torch.Tensor]:
        """The per-step quantities averaged over the steps since the last call (single batches are
        noisy; their mean over an evaluation interval is what a curve can show); the per-task norms
        and cosines over the monitored steps among them."""
        out = {key: value / self.counts[cadence] for key, (cadence, value) in self.sums.items()}
        self.sums, self.counts = {}, {}
        return out

    def _effective(self, w_trunk: torch.Tensor) -> torch.Tensor:
        raw = w_trunk * self.scale
        return raw / raw.sum(dim=1, keepdim=True)


def _distance(theta: torch.Tensor, a: int, b: int) -> float:
    return float((theta[a] - theta[b]).norm() / theta[b].norm())


def _evaluate(arena: Arena, tracker: RatioTracker, step: int, seconds: float) -> Frame:
    x, y, x_test, y_test = arena.tensors
    trainer, p, where, init_raw = arena.trainer, arena.p, arena.where, arena.init_raw
    pop = trainer.pop
    mean = trainer.averages()
    train_losses, _ = pop.metrics(pop.theta, x, y)
    _, test = pop.metrics(pop.theta, x_test, y_test)
    scalars: dict[str, float] = {"seconds": seconds}
    for s, role in where.items():
        m = role["main"]
        if not bool(trainer.alive[m]):
            continue
        for i in range(train_losses.shape[1]):
            scalars[f"loss_{i + 1}_{s}"] = float(train_losses[m, i])
            scalars[f"ratio_{i + 1}_{s}"] = float(train_losses[m, i] / init_raw[i])
            scalars[f"test_{i + 1}_{s}"] = float(test[m, i])
            if "weights" in mean:
                scalars[f"weight_{i + 1}_{s}"] = float(mean["weights"][m, i])
            if "norms" in mean:
                scalars[f"grad_norm_{i + 1}_{s}"] = float(mean["norms"][m, i])
        if "cos" in mean:
            scalars[f"grad_cos_{s}"] = float(mean["cos"][m])
        if "combined" in mean:
            scalars[f"combined_norm_{s}"] = float(mean["combined"][m])
        if "reference" in role:
            ref = role["reference"]
            control = _distance(pop.theta, role["control"], ref)
            scalars[f"trajectory_distance_{s}"] = _distance(pop.theta, m, ref)
            scalars[f"control_distance_{s}"] = control
            for stress in ("scaled", "shifted"):
                d = _distance(pop.theta, role[stress], ref)
                scalars[f"{stress}_distance_{s}"] = d
                tracker.update(s, stress, d, control)
        if s == "uncertainty" and step:
            state = next(st for st in trainer.states if st.scheme == s)
            local = int((state.rows == m).nonzero()[0, 0])
            for i in range(train_losses.shape[1]):
                scalars[f"uncertainty_s_{i + 1}"] = float(state.s[local, i])
                scalars[f"log_loss_{i + 1}"] = float(trainer.losses[m, i].log())
    arrays, columns = {}, {}
    if p["invariance"]:
        arrays["invariance"] = tracker.table(tuple(where), p["gamma"], p["uncertainty_start"], SCHEMES.index)
        columns["invariance"] = COLUMNS
    progress = step / p["steps"]
    parts = [f"{s} {scalars[f'test_1_{s}']:.3g}" for s in where if f"test_1_{s}" in scalars]
    message = f"step {step}/{p['steps']}: task 1 test metric " + ", ".join(parts)
    return Frame(step, progress, scalars, arrays, columns, message=message)
