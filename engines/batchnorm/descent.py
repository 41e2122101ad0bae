"""Q1: the descent-lemma playground (batchnorm.md §1.1–1.2, eqs. 1–4; §4 Q1; §5 facts 1–2).

If ∇f is L-Lipschitz (eq. 1), then f(θ−ηg) ≤ f(θ) − η‖g‖² + (L/2)η²‖g‖² (eqs. 2–4): a gradient step
is guaranteed to go down for 0 < η < 2/L, and the guarantee is best at η = 1/L.  Two models make
this concrete in two parameters:

* ``quadratic``: f = ½θᵀAθ with A = R(angle)·diag(λ1, λ2)·R(angle)ᵀ, L = max(λ1, λ2).  GD multiplies
  each eigen-component by 1 − ηλᵢ, so it converges from a generic start iff η < 2/L (fact 1).
* ``logistic``: mean log(1 + e^{−s θ·x}) over a seeded 2-D data set whose second moment E[xxᵀ] is
  *exactly* A (whitened, then coloured), so L = λ_max(E[xxᵀ])/4 bounds the Hessian
  E[σ(1−σ)xxᵀ] everywhere (σ(1−σ) ≤ ¼; fact 2 with L = λ_max/4).

``run_descent(params, ctx)`` yields one Frame:

arrays["path"]       columns step, theta1, theta2 (the GD iterates; stops early once diverged)
arrays["loss"]       columns step, loss, gap (gap = f − f*)
arrays["line"]       columns eta_L, eta, true, bound: f(θₖ − ηg) and the eq.-(4) bound along the
                     gradient at the probed iterate θₖ (eta_L = η·L, i.e. η in multiples of 1/L)
arrays["contour"]    f − f* on a grid (rows: theta2 = contour_y, columns: theta1 = contour_x)
arrays["contour_x"], arrays["contour_y"]   the grid axes
scalars              L, inv_L, two_over_L, eta, eta_over_L, lambda_min, contraction, f_star,
                     initial_gap, final_loss, final_gap, converged, diverged, violations, checks,
                     steps_run, probe_step, theta_star_1, theta_star_2
"""
from __future__ import annotations

import math

import numpy as np

from engines.core.frame import Frame, RunContext
from engines.core.params import Param, ParameterError, ParamSchema

MODELS = ("quadratic", "logistic")
N_POINTS = 200          # size of the logistic data set
GRID = 101              # contour grid points per axis
LINE_POINTS = 201       # probe points along the gradient line
VIOLATION_RTOL = 1e-9   # fact 2: a violation is an excess beyond this relative tolerance
BLOW_UP = 1e12          # gap growth factor at which GD is stopped as diverged

