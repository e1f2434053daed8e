"""Migrations: numbered, recorded, re-applying is a no-op; in-memory warehouses work too."""
from __future__ import annotations

from warehouse import connect, migrate
from warehouse.db import migrations


def test_migrations_recorded_and_idempotent(db_path):
    con = connect(db_path)
    versions = [v for v, _, _ in migrations()]
    assert [r[0] for r in con.execute("SELECT version FROM schema_version ORDER BY 1").fetchall()] == versions
    assert migrate(con) == []
    con.close()
    con = connect(db_path)                      # reopening applies nothing new
    assert con.execute("SELECT count(*) FROM schema_version").fetchall()[0][0] == len(versions)
    con.close()


def test_memory_warehouse_has_the_contract_tables():
    con = connect(":memory:")
    tables = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
    assert {"models", "prompts", "prompt_versions", "results", "loads", "rejected_records"} <= tables
    cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema.columns "
                                      "WHERE table_name = 'results'").fetchall()}
    assert {"model_id", "prompt_id", "correct", "score", "cost_usd", "source", "ingested_at"} <= cols


def test_a_reader_of_a_warehouse_an_older_taskspace_wrote_gets_the_new_schema(db_path):
    import duckdb
    connect(db_path).close()
    old = duckdb.connect(db_path)   # as an older release left it: without the latest migration
    old.execute("ALTER TABLE pool_routers DROP COLUMN near_p01")
    old.execute("DELETE FROM schema_version WHERE version = 19")
    old.close()
    with connect(db_path, read_only=True) as con:   # select and sql open read-only
        cols = {r[0] for r in con.execute("DESCRIBE pool_routers").fetchall()}
        assert "near_p01" in cols
        assert con.execute("SELECT count(*) FROM schema_version WHERE version = 19").fetchall() == [(1,)]
    foreign = duckdb.connect(db_path + ".other.duckdb")   # a DuckDB file that is not a warehouse stays untouched
    foreign.execute("CREATE TABLE t (x INT)")
    foreign.close()
    with connect(db_path + ".other.duckdb", read_only=True) as con:
        assert [r[0] for r in con.execute("SHOW TABLES").fetchall()] == ["t"]
