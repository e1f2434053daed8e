"""Refit per pool from the warehouse's statistics: which pools are stale, and their operators and routers through the
one fit path (fit_pool) and the one gate (route.gate). Reads only; the caller writes in one short transaction."""
from __future__ import annotations

import logging

import numpy as np

from tasks.operators.fitting import PoolData, fit_pool
from tasks.operators.math import MethodSpec, Stats, unpack_upper
from tasks.operators.serving import best_of, gate
from tasks.operators.domain import near_floor
from tasks.coldstart import detect
from tasks.coldstart.operator import PoolPrompts, cold_operator
from warehouse import coldstart as coldstore
from warehouse import operators as store

log = logging.getLogger("taskspace.refresh")


def plan(con, encoder: str, specs: list[MethodSpec], everything: bool = False) -> dict[str, dict[str, set]]:
    """{pool: {method: (model, pool) units whose statistics are newer than their operator, or cold-start units whose
    leaderboard prior changed (detect.prior_changed)}} for the pools with any (EVERYTHING: every unit of every
    pool)."""
    every = store.models_with(con, encoder)
    stored = coldstore.read_estimates(con)
    boards = {pool: coldstore.leaderboard_scores(con, pool) for pool in sorted({p for _, p in stored})}
    moved = detect.prior_changed(stored, boards) & set(every)
    out: dict[str, dict[str, set]] = {}
    for s in specs:
        stale = every if everything else set(store.stale_models(con, encoder, s.name, s.config())) | moved
        for u in stale:
            out.setdefault(u[1], {}).setdefault(s.name, set()).add(u)
    return out


def _stats(row: dict) -> Stats:
    return Stats(unpack_upper(row["gram"], row["dim"]), np.asarray(row["b"]), float(row["n"]),
                 np.asarray(row["sum_x"]), float(row["sum_y"]))


def pool_data(con, encoder: str, units: list[store.Unit], need_rows: bool) -> tuple[PoolData, dict]:
    """The PoolData of UNITS (one pool) from operator_stats and result_labels, and {stats rows, keys, vectors}."""
    from warehouse.embeddings import read_vectors

    stats = store.stats_of(con, encoder, units)
    rows = store.model_rows(con, encoder, units) if need_rows else {}
    found, V = read_vectors(con, encoder, sorted({k for ks, _ in rows.values() for k in ks})) if rows else ([], None)
    pos = {k: i for i, k in enumerate(found)}
    idx = {u: np.array([pos[k] for k in rows[u][0]], dtype=np.int64) for u in rows}
    data = PoolData([_stats(stats[u]) for u in units], [stats[u]["signature"] for u in units],
                    (lambda j: V[idx[units[j]]]) if rows else None, (lambda j: rows[units[j]][1]) if rows else None)
    return data, {"stats": stats, "idx": idx, "V": V}


def router_of(fit, units: list[store.Unit], extra: dict, base_rates: np.ndarray, among: list[int] | None = None
              ) -> dict:
    """The pool's served router from a fit: best single model (highest base rate), margin tuned on the
    leave-one-out probabilities of the prompts every model answered, centroid, spread and nearness floor
    (tasks.operators.domain) of the pool's prompts. AMONG: the units the gate is tuned on (default all;
    cold-start models are left out: too few results)."""
    V = extra["V"]
    among = list(range(len(units))) if among is None else list(among)
    P = np.full((len(V), len(among)), np.nan)
    Y = np.full_like(P, np.nan)
    for k, j in enumerate(among):
        if fit.loo_p[j] is not None:
            P[extra["idx"][units[j]], k] = fit.loo_p[j]
            Y[extra["idx"][units[j]], k] = extra["labels"](j)
    best = best_of(base_rates[among])   # a base rate is the model's accuracy on its own prompts of the pool
    _, margin = gate(P, Y, best)
    c = V.astype(np.float64).mean(0)
    spread = float(np.mean(V @ (c / max(np.linalg.norm(c), 1e-12))))
    return {"best_model": units[among[best]][0], "margin": margin, "n_models": len(units),
            "prior_version": fit.prior_version, "centroid": c, "spread": spread,
            "near_p01": near_floor(V)}


def load_pools(con, encoder: str, specs: list[MethodSpec], todo: dict[str, dict[str, set]]) -> dict[str, dict]:
    """{pool: {units, data, extra, current}}: everything fitting the stale pools needs, read in one go (the fit then
    runs with no connection held)."""
    every = store.models_with(con, encoder)
    out = {}
    for pool in sorted(todo):
        units = sorted(u for u in every if u[1] == pool)
        data, extra = pool_data(con, encoder, units, any(s.calibrate for s in specs))
        extra["labels"] = data.labels
        out[pool] = {"units": units, "data": data, "extra": extra, "pool_labels": coldstore.pool_labels(con, pool),
                     "current": {s.name: store.current_priors(con, encoder, s.name, pool) for s in specs}}
        if cold_of(out[pool]):   # the pool's prompts, for the cold-start operators (tasks/coldstart/operator.py)
            out[pool]["pool_X"] = coldstore.pool_vectors(con, encoder, pool, out[pool]["pool_labels"]["prompts"])
    return out


