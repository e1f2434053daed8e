"""Benchmark: a reader every 2 s during a full main job. Runs `taskspace run --config CONFIG` (its warehouse in a
fresh temporary folder unless --db) in a subprocess and, until it ends, opens the warehouse read-only every 2 s the
way `taskspace sql` does (waiting for a writer's short transaction), runs one query, and prints how many reads
failed, the longest and median wait, and the main job's wall time.

Run: .venv/bin/python tests/benchmarks/readers_during_run.py [--config taskspace.example.toml] [--every 2]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parents[2]


def read_once(db: str, timeout: float) -> tuple[bool, float, str]:
    """(succeeded, seconds waited for the lock, what failed)."""
    t0 = time.monotonic()
    while True:
        try:
            con = duckdb.connect(db, read_only=True)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower() and time.monotonic() - t0 < timeout:
                time.sleep(0.05)
                continue
            return False, time.monotonic() - t0, str(exc)[:120]
        except duckdb.Error as exc:   # e.g. the file does not exist yet
            return False, time.monotonic() - t0, str(exc)[:120]
        try:
            con.execute("SELECT count(*) FROM results").fetchall()
            return True, time.monotonic() - t0, ""
        except duckdb.Error as exc:
            return False, time.monotonic() - t0, str(exc)[:120]
        finally:
            con.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--config", default=str(REPO / "taskspace.example.toml"))
    ap.add_argument("--every", type=float, default=2.0)
    ap.add_argument("--wait", type=float, default=30.0, help="longest a reader waits for the writer")
    ap.add_argument("--log", default=None, help="write the main job's stderr here (its step log, to match waits)")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="taskspace-readers-"))
    cfg = Path(a.config).resolve()
    text = cfg.read_text().replace('location = "../', f'location = "{cfg.parent.parent}/')
    (work / "c.toml").write_text(text)
    db = str(work / "taskspace.duckdb")
    env = {**os.environ, "PYTHONPATH": str(REPO), "PREFECT_HOME": str(work / "prefect")}
    t0 = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-c", "from flows.cli import app; app()", "run", "--config",
                             str(work / "c.toml"), "--json"], cwd=work, env=env, stdout=subprocess.PIPE,
                            stderr=open(a.log, "w") if a.log else subprocess.DEVNULL, text=True)
    waits, failures, started = [], [], False
    while proc.poll() is None:
        if Path(db).exists():
            ok, waited, why = read_once(db, a.wait)
            started = started or ok
            if ok:
                waits.append(waited)
                if waited > 2.0:
                    print(f"  {time.strftime('%H:%M:%S')}: waited {waited:.2f} s", flush=True)
            elif started:   # before the first write the file is still being created
                failures.append(why)
        time.sleep(a.every)
    wall = time.monotonic() - t0
    print(f"main job exit {proc.returncode} in {wall:.0f} s; {len(waits) + len(failures)} reads every {a.every} s "
          f"after the warehouse existed: {len(failures)} failed, longest wait {max(waits, default=0):.2f} s, "
          f"median {statistics.median(waits) if waits else 0:.3f} s")
    for why in failures[:5]:
        print("  failed:", why)


if __name__ == "__main__":
    main()
