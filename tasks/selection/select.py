"""Model selection from the operators: rankings for prompts, tasks and centroids, the cost frontier and the cheapest
model within a margin of the best (query encoder: tasks.selection.query_encoder; held-out policies: tasks.evaluation.heldout)."""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field

import numpy as np

from tasks import operators as ops
from tasks.operators import serving as serve

MARGINS = (0.99, 0.95, 0.90, 0.80)


@dataclass
class Serving:
    """The current operators of one (encoder, method) as matrices, one column per (model, pool) unit: scores =
    X @ W + b; ROUTERS: each pool's served gate (best single model, margin, prompt centroid)."""
    encoder: str
    method: str
    models: list[str]            # model id of each column
    pool_of: list[str]           # pool of each column
    versions: np.ndarray
    W: np.ndarray
    b: np.ndarray
    calib: np.ndarray            # (columns, 2): Platt (a, c); NaN = uncalibrated
    cost: np.ndarray             # (columns, 3): cost_intercept, cost_per_char, min_cost_usd; NaN = unknown
    specs: list[dict]            # what each operator was fitted with (lam, lam_source, eps, centred, ...)
    routers: dict = field(default_factory=dict)
    eigs: list = field(default_factory=list)  # ops.Eig per column, None where no matching statistics

    @property
    def pools(self) -> list[tuple[str, ...]]:
        """The pool of each column as a 1-tuple (the shape the published tables use)."""
        return [(p,) for p in self.pool_of]


def serving(rows: list[dict], encoder: str, method: str, routers: dict | None = None) -> Serving:
    """A Serving from warehouse.selection.read_operators rows (one per model and pool) and the pools' routers."""
    cost = np.array([[r["cost_intercept"], r["cost_per_char"], r["min_cost_usd"]] if r["n_cost"] else
                     [np.nan] * 3 for r in rows], dtype=np.float64).reshape(-1, 3)
    dim = len(rows[0]["vector"]) if rows else 0
    return Serving(
        encoder, method, [r["model_id"] for r in rows], [r["pool"] for r in rows],
        np.array([r["version"] for r in rows], dtype=np.int64),
        np.stack([r["vector"] for r in rows], axis=1) if rows else np.zeros((dim, 0)),
        np.array([r["intercept"] for r in rows], dtype=np.float64),
        np.array([[np.nan, np.nan] if r["calib_a"] is None else [r["calib_a"], r["calib_b"]] for r in rows],
                 dtype=np.float64).reshape(-1, 2), cost,
        [{k: r[k] for k in ("lam", "lam_source", "eps", "centred", "signature", "watermark", "version", "base_rate")}
         | {"calibrated": r["calib_a"] is not None} | coldstart_of(r) for r in rows], routers or {})


def coldstart_of(row: dict) -> dict:
    """{coldstart, n_evaluations[, estimated_accuracy: {estimate, lo, hi, prior_score}]} of an operator row (a
    cold-start model is marked with the number of results behind it, its estimated benchmark accuracy and the
    leaderboard score behind its ability prior, None when none)."""
    out = {"coldstart": bool(row.get("coldstart")), "n_evaluations": int(row["n"])}
    if out["coldstart"] and row.get("coldstart_estimate") is not None:
        out["estimated_accuracy"] = {k: float(row[f"coldstart_{k}"]) for k in ("estimate", "lo", "hi")} | {
            "prior_score": row.get("coldstart_prior_score")}
    return out


def marks(sv: Serving, j: int) -> dict:
    """The cold-start fields of column J for a ranked row."""
    return {k: sv.specs[j][k] for k in ("coldstart", "n_evaluations", "estimated_accuracy") if k in sv.specs[j]}


def attach_eigs(sv: Serving, grams: dict[tuple[str, str], tuple[str, np.ndarray]]) -> Serving:
    """SV with the eigenpairs of each column's Gram matrix where its statistics match the operator's signature."""
    from threadpoolctl import threadpool_limits

    cache: dict[tuple[str, float], ops.Eig] = {}
    sv.eigs = []
    with threadpool_limits(1):  # small eigh: one BLAS thread is faster and immune to a busy machine
        for m, pool, spec in zip(sv.models, sv.pool_of, sv.specs):
            sig, G = grams.get((m, pool), (None, None))
            if sig is None or sig != spec["signature"]:
                sv.eigs.append(None)
                continue
            key = (sig, spec["eps"])
            if key not in cache:
                cache[key] = ops.eig(G, spec["eps"])
            sv.eigs.append(cache[key])
    return sv


