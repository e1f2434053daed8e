"""The main job end to end: `taskspace run --config` on local sources ingests, refreshes, evaluates and publishes;
a second run finds no new data and refits nothing; a dead live source fails with a hint while the rest runs."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from conftest import FIXTURES, REPO, SHARED_DATA

pytestmark = pytest.mark.shared_data

CONFIG = """db = "w.duckdb"
out = "pub"
evaluate_split = "id"

[operators]
lam = 1.0
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

[[sources]]
name = "leaderboard"
kind = "releases"
format = "open-llm-leaderboard"
location = "{leaderboard}"
"""


def run_main(config, *extra: str) -> tuple[int, dict]:
    """`taskspace run --config CONFIG --json` in a fresh process (exit code, its JSON)."""
    proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "run", "--config", str(config),
                           "--json", *extra], capture_output=True, text=True, cwd=REPO, timeout=1200)
    assert proc.stdout.strip(), proc.stderr[-3000:]
    return proc.returncode, json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory) -> dict:
    """A config of local sources (real MMLU-Pro and RouterBench subsets, recorded Hub and leaderboard files), run
    twice with the README's main command."""
    from selection_warehouse import mmlu_subset, routerbench_subset, shared_or_skip
    shared = shared_or_skip()
    base = tmp_path_factory.mktemp("pipeline")
    cfg = base / "taskspace.toml"
    cfg.write_text(CONFIG.format(mmlu=mmlu_subset(shared, base / "mmlu"),
                                 routerbench=routerbench_subset(shared, base / "routerbench"),
                                 hub=FIXTURES / "hub" / "models_listing.json",
                                 leaderboard=FIXTURES / "open_llm_leaderboard" / "leaderboard_excerpt.csv"))
    first, second = run_main(cfg), run_main(cfg)
    return {"base": base, "first": first, "second": second}


def test_first_run_ingests_refreshes_evaluates_and_publishes(two_runs):
    rc, out = two_runs["first"]
    assert rc == 0, out
    steps = out["steps"]
    assert all(s["status"] == "completed" for s in steps.values()), steps
    assert out["rows_new"] == steps["ingest mmlu-pro"]["rows_new"] + steps["ingest routerbench"]["rows_new"] > 0
    assert out["embedded"] > 0 and out["operators_refit"] == 6 + 11 and out["evaluated"] and out["published"]
    evaluated = sorted(k for k in steps if k.startswith("evaluate "))
    assert len(evaluated) >= 2 and "evaluate mmlu-pro" in evaluated   # one run per benchmark (pool of models)
    mmlu = steps["evaluate mmlu-pro"]
    assert mmlu["n_models"] == 6 and mmlu["n_prompts"] == 14 * 15 and 0 < mmlu["routing_accuracy"] <= 1
    pub = two_runs["base"] / "pub"
    assert (pub / "report.html").is_file() and (pub / "tables" / "selection_by_task.parquet").is_file()
    assert steps["ingest hub"]["new"] > 0 and steps["ingest leaderboard"]["new"] > 0


def test_second_run_finds_no_new_data_and_refits_nothing(two_runs):
    rc, out = two_runs["second"]
    assert rc == 0, out
    assert (out["rows_new"], out["rows_updated"], out["embedded"], out["operators_refit"]) == (0, 0, 0, 0)
    assert not out["evaluated"] and not out["published"]
    from warehouse import connect
    with connect(two_runs["base"] / "w.duckdb", read_only=True) as con:
        runs = con.execute("SELECT status, rows_new, operators_refit, evaluated, published FROM pipeline_runs "
                           "ORDER BY run_id").fetchall()
        n_runs = con.execute("SELECT count(DISTINCT run_id) FROM evaluations").fetchall()[0][0]
    first = two_runs["first"][1]
    assert runs == [("completed", first["rows_new"], 17, True, True), ("completed", 0, 0, False, False)]
    assert n_runs == sum(k.startswith("evaluate ") for k in first["steps"])


