"""A reader in the test process: a fresh read-only connection, waiting briefly while a writer holds the file."""
from __future__ import annotations

import time
from pathlib import Path

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


def watch(proc, db: str, table: str, every: float) -> tuple[list[int], list[float], int, str, str]:
    """While PROC runs, read TABLE's row count every EVERY s: (counts seen, waits, reads locked out, PROC's stdout,
    stderr); PROC is killed if the wait ends any other way."""
    seen, waits, failures = [], [], 0
    try:
        while proc.poll() is None:
            if Path(db).exists():
                n, waited = read_count(db, table)
                failures += n is None
                waits.append(waited)
                if n is not None:
                    seen.append(n)
            time.sleep(every)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    return seen, waits, failures, out, err
