"""Refresh: embed new texts, fold results written since the watermark into each model's statistics, refit what changed."""
from __future__ import annotations

import hashlib
import logging
import time

import numpy as np

from tasks import operators as ops
from tasks.embedding.embed import EncoderConfig, embed_missing
from warehouse import operators as store
from warehouse.db import transaction, using

log = logging.getLogger("taskspace.refresh")


def _stored(row: dict | None, dim: int) -> ops.Stats:
    if row is None:
        return ops.Stats.zeros(dim)
    return ops.Stats(ops.unpack_upper(row["gram"], row["dim"]), row["b"], float(row["n"]), row["sum_x"],
                     float(row["sum_y"]))


def _fold(con, encoder: str, old, new_watermark: int, rebuild: list[store.Unit] | None
          ) -> tuple[list[dict], list[store.Unit], int]:
    """(new statistics rows, (model, pool) units whose folded counts disagree with result_labels, rows staged)."""
    staged = store.stage_delta(con, encoder, old, new_watermark, rebuild)
    models, V, a = store.delta_arrays(con, encoder)
    if not models:
        return [], [], staged
    existing = {} if rebuild is not None else store.read_stats(con, encoder)
    totals = store.model_totals(con, encoder, new_watermark)
    bounds = np.searchsorted(a["midx"], np.arange(len(models) + 1))
    shared: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}   # rows (keys, weights) -> X, G, X'w
    out, bad = [], []
    for i, m in enumerate(models):
        k, y, w = (a[c][bounds[i]:bounds[i + 1]] for c in ("kidx", "y", "w"))
        y, w = y.astype(np.float64), w.astype(np.float64)
        sig = hashlib.sha256(k.tobytes() + w.tobytes()).hexdigest()
        if sig not in shared:   # models given the same rows share X and the rank-k update of G
            if len(shared) >= 2:
                shared.pop(next(iter(shared)))
            X = V[k].astype(np.float64)
            shared[sig] = (X, (X * w[:, None]).T @ X, X.T @ w)
        X, dG, dsx = shared[sig]
        new = _stored(existing.get(m), V.shape[1]) + ops.Stats(dG, X.T @ (w * y), float(w.sum()), dsx, float(w @ y))
        n_true, sy_true, signature = totals.get(m, (0, 0, "0-0"))
        if round(new.n) != n_true or round(new.sum_y) != sy_true:
            bad.append(m)
            continue
        out.append({"model_id": m[0], "pool": m[1], "dim": V.shape[1], "n": new.n, "sum_y": new.sum_y, "sum_x": new.sum_x,
                    "b": new.b, "gram": ops.pack_upper(new.G), "signature": signature})
    return out, bad, staged


def fold_results(db, encoder: str, *, rebuild: bool = False) -> dict:
    """Bring every (model, pool)'s statistics up to the latest labels in one short write transaction (DB a
    connection or a path); a unit whose folded counts disagree with its labels is rebuilt from scratch. Raises
    MissingVectors if a result text is not embedded."""
    def work(con) -> dict:
        old = store.stats_watermark(con, encoder)
        new_w, new_t = store.results_watermark(con)
        if not rebuild and new_w <= old[0]:
            return {"models_updated": 0, "rows_folded": 0, "rebuilt": [], "watermark": old[0]}
        everyone = store.models_with(con, None) if rebuild else None
        rows, bad, staged = _fold(con, encoder, old, new_w, everyone)
        if bad:
            log.info("statistics of %d unit(s) disagree with their labels (a pair with several sources, or a "
                     "repair), rebuilding them: %s", len(bad), bad)
            fixed, still_bad, more = _fold(con, encoder, old, new_w, bad)
            if still_bad:
                raise RuntimeError(f"statistics of {still_bad} cannot be rebuilt consistently")
            rows, staged = rows + fixed, staged + more
        store.write_stats(con, encoder, rows, new_w, new_t)
        store.drop_staging(con)
        return {"models_updated": len(rows), "rows_folded": staged, "rebuilt": [f"{m}@{p}" for m, p in bad],
                "watermark": new_w}
    with using(db, write=True) as con, transaction(con):
        return work(con)


