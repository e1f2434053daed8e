"""LLM operators in closed form (numpy only): sufficient statistics, eigen-refit, GCV lambda, LOO, Platt, predict.

Labels are +1 (correct) / -1 (wrong). For a model with prompts X (rows) the paper's operator is
E = y' V D U' with A = X' = U S V', D = S / (S^2 + 2 lam), singular values below eps dropped; equivalently
E = U diag(1 / (w + 2 lam)) U' b over the kept eigenpairs (w = S^2) of G = X'X, with b = X'y.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LAM_GRID = np.geomspace(1e-2, 1e4, 49)


@dataclass
class Stats:
    """Sufficient statistics of one model: G = X'X, b = X'y, n, sum_x = X'1, sum_y = 1'y."""
    G: np.ndarray
    b: np.ndarray
    n: float = 0.0
    sum_x: np.ndarray | None = None
    sum_y: float = 0.0

    @classmethod
    def zeros(cls, dim: int) -> "Stats":
        return cls(np.zeros((dim, dim)), np.zeros(dim), 0.0, np.zeros(dim), 0.0)

    @classmethod
    def of(cls, X: np.ndarray, y: np.ndarray, w: np.ndarray | None = None) -> "Stats":
        """Statistics of rows X with labels y, each row counted w times (w = -1 removes a row)."""
        X = np.asarray(X, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        w = np.ones(len(y)) if w is None else np.asarray(w, dtype=np.float64)
        return cls((X * w[:, None]).T @ X, X.T @ (w * y), float(w.sum()), X.T @ w, float(w @ y))

    def __add__(self, other: "Stats") -> "Stats":
        return Stats(self.G + other.G, self.b + other.b, self.n + other.n, self.sum_x + other.sum_x,
                     self.sum_y + other.sum_y)


def pack_upper(G: np.ndarray) -> bytes:
    """The upper triangle of a symmetric matrix as float64 bytes."""
    return np.ascontiguousarray(G[np.triu_indices(len(G))], dtype=np.float64).tobytes()


def unpack_upper(blob: bytes, dim: int) -> np.ndarray:
    """The symmetric (dim x dim) matrix whose upper triangle was packed."""
    G = np.zeros((dim, dim))
    iu = np.triu_indices(dim)
    G[iu] = np.frombuffer(blob, dtype=np.float64)
    return G + np.triu(G, 1).T


@dataclass
class Eig:
    """Eigenpairs of G kept for the operator: eigenvalue >= eps^2 and above the numerical floor."""
    w: np.ndarray
    U: np.ndarray
    eps: float
    dim: int = 0

    @property
    def rank(self) -> int:
        return len(self.w)


def eig(G: np.ndarray, eps: float) -> Eig:
    """Eigen-decomposition of G keeping singular values s = sqrt(w) >= eps and w > max(w) * dim * machine eps."""
    w, U = np.linalg.eigh(G)
    floor = max(float(w.max(initial=0.0)), 0.0) * len(G) * np.finfo(np.float64).eps
    keep = (w >= eps * eps) & (w > floor)
    return Eig(w[keep], U[:, keep], eps, len(G))


def centred_b(s: Stats, centred: bool) -> tuple[np.ndarray, float, float]:
    """(X't, t't, intercept) for the fitted target t = y, or y minus the model's mean label when centred."""
    if not centred or s.n <= 0:
        return s.b, s.n, 0.0
    ybar = s.sum_y / s.n
    return s.b - ybar * s.sum_x, s.n - s.n * ybar * ybar, ybar


def solve(e: Eig, b: np.ndarray, lam: float) -> np.ndarray:
    """E = U diag(1 / (w + 2 lam)) U' b over the kept eigenpairs."""
    return e.U @ ((e.U.T @ b) / (e.w + 2.0 * lam))


def gcv(e: Eig, b: np.ndarray, tt: float, n: float, lams: np.ndarray = LAM_GRID) -> np.ndarray:
    """Generalised cross-validation n RSS / (n - df)^2 for each lam, from the statistics alone."""
    z2 = (e.U.T @ b) ** 2
    inv = 1.0 / (e.w[None, :] + 2.0 * np.asarray(lams)[:, None])
    rss = tt - 2.0 * (inv * z2).sum(1) + (e.w * inv * inv * z2).sum(1)
    df = (e.w * inv).sum(1)
    return n * np.maximum(rss, 0.0) / np.maximum(n - df, 1e-9) ** 2


