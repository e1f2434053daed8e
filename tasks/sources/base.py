"""Canonical result rows, parse outcomes and the Source interface shared by every format."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Callable, Iterable, Protocol

import polars as pl

# The columns every results parser produces, one row per (model, benchmark item).
CANONICAL_SCHEMA: dict[str, pl.DataType] = {
    "model": pl.Utf8,
    "benchmark": pl.Utf8,
    "item_id": pl.Utf8,
    "text": pl.Utf8,
    "options": pl.List(pl.Utf8),
    "answer": pl.Utf8,
    "category": pl.Utf8,
    "src": pl.Utf8,
    "correct": pl.Boolean,
    "score": pl.Float64,
    "cost_usd": pl.Float64,
    "metric": pl.Utf8,
    "pred": pl.Utf8,
    "answered": pl.Boolean,   # an answer was extracted from the output (NULL: the format does not say)
}


class InputError(ValueError):
    """A file that cannot be read at all; the message names the file and the reason."""


@dataclass
class Rejected:
    """One bad record: where it was in the file, why, and its raw text."""
    position: int
    reason: str
    raw: str


@dataclass
class Parsed:
    """What a parser got out of one input: good canonical rows and rejected records."""
    records: pl.DataFrame
    rejected: list[Rejected] = field(default_factory=list)


def canonical_frame(rows: Iterable[dict]) -> pl.DataFrame:
    """A DataFrame with exactly CANONICAL_SCHEMA's columns from dict rows (missing keys are null)."""
    rows = list(rows)
    data = {c: [r.get(c) for r in rows] for c in CANONICAL_SCHEMA}
    return pl.DataFrame(data, schema=CANONICAL_SCHEMA)


def conform(df: pl.DataFrame) -> pl.DataFrame:
    """Add missing canonical columns as nulls, cast and order them as CANONICAL_SCHEMA."""
    cols = []
    for name, dtype in CANONICAL_SCHEMA.items():
        cols.append(pl.col(name).cast(dtype) if name in df.columns else pl.lit(None, dtype).alias(name))
    return df.select(cols)


@dataclass(frozen=True)
class SourceItem:
    """One unit to load (a file, a URL or an lm-eval run); `blobs()` returns {name: bytes}."""
    uri: str
    fetch: Callable[[], dict[str, bytes]] = field(compare=False, repr=False)
    sha256: str | None = None   # known up front for some live sources (e.g. a git blob sha)
    revision: tuple[str, str] | None = None   # (repository URL, commit sha) of a live repository it was listed from
    unchanged: bool = False      # a whole repository left unlisted: its revision is the one recorded (nothing to load)

    def blobs(self) -> dict[str, bytes]:
        return self.fetch()


def checksum(blobs: dict[str, bytes]) -> str:
    """sha256 of a single blob, or of the sorted (name, sha256) list for multi-file items."""
    if len(blobs) == 1:
        return hashlib.sha256(next(iter(blobs.values()))).hexdigest()
    h = hashlib.sha256()
    for name in sorted(blobs):
        h.update(name.encode() + b"\0" + hashlib.sha256(blobs[name]).hexdigest().encode() + b"\n")
    return h.hexdigest()


class Source(Protocol):
    """Where inputs of one format come from: a local directory/file or an HTTP location."""
    format: str

    def list(self) -> list[SourceItem]: ...


class Parser(Protocol):
    """Turns the blobs of one item into canonical rows + rejected records (raises InputError)."""

    def __call__(self, blobs: dict[str, bytes], uri: str) -> Parsed: ...
