"""The files of one lm-eval run, in every layout the harness has written: its results and its samples per task.

lm-eval 0.4.0-0.4.2 wrote `results.json` and `<model_args>_<task>.jsonl` (one JSON array, indented);
0.4.2's leaderboard fork and later versions write `results_<ts>.json` and `samples_<task>_<ts>.json[l]`
(one sample per line). A file committed with Git LFS but never fetched is a small pointer text instead.
"""
from __future__ import annotations

import json
import re

from tasks.sources import limits
from tasks.sources.base import InputError
from tasks.sources.tables import jsonl_lines

RESULTS_RE = re.compile(r"results_(?P<ts>.+)\.json$")
OLD_RESULTS = "results.json"
SAMPLES_RE = re.compile(r"samples_(?P<task>.+)_(?P<ts>\d{4}-\d{2}-\d{2}T[\d\-.:]+)\.jsonl?$")
LFS_MAGIC = b"version https://git-lfs.github.com/spec/v1"


def is_results(name: str) -> bool:
    """Whether a file name is an lm-eval results file (results_<ts>.json, or results.json before 0.4.3)."""
    return bool(RESULTS_RE.search(name)) or name == OLD_RESULTS


def run_member(results_name: str, name: str) -> bool:
    """Whether NAME, a file beside RESULTS_NAME, can be a samples file of that run."""
    m = RESULTS_RE.search(results_name)
    if m:
        s = SAMPLES_RE.search(name)
        return bool(s) and s.group("ts") == m.group("ts")
    return results_name == OLD_RESULTS and name.endswith(".jsonl")


def lfs_pointer(blob: bytes) -> str | None:
    """'a Git LFS pointer (...)' when BLOB is one instead of the file it stands for, else None."""
    if not blob.startswith(LFS_MAGIC):
        return None
    text = blob[:1024].decode("utf-8", "replace")
    oid = re.search(r"^oid (\S+)", text, re.M)
    size = re.search(r"^size (\d+)", text, re.M)
    what = ", ".join(x for x in (oid and oid.group(1)[:19] + "…", size and f"{size.group(1)} bytes") if x)
    return f"a Git LFS pointer ({what}), not the file itself: fetch it with `git lfs pull`"


def json_object(results: dict, key: str, uri: str) -> dict:
    """results[key] as an object ({} when absent); InputError when it is another JSON type."""
    value = results.get(key)
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise InputError(f"{uri}: '{key}' in the results file is a {type(value).__name__}, expected an object")
    return value


def _task_of(name: str, results: dict, old: bool) -> str | None:
    """The task a samples file holds: from samples_<task>_<ts>; before 0.4.3 from <model_args>_<task>.jsonl,
    the harness's name for this run's model_args (another model's file in the folder is not this run's)."""
    if not old:
        m = SAMPLES_RE.search(name)
        return m.group("task") if m else None
    known = {t for key in ("configs", "results") if isinstance(results.get(key), dict) for t in results[key]}
    args = results.get("config", {}).get("model_args") if isinstance(results.get("config"), dict) else None
    if isinstance(args, str):
        prefix = re.sub("/|=", "__", args) + "_"
        task = name[len(prefix):-len(".jsonl")] if name.startswith(prefix) else None
        return task if task in known else None
    ends = [t for t in known if isinstance(t, str) and name.endswith(f"_{t}.jsonl")]
    return max(ends, key=len) if ends else None


def split_run(blobs: dict[str, bytes], uri: str) -> tuple[dict, dict[str, tuple[str, bytes]]]:
    """The parsed results JSON and the samples files {task: (file name, bytes)} of one run."""
    res = [n for n in blobs if is_results(n.rsplit("/", 1)[-1])]
    if len(res) != 1:
        raise InputError(f"{uri}: expected one results_*.json (or results.json) in the run, found {len(res)}")
    pointer = lfs_pointer(blobs[res[0]])
    if pointer:
        raise InputError(f"{uri}: {res[0]} is {pointer}")
    results = limits.load_json(blobs[res[0]], uri, res[0])
    if not isinstance(results, dict):
        raise InputError(f"{uri}: {res[0]} is not a JSON object")
    for key in ("configs", "results"):
        json_object(results, key, uri)
    old = res[0].rsplit("/", 1)[-1] == OLD_RESULTS
    samples = {}
    for n, b in blobs.items():
        base = n.rsplit("/", 1)[-1]
        task = _task_of(base, results, old) if n != res[0] and run_member(res[0].rsplit("/", 1)[-1], base) else None
        if task:
            samples[task] = (base, b)
    if not samples:
        raise InputError(f"{uri}: no samples_<task>_<timestamp>.jsonl files (run lm-eval with --log_samples)")
    return results, samples


def sample_records(blob: bytes, uri: str, name: str):
    """(sample, raw text) per record: one per line, or the items of one JSON array (lm-eval 0.4.0-0.4.2 and the
    leaderboard's June 2024 `.json` samples, indented or not)."""
    if blob.lstrip()[:1] != b"[":
        yield from jsonl_lines(blob)
        return
    items = limits.load_json(blob, uri, name)
    for item in items if isinstance(items, list) else [items]:
        yield item, json.dumps(item, ensure_ascii=False)[:2000]
