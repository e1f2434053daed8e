"""DuckDB connection, numbered migrations with a version table, named SQL queries."""
from __future__ import annotations

import hashlib
import os
import re
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from warehouse.storage import create

SQL_DIR = Path(__file__).resolve().parent.parent / "sql"
_MIGRATION_RE = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")

# One writer at a time inside a process (DuckDB's file lock covers other processes).
write_lock = threading.RLock()


def default_db_path() -> str:
    """The warehouse path: $TASKSPACE_DB or ./taskspace.duckdb."""
    return os.environ.get("TASKSPACE_DB", "taskspace.duckdb")


def connect(path: str | os.PathLike | None = None, *, read_only: bool = False, migrate_schema: bool = True,
            config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (a file path or ':memory:') and bring its schema up to date; CONFIG: DuckDB settings."""
    path = str(path or default_db_path())
    if path != ":memory:":
        if read_only and not Path(path).exists():
            raise FileNotFoundError(f"warehouse {path} does not exist (ingest something first)")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        if not read_only and not Path(path).exists():
            create(path)   # in a format the duckdb CLI users install reads (warehouse/storage.py)
    con = _open_waiting(path, read_only, lock_timeout(), config)
    try:   # closed on any error (a signal inside the schema check too): an open handle blocks later writers
        if migrate_schema and read_only and path != ":memory:" and pending(con):
            con.close()   # a warehouse an older taskspace wrote: bring its schema up to date, then read
            connect(path).close()
            con = _open_waiting(path, read_only, lock_timeout(), config)
        if migrate_schema and not read_only:
            migrate(con)
    except BaseException:
        con.close()
        raise
    return con


def pending(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Migrations a taskspace warehouse has not applied yet ([] for a file without schema_version: not ours)."""
    if not con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_version' "
                       "AND schema_name = 'main'").fetchall()[0][0]:
        return []
    done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
    return [v for v, _, _ in migrations() if v not in done]


def lock_timeout() -> float:
    """Seconds to wait for another process's lock on the warehouse file ($TASKSPACE_LOCK_TIMEOUT, default 600)."""
    return float(os.environ.get("TASKSPACE_LOCK_TIMEOUT", "600"))


def _open_waiting(path: str, read_only: bool, timeout: float, config: dict | None = None) -> duckdb.DuckDBPyConnection:
    """Open DuckDB, waiting while another process holds the file (one writer at a time, across processes)."""
    deadline = time.monotonic() + timeout
    delay, started, said = 0.05, time.monotonic(), False
    while True:
        try:
            return duckdb.connect(path, read_only=read_only, config=config or {})
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower() and not said and time.monotonic() - started > 1.0:
                said = True   # readers and writers wait briefly for the one writer, and say so
                print(f"taskspace: waiting for another process's {'write' if read_only else ''} lock on {path} "
                      f"(up to {timeout:.0f} s, TASKSPACE_LOCK_TIMEOUT)", file=sys.stderr, flush=True)
            if "lock" not in str(exc).lower() or time.monotonic() >= deadline:
                if "lock" in str(exc).lower():
                    raise TimeoutError(f"warehouse {path} stayed locked by another process for {timeout:.0f} s "
                                       f"(set TASKSPACE_LOCK_TIMEOUT to wait longer): {exc}") from exc
                raise
            time.sleep(delay)
            delay = min(delay * 2, 1.0)


def read_sql(relpath: str) -> str:
    """The text of a .sql file under sql/ (e.g. 'queries/result_counts')."""
    p = SQL_DIR / (relpath if relpath.endswith(".sql") else relpath + ".sql")
    return p.read_text()


def migrations() -> list[tuple[int, str, Path]]:
    """Numbered migrations found in sql/migrations, in order."""
    found = []
    for p in sorted((SQL_DIR / "migrations").glob("*.sql")):
        m = _MIGRATION_RE.match(p.name)
        if not m:
            raise ValueError(f"migration file {p} is not named NNN_name.sql")
        found.append((int(m.group(1)), m.group(2), p))
    versions = [v for v, _, _ in found]
    if len(set(versions)) != len(versions):
        raise ValueError(f"duplicate migration numbers in {SQL_DIR / 'migrations'}")
    return found