def cold_of(got: dict) -> list[int]:
    """Indices of the pool's units that are cold-start (detect.cold_models on their result counts)."""
    counts = {u[0]: int(round(s.n)) for u, s in zip(got["units"], got["data"].stats)}
    cold = detect.cold_models(counts, len(got["pool_labels"]["prompts"]))
    return [j for j, u in enumerate(got["units"]) if u[0] in cold]


def refit_pools(loaded: dict[str, dict], encoder: str, specs: list[MethodSpec], todo: dict[str, dict[str, set]]
                ) -> tuple[list[dict], dict, dict, dict]:
    """(operator rows to write, {(method, pool): router}, {pool: why}, {pool: cold-start estimate rows}) for the
    stale pools: every unit of the pool is fitted (the prior and the gate depend on all of them); a unit gets a new
    version when its statistics changed or, for a shrinking method, the pool's prior did. A cold-start unit
    (detect.cold_models) is left out of the prior and the gate, gets its cold-start operator (place_cold, refitted
    whenever its pool is) marked coldstart and an accuracy estimate with an interval; once its results cover the
    pool it is an ordinary unit again."""
    rows, routers, why, estimates = [], {}, {}, {}
    for pool, got in loaded.items():
        units, data, extra, current = got["units"], got["data"], got["extra"], got["current"]
        reasons = {"units": len(units), "stale": sorted({u[0] for s in todo[pool].values() for u in s})}
        cold = cold_of(got)
        warm = [j for j in range(len(units)) if j not in cold]
        if cold:
            reasons["coldstart"] = sorted(units[j][0] for j in cold)
        names = {units[j][0] for j in cold}
        predicted = detect.predict(got["pool_labels"], names) if cold else None
        estimates[pool] = detect.estimates(got["pool_labels"], names,
                                           max((int(extra["stats"][u]["watermark"]) for u in units), default=0),
                                           predicted)
        prompts = PoolPrompts.of(got["pool_X"][1], specs[0].eps) if cold and len(got["pool_X"][0]) else None
        for spec in specs:
            fit = fit_pool(data, spec, prior_from=warm if cold else None)
            if prompts is not None:
                place_cold(fit, spec, units, cold, predicted, got["pool_X"][0], prompts)
            stale = todo[pool].get(spec.name, set())
            moved = [u for u in units if spec.shrink and current[spec.name].get(u[0], "") != fit.prior_version]
            # a cold-start operator depends on the other models' labels too: rewritten whenever the pool changed
            write = sorted(set(stale) | set(moved) | ({units[j] for j in cold} if stale else set()))
            if not write:
                continue
            if set(moved) - set(stale):
                reasons.setdefault("prior_changed", {})[spec.name] = len(set(moved) - set(stale))
            base = np.array([o.base_rate for o in fit.operators])
            if spec.calibrate and data.vectors is not None:
                routers[(spec.name, pool)] = router_of(fit, units, extra, base, warm) | {
                    "watermark": max(int(extra["stats"][u]["watermark"]) for u in units)}
            for u in write:
                j = units.index(u)
                rows.append(_row(fit.operators[j], u, encoder, spec, fit, extra["stats"][u]) | {"coldstart": j in cold})
        log.info("pool %s: %d unit(s), stale %s%s", pool, len(units), reasons["stale"],
                 f", prior moved for {reasons['prior_changed']}" if "prior_changed" in reasons else "")
        why[pool] = reasons
    return rows, routers, why, estimates


def place_cold(fit, spec: MethodSpec, units: list[store.Unit], cold: list[int], predicted: dict, rows: np.ndarray,
               prompts: PoolPrompts) -> None:
    """Each cold-start unit's operator in FIT (COLD: their indices in UNITS) becomes its cold-start operator: SPEC's
    closed form on its prediction (PREDICTED, detect.predict) over the pool's prompts with vectors (ROWS of the
    pool's prompts, PROMPTS their vectors; tasks/coldstart/operator.py)."""
    for j in cold:
        p = predicted["models"][units[j][0]][2]   # (rows, labels, prediction, prior): detect.predict
        fit.operators[j] = cold_operator(spec, prompts, p[rows], fit.operators[j].n, fit.prior)


def _row(o, unit: store.Unit, encoder: str, spec: MethodSpec, fit, st: dict) -> dict:
    """An operators row of fitted operator O."""
    return {"model_id": unit[0], "pool": unit[1], "encoder": encoder, "method": spec.name, "lam": o.lam,
            "eps": o.eps, "lam_source": o.lam_source, "centred": o.centred, "intercept": float(o.intercept),
            "vector": o.vector, "prior": fit.prior if spec.shrink else None,
            "prior_version": fit.prior_version if spec.shrink else None, "rank": o.rank, "n": int(round(o.n)),
            "base_rate": o.base_rate, "calib_a": o.calib[0] if o.calib else None,
            "calib_b": o.calib[1] if o.calib else None, "gcv": o.gcv, "signature": st["signature"],
            "watermark": int(st["watermark"]), "params": {"config": spec.config(), "lam_spec": spec.lam}}
