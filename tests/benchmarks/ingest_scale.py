"""Benchmark: ingesting a synthetic Open-LLM-Leaderboard-shaped long table (MODELS files of PROMPTS rows each):
first load, a no-change re-run, one new model's file; results/s and peak RSS of each run.

Run: nice .venv/bin/python tests/benchmarks/ingest_scale.py [--models 1000] [--prompts 20000] [--dir /tmp/scale] [--flow]
Each run is a fresh `taskspace ingest results --format long DIR` process (--flow: the ingest_results flow). Prints numbers; asserts nothing. CPU s is
the process's user+system time: on a shared machine it says what the run costs when wall time does not.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import polars as pl

REPO = Path(__file__).resolve().parents[2]
# The six Open LLM Leaderboard v2 tasks with their share of its ~21k prompts and a few sub-task categories each.
TASKS = {"leaderboard_mmlu_pro": (12032, ["biology", "law", "math", "physics", "history", "other"]),
         "leaderboard_bbh": (5761, ["boolean_expressions", "date_understanding", "navigate", "snarks"]),
         "leaderboard_math_hard": (1324, ["algebra", "geometry", "number_theory", "precalculus"]),
         "leaderboard_gpqa": (1192, ["gpqa_diamond", "gpqa_extended", "gpqa_main"]),
         "leaderboard_musr": (756, ["murder_mysteries", "object_placements", "team_allocation"]),
         "leaderboard_ifeval": (541, ["ifeval"])}
WORDS = ("the of and to in is that for it as with was on be by this which answer question following what "
         "value number given find select option correct statement true false compute total point line").split()


def prompts_table(n: int, rng: np.random.Generator) -> pl.DataFrame:
    """N prompts split over the six tasks, each a few hundred characters of words with its category."""
    total = sum(c for c, _ in TASKS.values())
    rows = {"benchmark": [], "prompt_id": [], "prompt": [], "category": []}
    words = np.array(WORDS)
    for task, (count, cats) in TASKS.items():
        k = max(1, round(n * count / total))
        lengths = np.clip(rng.lognormal(3.9, 0.5, k).astype(int), 8, 400)   # ~50 words, ~300 characters
        for i in range(k):
            rows["benchmark"].append(task)
            rows["prompt_id"].append(f"{i}")
            rows["prompt"].append(f"Q{i} ({task}): " + " ".join(rng.choice(words, lengths[i])) + "?")
            rows["category"].append(cats[i % len(cats)])
    return pl.DataFrame(rows).head(n)


def model_name(i: int) -> str:
    """An org/model name like the leaderboard's."""
    return f"org-{i % 97:02d}/model-{i}-{(7, 8, 14, 70)[i % 4]}B-Instruct"


def write_model(prompts: pl.DataFrame, i: int, folder: Path, rng: np.random.Generator) -> Path:
    """One model's details file: every prompt with a 0/1 label (the model's own accuracy)."""
    skill = rng.uniform(0.2, 0.8)
    df = prompts.with_columns(pl.lit(model_name(i)).alias("model"),
                              pl.Series("correct", rng.random(prompts.height) < skill))
    path = folder / f"details_{i:05d}.parquet"
    df.select("model", "benchmark", "prompt_id", "prompt", "category", "correct").write_parquet(path)
    return path


CLI = "from flows.cli import app\napp(['--db', sys.argv[1], 'ingest', 'results', '--format', 'long', sys.argv[2], '--json'])"
# the ingest_results flow (one read task per file, threads) on a temporary Prefect server, as `taskspace run` runs it
FLOW = ("import json\nfrom tasks.prefect_server import prefect_api\nfrom flows.ingest_results import ingest_results\n"
        "with prefect_api():\n"
        "    out = ingest_results(format='long', sources=[sys.argv[2]], db=sys.argv[1], n_workers=2)\n"
        "print(json.dumps({k: out[k] for k in ('rows_new', 'rows_updated', 'loaded', 'skipped', 'failed')}))")
MEASURED = ("import resource, sys\ntry:\n{body}finally:\n    u = resource.getrusage(resource.RUSAGE_SELF)\n"
            "    sys.stderr.write('MAXRSS=%d CPU=%.2f\\n' % (u.ru_maxrss, u.ru_utime + u.ru_stime))")


def run(db: str, src: Path, workers: int, flow: bool = False) -> tuple[float, float, float, dict]:
    """(wall seconds, peak RSS MiB, CPU seconds, JSON counts) of one `taskspace ingest results --format long` (FLOW:
    the ingest_results flow) in a fresh process."""
    body = "".join(f"    {line}\n" for line in (FLOW if flow else CLI).splitlines())
    cmd = [sys.executable, "-c", MEASURED.format(body=body), db, str(src)]
    env = {**os.environ, "PYTHONPATH": str(REPO), "TASKSPACE_INGEST_WORKERS": str(workers)}
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(proc.stderr[-4000:])
    tail = proc.stderr.rsplit("MAXRSS=", 1)[1].split()
    return wall, int(tail[0]) / 1024, float(tail[1].split("=")[1]), json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--models", type=int, default=1000)
    ap.add_argument("--prompts", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2, help="fetch+parse threads (TASKSPACE_INGEST_WORKERS)")
    ap.add_argument("--dir", default=None, help="working folder (default: a new temp folder, removed at the end)")
    ap.add_argument("--flow", action="store_true", help="through the ingest_results Prefect flow (a read task per "
                    "file) on a temporary Prefect server, instead of the CLI")
    a = ap.parse_args()
    work = Path(a.dir or tempfile.mkdtemp(prefix="ingest_scale_"))
    data, db = work / "details", work / "scale.duckdb"
    shutil.rmtree(data, ignore_errors=True)
    for old in (db, db.with_suffix(".duckdb.wal")):
        old.unlink(missing_ok=True)
    data.mkdir(parents=True)
    db = str(db)
    rng = np.random.default_rng(0)
    prompts = prompts_table(a.prompts, rng)
    t0 = time.perf_counter()
    for i in range(a.models):
        write_model(prompts, i, data, rng)
    size = sum(p.stat().st_size for p in data.iterdir()) / 2**20
    print(f"synthetic  : {a.models} models x {prompts.height} prompts = {a.models * prompts.height:,} rows, "
          f"{size:.0f} MiB parquet, written in {time.perf_counter() - t0:.1f} s ({data})")
    try:
        for label, step in (("first load", None), ("re-run", None), ("new model", "add")):
            if step == "add":
                write_model(prompts, a.models, data, rng)
            wall, rss, cpu, out = run(db, data, a.workers, a.flow)
            rows = out["rows_new"] + out["rows_updated"]
            print(f"{label:11}: {wall:7.2f} s wall, {rss:6.0f} MiB peak RSS, {rows:>10,} rows written "
                  f"({rows / wall:>9,.0f} results/s), {cpu:6.1f} CPU s, {out['loaded']} loaded, {out['skipped']} skipped, "
                  f"{out['failed']} failed")
        print(f"warehouse  : {os.path.getsize(db) / 2**20:.0f} MiB on disk")
    finally:
        if a.dir is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
