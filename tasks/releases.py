"""Model-release ingestion: Hub listings (files or paged HTTP) and leaderboard tables into the warehouse."""
from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import polars as pl

from tasks.sources import hub_api, open_llm_leaderboard
from tasks.sources.base import InputError
from tasks.sources.http import FetchError, fetch, redact
from warehouse.loads import LoadSummary, is_unchanged, record_failure, utcnow
from warehouse.releases import newest_release, write_leaderboard, write_releases

RELEASE_FORMATS = ("hub-api", "open-llm-leaderboard")
log = logging.getLogger("taskspace.releases")


@dataclass
class Fetched:
    """One input as read: its URI, checksum, bytes or parsed Hub models, how paging went, or why it failed."""
    uri: str
    sha256: str | None = None
    blob: bytes | None = None
    models: list = field(default_factory=list)
    live: bool = False
    pages: int = 0
    stop: str | None = None      # why a live listing stopped: end | mark | max-pages
    error: str | None = None


def is_url(source: str | None) -> bool:
    return source is None or source.startswith(("http://", "https://"))


def local_files(source: str, patterns: tuple[str, ...]) -> list[Path]:
    """SOURCE itself when a file, else the files under it matching patterns (InputError when missing)."""
    path = Path(source)
    if not path.exists():
        raise InputError(f"{source}: no such file or directory")
    if path.is_file():
        return [path]
    return sorted({p for pat in patterns for p in path.rglob(pat) if p.is_file()})


def is_past(models: list, mark: datetime | None) -> bool:
    """True when a page holds a model created before the mark (or of unknown creation time)."""
    if mark is None:
        return False
    for m in models:
        try:
            created = hub_api.parse_time(m.get("createdAt")) if isinstance(m, dict) else None
        except (ValueError, OverflowError):
            continue
        if created is None or created < mark:
            return True
    return False


def fetch_hub(source: str | None, *, mark: datetime | None, page_size: int = 100, max_pages: int = 1000,
              token: str | None = None, **fetch_kw) -> list[Fetched]:
    """Recorded listing files, or the live listing paged newest-first until a page reaches `mark`."""
    if not is_url(source):
        out = []
        for p in local_files(source, ("*.json",)):
            blob = p.read_bytes()
            try:
                out.append(Fetched(str(p), hashlib.sha256(blob).hexdigest(), models=hub_api.parse_page(blob, str(p))))
            except InputError as exc:
                out.append(Fetched(str(p), hashlib.sha256(blob).hexdigest(), error=str(exc)))
        return out
    url = hub_api.listing_url(source, page_size)
    got = Fetched(redact(url), live=True, stop="end")
    h = hashlib.sha256()
    for _, body, models in hub_api.iter_pages(url, token=token, **fetch_kw):
        got.pages += 1
        got.models.extend(models)
        h.update(body)
        if is_past(models, mark):
            got.stop = "mark"
            break
        if got.pages >= max_pages:
            got.stop = "max-pages"
            break
    got.sha256 = h.hexdigest()
    return [got]


def fetch_leaderboard(source: str, *, token: str | None = None, **fetch_kw) -> list[Fetched]:
    """The leaderboard table(s): local CSV/Parquet files, or one http(s) URL."""
    if is_url(source):
        body = fetch(source, headers=hub_api.auth_headers(source, token, hub_api.hub_url() + "/"), **fetch_kw)[0]
        return [Fetched(redact(source), hashlib.sha256(body).hexdigest(), body, live=True)]
    return [Fetched(str(p), hashlib.sha256(b := p.read_bytes()).hexdigest(), b)
            for p in local_files(source, ("*.csv", "*.parquet"))]


def _out(s: LoadSummary) -> dict:
    d = s.as_dict()
    d.pop("models")  # a results-load field; releases report their counts instead
    return d


def _rejected(rej) -> list[tuple[int, str, str]]:
    return [(r.position, r.reason, r.raw) for r in rej]


def load_hub(con, got: Fetched, *, since: datetime | None = None, force: bool = False) -> dict:
    """Write one fetched listing; unchanged files are skipped, a live run with nothing new writes nothing."""
    started = utcnow()
    extra = {"pages": got.pages, "stop": got.stop, "listed": len(got.models), "older_than_since": 0}
    if got.error:
        return _out(record_failure(con, source="hub-api", uri=got.uri, sha256=got.sha256, error=got.error,
                                   started_at=started)) | extra
    if not force and not got.live and is_unchanged(con, "hub-api", got.uri, got.sha256):
        return _out(LoadSummary("hub-api", got.uri, "skipped", sha256=got.sha256)) | extra
    try:
        rows, rej = hub_api.release_rows(got.models, got.uri)
    except Exception as exc:  # entries are checked one by one; this is a last guard, not a code path
        return _out(record_failure(con, source="hub-api", uri=got.uri, sha256=got.sha256, started_at=started,
                                   error=f"{got.uri}: cannot read the listing ({type(exc).__name__}: {exc})")) | extra
    if since is not None:
        keep = rows.filter(pl.col("created_at") >= since)
        extra["older_than_since"] = rows.height - keep.height
        rows = keep
    s = write_releases(con, source="hub-api", uri=got.uri, sha256=got.sha256, releases=rows,
                       rejected=_rejected(rej), started_at=started, always_log=not got.live)
    return _out(s) | extra


