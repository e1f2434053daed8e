"""Parser for score matrices: one row per question, one graded score in [0, 1] per model (e.g. the fraction of
a model's samples that passed). JSON: a list of {"question": text, "scores": {model: score}} (RouterDC's
layout); CSV: a `question` column and one column per model. Optional fields/columns: `question_id` (or `id`),
`category`, `benchmark` (else the file name without a _train/_test/... suffix). correct = score >= threshold
(tasks/sources/labels.py); the score is stored. An empty score means 'not evaluated', not wrong."""
from __future__ import annotations

import json
import re
from typing import Iterator

from tasks.sources import limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame
from tasks.sources.labels import correct_at, threshold_of
from tasks.sources.tables import csv_table
from warehouse.keys import text_hash

ID_FIELDS = ("question_id", "id")
FIXED = {"question", *ID_FIELDS, "category", "benchmark", ""}    # CSV columns that are not models
_SPLIT = re.compile(r"[-_.](train|test|val|valid|validation|dev)$", re.IGNORECASE)


def benchmark_of(name: str) -> str:
    """The benchmark a file names: 'humaneval_test.json' -> 'humaneval', 'gsm8k-test.json' -> 'gsm8k'."""
    stem = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return _SPLIT.sub("", stem) or stem


def _json_rows(blob: bytes, uri: str, name: str) -> Iterator[tuple[dict | values.BadValue, str]]:
    """(question fields + {model: score}, raw) per record of a JSON list of {"question", "scores": {...}}."""
    data = limits.load_json(blob, uri, name)
    if not isinstance(data, list):
        raise InputError(f"{uri}: expected a JSON list of {{\"question\", \"scores\"}} records, got {type(data).__name__}")
    limits.check_records(len(data), uri)
    for rec in data:
        raw = json.dumps(rec, default=str)[:2000]
        if not isinstance(rec, dict) or not isinstance(rec.get("scores"), dict):
            yield values.BadValue("not a JSON object with a 'scores' object of model: score"), raw
            continue
        if any(not isinstance(m, str) or m in FIXED for m in rec["scores"]):
            yield values.BadValue(f"model names must be text other than {sorted(FIXED - {''})}"), raw
            continue
        yield {k: rec.get(k) for k in FIXED - {""}} | {"scores": rec["scores"]}, raw


def _csv_rows(blob: bytes, uri: str) -> Iterator[tuple[dict | values.BadValue, str]]:
    """The same records from a CSV: every column outside FIXED is a model."""
    header, rows = csv_table(blob, uri)
    if "question" not in header:
        raise InputError(f"{uri}: missing required column 'question'")
    models = [c for c in header if c not in FIXED]
    if not models:
        raise InputError(f"{uri}: no model columns (every column but {sorted(FIXED - {''})} is a model)")
    for pos, (rec, raw) in enumerate(rows):
        limits.check_records(pos, uri)
        yield (rec if isinstance(rec, values.BadValue) else
               {k: rec.get(k) for k in FIXED - {""}} | {"scores": {m: rec[m] for m in models}}), raw


def _question(rec: dict) -> tuple[str, str]:
    """(item id, text) of a record: its question_id/id, else the hash of its text."""
    text = values.text(rec["question"], "question")
    given = next((rec[k] for k in ID_FIELDS if rec.get(k) not in (None, "")), None)
    return (values.item_id(given, "question_id") if given is not None else text_hash(text)[:16]), text


def parse(blobs: dict[str, bytes], uri: str, threshold: float | None = None) -> Parsed:
    """Canonical rows, one per (question, model) with a score; correct = score >= THRESHOLD (0.5 if None)."""
    (name, blob), = blobs.items()
    cut = threshold_of(threshold)
    records = _csv_rows(blob, uri) if name.lower().endswith(".csv") else _json_rows(blob, uri, name)
    rows, rejected = [], []
    for pos, (rec, raw) in enumerate(records):
        if isinstance(rec, values.BadValue):
            rejected.append(Rejected(pos, str(rec), raw))
            continue
        try:
            item_id, text = _question(rec)
            bench = values.optional_text(rec.get("benchmark"), "benchmark", 200) or benchmark_of(name)
            category = values.optional_text(rec.get("category"), "category")
        except values.BadValue as exc:
            rejected.append(Rejected(pos, str(exc), raw))
            continue
        for model, raw_score in rec["scores"].items():
            try:
                score = values.score(raw_score, f"score of model {model}")
                if score is None:
                    continue   # not evaluated: absent, not wrong
                model = values.item_id(model, "model name")
            except values.BadValue as exc:
                rejected.append(Rejected(pos, str(exc), json.dumps({"question_id": item_id, "model": model,
                                                                    "score": raw_score}, default=str)))
                continue
            rows.append({"model": model, "benchmark": bench, "item_id": item_id, "text": text,
                         "category": category, "src": name.rsplit("/", 1)[-1], "correct": correct_at(score, cut),
                         "score": score, "metric": f"score>={cut:g}"})
    return Parsed(canonical_frame(rows), rejected)
