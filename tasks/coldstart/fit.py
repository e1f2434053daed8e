"""Cold-start estimators to compare against the served one (estimate.py, operator.py) in tests/benchmarks/coldstart.py:
a new model's operator and accuracy from its K labels alone, by (i) shrinkage toward the pool's prior, (ii) ridge
regression on the known models' scores, (iii) both, or (iv) its labels regressed on the known models' results."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks.operators.math import MethodSpec, Stats, eig, fit_method, platt, sigmoid

ESTIMATORS = ("prior", "regression", "both", "labels")
RIDGE_GRID = np.geomspace(1e-2, 1e4, 25)


@dataclass
class Known:
    """The known models' operators on the pool's prompts: X (prompts x dim), raw scores S and calibrated P
    (prompts x models), operators W (dim x models) with intercepts b, and the pool's prior operator."""
    X: np.ndarray
    S: np.ndarray
    P: np.ndarray
    W: np.ndarray
    b: np.ndarray
    prior: np.ndarray
    Y: np.ndarray | None = None   # the known models' own labels on the pool's prompts (+1/-1, NaN = none)
    gate: tuple[int, float] = (0, 0.0)   # their router: (best single model, margin) as serving.gate tunes it


@dataclass
class Cold:
    """A cold-start fit: its operator (None for 'labels', which predicts the pool's prompts only) (score = intercept + vector . x), Platt (a, c), predicted P on every pool
    prompt, leave-one-out P on its K labelled rows (for the interval), and the rows."""
    vector: np.ndarray
    intercept: float
    calib: tuple[float, float]
    p: np.ndarray
    loo_p: np.ndarray
    rows: np.ndarray


def _spec(eps: float, centred: bool) -> MethodSpec:
    """The shrinking method of a cold fit: lambda by GCV, Platt on leave-one-out scores."""
    return MethodSpec("coldstart", "gcv", eps, centred=centred, calibrate=True, shrink=True)


def _shrunk(known: Known, rows, y, Xk, prior, offset: float, centred: bool, eps: float) -> tuple:
    """(vector, intercept, calib, leave-one-out scores) of the labels Y at Xk fitted toward PRIOR."""
    s = Stats.of(Xk, y - offset)
    o, loo = fit_method(_spec(eps, centred), s, eig(s.G, eps), Xk, y - offset, prior=prior)
    return o.vector, o.intercept + offset, platt(loo + offset, y), loo + offset


def ridge(F: np.ndarray, y: np.ndarray, lams: np.ndarray = RIDGE_GRID) -> tuple[np.ndarray, float, np.ndarray]:
    """(weights, intercept, leave-one-out fits) of ridge regression of Y on F (intercept unpenalised), lambda by GCV."""
    mu, ybar = F.mean(0), y.mean()
    Fc, yc = F - mu, y - ybar
    U, s, Vt = np.linalg.svd(Fc, full_matrices=False)
    z = U.T @ yc
    best = None
    n = len(y)
    for lam in lams:
        d = s ** 2 / (s ** 2 + lam)
        fit = U @ (d * z)
        df = d.sum() + 1.0
        g = n * np.sum((yc - fit) ** 2) / max(n - df, 1e-9) ** 2
        if best is None or g < best[0]:
            best = (g, lam, d, fit)
    _, lam, d, fit = best
    w = Vt.T @ (s * z / (s ** 2 + lam))
    h = (U ** 2) @ d + 1.0 / n
    loo = (ybar + fit - h * y) / np.maximum(1.0 - h, 1e-9)
    return w, float(ybar - mu @ w), loo


def regression_operator(known: Known, rows: np.ndarray, y: np.ndarray) -> tuple:
    """(vector, intercept, leave-one-out scores): Y regressed on the known models' standardised scores; since each
    score is linear in x, the fit is itself an operator (a combination of the known operators)."""
    mu, sd = known.S.mean(0), known.S.std(0) + 1e-12
    w, c0, loo = ridge((known.S[rows] - mu) / sd, y)
    v = w / sd
    return known.W @ v, float(c0 + v @ (known.b - mu)), loo


def fit_cold(known: Known, rows: np.ndarray, y: np.ndarray, estimator: str = "both", Xk: np.ndarray | None = None,
             eps: float = 0.1) -> Cold:
    """The new model's operator from labels Y (+1/-1) on pool rows ROWS (Xk: the vectors it saw; default the
    pool's): 'prior' shrinks toward the pool's mean operator, 'regression' combines the known operators, 'both'
    shrinks toward that combination; 'labels' regresses on the known models' own results on the pool's prompts."""
    rows, y = np.asarray(rows), np.asarray(y, dtype=np.float64)
    Xk = known.X[rows] if Xk is None else Xk
    if estimator == "prior":
        vec, icp, calib, loo = _shrunk(known, rows, y, Xk, known.prior, 0.0, True, eps)
    elif estimator == "regression":
        vec, icp, loo = regression_operator(known, rows, y)
        calib = platt(loo, y)
    elif estimator == "labels":   # pool prompts only: the known models' results (their P where missing) as features
        F = np.where(np.isnan(known.Y), 2 * known.P - 1, known.Y)
        w, c0, loo = ridge(F[rows], y)
        calib = platt(loo, y)
        a, c = calib
        return Cold(None, c0, calib, sigmoid(a * (c0 + F @ w) + c), sigmoid(a * loo + c), rows)
    elif estimator == "both":
        rv, ri, _ = regression_operator(known, rows, y)
        vec, icp, calib, loo = _shrunk(known, rows, y, Xk, rv, ri, False, eps)
    else:
        raise ValueError(f"unknown estimator {estimator!r} ({' | '.join(ESTIMATORS)})")
    a, c = calib
    p = sigmoid(a * (icp + known.X @ vec) + c)
    return Cold(vec, icp, calib, p, sigmoid(a * loo + c), rows)


def accuracy(cold: Cold, y: np.ndarray, among: np.ndarray | None = None, z: float = 1.96) -> tuple[float, float, float]:
    """(estimate, lo, hi) of the accuracy over the pool prompts AMONG (default all): observed labels on the planned
    rows, predicted P elsewhere; the interval from the leave-one-out residuals' spread over the K labels (the error
    of the predictions' mean) and the Bernoulli variance of the unseen prompts, so it shrinks as K grows."""
    n_all = len(cold.p)
    among = np.arange(n_all) if among is None else np.asarray(among)
    seen = np.zeros(n_all, dtype=bool)
    seen[cold.rows] = True
    obs = np.zeros(n_all)
    obs[cold.rows] = np.asarray(y) > 0
    inside = np.zeros(n_all, dtype=bool)
    inside[among] = True
    n = inside.sum()
    unseen = inside & ~seen
    est = float((obs[inside & seen].sum() + cold.p[unseen].sum()) / n)
    r = (np.asarray(y) > 0) - cold.loo_p
    k = len(r)
    share = unseen.sum() / n
    var = share ** 2 * (r.var(ddof=1) if k > 1 else 0.25) / max(k, 1) + (cold.p[unseen] * (1 - cold.p[unseen])).sum() / n ** 2
    half = z * float(np.sqrt(var))
    return est, max(est - half, 0.0), min(est + half, 1.0)


def by_category(cold: Cold, y: np.ndarray, category: np.ndarray) -> dict:
    """{category: estimated accuracy} over each category's pool prompts (interval from that category's residuals)."""
    out = {}
    for c in sorted(set(category.tolist())):
        out[c] = accuracy(cold, y, np.flatnonzero(category == c))[0]
    return out
