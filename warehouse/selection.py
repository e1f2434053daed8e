"""Selection storage: serving operators, prompt vectors, labels, costs; prediction, evaluation, publication writes."""
from __future__ import annotations

import json
import re
from contextlib import ExitStack

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.db import query, read_sql, registered, transaction, write_lock
from warehouse.embeddings import list_vectors
from warehouse.loads import utcnow

_PARAM = re.compile(r"\$([a-z_][a-z0-9_]*)")


def _rows(cur) -> list[dict]:
    """All rows of an executed cursor as dicts."""
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def _named(stmt: str, params: dict) -> dict | None:
    """The subset of PARAMS that STMT names as $param (DuckDB rejects extra ones)."""
    code = re.sub(r"--[^\n]*", "", stmt)
    return {k: params[k] for k in dict.fromkeys(_PARAM.findall(code)) if k in params} or None


def _arrow(con: duckdb.DuckDBPyConnection, name: str, **params) -> pa.Table:
    """The named query's full result as an Arrow table."""
    stmt = read_sql(f"queries/{name}")
    return con.sql(stmt, params=_named(stmt, params)).to_arrow_table()


def run_script(con: duckdb.DuckDBPyConnection, name: str, **params) -> None:
    """Run every statement of sql/queries/<name>.sql in order, each with the $params it names."""
    for stmt in (s for s in read_sql(f"queries/{name}").split(";\n") if s.strip(" \n;")):
        con.execute(stmt, _named(stmt, params))


