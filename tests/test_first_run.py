"""The README's main command on a fresh machine: an empty PREFECT_HOME, no test harness, a new process; the first
start of Prefect (creating its database) succeeds, the output carries no Prefect tracebacks, nothing is left
running, and the warehouse it wrote opens in the duckdb CLI."""
from __future__ import annotations

import json
import subprocess

import pytest

from test_storage import cli_query
from user_process import CLI, REPO, run_rows, servers_of, small_config, subsets, user_env

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


@pytest.fixture(scope="module")
def first_run(tmp_path_factory) -> dict:
    """`taskspace run --config taskspace.toml --json` once, with a PREFECT_HOME that does not exist yet."""
    base = tmp_path_factory.mktemp("first-run")
    cfg = small_config(base, subsets(base))
    home = base / "prefect-home"
    proc = subprocess.run(CLI + ["run", "--config", str(cfg), "--json"], cwd=REPO, env=user_env(home),
                          capture_output=True, text=True, timeout=1200)
    return {"base": base, "home": home, "proc": proc}


def test_the_first_run_succeeds_and_prefect_stays_quiet(first_run):
    proc = first_run["proc"]
    assert proc.returncode == 0, proc.stderr[-4000:]
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert all(s["status"] == "completed" for s in out["steps"].values()), out["steps"]
    assert out["rows_new"] > 0 and out["operators_refit"] == 17 and out["published"]
    assert "first start of Prefect" in proc.stderr and "temporary server" in proc.stderr
    for noise in ("Traceback", "database is locked", "telemetry", "Error logging to API", "Timed out"):
        assert noise not in proc.stderr, proc.stderr[-4000:]
    assert (first_run["home"] / "prefect.db").is_file()
    assert run_rows(first_run["base"] / "w.duckdb") == [(1, "pipeline", "completed", None)]
    assert servers_of(first_run["home"]) == []


def test_the_warehouse_it_wrote_opens_in_the_duckdb_cli(first_run):
    assert first_run["proc"].returncode == 0
    res = cli_query(str(first_run["base"] / "w.duckdb"),
                    "SELECT count(DISTINCT model_id) AS models, count(*) > 0 AS ranked FROM selection_by_task")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["models,ranked", "17,true"]


def test_a_server_that_does_not_come_up_is_a_clear_error_and_a_closed_row(tmp_path):
    cfg = small_config(tmp_path, {"mmlu": tmp_path / "none", "routerbench": tmp_path / "none"})
    home = tmp_path / "prefect-home"
    proc = subprocess.run(CLI + ["run", "--config", str(cfg)], cwd=REPO, capture_output=True, text=True, timeout=300,
                          env=user_env(home, PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS="1"))
    assert proc.returncode == 1 and proc.stdout == "", proc.stderr
    assert "error: Prefect's local server" in proc.stderr and "did not answer within 1 s" in proc.stderr
    assert "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS" in proc.stderr and "Traceback" not in proc.stderr
    (row,) = run_rows(tmp_path / "w.duckdb")
    assert row[2] == "failed" and "did not answer within 1 s" in row[3]
    assert servers_of(home) == []
