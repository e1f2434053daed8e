"""Writes one load of canonical result rows in one transaction, and records failed loads."""
from __future__ import annotations

import re
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone

import duckdb
import polars as pl

from tasks.sources.redact import redact, redact_text
from warehouse.db import query, registered, using, write_lock
from warehouse.keys import with_keys

# A load's result rows (stage) and its distinct prompt versions with their texts (stage_prompts): the texts are
# staged once per version, not once per result.
STAGE_COLUMNS = ["model", "model_id", "prompt_id", "version_id", "correct", "score", "cost_usd", "metric", "pred",
                 "answered"]
PROMPT_COLUMNS = ["prompt_id", "version_id", "benchmark", "item_id", "text", "text_hash", "options", "answer",
                  "category", "src"]


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


@contextmanager
def writer_session(db, threads: int):
    """A write connection for one batch of loads: a warehouse path opened for the block with THREADS DuckDB
    threads and no progress bar (stdout is the CLI's), or a given connection as it is."""
    with using(db, write=True) as con:
        if not isinstance(db, duckdb.DuckDBPyConnection) and str(db) != ":memory:":   # our own connection
            con.execute(f"SET threads = {int(threads)}; SET enable_progress_bar = false")
        yield con


def latest_loads(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, tuple]:
    """uri -> (sha256, remote sha) of the latest successful load of every input of one source."""
    return {u: (sha, remote) for u, sha, remote in query(con, "latest_load_shas", source=source).fetchall()}


def _dedupe(df: pl.DataFrame, rejected: list[tuple[int, str, str]]) -> pl.DataFrame:
    """Keep the first row per (model, prompt) of a file; later duplicates become rejected records."""
    key = pl.struct("model_id", "prompt_id")
    dup = key.is_duplicated() & ~key.is_first_distinct()
    flagged = df.with_columns(dup.alias("_dup"))
    for r in flagged.filter("_dup").iter_rows(named=True):
        rejected.append((-1, f"duplicate of an earlier record for model {r['model']} item {r['item_id']}",
                         f"{r['model']}|{r['prompt_id']}"))
    return flagged.filter(~pl.col("_dup")).drop("_dup")


def input_name(uri: str) -> str:
    """The name of an input, as results.source keeps it: the last segment of its path (no query string), so a
    file moved to another folder is the same input and two files of one format are two inputs."""
    path = re.split(r"[?#]", uri, maxsplit=1)[0].rstrip("/")
    return path.rsplit("/", 1)[-1] or uri


@dataclass
class PendingLoad:
    """One parsed input ready to write: its rows with their keys (duplicates moved to REJECTED)."""
    source: str
    uri: str
    sha256: str
    stage: pl.DataFrame | None
    prompts: pl.DataFrame | None
    rejected: list[tuple[int, str, str]]
    started_at: datetime

    @property
    def result_source(self) -> str:
        return f"{self.source}:{input_name(self.uri)}"


def pending_load(*, source: str, uri: str, sha256: str, records: pl.DataFrame, rejected: list[tuple[int, str, str]],
                 started_at: datetime) -> PendingLoad:
    """The rows of one parsed input keyed and de-duplicated, computed with no connection held."""
    rejected = list(rejected)
    if not records.height:
        return PendingLoad(source, uri, sha256, None, None, rejected, started_at)
    keyed = _dedupe(with_keys(records), rejected)
    prompts = keyed.select(PROMPT_COLUMNS).unique(["prompt_id", "version_id"], keep="first", maintain_order=True)
    return PendingLoad(source, uri, sha256, keyed.select(STAGE_COLUMNS), prompts, rejected, started_at)


def write_load(con: duckdb.DuckDBPyConnection, *, source: str, uri: str, sha256: str, records: pl.DataFrame,
               rejected: list[tuple[int, str, str]], started_at: datetime) -> LoadSummary:
    """Upsert models, prompts, prompt versions, results and rejected records of one input, all or nothing; the
    results keep the input they came from (results.source = '<format>:<input name>')."""
    return write_loads(con, [pending_load(source=source, uri=uri, sha256=sha256, records=records,
                                          rejected=rejected, started_at=started_at)])[0]


