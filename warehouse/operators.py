"""Operator storage: the statistics delta since a watermark, statistics rows, operator versions, current operators."""
from __future__ import annotations

import json

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.db import query, read_sql, registered
from warehouse.embeddings import list_vectors
from warehouse.loads import utcnow


class MissingVectors(RuntimeError):
    """Some result texts have no vector for the encoder yet (embed them, then fold the statistics again)."""


def _arrow(con: duckdb.DuckDBPyConnection, name: str, **params) -> pa.Table:
    """The full result of the named query as an arrow table."""
    return con.sql(read_sql(f"queries/{name}"), params=params or None).to_arrow_table()


def results_watermark(con: duckdb.DuckDBPyConnection) -> tuple[int, object]:
    """(highest results.load_id, latest results.updated_at) now."""
    w, t = query(con, "results_watermark").fetchall()[0]
    return int(w), t


def stats_watermark(con: duckdb.DuckDBPyConnection, encoder: str) -> tuple[int, object]:
    """(watermark, watermark_at) the encoder's statistics are exact for; (0, None) before the first refresh."""
    rows = query(con, "stats_watermark", encoder=encoder).fetchall()
    return (int(rows[0][0]), rows[0][1]) if rows else (0, None)


Unit = tuple[str, str]   # (model_id, pool): statistics and operators belong to a model within a pool


def _units_table(con: duckdb.DuckDBPyConnection, units: list[Unit], name: str = "want_units"):
    """UNITS visible to SQL as NAME(model_id, pool) for the duration of a with-block."""
    units = sorted(units)
    return registered(con, name, pa.table({"model_id": pa.array([u[0] for u in units], pa.string()),
                                           "pool": pa.array([u[1] for u in units], pa.string())}))


def stage_delta(con: duckdb.DuckDBPyConnection, encoder: str, old: tuple[int, object], new_watermark: int,
                rebuild: list[Unit] | None = None) -> int:
    """Stage the rows to fold in (temp tables stats_delta, stats_models, stats_keys); REBUILD: all labels of those
    (model, pool) units instead of the change since OLD. Returns the staged row count."""
    if rebuild is not None:
        with _units_table(con, rebuild):
            con.execute("CREATE OR REPLACE TEMP TABLE stats_models AS SELECT model_id, pool FROM want_units")
        query(con, "stats_full", encoder=encoder, new_watermark=new_watermark)
    else:
        query(con, "stats_delta", encoder=encoder, watermark=old[0], watermark_at=old[1], new_watermark=new_watermark)
    query(con, "stats_delta_index")
    return int(con.execute("SELECT count(*) FROM stats_delta").fetchall()[0][0])


def delta_arrays(con: duckdb.DuckDBPyConnection, encoder: str) -> tuple[list[Unit], np.ndarray, dict[str, np.ndarray]]:
    """((model, pool) units by index, key vectors by index, {midx, kidx, y, w} arrays) of the staged delta."""
    models = [(r[0], r[1]) for r in con.execute("SELECT model_id, pool FROM stats_models ORDER BY midx").fetchall()]
    n_keys = int(con.execute("SELECT count(*) FROM stats_keys").fetchall()[0][0])
    vec = _arrow(con, "stats_key_vectors", encoder=encoder)
    if vec.num_rows != n_keys:
        raise MissingVectors(f"{n_keys - vec.num_rows} result texts have no {encoder!r} vector")
    rows = query(con, "stats_delta_rows").fetchnumpy()
    return models, list_vectors(vec), {k: np.asarray(v) for k, v in rows.items()}


def drop_staging(con: duckdb.DuckDBPyConnection) -> None:
    """Drop the fold's staging tables."""
    query(con, "stats_drop_staging")


def model_totals(con: duckdb.DuckDBPyConnection, encoder: str, new_watermark: int) -> dict[Unit, tuple[int, int, str]]:
    """{(model, pool): (labels, label sum, prompt-set signature)} for the staged units, from result_labels."""
    rows = query(con, "stats_model_totals", encoder=encoder, new_watermark=new_watermark).fetchall()
    return {(m, p): (int(n), int(sy), sig) for m, p, n, sy, sig in rows}


