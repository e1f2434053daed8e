"""Benchmark: the README's main command, `taskspace run --config taskspace.example.toml`, on a fresh machine (an empty
PREFECT_HOME, a new warehouse), then once more (nothing new).

Run: .venv/bin/python tests/benchmarks/first_run.py [--data ../shared/data] [--keep DIR]
Prints numbers (wall time, peak RSS, Prefect's start-up, the machine's load); asserts nothing about time.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def config(base: Path, data: Path) -> Path:
    """taskspace.example.toml with its sources pointing at DATA and its warehouse and outputs in BASE."""
    text = (REPO / "taskspace.example.toml").read_text().replace("../shared/data", str(data))
    cfg = base / "taskspace.toml"
    cfg.write_text(text)
    return cfg


def run(cfg: Path, home: Path) -> dict:
    """One `taskspace run --config CFG --json` in a fresh process, as a user's shell starts it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update({"PREFECT_HOME": str(home), "PYTHONPATH": str(REPO), "HF_HUB_OFFLINE": "1"})
    cmd = [sys.executable, "-c",
           "import resource, sys; from flows.cli import app\n"
           "try:\n    app()\nfinally:\n"
           "    sys.stderr.write('MAXRSS=%d\\n' % resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)",
           "run", "--config", str(cfg), "--json"]
    load0, t0 = os.getloadavg()[0], time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, env=env)
    wall = time.perf_counter() - t0
    up = re.search(r"up in ([\d.]+) s", proc.stderr)
    out = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else {}
    return {"rc": proc.returncode, "wall_s": round(wall, 1), "prefect_up_s": float(up.group(1)) if up else None,
            "first_start": "first start of Prefect" in proc.stderr,
            "peak_rss_mib": round(int(proc.stderr.rsplit("MAXRSS=", 1)[1].split()[0]) / 1024)
            if "MAXRSS=" in proc.stderr else None,
            "tracebacks": proc.stderr.count("Traceback"), "stderr_lines": len(proc.stderr.splitlines()),
            "load_1min_before": round(load0, 2), "load_1min_after": round(os.getloadavg()[0], 2),
            **{k: out.get(k) for k in ("rows_new", "embedded", "operators_refit", "evaluated", "published")},
            "error": None if proc.returncode == 0 else proc.stderr[-2000:]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--keep", default=None, help="Folder for the warehouse, outputs and PREFECT_HOME (default: temp).")
    args = ap.parse_args()
    base = Path(args.keep or tempfile.mkdtemp(prefix="taskspace-first-run-"))
    base.mkdir(parents=True, exist_ok=True)
    home = base / "prefect-home"          # does not exist yet: a fresh machine
    cfg = config(base, Path(args.data).resolve())
    print(f"cores {os.cpu_count()}, folder {base}")
    for name in ("first run (fresh PREFECT_HOME)", "second run"):
        r = run(cfg, home)
        print(f"{name}: " + json.dumps(r))
        if r["rc"] != 0:
            raise SystemExit(1)


if __name__ == "__main__":
    main()
