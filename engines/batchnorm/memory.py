"""How much memory an A-vs-B run needs, before it starts (engines.core.memory).

The probes dominate: every ``probe_every`` steps each net is evaluated, with autograd, at
``probe_points`` parameter vectors at once, so activations scale as (k + 1)·B·width·depth and the
parameter copies as (k + 1)·P.  Calibrated on 2 CPU cores (float32) by the peak RSS of two probed
steps after torch was imported: measured 0.53, 0.60, 0.90 and 2.79 GiB for (k, B, width, depth) =
(8, 128, 512, 10), (16, 512, 256, 6), (64, 1257, 128, 4) and (32, 1000, 256, 8); this formula
gives 1.1–2.2× those, on the safe side.  The loss surfaces are evaluated in bounded sub-batches
(~1 MiB per CPU lane, ≤ 256 MiB on a GPU) and do not add to the peak.
"""
from __future__ import annotations

from typing import Any, Mapping

from engines.core.memory import MemoryEstimate

BASE_BYTES = 300 * 2 ** 20       # data, torch's scratch and thread pools beyond the import
ACTIVATION_FACTOR = 10           # saved tensors per layer in forward + backward, both nets
PARAMETER_FACTOR = 4             # points, their gradients, differences
EXAMPLES = 1797                  # the accuracies' forward pass over train and test (digits)


def train_memory(p: Mapping[str, Any]) -> MemoryEstimate:
    k, batch, width, depth = p["probe_points"] + 1, p["batch_size"], p["width"], p["depth"]
    activations = 4.0 * k * batch * width * depth
    parameters = 4.0 * (depth * width * width + 64 * width)
    evaluation = 3 * 4.0 * EXAMPLES * width * depth
    total = BASE_BYTES + ACTIVATION_FACTOR * activations + PARAMETER_FACTOR * k * parameters + evaluation
    detail = (f"probes: {k} parameter points × {batch} examples × {depth} layers × {width} units, "
              "with gradients, for each net")
    return MemoryEstimate(total, ("probe_points", "batch_size", "width", "depth"), detail)
