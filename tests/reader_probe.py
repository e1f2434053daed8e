"""A reader in the test process: a fresh read-only connection, waiting briefly while a writer holds the file."""
from __future__ import annotations

import time

import duckdb


def read_count(db: str, table: str, timeout: float = 10.0) -> tuple[int | None, float]:
    """(rows of TABLE, 0 when it does not exist yet; seconds waited for the lock), None rows when locked out."""
    t0 = time.monotonic()
    while True:
        try:
            con = duckdb.connect(db, read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() - t0 > timeout:
                return None, time.monotonic() - t0
            time.sleep(0.02)
            continue
        try:
            tables = {r[0] for r in con.execute("SHOW TABLES").fetchall()}
            n = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0] if table in tables else 0
            return n, time.monotonic() - t0
        finally:
            con.close()
