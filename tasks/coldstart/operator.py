"""The cold-start operator: a model with few results in a pool still gets an operator in the pool's prompt space, the
method's own closed form fitted on every prompt of the pool with the cold-start prediction as its labels (2p - 1;
estimate.predictions: its labels where evaluated, p-IRT from the known models' labels elsewhere) at lambda = 1, and
for a calibrated method Platt-calibrated to that prediction. Served by refresh (tasks/operators/refit.py) and scored
by `evaluate --split coldstart`, both through cold_operator. Measured (README, K = 100): 0.98 of the full-data
operator's AUC lift on MMLU-Pro and 0.91 on RouterBench, against 0.88 / 0.85 for its own labels' fit."""
from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from tasks.operators.math import Eig, MethodSpec, Operator, Stats, eig, fit_method, platt_to

PREDICTION_LAM = 1.0   # the paper's lambda: GCV on the smooth targets picks 24-1e4 and ranks worse (README)


@dataclass
class PoolPrompts:
    """The pool's prompt vectors X (one row per prompt), G = X'X and its eigenpairs at EPS: shared by every cold-start
    fit of the pool."""
    X: np.ndarray
    G: np.ndarray
    e: Eig

    @classmethod
    def of(cls, X: np.ndarray, eps: float) -> "PoolPrompts":
        X = np.asarray(X, dtype=np.float64)
        G = X.T @ X
        return cls(X, G, eig(G, eps))


def cold_operator(spec: MethodSpec, pool: PoolPrompts, p: np.ndarray, n_results: float,
                  prior: np.ndarray | None = None) -> Operator:
    """SPEC's operator fitted on the pool's prompts with labels 2P - 1 (P: the prediction on each prompt, in POOL's
    order) at PREDICTION_LAM (toward PRIOR for a shrinking SPEC); a calibrated SPEC's Platt fitted to P. Its n is
    N_RESULTS (the model's own results behind it), its base rate P's mean (the estimated accuracy)."""
    p = np.asarray(p, dtype=np.float64)
    t = 2.0 * p - 1.0
    s = Stats(pool.G, pool.X.T @ t, float(len(t)), pool.X.sum(0), float(t.sum()))
    e = pool.e if pool.e.eps == spec.eps else eig(pool.G, spec.eps)
    o = fit_method(replace(spec, lam=PREDICTION_LAM, calibrate=False), s, e,
                   prior=prior if spec.shrink else None)[0]
    calib = platt_to(o.intercept + pool.X @ o.vector, p) if spec.calibrate else None
    return replace(o, n=float(n_results), base_rate=float(p.mean()), calib=calib)