def read_stats(con: duckdb.DuckDBPyConnection, encoder: str) -> dict[Unit, dict]:
    """{(model, pool): {dim, n, sum_y, sum_x, b, gram (bytes), signature, watermark}} of the staged units with stats."""
    t = _arrow(con, "stats_read", encoder=encoder)
    out = {}
    for r in t.to_pylist():
        r["sum_x"], r["b"] = np.asarray(r["sum_x"]), np.asarray(r["b"])
        out[(r.pop("model_id"), r.pop("pool"))] = r
    return out


def write_stats(con: duckdb.DuckDBPyConnection, encoder: str, rows: list[dict], watermark: int, watermark_at) -> None:
    """Upsert statistics rows {model_id, pool, dim, n, sum_y, sum_x, b, gram, signature} (caller holds the
    transaction)."""
    if rows:
        batch = pa.table({
            "model_id": pa.array([r["model_id"] for r in rows], pa.string()),
            "pool": pa.array([r["pool"] for r in rows], pa.string()),
            "dim": pa.array([r["dim"] for r in rows], pa.int32()),
            "n": pa.array([int(round(r["n"])) for r in rows], pa.int64()),
            "sum_y": pa.array([float(r["sum_y"]) for r in rows], pa.float64()),
            "sum_x": pa.array([np.asarray(r["sum_x"], np.float64) for r in rows], pa.list_(pa.float64())),
            "b": pa.array([np.asarray(r["b"], np.float64) for r in rows], pa.list_(pa.float64())),
            "gram": pa.array([r["gram"] for r in rows], pa.binary()),
            "signature": pa.array([r["signature"] for r in rows], pa.string())})
        with registered(con, "stats_batch", batch):
            query(con, "stats_write", encoder=encoder, watermark=watermark, watermark_at=watermark_at, now=utcnow())
    query(con, "stats_watermark_set", encoder=encoder, watermark=watermark, watermark_at=watermark_at, now=utcnow())


def models_with(con: duckdb.DuckDBPyConnection, encoder: str | None) -> list[Unit]:
    """Every (model, pool) with labels (ENCODER None), or every one with statistics under ENCODER."""
    return [(r[0], r[1]) for r in query(con, "stats_models_all", encoder=encoder).fetchall()]


def stale_models(con: duckdb.DuckDBPyConnection, encoder: str, method: str, config: str) -> list[Unit]:
    """(model, pool) units whose statistics are newer than their latest operator fitted by METHOD with CONFIG."""
    return [(r[0], r[1]) for r in query(con, "operators_stale", encoder=encoder, method=method,
                                        config=config).fetchall()]


def stats_of(con: duckdb.DuckDBPyConnection, encoder: str, units: list[Unit]) -> dict[Unit, dict]:
    """Stored statistics of the (model, pool) UNITS."""
    with _units_table(con, units):
        con.execute("CREATE OR REPLACE TEMP TABLE stats_models AS SELECT model_id, pool FROM want_units")
    return read_stats(con, encoder)


def model_rows(con: duckdb.DuckDBPyConnection, encoder: str, units: list[Unit]) -> dict[Unit, tuple[list[str], np.ndarray]]:
    """{(model, pool): (keys in order, labels +1/-1)} of every current label of UNITS (sorted by key, then label)."""
    with _units_table(con, units):
        t = _arrow(con, "operator_rows", encoder=encoder)
    out: dict[Unit, tuple[list[str], np.ndarray]] = {}
    mids, pools = t.column("model_id").to_pylist(), t.column("pool").to_pylist()
    keys, ys = t.column("key").to_pylist(), t.column("y").to_numpy()
    start = 0
    for i in range(1, len(mids) + 1):
        if i == len(mids) or (mids[i], pools[i]) != (mids[start], pools[start]):
            out[(mids[start], pools[start])] = (keys[start:i], ys[start:i].astype(np.float64))
            start = i
    return out


