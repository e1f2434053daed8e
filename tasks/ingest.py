"""Load result files into the warehouse: one item is one transaction, a bad item fails alone."""
from __future__ import annotations

import logging

from tasks.sources import InputError, SourceItem, item_checksum, list_items, parse_item, remote_key
from tasks.sources.http import FetchError
from tasks.sources.redact import redact, redact_text
from warehouse.db import using
from warehouse.loads import LoadSummary, is_unchanged, record_failure, utcnow, write_load
from warehouse.releases import remember_remote_sha, remote_sha_loaded  # issue 3: remote (git blob) shas

log = logging.getLogger("taskspace.ingest")


def ingest_item(con, fmt: str, item: SourceItem, *, force: bool = False,
                threshold: float | None = None) -> LoadSummary:
    """Read, parse and write one item; unchanged inputs are skipped, unreadable ones logged as failed. CON: a
    connection, or a warehouse path opened only for the checks and the write (fetching and parsing hold none).
    THRESHOLD: the score a graded format (GRADED) counts as correct from; None is labels.DEFAULT_THRESHOLD."""
    started = utcnow()
    sha = None
    # Issue 3: a live item whose listing gave its remote sha (GitHub git blob sha, in item.sha256) is not
    # downloaded again when the latest successful load of the same uri recorded that sha (with a non-default
    # threshold of a graded format folded in, as in the checksum).
    remote = remote_key(fmt, item.sha256, threshold)
    if not force and remote:
        with using(con) as c:
            if remote_sha_loaded(c, fmt, item.uri, remote):
                return LoadSummary(fmt, item.uri, "skipped")
    try:
        blobs = item.blobs()
        sha = item_checksum(fmt, blobs, threshold)
        if not force:
            with using(con) as c:
                unchanged = is_unchanged(c, fmt, item.uri, sha)
            if unchanged:
                if remote:  # issue 3: same bytes, remote sha not recorded yet: record it for next time
                    with using(con, write=True) as c:
                        remember_remote_sha(c, fmt, item.uri, remote)
                return LoadSummary(fmt, item.uri, "skipped", sha256=sha)
        parsed = parse_item(fmt, blobs, item.uri, threshold)
    except (InputError, FetchError, OSError) as exc:
        return _failed(con, fmt, item, sha, str(exc), started)
    except Exception as exc:  # any other parser error: this input fails alone, with the reason, no traceback
        return _failed(con, fmt, item, sha, f"cannot parse ({type(exc).__name__}: {str(exc)[:500]})", started)
    rejected = [(r.position, r.reason, r.raw) for r in parsed.rejected]
    try:
        with using(con, write=True) as c:
            if not force and is_unchanged(c, fmt, item.uri, sha):   # another process loaded it meanwhile
                return LoadSummary(fmt, item.uri, "skipped", sha256=sha)
            summary = write_load(c, source=fmt, uri=item.uri, sha256=sha, records=parsed.records,
                                 rejected=rejected, started_at=started)
            if remote:  # issue 3: the next listing with this remote sha skips the item unfetched
                remember_remote_sha(c, fmt, item.uri, remote)
    except Exception as exc:  # the transaction rolled back: nothing stored changed
        return _failed(con, fmt, item, sha, f"write failed, nothing stored ({type(exc).__name__}: {exc})", started)
    if summary.rows_rejected:
        log.warning("%s: %d record(s) rejected", item.uri, summary.rows_rejected)
    return summary


def _failed(con, fmt: str, item: SourceItem, sha: str | None, error: str, started) -> LoadSummary:
    """Log one input as failed, with an error that names it (secrets redacted)."""
    msg = redact_text(error if item.uri in error else f"{item.uri}: {error}")
    log.error("load failed: %s", msg)
    with using(con, write=True) as c:
        return record_failure(c, source=fmt, uri=item.uri, sha256=sha, error=msg, started_at=started)


def expand_sources(fmt: str, sources: list[str]) -> tuple[list[SourceItem], list[LoadSummary]]:
    """Items of every SOURCE, plus a failed summary for each SOURCE that does not exist."""
    items, missing = [], []
    for src in sources:
        shown = redact(src)
        try:
            found = list_items(fmt, src)
        except (InputError, OSError) as exc:
            missing.append(LoadSummary(fmt, shown, "failed", error=redact_text(str(exc))))
            continue
        if not found:
            missing.append(LoadSummary(fmt, shown, "failed", error=f"{shown}: no {fmt} inputs found"))
        items.extend(found)
    return items, missing


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
