"""Parser for MMLU-Pro results in both layouts of its repository: today's model_outputs_<MODEL>_5shots.zip and the
per-subject folders it used before (<MODEL>/<subject>_result.json, one JSON list per category)."""
from __future__ import annotations

import io
import json
import re
import zipfile

from tasks.sources import limits, values
from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame

FILE_RE = re.compile(r"model_outputs_(?P<model>.+?)_(?P<shots>\d+)shots\.zip$")
SUBJECT_RE = re.compile(r"(?:^|/)(?P<subject>[^/]+)_result\.json$")   # <folder>/<subject>_result.json
REQUIRED = ("question_id", "question", "options", "answer", "category", "pred")
BENCHMARK = "mmlu-pro"


def model_from_name(name: str) -> str:
    """The model name in 'model_outputs_<MODEL>_5shots.zip' (InputError if the name does not match)."""
    m = FILE_RE.search(name.rsplit("/", 1)[-1])
    if not m:
        raise InputError(f"{name}: not an MMLU-Pro result file (expected model_outputs_<MODEL>_<N>shots.zip)")
    return m.group("model")


def _json_list(raw: bytes, uri: str, member: str) -> list:
    """The JSON list of records in one file (InputError naming it otherwise)."""
    data = limits.load_json(raw, uri, member)
    if not isinstance(data, list):
        raise InputError(f"{uri}: {member}: expected a JSON list of records, got {type(data).__name__}")
    limits.check_records(len(data), uri)
    return data


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
    return _json_list(raw, uri, members[0])


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
        "correct": pred is not None and pred == answer, "pred": pred, "answered": pred is not None,
    }


def _parsed(records, model: str, where=lambda pos: "") -> Parsed:
    """Canonical rows of (position, record) pairs; WHERE names the file of a rejected record."""
    rows, rejected = [], []
    for pos, rec in records:
        try:
            rows.append(_row(rec, model))
        except values.BadValue as exc:
            rejected.append(Rejected(pos, where(pos) + str(exc), json.dumps(rec, default=str)[:2000]))
    return Parsed(canonical_frame(rows), rejected)


def folder_model(names) -> str:
    """The model of a per-subject folder: the one folder name its <subject>_result.json files share."""
    folders = {n.rsplit("/", 1)[0] if "/" in n else "" for n in names}
    if len(folders) != 1 or "" in folders:
        raise values.BadValue(f"expected the <subject>_result.json files of one <MODEL> folder, got {sorted(names)[:5]}")
    return values.item_id(folders.pop(), "model folder name")


def parse_subjects(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from a per-subject folder ({'<MODEL>/<subject>_result.json': bytes}); same rule as the zip."""
    try:
        model = folder_model(blobs)
    except values.BadValue as exc:
        raise InputError(f"{uri}: {exc}") from exc
    records, starts = [], []   # positions run on across the files in name order; each file's first position
    for name in sorted(blobs):
        starts.append((len(records), name.rsplit("/", 1)[-1]))
        records.extend(_json_list(blobs[name], uri, name))
    limits.check_records(len(records), uri)

    def where(pos: int) -> str:
        start, name = max(s for s in starts if s[0] <= pos)
        return f"{name} record {pos - start}: "
    return _parsed(enumerate(records), model, where)


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows from one MMLU-Pro zip or subject folder: correct = (pred == answer), a null pred is wrong
    (answered false: no answer was extracted)."""
    if blobs and all(SUBJECT_RE.search(n) for n in blobs):
        return parse_subjects(blobs, uri)
    if len(blobs) != 1:
        raise InputError(f"{uri}: expected one model_outputs_<MODEL>_<N>shots.zip or <subject>_result.json files, "
                         f"got {sorted(blobs)[:5]}")
    (name, blob), = blobs.items()
    return _parsed(enumerate(_records(blob, uri)), model_from_name(name))
