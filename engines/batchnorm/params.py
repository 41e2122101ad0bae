"""Parameters of the batchnorm topic's A-vs-B run (names fixed by the issue's CLI contract)."""
from __future__ import annotations

from engines.core.params import Param, ParamSchema
from engines.core.relations import CapBy, Order
from engines.training.datasets import DIGITS_TRAIN_SIZE, MOONS_TRAIN_SIZE
from engines.core.torch_runtime import DEVICE_CHOICES
from engines.batchnorm.network import INITS, VARIANTS
from engines.batchnorm.planes import PLANES

DATASETS = ("digits", "moons")
TRAIN_EXAMPLES = {"digits": DIGITS_TRAIN_SIZE, "moons": MOONS_TRAIN_SIZE}
NOISE_SCALE_ORDER = Order("noise_scale_lo", "noise_scale_hi")
VARIANT_HELP = ("none; bn (BatchNorm after each hidden Linear); input_norm (Su: centre + scale the input "
                "of every Linear); center; scale; layernorm; l1, l2, linf (Santurkar's ℓp norms); "
                "noisy_bn (BN plus moving noise)")

PARAMS = ParamSchema([
    Param("variant_a", "none", kind="choice", choices=VARIANTS, label="network A", help=VARIANT_HELP),
    Param("variant_b", "bn", kind="choice", choices=VARIANTS, label="network B", help=VARIANT_HELP),
    Param("dataset", "digits", kind="choice", choices=DATASETS,
          help="digits: 8×8 images, 1257 train / 540 test (the note's split); moons: 2-D two moons "
               "(700 / 300, noise 0.2) for tiny networks"),
    Param("depth", 6, kind="int", lo=1, hi=10, label="hidden layers",
          help="hidden Linear layers of both nets (each followed by the variant's normalisation and a ReLU)"),
    Param("width", 100, kind="int", lo=2, hi=512, label="units per layer", help="units in every hidden layer of both nets"),
    Param("init", "kaiming", kind="choice", choices=INITS,
          help="kaiming: N(0, 2/fan_in) weights, zero biases (the note's runs); default: torch's "
               "U(±1/√fan_in) — a deep plain net then sits on a flat plateau that every smoothness "
               "probe reads as 'smooth'"),
    Param("lr", 0.1, lo=1e-3, hi=10.0, log=True, live=True, label="learning rate",
          help="plain SGD step (no momentum, no weight decay), applied to both nets"),
    Param("batch_size", 128, kind="int", lo=8, hi=1257, label="batch size",
          help="examples per step, drawn without replacement; A and B see the same batches"),
    Param("steps", 400, kind="int", lo=1, hi=100_000, typical=(10, 5000),
          help="SGD steps (the slider spans 10–5000; type more in the box)"),
    Param("probe_min", 0.05, lo=1e-4, hi=10.0, log=True, label="probe η min",
          help="smallest step of the probes θ − ηg along the gradient (Santurkar Fig. 4)"),
    Param("probe_max", 0.4, lo=1e-4, hi=10.0, log=True, label="probe η max",
          help="largest probe step; the paper stopped at 0.4 because larger steps broke the plain net"),
    Param("probe_points", 8, advanced=True, kind="int", lo=2, hi=64, label="probe points",
          help="number of η values, evenly spaced in [probe η min, probe η max]"),
    Param("probe_every", 10, advanced=True, kind="int", lo=1, hi=10_000, unit="steps", live=True, label="probe every",
          help="each probe costs probe points + 1 forward/backward passes per net"),
    Param("eval_every", 10, advanced=True, kind="int", lo=1, hi=10_000, unit="steps", label="test every",
          help="how often test accuracy (running statistics, no noise) is measured"),
    Param("surface_resolution", 31, kind="int", lo=0, hi=101, label="surface resolution",
          help="grid points per axis of the loss surface at the end of the run (0: none); "
               "a 51 × 51 surface of the 6 × 100 net takes a few seconds per net"),
    Param("surface_plane", "filter_random", advanced=True, kind="choice", choices=PLANES, label="surface plane",
          help="filter_random: two filter-normalised random directions (Li et al. 2018); "
               "gradient_random: the gradient and one random direction; pca: the trajectory's two "
               "principal directions"),
    Param("surface_span", 1.0, advanced=True, lo=0.01, hi=10.0, log=True, label="surface span",
          help="the grid covers [−span, span]² in units of the (filter-normalised) directions"),
    Param("surface_batch", 512, advanced=True, kind="int", lo=16, hi=1257, label="surface batch",
          help="the fixed training examples the surface is evaluated on (train-mode statistics)"),
    Param("surface_every", 0, advanced=True, kind="int", lo=0, hi=100_000, unit="steps", live=True, label="surface every",
          help="also compute the surfaces every so many steps (0: only at the end of the run)"),
    Param("noise_mean", 0.5, lo=0.0, hi=5.0, label="noise mean range a",
          help="noisy_bn: per-unit shift m ~ U(−a, a), redrawn every step"),
    Param("noise_scale_lo", 0.5, lo=0.0, hi=5.0, label="noise scale low",
          help="noisy_bn: per-unit scale s ~ U(low, high), redrawn every step"),
    Param("noise_scale_hi", 1.5, lo=0.0, hi=5.0, label="noise scale high",
          help="noisy_bn: upper end of the scale's range, s ~ U(low, high); at least the low end"),
    Param("noise_sample", 0.0, lo=0.0, hi=5.0, label="per-sample noise c",
          help="noisy_bn: i.i.d. N(0, c²) added to every unit of every example"),
    Param("seed", 0, advanced=True, kind="int", lo=0, hi=2**31 - 1, help="seeds the shared initial weights, batches and noise"),
    Param("device", "auto", advanced=True, kind="choice", choices=DEVICE_CHOICES, help="auto: CUDA when available, else CPU"),
], relations=[
    Order("probe_min", "probe_max", strict=True),
    NOISE_SCALE_ORDER,
    CapBy("batch_size", "dataset", TRAIN_EXAMPLES, what="training examples"),
])

NOISE_PARAMS = ("noise_mean", "noise_scale_lo", "noise_scale_hi", "noise_sample")
SURFACE_PARAMS = ("surface_plane", "surface_span", "surface_batch", "surface_every")


def relevant(params: dict) -> set[str]:
    """The parameters that matter for these values (the panel hides the others)."""
    names = set(PARAMS.names())
    if "noisy_bn" not in (params.get("variant_a"), params.get("variant_b")):
        names -= set(NOISE_PARAMS)
    if params.get("surface_resolution", 1) == 0:
        names -= set(SURFACE_PARAMS)
    return names