def operator_configs(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """{encoder, method, n_models, fields, path, precision} of every (encoder, method) with current operators."""
    return _rows(query(con, "selection_operator_configs"))


def read_operators(con: duckdb.DuckDBPyConnection, encoder: str, method: str) -> list[dict]:
    """The current operators of ENCODER / METHOD, one row per model and benchmark pool (see selection_operators)."""
    rows = _rows(query(con, "selection_operators", encoder=encoder, method=method))
    for r in rows:
        r["vector"] = np.asarray(r["vector"], dtype=np.float64)
    return rows


def read_grams(con: duckdb.DuckDBPyConnection, encoder: str, models: list[str]
               ) -> dict[tuple[str, str], tuple[str, np.ndarray]]:
    """{(model_id, pool): (signature, G)} from operator_stats, for the MODELS that have statistics under ENCODER."""
    from tasks.operators import unpack_upper

    rows = query(con, "selection_grams", encoder=encoder, models=list(models)).fetchall()
    return {(m, p): (sig, unpack_upper(bytes(blob), dim)) for m, p, dim, sig, blob in rows}


def prompt_vectors(con: duckdb.DuckDBPyConnection, encoder: str, fields: str,
                   benchmarks: list[str]) -> tuple[list[str], list[str], np.ndarray]:
    """(prompt ids, their benchmarks, float32 canonical vectors) of every embedded prompt of BENCHMARKS."""
    t = _arrow(con, "selection_prompt_vectors", encoder=encoder, fields=fields, benchmarks=list(benchmarks))
    return t.column("prompt_id").to_pylist(), t.column("benchmark").to_pylist(), list_vectors(t)


def benchmark_labels(con: duckdb.DuckDBPyConnection, benchmark: str, encoder: str, fields: str) -> dict:
    """Every result of BENCHMARK as columns (model_id, prompt_id, correct, cost_usd, category, src, chars, key,
    canon_key) plus VECTORS {key: float32 vector} of every key they name."""
    t = _arrow(con, "selection_labels", benchmark=benchmark, encoder=encoder, fields=fields)
    out = {c: t.column(c).to_pylist() for c in t.column_names}
    keys = sorted(set(out["key"]) | set(out["canon_key"]))
    con.register("want_keys", pa.table({"key": pa.array(keys, pa.string())}))
    try:
        vt = con.sql(read_sql("queries/embedding_vectors"), params={"encoder": encoder}).to_arrow_table()
    finally:
        con.unregister("want_keys")
    out["vectors"] = dict(zip(vt.column("key").to_pylist(), list_vectors(vt)))
    return out


def data_watermark(con: duckdb.DuckDBPyConnection) -> int:
    """The highest load id that wrote results (0 when there are none)."""
    return int(query(con, "selection_watermark").fetchall()[0][0])


def prediction_sets(con: duckdb.DuckDBPyConnection, encoder: str, method: str) -> dict[str, tuple[int, int]]:
    """{'model@pool': (operator version, prompts)} materialised under ENCODER / METHOD."""
    return {f"{m}@{p}": (int(v), int(n)) for m, p, v, n in
            query(con, "selection_prediction_sets", encoder=encoder, method=method).fetchall()}


def _in_transaction(con: duckdb.DuckDBPyConnection, tables: dict[str, pa.Table], script: str, **params) -> None:
    """Register TABLES and run SCRIPT in one transaction (all or nothing)."""
    with transaction(con), ExitStack() as stack:
        for name, t in tables.items():
            stack.enter_context(registered(con, name, t))
        run_script(con, script, **params)


def replace_predictions(con: duckdb.DuckDBPyConnection, encoder: str, method: str, pools: dict[str, tuple],
                        keep: list[str]) -> int:
    """Replace the predictions of ENCODER / METHOD for each pool in POOLS {pool: (predictions, sets)} and drop those of
    pools not in KEEP, in one transaction; returns the rows written."""
    with transaction(con):
        run_script(con, "selection_drop_pools", encoder=encoder, method=method, pools=list(keep))
        for pool, (pred, sets) in pools.items():
            with registered(con, "pred_batch", pred), registered(con, "pred_sets", sets):
                run_script(con, "selection_replace_predictions", encoder=encoder, method=method, pool=pool,
                           now=utcnow())
    return sum(p.num_rows for p, _ in pools.values())


def evaluated_pools(con: duckdb.DuckDBPyConnection, encoder: str, method: str) -> set[str]:
    """Pools of ENCODER / METHOD with a stored held-out evaluation."""
    return {r[0] for r in query(con, "selection_evaluated_pools", encoder=encoder, method=method).fetchall()}


def replace_evaluation(con: duckdb.DuckDBPyConnection, benchmark: str, encoder: str, method: str, watermark: int,
                       policies: pa.Table, heldout: pa.Table, calibration: pa.Table) -> None:
    """Replace the held-out routing policies, per-task accuracies and reliability bins of BENCHMARK (one
    transaction)."""
    _in_transaction(con, {"eval_policies": policies, "eval_heldout": heldout, "eval_calibration": calibration},
                    "selection_replace_evaluation",
                    benchmark=benchmark, encoder=encoder, method=method, watermark=watermark)


def heldout_calibration(con: duckdb.DuckDBPyConnection, encoder: str, method: str) -> dict[str, list[dict]]:
    """{pool: its held-out reliability bins (bin, lo, hi, n, mean_p, observed)}; pools never published are absent."""
    out: dict[str, list[dict]] = {}
    for r in _rows(query(con, "heldout_calibration", encoder=encoder, method=method)):
        out.setdefault(r.pop("pool"), []).append(r)
    return out


def export(con: duckdb.DuckDBPyConnection, table: str, encoder: str, method: str) -> pa.Table:
    """One published selection table (sql/queries/selection_export_<table>.sql), in its fixed order, computed on
    one thread so that its float sums do not depend on scheduling."""
    con.execute("SET threads = 1")
    try:
        return _arrow(con, f"selection_export_{table}", encoder=encoder, method=method)
    finally:
        con.execute("RESET threads")


def record_publication(con: duckdb.DuckDBPyConnection, out_dir: str, encoder: str, method: str, watermark: int,
                       operator_versions: dict, fingerprint: str, files: dict) -> int:
    """Log one publication; returns its id."""
    with write_lock:
        return int(query(con, "selection_insert_publication", out_dir=out_dir, encoder=encoder, method=method,
                         watermark=watermark, operator_versions=json.dumps(operator_versions, sort_keys=True),
                         fingerprint=fingerprint, files=json.dumps(files, sort_keys=True),
                         now=utcnow()).fetchall()[0][0])
