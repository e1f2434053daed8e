"""Runs that always end: `taskspace run` stopped mid-run (SIGTERM to it, or Ctrl-C as a terminal sends it: SIGINT
to the whole process group) exits within seconds, closes its pipeline_runs row as cancelled and leaves no process
behind; a run killed outright leaves no server either, and the next run closes its row."""
from __future__ import annotations

import os
import signal
import time

import pytest

from conftest import REPO
from user_process import descendants, run_rows, servers_of, small_config, start, subsets, survivors, user_env, \
    wait_for

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> dict:
    return subsets(tmp_path_factory.mktemp("stop-data"))


def started_run(tmp_path, data, new_session: bool = False):
    """A `taskspace run` on the small config, caught while it embeds (the longest step); (process, log, db, home)."""
    cfg = small_config(tmp_path, data)
    home, log = tmp_path / "prefect-home", tmp_path / "run"
    proc = start(["run", "--config", cfg], user_env(home), log, new_session=new_session)
    wait_for(log, "for flow 'refresh_operators'", proc)
    return proc, log, tmp_path / "w.duckdb", home


@pytest.mark.parametrize("how", ["SIGTERM", "Ctrl-C"])
def test_a_stopped_run_closes_its_row_and_leaves_nothing_running(tmp_path, data, how):
    proc, log, db, home = started_run(tmp_path, data, new_session=how == "Ctrl-C")
    children = descendants(proc.pid)
    assert servers_of(home), "the run's Prefect server should be up"
    t0 = time.monotonic()
    if how == "SIGTERM":
        proc.send_signal(signal.SIGTERM)
    else:
        os.killpg(proc.pid, signal.SIGINT)   # what Ctrl-C in a terminal does: the whole foreground group
    proc.wait(60)
    took = time.monotonic() - t0
    err = open(f"{log}.err").read()
    sig = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
    assert proc.returncode == 128 + sig and took < 15, (proc.returncode, took, err[-3000:])
    assert f"stopped by {sig.name}" in err and "Traceback" not in err and "leaked" not in err, err[-3000:]
    assert run_rows(db) == [(1, "pipeline", "cancelled", f"stopped by {sig.name}")]
    assert survivors(children) == [] and servers_of(home) == []


def test_a_killed_run_leaves_no_server_and_the_next_run_closes_its_row(tmp_path, data):
    proc, log, db, home = started_run(tmp_path, data)
    children = descendants(proc.pid)
    proc.kill()
    proc.wait(30)
    assert survivors(children) == [] and servers_of(home) == []   # the server ends with its parent, even on SIGKILL
    assert run_rows(db)[0][2] == "running"                        # nobody could close it...
    from warehouse import connect
    from warehouse.pipeline_runs import close_orphans
    with connect(db) as con:                                      # ...until the next run opens its own row
        assert close_orphans(con) == [1]
    assert run_rows(db) == [(1, "pipeline", "failed",
                             "its process ended without closing the run (killed or out of memory)")]


def test_a_signal_that_lands_inside_a_query_still_stops_as_that_signal(monkeypatch):
    import duckdb

    from tasks import stopping
    assert stopping.stop_reason(duckdb.InterruptException("INTERRUPT Error: Interrupted!"))[0] == "failed"
    monkeypatch.setattr(stopping, "_received", [int(signal.SIGTERM)])
    assert stopping.stop_reason(duckdb.InterruptException("INTERRUPT Error: Interrupted!")) == (
        "cancelled", "stopped by SIGTERM", int(signal.SIGTERM))


def test_a_signal_python_swallows_is_delivered_again(tmp_path):
    """A signal that lands in a __del__ (or a weakref callback, or a C extension's callback) raises a Stopped that
    Python can only print and drop; it is raised again a second later, quietly, where the command can catch it."""
    import subprocess
    import sys
    code = """
import os, signal, sys, time
from tasks.stopping import Stopped, caught, stop_on_signals

class Lands:
    def __del__(self):
        os.kill(os.getpid(), signal.SIGINT)   # the handler runs before __del__ returns: Python drops its Stopped
        for _ in range(10 ** 6):
            pass

with stop_on_signals():
    t0 = time.monotonic()
    try:
        Lands()
        while time.monotonic() - t0 < 6:
            time.sleep(0.01)
        print("not stopped")
    except Stopped as exc:
        caught()
        print(f"stopped after {time.monotonic() - t0:.1f} s: {exc}")
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0 and out.stdout.startswith("stopped after") and "by SIGINT" in out.stdout, out
    assert float(out.stdout.split()[2]) < 3 and "Traceback" not in out.stderr and "Exception ignored" not in out.stderr, out


def test_a_signal_duckdb_turns_into_an_error_still_stops_and_leaves_no_handle_open(tmp_path):
    """DuckDB runs the Python signal handler inside a query and turns its Stopped into RuntimeError('Query
    interrupted'): the connection being opened is closed (a writer can open the file next), and raise_if_stopped
    gives the signal back to the command."""
    import subprocess
    import sys
    code = f"""
import os, signal, threading
import duckdb
import warehouse.db as wdb
import tasks.stopping as stopping
from tasks.stopping import Stopped, caught, raise_if_stopped, stop_on_signals
stopping.REDELIVER_S = 60   # this test is about the first signal; redelivery has its own test above
db = {str(tmp_path / 'w.duckdb')!r}
wdb.connect(db).close()
slow = wdb.pending
def pending(con):   # the schema check, made slow enough for the signal to land inside DuckDB
    threading.Timer(0.3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    con.execute("SELECT count(*) FROM range(1500000000) t(x) WHERE x % 7 = 3").fetchall()
    return slow(con)
wdb.pending = pending
with stop_on_signals():
    try:
        wdb.connect(db, read_only=True)
        print("no error")
    except RuntimeError as exc:
        kept = exc   # as Prefect keeps a failed task's exception, and with it the frames that opened the handle
        print("duckdb:", exc)
    wdb.pending = slow
    wdb.connect(db).close()   # no read-only handle left behind: a write connection opens
    try:
        raise_if_stopped()
        print("not stopped")
    except Stopped as exc:
        caught()
        print("stopped:", exc)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "PYTHONPATH": str(REPO)})
    assert out.returncode == 0, out
    assert out.stdout.splitlines() == ["duckdb: Query interrupted", "stopped: stopped by SIGINT"], out
