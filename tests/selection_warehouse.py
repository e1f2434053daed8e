"""A small real warehouse for the selection tests (fixtures `small`, `published` in conftest.py): subsets of the real MMLU-Pro result zips and
RouterBench CSVs from ../shared/data, ingested, embedded and refreshed with the real pipeline, built once."""
from __future__ import annotations

import csv
import io
import json
import os
import zipfile
from pathlib import Path

import pytest

MMLU_MODELS = ["Meta-Llama-3-70B", "Meta-Llama-3-8B", "Mixtral-8x7B-Instruct-v0.1", "Qwen1.5-72B-Chat",
               "gemma-7b", "Llama-2-7b-hf"]
PER_CATEGORY = 15        # MMLU-Pro questions per category (14 categories)
ROUTERBENCH_ROWS = {"arc_challenge_train": 60, "arc_challenge_test": 25, "mbpp_train": 45, "mbpp_test": 20,
                    "winograde_train": 60, "winograde_test": 25}
_BUILT: dict[str, dict] = {}


def mmlu_subset(shared: Path, out: Path) -> Path:
    """Zips of MMLU_MODELS holding the first PER_CATEGORY questions (by id) of every category, real records."""
    out.mkdir(parents=True, exist_ok=True)
    keep: set | None = None
    for model in MMLU_MODELS:
        src = shared / "mmlu_pro" / "eval_results" / f"model_outputs_{model}_5shots.zip"
        with zipfile.ZipFile(src) as zf:
            name = next(n for n in zf.namelist() if n.endswith(".json"))
            records = json.loads(zf.read(name))
        if keep is None:
            by_cat: dict[str, list[int]] = {}
            for r in sorted(records, key=lambda r: r["question_id"]):
                by_cat.setdefault(r["category"], []).append(r["question_id"])
            keep = {q for ids in by_cat.values() for q in ids[:PER_CATEGORY]}
        with zipfile.ZipFile(out / src.name, "w", zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(name, json.dumps([r for r in records if r["question_id"] in keep]))
    return out


def routerbench_subset(shared: Path, out: Path) -> Path:
    """The first rows of every RouterBench CSV (train and test files), columns as they are."""
    out.mkdir(parents=True, exist_ok=True)
    for stem, n in ROUTERBENCH_ROWS.items():
        with open(shared / "routerbench" / f"{stem}.csv", newline="") as f:
            rows = list(csv.reader(f))
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerows(rows[:n + 1])
        (out / f"{stem}.csv").write_text(buf.getvalue())
    return out


def invoke(*args: str) -> dict:
    """Run a taskspace command in this process; its JSON output (AssertionError with the output if it fails)."""
    from typer.testing import CliRunner

    from flows.cli import app
    res = CliRunner().invoke(app, list(args))
    assert res.exit_code == 0, f"taskspace {' '.join(args)} exited {res.exit_code}:\n{res.output}\n{res.exception!r}"
    return json.loads(res.stdout.strip().splitlines()[-1])


def build(base: Path, shared: Path) -> dict:
    """{db, mmlu, routerbench}: ingest both subsets, then `taskspace refresh` (embeddings and operators); built once
    per BASE."""
    key = str(base)
    if key in _BUILT:
        return _BUILT[key]
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    base.mkdir(parents=True, exist_ok=True)
    db = str(base / "sel.duckdb")
    mmlu, rb = mmlu_subset(shared, base / "mmlu"), routerbench_subset(shared, base / "routerbench")
    invoke("--db", db, "ingest", "results", "--format", "mmlu-pro", str(mmlu), "--json")
    invoke("--db", db, "ingest", "results", "--format", "routerbench", str(rb), "--json")
    refresh = invoke("--db", db, "refresh", "--json")
    _BUILT[key] = {"db": db, "mmlu": mmlu, "routerbench": rb, "refresh": refresh}
    return _BUILT[key]


def shared_or_skip() -> Path:
    """../shared/data (as conftest finds it), or skip."""
    from conftest import SHARED_DATA
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    return SHARED_DATA


def publish_once(small: dict, out: Path, *extra: str) -> dict:
    """`taskspace publish --no-flow --out OUT --json` on the small warehouse; its JSON (memoised per OUT)."""
    key = f"publish:{out}"
    if key not in _BUILT:
        _BUILT[key] = invoke("--db", small["db"], "publish", "--no-flow", "--out", str(out), "--json", *extra)
    return _BUILT[key]
