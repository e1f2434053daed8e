"""`taskspace sql` is read-only in fact: file, network, extension and settings access refused with a reason,
the warehouse byte-identical after every refused statement, long statements cancelled."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys

import duckdb
import pytest

from conftest import FIXTURES, REPO
from warehouse.console import SAFE_CONFIG, Refused, execute
from warehouse.db import connect

SECRET = "hf_SqlConsoleMustNotSeeThis"
REFUSED = {
    "copy-over-warehouse": ("COPY (SELECT 'gone' AS x) TO '{db}' (FORMAT csv)", "COPY"),
    "copy-table-out": ("COPY results TO '{tmp}/out.csv'", "COPY"),
    "copy-in": ("COPY results FROM '/etc/passwd'", "COPY"),
    "export": ("EXPORT DATABASE '{tmp}/dump'", "EXPORT"),
    "attach-rw": ("ATTACH '{tmp}/other.duckdb' (READ_WRITE)", "ATTACH"),
    "attach-self": ("ATTACH '{db}' AS again", "ATTACH"),
    "detach": ("DETACH w", "DETACH"),
    "install": ("INSTALL httpfs", "INSTALL and LOAD"),
    "load": ("LOAD json", "INSTALL and LOAD"),
    "set": ("SET enable_external_access = true", "configuration is locked"),
    "set-threads": ("SET threads = 1", "configuration is locked"),
    "reset": ("RESET lock_configuration", "configuration is locked"),
    "use": ("USE memory", "configuration is locked"),
    "pragma": ("PRAGMA version", "PRAGMA"),
    "call": ("CALL pragma_version()", "CALL"),
    "checkpoint": ("CHECKPOINT", "CALL"),
    "delete": ("DELETE FROM results", "DELETE statements change the warehouse"),
    "drop": ("DROP TABLE results", "DROP"),
    "create-secret": ("CREATE SECRET s (TYPE s3, KEY_ID 'k', SECRET 'v')", "CREATE"),
    "read-csv": ("SELECT * FROM read_csv('/etc/passwd')", "read_csv()"),
    "read-text-environ": ("SELECT * FROM read_text('/proc/self/environ')", "read_text()"),
    "read-blob-warehouse": ("SELECT * FROM read_blob('{db}')", "read_blob()"),
    "glob-root": ("SELECT * FROM glob('/root/*')", "glob()"),
    "parquet": ("SELECT * FROM read_parquet('{tmp}/*.parquet')", "read_parquet()"),
    "json": ("SELECT * FROM read_json_auto('/etc/hostname')", "read_json_auto()"),
    "sniff": ("SELECT * FROM sniff_csv('/etc/passwd')", "sniff_csv()"),
    "replacement-scan": ("SELECT * FROM '/etc/passwd'", "names a file"),
    "replacement-scan-warehouse": ("SELECT * FROM '{db}'", "names a file"),
    "query-function": ("SELECT * FROM query('SELECT 42')", "query()"),
    "nested-subquery": ("SELECT (SELECT count(*) FROM glob('/*')) AS n", "glob()"),
    "in-cte": ("WITH x AS (SELECT * FROM read_text('/etc/hostname')) SELECT * FROM x", "read_text()"),
    "describe-file": ("DESCRIBE SELECT * FROM '/etc/passwd'", "names a file"),
    "explain-file": ("EXPLAIN SELECT * FROM read_csv('/etc/passwd')", "read_csv()"),
    "second-statement": ("SELECT 1; COPY results TO '{tmp}/x.csv'", "COPY"),
    "pivot": ("PIVOT results ON correct USING count(*)", "several statements"),
}


@pytest.fixture(scope="module")
def warehouse_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sql") / "w.duckdb"
    from tasks.ingest import expand_sources, ingest_item
    with connect(path) as con:
        items, _ = expand_sources("routerbench", [str(FIXTURES / "routerbench")])
        assert all(ingest_item(con, "routerbench", it).status == "ok" for it in items)
    return path


def digest(path) -> str:
    return hashlib.sha256(open(path, "rb").read()).hexdigest()


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_statement_is_refused_with_its_reason_and_the_warehouse_is_intact(name, warehouse_file, tmp_path):
    sql, reason = REFUSED[name]
    before = digest(warehouse_file)
    with pytest.raises(Refused) as ei:
        execute(str(warehouse_file), sql.format(db=warehouse_file, tmp=tmp_path))
    assert str(ei.value).startswith("refused: ") and reason in str(ei.value), str(ei.value)
    assert digest(warehouse_file) == before and list(tmp_path.iterdir()) == []


def test_queries_of_the_warehouse_still_work(warehouse_file):
    assert execute(str(warehouse_file), "SELECT count(*) AS n FROM results") == (["n"], [(7,)])
    cols, rows = execute(str(warehouse_file), "SHOW TABLES")
    assert "results" in {r[0] for r in rows}
    assert execute(str(warehouse_file), "SELECT sum(x) FROM range(10) t(x)")[1] == [(45,)]
    assert execute(str(warehouse_file), "DESCRIBE results")[1][0][0] == "model_id"
    assert execute(str(warehouse_file), "EXPLAIN SELECT * FROM models")[0][0] == "explain_key"


def test_the_connection_itself_has_no_external_access(warehouse_file, tmp_path):
    """Below the statement check: the console's DuckDB connection refuses files, settings and extensions."""
    con = connect(str(warehouse_file), read_only=True, config=SAFE_CONFIG)
    try:
        for sql in ("SELECT * FROM read_csv('/etc/passwd')", f"COPY results TO '{tmp_path}/x.csv'",
                    f"ATTACH '{tmp_path}/y.duckdb'", "INSTALL httpfs"):
            with pytest.raises(duckdb.PermissionException):
                con.execute(sql)
        with pytest.raises(duckdb.InvalidInputException, match="locked"):
            con.execute("SET enable_external_access = true")
    finally:
        con.close()
    assert list(tmp_path.iterdir()) == []


def test_a_long_statement_is_cancelled_after_the_timeout(warehouse_file):
    with pytest.raises(TimeoutError, match="cancelled after 0.5 s"):
        execute(str(warehouse_file), "SELECT count(*) FROM range(1000000000000) a", timeout=0.5)


def test_cli_refuses_clearly_and_keeps_the_token_out(warehouse_file):
    env = {**os.environ, "TASKSPACE_HUB_TOKEN": SECRET}
    run = [sys.executable, "-c", "from flows.cli import app; app()", "--db", str(warehouse_file), "sql"]
    before = digest(warehouse_file)
    proc = subprocess.run(run + [f"COPY (SELECT 'gone' AS x) TO '{warehouse_file}' (FORMAT csv)"], env=env,
                          capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and "refused" in proc.stderr and "duckdb CLI" in proc.stderr
    proc = subprocess.run(run + ["SELECT * FROM read_text('/proc/self/environ')"], env=env, capture_output=True,
                          text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 2 and SECRET not in proc.stdout + proc.stderr
    assert digest(warehouse_file) == before
    proc = subprocess.run(run + ["SELECT count(*) AS n FROM results", "--json"], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert json.loads(proc.stdout)["rows"] == [{"n": 7}]
    helptext = subprocess.run(run + ["--help"], capture_output=True, text=True, cwd=REPO, timeout=120).stdout
    assert "read-only" in helptext and "--timeout" in helptext and "duckdb" in helptext