def predict(sv: Serving, X: np.ndarray, cols: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """(raw scores, calibrated probabilities) of rows X for the columns COLS (default all): the one predict path."""
    cols = np.arange(len(sv.models)) if cols is None else cols
    S = serve.scores(sv.W[:, cols], sv.b[cols], X)
    return S, serve.calibrated(S, sv.calib[cols])


def place(sv: Serving, X: np.ndarray) -> tuple[list[str | None], list[dict]]:
    """(pool per row of X, why): the pool whose prompt centroid is nearest by cosine; why lists each pool's cosine
    and the pool's spread (mean cosine of its own prompts to their centroid)."""
    pools = [p for p in sorted(sv.routers) if sv.routers[p].get("centroid") is not None and p in set(sv.pool_of)]
    if not pools:
        return [None] * len(X), [{} for _ in range(len(X))]
    C = np.stack([sv.routers[p]["centroid"] for p in pools])
    C = C / np.maximum(np.linalg.norm(C, axis=1, keepdims=True), 1e-12)
    Xn = np.asarray(X, dtype=np.float64)
    cos = (Xn / np.maximum(np.linalg.norm(Xn, axis=1, keepdims=True), 1e-12)) @ C.T
    out, why = [], []
    for row in cos:
        k = int(np.argmax(row))
        out.append(pools[k])
        why.append({"rule": "nearest prompt centroid (cosine)",
                    "cosine": {p: round(float(c), 4) for p, c in zip(pools, row)},
                    "pool_spread": round(float(sv.routers[pools[k]]["spread"] or 0.0), 4)})
    return out, why


def support(sv: Serving, X: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(evidence: effective training prompts behind the prediction (serving.evidence), share of |x|^2 outside the
    kept eigenspace) per row and model in COLS; NaN where the model has no matching statistics."""
    sup = np.full((len(X), len(cols)), np.nan)
    out = np.full_like(sup, np.nan)
    for k, j in enumerate(cols):
        e = sv.eigs[j] if sv.eigs else None
        if e is not None:
            _, outside = ops.confidence(X, e, serve.EVIDENCE_LAM)
            sup[:, k], out[:, k] = serve.evidence(X, e), np.where(outside < 1e-9, 0.0, outside)
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


def pool_columns(sv: Serving, pool: str | None = None, models: str | None = None,
                 need_cost: bool = False) -> tuple[np.ndarray, str]:
    """(columns to rank, pool name). MODELS: comma-separated globs (a plain word matches as a substring); POOL 'all'
    ranks every (model, pool) column; None: the largest pool (with costs if NEED_COST)."""
    idx = np.arange(len(sv.models))
    if models:
        idx = np.array([j for j in idx if matches(sv.models[j], models)], dtype=int)
    if pool is None:
        sizes: dict[str, int] = {}
        for j in idx:
            if not (need_cost and np.isnan(sv.cost[j, 0])):
                sizes[sv.pool_of[j]] = sizes.get(sv.pool_of[j], 0) + 1
        pool = min(sizes, key=lambda b: (-sizes[b], b)) if sizes else "all"
    if pool != "all":
        idx = np.array([j for j in idx if sv.pool_of[j] == pool], dtype=int)
    return idx.astype(int), pool


def routed(sv: Serving, P: np.ndarray, cols: np.ndarray, pool: str) -> tuple[np.ndarray, dict]:
    """(index into COLS of the routed model per row of P, the gate used): POOL's router (stay with its best single
    model unless another beats it by more than the tuned margin); without a router, or with its best model filtered
    out, the most probable column."""
    r = sv.routers.get(pool)
    best = [k for k, j in enumerate(cols) if r and sv.models[j] == r["best_model"] and sv.pool_of[j] == pool]
    if not best:
        return np.argmax(P, axis=1), {"pool": pool, "gated": False,
                                      "why": "no router for this pool" if not r else
                                      f"the pool's best single model {r['best_model']} is filtered out"}
    return serve.route(P, best[0], r["margin"]), {"pool": pool, "gated": True, "best_single": r["best_model"],
                                                  "margin": r["margin"]}


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
              max_cost: float | None = None, margin: float = 0.95, pool: str | None = None) -> list[dict]:
    """Per row of X: the routed model (POOL's gate, as evaluated), the models in COLS ranked by predicted success
    (with evidence, outside share and expected cost), those over MAX_COST (or of unknown cost, when it is given)
    left out, and the cheapest within MARGIN."""
    S, P = predict(sv, X, cols)
    gated = bool(pool and pool != "all")
    sup, out = support(sv, X, cols)
    C = expected_cost(sv, chars, cols)
    ranked = []
    for i in range(len(X)):
        keep = np.ones(len(cols), bool) if max_cost is None else np.nan_to_num(C[i], nan=np.inf) <= max_cost
        kept = np.flatnonzero(keep)
        order = sorted(kept, key=lambda k: (-P[i, k], sv.models[cols[k]]))
        rows = [{"rank": r + 1, "model_id": sv.models[cols[k]], "p_correct": float(P[i, k]),
                 "score": float(S[i, k]), "evidence": _num(sup[i, k]), "outside": _num(out[i, k]),
                 "expected_cost_usd": _num(C[i, k]), "pool": sv.pool_of[cols[k]]} | marks(sv, cols[k])
                for r, k in enumerate(order)]
        cheap = cheapest_within(P[i, order], C[i, order], margin) if order else None
        excluded = {} if max_cost is None else {
            "over_max_cost": int((np.nan_to_num(C[i], nan=-1.0) > max_cost).sum()),
            "unknown_cost": int(np.isnan(C[i]).sum())}
        pick, gate = None, {"gated": False}
        if len(kept):   # the pool's gate among the models the filters kept (the same gate the evaluation scored)
            k, gate = routed(sv, P[i:i + 1, kept], cols[kept], pool) if gated else \
                (np.argmax(P[i:i + 1, kept], axis=1), {"gated": False})
            pick = int(kept[k[0]])
        ranked.append({"routed_model": None if pick is None else sv.models[cols[pick]],
                       "routed_p_correct": None if pick is None else float(P[i, pick]),
                       "gate": gate, "models": rows[:top] if top else rows, "excluded": excluded,
                       "cheapest_within_margin": None if cheap is None else {"margin": margin, **rows[cheap]}})
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
             "pool": sv.pool_of[cols[k]]} | marks(sv, cols[k]) for r, k in enumerate(order)]



def _num(v) -> float | None:
    """A JSON-safe float (None for NaN)."""
    return None if v is None or not np.isfinite(v) else float(v)
