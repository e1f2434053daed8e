"""Cost-aware scores of one evaluation fold (where every model's cost is known): RouterBench's AIQ over the models
and the router's cheapest-within-margin operating points, RouteLLM's APGR and CPT(50 %) / CPT(80 %) for the pool's
strong (best single) and weak (cheapest) pair."""
from __future__ import annotations

import numpy as np

from tasks.evaluation import metrics as rm
from tasks.selection.select import cheapest_within

WILLINGNESS = (1.0, 0.99, 0.98, 0.97, 0.95, 0.93, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5)


def cost_scores(P: np.ndarray, Y: np.ndarray, C: np.ndarray, Ctrain: np.ndarray, strong: int) -> dict:
    """{aiq, apgr, cpt50, cpt80, weak_model index} on test rows (P probabilities, Y labels +1/-1, C costs, all
    rows x models with every value known); the weak model is the cheapest by mean training cost."""
    if not len(P) or np.isnan(C).any() or np.isnan(Ctrain).all(0).any():
        return {}
    ok = Y > 0
    costs = list(C.mean(0))
    quality = list(ok.mean(0))
    Ex = np.broadcast_to(np.nanmean(Ctrain, 0), P.shape)   # expected cost: each model's mean training cost
    for w in WILLINGNESS:
        pick = np.array([cheapest_within(P[i], Ex[i], w) for i in range(len(P))], int)
        costs.append(float(C[np.arange(len(P)), pick].mean()))
        quality.append(float(ok[np.arange(len(P)), pick].mean()))
    weak = int(np.argmin(np.nanmean(Ctrain, 0)))
    out = {"aiq": rm.aiq(costs, quality), "weak_model": weak}
    if weak != strong:
        share, q = rm.strong_weak_curve(P[:, strong], P[:, weak], ok[:, strong], ok[:, weak])
        qw, qs = float(ok[:, weak].mean()), float(ok[:, strong].mean())
        out |= {"apgr": rm.apgr(share, q, qw, qs), "cpt50": rm.cpt(share, q, qw, qs, 0.5),
                "cpt80": rm.cpt(share, q, qw, qs, 0.8)}
    return out
