"""Writers and readers of the HeLU benchmark tables (suites, workloads, runs, epochs, published) and routing data."""
from __future__ import annotations

import json
import math
from typing import Any

import duckdb
import numpy as np
import polars as pl

from warehouse.db import query, registered, transaction, write_lock
from warehouse.loads import utcnow

RUN_FIELDS = ("metric", "final_val_acc", "best_val_acc", "final_val_loss", "best_val_loss", "dead_frac_start",
              "dead_frac_end", "dead_layers_start", "dead_layers_end", "collapsed", "born_dead", "died_in_training",
              "time_per_epoch_s", "epochs", "wall_s")
EPOCH_SCHEMA = {"run_id": pl.Utf8, "epoch": pl.Int32, "train_loss": pl.Float64, "val_loss": pl.Float64,
                "val_acc": pl.Float64, "dead_frac": pl.Float64, "epoch_s": pl.Float64}


def run_id(suite_id: str, workload: str, label: str, seed: int) -> str:
    """The key of one run: <suite_id>/<workload>/<label>/<seed>."""
    return f"{suite_id}/{workload}/{label}/{seed}"


def start_suite(con: duckdb.DuckDBPyConnection, *, suite_id: str, quick: bool, runner: str, device: str,
                seeds: list[int], config: dict, flow_run_id: str | None = None) -> None:
    """Insert the suite row with status running."""
    with write_lock:
        query(con, "helu_insert_suite", suite_id=suite_id, flow_run_id=flow_run_id, quick=quick, runner=runner,
              device=device, seeds=seeds, config=json.dumps(config, default=str), started_at=utcnow())


def set_workload(con: duckdb.DuckDBPyConnection, *, suite_id: str, workload: str, family: str, status: str,
                 n_planned: int, reason: str | None = None) -> None:
    """Insert or update one workload's status (and its ok/failed counts from helu_runs)."""
    with write_lock:
        query(con, "helu_upsert_workload", suite_id=suite_id, workload=workload, family=family, status=status,
              reason=reason, n_planned=n_planned)


def _plain(v: Any) -> Any:
    """numpy scalars as Python numbers (NaN and inf are kept: DuckDB stores them)."""
    return v.item() if isinstance(v, np.generic) else v


def write_run(con: duckdb.DuckDBPyConnection, suite_id: str, result: dict) -> str:
    """Store one run (ok or failed) and its per-epoch curve in one transaction; returns its run_id."""
    rid = run_id(suite_id, result["workload"], result["label"], result["seed"])
    row = {k: _plain(result.get(k)) for k in RUN_FIELDS}
    curves = pl.DataFrame([{"run_id": rid, **{k: c.get(k) for k in list(EPOCH_SCHEMA)[1:]}}
                           for c in result.get("curves") or []], schema=EPOCH_SCHEMA)
    with transaction(con):
        query(con, "helu_insert_run", run_id=rid, suite_id=suite_id, workload=result["workload"],
              family=result["family"], activation=result["activation"], alpha=result.get("alpha"),
              label=result["label"], seed=result["seed"], device=result["device"], status=result["status"],
              error=result.get("error"), config=json.dumps(result.get("config", {}), default=str),
              created_at=utcnow(), **row)
        if curves.height:
            with registered(con, "helu_curve_df", curves):
                con.execute("INSERT INTO helu_epochs SELECT * FROM helu_curve_df")
    return rid


def finish_suite(con: duckdb.DuckDBPyConnection, suite_id: str, status: str) -> None:
    """Close the suite with its status and run counts."""
    with write_lock:
        query(con, "helu_finish_suite", suite_id=suite_id, status=status, finished_at=utcnow())


def publish(con: duckdb.DuckDBPyConnection, suite_id: str, rows: list[dict]) -> int:
    """Replace the suite's rows of helu_published; returns how many were written."""
    cols = [r[0] for r in con.execute("SELECT column_name FROM information_schema.columns WHERE table_name = "
                                      "'helu_published' ORDER BY ordinal_position").fetchall()]
    now = utcnow()
    df = pl.DataFrame([{c: (now if c == "published_at" else suite_id if c == "suite_id" else r.get(c)) for c in cols}
                       for r in rows], schema_overrides={"alpha": pl.Float64}, infer_schema_length=None)
    with transaction(con):
        con.execute("DELETE FROM helu_published WHERE suite_id = ?", [suite_id])
        if df.height:
            with registered(con, "helu_pub_df", df):
                con.execute(f"INSERT INTO helu_published SELECT {', '.join(cols)} FROM helu_pub_df")
    return df.height


def frame(cur) -> pl.DataFrame:
    """A fully fetched query result as a polars DataFrame (column names from the cursor)."""
    cols = [d[0] for d in cur.description]
    return pl.DataFrame(cur.fetchall(), schema=cols, orient="row", infer_schema_length=None)


def suite_runs(con: duckdb.DuckDBPyConnection, suite_id: str) -> pl.DataFrame:
    """Every run of a suite, one row each."""
    return frame(query(con, "helu_suite_runs", suite_id=suite_id))


def suite_curves(con: duckdb.DuckDBPyConnection, suite_id: str) -> pl.DataFrame:
    """Per-epoch validation curves of a suite's successful runs."""
    return frame(query(con, "helu_suite_curves", suite_id=suite_id))


def read_routing_data(con: duckdb.DuckDBPyConnection, *, encoder: str | None = None,
                      max_texts: int = 5000) -> tuple[dict | None, str | None]:
    """(data, None) with X (texts x dim), Y (texts x models, NaN = no result), or (None, reason to skip)."""
    has = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'embeddings'").fetchall()[0][0]
    if not has:
        return None, "no embeddings table in the warehouse (compute prompt embeddings first)"
    encoders = query(con, "helu_routing_encoders").fetchall()
    if not encoders:
        return None, "no embedded prompt text has results in the warehouse"
    if encoder is None:
        encoder = encoders[0][0]
    elif encoder not in {e for e, _ in encoders}:
        return None, f"no results for texts embedded with encoder {encoder!r} (have {[e for e, _ in encoders]})"
    labels = frame(query(con, "helu_routing_labels", encoder=encoder, max_texts=max_texts))
    hashes = labels["text_hash"].unique(maintain_order=True).to_list()
    models = sorted(labels["model_id"].unique().to_list())
    if len(hashes) < 20 or not models:
        return None, f"only {len(hashes)} embedded texts with results for encoder {encoder!r} (need >= 20)"
    vec = frame(query(con, "helu_routing_vectors", encoder=encoder, text_hashes=hashes))
    x = np.asarray(vec["vector"].to_list(), dtype=np.float32)
    row = {h: i for i, h in enumerate(vec["text_hash"].to_list())}
    y = np.full((len(row), len(models)), math.nan, dtype=np.float32)
    col = {m: j for j, m in enumerate(models)}
    for h, m, v in labels.iter_rows():
        y[row[h], col[m]] = v
    return {"X": x, "Y": y, "models": models, "encoder": encoder, "source": "warehouse",
            "n_texts": len(row)}, None
