"""The SQL console (`taskspace sql`): read-only in fact. Queries of the warehouse's tables and views only;
no file, network or extension access, settings locked, a statement timeout."""
from __future__ import annotations

import json
import os
import re
import threading

import duckdb

from warehouse.db import connect

# Settings of every console connection; lock_configuration comes last so no statement can undo the others.
SAFE_CONFIG = {"enable_external_access": False, "autoinstall_known_extensions": False,
               "autoload_known_extensions": False, "allow_community_extensions": False,
               "allow_persistent_secrets": False, "lock_configuration": True}
# Table functions that read only the warehouse's own catalog or generate values; every other one (read_csv,
# read_parquet, read_text, read_blob, glob, query, sniff_csv, ...) is refused.
SAFE_TABLE_FUNCTIONS = frozenset({
    "range", "generate_series", "unnest", "json_each", "json_tree", "duckdb_columns", "duckdb_constraints",
    "duckdb_databases", "duckdb_dependencies", "duckdb_functions", "duckdb_indexes", "duckdb_keywords",
    "duckdb_schemas", "duckdb_sequences", "duckdb_tables", "duckdb_types", "duckdb_views", "duckdb_settings",
    "pragma_table_info", "pragma_show", "pragma_version", "pragma_database_size", "pragma_storage_info"})
_WHY = {
    "COPY": "COPY reads or writes files", "EXPORT": "EXPORT DATABASE writes files",
    "ATTACH": "ATTACH opens another database", "DETACH": "DETACH changes the attached databases",
    "LOAD": "INSTALL and LOAD of extensions are off", "SET": "the configuration is locked (SET, RESET, USE)",
    "PRAGMA": "PRAGMA statements change settings or run procedures", "CALL": "CALL runs procedures",
    "MULTI": "this statement runs several statements (PIVOT: write it as a GROUP BY)",
}
_PATHLIKE = re.compile(r"[/\\.:~*?]")
_EXPLAIN = re.compile(r"^\s*EXPLAIN\s+(?:ANALYZE\s+)?(.*)$", re.I | re.S)
HELP = ("The console runs SELECT queries (also SHOW, DESCRIBE, SUMMARIZE, EXPLAIN) on the warehouse's tables and "
        "views only; for anything else open the file with the duckdb CLI yourself.")


class Refused(ValueError):
    """A statement the console does not run; the message says why."""


def default_timeout() -> float:
    """Seconds one console statement may run: $TASKSPACE_SQL_TIMEOUT, default 60."""
    return float(os.environ.get("TASKSPACE_SQL_TIMEOUT", "60"))


def _walk(tree) -> list[str]:
    """Why a serialized SELECT is refused: each table function and file-like table it names that is not allowed."""
    problems, stack = [], [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
            continue
        if not isinstance(node, dict):
            continue
        if node.get("type") == "TABLE_FUNCTION":
            name = str((node.get("function") or {}).get("function_name", "")).lower()
            if name not in SAFE_TABLE_FUNCTIONS:
                problems.append(f"table function {name}() reads files or runs SQL outside the warehouse")
        if node.get("type") == "BASE_TABLE" and _PATHLIKE.search(str(node.get("table_name", ""))):
            problems.append(f"{node['table_name']!r} names a file, not a table of the warehouse")
        stack.extend(node.values())
    return problems


def check(con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """Refused (with the reason) unless every statement of SQL is a query of the warehouse itself."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise Refused(f"cannot parse the statement: {exc}") from None
    if not statements:
        raise Refused("no SQL statement given")
    for st in statements:
        kind = str(st.type).rsplit(".", 1)[-1]
        if kind == "EXPLAIN":
            m = _EXPLAIN.match(st.query)
            if m:
                check(con, m.group(1))
                continue
        if kind != "SELECT":
            why = _WHY.get(kind, f"{kind} statements change the warehouse")
            raise Refused(f"refused: the SQL console is read-only and {why}. {HELP}")
        tree = json.loads(con.execute("SELECT json_serialize_sql(?)", [st.query]).fetchone()[0])
        if tree.get("error"):
            raise Refused(f"refused: cannot check this statement ({tree.get('error_message')}). {HELP}")
        problems = _walk(tree)
        if problems:
            raise Refused(f"refused: {'; '.join(dict.fromkeys(problems))}. {HELP}")


def execute(db: str, sql: str, timeout: float | None = None) -> tuple[list[str], list[tuple]]:
    """(columns, rows) of SQL run on a locked, read-only connection; Refused, or TimeoutError past TIMEOUT s."""
    timeout = default_timeout() if timeout is None else timeout
    con = connect(db, read_only=True, config=SAFE_CONFIG)
    timer = threading.Timer(timeout, con.interrupt)
    timer.daemon = True
    try:
        check(con, sql)
        timer.start()
        cur = con.execute(sql)
        columns = [d[0] for d in cur.description] if cur.description else []
        rows = cur.fetchall() if columns else []
    except duckdb.InterruptException:
        raise TimeoutError(f"statement cancelled after {timeout:g} s (--timeout / TASKSPACE_SQL_TIMEOUT)") from None
    finally:
        timer.cancel()
        con.close()
    return columns, rows
