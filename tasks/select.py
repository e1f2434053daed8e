"""Model selection from the operators: rankings for prompts, tasks and centroids, the cost frontier and the cheapest
model within a margin of the best (query encoder: tasks.query_encoder; held-out policies: tasks.routing_eval)."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import numpy as np

from tasks import operators as ops

MARGINS = (0.99, 0.95, 0.90, 0.80)


@dataclass
class Serving:
    """The current operators of one (encoder, method) as matrices: scores = X @ W + b, one column per model."""
    encoder: str
    method: str
    models: list[str]
    versions: np.ndarray
    W: np.ndarray
    b: np.ndarray
    calib: np.ndarray            # (models, 2): Platt (a, c); NaN = uncalibrated
    pools: list[tuple[str, ...]]  # benchmarks each model has results on
    cost: np.ndarray             # (models, 3): cost_intercept, cost_per_char, min_cost_usd; NaN = unknown
    specs: list[dict]            # what each operator was fitted with (lam, lam_source, eps, centred, ...)
    eigs: list = field(default_factory=list)  # ops.Eig per model, None where no matching statistics


def serving(rows: list[dict], encoder: str, method: str) -> Serving:
    """A Serving from warehouse.selection.read_operators rows (one per model and pool)."""
    by_model: dict[str, list[dict]] = {}
    for r in rows:
        by_model.setdefault(r["model_id"], []).append(r)
    models = sorted(by_model)
    first = [by_model[m][0] for m in models]
    cost = np.full((len(models), 3), np.nan)
    for j, m in enumerate(models):
        priced = sorted((r for r in by_model[m] if r["n_cost"]), key=lambda r: -r["n_cost"])
        if priced:
            cost[j] = priced[0]["cost_intercept"], priced[0]["cost_per_char"], priced[0]["min_cost_usd"]
    dim = len(first[0]["vector"]) if first else 0
    return Serving(
        encoder, method, models, np.array([r["version"] for r in first], dtype=np.int64),
        np.stack([r["vector"] for r in first], axis=1) if first else np.zeros((dim, 0)),
        np.array([r["intercept"] for r in first], dtype=np.float64),
        np.array([[np.nan, np.nan] if r["calib_a"] is None else [r["calib_a"], r["calib_b"]] for r in first],
                 dtype=np.float64).reshape(-1, 2),
        [tuple(r["benchmark"] for r in by_model[m] if r["benchmark"]) for m in models], cost,
        [{k: r[k] for k in ("lam", "lam_source", "eps", "centred", "signature", "watermark", "version")}
         | {"calibrated": r["calib_a"] is not None} for r in first])


def attach_eigs(sv: Serving, grams: dict[str, tuple[str, np.ndarray]]) -> Serving:
    """SV with the eigenpairs of each model's Gram matrix where its statistics match the operator's signature."""
    from threadpoolctl import threadpool_limits

    cache: dict[tuple[str, float], ops.Eig] = {}
    sv.eigs = []
    with threadpool_limits(1):  # small eigh: one BLAS thread is faster and immune to a busy machine
        for m, spec in zip(sv.models, sv.specs):
            sig, G = grams.get(m, (None, None))
            if sig is None or sig != spec["signature"]:
                sv.eigs.append(None)
                continue
            key = (sig, spec["eps"])
            if key not in cache:
                cache[key] = ops.eig(G, spec["eps"])
            sv.eigs.append(cache[key])
    return sv



def calibrated(S: np.ndarray, calib: np.ndarray) -> np.ndarray:
    """Success probabilities from raw scores: Platt where calibrated, else (1 + score) / 2 clipped. A Platt fit with a
    negative slope (it would reverse the operator's order) counts as uncalibrated."""
    lin = np.clip((1.0 + S) / 2.0, 0.0, 1.0)
    ok = np.isfinite(calib[:, 0]) & np.isfinite(calib[:, 1]) & (np.nan_to_num(calib[:, 0]) >= 0)
    a, c = np.where(ok, calib[:, 0], 0.0), np.where(ok, calib[:, 1], 0.0)
    return np.where(ok, ops.sigmoid(S * a + c), lin)


def predict(sv: Serving, X: np.ndarray, cols: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(raw scores, probabilities) of rows X for the models in COLS (default all)."""
    cols = np.arange(len(sv.models)) if cols is None else cols
    S = np.asarray(X, dtype=np.float64) @ sv.W[:, cols] + sv.b[cols]
    return S, calibrated(S, sv.calib[cols])


def support(sv: Serving, X: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(effective training prompts 1 / x'(G + 2 lam I)^-1 x, share of |x|^2 outside the kept eigenspace) per row and
    model in COLS; NaN where the model has no matching statistics."""
    sup = np.full((len(X), len(cols)), np.nan)
    out = np.full_like(sup, np.nan)
    for k, j in enumerate(cols):
        e = sv.eigs[j] if sv.eigs else None
        if e is not None:
            var, outside = ops.confidence(X, e, sv.specs[j]["lam"])
            sup[:, k], out[:, k] = 1.0 / np.maximum(var, 1e-300), np.where(outside < 1e-9, 0.0, outside)
    return sup, out


def expected_cost(sv: Serving, chars: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Expected USD per prompt of CHARS characters for the models in COLS (their cost line, floored at their
    cheapest measured prompt); NaN where costs are unknown."""
    c = sv.cost[cols]
    return np.maximum(c[:, 0][None, :] + np.outer(np.asarray(chars, dtype=np.float64), c[:, 1]), c[:, 2][None, :])


def matches(model_id: str, patterns: str) -> bool:
    """Whether MODEL_ID matches one of the comma-separated globs (case-insensitive; a plain word: substring)."""
    pats = [p.strip().lower() for p in patterns.split(",") if p.strip()]
    return any(fnmatch.fnmatchcase(model_id.lower(), p if any(ch in p for ch in "*?[") else f"*{p}*") for p in pats)


def pool_columns(sv: Serving, benchmark: str | None = None, models: str | None = None,
                 need_cost: bool = False) -> tuple[np.ndarray, str]:
    """(model columns to rank, pool name). MODELS: comma-separated globs (a plain word matches as a substring);
    BENCHMARK 'all' ranks every model; default: the benchmark with the most models (with costs if NEED_COST),
    or every matching model when MODELS is given."""
    idx = np.arange(len(sv.models))
    if models:
        idx = np.array([j for j in idx if matches(sv.models[j], models)], dtype=int)
    if benchmark is None and not models:
        sizes: dict[str, int] = {}
        for j in idx:
            if need_cost and np.isnan(sv.cost[j, 0]):
                continue
            for b in sv.pools[j]:
                sizes[b] = sizes.get(b, 0) + 1
        benchmark = min(sizes, key=lambda b: (-sizes[b], b)) if sizes else "all"
    if benchmark and benchmark != "all":
        idx = np.array([j for j in idx if benchmark in sv.pools[j]], dtype=int)
    return idx.astype(int), benchmark or "all"


def cheapest_within(acc: np.ndarray, cost: np.ndarray, margin: float) -> int | None:
    """Index of the cheapest entry with ACC >= MARGIN x the best ACC (ties: more accurate, then first); None when
    no entry has a known cost."""
    ok = (acc >= margin * np.max(acc)) & ~np.isnan(cost)
    if not ok.any():
        return None
    return int(min(np.flatnonzero(ok), key=lambda i: (cost[i], -acc[i], i)))


def frontier(acc: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Mask of the entries no other entry dominates (at least as accurate and as cheap, better in one)."""
    a, c = np.asarray(acc)[:, None], np.asarray(cost)[:, None]
    dom = (a.T >= a) & (c.T <= c) & ((a.T > a) | (c.T < c))
    return ~dom.any(axis=1)


def rank_rows(sv: Serving, X: np.ndarray, chars: np.ndarray, cols: np.ndarray, top: int | None = None,
              max_cost: float | None = None, margin: float = 0.95) -> list[dict]:
    """Per row of X: the models in COLS ranked by predicted success (with support, outside share and expected
    cost), those over MAX_COST (or of unknown cost, when it is given) left out, and the cheapest within MARGIN."""
    S, P = predict(sv, X, cols)
    sup, out = support(sv, X, cols)
    C = expected_cost(sv, chars, cols)
    ranked = []
    for i in range(len(X)):
        keep = np.ones(len(cols), bool) if max_cost is None else np.nan_to_num(C[i], nan=np.inf) <= max_cost
        order = sorted(np.flatnonzero(keep), key=lambda k: (-P[i, k], sv.models[cols[k]]))
        rows = [{"rank": r + 1, "model_id": sv.models[cols[k]], "p_correct": float(P[i, k]),
                 "score": float(S[i, k]), "support": _num(sup[i, k]), "outside": _num(out[i, k]),
                 "expected_cost_usd": _num(C[i, k]), "benchmarks": list(sv.pools[cols[k]])}
                for r, k in enumerate(order)]
        pick = cheapest_within(P[i, order], C[i, order], margin) if order else None
        ranked.append({"models": rows[:top] if top else rows,
                       "cheapest_within_margin": None if pick is None else {"margin": margin, **rows[pick]}})
    return ranked


def rank_task(sv: Serving, cols: np.ndarray, X: np.ndarray | None = None, centroid: np.ndarray | None = None,
              chars: np.ndarray | None = None) -> list[dict]:
    """Models in COLS ranked for a task given by example vectors X (by mean predicted success) or by the centroid
    of their embeddings alone (by linearity the operator at the centroid is the mean linear success (1 + s) / 2)."""
    c = np.asarray(X, dtype=np.float64).mean(0) if X is not None else np.asarray(centroid, dtype=np.float64)
    lin = np.clip((1.0 + predict(sv, c[None, :], cols)[0][0]) / 2.0, 0.0, 1.0)
    mean_p = predict(sv, X, cols)[1].mean(0) if X is not None else lin
    cost = expected_cost(sv, chars, cols).mean(0) if chars is not None and len(chars) else np.full(len(cols), np.nan)
    order = sorted(range(len(cols)), key=lambda k: (-mean_p[k], sv.models[cols[k]]))
    return [{"rank": r + 1, "model_id": sv.models[cols[k]], "predicted_accuracy": float(mean_p[k]),
             "centroid_success": float(lin[k]), "expected_cost_usd": _num(cost[k]),
             "benchmarks": list(sv.pools[cols[k]])} for r, k in enumerate(order)]



def _num(v) -> float | None:
    """A JSON-safe float (None for NaN)."""
    return None if v is None or not np.isfinite(v) else float(v)
