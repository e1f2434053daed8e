"""Benchmark: the issue-5 checks on the full real data. Ingest MMLU-Pro and RouterBench, `taskspace refresh`,
`taskspace publish` twice (wall time, identical files), then `taskspace select` cold starts and a batch.

Run: .venv/bin/python tests/benchmarks/select_publish.py [--data ../shared/data] [--db W.duckdb] [--skip-build]
(--skip-build reuses a warehouse that is already ingested and refreshed). Prints numbers; asserts nothing.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
ENV = {**os.environ, "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}


def taskspace(db: str, *args: str) -> tuple[float, dict]:
    """(wall seconds, JSON output) of one taskspace command in a fresh process."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", db, *args, "--json"],
                          capture_output=True,
                          text=True, cwd=REPO, env=ENV)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(f"taskspace {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return wall, json.loads(proc.stdout.strip().splitlines()[-1])


def tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--db", default=None)
    ap.add_argument("--out", default=None)
    ap.add_argument("--skip-build", action="store_true")
    ap.add_argument("--batch", type=int, default=200, help="prompts in the batch timing")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-select-"))
    db, out = a.db or str(work / "bench.duckdb"), Path(a.out or work / "pub")
    if not a.skip_build:
        for fmt, src in (("mmlu-pro", "mmlu_pro/eval_results"), ("routerbench", "routerbench")):
            w, o = taskspace(db, "ingest", "results", "--format", fmt, str(Path(a.data) / src))
            print(f"ingest {fmt:12}: {w:7.1f} s, {o['rows_new']} rows")
        w, o = taskspace(db, "refresh")
        flat = {k: v for k, v in o.items() if not isinstance(v, (dict, list))}
        print(f"refresh           : {w:7.1f} s  {json.dumps(flat)}")

    w1, p1 = taskspace(db, "publish", "--no-flow", "--out", str(out))
    w2, p2 = taskspace(db, "publish", "--no-flow", "--out", str(work / "pub2"))
    same = tree(out) == tree(work / "pub2")
    print(f"publish           : {w1:7.1f} s first, {w2:.1f} s again (predictions skipped: "
          f"{p2['materialised']['skipped']}); identical files: {same}; fingerprint {p1['fingerprint'][:16]}")
    print("rows              : " + ", ".join(f"{k} {v}" for k, v in p1["rows"].items()))

    import pyarrow.parquet as pq
    by_task = pq.read_table(out / "tables" / "selection_by_task.parquet").to_pylist()
    for bench in sorted({r["benchmark"] for r in by_task}):
        cats = {r["category"] for r in by_task if r["benchmark"] == bench and r["category"]}
        models = {r["model_id"] for r in by_task if r["benchmark"] == bench}
        full = all(sum(1 for r in by_task if r["benchmark"] == bench and r["category"] == c) == len(models)
                   for c in cats)
        print(f"selection_by_task : {bench}: {len(cats)} categories x {len(models)} models (a row per model "
              f"for every category: {full})")
    n = p1["numbers"]
    print(f"pred vs observed  : per category r = {n['correlation_by_category']:.4f} (all prompts), "
          f"{n['correlation_by_category_heldout']:.4f} (held-out prompts); per benchmark "
          + json.dumps({b: {k: round(v, 4) for k, v in c.items() if v is not None}
                        for b, c in n["correlation_by_benchmark"].items()}))
    for bench, pols in sorted(n["routing"].items()):
        for name, p in sorted(pols.items(), key=lambda kv: kv[0]):
            cost = "" if p["mean_cost_usd"] is None else f", cost {p['mean_cost_usd']:.3e} USD/prompt (expected " \
                                                          f"{p['expected_cost_usd'] or float('nan'):.3e})"
            exp = "" if p["expected_accuracy"] is None else f" (expected {p['expected_accuracy']:.4f})"
            print(f"routing {bench:11}: {name:13} accuracy {p['observed_accuracy']:.4f}{exp}{cost} "
                  f"[{p['n_test']} held-out prompts]")

    q = "Solve for x: 3x + 5 = 20"
    colds = [taskspace(db, "select", q) for _ in range(3)]
    print(f"select cold start : " + ", ".join(f"{w:.2f} s" for w, _ in colds) + f" wall; ranks "
          f"{colds[0][1]['n_models']} models (pool {colds[0][1]['pool']}); top "
          + ", ".join(f"{m['model_id']} {m['p_correct']:.3f}" for m in colds[0][1]["models"][:3]))
    import duckdb
    con = duckdb.connect(db, read_only=True)
    texts = [t.replace("\n", " ") for (t,) in con.execute(
        "SELECT text FROM prompts ORDER BY hash(prompt_id) LIMIT ?", [a.batch]).fetchall()]
    con.close()
    (work / "batch.txt").write_text("\n".join(texts) + "\n")
    w, o = taskspace(db, "select", "--file", str(work / "batch.txt"))
    print(f"select batch      : {len(texts)} prompts in {w:.2f} s wall ({w / len(texts) * 1000:.0f} ms per prompt "
          f"incl. start; embedding {o['seconds']['embed']:.2f} s = {o['seconds']['embed'] / len(texts) * 1000:.0f} ms "
          f"per prompt)")
    print(f"outputs           : {out} (warehouse {db})")


if __name__ == "__main__":
    main()
