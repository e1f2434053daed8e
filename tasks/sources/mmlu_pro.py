"""Parser for MMLU-Pro leaderboard result zips: model_outputs_<MODEL>_5shots.zip."""
from __future__ import annotations

import io
import json
import re
import zipfile

from tasks.sources import limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame

FILE_RE = re.compile(r"model_outputs_(?P<model>.+?)_(?P<shots>\d+)shots\.zip$")
REQUIRED = ("question_id", "question", "options", "answer", "category", "pred")
BENCHMARK = "mmlu-pro"


def model_from_name(name: str) -> str:
    """The model name in 'model_outputs_<MODEL>_5shots.zip' (InputError if the name does not match)."""
    m = FILE_RE.search(name.rsplit("/", 1)[-1])
    if not m:
        raise InputError(f"{name}: not an MMLU-Pro result file (expected model_outputs_<MODEL>_<N>shots.zip)")
    return m.group("model")


def _records(blob: bytes, uri: str) -> list:
    """The JSON list inside the zip (InputError naming the file if unreadable or over a limit)."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            members = [n for n in zf.namelist() if n.endswith(".json")]
            if len(members) != 1:
                raise InputError(f"{uri}: expected one .json member in the zip, found {members or zf.namelist()}")
            raw = limits.read_member(zf, members[0], uri)
    except InputError:
        raise
    except Exception as exc:  # BadZipFile, and ValueError/OSError/EOFError for mangled directories
        raise InputError(f"{uri}: corrupt zip ({type(exc).__name__}: {exc})") from exc
    data = limits.load_json(raw, uri, members[0])
    if not isinstance(data, list):
        raise InputError(f"{uri}: expected a JSON list of records, got {type(data).__name__}")
    limits.check_records(len(data), uri)
    return data


def _row(rec, model: str) -> dict:
    """The canonical row of one record (BadValue saying why the record is bad)."""
    if not isinstance(rec, dict):
        raise values.BadValue(f"not a JSON object ({type(rec).__name__})")
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        raise values.BadValue(f"missing field(s) {', '.join(missing)}")
    qid = values.item_id(rec["question_id"], "question_id")
    question = values.text(rec["question"], "question text")
    answer = values.text(rec["answer"], "answer", 64)
    pred = rec["pred"]
    if pred is not None and not isinstance(pred, str):
        raise values.BadValue(f"pred is {type(pred).__name__}, expected a letter or null")
    pred = None if pred is None else values.unicode_text(pred, "pred")
    if not isinstance(rec["options"], list):
        raise values.BadValue("options is not a list")
    options = []
    for i, o in enumerate(rec["options"]):
        if isinstance(o, bool) or not isinstance(o, (str, int, float)):
            raise values.BadValue(f"option {i} is {type(o).__name__}, expected text")
        options.append(values.unicode_text(str(o), f"option {i}"))
    return {
        "model": model, "benchmark": BENCHMARK, "item_id": qid, "text": question, "options": options,
        "answer": answer, "category": values.optional_text(rec["category"], "category"),
        "src": values.optional_text(rec.get("src"), "src"),
        "correct": pred is not None and pred == answer, "pred": pred,
    }


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from one MMLU-Pro zip: correct = (pred == answer), a null pred is wrong."""
    (name, blob), = blobs.items()
    model = model_from_name(name)
    rows, rejected = [], []
    for pos, rec in enumerate(_records(blob, uri)):
        try:
            rows.append(_row(rec, model))
        except values.BadValue as exc:
            rejected.append(Rejected(pos, str(exc), json.dumps(rec, default=str)[:2000]))
    return Parsed(canonical_frame(rows), rejected)
