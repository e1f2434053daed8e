"""Closed-form linear operators (ridge over the well-conditioned eigenspace) as the routing head's baseline."""
from __future__ import annotations

import numpy as np


def fit_operators(x: np.ndarray, y: np.ndarray, lam: float = 1.0, eps: float = 0.1) -> np.ndarray:
    """E (d, models): per model, E = (G + 2*lam*I)^-1 b on eigenvalues > eps of G = X^T X, b = X^T y, y = +-1.

    Rows where a model has no result (NaN in y) are left out of that model's G and b.
    """
    if lam < 0 or eps < 0:
        raise ValueError(f"lam and eps must be >= 0, got {lam}, {eps}")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ops = np.zeros((x.shape[1], y.shape[1]))
    for j in range(y.shape[1]):
        seen = ~np.isnan(y[:, j])
        if not seen.any():
            continue
        xj = x[seen]
        s = np.where(y[seen, j] > 0.5, 1.0, -1.0)
        w, v = np.linalg.eigh(xj.T @ xj)
        keep = w > eps
        vk = v[:, keep]
        ops[:, j] = vk @ ((vk.T @ (xj.T @ s)) / (w[keep] + 2 * lam))
    return ops


def operator_accuracy(x: np.ndarray, y: np.ndarray, ops: np.ndarray) -> float:
    """Share of observed (prompt, model) pairs where sign(x . E_model) matches correctness."""
    scores = np.asarray(x, dtype=np.float64) @ ops
    seen = ~np.isnan(y)
    if not seen.any():
        return float("nan")
    return float(((scores > 0) == (y > 0.5))[seen].mean())
