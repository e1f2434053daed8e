"""The taskspace CLI as users run it: one JSON object with --json, SQL as table/CSV/JSON, clear errors."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys

from conftest import FIXTURES, REPO
from mmlu_fixture import QUESTIONS, make_zip, record


def taskspace(*args, db=None, check=True):
    cmd = [sys.executable, "-m", "flows.cli"] + (["--db", db] if db else []) + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=120)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def test_ingest_json_is_one_object_and_rerun_skips(tmp_path, db_path):
    make_zip(tmp_path / "z", "Model-A", [record(q, "A") for q in QUESTIONS])
    out = json.loads(taskspace("ingest", "results", "--format", "mmlu-pro", str(tmp_path / "z"), "--json",
                               db=db_path).stdout)
    assert out["rows_new"] == 4 and out["warehouse"] == {"models": 1, "prompts": 4, "results": 4}
    again = json.loads(taskspace("ingest", "results", "-f", "mmlu-pro", str(tmp_path / "z"), "--json",
                                 db=db_path).stdout)
    assert again["skipped"] == 1 and again["rows_new"] == 0


def test_failed_input_exits_nonzero_after_loading_the_rest(tmp_path, db_path):
    make_zip(tmp_path, "Model-A", [record(q, "A") for q in QUESTIONS])
    (tmp_path / "model_outputs_Bad_5shots.zip").write_bytes(b"garbage")
    proc = taskspace("ingest", "results", "--format", "mmlu-pro", str(tmp_path), "--json", db=db_path, check=False)
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out["loaded"] == 1 and out["failed"] == 1 and "model_outputs_Bad_5shots.zip" in out["errors"][0]


def test_unknown_format_is_a_usage_error(db_path):
    proc = taskspace("ingest", "results", "--format", "helm", str(FIXTURES), db=db_path, check=False)
    assert proc.returncode == 2 and "unknown results format 'helm'" in proc.stderr


def test_sql_table_csv_json(db_path):
    taskspace("ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"), db=db_path)
    q = "SELECT model_id, count(*) AS n, round(sum(cost_usd), 5) AS cost FROM results GROUP BY 1 ORDER BY 1"
    table = taskspace("sql", q, db=db_path).stdout
    assert table.splitlines()[0].split() == ["model_id", "n", "cost"]
    assert "gpt-4-1106-preview" in table and "(2 rows)" in table
    rows = list(csv.reader(io.StringIO(taskspace("sql", q, "--csv", db=db_path).stdout)))
    assert rows == [["model_id", "n", "cost"], ["gpt-4-1106-preview", "4", "0.01093"],
                    ["mistralai/mistral-7b-chat", "3", "0.00016"]]
    js = json.loads(taskspace("sql", q, "--json", db=db_path).stdout)
    assert js["columns"] == ["model_id", "n", "cost"] and js["rows"][1]["n"] == 3


def test_sql_errors_and_missing_warehouse(tmp_path, db_path):
    proc = taskspace("sql", "SELECT 1", db=str(tmp_path / "absent.duckdb"), check=False)
    assert proc.returncode == 2 and "does not exist" in proc.stderr
    taskspace("ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"), db=db_path)
    proc = taskspace("sql", "SELECT nope FROM results", db=db_path, check=False)
    assert proc.returncode == 2 and "nope" in proc.stderr


def test_sql_cannot_write(db_path):
    taskspace("ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"), db=db_path)
    proc = taskspace("sql", "DELETE FROM results", db=db_path, check=False)
    assert proc.returncode == 2 and "read-only" in proc.stderr.lower()
    assert json.loads(taskspace("sql", "SELECT count(*) AS n FROM results", "--json", db=db_path).stdout)[
        "rows"] == [{"n": 7}]


def test_publish_before_any_refresh_is_one_line_and_starts_no_prefect(db_path):
    taskspace("ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"), db=db_path)
    proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", db_path, "publish"],
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "error: the warehouse has no operators yet: run `taskspace refresh` (after `taskspace ingest results -f "
        "FORMAT PATH` if it has no results)"]


def test_global_db_before_or_after_the_subcommand_and_version(db_path):
    from flows.cli_app import hoist_globals
    assert hoist_globals(["sql", "--db", "W", "SELECT 1", "--csv"]) == ["--db", "W", "sql", "SELECT 1", "--csv"]
    assert hoist_globals(["sql", "--db=W", "SELECT 1"]) == ["--db=W", "sql", "SELECT 1"]
    assert hoist_globals(["sql", "--", "--db", "x"]) == ["sql", "--", "--db", "x"]
    from warehouse import connect
    connect(db_path).close()
    after = subprocess.run([sys.executable, "-m", "flows.cli", "sql", "--db", db_path, "SELECT 41 + 1 AS x", "--csv"],
                           cwd=REPO, capture_output=True, text=True, timeout=120)
    assert after.returncode == 0 and after.stdout.split() == ["x", "42"], after.stderr
    version = subprocess.run([sys.executable, "-m", "flows.cli", "--version"], cwd=REPO, capture_output=True, text=True,
                             timeout=60)
    assert version.returncode == 0 and version.stdout.startswith("taskspace ")


def test_every_help_has_an_example_and_flags_show_no_type():
    import typer.main
    from typer.testing import CliRunner

    from flows.cli import app

    def paths(cmd, path=()):
        yield path
        for name, sub in getattr(cmd, "commands", {}).items():
            yield from paths(sub, (*path, name))
    every = list(paths(typer.main.get_command(app)))
    assert len(every) > 12
    for path in every:
        res = CliRunner().invoke(app, [*path, "--help"], terminal_width=200)
        assert res.exit_code == 0, (path, res.output)
        assert "Examples:" in res.output and "$ taskspace" in res.output, path
        assert "<bool>" not in res.output, path