def refit(db, encoder: str, specs: list[ops.MethodSpec], *, everything: bool = False) -> dict:
    """Refit every pool with a stale (model, pool) unit through the one fit path: read what the stale pools need,
    fit with no connection held (DB a connection, or a path opened only to read and to write), then write the new
    operator versions and the pools' routers in one short transaction."""
    from tasks.operators.refit import load_pools, plan, refit_pools

    with using(db) as con:
        todo = plan(con, encoder, specs, everything=everything)
        loaded = load_pools(con, encoder, specs, todo)
    from warehouse.coldstart import replace_estimates

    rows, routers, why, estimates = refit_pools(loaded, encoder, specs, todo)
    written = 0
    if rows or routers:
        with using(db, write=True) as con, transaction(con):
            written = store.write_operators(con, rows)
            for (method, pool), router in routers.items():
                store.write_router(con, encoder, method, pool, router)
            for pool, est in estimates.items():
                replace_estimates(con, pool, est)
    return {"operators_refit": len({(r["model_id"], r["pool"]) for r in rows}), "versions_written": written,
            "pools_refit": why, "coldstart": sorted({(r["model_id"], r["pool"]) for r in rows if r["coldstart"]})}


def fold_embedding_late_texts(db, cfg: EncoderConfig, *, rebuild: bool = False,
                              progress: bool | None = None) -> dict:
    """fold_results; when results arrived after the embedding pass, embed their texts and fold again
    (their counts in embedded_late, prompts_late)."""
    late = {"embedded_late": 0, "prompts_late": 0}
    for attempt in range(3):
        try:
            return fold_results(db, cfg.name, rebuild=rebuild) | late
        except store.MissingVectors:
            if attempt == 2:
                raise
            more = embed_missing(db, cfg, progress=progress)
            late["embedded_late"] += more["embedded"]
            late["prompts_late"] += more["prompts"]
    raise AssertionError("unreachable")


def summary(cfg: EncoderConfig, emb: dict, folded: dict, fitted: dict) -> dict:
    """The counts of one refresh from its embed, fold and refit steps."""
    return {"embedded": emb["embedded"] + folded["embedded_late"],
            "prompts_embedded": emb["prompts"] + folded["prompts_late"], "encoder": cfg.name,
            "models_updated": folded["models_updated"], "rows_folded": folded["rows_folded"],
            "rebuilt": folded["rebuilt"], "watermark": folded["watermark"],
            "precision": emb.get("precision"), "precision_reason": emb.get("why"),
            "texts_per_s": emb.get("texts_per_s"), **fitted}


def refresh(db, cfg: EncoderConfig | None = None, specs: list[ops.MethodSpec] | None = None, *,
            progress: bool | None = None, rebuild: bool = False, refit_all: bool = False) -> dict:
    """Embed what is new, fold new and changed results into the statistics (REBUILD: recompute them all), refit the
    affected operators (REFIT_ALL: every operator). DB: a connection, or a warehouse path opened only for each short
    read and write, so that `taskspace sql` and the duckdb CLI can read the last committed state meanwhile."""
    with using(db, write=True):
        pass   # a path: migrate the schema once before the read-only steps
    cfg = cfg or EncoderConfig()
    specs = specs or ops.STORED_METHODS
    t0 = time.perf_counter()
    emb = embed_missing(db, cfg, progress=progress)
    t1 = time.perf_counter()
    folded = fold_embedding_late_texts(db, cfg, rebuild=rebuild, progress=progress)
    t2 = time.perf_counter()
    fitted = refit(db, cfg.name, specs, everything=refit_all)
    t3 = time.perf_counter()
    return summary(cfg, emb, folded, fitted) | {
        "methods": [s.name for s in specs],
        "seconds": {"embed": round(t1 - t0, 2), "fold": round(t2 - t1, 2), "refit": round(t3 - t2, 2),
                    "total": round(t3 - t0, 2)}}
