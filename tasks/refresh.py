"""Refresh: embed new texts, fold results written since the watermark into each model's statistics, refit what changed."""
from __future__ import annotations

import hashlib
import logging
import time

import numpy as np

from tasks import operators as ops
from tasks.embed import EncoderConfig, embed_missing
from warehouse import operators as store
from warehouse.db import transaction

log = logging.getLogger("taskspace.refresh")


def _stored(row: dict | None, dim: int) -> ops.Stats:
    if row is None:
        return ops.Stats.zeros(dim)
    return ops.Stats(ops.unpack_upper(row["gram"], row["dim"]), row["b"], float(row["n"]), row["sum_x"],
                     float(row["sum_y"]))


def _fold(con, encoder: str, old, new_watermark: int, rebuild: list[str] | None) -> tuple[list[dict], list[str], int]:
    """(new statistics rows, models whose folded counts disagree with the results, rows staged) for one staging."""
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
        out.append({"model_id": m, "dim": V.shape[1], "n": new.n, "sum_y": new.sum_y, "sum_x": new.sum_x,
                    "b": new.b, "gram": ops.pack_upper(new.G), "signature": signature})
    return out, bad, staged


def fold_results(con, encoder: str, *, rebuild: bool = False) -> dict:
    """Bring every model's statistics up to the latest results in one transaction; a model whose folded counts
    disagree with its results is rebuilt from scratch. Raises MissingVectors if a result text is not embedded."""
    def work() -> dict:
        old = store.stats_watermark(con, encoder)
        new_w, new_t = store.results_watermark(con)
        if not rebuild and new_w <= old[0]:
            return {"models_updated": 0, "rows_folded": 0, "rebuilt": [], "watermark": old[0]}
        everyone = store.models_with(con, None) if rebuild else None
        rows, bad, staged = _fold(con, encoder, old, new_w, everyone)
        if bad:
            log.warning("statistics of %d model(s) disagree with their results, rebuilding: %s", len(bad), bad)
            fixed, still_bad, more = _fold(con, encoder, old, new_w, bad)
            if still_bad:
                raise RuntimeError(f"statistics of {still_bad} cannot be rebuilt consistently")
            rows, staged = rows + fixed, staged + more
        store.write_stats(con, encoder, rows, new_w, new_t)
        con.execute("DROP TABLE IF EXISTS stats_delta; DROP TABLE IF EXISTS stats_keys")
        return {"models_updated": len(rows), "rows_folded": staged, "rebuilt": bad, "watermark": new_w}
    with transaction(con):
        return work()


def refit(con, encoder: str, specs: list[ops.MethodSpec], *, chunk: int = 64, everything: bool = False) -> dict:
    """Fit a new operator version for every model whose statistics changed since its operator of each spec (all
    models when EVERYTHING), one eigendecomposition per prompt set; returns {operators_refit (models), versions_written}."""
    def work() -> dict:
        if everything:
            every = set(store.models_with(con, encoder))
            stale = {s.name: every for s in specs}
        else:
            stale = {s.name: set(store.stale_models(con, encoder, s.name, s.config())) for s in specs}
        models = sorted(set().union(*stale.values()))
        written, shared = 0, {}
        for phase in ([s for s in specs if not s.shrink], [s for s in specs if s.shrink]):
            todo = sorted(set().union(*(stale[s.name] for s in phase))) if phase else []
            prior = None
            if todo and phase[0].shrink:   # after the centred operators of this refit are written
                prior, n_prior = store.prior_vector(con, encoder, "centred")
                log.info("shrinking %d model(s) toward the mean of %d centred operators", len(todo), n_prior)
            for start in range(0, len(todo), chunk):
                rows = _fit_chunk(con, encoder, todo[start:start + chunk], phase, stale, shared, prior)
                written += store.write_operators(con, rows)
        return {"operators_refit": len(models), "versions_written": written}
    with transaction(con):
        return work()


