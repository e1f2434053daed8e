"""Writes one load of canonical result rows in one transaction, and records failed loads."""
from __future__ import annotations

import re

from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import duckdb
import polars as pl

from tasks.sources.redact import redact, redact_text
from warehouse.db import query, registered, write_lock
from warehouse.keys import with_keys

STAGE_COLUMNS = ["model", "model_id", "benchmark", "item_id", "prompt_id", "text", "text_hash", "version_id",
                 "options", "answer", "category", "src", "correct", "score", "cost_usd", "metric", "pred"]


def utcnow() -> datetime:
    """Now, UTC, as a naive timestamp (how the warehouse stores times)."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


@dataclass
class LoadSummary:
    """What happened to one input: status ok | partial | failed | skipped, with row counts."""
    source: str
    uri: str
    status: str
    load_id: int | None = None
    sha256: str | None = None
    rows_new: int = 0
    rows_updated: int = 0
    rows_skipped: int = 0
    rows_rejected: int = 0
    error: str | None = None
    models: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def is_unchanged(con: duckdb.DuckDBPyConnection, source: str, uri: str, sha256: str) -> bool:
    """True when the latest successful load of this input had the same checksum."""
    rows = query(con, "latest_load_sha", source=source, uri=uri).fetchall()
    return bool(rows) and rows[0][0] == sha256


def _dedupe(df: pl.DataFrame, rejected: list[tuple[int, str, str]]) -> pl.DataFrame:
    """Keep the first row per (model, prompt) of a file; later duplicates become rejected records."""
    df = df.with_row_index("_pos")
    dup = df.filter(pl.struct("model_id", "prompt_id").is_duplicated() &
                    ~pl.struct("model_id", "prompt_id").is_first_distinct())
    for r in dup.iter_rows(named=True):
        rejected.append((-1, f"duplicate of an earlier record for model {r['model']} item {r['item_id']}",
                         f"{r['model']}|{r['prompt_id']}"))
    return df.filter(~pl.col("_pos").is_in(dup["_pos"].implode())).drop("_pos")


def input_name(uri: str) -> str:
    """The name of an input, as results.source keeps it: the last segment of its path (no query string), so a
    file moved to another folder is the same input and two files of one format are two inputs."""
    path = re.split(r"[?#]", uri, maxsplit=1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] or uri


def write_load(con: duckdb.DuckDBPyConnection, *, source: str, uri: str, sha256: str, records: pl.DataFrame,
               rejected: list[tuple[int, str, str]], started_at: datetime) -> LoadSummary:
    """Upsert models, prompts, prompt versions, results and rejected records of one input, all or nothing; the
    results keep the input they came from (results.source = '<format>:<input name>')."""
    rejected = list(rejected)
    result_source = f"{source}:{input_name(uri)}"
    stage = _dedupe(with_keys(records), rejected) if records.height else records
    with write_lock:
        con.execute("BEGIN TRANSACTION")
        try:
            load_id = next_load_id(con)
            now = utcnow()
            p = {"load_id": load_id, "now": now}
            counts = {"new": 0, "updated": 0, "unchanged": 0}
            models: list[str] = []
            if stage.height:
                with registered(con, "stage_df", stage.select(STAGE_COLUMNS)):
                    con.execute("CREATE OR REPLACE TEMP TABLE stage AS SELECT * FROM stage_df")
                query(con, "upsert_models", **p)
                query(con, "upsert_prompt_versions", **p)
                query(con, "upsert_prompts", now=now)
                query(con, "stage_classify", source=result_source)
                counts.update(dict(con.execute("SELECT change, count(*) FROM stage_class GROUP BY 1").fetchall()))
                query(con, "record_result_changes", source=result_source, **p)
                query(con, "upsert_results", source=result_source, **p)
                query(con, "refresh_canonical_prompts")
                models = [r[0] for r in con.execute("SELECT DISTINCT model_id FROM stage ORDER BY 1").fetchall()]
                con.execute("DROP TABLE stage; DROP TABLE stage_class")
            if rejected:
                rej = pl.DataFrame({"load_id": [load_id] * len(rejected),
                                    "position": [r[0] for r in rejected],
                                    "reason": [r[1] for r in rejected], "raw": [r[2] for r in rejected]},
                                   schema={"load_id": pl.Int64, "position": pl.Int64, "reason": pl.Utf8, "raw": pl.Utf8})
                with registered(con, "rej_df", rej):
                    con.execute("INSERT INTO rejected_records SELECT * FROM rej_df")
            summary = LoadSummary(source, uri, "partial" if rejected else "ok", load_id, sha256,
                                  counts["new"], counts["updated"], counts["unchanged"], len(rejected), None, models)
            error = f"{len(rejected)} record(s) rejected, see rejected_records" if rejected else None
            summary.error = error
            log_load(con, summary, started_at)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return summary


def record_failure(con: duckdb.DuckDBPyConnection, *, source: str, uri: str, sha256: str | None, error: str,
                   started_at: datetime) -> LoadSummary:
    """Log a load that failed as a whole; nothing else is written."""
    with write_lock:
        load_id = next_load_id(con)
        summary = LoadSummary(source, uri, "failed", load_id, sha256, error=error)
        log_load(con, summary, started_at)
    return summary


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new load id from the sequence."""
    return con.execute("SELECT nextval('load_id_seq')").fetchall()[0][0]


def log_load(con: duckdb.DuckDBPyConnection, s: LoadSummary, started_at: datetime) -> None:
    """One loads row; the uri and error are redacted here too, whatever the caller passed."""
    query(con, "insert_load", load_id=s.load_id, source=s.source, uri=redact(s.uri), sha256=s.sha256,
          status=s.status, rows_new=s.rows_new, rows_updated=s.rows_updated, rows_skipped=s.rows_skipped,
          rows_rejected=s.rows_rejected, error=redact_text(s.error), started_at=started_at, finished_at=utcnow())
