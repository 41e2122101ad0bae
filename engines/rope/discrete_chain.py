"""Critical speeds of a discrete hanging chain (rope.md §2.6, R10): N beads of mass ρL/N at the
lower ends of N rigid links of length L/N, top fixed on the axis.

Linearised about the vertical, bead i (i = 1 at the top) feels the link tensions above and below,
T_j = (N - j + 1) m g for link j, so the static problem K x = ω² M x is tridiagonal:

    A_ii = (N - i + 1) + (N - i),   A_i,i+1 = -(N - i),   λ = ω²L/g = N · eig(A).

N = 2 is the equal-mass double pendulum, λ = 4 ∓ 2√2; as N → ∞, λn → j0,n²/4 with O(1/N) error.
"""
from __future__ import annotations

import numpy as np
from scipy.linalg import eigh_tridiagonal


def critical_lambdas(beads: int) -> np.ndarray:
    """All N critical λ of the N-bead chain, ascending."""
    n = int(beads)
    if n < 1:
        raise ValueError("need at least one bead")
    i = np.arange(1, n + 1, dtype=float)
    diag = (n - i + 1) + (n - i)
    off = -(n - i[:-1])
    return n * eigh_tridiagonal(diag, off, eigvals_only=True)
