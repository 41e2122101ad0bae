"""``multitask:pareto`` (panel M3): the gradient view of part 二 and 三 in two dimensions.

At a point θ₀ the page shows each task's gradient g_i, their convex hull and four update
directions: the plain sum Σg_i (eq. 1), the normalised sum Σg_i/‖g_i‖ (eq. 13), MGDA's min-norm
point of the hull (the direction that lowers every task fastest in the worst case; at it
⟨g_i, u⟩ ≥ ‖u‖², M-9) and the primary/auxiliary direction g₁ + Σλ_ig_i, λ ≥ 0 (part 三: task 1
primary, the others may not rise, M-11).  From θ₀ each rule then takes ``steps`` steps
θ ← θ − η·u; the paths are drawn over the contours and in the (L₁, L₂) plane with the Pareto front.
MGDA stops on the Pareto set, where u = 0; the normalised sum keeps a fixed step length there.
"""
from __future__ import annotations

from typing import Any, Iterator

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParamSchema, ParameterError, parse_list
from engines.multitask.pareto_tasks import Bowls, pareto_set
from engines.multitask.weighting import auxiliary_coefficients, min_norm_two, normalized_sum

RULES = ("sum", "normalized", "mgda", "projection")
RULE_LABELS = {"sum": "plain sum (1)", "normalized": "normalised sum (13)", "mgda": "MGDA min-norm",
               "projection": "task 1 primary, others auxiliary"}
MAX_TASKS, GRID, EXTENT = 4, 101, 3.0

PARETO_PARAMS = ParamSchema([
    Param("tasks", 2, kind="int", lo=2, hi=MAX_TASKS, help="number of tasks (bowls)"),
    Param("centres", "-1, 0; 1, 0.5; 0, -1.2; 1.2, -1", kind="str",
          help="each bowl's centre x, y; bowls separated by ';' (drag them on the plot); within ±3"),
    Param("anisotropy", "6, 1, 3, 1", kind="str",
          help="each bowl's curvature ratio a_i ≥ 1 (A_i has eigenvalues a_i and 1), comma-separated, 1–100"),
    Param("rotation", "30, 0, -45, 0", kind="str", help="each bowl's rotation in degrees, comma-separated"),
    Param("scales", "1, 1, 1, 1", kind="str",
          help="each task's loss multiplier s_i (a change of units), comma-separated, 1e-3–1e3"),
    Param("ripple", 0.0, lo=0.0, hi=3.0,
          help="r of the ripple r·Σ sin²(3(θ_j − c_ij)) added to every bowl: 0 is convex, more adds local minima"),
    Param("start", "2, 2", kind="str", help="θ₀ = x, y: where the gradients are drawn and the paths start"),
    Param("lr", 0.05, lo=1e-4, hi=1.0, log=True, help="step size η of every rule"),
    Param("steps", 200, kind="int", lo=1, hi=5000, help="steps of each path"),
])


def _numbers(name: str, text: str, count: int, lo: float, hi: float) -> np.ndarray:
    values = parse_list(name, text, Param(name, 1.0, lo=lo, hi=hi))
    if len(values) < count:
        raise ParameterError(name, f"{name}: {len(values)} values for {count} tasks; allowed: {count} numbers "
                                   f"in [{lo:g}, {hi:g}]")
    return np.asarray(values[:count], dtype=np.float64)


def parse_points(name: str, text: str, count: int) -> np.ndarray:
    """``"x, y; x, y; …"`` → (count, 2), each coordinate within ±EXTENT."""
    allowed = f"allowed: {count} point(s) 'x, y' separated by ';', coordinates in [{-EXTENT:g}, {EXTENT:g}]"
    groups = [g for g in str(text).split(";") if g.strip()]
    if len(groups) < count:
        raise ParameterError(name, f"{name}: {len(groups)} points for {count}; {allowed}")
    points = [parse_list(name, g, Param(name, 0.0, lo=-EXTENT, hi=EXTENT)) for g in groups[:count]]
    if any(len(point) != 2 for point in points):
        raise ParameterError(name, f"{name}: a point needs two numbers; {allowed}")
    return np.array(points, dtype=np.float64)


def bowls_of(p: dict[str, Any]) -> Bowls:
    t = p["tasks"]
    return Bowls.of(parse_points("centres", p["centres"], t), _numbers("anisotropy", p["anisotropy"], t, 1.0, 100.0),
                    _numbers("rotation", p["rotation"], t, -360.0, 360.0), _numbers("scales", p["scales"], t, 1e-3, 1e3),
                    p["ripple"])


def min_norm_point(g: np.ndarray) -> np.ndarray:
    """MGDA's u, the point of the convex hull of the g_i (T, 2) nearest the origin, exactly: 0 when
    the origin lies inside (no angular gap between the gradients reaches π), otherwise the nearest
    point of the nearest segment [g_i, g_j] (the foot of the altitude, clipped; M-9)."""
    angles = np.sort(np.arctan2(g[:, 1], g[:, 0]))
    gaps = np.diff(np.append(angles, angles[0] + 2 * np.pi))
    if len(g) > 2 and gaps.max() < np.pi and np.all(np.linalg.norm(g, axis=1) > 0):
        return np.zeros(2)
    best = g[np.argmin(np.linalg.norm(g, axis=1))]
    for i in range(len(g)):
        for j in range(i + 1, len(g)):
            a = min_norm_two(g[i], g[j])
            point = a * g[i] + (1.0 - a) * g[j]
            if point @ point < best @ best:
                best = point
    return best


