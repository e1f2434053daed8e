"""The one predict path: raw scores -> calibrated probabilities -> the pool's gate -> the pick. select, publish and
evaluate all call these functions, so what is served is what was evaluated."""
from __future__ import annotations

import numpy as np

from tasks.operators.math import Eig, Operator, confidence, sigmoid

MARGINS = np.round(np.arange(0.0, 0.3001, 0.01), 3)
DEFAULT_MARGIN = 0.05   # a pool whose router was never tuned (fewer than 3 prompts answered by every model)
EVIDENCE_LAM = 1.0      # evidence counts training prompts the same way for every model, whatever its own lambda


def calibrated(S: np.ndarray, calib: np.ndarray) -> np.ndarray:
    """Success probabilities from raw scores S (rows x models) with Platt (a, c) per model (CALIB: models x 2);
    an uncalibrated model (NaN, or a negative slope that would reverse its order) maps s to (1 + s) / 2 clipped."""
    S = np.asarray(S, dtype=np.float64)
    calib = np.asarray(calib, dtype=np.float64).reshape(-1, 2)
    ok = np.isfinite(calib[:, 0]) & np.isfinite(calib[:, 1]) & (np.nan_to_num(calib[:, 0]) >= 0)
    a, c = np.where(ok, calib[:, 0], 0.0), np.where(ok, calib[:, 1], 0.0)
    return np.where(ok, sigmoid(S * a + c), np.clip((1.0 + S) / 2.0, 0.0, 1.0))


def calib_of(ops: list[Operator]) -> np.ndarray:
    """(models x 2) Platt parameters of fitted operators (NaN where uncalibrated)."""
    return np.array([o.calib if o.calib else (np.nan, np.nan) for o in ops], dtype=np.float64).reshape(-1, 2)


def scores(W: np.ndarray, b: np.ndarray, X: np.ndarray) -> np.ndarray:
    """Raw scores X @ W + b (rows of X x models; W: dim x models)."""
    return np.asarray(X, dtype=np.float64) @ W + b


def probabilities(ops: list[Operator], X: np.ndarray) -> np.ndarray:
    """Calibrated success probabilities of fitted operators (rows of X x operators)."""
    W = np.stack([o.vector for o in ops], axis=1)
    return calibrated(scores(W, np.array([o.intercept for o in ops]), X), calib_of(ops))


def route(P: np.ndarray, default: int, margin: float = 0.0, available: np.ndarray | None = None) -> np.ndarray:
    """Index of the model chosen per row: the most probable, unless it beats DEFAULT by no more than MARGIN."""
    Q = P if available is None else np.where(available, P, -np.inf)
    best = np.argmax(Q, axis=1)
    gain = Q[np.arange(len(Q)), best] - Q[:, default]
    return np.where(gain > margin, best, default)


def best_of(accuracy: np.ndarray) -> int:
    """THE best single model: the highest accuracy on its own labelled prompts (ties: the first, models in order)."""
    return int(np.argmax(accuracy))


def best_single(Y: np.ndarray) -> int:
    """best_of the models' accuracies on their labelled rows of Y (+1/-1, NaN = none)."""
    known = ~np.isnan(Y)
    return best_of((Y > 0).sum(0) / np.maximum(known.sum(0), 1))


def tune_margin(P: np.ndarray, Y: np.ndarray, default: int, margins: np.ndarray = MARGINS) -> float:
    """The smallest margin with the best routing accuracy on probabilities P (rows where every model has a label);
    DEFAULT_MARGIN when there are fewer than 3 such rows."""
    if len(P) < 3:
        return DEFAULT_MARGIN
    acc = [float(np.mean(Y[np.arange(len(Y)), route(P, default, m)] > 0)) for m in margins]
    return float(margins[int(np.argmax(acc))])


def gate(loo_p: np.ndarray, Y: np.ndarray, best: int) -> tuple[int, float]:
    """(BEST, tuned margin): a pool's router from its leave-one-out probabilities and labels (rows x models, NaN = no
    label), tuned the same way wherever it is fitted."""
    ok = ~np.isnan(loo_p).any(1) & ~np.isnan(Y).any(1)
    return best, tune_margin(loo_p[ok], Y[ok], best)


def evidence(X: np.ndarray, e: Eig) -> np.ndarray:
    """Effective training prompts behind a prediction at each row of X: 1 / x'(G + 2I)^-1 x on G's kept
    eigenspace (G: the Gram matrix of the prompts the model answered; about N for a prompt among N like it)."""
    var, _ = confidence(X, e, EVIDENCE_LAM)
    return 1.0 / np.maximum(var, 1e-300)