def load_leaderboard(con, got: Fetched, *, force: bool = False) -> dict:
    """Write one leaderboard table (skipped when its checksum is unchanged); bad rows are rejected records."""
    started, src = utcnow(), "open-llm-leaderboard"
    if got.error:
        return _out(record_failure(con, source=src, uri=got.uri, sha256=got.sha256, error=got.error,
                                   started_at=started))
    if not force and is_unchanged(con, src, got.uri, got.sha256):
        return _out(LoadSummary(src, got.uri, "skipped", sha256=got.sha256))
    try:
        models, scores, rej = open_llm_leaderboard.parse(got.blob, got.uri.rsplit("/", 1)[-1], got.uri)
    except Exception as exc:  # InputError names the file; anything else is reported with its type
        error = str(exc) if isinstance(exc, InputError) else f"{got.uri}: cannot parse ({type(exc).__name__}: {exc})"
        return _out(record_failure(con, source=src, uri=got.uri, sha256=got.sha256, error=error, started_at=started))
    return _out(write_leaderboard(con, source=src, uri=got.uri, sha256=got.sha256, models=models, scores=scores,
                                  rejected=_rejected(rej), started_at=started))


def load_fetched(con, fmt: str, got: Fetched, *, since: datetime | None = None, force: bool = False) -> dict:
    """Write one fetched input of either releases format (a fetch error is logged as a failed load)."""
    if fmt == "hub-api":
        return load_hub(con, got, since=since, force=force)
    return load_leaderboard(con, got, force=force)


def stop_mark(con, since: datetime | None) -> datetime | None:
    """Where live paging stops: --since when given, else the newest release already stored."""
    return since if since is not None else newest_release(con)


def summarize(fmt: str, source: str | None, loads: list[dict], links: dict, con) -> dict:
    """The one JSON object `ingest releases` prints: counts, paging, links and warehouse totals."""
    by = lambda st: sum(1 for s in loads if s["status"] == st)  # noqa: E731
    from warehouse.db import query
    wh = query(con, "release_counts").fetchall()[0]
    return {
        "format": fmt, "source": source, "inputs": len(loads), "loaded": by("ok") + by("partial"),
        "skipped": by("skipped"), "unchanged_inputs": by("unchanged"), "failed": by("failed"),
        "new": sum(s["rows_new"] for s in loads), "updated": sum(s["rows_updated"] for s in loads),
        "unchanged": sum(s["rows_skipped"] for s in loads), "rejected": sum(s["rows_rejected"] for s in loads),
        "pages_fetched": sum(s.get("pages", 0) for s in loads), "listed": sum(s.get("listed", 0) for s in loads),
        "older_than_since": sum(s.get("older_than_since", 0) for s in loads),
        "errors": [s["error"] for s in loads if s["status"] == "failed"], "loads": loads,
        "links": {"linked": links["linked"], "unmatched": links["unmatched"], "ambiguous": links["ambiguous"]},
        "warehouse": dict(zip(("model_releases", "release_versions", "leaderboard_models", "leaderboard_scores"), wh)),
    }


def ingest_releases(con, fmt: str, source: str | None, *, since: datetime | None = None, page_size: int = 100,
                    max_pages: int = 1000, token: str | None = None, force: bool = False, **fetch_kw) -> dict:
    """Fetch, load and link one releases SOURCE (path or URL; None = the Hub); the summary dict."""
    from tasks.model_links import link_models

    if fmt not in RELEASE_FORMATS:
        raise ValueError(f"unknown releases format {fmt!r}; known: {', '.join(RELEASE_FORMATS)}")
    if fmt == "open-llm-leaderboard" and source is None:
        raise ValueError("open-llm-leaderboard needs a SOURCE (a CSV/Parquet file or URL)")
    uri = redact(hub_api.listing_url(source, page_size)) if fmt == "hub-api" and is_url(source) else source
    try:
        if fmt == "hub-api":
            fetched = fetch_hub(source, mark=stop_mark(con, since), page_size=page_size, max_pages=max_pages,
                                token=token, **fetch_kw)
        else:
            fetched = fetch_leaderboard(source, token=token, **fetch_kw)
    except (InputError, FetchError, OSError) as exc:  # nothing fetched is stored: a later run starts over
        msg = str(exc) if str(uri) in str(exc) or isinstance(exc, FetchError) else f"{uri}: {exc}"
        log.error("releases load failed: %s", msg)
        fetched = [Fetched(str(uri), error=msg)]
    loads = [load_fetched(con, fmt, f, since=since, force=force) for f in fetched]
    if not fetched:
        loads = [_out(record_failure(con, source=fmt, uri=str(uri), sha256=None,
                                     error=f"{uri}: no {fmt} inputs found", started_at=utcnow()))]
    return summarize(fmt, source, loads, link_models(con), con)
