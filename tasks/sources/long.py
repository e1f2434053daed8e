"""Parser for the generic long table (Parquet, CSV or JSONL): model, benchmark, prompt_id, prompt, correct."""
from __future__ import annotations

import io
import json
from typing import Iterator

import polars as pl

from tasks.sources import limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import to_label
from tasks.sources.tables import csv_table, jsonl_lines

REQUIRED = ("model", "benchmark", "prompt_id", "prompt", "correct")
OPTIONAL = ("category", "cost_usd", "score")


def _parquet(blob: bytes, uri: str) -> tuple[list[str], Iterator[tuple[dict, str]]]:
    try:
        df = pl.read_parquet(io.BytesIO(blob))
    except Exception as exc:  # polars raises several error types for unreadable input
        raise InputError(f"{uri}: cannot read long table ({type(exc).__name__}: {exc})") from exc
    return df.columns, ((r, "") for r in df.iter_rows(named=True))


def _jsonl(blob: bytes, uri: str) -> tuple[list[str], Iterator[tuple[object, str]]]:
    """JSONL lines as values (objects, or BadValue/other values that become rejected records)."""
    lines = list(jsonl_lines(blob, not_json="not a JSON object"))
    if not lines:
        raise InputError(f"{uri}: empty JSONL file")
    keys = list(dict.fromkeys(k for v, _ in lines if isinstance(v, dict) for k in v))
    return keys, iter(lines)


def _table(blob: bytes, name: str, uri: str):
    """(columns, rows) of the file; each row is a dict, or a BadValue / non-object for a bad record."""
    if name.endswith(".parquet"):
        return _parquet(blob, uri)
    if name.endswith(".csv"):
        return csv_table(blob, uri)
    if name.endswith((".jsonl", ".ndjson")):
        return _jsonl(blob, uri)
    raise InputError(f"{uri}: unknown long-table extension (use .parquet, .csv or .jsonl)")


def _row(rec) -> dict:
    """The canonical row of one record (BadValue saying why it is bad)."""
    if isinstance(rec, values.BadValue):
        raise rec
    if not isinstance(rec, dict):
        raise values.BadValue("not a JSON object")
    model = values.text(rec.get("model"), "model", 512).strip()
    benchmark = values.text(rec.get("benchmark"), "benchmark", 512).strip()
    item = values.item_id(rec.get("prompt_id"), "prompt_id")
    prompt = values.text(rec.get("prompt"), "prompt")
    label = to_label(rec.get("correct"))
    if label is None:
        raise values.BadValue(f"label {rec.get('correct')!r:.60} is not 0/1")
    return {
        "model": model, "benchmark": benchmark, "item_id": item, "text": prompt,
        "category": values.optional_text(rec.get("category"), "category"), "correct": label,
        "cost_usd": values.cost(rec.get("cost_usd")), "score": values.score(rec.get("score")),
    }


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from a long table; rows with a bad label, id, text, cost or score are rejected."""
    (name, blob), = blobs.items()
    columns, records = _table(blob, name, uri)
    missing = [c for c in REQUIRED if c not in columns]
    if missing:
        raise InputError(f"{uri}: missing required column(s) {', '.join(missing)}")
    rows, rejected = [], []
    for pos, (rec, raw) in enumerate(records):
        limits.check_records(pos, uri)
        try:
            rows.append(_row(rec))
        except values.BadValue as exc:
            rejected.append(Rejected(pos, str(exc), raw or json.dumps(rec, default=str)[:2000]))
    return Parsed(canonical_frame(rows), rejected)
