"""Closed-form linear operators (ridge over the well-conditioned eigenspace) as the routing head's baseline."""
from __future__ import annotations

import numpy as np


def fit_operators(x: np.ndarray, y: np.ndarray, lam: float = 1.0, eps: float = 0.1) -> np.ndarray:
    """E (d, models): the paper's operator of every model through taskspace's one fit path (labels +-1, singular
    values below eps dropped, D = S / (S^2 + 2 lam)); rows where a model has no result (NaN in y) are left out."""
    from tasks.operators.fitting import PoolData, fit_pool, signature
    from tasks.operators.math import MethodSpec, Stats

    if lam < 0 or eps < 0:
        raise ValueError(f"lam and eps must be >= 0, got {lam}, {eps}")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    ops = np.zeros((x.shape[1], y.shape[1]))
    seen = [np.flatnonzero(~np.isnan(y[:, j])) for j in range(y.shape[1])]
    todo = [j for j in range(y.shape[1]) if len(seen[j])]
    stats = [Stats.of(x[seen[j]], np.where(y[seen[j], j] > 0.5, 1.0, -1.0)) for j in range(y.shape[1])]
    fit = fit_pool(PoolData(stats, [signature(s) for s in seen]),
                   MethodSpec("paper", lam=lam, eps=eps, centred=False, calibrate=False), todo=todo)
    for j in todo:
        ops[:, j] = fit.operators[j].vector
    return ops


def operator_accuracy(x: np.ndarray, y: np.ndarray, ops: np.ndarray) -> float:
    """Share of observed (prompt, model) pairs where sign(x . E_model) matches correctness."""
    scores = np.asarray(x, dtype=np.float64) @ ops
    seen = ~np.isnan(y)
    if not seen.any():
        return float("nan")
    return float(((scores > 0) == (y > 0.5))[seen].mean())
