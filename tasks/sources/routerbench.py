"""Parser for RouterBench wide tables (CSV or pandas pickle): per-model score and cost columns."""
from __future__ import annotations

import ast
import json
import math
from typing import Iterator

from tasks.sources import limits, safe_pickle, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import correct_at, threshold_of, to_label
from tasks.sources.tables import csv_table

BENCHMARK = "routerbench"
FIXED = {"", "sample_id", "prompt", "eval_name", "oracle_model_to_route_to", "Unnamed: 0", "index"}


def _cell(v):
    """A pickled cell as text (None for NaN/NA/None); containers stay as they are, for the checks to refuse."""
    if type(v).__module__ == "numpy" and hasattr(v, "item"):
        v = v.item()
    if v is None or (isinstance(v, float) and math.isnan(v)) or type(v).__name__ in ("NAType", "NaTType"):
        return None
    return v if isinstance(v, (list, tuple, dict, set, bytes)) else str(v)


def _pickle_rows(blob: bytes, uri: str) -> tuple[list[str], Iterator[tuple[dict, str]]]:
    """(columns, rows as text) of a pickled DataFrame, unpickled with the allow-list only."""
    df = safe_pickle.load_dataframe(blob, uri).reset_index(drop=True)
    columns = list(df.columns)
    odd = [c for c in columns if not isinstance(c, str)]
    if odd:
        raise InputError(f"{uri}: column names must be text, got {odd[:5]}")
    if len(set(columns)) != len(columns):
        raise InputError(f"{uri}: repeated column names")
    rows = ({c: _cell(v) for c, v in zip(columns, row)} for row in df.itertuples(index=False, name=None))
    return columns, ((r, "") for r in rows)


def _blank(v) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _table(blob: bytes, name: str, uri: str):
    """(columns, rows) of the wide table; rows are {column: text} dicts or BadValue for broken CSV rows."""
    if name.endswith((".pkl", ".pickle")):
        return _pickle_rows(blob, uri)
    return csv_table(blob, uri)


def _prompt_text(raw: str) -> str:
    """RouterBench stores prompts as a Python list literal of turns; join them."""
    s = raw.strip()
    if s.startswith("[") and s.endswith("]"):
        try:
            parts = ast.literal_eval(s)
            if isinstance(parts, list):
                return "\n\n".join(str(p) for p in parts)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            pass
    return raw


def models_in(columns: list[str]) -> list[str]:
    """Model names: score columns that have '<model>|total_cost' or '<model>|model_response' companions."""
    companions = {c.split("|", 1)[0] for c in columns if "|" in c}
    return [c for c in columns if c not in FIXED and "|" not in c and c in companions]


def score_of(raw: str, model: str) -> float:
    """A score in [0, 1] from a number or a label of the shared vocabulary (yes/no, true/false, ...)."""
    try:
        return values.score(raw, f"score of model {model}")
    except values.BadValue:
        label = to_label(raw)
        if label is None:
            raise
        return float(label)


def _sample(rec: dict) -> tuple[str, str]:
    """(sample id, prompt text) of a row (BadValue when either is unusable)."""
    sid = values.item_id(rec["sample_id"], "sample_id")
    prompt = values.text(rec["prompt"], "prompt")
    return sid, values.text(_prompt_text(prompt), "prompt")


def parse(blobs: dict[str, bytes], uri: str, threshold: float | None = None) -> Parsed:
    """Canonical rows, one per (sample, model) with a score; empty scores mean 'not evaluated'; correct = score >=
    THRESHOLD (labels.DEFAULT_THRESHOLD if None)."""
    (name, blob), = blobs.items()
    cut = threshold_of(threshold)
    columns, records = _table(blob, name, uri)
    for col in ("sample_id", "prompt", "eval_name"):
        if col not in columns:
            raise InputError(f"{uri}: missing required column '{col}'")
    models = models_in(columns)
    if not models:
        raise InputError(f"{uri}: no model score columns found (expected <model> beside <model>|total_cost)")
    src = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    rows, rejected = [], []
    for pos, (rec, raw) in enumerate(records):
        limits.check_records(pos, uri)
        if isinstance(rec, values.BadValue):
            rejected.append(Rejected(pos, str(rec), raw))
            continue
        try:
            sid, text = _sample(rec)
            category = values.optional_text(rec["eval_name"], "eval_name")
        except values.BadValue as exc:
            if not all(_blank(rec[m]) for m in models):   # a row no model was evaluated on is not an error
                rejected.append(Rejected(pos, str(exc), json.dumps({"sample_id": rec["sample_id"]}, default=str)[:2000]))
            continue
        for m in models:
            raw_score = rec[m]
            if _blank(raw_score):
                continue  # not evaluated: absent, not wrong
            try:
                score = score_of(raw_score, m)
                cost = values.cost(rec.get(f"{m}|total_cost"), f"{m}|total_cost")
            except values.BadValue as exc:
                rejected.append(Rejected(pos, str(exc), json.dumps({"sample_id": sid, "model": m, "score": raw_score,
                                                                    "cost": rec.get(f"{m}|total_cost")}, default=str)))
                continue
            rows.append({
                "model": m, "benchmark": BENCHMARK, "item_id": sid, "text": text, "category": category,
                "src": src, "correct": correct_at(score, cut), "score": score, "cost_usd": cost,
            })
    return Parsed(canonical_frame(rows), rejected)