def _fit_chunk(con, encoder: str, models: list[str], specs: list[ops.MethodSpec], stale: dict[str, set],
               shared: dict, prior: np.ndarray | None = None) -> list[dict]:
    """Operator rows of MODELS for the specs they are stale for; SHARED keeps the last prompt sets' eigenpairs and
    projected rows for the next chunk."""
    from warehouse.embeddings import read_vectors

    stats = store.stats_of(con, encoder, models)
    need_rows = any(s.calibrate for s in specs)
    rows = store.model_rows(con, encoder, models) if need_rows else {}
    by_sig: dict[str, list[str]] = {}
    for m in models:
        by_sig.setdefault(stats[m]["signature"] + "|" + ("" if not need_rows else str(hash(tuple(rows[m][0])))),
                          []).append(m)
    out = []
    for sig, group in by_sig.items():
        first = stats[group[0]]
        if sig not in shared:   # rows, eigenpairs and projections of the last two prompt sets are kept
            while len(shared) >= 2:
                shared.pop(next(iter(shared)))
            X = None
            if need_rows:
                keys = rows[group[0]][0]
                found, V = read_vectors(con, encoder, keys)
                X = V[np.searchsorted(found, keys)].astype(np.float64)
            shared[sig] = {"X": X}
        eigs: dict = shared[sig]
        X, G = eigs["X"], None
        for m in group:
            s = _stored(stats[m], first["dim"])
            for spec in specs:
                if m not in stale[spec.name]:
                    continue
                if spec.eps not in eigs:   # one eigendecomposition (and projection of the rows) per prompt set
                    G = ops.unpack_upper(first["gram"], first["dim"]) if G is None else G
                    e = ops.eig(G, spec.eps)
                    eigs[spec.eps] = (e, (X @ e.U) ** 2 if X is not None else None)
                e, proj2 = eigs[spec.eps]
                o, _ = ops.fit_method(spec, s, e, X, rows[m][1] if need_rows else None, proj2, prior)
                out.append({"model_id": m, "encoder": encoder, "method": spec.name, "lam": o.lam, "eps": o.eps,
                            "lam_source": o.lam_source, "centred": o.centred, "intercept": float(o.intercept),
                            "vector": o.vector, "prior": prior if spec.shrink else None, "rank": o.rank, "n": int(round(o.n)), "base_rate": o.base_rate,
                            "calib_a": o.calib[0] if o.calib else None, "calib_b": o.calib[1] if o.calib else None,
                            "gcv": o.gcv, "signature": stats[m]["signature"], "watermark": int(stats[m]["watermark"]),
                            "params": {"config": spec.config(), "lam_spec": spec.lam}})
    return out


def fold_embedding_late_texts(con, cfg: EncoderConfig, *, rebuild: bool = False,
                              progress: bool | None = None) -> dict:
    """fold_results; when results arrived after the embedding pass, embed their texts and fold again
    (their counts in embedded_late, prompts_late)."""
    late = {"embedded_late": 0, "prompts_late": 0}
    for attempt in range(3):
        try:
            return fold_results(con, cfg.name, rebuild=rebuild) | late
        except store.MissingVectors:
            if attempt == 2:
                raise
            more = embed_missing(con, cfg, progress=progress)
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


def refresh(con, cfg: EncoderConfig | None = None, specs: list[ops.MethodSpec] | None = None, *,
            progress: bool | None = None, rebuild: bool = False, refit_all: bool = False) -> dict:
    """Embed what is new, fold new and changed results into the statistics (REBUILD: recompute them all), refit the
    affected operators (REFIT_ALL: every operator)."""
    cfg = cfg or EncoderConfig()
    specs = specs or ops.STORED_METHODS
    t0 = time.perf_counter()
    emb = embed_missing(con, cfg, progress=progress)
    t1 = time.perf_counter()
    folded = fold_embedding_late_texts(con, cfg, rebuild=rebuild, progress=progress)
    t2 = time.perf_counter()
    fitted = refit(con, cfg.name, specs, everything=refit_all)
    t3 = time.perf_counter()
    return summary(cfg, emb, folded, fitted) | {
        "methods": [s.name for s in specs],
        "seconds": {"embed": round(t1 - t0, 2), "fold": round(t2 - t1, 2), "refit": round(t3 - t2, 2),
                    "total": round(t3 - t0, 2)}}
