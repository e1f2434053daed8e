"""Writes model releases and leaderboard tables (one transaction per load), model links and remote shas."""
from __future__ import annotations

import re
from datetime import datetime

import duckdb
import polars as pl

from warehouse.db import query, read_sql, registered, transaction, write_lock
from warehouse.loads import LoadSummary, log_load, next_load_id, utcnow

RELEASE_COLUMNS = ["hub_id", "author", "sha", "created_at", "last_modified", "downloads", "likes", "pipeline_tag",
                   "library_name", "gated", "private", "disabled", "base_models", "base_model_relation", "license",
                   "tags"]


def newest_release(con: duckdb.DuckDBPyConnection, source: str = "hub-api") -> datetime | None:
    """The newest creation time, not later than now, among the releases a source stored (None when none)."""
    return query(con, "release_watermark", source=source, now=utcnow()).fetchall()[0][0]


def remote_sha_loaded(con: duckdb.DuckDBPyConnection, source: str, uri: str, remote_sha: str) -> bool:
    """True when the latest successful load of this input recorded the same remote (git blob) sha."""
    rows = query(con, "release_remote_sha_seen", source=source, uri=uri).fetchall()
    return bool(rows) and rows[0][0] == remote_sha


def remember_remote_sha(con: duckdb.DuckDBPyConnection, source: str, uri: str, remote_sha: str) -> None:
    """Record the remote sha of an input on the load-log row of its latest successful load."""
    with write_lock:
        query(con, "release_set_remote_sha", source=source, uri=uri, remote_sha=remote_sha)


def _run(con, name: str, params: dict) -> None:
    """Run a named write query with those of `params` its text uses ($name placeholders)."""
    used = set(re.findall(r"\$(\w+)", read_sql(f"queries/{name}")))
    query(con, name, **{k: v for k, v in params.items() if k in used})


def _stage(con, name: str, df: pl.DataFrame) -> None:
    with registered(con, f"{name}_df", df):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_df")


def _reject(con, load_id: int, rejected: list[tuple[int, str, str]]) -> None:
    """Store a load's rejected records (position, reason, raw text)."""
    if not rejected:
        return
    _stage(con, "rejected_stage", pl.DataFrame(
        {"load_id": [load_id] * len(rejected), "position": [r[0] for r in rejected],
         "reason": [r[1] for r in rejected], "raw": [r[2] for r in rejected]},
        schema={"load_id": pl.Int64, "position": pl.Int64, "reason": pl.Utf8, "raw": pl.Utf8}))
    con.execute("INSERT INTO rejected_records SELECT * FROM rejected_stage; DROP TABLE rejected_stage")


def _write(con, *, source: str, uri: str, sha256: str | None, rejected: list, started_at: datetime,
           always_log: bool, steps) -> LoadSummary:
    """Run one load's statements in a transaction; with nothing new, changed or rejected and not always_log,
    roll back so the run writes nothing. `steps()` stages and classifies: (write queries, class table, temps)."""
    with write_lock:
        con.execute("BEGIN TRANSACTION")
        try:
            writes, class_table, temps = steps()
            counts = {"new": 0, "updated": 0, "unchanged": 0}
            counts.update(dict(con.execute(f"SELECT change, count(*) FROM {class_table} GROUP BY 1").fetchall()))
            if not (counts["new"] or counts["updated"] or rejected or always_log):
                con.execute("ROLLBACK")
                return LoadSummary(source, uri, "unchanged", None, sha256, rows_skipped=counts["unchanged"])
            load_id = next_load_id(con)
            p = {"load_id": load_id, "now": utcnow(), "source": source}
            for name in writes:
                _run(con, name, p)
            for t in [*temps, class_table]:
                con.execute(f"DROP TABLE {t}")
            _reject(con, load_id, rejected)
            s = LoadSummary(source, uri, "partial" if rejected else "ok", load_id, sha256, counts["new"],
                            counts["updated"], counts["unchanged"], len(rejected),
                            f"{len(rejected)} record(s) rejected, see rejected_records" if rejected else None)
            log_load(con, s, started_at)
            con.execute("COMMIT")
            return s
        except BaseException:
            con.execute("ROLLBACK")
            raise


def write_releases(con: duckdb.DuckDBPyConnection, *, source: str, uri: str, sha256: str | None,
                   releases: pl.DataFrame, rejected: list[tuple[int, str, str]], started_at: datetime,
                   always_log: bool = True) -> LoadSummary:
    """Upsert release rows (new hub ids, changed sha/lastModified) with their history, all or nothing."""
    def steps():
        _stage(con, "release_stage", releases.select(RELEASE_COLUMNS))
        query(con, "release_classify")
        return ["release_history", "release_upsert"], "release_class", ["release_stage"]
    return _write(con, source=source, uri=uri, sha256=sha256, rejected=rejected, started_at=started_at,
                  always_log=always_log, steps=steps)


def write_leaderboard(con: duckdb.DuckDBPyConnection, *, source: str, uri: str, sha256: str | None,
                      models: pl.DataFrame, scores: pl.DataFrame, rejected: list[tuple[int, str, str]],
                      started_at: datetime) -> LoadSummary:
    """Upsert leaderboard entries and their benchmark scores (entries missing from the table are kept)."""
    def steps():
        _stage(con, "leaderboard_stage", models)
        _stage(con, "leaderboard_score_stage", scores)
        query(con, "release_leaderboard_classify")
        return (["release_leaderboard_upsert", "release_leaderboard_scores"], "leaderboard_class",
                ["leaderboard_stage", "leaderboard_score_stage"])
    return _write(con, source=source, uri=uri, sha256=sha256, rejected=rejected, started_at=started_at,
                  always_log=True, steps=steps)


def known_hub_ids(con: duckdb.DuckDBPyConnection) -> dict[str, bool]:
    """{hub id: from an official provider} over releases and leaderboard entries."""
    return dict(query(con, "release_hub_ids").fetchall())


def unlinked_models(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(model_id, display_name) of results models without a hub id."""
    return query(con, "release_unlinked_models").fetchall()


def set_hub_ids(con: duckdb.DuckDBPyConnection, links: dict[str, str]) -> int:
    """Set models.hub_id for {model_id: hub_id} where none is set yet; returns how many were set."""
    if not links:
        return 0
    df = pl.DataFrame({"model_id": list(links), "hub_id": list(links.values())}, schema={"model_id": pl.Utf8,
                                                                                         "hub_id": pl.Utf8})
    with transaction(con):
        _stage(con, "link_stage", df)
        n = query(con, "release_set_hub_ids").fetchall()[0][0]
        con.execute("DROP TABLE link_stage")
    return n
