"""Parser for the generic long table (Parquet, CSV or JSONL): model, benchmark, prompt_id, prompt, correct (and
optionally category, cost_usd, score, answered: whether an answer was extracted, false only beside a wrong one).

Parquet and CSV tables are checked column-wise (tasks/sources/columns.py): clean rows never pass through Python;
the few rows those checks do not pass get the per-row checks of values.py, which word the rejection."""
from __future__ import annotations

import io
import json

import polars as pl

from tasks.sources import columns, limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame, conform
from tasks.sources.labels import to_label
from tasks.sources.tables import csv_table, jsonl_lines

REQUIRED = ("model", "benchmark", "prompt_id", "prompt", "correct")
OPTIONAL = ("category", "cost_usd", "score", "answered")
_POS, _RAW, _CLEAN = "\0pos", "\0raw", "\0clean"   # working columns, named unlike any column of a file


def _parquet(blob: bytes, uri: str) -> pl.DataFrame:
    try:
        return pl.read_parquet(io.BytesIO(blob))
    except Exception as exc:  # polars raises several error types for unreadable input
        raise InputError(f"{uri}: cannot read long table ({type(exc).__name__}: {exc})") from exc


def _csv(blob: bytes, uri: str) -> tuple[pl.DataFrame, list[Rejected]]:
    """The CSV's rows as a text frame (with each row's raw text), and its unreadable rows as rejected records."""
    header, rows = csv_table(blob, uri)
    data: dict[str, list] = {c: [] for c in header}
    pos, raws, rejected = [], [], []
    for i, (rec, raw) in enumerate(rows):
        if isinstance(rec, values.BadValue):
            rejected.append(Rejected(i, str(rec), raw))
            continue
        for c in header:
            data[c].append(rec[c])
        pos.append(i)
        raws.append(raw)
    df = pl.DataFrame(data, schema={c: pl.Utf8 for c in header})
    return df.with_columns(pl.Series(_POS, pos, pl.Int64), pl.Series(_RAW, raws, pl.Utf8)), rejected


def _jsonl(blob: bytes, uri: str) -> tuple[list[str], list[tuple[object, str]]]:
    """JSONL lines as values (objects, or BadValue/other values that become rejected records)."""
    lines = list(jsonl_lines(blob, not_json="not a JSON object"))
    if not lines:
        raise InputError(f"{uri}: empty JSONL file")
    keys = list(dict.fromkeys(k for v, _ in lines if isinstance(v, dict) for k in v))
    return keys, lines


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
        "answered": values.answered(rec.get("answered"), label),
    }


def _checks(df: pl.DataFrame) -> dict[str, columns.Check]:
    """Canonical column -> (row surely passes, value) for a frame with the REQUIRED columns."""
    correct = columns.label(df, "correct")
    return {
        "model": columns.required_text(df, "model", 512, stripped=True),
        "benchmark": columns.required_text(df, "benchmark", 512, stripped=True),
        "item_id": columns.item_id(df, "prompt_id"),
        "text": columns.required_text(df, "prompt", limits.MAX_PROMPT_CHARS, stripped=False),
        "correct": correct,
        "category": columns.optional_text(df, "category"),
        "cost_usd": columns.number(df, "cost_usd", 0.0, None),
        "score": columns.number(df, "score", 0.0, 1.0),
        "answered": columns.optional_label(df, "answered", correct[1]),
    }


def _frame_rows(df: pl.DataFrame, uri: str, rejected: list[Rejected]) -> pl.DataFrame:
    """Canonical rows of a typed table (with _pos, and _raw for CSV): column checks first, per-row checks for the rest."""
    limits.check_records(df.height - 1, uri)
    if _POS not in df.columns:
        df = df.with_row_index(_POS).with_columns(pl.col(_POS).cast(pl.Int64))
    checks = _checks(df)
    clean = pl.all_horizontal([ok for ok, _ in checks.values()])
    df = df.with_columns(clean.alias(_CLEAN))
    good = df.filter(pl.col(_CLEAN)).select(_POS, *[v.alias(k) for k, (_, v) in checks.items()])
    rest = df.filter(~pl.col(_CLEAN))
    if not rest.height:
        return conform(good)
    rows, positions = [], []
    record_cols = [c for c in rest.columns if c not in (_POS, _RAW, _CLEAN)]
    for rec, pos, raw in zip(rest.select(record_cols).iter_rows(named=True), rest[_POS],
                             rest[_RAW] if _RAW in rest.columns else [None] * rest.height):
        try:
            rows.append(_row(rec))
            positions.append(pos)
        except values.BadValue as exc:
            rejected.append(Rejected(pos, str(exc), raw or json.dumps(rec, default=str)[:2000]))
    rejected.sort(key=lambda r: r.position)
    checked = conform(canonical_frame(rows)).with_columns(pl.Series(_POS, positions, pl.Int64))
    return conform(pl.concat([conform(good).with_columns(good[_POS]), checked]).sort(_POS))


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from a long table; rows with a bad label, id, text, cost, score or answer flag are rejected."""
    (name, blob), = blobs.items()
    if name.endswith(".jsonl") or name.endswith(".ndjson"):
        return _parse_jsonl(blob, uri)
    if name.endswith(".parquet"):
        df, rejected = _parquet(blob, uri), []
    elif name.endswith(".csv"):
        df, rejected = _csv(blob, uri)
    else:
        raise InputError(f"{uri}: unknown long-table extension (use .parquet, .csv or .jsonl)")
    _require([c for c in df.columns if c not in (_POS, _RAW)], uri)
    return Parsed(_frame_rows(df, uri, rejected), rejected)


def _require(cols: list[str], uri: str) -> None:
    missing = [c for c in REQUIRED if c not in cols]
    if missing:
        raise InputError(f"{uri}: missing required column(s) {', '.join(missing)}")


def _parse_jsonl(blob: bytes, uri: str) -> Parsed:
    """JSONL values differ in type from line to line: each line gets the per-row checks."""
    keys, lines = _jsonl(blob, uri)
    _require(keys, uri)
    rows, rejected = [], []
    for pos, (rec, raw) in enumerate(lines):
        limits.check_records(pos, uri)
        try:
            rows.append(_row(rec))
        except values.BadValue as exc:
            rejected.append(Rejected(pos, str(exc), raw or json.dumps(rec, default=str)[:2000]))
    return Parsed(canonical_frame(rows), rejected)