def migrate(con: duckdb.DuckDBPyConnection) -> list[int]:
    """Apply migrations not yet recorded in schema_version, re-create the views; returns the versions applied."""
    with write_lock:
        con.execute("""CREATE TABLE IF NOT EXISTS schema_version (
            version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)""")
        done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
        applied = []
        for version, name, path in migrations():
            if version in done:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(path.read_text())
                con.execute("INSERT INTO schema_version VALUES (?, ?, ?)",
                            [version, name, datetime.now(timezone.utc).replace(tzinfo=None)])
                con.execute("COMMIT")
            except Exception as exc:
                con.execute("ROLLBACK")
                raise RuntimeError(f"migration {path.name} failed: {exc}") from exc
            applied.append(version)
        if applied:
            con.execute("DROP TABLE IF EXISTS schema_views")   # new tables: re-create every view
        _create_views(con)
        return applied


def _create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re-)create every view in sql/views, in file-name order, when their text changed since the last time (a
    writer opening the warehouse for a short write does not rewrite the catalog)."""
    texts = [p.read_text() for p in sorted((SQL_DIR / "views").glob("*.sql"))]
    digest = hashlib.sha256("\x00".join(texts).encode()).hexdigest()
    con.execute("CREATE TABLE IF NOT EXISTS schema_views (checksum VARCHAR NOT NULL, created_at TIMESTAMP NOT NULL)")
    if con.execute("SELECT count(*) FROM schema_views WHERE checksum = ?", [digest]).fetchall()[0][0]:
        return
    for text in texts:
        con.execute(text)
    con.execute("DELETE FROM schema_views")
    con.execute("INSERT INTO schema_views VALUES (?, ?)", [digest, datetime.now(timezone.utc).replace(tzinfo=None)])


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection):
    """One write transaction under the process-wide write lock: committed on success, rolled back on any error."""
    with write_lock:
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, name: str, table):
    """An Arrow table (or polars DataFrame) visible to SQL as NAME for the duration of the block."""
    con.register(name, table.to_arrow() if hasattr(table, "to_arrow") else table)
    try:
        yield name
    finally:
        con.unregister(name)


def query(con: duckdb.DuckDBPyConnection, name: str, **params):
    """Run the named statement sql/queries/<name>.sql with $params; returns the DuckDB relation result."""
    return con.execute(read_sql(f"queries/{name}"), params or None)


_memory: duckdb.DuckDBPyConnection | None = None


@contextmanager
def using(db, *, write: bool = False):
    """DB for one block: a connection as it is, or a warehouse path opened only for the block (read-only unless
    WRITE), so that other processes' readers get in between a long step's short reads and writes."""
    if isinstance(db, duckdb.DuckDBPyConnection):
        yield db
        return
    if str(db) == ":memory:":   # an in-memory warehouse exists only while its one connection lives
        global _memory
        if _memory is None:
            _memory = connect(":memory:")
        yield _memory
        return
    con = _open_in_process(db, write)
    try:
        yield con
    finally:
        con.close()


def _open_in_process(path, write: bool) -> duckdb.DuckDBPyConnection:
    """A connection to PATH even when this process already has one of the other kind open (DuckDB allows one
    configuration per file and process): a reader then reads through a write connection, a writer waits for this
    process's readers to finish."""
    deadline = time.monotonic() + lock_timeout()
    while True:
        try:
            return connect(path, read_only=not write)
        except duckdb.ConnectionException as exc:
            if "different configuration" not in str(exc):
                raise
            if not write:
                return connect(path)
            if time.monotonic() >= deadline:
                raise TimeoutError(f"warehouse {path}: a read-only connection of this process stayed open") from exc
            time.sleep(0.05)
