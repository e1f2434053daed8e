"""Prefect flow ingest_releases: fetch (network, retried) -> load (one transaction per input) -> link names."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.states import Failed

from tasks.events import RELEASES_CHANGED, announce
from tasks.model_links import link_models
from tasks.releases import Fetched, fetch_hub, fetch_leaderboard, load_fetched, stop_mark, summarize
from tasks.sources.base import InputError
from tasks.sources.http import FetchError
from tasks.sources.hub_api import hub_token
from tasks.sources.redact import hide, redact, reveal
from warehouse import connect

ReleasesFormat = Literal["hub-api", "open-llm-leaderboard"]


def _retryable(task, task_run, state) -> bool:
    """Retry a fetch only for what may pass later: 429/5xx/timeouts (not a 4xx, not bad input)."""
    try:
        state.result()
    except FetchError as exc:
        return exc.retryable
    except Exception:
        return False
    return False


@task(name="stop-mark", cache_policy=NO_CACHE)
def stop_mark_task(db: str, since: datetime | None) -> datetime | None:
    """Where live Hub paging stops: --since, else the newest release stored."""
    with connect(db) as con:
        return stop_mark(con, since)


@task(name="fetch-releases", task_run_name="fetch {format} {source}", cache_policy=NO_CACHE, retries=2,
      retry_delay_seconds=[10, 60], retry_jitter_factor=0.5, retry_condition_fn=_retryable)
def fetch_task(format: str, source: str | None, mark: datetime | None, page_size: int, max_pages: int,
               token_secret: str | None) -> list[Fetched]:
    """Read the input(s); the token and a hidden URL's secrets are resolved here, never task parameters."""
    token, source = hub_token(token_secret), reveal(source) if source else source
    if format == "hub-api":
        return fetch_hub(source, mark=mark, page_size=page_size, max_pages=max_pages, token=token)
    return fetch_leaderboard(source, token=token)


@task(name="load-releases", task_run_name="load {got.uri}", cache_policy=NO_CACHE)
def load_task(db: str, format: str, got: Fetched, since: datetime | None, force: bool) -> dict:
    """Write one fetched input (one transaction)."""
    with connect(db) as con:
        return load_fetched(con, format, got, since=since, force=force)


@task(name="link-models", cache_policy=NO_CACHE)
def link_task(db: str) -> dict:
    """Link results' model names to hub ids; unmatched and ambiguous names are reported."""
    with connect(db) as con:
        return link_models(con)


@flow(name="ingest_releases", log_prints=True)
def ingest_releases(format: ReleasesFormat, source: str | None = None, db: str = "taskspace.duckdb",
                    since: datetime | None = None, page_size: int = 100, max_pages: int = 1000,
                    token_secret: str | None = None, force: bool = False) -> dict:
    """Counts of ingesting one releases SOURCE (file, dir or URL; hub-api without one reads the Hub)."""
    logger = get_run_logger()
    mark = stop_mark_task(db, since) if format == "hub-api" else None
    try:
        fetched = fetch_task(format, source and hide(source), mark, page_size, max_pages, token_secret)
    except (InputError, FetchError, OSError) as exc:  # nothing fetched is stored: a later run starts over
        fetched = [Fetched(str(redact(source)), error=str(exc))]
    if not fetched:
        fetched = [Fetched(str(redact(source)), error=f"{redact(source)}: no {format} inputs found")]
    loads = [load_task(db, format, got, since, force) for got in fetched]
    links = link_task(db)
    with connect(db) as con:
        out = summarize(format, source, loads, links, con)
    logger.info("ingest_releases %s: %d new, %d updated, %d unchanged, %d rejected, %d failed; %d names linked, "
                "%d unmatched", format, out["new"], out["updated"], out["unchanged"], out["rejected"], out["failed"],
                links["linked"], len(links["unmatched"]))
    out["announced"] = announce(RELEASES_CHANGED, db, out)
    if out["failed"]:
        return Failed(message="; ".join(out["errors"]), data=out)
    return out
