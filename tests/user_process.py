"""`taskspace` started the way a user starts it, for the process tests: a fresh PREFECT_HOME and no test harness,
the small real subset config, its stderr in a file, and the processes it leaves behind."""
from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil

from conftest import FIXTURES, REPO

CONFIG = """db = "{db}"
out = "{out}"
evaluate_split = "id"

[operators]
lam = {lam}
eps = 0.1

[[sources]]
name = "mmlu-pro"
kind = "results"
format = "mmlu-pro"
location = "{mmlu}"

[[sources]]
name = "routerbench"
kind = "results"
format = "routerbench"
location = "{routerbench}"

[[sources]]
name = "hub"
kind = "releases"
format = "hub-api"
location = "{hub}"
"""
CLI = [sys.executable, "-c", "from flows.cli import app; app()"]


def subsets(base: Path) -> dict[str, Path]:
    """The real MMLU-Pro and RouterBench subsets of tests/selection_warehouse.py, built once under BASE."""
    from selection_warehouse import mmlu_subset, routerbench_subset, shared_or_skip
    shared = shared_or_skip()
    if not (base / "routerbench").is_dir():
        mmlu_subset(shared, base / "mmlu")
        routerbench_subset(shared, base / "routerbench")
    return {"mmlu": base / "mmlu", "routerbench": base / "routerbench"}


def small_config(base: Path, data: dict[str, Path], db: str = "w.duckdb", lam: float = 1.0) -> Path:
    """A taskspace.toml in BASE over the subsets in DATA (and the recorded Hub listing)."""
    base.mkdir(parents=True, exist_ok=True)
    cfg = base / "taskspace.toml"
    cfg.write_text(CONFIG.format(db=db, out="pub", lam=lam, hub=FIXTURES / "hub" / "models_listing.json", **data))
    return cfg


def user_env(prefect_home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user's shell: PREFECT_HOME (maybe not created yet), no PREFECT_API_URL, no harness."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    env.update({"PREFECT_HOME": str(prefect_home), "PYTHONPATH": path, "HF_HUB_OFFLINE": "1",
                "TRANSFORMERS_OFFLINE": "1", **extra})
    return env


def start(args: list[str], env: dict, log: Path, new_session: bool = False) -> subprocess.Popen:
    """`taskspace ARGS` in the background, stdout to LOG.out and stderr to LOG.err."""
    return subprocess.Popen(CLI + [str(a) for a in args], cwd=REPO, env=env, stdin=subprocess.DEVNULL,
                            stdout=open(f"{log}.out", "w"), stderr=open(f"{log}.err", "w"),
                            start_new_session=new_session)


def wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float = 300, stream: str = "err") -> str:
    """The first line of LOG.<STREAM> with TEXT, once it is there (AssertionError with the stderr log if PROC exits or
    TIMEOUT passes first)."""
    deadline = time.monotonic() + timeout
    err, watched = Path(f"{log}.err"), Path(f"{log}.{stream}")
    while time.monotonic() < deadline:
        hit = [ln for ln in watched.read_text(errors="replace").splitlines() if text in ln]
        if hit:
            return hit[0]
        assert proc.poll() is None, f"exited {proc.returncode} before {text!r}:\n{err.read_text()[-3000:]}"
        time.sleep(0.2)
    raise AssertionError(f"no {text!r} within {timeout} s:\n{err.read_text()[-3000:]}")


def descendants(pid: int) -> list[psutil.Process]:
    """Every process below PID now."""
    return psutil.Process(pid).children(recursive=True)


def survivors(procs: list[psutil.Process], within: float = 10) -> list[str]:
    """Those of PROCS still running after WITHIN seconds (their command lines)."""
    deadline = time.monotonic() + within
    while True:
        left = []
        for p in procs:
            try:
                if p.is_running() and p.status() != psutil.STATUS_ZOMBIE:
                    left.append(" ".join(p.cmdline())[:200])
            except psutil.NoSuchProcess:
                pass
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)


def servers_of(prefect_home: Path) -> list[psutil.Process]:
    """Prefect server processes running on PREFECT_HOME."""
    out = []
    for p in psutil.process_iter(["cmdline"]):
        try:
            if "prefect.server.api.server:create_app" in " ".join(p.info["cmdline"] or []) and \
                    p.environ().get("PREFECT_HOME") == str(prefect_home):
                out.append(p)
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            pass
    return out


def run_rows(db: Path) -> list[tuple]:
    """(run_id, kind, status, error) of every pipeline_runs row, read as any DuckDB client would."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT run_id, kind, status, error FROM pipeline_runs ORDER BY run_id").fetchall()