def write_loads(con: duckdb.DuckDBPyConnection, loads: list[PendingLoad], *, trust_log: bool = True) -> list[LoadSummary]:
    """Write several inputs in one transaction, all or nothing, with one statement per table for all of them;
    each input keeps its own load row, counts and rejected records. The inputs must name different results
    sources (two files of one name are two transactions, the later one updating the earlier one's rows).
    TRUST_LOG: inputs the load log never saw loaded have no stored results, so their rows are new without a
    look at results (False: always look)."""
    names = [p.result_source for p in loads]
    if len(set(names)) != len(names):
        raise ValueError(f"one batch of loads names a results source twice: {sorted(names)}")
    with write_lock:
        con.execute("BEGIN TRANSACTION")
        try:
            summaries = _write(con, loads, trust_log)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return summaries


def counts_of(counts: dict[int, dict[str, int]], change: str) -> int:
    """How many staged rows of all loads have this change."""
    return sum(c[change] for c in counts.values())


def _unseen(con: duckdb.DuckDBPyConnection, loads: list[PendingLoad]) -> bool:
    """True when no input of LOADS shares its results source with an input the load log saw loaded."""
    seen = {f"{fmt}:{input_name(uri)}" for fmt, uri in query(con, "loaded_inputs").fetchall()}
    return not any(p.result_source in seen or f"{p.source}:{input_name(redact(p.uri))}" in seen for p in loads)


def _write(con: duckdb.DuckDBPyConnection, loads: list[PendingLoad], trust_log: bool = True) -> list[LoadSummary]:
    """The statements of write_loads, inside its transaction."""
    ids = [next_load_id(con) for _ in loads]
    now = utcnow()
    counts: dict[int, dict[str, int]] = {i: {"new": 0, "updated": 0, "unchanged": 0} for i in ids}
    models: dict[int, list[str]] = {i: [] for i in ids}
    tagged = [(i, p) for i, p in zip(ids, loads) if p.stage is not None and p.stage.height]
    if tagged:
        stage = pl.concat([p.stage.with_columns(pl.lit(i, pl.Int64).alias("load_id"),
                                                pl.lit(p.result_source).alias("source")) for i, p in tagged])
        prompts = pl.concat([p.prompts.with_columns(pl.lit(i, pl.Int64).alias("load_id")) for i, p in tagged]).unique(
            ["prompt_id", "version_id"], keep="first", maintain_order=True)   # each version's text once per batch
        with registered(con, "stage", stage), registered(con, "stage_prompts", prompts):
            query(con, "upsert_models", now=now)
            query(con, "upsert_prompt_versions", now=now)
            query(con, "upsert_prompts", now=now)
            query(con, "stage_classify_new" if trust_log and _unseen(con, loads) else "stage_classify")
            for load_id, change, n in con.execute("SELECT load_id, change, count(*) FROM stage_class GROUP BY ALL").fetchall():
                counts[load_id][change] = n
            query(con, "record_result_changes", now=now)
            if counts_of(counts, "updated"):
                query(con, "update_results", now=now)
            query(con, "upsert_results", now=now)
            query(con, "refresh_canonical_prompts")
            for load_id, model in con.execute("SELECT DISTINCT load_id, model_id FROM stage ORDER BY ALL").fetchall():
                models[load_id].append(model)
        con.execute("DROP TABLE stage_class")
    rejected = [(i, *r) for i, p in zip(ids, loads) for r in p.rejected]
    if rejected:
        rej = pl.DataFrame(rejected, schema={"load_id": pl.Int64, "position": pl.Int64, "reason": pl.Utf8,
                                             "raw": pl.Utf8}, orient="row")
        with registered(con, "rej_df", rej):
            con.execute("INSERT INTO rejected_records SELECT * FROM rej_df")
    summaries = []
    for i, p in zip(ids, loads):
        c = counts[i]
        s = LoadSummary(p.source, p.uri, "partial" if p.rejected else "ok", i, p.sha256, c["new"], c["updated"],
                        c["unchanged"], len(p.rejected), None, models[i])
        s.error = f"{len(p.rejected)} record(s) rejected, see rejected_records" if p.rejected else None
        log_load(con, s, p.started_at)
        summaries.append(s)
    return summaries


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
