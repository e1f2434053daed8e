"""Load result files into the warehouse: inputs are fetched and parsed concurrently with no connection held, then
written in order by one writer, several inputs per short transaction; a bad input fails alone."""
from __future__ import annotations

import logging
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Iterable, Iterator

from tasks.sources import InputError, SourceItem, item_checksum, list_items, parse_item, remote_key
from tasks.sources.http import FetchError
from tasks.sources.redact import redact, redact_text
from warehouse.db import using
from warehouse.loads import (LoadSummary, PendingLoad, is_unchanged, latest_loads, pending_load, record_failure,
                             utcnow, writer_session, write_loads)
from warehouse.releases import remember_remote_sha   # issue 3: remote (git blob) shas

log = logging.getLogger("taskspace.ingest")
BATCH_ROWS = int(os.environ.get("TASKSPACE_INGEST_BATCH_ROWS", "500000"))   # rows per write transaction


def writer_threads() -> int:
    """DuckDB threads of the writer ($TASKSPACE_INGEST_WRITER_THREADS, default 1: the worker threads parsing the
    next inputs keep the other cores; measured faster on 2 cores than DuckDB's default)."""
    return max(1, int(os.environ.get("TASKSPACE_INGEST_WRITER_THREADS", "1")))


def ingest_workers() -> int:
    """Threads fetching and parsing inputs ($TASKSPACE_INGEST_WORKERS, default 2)."""
    return max(1, int(os.environ.get("TASKSPACE_INGEST_WORKERS", "2")))


@dataclass
class Prepared:
    """One item after fetching and parsing: rows to write, a skip, or a failure to record."""
    fmt: str
    item: SourceItem
    started: datetime
    sha: str | None = None
    pending: PendingLoad | None = None
    skipped: bool = False
    error: str | None = None
    remember: bool = False   # record REMOTE on the input's latest load
    remote: str | None = None   # the remote sha key (item.sha256, with a non-default graded threshold folded in)


def prepare_item(fmt: str, item: SourceItem, known: dict[str, tuple], force: bool = False,
                 threshold: float | None = None) -> Prepared:
    """Fetch, checksum and parse one item with no connection held; KNOWN: uri -> (sha256, remote sha) of the latest
    successful loads; THRESHOLD: the score a graded format counts as correct from (None: the default). Unchanged
    inputs are skipped, unreadable ones come back with their error."""
    p, last_sha = _started(fmt, item, known, force, threshold)
    if p.skipped:
        return p
    try:
        blobs = item.blobs()
        if _same_bytes(p, fmt, blobs, last_sha, force, threshold):
            return p
        parsed = parse_item(fmt, blobs, item.uri, threshold)
        del blobs
        p.pending = pending_load(source=fmt, uri=item.uri, sha256=p.sha, records=parsed.records,
                                 rejected=[(r.position, r.reason, r.raw) for r in parsed.rejected], started_at=p.started)
    except (InputError, FetchError, OSError) as exc:
        p.error = str(exc)
    except Exception as exc:  # any other parser error: this input fails alone, with the reason, no traceback
        p.error = f"cannot parse ({type(exc).__name__}: {str(exc)[:500]})"
    return p


def _started(fmt: str, item: SourceItem, known: dict[str, tuple], force: bool, threshold: float | None
             ) -> tuple[Prepared, str | None]:
    """(ITEM's Prepared, the checksum of its latest successful load). Issue 3: a live item whose listing gave its
    remote sha (GitHub git blob sha, in item.sha256) is skipped, not downloaded again, when the latest successful
    load of the same uri recorded that sha (with a non-default threshold of a graded format folded in, as in the
    checksum)."""
    p = Prepared(fmt, item, utcnow(), remote=remote_key(fmt, item.sha256, threshold))
    last_sha, last_remote = known.get(item.uri, (None, None))
    if not force and p.remote and last_remote == p.remote:
        p.skipped = True
    return p, last_sha


def _same_bytes(p: Prepared, fmt: str, blobs: dict[str, bytes], last_sha: str | None, force: bool,
                threshold: float | None) -> bool:
    """Checksum BLOBS into P; True (P skipped) when they are the bytes of the latest successful load."""
    p.sha = item_checksum(fmt, blobs, threshold)
    if not force and p.sha == last_sha:
        p.skipped, p.remember = True, bool(p.remote)   # same bytes, remote sha not recorded yet
        return True
    return False


def surely_unchanged(fmt: str, item: SourceItem, known: dict[str, tuple], force: bool = False,
                     threshold: float | None = None) -> Prepared | None:
    """ITEM skipped without a download, when it can be: its listed remote sha is the recorded one, or it is a local
    file or folder whose bytes have the recorded checksum; else None (it needs a read task)."""
    if force or item.uri not in known:
        return None
    p, last_sha = _started(fmt, item, known, force, threshold)
    if p.skipped:
        return p
    if not os.path.exists(item.uri):   # a live item: reading it is a download, the read task's work
        return None
    try:
        return p if _same_bytes(p, fmt, item.blobs(), last_sha, force, threshold) else None
    except (InputError, OSError):
        return None   # its read task reports it


