"""Parser for MMLU-Pro leaderboard result zips: model_outputs_<MODEL>_5shots.zip."""
from __future__ import annotations

import io
import json
import re
import zipfile

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
    """The JSON list inside the zip (InputError naming the file if unreadable)."""
    try:
        with zipfile.ZipFile(io.BytesIO(blob)) as zf:
            members = [n for n in zf.namelist() if n.endswith(".json")]
            if len(members) != 1:
                raise InputError(f"{uri}: expected one .json member in the zip, found {members or zf.namelist()}")
            data = json.loads(zf.read(members[0]))
    except zipfile.BadZipFile as exc:
        raise InputError(f"{uri}: corrupt zip ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise InputError(f"{uri}: not JSON ({exc})") from exc
    if not isinstance(data, list):
        raise InputError(f"{uri}: expected a JSON list of records, got {type(data).__name__}")
    return data


def _check(rec) -> str | None:
    """Why a record is bad, or None."""
    if not isinstance(rec, dict):
        return f"not a JSON object ({type(rec).__name__})"
    missing = [k for k in REQUIRED if k not in rec]
    if missing:
        return f"missing field(s) {', '.join(missing)}"
    if rec["question_id"] is None or str(rec["question_id"]).strip() == "":
        return "empty question_id"
    if not isinstance(rec["question"], str) or not rec["question"].strip():
        return "empty question text"
    if not isinstance(rec["answer"], str) or not rec["answer"].strip():
        return "empty answer"
    if rec["pred"] is not None and not isinstance(rec["pred"], str):
        return f"pred is {type(rec['pred']).__name__}, expected a letter or null"
    if not isinstance(rec["options"], list):
        return "options is not a list"
    return None


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from one MMLU-Pro zip: correct = (pred == answer), a null pred is wrong."""
    (name, blob), = blobs.items()
    model = model_from_name(name)
    rows, rejected = [], []
    for pos, rec in enumerate(_records(blob, uri)):
        reason = _check(rec)
        if reason:
            rejected.append(Rejected(pos, reason, json.dumps(rec)[:2000]))
            continue
        pred = rec["pred"]
        rows.append({
            "model": model, "benchmark": BENCHMARK, "item_id": str(rec["question_id"]),
            "text": rec["question"], "options": [str(o) for o in rec["options"]],
            "answer": rec["answer"], "category": rec["category"], "src": rec.get("src"),
            "correct": pred is not None and pred == rec["answer"], "pred": pred,
        })
    return Parsed(canonical_frame(rows), rejected)
