"""Parser for the generic long table (Parquet, CSV or JSONL): model, benchmark, prompt_id, prompt, correct."""
from __future__ import annotations

import io
import json

import polars as pl

from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import to_label

REQUIRED = ("model", "benchmark", "prompt_id", "prompt", "correct")
OPTIONAL = ("category", "cost_usd", "score")


def _table(blob: bytes, name: str, uri: str) -> pl.DataFrame:
    """The file as a DataFrame (InputError naming the file if unreadable)."""
    try:
        if name.endswith(".parquet"):
            return pl.read_parquet(io.BytesIO(blob))
        if name.endswith(".csv"):
            return pl.read_csv(io.BytesIO(blob), infer_schema=False)
        if name.endswith((".jsonl", ".ndjson")):
            return _jsonl(blob, uri)
    except InputError:
        raise
    except Exception as exc:
        raise InputError(f"{uri}: cannot read long table ({exc})") from exc
    raise InputError(f"{uri}: unknown long-table extension (use .parquet, .csv or .jsonl)")


def _jsonl(blob: bytes, uri: str) -> pl.DataFrame:
    """JSONL lines as objects; unparsable lines are kept as raw strings for rejection."""
    rows = []
    for line in blob.decode("utf-8", errors="replace").splitlines():
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            obj = None
        rows.append(obj if isinstance(obj, dict) else {"__raw__": line})
    if not rows:
        raise InputError(f"{uri}: empty JSONL file")
    keys = list(dict.fromkeys(k for r in rows for k in r))
    cols = {k: [None if r.get(k) is None else json.dumps(r[k]) if isinstance(r[k], (dict, list)) else str(r[k])
                for r in rows] for k in keys}
    return pl.DataFrame(cols, schema={k: pl.Utf8 for k in keys})


def _check(rec: dict) -> str | None:
    """Why a row is bad, or None."""
    if rec.get("__raw__") is not None:
        return "not a JSON object"
    for k in ("model", "benchmark", "prompt_id"):
        if rec.get(k) is None or str(rec[k]).strip() == "":
            return f"empty {k}"
    if rec.get("prompt") is None or not str(rec["prompt"]).strip():
        return "empty prompt"
    if to_label(rec.get("correct")) is None:
        return f"label {rec.get('correct')!r} is not 0/1"
    if rec.get("cost_usd") not in (None, ""):
        try:
            float(rec["cost_usd"])
        except ValueError:
            return f"cost_usd {rec['cost_usd']!r} is not a number"
    return None


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from a long table; rows with a bad label or empty prompt are rejected."""
    (name, blob), = blobs.items()
    df = _table(blob, name, uri)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"{uri}: missing required column(s) {', '.join(missing)}")
    rows, rejected = [], []
    for pos, rec in enumerate(df.iter_rows(named=True)):
        reason = _check(rec)
        if reason:
            rejected.append(Rejected(pos, reason, json.dumps(rec, default=str)[:2000]))
            continue
        cost, score = rec.get("cost_usd"), rec.get("score")
        rows.append({
            "model": str(rec["model"]).strip(), "benchmark": str(rec["benchmark"]).strip(),
            "item_id": str(rec["prompt_id"]).strip(), "text": str(rec["prompt"]),
            "category": None if rec.get("category") in (None, "") else str(rec["category"]),
            "correct": to_label(rec["correct"]),
            "cost_usd": None if cost in (None, "") else float(cost),
            "score": None if score in (None, "") else float(score),
        })
    return Parsed(canonical_frame(rows), rejected)
