"""Two overlapping ingest runs on one warehouse: they take turns on the file, nothing is loaded twice."""
from __future__ import annotations

import json
import subprocess
import sys

import duckdb

from conftest import REPO
from mmlu_fixture import QUESTIONS, make_zip, record


def test_two_runs_at_once_never_double_load(tmp_path, db_path):
    for i in range(6):
        make_zip(tmp_path / "z", f"Model-{i}", [record(q, "ABCD"[i % 4]) for q in QUESTIONS])
    cmd = [sys.executable, "-m", "flows.cli", "--db", db_path, "ingest", "results", "--format", "mmlu-pro",
           str(tmp_path / "z"), "--json"]
    procs = [subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outs]
    counts = [json.loads(o) for o, _ in outs]
    assert sum(c["loaded"] for c in counts) == 6 and sum(c["skipped"] for c in counts) == 6
    con = duckdb.connect(db_path, read_only=True)
    assert con.execute("SELECT count(*), count(DISTINCT uri) FROM loads").fetchall() == [(6, 6)]
    assert con.execute("SELECT count(*) FROM results").fetchall() == [(24,)]


def test_lock_wait_times_out_with_a_clear_message(db_path, monkeypatch):
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({db_path!r}); "
                               "print('ready', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        monkeypatch.setenv("TASKSPACE_LOCK_TIMEOUT", "0.5")
        from warehouse import connect
        import pytest
        with pytest.raises(TimeoutError, match="stayed locked by another process"):
            connect(db_path)
    finally:
        holder.kill()