class Writer:
    """The one writer: prepared items in, written in order in batches of about BATCH_ROWS rows, each batch one
    short transaction on a connection opened for it (readers in other processes get in between)."""

    def __init__(self, con, force: bool = False, batch_rows: int = BATCH_ROWS):
        self.con, self.force, self.batch_rows = con, force, batch_rows
        self.queue: list[tuple[int, Prepared]] = []
        self.rows = 0
        self.done: dict[int, LoadSummary] = {}

    @property
    def summaries(self) -> list[LoadSummary]:
        """The summary of every item added so far, in the order they were added."""
        return [self.done[i] for i in sorted(self.done)]

    def add(self, p: Prepared) -> None:
        n = len(self.done) + len(self.queue)
        if p.skipped and not p.remember:
            self.done[n] = LoadSummary(p.fmt, p.item.uri, "skipped", sha256=p.sha)
            return
        sources = {q.pending.result_source for _, q in self.queue if q.pending}
        if p.pending and p.pending.result_source in sources:
            self.flush()   # two inputs of one name: the later one is written after, updating the earlier rows
        self.queue.append((n, p))
        self.rows += p.pending.stage.height if p.pending and p.pending.stage is not None else 0
        if self.rows >= self.batch_rows:
            self.flush()

    def flush(self) -> None:
        """Write what is queued: all loads in one transaction; if it fails, each alone so a bad one fails alone."""
        queue, self.queue, self.rows = self.queue, [], 0
        if not queue:
            return
        with writer_session(self.con, writer_threads()) as c:
            fresh = [p for _, p in queue if p.pending and (self.force or not _unchanged(c, p))]
            try:
                written = dict(zip(map(id, fresh), write_loads(c, [p.pending for p in fresh]))) if fresh else {}
            except Exception:   # rolled back: nothing stored changed; write them one by one
                written = {id(p): self._alone(c, p) for p in fresh}
            for n, p in queue:
                self.done[n] = self._outcome(c, p, written)

    def _alone(self, c, p: Prepared) -> LoadSummary:
        try:
            return write_loads(c, [p.pending], trust_log=False)[0]
        except Exception as exc:  # the transaction rolled back: nothing stored changed
            return _failed(c, p, f"write failed, nothing stored ({type(exc).__name__}: {exc})")

    def _outcome(self, c, p: Prepared, written: dict) -> LoadSummary:
        if p.error is not None:
            return _failed(c, p, p.error)
        if p.skipped:   # p.remember
            remember_remote_sha(c, p.fmt, p.item.uri, p.remote)
            return LoadSummary(p.fmt, p.item.uri, "skipped", sha256=p.sha)
        s = written.get(id(p)) or LoadSummary(p.fmt, p.item.uri, "skipped", sha256=p.sha)   # loaded meanwhile
        if s.status != "failed":
            if p.remote and id(p) in written:   # issue 3: the next listing with this sha skips it unfetched
                remember_remote_sha(c, p.fmt, p.item.uri, p.remote)
            if s.rows_rejected:
                log.warning("%s: %d record(s) rejected", p.item.uri, s.rows_rejected)
        return s


def _unchanged(c, p: Prepared) -> bool:
    """True when another process loaded the same bytes of this input since it was prepared."""
    return is_unchanged(c, p.fmt, p.item.uri, p.pending.sha256)


def _failed(c, p: Prepared, error: str) -> LoadSummary:
    """Log one input as failed, with an error that names it (secrets redacted)."""
    msg = redact_text(error if p.item.uri in error else f"{p.item.uri}: {error}")
    log.error("load failed: %s", msg)
    return record_failure(c, source=p.fmt, uri=p.item.uri, sha256=p.sha, error=msg, started_at=p.started)


def known_loads(con, fmt: str) -> dict[str, tuple]:
    """uri -> (sha256, remote sha) of the latest successful load of every input of FMT (one short read)."""
    if isinstance(con, (str, os.PathLike)) and str(con) != ":memory:" and not os.path.exists(con):
        return {}   # no warehouse yet: nothing was loaded
    with using(con) as c:
        return latest_loads(c, fmt)


def prepared_in_order(prepare: Callable[[SourceItem], Prepared], items: Iterable[SourceItem],
                      workers: int) -> Iterator[Prepared]:
    """PREPARE of every item on WORKERS threads, yielded in item order, at most 2 x WORKERS in flight (memory
    stays flat in the number of items)."""
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="ingest") as pool:
        window: deque = deque()
        for it in items:
            window.append(pool.submit(prepare, it))
            if len(window) >= 2 * workers:
                yield window.popleft().result()
        while window:
            yield window.popleft().result()