def loo_scores(X: np.ndarray, y: np.ndarray, e: Eig, E: np.ndarray, lam: float, centred: bool,
               proj2: np.ndarray | None = None, prior: np.ndarray | None = None) -> np.ndarray:
    """Leave-one-out scores intercept + E.x of the rows (X, y) the operator was fitted on, in closed form (exact when
    no eigenpair is dropped; centred: the left-out mean is the intercept, the slope keeps the full mean; with a
    PRIOR, E = prior + ridge fit of the residual); proj2 = (X U)^2 may be passed in when several models share X."""
    X = np.asarray(X, dtype=np.float64)
    n = len(y)
    ybar = float(np.mean(y)) if centred and n > 1 else 0.0
    off = np.zeros(n) if prior is None else X @ prior
    r = y - ybar - off
    h = ((X @ e.U) ** 2 if proj2 is None else proj2) @ (1.0 / (e.w + 2.0 * lam))
    loo = off + (X @ E - off - h * r) / np.maximum(1.0 - h, 1e-9)
    return loo + ((n * ybar - y) / (n - 1) if centred and n > 1 else 0.0)


def platt(scores: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """Platt scaling (a, c): P(correct) = 1 / (1 + exp(-(a s + c))), Newton's method with Platt's smoothed targets;
    a slope below zero (held-out scores with no usable signal) becomes a = 0, the smoothed base rate."""
    pos = y > 0
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    return platt_to(scores, np.where(pos, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0)), iters,
                    float(np.log((n_pos + 1.0) / (n_neg + 1.0))))


def platt_to(scores: np.ndarray, t: np.ndarray, iters: int = 50, c0: float | None = None) -> tuple[float, float]:
    """Platt scaling (a, c) to target probabilities T in (0, 1) (platt's smoothed labels, or a model's predicted
    P(correct)): Newton's method on the cross-entropy from (1, C0; default the mean target's log-odds); a slope below
    zero becomes a = 0 at the mean target."""
    t = np.clip(np.asarray(t, dtype=np.float64), 1e-9, 1 - 1e-9)
    F = np.column_stack([scores, np.ones_like(scores)])
    theta = np.array([1.0, float(np.log(t.mean() / (1 - t.mean()))) if c0 is None else c0])
    for _ in range(iters):
        p = sigmoid(F @ theta)
        grad = F.T @ (p - t)
        hess = (F * (p * (1 - p))[:, None]).T @ F + 1e-9 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-10:
            break
    if theta[0] < 0:
        return 0.0, float(np.log(t.mean() / (1 - t.mean())))
    return float(theta[0]), float(theta[1])


def sigmoid(z: np.ndarray) -> np.ndarray:
    """The logistic function, numerically safe."""
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=np.float64)))


@dataclass
class Operator:
    """One fitted operator: score(x) = intercept + vector . x; probability via Platt (a, c)."""
    vector: np.ndarray
    intercept: float
    lam: float
    eps: float
    rank: int
    n: float
    base_rate: float
    centred: bool
    lam_source: str = "fixed"
    gcv: float | None = None
    calib: tuple[float, float] | None = None


def fit(s: Stats, e: Eig, lam: float | str = 1.0, *, centred: bool = False, prior: np.ndarray | None = None) -> Operator:
    """The closed-form operator from statistics and the eigenpairs of G; lam='gcv' picks it per model by GCV.
    With a PRIOR operator the penalty is 2 lam |E - prior|^2 (E = prior + the ridge fit of the residual labels)."""
    bt, tt, ybar = centred_b(s, centred)
    if prior is not None:   # residual target t - X prior: X'r and r'r from the statistics
        Gp = s.G @ prior
        bt, tt = bt - Gp, tt - 2.0 * prior @ bt + prior @ Gp
    scores = gcv(e, bt, tt, s.n)
    if lam == "gcv":
        i = int(np.argmin(scores))
        lam_v, src, g = float(LAM_GRID[i]), "gcv", float(scores[i])
    else:
        lam_v, src = float(lam), "fixed"
        g = float(gcv(e, bt, tt, s.n, np.array([lam_v]))[0])
    base = 0.5 * (1.0 + s.sum_y / s.n) if s.n else 0.5
    E = solve(e, bt, lam_v) + (0.0 if prior is None else prior)
    return Operator(E, ybar, lam_v, e.eps, e.rank, s.n, base, centred, src, g)


