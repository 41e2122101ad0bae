"""The debiased exponential moving average that smooths live training curves (TensorBoard's),
computed incrementally and without a Python loop per point."""
from __future__ import annotations

import numpy as np

_BLOCK = 64


def debiased_ema(values, weight: float) -> np.ndarray:
    """TensorBoard's smoothing: ``s_t = w·s_{t-1} + (1-w)·x_t`` from ``s_0 = 0``, shown as
    ``s_t / (1 - w^t)``.

    The division removes the pull towards the zero start, so the curve begins at the first value
    instead of rising from 0.  A non-finite value is skipped (the previous smoothed value carries
    over and ``t`` does not advance), so one NaN does not poison the rest; before the first finite
    value the result is NaN.  ``w = 0`` returns the values unchanged.
    """
    return _Ema(weight).extend(values)


class _Ema:
    """The running state of :func:`debiased_ema`, so new points extend a smoothed curve instead of
    recomputing it."""

    def __init__(self, weight: float):
        if not 0.0 <= weight < 1.0:
            raise ValueError(f"smoothing weight must be in [0, 1), got {weight!r}")
        self.weight = weight
        self._sum = 0.0  # s_t / (1 - w): the decaying sum of the finite values so far
        self._t = 0
        self._last = np.nan

    def extend(self, values) -> np.ndarray:
        """The smoothed values of the next points."""
        w = self.weight
        x = np.asarray(values, dtype=np.float64).ravel()
        finite = np.isfinite(x)
        out = np.full(x.shape, np.nan)
        xs = x[finite]
        if xs.size:
            power = np.cumprod(np.full(xs.size, w)) * w**self._t  # w^t, exact at t = 1; pow is slow
            with np.errstate(over="ignore", invalid="ignore"):
                sums = _decaying_sum(xs, w, self._sum)
                out[finite] = sums * ((1.0 - w) / (1.0 - power))
            self._sum = float(sums[-1])
            self._t += xs.size
        last = np.maximum.accumulate(np.where(finite, np.arange(x.size), -1))
        out = np.where(last >= 0, out[last], self._last)
        if out.size:
            self._last = float(out[-1])
        return out


def _decaying_sum(x: np.ndarray, a: float, start: float = 0.0) -> np.ndarray:
    """``u_t = a·u_{t-1} + x_t`` from ``u_{-1} = start``: a small triangular product within blocks
    of 64 points and one scalar step per block, since a loop per point costs milliseconds on a long
    run.  With ``a = 0`` the product is the identity, so ``u`` equals ``x`` exactly."""
    blocks = -(-x.size // _BLOCK)
    xb = np.zeros(blocks * _BLOCK)
    xb[:x.size] = x
    xb = xb.reshape(blocks, _BLOCK)
    power = a ** np.arange(_BLOCK + 1, dtype=np.float64)
    k = np.arange(_BLOCK)
    lag = k[:, None] - k[None, :]
    within = xb @ np.where(lag >= 0, power[np.maximum(lag, 0)], 0.0).T
    carry = np.empty(blocks)
    c, a_block = start, power[_BLOCK]
    for i, block_end in enumerate(within[:, -1].tolist()):
        carry[i] = c
        c = a_block * c + block_end
    return (within + carry[:, None] * power[1:]).ravel()[:x.size]