DESCENT_PARAMS = ParamSchema([
    Param("model", "quadratic", kind="choice", choices=MODELS,
          help="quadratic: f = ½θᵀAθ; logistic: 2-parameter logistic regression on 2-D points "
               "with E[xxᵀ] = A"),
    Param("lambda1", 1.0, lo=0.01, hi=10.0, log=True, label="λ1",
          help="first eigenvalue of A (curvature of the quadratic, or data second moment)"),
    Param("lambda2", 0.2, lo=0.01, hi=10.0, log=True, label="λ2", help="second eigenvalue of A"),
    Param("angle_deg", 30.0, lo=-90.0, hi=90.0, step=1.0, unit="°", label="rotation",
          help="angle of A's first eigenvector from the θ1 axis"),
    Param("eta_over_L", 1.5, lo=0.05, hi=2.5, step=0.01, label="η × L",
          help="step size in multiples of 1/L: below 2 the descent lemma guarantees a decrease"),
    Param("start_x", -1.0, lo=-5.0, hi=5.0, step=0.1, label="start θ1", help="first coordinate of θ₀"),
    Param("start_y", 2.3, lo=-5.0, hi=5.0, step=0.1, label="start θ2", help="second coordinate of θ₀"),
    Param("steps", 60, kind="int", lo=1, hi=500, help="number of gradient-descent steps"),
    Param("probe_step", 0, advanced=True, kind="int", lo=0, hi=500, label="probe at step",
          help="the iterate θₖ whose gradient line is probed (clipped to the last iterate)"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds the logistic data set"),
])


def matrix(lambda1: float, lambda2: float, angle_deg: float) -> np.ndarray:
    """A = R·diag(λ1, λ2)·Rᵀ, symmetric positive definite."""
    a = math.radians(angle_deg)
    r = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
    return r @ np.diag([lambda1, lambda2]) @ r.T


def logistic_data(a: np.ndarray, seed: int, n: int = N_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """Points x (n, 2) with (1/n)·XᵀX = A exactly, and signs s = ±1 drawn from σ(x·w) with
    Var(x·w) = 1, so the classes overlap and the minimum is finite."""
    rng = np.random.default_rng(seed)
    z = rng.standard_normal((n, 2))
    evals, evecs = np.linalg.eigh(z.T @ z / n)
    z = z @ evecs @ np.diag(evals ** -0.5) @ evecs.T
    evals, evecs = np.linalg.eigh(a)
    x = z @ evecs @ np.diag(np.sqrt(evals)) @ evecs.T
    u = np.array([1.0, -0.6])
    w = u / math.sqrt(u @ a @ u)
    s = np.where(rng.random(n) < 0.5 * (1.0 + np.tanh(0.5 * (x @ w))), 1.0, -1.0)
    return x, s


class Objective:
    """f, ∇f and the Hessian of one of the two models; ``value`` takes (..., 2) arrays."""

    def __init__(self, model: str, a: np.ndarray, seed: int = 0):
        self.model = model
        self.a = a
        if model == "quadratic":
            self.L = float(np.linalg.eigvalsh(a)[-1])
        else:
            self.x, self.s = logistic_data(a, seed)
            self.L = float(np.linalg.eigvalsh(self.x.T @ self.x / len(self.x))[-1]) / 4.0

    def value(self, theta: np.ndarray) -> np.ndarray:
        theta = np.asarray(theta, float)
        if self.model == "quadratic":
            return 0.5 * np.einsum("...i,ij,...j->...", theta, self.a, theta)
        margins = -self.s * (theta @ self.x.T)
        return np.logaddexp(0.0, margins).mean(axis=-1)

    def grad(self, theta: np.ndarray) -> np.ndarray:
        if self.model == "quadratic":
            return self.a @ theta
        p = 0.5 * (1.0 + np.tanh(-0.5 * self.s * (self.x @ theta)))
        return -(self.s * p) @ self.x / len(self.x)

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        if self.model == "quadratic":
            return self.a
        p = 0.5 * (1.0 + np.tanh(0.5 * (self.x @ theta)))
        return (self.x * (p * (1.0 - p))[:, None]).T @ self.x / len(self.x)

    def minimum(self) -> np.ndarray:
        """θ*: 0 for the quadratic, Newton's method with backtracking for the logistic loss."""
        theta = np.zeros(2)
        if self.model == "quadratic":
            return theta
        for _ in range(100):
            g = self.grad(theta)
            if np.linalg.norm(g) < 1e-14:
                break
            step = np.linalg.solve(self.hessian(theta), g)
            t, f0 = 1.0, float(self.value(theta))
            while float(self.value(theta - t * step)) > f0 and t > 1e-12:
                t *= 0.5
            theta = theta - t * step
        return theta


def descent_bound(f: float, g2: float, eta: np.ndarray | float, L: float):
    """Eq. (4): f(θ) − η‖g‖² + (L/2)η²‖g‖²."""
    return f - eta * g2 + 0.5 * L * eta * eta * g2


def gradient_descent(obj: Objective, theta0, eta: float, steps: int, f_star: float = 0.0):
    """GD θ ← θ − η∇f(θ) (eq. 3).  Returns (path (k+1, 2), losses (k+1,), violations, checks,
    diverged); stops once the gap f − f* exceeds BLOW_UP × the initial gap or is not finite.
    A violation is a step whose new loss exceeds the eq.-(4) bound by more than VIOLATION_RTOL."""
    theta = np.array(theta0, float)
    f = float(obj.value(theta))
    path, losses = [theta.copy()], [f]
    gap0 = max(f - f_star, 1e-300)
    violations = checks = 0
    diverged = False
    for _ in range(steps):
        g = obj.grad(theta)
        g2 = float(g @ g)
        theta = theta - eta * g
        f_new = float(obj.value(theta))
        bound = descent_bound(f, g2, eta, obj.L)
        checks += 1
        if f_new - bound > VIOLATION_RTOL * max(abs(f), abs(bound), 1e-300):
            violations += 1
        f = f_new
        path.append(theta.copy())
        losses.append(f)
        if not math.isfinite(f) or f - f_star > BLOW_UP * gap0:
            diverged = True
            break
    return np.array(path), np.array(losses), violations, checks, diverged


def gradient_line(obj: Objective, theta: np.ndarray, eta_L: np.ndarray):
    """The true f(θ − ηg) and the eq.-(4) bound for η = eta_L / L."""
    g = obj.grad(theta)
    eta = eta_L / obj.L
    true = obj.value(theta[None, :] - eta[:, None] * g[None, :])
    return eta, true, descent_bound(float(obj.value(theta)), float(g @ g), eta, obj.L)


def contour_grid(obj: Objective, centre: np.ndarray, half_width: float, f_star: float):
    xs = np.linspace(centre[0] - half_width, centre[0] + half_width, GRID)
    ys = np.linspace(centre[1] - half_width, centre[1] + half_width, GRID)
    tx, ty = np.meshgrid(xs, ys)
    return xs, ys, obj.value(np.stack([tx, ty], axis=-1)) - f_star


def run_descent(params: dict, ctx: RunContext):
    p = DESCENT_PARAMS.validate(params)
    obj = Objective(p["model"], matrix(p["lambda1"], p["lambda2"], p["angle_deg"]), p["seed"])
    theta_star = obj.minimum()
    f_star = float(obj.value(theta_star))
    theta0 = np.array([p["start_x"], p["start_y"]])
    if np.linalg.norm(obj.grad(theta0)) < 1e-12:
        raise ParameterError("start_x", "start_x, start_y: the start point is the minimum θ*, where "
                                        "the gradient is zero; move it away to see a descent")
    L = obj.L
    eta = p["eta_over_L"] / L
    ctx.check()

    path, losses, violations, checks, diverged = gradient_descent(obj, theta0, eta, p["steps"], f_star)
    ctx.check()
    gaps = losses - f_star
    converged = not diverged and gaps[-1] <= 1e-6 * gaps[0]
    if not diverged and gaps[-1] > gaps[0]:
        diverged = True

    k = min(p["probe_step"], len(path) - 1)
    eta_L = np.linspace(0.0, max(2.5, 1.1 * p["eta_over_L"]), LINE_POINTS)
    line_eta, true, bound = gradient_line(obj, path[k], eta_L)
    excess = true - bound
    checks += LINE_POINTS
    violations += int(np.sum(excess > VIOLATION_RTOL * np.maximum(np.abs(bound), 1e-300)))

    half = 1.15 * max(float(np.linalg.norm(theta0 - theta_star)), 1e-3)
    xs, ys, grid = contour_grid(obj, theta_star, half, f_star)
    curv = np.linalg.eigvalsh(obj.hessian(theta_star))
    contraction = float(np.max(np.abs(1.0 - eta * curv)))
    steps_run = len(path) - 1
    verdict = "diverges" if diverged else "converges" if converged else "still converging"
    yield Frame(
        step=steps_run, progress=1.0,
        scalars={"L": L, "inv_L": 1.0 / L, "two_over_L": 2.0 / L, "eta": eta,
                 "eta_over_L": p["eta_over_L"], "lambda_min": float(curv[0]),
                 "contraction": contraction, "f_star": f_star, "initial_gap": float(gaps[0]),
                 "final_loss": float(losses[-1]), "final_gap": float(gaps[-1]),
                 "converged": float(converged), "diverged": float(diverged),
                 "violations": float(violations), "checks": float(checks),
                 "steps_run": float(steps_run), "probe_step": float(k),
                 "theta_star_1": float(theta_star[0]), "theta_star_2": float(theta_star[1])},
        arrays={"path": np.column_stack([np.arange(len(path)), path]),
                "loss": np.column_stack([np.arange(len(losses)), losses, gaps]),
                "line": np.column_stack([eta_L, line_eta, true, bound]),
                "contour": grid, "contour_x": xs, "contour_y": ys},
        columns={"path": ("step", "theta1", "theta2"), "loss": ("step", "loss", "gap"),
                 "line": ("eta_L", "eta", "true", "bound")},
        message=f"L = {L:.4g}; η = {p['eta_over_L']:.2f}/L: {verdict}",
    )