def confidence(X: np.ndarray, e: Eig, lam: float) -> tuple[np.ndarray, np.ndarray]:
    """(ridge variance x'(G + 2 lam I)^-1 x on the kept eigenspace, share of |x|^2 outside it) per row of X."""
    X = np.asarray(X, dtype=np.float64)
    P = X @ e.U
    var = (P ** 2 / (e.w + 2.0 * lam)).sum(1)
    norm2 = np.maximum((X ** 2).sum(1), 1e-300)
    return var, np.clip(1.0 - (P ** 2).sum(1) / norm2, 0.0, 1.0)


@dataclass(frozen=True)
class MethodSpec:
    """How an operator is fitted: lam (a number, or 'gcv' per model), eps, labels centred, Platt on LOO scores,
    shrunk toward a prior operator (the mean of the models' centred operators) instead of toward zero."""
    name: str
    lam: float | str = 1.0
    eps: float = 0.1
    centred: bool = False
    calibrate: bool = True
    shrink: bool = False

    def config(self) -> str:
        """A stable string of the settings (stored with each operator; a change refits every model)."""
        return (f"lam={self.lam};eps={self.eps};centred={int(self.centred)};platt={int(self.calibrate)}"
                + (";shrink=mean" if self.shrink else ""))


PAPER = MethodSpec("paper", lam=1.0, eps=0.1, centred=False, calibrate=True)
# The prior of the default: each model's labels centred by its base rate, lam by GCV (stored as method "centred").
CENTRED = MethodSpec("centred", lam="gcv", eps=0.1, centred=True, calibrate=True)
# Chosen on held-out data (taskspace evaluate): centred labels, shrunk toward the mean centred operator of all
# models with lam per model by GCV, Platt scaling on leave-one-out scores. Beats the paper's formula and the
# trained baselines on success accuracy and AUC, in and out of sample.
DEFAULT = MethodSpec("default", lam="gcv", eps=0.1, centred=True, calibrate=True, shrink=True)
STORED_METHODS = [PAPER, CENTRED, DEFAULT]


def stored_methods(lam: float = 1.0, eps: float = 0.1) -> list[MethodSpec]:
    """The methods refresh fits for every model: the paper's formula at (lam, eps); centred and default at eps."""
    return [MethodSpec("paper", lam=lam, eps=eps, centred=False, calibrate=True),
            MethodSpec("centred", lam="gcv", eps=eps, centred=True, calibrate=True),
            MethodSpec("default", lam="gcv", eps=eps, centred=True, calibrate=True, shrink=True)]


def fit_method(spec: MethodSpec, s: Stats, e: Eig, X: np.ndarray | None = None, y: np.ndarray | None = None,
               proj2: np.ndarray | None = None, prior: np.ndarray | None = None) -> tuple[Operator, np.ndarray | None]:
    """(operator of SPEC from statistics and eigenpairs (PRIOR: required when SPEC shrinks), its leave-one-out
    scores on rows (X, y) that the Platt calibration was fitted on, or None when uncalibrated)."""
    if spec.shrink and prior is None:
        raise ValueError(f"method {spec.name!r} shrinks toward a prior operator: pass prior=")
    prior = prior if spec.shrink else None
    o = fit(s, e, spec.lam, centred=spec.centred, prior=prior)
    loo = None
    if spec.calibrate and X is not None and len(y) > 2:
        loo = loo_scores(X, y, e, o.vector, o.lam, spec.centred, proj2, prior)
        o.calib = platt(loo, y)
    return o, loo
