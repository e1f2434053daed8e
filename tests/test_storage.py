"""The warehouse opens in the duckdb CLI users install (duckdb-cli 1.5.6 from PyPI, as .ci/install does): new
warehouses are written in a format it reads, and a warehouse in DuckDB 2.0's own format is rewritten by
`taskspace storage --convert` (the project opens both)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from conftest import FIXTURES, REPO


def duckdb_cli() -> str:
    """The duckdb CLI: $TASKSPACE_DUCKDB_CLI, the one next to this Python (.ci/install), or on PATH."""
    found = (os.environ.get("TASKSPACE_DUCKDB_CLI") or shutil.which("duckdb", path=str(Path(sys.executable).parent))
             or shutil.which("duckdb"))
    if not found:
        pytest.skip("duckdb CLI not installed (bash .ci/install installs duckdb-cli==1.5.6)")
    return found


def cli_query(db: str, sql: str) -> subprocess.CompletedProcess:
    """SQL run by the duckdb CLI on DB, read-only, as CSV."""
    return subprocess.run([duckdb_cli(), "-readonly", "-csv", db, "-c", sql], capture_output=True, text=True,
                          timeout=60)


def taskspace(db: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", db, *args],
                          capture_output=True, text=True,
                          cwd=REPO, timeout=120)


def test_the_cli_is_the_one_users_install():
    out = subprocess.run([duckdb_cli(), "--version"], capture_output=True, text=True, timeout=30).stdout
    assert out.startswith("v1.5."), out


def test_a_warehouse_written_by_the_project_opens_in_the_duckdb_cli(db_path):
    proc = taskspace(db_path, "ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"), "--json")
    assert proc.returncode == 0, proc.stderr
    res = cli_query(db_path, "SELECT model_id, count(*) AS n FROM results GROUP BY 1 ORDER BY 1")
    assert res.returncode == 0, res.stderr
    assert res.stdout.splitlines() == ["model_id,n", "gpt-4-1106-preview,4", "mistralai/mistral-7b-chat,3"]
    info = json.loads(taskspace(db_path, "storage", "--json").stdout)
    assert info["storage_version"] == "v1.4.0+" and info["duckdb_cli_reads"]


def test_a_warehouse_in_duckdb_2_format_is_converted_and_still_opens(tmp_path):
    db = str(tmp_path / "old.duckdb")
    duckdb.connect(db, config={"storage_compatibility_version": "latest"}).close()   # as the project wrote before
    proc = taskspace(db, "ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"))
    assert proc.returncode == 0, proc.stderr                                        # the project opens it as it is
    refused = cli_query(db, "SELECT count(*) FROM results")
    assert refused.returncode != 0 and "version" in refused.stderr.lower()
    info = json.loads(taskspace(db, "storage", "--json").stdout)
    assert info["storage_version"] == "v2.0.0+" and not info["duckdb_cli_reads"]

    conv = taskspace(db, "storage", "--convert", "--json")
    assert conv.returncode == 0, conv.stderr
    out = json.loads(conv.stdout)
    assert out["converted"]["from"] == "v2.0.0+" and out["storage_version"] == "v1.4.0+"
    assert Path(out["converted"]["backup"]).is_file()
    assert cli_query(db, "SELECT count(*) AS n FROM results").stdout.splitlines() == ["n", "7"]
    again = taskspace(db, "ingest", "results", "--format", "routerbench", str(FIXTURES / "routerbench"), "--json")
    assert again.returncode == 0 and json.loads(again.stdout)["skipped"] == 1   # the loads log came along
    (tmp_path / "rb2").mkdir()
    (tmp_path / "rb2" / "more.csv").write_text((FIXTURES / "routerbench" / "routerbench_excerpt.csv").read_text()
                                               .replace("gpt-4-1106-preview", "gpt-4o"))
    assert taskspace(db, "ingest", "results", "--format", "routerbench", str(tmp_path / "rb2")).returncode == 0
    loads = cli_query(db, "SELECT count(*) AS n, count(DISTINCT load_id) AS ids FROM loads").stdout.splitlines()
    assert loads[1].split(",")[0] == loads[1].split(",")[1]   # the sequences came along: no load_id repeats
