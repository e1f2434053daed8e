"""`taskspace serve` serves: it starts one Prefect API, prints the PREFECT_API_URL to export, and every run of its
deployments uses that API and the config's settings: cron deployments get scheduled runs, a run triggered by an
event of its warehouse (not of another one), the publication its refit triggers, and a run started by hand with `prefect deployment run` complete;
Ctrl-C stops it within seconds and leaves nothing running."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import uuid
from datetime import datetime, timezone

import duckdb
import httpx
import pytest

from conftest import FIXTURES, REPO
from user_process import CLI, descendants, servers_of, start, survivors, user_env, wait_for

pytestmark = pytest.mark.slow


def runs_of(api: str, deployment: str) -> list[dict]:
    """Flow runs of DEPLOYMENT (name), oldest first, read through the REST API."""
    deps = httpx.post(f"{api}/deployments/filter", json={"deployments": {"name": {"any_": [deployment]}}}).json()
    return sorted(httpx.post(f"{api}/flow_runs/filter", json={"deployments": {"id": {"any_": [deps[0]["id"]]}}})
                  .json(), key=lambda r: r["created"])


def wait_runs(api: str, deployment: str, n: int, timeout: float = 240) -> list[dict]:
    """Wait until N runs of DEPLOYMENT are in a final state; those runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        runs = runs_of(api, deployment)
        if len(runs) >= n and all(r["state_type"] in ("COMPLETED", "FAILED", "CRASHED", "CANCELLED") for r in runs):
            return runs
        time.sleep(1)
    raise AssertionError(f"{deployment}: {[(r['name'], r['state_type']) for r in runs_of(api, deployment)]}")


def emit(api: str, event: str, db: str) -> None:
    """Post a taskspace change event for warehouse DB, as the ingest flows emit it."""
    from tasks.events import warehouse_resource
    body = [{"id": str(uuid.uuid4()), "occurred": datetime.now(timezone.utc).isoformat(), "event": event,
             "resource": warehouse_resource(db), "payload": {"rows_new": 7}}]
    assert httpx.post(f"{api}/events", json=body).status_code == 204


def test_serve_runs_deployments_on_its_api_with_the_config(tmp_path):
    home, db = tmp_path / "prefect-home", tmp_path / "w.duckdb"
    env = user_env(home)
    ingest = subprocess.run(CLI + ["--db", str(db), "ingest", "results", "--format", "routerbench",
                                   str(FIXTURES / "routerbench")], cwd=REPO, env=env, capture_output=True, text=True)
    assert ingest.returncode == 0, ingest.stderr
    cfg = tmp_path / "taskspace.toml"
    cfg.write_text('db = "w.duckdb"\nout = "pub"\n\n[operators]\nlam = 2.5\neps = 0.1\n')
    from tasks.prefect_server import free_port
    serve = start(["serve", "--config", cfg, "--port", free_port()], env, tmp_path / "serve", new_session=True)
    try:
        line = wait_for(tmp_path / "serve", "export PREFECT_API_URL=", serve, 180, stream="out")
        api = line.split("=", 1)[1].strip()
        wait_for(tmp_path / "serve", "serving 6 deployments", serve, 60, stream="out")
        time.sleep(3)   # the runner registers the deployments and their triggers
        emit(api, "taskspace.results.changed", str(tmp_path / "elsewhere.duckdb"))   # another warehouse: no run
        emit(api, "taskspace.results.changed", str(db))
        (by_event,) = wait_runs(api, "refresh-operators", 1)
        assert by_event["state_type"] == "COMPLETED", by_event["state"]
        with duckdb.connect(str(db), read_only=True) as con:   # the config's lambda, not the flow's default 1.0
            assert con.execute("SELECT DISTINCT lam FROM operators WHERE method = 'paper'").fetchall() == [(2.5,)]
        deadline = time.monotonic() + 90   # the scheduler plans the cron deployments' next runs
        while not any(r["state_type"] == "SCHEDULED" for r in runs_of(api, "ingest-results-hourly")):
            assert time.monotonic() < deadline, "no scheduled run of ingest-results-hourly (see taskspace-server.log)"
            time.sleep(1)
        (published,) = wait_runs(api, "publish-selection", 1)   # the refit's event chained the publication
        assert published["state_type"] == "COMPLETED", published["state"]
        assert (tmp_path / "pub" / "report.html").is_file()      # to the config's out

        by_hand = subprocess.run([sys.executable, "-m", "prefect", "deployment", "run",
                                  "refresh_operators/refresh-operators"], env={**env, "PREFECT_API_URL": api},
                                 capture_output=True, text=True, timeout=120, cwd=tmp_path)
        assert by_hand.returncode == 0, by_hand.stdout + by_hand.stderr
        runs = wait_runs(api, "refresh-operators", 2)
        assert [r["state_type"] for r in runs] == ["COMPLETED", "COMPLETED"], [r["state"] for r in runs]
        assert all(r["parameters"]["config"] == str(cfg) and r["parameters"]["db"] == str(db) for r in runs)

        publish = subprocess.run(CLI + ["--db", str(db), "publish", "--out", str(tmp_path / "pub2"), "--json"],
                                 cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
        assert publish.returncode == 0, publish.stderr[-3000:]   # a command run meanwhile uses serve's API too
        assert f"Prefect API {api} (the one of taskspace serve)" in publish.stderr, publish.stderr[-3000:]
        flows = httpx.post(f"{api}/flow_runs/filter", json={"flows": {"name": {"any_": ["publish_selection"]}}}).json()
        assert len(flows) == 2
        err = open(f"{tmp_path / 'serve'}.err").read()
        assert "Traceback" not in err and "temporary server" not in err, err[-3000:]
    finally:
        children = descendants(serve.pid)
        t0 = time.monotonic()
        os.killpg(serve.pid, signal.SIGINT)   # Ctrl-C in its terminal
        serve.wait(60)
    assert time.monotonic() - t0 < 15
    assert survivors(children) == [] and servers_of(home) == []
