"""Pure parts of a backfill: which configured sources, and which of their inputs fall in the date range."""
from __future__ import annotations

from datetime import date, datetime, timezone
from pathlib import Path

from tasks.config import PipelineConfig, SourceConfig
from tasks.sources import SourceItem


def pick_sources(cfg: PipelineConfig, names: list[str] | None) -> list[SourceConfig]:
    """The configured sources named (all when none are named); ValueError naming unknown ones."""
    if not names:
        return list(cfg.sources)
    known = {s.name: s for s in cfg.sources}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ValueError(f"unknown source(s) {', '.join(unknown)}; configured: {', '.join(known) or 'none'}")
    return [known[n] for n in names]


def item_date(item: SourceItem) -> date | None:
    """The date an input was produced: a local file's modification day (UTC); None for URLs (no date known)."""
    p = Path(item.uri)
    if item.uri.startswith(("http://", "https://")) or not p.exists():
        return None
    return datetime.fromtimestamp(p.stat().st_mtime, tz=timezone.utc).date()


def in_range(item: SourceItem, start: date | None, end: date | None) -> bool:
    """True when the input's date lies in [start, end] (inputs without a date are always included)."""
    d = item_date(item)
    if d is None:
        return True
    return (start is None or d >= start) and (end is None or d <= end)


def check_range(start: date | None, end: date | None) -> None:
    """ValueError when the range is empty."""
    if start and end and start > end:
        raise ValueError(f"--from {start} is after --to {end}")
