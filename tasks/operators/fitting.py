"""The one fit path: every operator of a pool (refresh, evaluate, held-out routing, the HeLU routing baseline) is
fitted here from one MethodSpec, with one eigendecomposition per prompt set and the pool's own shrinkage prior."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Sequence

import numpy as np

from tasks.operators.math import Eig, MethodSpec, Operator, Stats, eig, fit_method, sigmoid

# The prior of a shrinking method: each model's labels centred by its base rate, lambda by GCV, uncalibrated.
def prior_spec(eps: float) -> MethodSpec:
    """The spec whose operators, averaged over the pool, are a shrinking method's target."""
    return MethodSpec("centred", "gcv", eps, centred=True, calibrate=False)


@dataclass
class PoolData:
    """What fitting one pool needs: per unit (a model in the pool) its statistics and prompt-set signature (equal
    signature => equal rows in equal order, so X, G and its eigenpairs are shared); VECTORS(j) and LABELS(j) give
    unit j's rows (needed only by calibrated methods)."""
    stats: list[Stats]
    sigs: list[str]
    vectors: Callable[[int], np.ndarray] | None = None
    labels: Callable[[int], np.ndarray] | None = None


@dataclass
class PoolFit:
    """Fitted operators (None for units not asked for), their leave-one-out calibrated probabilities on their own
    rows (None when uncalibrated), each unit's eigenpairs, the prior and its version."""
    operators: list[Operator | None]
    loo_p: list[np.ndarray | None]
    eigs: list[Eig | None]
    prior: np.ndarray | None = None
    prior_version: str | None = None
    n_prior: int = 0
    shared: dict = field(default_factory=dict)

    def loo_matrix(self, n_rows: int, rows_of: Callable[[int], np.ndarray]) -> np.ndarray:
        """The leave-one-out probabilities as one (N_ROWS x units) matrix: unit j's on its rows ROWS_OF(j), NaN
        elsewhere and for units not fitted or uncalibrated."""
        out = np.full((n_rows, len(self.loo_p)), np.nan)
        for j, p in enumerate(self.loo_p):
            if p is not None:
                out[rows_of(j), j] = p
        return out


def version_of(prior: np.ndarray | None) -> str | None:
    """A short stable hash of a prior vector (rounded to 1e-9 so equal fits give equal versions)."""
    if prior is None:
        return None
    return hashlib.sha256(np.round(np.asarray(prior, dtype=np.float64), 9).tobytes()).hexdigest()[:16]


def signature(keys: Sequence | np.ndarray) -> str:
    """Prompt-set signature of a unit's row keys, in order."""
    raw = np.asarray(keys).tobytes() if isinstance(keys, np.ndarray) else "\x1f".join(map(str, keys)).encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def fit_pool(data: PoolData, spec: MethodSpec, todo: Sequence[int] | None = None,
             prior_from: Sequence[int] | None = None, keep: int = 2) -> PoolFit:
    """Operators of SPEC for the units TODO (default all) of one pool. A shrinking SPEC first fits the prior spec for
    the units PRIOR_FROM (default all; the evaluation's new models are left out) and shrinks toward their mean.
    Rows (X, and (X U)^2 for leave-one-out) are kept for the last KEEP prompt sets only (memory stays flat)."""
    n = len(data.stats)
    todo = list(range(n)) if todo is None else list(todo)
    eigs: dict[str, Eig] = {}

    def eig_of(j: int) -> Eig:
        if data.sigs[j] not in eigs:
            eigs[data.sigs[j]] = eig(data.stats[j].G, spec.eps)
        return eigs[data.sigs[j]]

    prior, n_prior = None, 0
    if spec.shrink:
        src = list(range(n)) if prior_from is None else list(prior_from)
        base = prior_spec(spec.eps)
        vecs = [fit_method(base, data.stats[j], eig_of(j))[0].vector for j in src]
        if not vecs:
            raise ValueError(f"method {spec.name!r} shrinks toward the pool's mean operator: the pool has no models")
        prior, n_prior = np.mean(vecs, axis=0), len(vecs)
    calibrate = spec.calibrate and data.vectors is not None and data.labels is not None
    rows: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    out = PoolFit([None] * n, [None] * n, [None] * n, prior, version_of(prior), n_prior)
    for j in sorted(todo, key=lambda j: data.sigs[j]):   # units sharing rows come together
        e = eig_of(j)
        X = y = proj2 = None
        if calibrate:
            y = data.labels(j)
            if data.sigs[j] not in rows:
                while len(rows) >= keep:
                    rows.pop(next(iter(rows)))
                X = np.asarray(data.vectors(j), dtype=np.float64)
                rows[data.sigs[j]] = (X, (X @ e.U) ** 2)
            X, proj2 = rows[data.sigs[j]]
        o, loo = fit_method(spec, data.stats[j], e, X, y, proj2, prior)
        out.operators[j], out.eigs[j] = o, e
        if loo is not None:
            out.loo_p[j] = sigmoid(o.calib[0] * loo + o.calib[1])
    return out