def test_a_dead_live_source_fails_with_a_mirror_hint_and_the_rest_still_runs(tmp_path, prefect_harness, monkeypatch):
    import socket

    import flows.ingest_releases as releases
    from flows.pipeline import pipeline
    # the task-level retries (10 s, 60 s) are for flaky networks; the HTTP-level retries still run
    monkeypatch.setattr(releases, "fetch_task", releases.fetch_task.with_options(retries=0))
    with socket.socket() as s:   # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    url = f"http://127.0.0.1:{port}/api/models"
    cfg = tmp_path / "taskspace.toml"
    cfg.write_text(f'db = "w.duckdb"\nout = "pub"\n\n[[sources]]\nname = "hub-live"\nkind = "releases"\n'
                   f'format = "hub-api"\nlocation = "{url}"\n\n[[sources]]\nname = "leaderboard"\n'
                   f'kind = "releases"\nformat = "open-llm-leaderboard"\n'
                   f'location = "{FIXTURES / "open_llm_leaderboard" / "leaderboard_excerpt.csv"}"\n')
    state = pipeline(config=str(cfg), return_state=True)
    assert state.is_failed()
    out = state.result(raise_on_failure=False)
    if not isinstance(out, dict):   # Failed(data=summary) keeps the counts
        out = state.data
    dead, ok = out["steps"]["ingest hub-live"], out["steps"]["ingest leaderboard"]
    assert dead["status"] == "failed" and url in dead["error"] and "local path" in dead["error"]
    assert ok["status"] == "completed" and ok["new"] > 0
    from warehouse import connect
    with connect(tmp_path / "w.duckdb", read_only=True) as con:
        row = con.execute("SELECT status, error FROM pipeline_runs").fetchall()
    assert row[0][0] == "failed" and "hub-live" in row[0][1]


def test_backfill_reingests_a_source_updates_changed_rows_and_refits_once(two_runs):
    """One RouterBench file changed in place (gpt-4's labels flipped on 10 prompts): `taskspace backfill --source`
    re-reads every file of that source, duplicates nothing, updates the 10 rows and refits only gpt-4's operator."""
    import csv
    from datetime import date, timedelta

    from warehouse import connect
    base, cfg = two_runs["base"], two_runs["base"] / "taskspace.toml"
    path = base / "routerbench" / "mbpp_test.csv"
    rows = list(csv.reader(open(path, newline="")))
    col = rows[0].index("gpt-4-1106-preview")
    for r in rows[1:11]:
        r[col] = "0.0" if float(r[col]) >= 0.5 else "1.0"
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    db = base / "w.duckdb"
    with connect(db, read_only=True) as con:
        n_before = con.execute("SELECT count(*) FROM results").fetchall()[0][0]

    def backfill(*args: str) -> dict:
        proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "backfill", "--config",
                               str(cfg), "--json", *args], capture_output=True, text=True, cwd=REPO, timeout=900)
        assert proc.returncode == 0, proc.stderr[-3000:]
        return json.loads(proc.stdout.strip().splitlines()[-1])

    future = (date.today() + timedelta(days=2)).isoformat()
    none = backfill("--source", "routerbench", "--from", future)   # no input dated in the range: nothing re-read
    assert (none["rows_new"], none["rows_updated"], none["operators_refit"]) == (0, 0, 0)
    out = backfill("--source", "routerbench", "--to", future)
    # gpt-4's results changed: its operators are refit, and the pool's other defaults follow the moved prior
    assert (out["rows_new"], out["rows_updated"], out["operators_refit"]) == (0, 10, 11)
    assert (out["steps"]["routerbench"]["files"], out["steps"]["routerbench"]["failed"]) == (6, 0)
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM results").fetchall()[0][0] == n_before
        kinds = con.execute("SELECT kind, status FROM pipeline_runs ORDER BY run_id").fetchall()
        refit = con.execute("SELECT model_id FROM operators WHERE watermark = (SELECT max(watermark) FROM operators) "
                            "GROUP BY 1").fetchall()
    assert kinds[-2:] == [("backfill", "completed"), ("backfill", "completed")]
    assert refit == [("gpt-4-1106-preview",)]
