"""Prefect flow ingest_results: every input is read (fetched, checksummed, parsed) by its own task on the flow's
task runner (threads here, or a Dask cluster), so reads run concurrently and one bad file fails alone; the flow
itself is the one writer, writing the read inputs in order in short batched transactions."""
from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import get_run_context
from prefect.states import Failed

from flows.task_runners import make_task_runner
from tasks.events import RESULTS_CHANGED, announce
from tasks.ingest import Prepared, Writer, expand_sources, ingest_item, known_loads, known_revisions, \
    link_new_models, prepare_item, record_missing, remember_revisions, surely_unchanged, totals
from tasks.sources import SourceItem
from warehouse.loads import LoadSummary, utcnow

ResultsFormat = Literal["mmlu-pro", "lm-eval", "open-llm-leaderboard-details", "routerbench", "long", "score-matrix"]


class LoadFailed(RuntimeError):
    """Raised by a per-file task so Prefect marks that task (and only it) as failed; carries what to record."""

    def __init__(self, message: str, prepared: Prepared | None = None):
        super().__init__(message, prepared)

    @property
    def prepared(self) -> Prepared | None:
        return self.args[1]

    def __str__(self) -> str:
        return str(self.args[0])


@task(name="ingest-file", task_run_name="ingest {fmt} {item.uri}", cache_policy=NO_CACHE)
def ingest_file(db: str, fmt: str, item: SourceItem, force: bool = False, threshold: float | None = None) -> dict:
    """Read and write one input on its own (backfill); raises LoadFailed (after logging it in loads) when it fails."""
    summary = ingest_item(db, fmt, item, force=force, threshold=threshold)   # the file is open only for the checks and the write
    if summary.status == "failed":
        raise LoadFailed(summary.error)
    return summary.as_dict()


@task(name="read-file", task_run_name="read {fmt} {item.uri}", cache_policy=NO_CACHE)
def read_file(fmt: str, item: SourceItem, known: dict[str, tuple], force: bool = False,
              threshold: float | None = None) -> Prepared:
    """One input fetched, checksummed and parsed, no warehouse connection; raises LoadFailed when unreadable."""
    p = prepare_item(fmt, item, known, force, threshold)
    if p.error is not None:
        raise LoadFailed(p.error, p)
    return p


def _outcome(fut, fmt: str, item: SourceItem) -> Prepared:
    """What a read-file task gave (or the skip decided without one): its result, or the failure to record (with the
    task's own message)."""
    if isinstance(fut, Prepared):
        return fut
    fut.wait()
    if fut.state.is_completed():
        return fut.result()
    exc = fut.result(raise_on_failure=False)
    if isinstance(exc, LoadFailed) and exc.prepared is not None:
        return exc.prepared
    return Prepared(fmt, item, utcnow(), error=f"{fut.state.name}: {fut.state.message}")


@flow(name="ingest-read-and-write")
def read_and_write(db: str, fmt: str, items: list[SourceItem], force: bool = False, window: int = 4,
                   threshold: float | None = None) -> list[dict]:
    """Every item read on the task runner, at most WINDOW in flight (memory stays flat in the number of
    items), written here in item order by the one writer; the load summaries in item order."""
    known = {} if force else known_loads(db, fmt)
    with ThreadPoolExecutor(max(1, window // 2)) as pool:   # local inputs checksummed here: only changed ones
        same = list(pool.map(lambda it: surely_unchanged(fmt, it, known, force, threshold), items))   # get a task
    writer = Writer(db, force)
    pending: deque = deque()
    for it, skipped in zip(items, same):
        pending.append((skipped or read_file.submit(fmt, it, known, force, threshold), it))
        if len(pending) >= window:
            fut, done = pending.popleft()
            writer.add(_outcome(fut, fmt, done))
    while pending:
        fut, done = pending.popleft()
        writer.add(_outcome(fut, fmt, done))
    writer.flush()
    return [s.as_dict() for s in writer.summaries]


@flow(name="ingest_results", log_prints=True)
def ingest_results(format: ResultsFormat, sources: list[str], db: str = "taskspace.duckdb", force: bool = False,
                   runner: Literal["local", "dask"] = "local", dask_address: str | None = None,
                   n_workers: int = 2, threshold: float | None = None) -> dict:
    """Counts of ingesting every input of SOURCES (files, dirs, URLs); the run fails if any input failed, after the
    rest load. Reads run on RUNNER (local threads, or Dask: DASK_ADDRESS or a LocalCluster of N_WORKERS).
    THRESHOLD: graded formats count score >= it as correct (None: 0.5, tasks/sources/labels.py)."""
    logger = get_run_logger()
    items, missing = expand_sources(format, sources, known_revisions(db, format, force))
    summaries = record_missing(db, format, missing)
    if items:
        api = str(get_run_context().client.api_url)
        runner_ = make_task_runner(runner, dask_address, n_workers, api)
        done = read_and_write.with_options(task_runner=runner_)(db, format, items, force, window=2 * n_workers,
                                                                threshold=threshold)
        summaries += [LoadSummary(**s) for s in done]
        remember_revisions(db, format, items, summaries)
    links = link_new_models(db, summaries)
    out = totals(summaries) | ({"links": links} if links else {})
    logger.info("ingest_results %s: %d loaded, %d skipped, %d failed, %d new rows, %d updated",
                format, out["loaded"], out["skipped"], out["failed"], out["rows_new"], out["rows_updated"])
    out["announced"] = announce(RESULTS_CHANGED, db, out)
    if out["failed"]:
        return Failed(message=f"{out['failed']} input(s) failed: " + "; ".join(out["errors"]), data=out)
    return out
