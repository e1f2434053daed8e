"""Whether a prompt lies among a pool's prompts: its cosine to the nearest prompt of the pool, against the same
nearness of the pool's own prompts to each other (refresh stores the floor 99 % of them exceed)."""
from __future__ import annotations

import numpy as np

SHARE = 0.01     # the floor: all but this share of the pool's own prompts are nearer to another prompt of the pool
SAMPLE = 2000    # own prompts sampled to estimate the floor (seeded)


def _unit(V) -> np.ndarray:
    V = np.asarray(V, dtype=np.float32)
    return V / np.maximum(np.linalg.norm(V, axis=1, keepdims=True), 1e-12)


def nearest(X: np.ndarray, V: np.ndarray) -> np.ndarray:
    """Per row of X: the cosine of the nearest row of V (-1 when V is empty)."""
    if not len(V):
        return np.full(len(X), -1.0)
    return (_unit(X) @ _unit(V).T).max(1).astype(np.float64)


def near_floor(V: np.ndarray, seed: int = 0) -> float | None:
    """The nearest-other-prompt cosine that all but SHARE of the pool's prompts V exceed (None under 20 prompts)."""
    V = _unit(V)
    if len(V) < 20:
        return None
    pick = np.random.default_rng(seed).choice(len(V), min(SAMPLE, len(V)), replace=False)
    C = V[pick] @ V.T
    C[np.arange(len(pick)), pick] = -1.0     # not itself
    return float(np.quantile(C.max(1), SHARE))
