"""RingSeries: bounded memory, exact newest point, spikes and x order survive decimation."""
from __future__ import annotations

import numpy as np
import pytest

from widgets.ring_series import RingSeries


def test_capacity_never_exceeded_and_last_point_exact():
    ring = RingSeries(1000)
    buffers = (ring._x, ring._y)
    rng = np.random.default_rng(0)
    sizes_seen = []
    x0 = 0
    for i in range(3000):
        n = int(rng.integers(1, 40)) if i % 3 else 1
        xs = np.arange(x0, x0 + n, dtype=float)
        ys = rng.normal(size=n)
        if n == 1:
            ring.append(float(xs[0]), float(ys[0]))
        else:
            ring.append(xs, ys)
        x0 += n
        sizes_seen.append(len(ring))
        x, y = ring.data()
        assert x[-1] == xs[-1] and y[-1] == ys[-1]
    assert max(sizes_seen) <= 1000
    assert len(ring) > 500
    assert ring._x is buffers[0] and ring._y is buffers[1]


def test_one_huge_append_is_bounded():
    ring = RingSeries(64)
    ring.append(np.arange(100_000.0), np.sin(np.arange(100_000.0)))
    x, y = ring.data()
    assert len(x) <= 64 and x[-1] == 99_999.0


def test_spike_survives_many_decimations():
    ring = RingSeries(256)
    n = 50_000
    x = np.linspace(0.0, 1.0, n)
    y = np.zeros(n)
    y[1234] = 7.5
    y[20_001] = -3.0
    for start in range(0, n, 97):
        ring.append(x[start:start + 97], y[start:start + 97])
    xs, ys = ring.data()
    assert len(xs) <= 256
    assert ys.max() == 7.5 and xs[np.argmax(ys)] == x[1234]
    assert ys.min() == -3.0 and xs[np.argmin(ys)] == x[20_001]


def test_monotone_x_preserved():
    ring = RingSeries(100)
    for i in range(5000):
        ring.append(i * 0.1, np.cos(i))
    x, _ = ring.data()
    assert np.all(np.diff(x) > 0)


def test_recent_half_kept_at_full_resolution():
    ring = RingSeries(400)
    ring.append(np.arange(1000.0), np.arange(1000.0))
    x, _ = ring.data()
    newest = x[-150:]
    assert np.all(np.diff(newest) == 1.0)


def test_nan_gap_survives():
    ring = RingSeries(64)
    y = np.ones(1000)
    y[10] = np.nan
    ring.append(np.arange(1000.0), y)
    _, ys = ring.data()
    assert np.isnan(ys).any()


def test_data_is_a_copy_and_clear_empties():
    ring = RingSeries(16)
    ring.append([1.0, 2.0], [3.0, 4.0])
    x, y = ring.data()
    x[0] = 99.0
    assert ring.data()[0][0] == 1.0
    ring.clear()
    assert len(ring) == 0 and ring.data()[0].size == 0


def test_bad_input_rejected():
    with pytest.raises(ValueError):
        RingSeries(4)
    with pytest.raises(ValueError, match="differ"):
        RingSeries(16).append([1.0, 2.0], [1.0])
