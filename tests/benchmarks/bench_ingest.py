"""Benchmark: wall time and peak memory of the 22-file MMLU-Pro load and of the no-change re-run.

Run: .venv/bin/python tests/benchmarks/bench_ingest.py [--data ../shared/data] [--db /tmp/bench.duckdb]
Prints numbers; asserts nothing about time.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def run(db: str, src: Path) -> tuple[float, float, dict]:
    """(wall seconds, peak RSS MiB, JSON counts) of one `taskspace ingest results` in a fresh process."""
    cmd = [sys.executable, "-c",
           "import resource, sys; from flows.cli import app\n"
           "try:\n    app()\nfinally:\n"
           "    sys.stderr.write('MAXRSS=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
           "--db", db, "ingest", "results", "--format", "mmlu-pro", str(src), "--json"]
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    rss = int(proc.stderr.rsplit("MAXRSS=", 1)[1].split()[0]) / 1024
    return wall, rss, json.loads(proc.stdout)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--db", default=None)
    a = ap.parse_args()
    src = Path(a.data) / "mmlu_pro" / "eval_results"
    if not src.exists():
        raise SystemExit(f"no MMLU-Pro data at {src}")
    db = a.db or str(Path(tempfile.mkdtemp()) / "bench.duckdb")
    w1, m1, o1 = run(db, src)
    w2, m2, o2 = run(db, src)
    print(f"first load : {w1:6.2f} s wall, {m1:6.0f} MiB peak RSS, {o1['rows_new']} rows, "
          f"{o1['loaded']} files, {o1['rows_rejected']} rejected")
    print(f"re-run     : {w2:6.2f} s wall, {m2:6.0f} MiB peak RSS, {o2['rows_new']} rows, {o2['skipped']} skipped")
    print(f"warehouse  : {os.path.getsize(db) / 2**20:.1f} MiB on disk ({db})")


if __name__ == "__main__":
    main()