def write_operators(con: duckdb.DuckDBPyConnection, rows: list[dict]) -> int:
    """Append operator versions (caller holds the transaction); returns how many were written."""
    if not rows:
        return 0
    cols = ["model_id", "encoder", "method", "lam", "eps", "lam_source", "centred", "intercept", "vector", "prior",
            "rank", "n", "base_rate", "calib_a", "calib_b", "gcv", "signature", "watermark", "params", "pool",
            "prior_version", "coldstart"]
    types = [pa.string(), pa.string(), pa.string(), pa.float64(), pa.float64(), pa.string(), pa.bool_(),
             pa.float64(), pa.list_(pa.float64()), pa.list_(pa.float64()), pa.int32(), pa.int64(), pa.float64(),
             pa.float64(), pa.float64(), pa.float64(), pa.string(), pa.int64(), pa.string(), pa.string(), pa.string(), pa.bool_()]
    data = {c: pa.array([json.dumps(r[c]) if c == "params" else bool(r.get(c)) if c == "coldstart" else r[c]
                         for r in rows], t) for c, t in zip(cols, types)}
    with registered(con, "ops_batch", pa.table(data)):
        query(con, "operators_insert", now=utcnow())
    return len(rows)


def current_priors(con: duckdb.DuckDBPyConnection, encoder: str, method: str, pool: str) -> dict[str, str | None]:
    """{model_id: prior_version} of the current METHOD operators of POOL."""
    t = _arrow(con, "operators_current_of", encoder=encoder, method=method, pool=pool)
    return dict(zip(t.column("model_id").to_pylist(), t.column("prior_version").to_pylist()))


def write_router(con: duckdb.DuckDBPyConnection, encoder: str, method: str, pool: str, router: dict) -> None:
    """Record the served router of a pool {watermark, best_model, margin, n_models, prior_version, centroid, spread,
    near_p01} (caller holds the transaction)."""
    query(con, "pool_router_upsert", encoder=encoder, method=method, pool=pool, now=utcnow(),
          near_p01=router.get("near_p01"),
          **{k: router[k] for k in ("watermark", "best_model", "margin", "n_models", "prior_version", "spread")},
          centroid=None if router.get("centroid") is None else [float(v) for v in router["centroid"]])


def read_routers(con: duckdb.DuckDBPyConnection, encoder: str, method: str) -> dict[str, dict]:
    """{pool: {best_model, margin, n_models, prior_version, centroid (array or None), spread, near_p01,
    watermark}}."""
    cur = query(con, "pool_routers", encoder=encoder, method=method)
    cols = [d[0] for d in cur.description]
    out = {}
    for r in cur.fetchall():
        d = dict(zip(cols, r))
        d["centroid"] = None if d["centroid"] is None else np.asarray(d["centroid"], dtype=np.float64)
        out[d.pop("pool")] = d
    return out


def write_evaluation(con: duckdb.DuckDBPyConnection, *, split: str, seed: int, encoder: str, watermark: int,
                     benchmark: str | None = None, rows: list[tuple[str, str, str, float, dict]]) -> int:
    """Store (fold, method, metric, value, params) rows as a new evaluation run in one transaction; returns run_id."""
    from warehouse.db import registered, transaction

    batch = pa.table({"fold": pa.array([r[0] for r in rows], pa.string()),
                      "method": pa.array([r[1] for r in rows], pa.string()),
                      "metric": pa.array([r[2] for r in rows], pa.string()),
                      "value": pa.array([None if r[3] is None else float(r[3]) for r in rows], pa.float64()),
                      "params": pa.array([json.dumps(r[4], default=str) for r in rows], pa.string())})
    with transaction(con), registered(con, "eval_batch", batch):
        run_id = int(con.execute("SELECT nextval('evaluation_run_seq')").fetchall()[0][0])
        query(con, "evaluations_insert", run_id=run_id, split=split, seed=seed, encoder=encoder,
              watermark=watermark, now=utcnow(), benchmark=benchmark)
    return run_id