def ingest_items(con, fmt: str, items: list[SourceItem], *, force: bool = False, workers: int | None = None,
                 batch_rows: int = BATCH_ROWS, threshold: float | None = None) -> list[LoadSummary]:
    """Read, parse and write ITEMS: fetched and parsed on worker threads, written in order by one writer in short
    batched transactions. CON: a connection, or a warehouse path opened only for the checks and the writes;
    THRESHOLD: the score a graded format (tasks.sources.GRADED) counts as correct from (None: the default)."""
    known = {} if force else known_loads(con, fmt)
    writer = Writer(con, force, batch_rows)
    prepare = lambda it: prepare_item(fmt, it, known, force, threshold)  # noqa: E731
    for p in prepared_in_order(prepare, items, workers or ingest_workers()):
        writer.add(p)
    writer.flush()
    return writer.summaries


def ingest_item(con, fmt: str, item: SourceItem, *, force: bool = False,
                threshold: float | None = None) -> LoadSummary:
    """Read, parse and write one item; unchanged inputs are skipped, unreadable ones logged as failed."""
    return ingest_items(con, fmt, [item], force=force, workers=1, threshold=threshold)[0]


def expand_sources(fmt: str, sources: list[str], revisions: dict[str, str] | None = None
                   ) -> tuple[list[SourceItem], list[LoadSummary]]:
    """Items of every SOURCE to load, plus a summary for what needs none: failed for each SOURCE that does not
    exist, skipped for each live repository left unlisted at its recorded revision (REVISIONS)."""
    items, missing = [], []
    for src in sources:
        shown = redact(src)
        try:
            found = list_items(fmt, src, revisions)
        except (InputError, OSError) as exc:
            missing.append(LoadSummary(fmt, shown, "failed", error=redact_text(str(exc))))
            continue
        if not found:
            missing.append(LoadSummary(fmt, shown, "failed", error=f"{shown}: no {fmt} inputs found"))
        missing += [LoadSummary(fmt, it.uri, "skipped", sha256=it.sha256) for it in found if it.unchanged]
        items.extend(it for it in found if not it.unchanged)
    return items, missing


def record_missing(db, fmt: str, missing: list[LoadSummary]) -> list[LoadSummary]:
    """The summaries of expand_sources' MISSING: each failed source logged in loads, the skipped ones as they are."""
    with using(db, write=True) as con:
        return [record_failure(con, source=fmt, uri=m.uri, sha256=None, error=m.error, started_at=utcnow())
                if m.status == "failed" else m for m in missing]


def known_revisions(db, fmt: str, force: bool = False) -> dict[str, str]:
    """{repository URL: revision} of FMT's live repositories that loaded whole ({} with FORCE, for a format without
    them, or before the warehouse exists)."""
    from tasks.sources import REVISIONED
    from warehouse.revisions import read_revisions
    if force or fmt not in REVISIONED or (isinstance(db, str) and db != ":memory:" and not os.path.exists(db)):
        return {}
    with using(db) as con:
        return read_revisions(con, fmt)


def settled(items: list[SourceItem], summaries: list[LoadSummary]) -> dict[str, tuple[str, int]]:
    """{repository URL: (revision, inputs)} of the listed repositories every input of which loaded (ok, partial or
    skipped): the next run may leave them unlisted while their revision stays."""
    status = {s.uri: s.status for s in summaries}
    groups: dict[tuple[str, str], list[str | None]] = {}
    for it in items:
        if it.revision and not it.unchanged:
            groups.setdefault(it.revision, []).append(status.get(it.uri))
    return {repo: (sha, len(st)) for (repo, sha), st in groups.items()
            if all(x in ("ok", "partial", "skipped") for x in st)}


def remember_revisions(db, fmt: str, items: list[SourceItem], summaries: list[LoadSummary]) -> int:
    """Record the revisions of the repositories that loaded whole (settled); how many."""
    from warehouse.revisions import record_revisions
    done = settled(items, summaries)
    if done:
        with using(db, write=True) as con:
            record_revisions(con, fmt, done)
    return len(done)


def link_new_models(db, summaries: list[LoadSummary]) -> dict | None:
    """Link the results' new model names to known hub ids (tasks/model_links.py) once any input brought new rows,
    so a leaderboard ingested before its results still gives a cold-start model its prior; the link report, or
    None when nothing was new."""
    from tasks.model_links import link_models
    if not any(s.rows_new for s in summaries):
        return None
    with using(db, write=True) as con:
        return link_models(con)


def totals(summaries: list[LoadSummary]) -> dict:
    """The counts a CLI or flow reports for a batch of loads."""
    by = lambda st: [s for s in summaries if s.status == st]  # noqa: E731
    return {
        "files": len(summaries), "loaded": len(by("ok")) + len(by("partial")), "partial": len(by("partial")),
        "skipped": len(by("skipped")), "failed": len(by("failed")),
        "rows_new": sum(s.rows_new for s in summaries), "rows_updated": sum(s.rows_updated for s in summaries),
        "rows_unchanged": sum(s.rows_skipped for s in summaries),
        "rows_rejected": sum(s.rows_rejected for s in summaries),
        "models": sorted({m for s in summaries for m in s.models}),
        "errors": [s.error for s in summaries if s.status == "failed"],
        "loads": [s.as_dict() | {"models": len(s.models)} for s in summaries],
    }
