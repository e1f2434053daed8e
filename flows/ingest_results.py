"""Prefect flow ingest_results: every input file is its own task, so one bad file fails alone."""
from __future__ import annotations

from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from tasks.events import RESULTS_CHANGED, announce
from tasks.ingest import expand_sources, ingest_item, totals
from tasks.sources import SourceItem
from warehouse import connect
from warehouse.loads import LoadSummary, record_failure, utcnow

ResultsFormat = Literal["mmlu-pro", "lm-eval", "routerbench", "long", "score-matrix"]


class LoadFailed(RuntimeError):
    """Raised by the per-file task so Prefect marks that task (and only it) as failed."""


@task(name="ingest-file", task_run_name="ingest {fmt} {item.uri}", cache_policy=NO_CACHE)
def ingest_file(db: str, fmt: str, item: SourceItem, force: bool = False, threshold: float | None = None) -> dict:
    """Load one input into the warehouse; raises LoadFailed (after logging it in loads) when it fails."""
    summary = ingest_item(db, fmt, item, force=force, threshold=threshold)   # the file is open only for the checks and the write
    if summary.status == "failed":
        raise LoadFailed(summary.error)
    return summary.as_dict()


@flow(name="ingest_results", log_prints=True)
def ingest_results(format: ResultsFormat, sources: list[str], db: str = "taskspace.duckdb",
                   force: bool = False, threshold: float | None = None) -> dict:
    """Counts of ingesting every input of SOURCES (files, dirs, URLs); the run fails if any input failed, after the rest load.
    THRESHOLD: graded formats count score >= it as correct (None: 0.5, tasks/sources/labels.py)."""
    logger = get_run_logger()
    items, missing = expand_sources(format, sources)
    with connect(db) as con:
        for m in missing:
            record_failure(con, source=format, uri=m.uri, sha256=None, error=m.error, started_at=utcnow())
    summaries = list(missing)
    for it in items:   # one after the other: while one is fetched and parsed no connection is open, so readers in
        state = ingest_file(db, format, it, force, threshold, return_state=True)   # other processes get in between
        if state.is_completed():
            summaries.append(LoadSummary(**state.result()))
        else:
            summaries.append(LoadSummary(format, it.uri, "failed", error=str(state.message)))
    out = totals(summaries)
    logger.info("ingest_results %s: %d loaded, %d skipped, %d failed, %d new rows, %d updated",
                format, out["loaded"], out["skipped"], out["failed"], out["rows_new"], out["rows_updated"])
    out["announced"] = announce(RESULTS_CHANGED, db, out)
    if out["failed"]:
        return Failed(message=f"{out['failed']} input(s) failed: " + "; ".join(out["errors"]), data=out)
    return out
