"""Concurrent `taskspace run`s on one machine (one PREFECT_HOME): a second run of the same warehouse that cannot wait
fails at once with a one-line message and a failed pipeline_runs row; a run of another warehouse queues for
Prefect's database and completes after the first; no Prefect noise in any of them."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest

from user_process import run_rows, servers_of, small_config, start, subsets, user_env, wait_for

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def finished(proc, log: Path, timeout: float = 900) -> tuple[int, str, str]:
    """(exit code, stdout, stderr) of a background run."""
    proc.wait(timeout)
    return proc.returncode, Path(f"{log}.out").read_text(), Path(f"{log}.err").read_text()


def test_concurrent_runs_queue_or_fail_clearly(tmp_path):
    data = subsets(tmp_path / "data")
    home = tmp_path / "prefect-home"
    one = small_config(tmp_path / "one", data)
    other = small_config(tmp_path / "other", data)
    a = start(["run", "--config", one, "--json"], user_env(home), tmp_path / "a")
    wait_for(tmp_path / "a", "Prefect API", a)
    b = start(["run", "--config", one, "--json"], user_env(home, TASKSPACE_LOCK_TIMEOUT="1"), tmp_path / "b")
    c = start(["run", "--config", other, "--json"], user_env(home), tmp_path / "c")

    rc_b, out_b, err_b = finished(b, tmp_path / "b", 120)
    lines = err_b.strip().splitlines()
    assert rc_b == 1 and out_b == "" and len(lines) <= 2, err_b   # at most "waiting for ...", then the error
    assert re.fullmatch(r"error: warehouse \S+/one/w\.duckdb is busy: taskspace pipeline run 1 \(pid \d+, since "
                        r"\S+\) is still running after 1 s of waiting \(set TASKSPACE_LOCK_TIMEOUT to wait longer\)",
                        lines[-1]), err_b
    wait_for(tmp_path / "c", "waiting for a taskspace command's temporary Prefect server", c, 120)
    assert c.poll() is None                                      # C queues while A's server runs

    rc_a, out_a, err_a = finished(a, tmp_path / "a")
    t_a = time.monotonic()
    rc_c, out_c, err_c = finished(c, tmp_path / "c")
    assert rc_a == 0 and rc_c == 0, (err_a[-3000:], err_c[-3000:])
    assert time.monotonic() - t_a > 5                            # C ran after A, not beside it
    for err in (err_a, err_b, err_c):
        assert "Traceback" not in err and "database is locked" not in err and "Timed out" not in err, err[-3000:]
    assert json.loads(out_a.splitlines()[-1])["published"] and json.loads(out_c.splitlines()[-1])["published"]

    rows = run_rows(tmp_path / "one" / "w.duckdb")
    assert [r[:3] for r in rows] == [(1, "pipeline", "completed"), (2, "pipeline", "failed")]
    assert "is busy: taskspace pipeline run 1" in rows[1][3]
    assert run_rows(tmp_path / "other" / "w.duckdb") == [(1, "pipeline", "completed", None)]
    assert servers_of(home) == []
