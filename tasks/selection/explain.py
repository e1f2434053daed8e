"""Explanations from the geometry of the operators: model-to-model cosine similarity (and a readable order for it),
the prompts each model is predicted strongest and weakest on, and the prompts the models disagree on most."""
from __future__ import annotations

import numpy as np


def cosine_matrix(W: np.ndarray) -> np.ndarray:
    """Cosine similarity between the operator vectors in the columns of W (models x models)."""
    W = np.asarray(W, dtype=np.float64)
    U = W / np.maximum(np.linalg.norm(W, axis=0, keepdims=True), 1e-300)
    return np.clip(U.T @ U, -1.0, 1.0)


def similarity_order(C: np.ndarray) -> np.ndarray:
    """An order of the models that puts similar operators next to each other (average-linkage clustering on
    1 - cosine, leaves in the dendrogram's order; deterministic)."""
    n = len(C)
    if n < 3:
        return np.arange(n)
    from scipy.cluster.hierarchy import leaves_list, linkage, optimal_leaf_ordering
    from scipy.spatial.distance import squareform

    D = np.clip(1.0 - np.asarray(C, dtype=np.float64), 0.0, 2.0)
    np.fill_diagonal(D, 0.0)
    d = squareform((D + D.T) / 2.0, checks=False)
    return leaves_list(optimal_leaf_ordering(linkage(d, "average"), d))


def advantage(P: np.ndarray) -> np.ndarray:
    """Each model's predicted success minus the mean over the models, per prompt (NaN = not predicted)."""
    return P - np.nanmean(P, axis=1, keepdims=True)


def strengths(P: np.ndarray, prompts: list[str], models: list[str], k: int = 10) -> list[dict]:
    """For each model the K prompts with the highest advantage over the other models among those it is more likely
    right than wrong on (p >= 0.5, advantage > 0: strongest), and the lowest among p < 0.5, advantage < 0 (weakest);
    ties: prompt id."""
    A = advantage(P)
    out = []
    for j, m in enumerate(models):
        known = ~np.isnan(A[:, j])
        for kind, sign, ok in (("strongest", -1.0, known & (P[:, j] >= 0.5) & (A[:, j] > 0)),
                               ("weakest", 1.0, known & (P[:, j] < 0.5) & (A[:, j] < 0))):
            order = sorted(np.flatnonzero(ok), key=lambda i: (sign * A[i, j], prompts[i]))[:k]
            out += [{"model_id": m, "kind": kind, "rank": r + 1, "prompt_id": prompts[i],
                     "p_correct": float(P[i, j]), "advantage": float(A[i, j])} for r, i in enumerate(order)]
    return out


def disagreement(P: np.ndarray, prompts: list[str], models: list[str], k: int = 25) -> list[dict]:
    """The K prompts where the models' predicted success spreads most (population standard deviation)."""
    known = (~np.isnan(P)).sum(1)
    spread = np.where(known > 1, np.nanstd(np.where(known[:, None] > 1, P, 0.0), axis=1), -np.inf)
    order = sorted(np.flatnonzero(known > 1), key=lambda i: (-spread[i], prompts[i]))[:k]
    out = []
    for r, i in enumerate(order):
        p = np.where(np.isnan(P[i]), -np.inf, P[i])
        q = np.where(np.isnan(P[i]), np.inf, P[i])
        hi = max(range(len(models)), key=lambda j: (p[j], models[j]))
        lo = min(range(len(models)), key=lambda j: (q[j], models[j]))
        out.append({"rank": r + 1, "prompt_id": prompts[i], "n_models": int(known[i]), "spread": float(spread[i]),
                    "most_likely": models[hi], "p_max": float(P[i, hi]),
                    "least_likely": models[lo], "p_min": float(P[i, lo])})
    return out


def most_similar(C: np.ndarray, models: list[str], k: int = 3) -> dict[str, list[tuple[str, float]]]:
    """For each model the K other models whose operators are most similar (cosine, descending)."""
    out = {}
    for j, m in enumerate(models):
        others = sorted((i for i in range(len(models)) if i != j), key=lambda i: (-C[j, i], models[i]))[:k]
        out[m] = [(models[i], float(C[j, i])) for i in others]
    return out