def direction(rule: str, g: np.ndarray) -> np.ndarray:
    """The rule's update direction u from the task gradients g (T, 2); the step is −η·u."""
    if rule == "sum":
        return g.sum(axis=0)
    norms = np.linalg.norm(g, axis=1)
    if rule == "normalized":
        return normalized_sum(g) if np.all(norms > 0) else np.zeros(2)
    if rule == "mgda":
        return min_norm_point(g)
    helpers = g[1:][norms[1:] > 0]
    return g[0] + auxiliary_coefficients(g[0], helpers, iterations=5) @ helpers if len(helpers) else g[0].copy()


def path(bowls: Bowls, rule: str, start: np.ndarray, lr: float, steps: int) -> np.ndarray:
    points = np.empty((steps + 1, 2))
    points[0] = start
    for k in range(steps):
        points[k + 1] = points[k] - lr * direction(rule, bowls.gradients(points[k]))
        if not np.all(np.isfinite(points[k + 1])) or np.abs(points[k + 1]).max() > 1e6:
            return points[:k + 1]
    return points


def hull(points: np.ndarray) -> np.ndarray:
    """The convex hull's corners in order, closed (the first repeated); a segment when the points
    are two or collinear."""
    from scipy.spatial import ConvexHull, QhullError

    if len(points) > 2:
        try:
            ring = points[ConvexHull(points).vertices]
            return np.vstack([ring, ring[:1]])
        except QhullError:
            pass
    spread = points - points.mean(axis=0)
    axis = np.linalg.svd(spread)[2][0]
    ends = points[[np.argmin(spread @ axis), np.argmax(spread @ axis)]]
    return np.vstack([ends, ends[:1]])


def playground(p: dict[str, Any], ctx: RunContext | None = None) -> Frame:
    bowls = bowls_of(p)
    start = parse_points("start", p["start"], 1)[0]
    g = bowls.gradients(start)
    directions = {rule: direction(rule, g) for rule in RULES}
    axis = np.linspace(-EXTENT, EXTENT, GRID)
    gx, gy = np.meshgrid(axis, axis, indexing="ij")
    fields = bowls.losses(np.stack([gx, gy], axis=-1))                                  # (G, G, T)
    coarse = np.linspace(-EXTENT, EXTENT, 61)
    front = pareto_set(bowls, coarse, coarse)
    arrays = {"grid_x": axis, "grid_y": axis, "gradients": np.column_stack([np.arange(1, bowls.tasks + 1), g]),
              "hull": hull(g), "pareto_set": front, "pareto_front": bowls.losses(front)[:, :2],
              "directions": np.column_stack([np.arange(len(RULES)), [directions[r] for r in RULES]]),
              **{f"field_{i + 1}": fields[..., i] for i in range(bowls.tasks)}}
    scalars: dict[str, float] = {}
    for rule in RULES:
        if ctx is not None:
            ctx.check()
        points = path(bowls, rule, start, p["lr"], p["steps"])
        arrays[f"path_{rule}"] = points
        arrays[f"loss_path_{rule}"] = bowls.losses(points)[:, :2]
        end = points[-1]
        scalars[f"final_distance_{rule}"] = float(np.linalg.norm(front - end, axis=1).min())
        scalars[f"final_direction_norm_{rule}"] = float(np.linalg.norm(direction(rule, bowls.gradients(end))))
    u = directions["mgda"]
    scalars.update(mgda_slack=float((g @ u).min() - u @ u), mgda_norm=float(np.linalg.norm(u)),
                   normalized_min_inner=float((g @ directions["normalized"]).min()),
                   projection_aux_min_inner=float((g[1:] @ directions["projection"]).min()),
                   projection_primary_gap=float(g[0] @ directions["projection"] - directions["projection"]
                                                @ directions["projection"]))
    message = (f"at θ₀: ‖u_MGDA‖ = {scalars['mgda_norm']:.4g}, min_i⟨g_i,u⟩ − ‖u‖² = {scalars['mgda_slack']:.2g} "
               f"(≥ 0) · after {p['steps']} steps MGDA is {scalars['final_distance_mgda']:.2g} from the Pareto set")
    columns = {"gradients": ("task", "gx", "gy"), "hull": ("gx", "gy"), "pareto_set": ("x", "y"),
               "pareto_front": ("loss_1", "loss_2"), "directions": ("rule", "ux", "uy"),
               **{f"path_{r}": ("x", "y") for r in RULES}, **{f"loss_path_{r}": ("loss_1", "loss_2") for r in RULES}}
    return Frame(step=0, progress=1.0, scalars=scalars, arrays=arrays, columns=columns, message=message)


def run_pareto(params: dict[str, Any], ctx: RunContext) -> Iterator[Frame]:
    yield playground(PARETO_PARAMS.validate(params), ctx)
