"""The warehouse's DuckDB storage format: new files are written so that the DuckDB tools users have can read them
(the duckdb CLI 1.5.6 from PyPI, DuckDB >= 1.4), and older-format files can be rewritten in that format."""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

# DuckDB 2.0 writes storage version 69 by default; DuckDB 1.4 and 1.5 read up to 67 and 68. A file keeps the
# format it was created with, whatever later connections write into it.
STORAGE_VERSION = "v1.4.0"


def storage_version() -> str:
    """The format new warehouses are created in ($TASKSPACE_STORAGE_VERSION, default v1.4.0)."""
    return os.environ.get("TASKSPACE_STORAGE_VERSION", STORAGE_VERSION)


def create(path: str) -> None:
    """Create an empty warehouse file at PATH in the storage_version() format, atomically: it is written under a
    temporary name and linked into place, so a process opening PATH meanwhile never sees a half-written file
    (nothing happens if PATH appeared meanwhile)."""
    tmp = f"{path}.new-{os.getpid()}"
    try:
        duckdb.connect(tmp, config={"storage_compatibility_version": storage_version()}).close()
        try:
            os.link(tmp, path)
        except FileExistsError:   # another process created it first: use theirs
            pass
        except OSError:           # a file system without hard links: a rename, unless it exists by now
            if not os.path.exists(path):
                os.replace(tmp, path)
    finally:
        for leftover in (tmp, tmp + ".wal"):
            if os.path.exists(leftover):
                os.remove(leftover)


def _quote(path: str) -> str:
    return "'" + path.replace("'", "''") + "'"


def file_version(path: str) -> str:
    """The storage version of the DuckDB file at PATH, as DuckDB names it (e.g. 'v1.4.0+', 'v2.0.0+')."""
    if not Path(path).exists():
        raise FileNotFoundError(f"warehouse {path} does not exist")
    with duckdb.connect() as con:
        con.execute(f"ATTACH {_quote(path)} AS w (READ_ONLY)")
        return con.execute("SELECT tags['storage_version'] FROM duckdb_databases() "
                           "WHERE database_name = 'w'").fetchall()[0][0]


def readable_by_cli(version: str) -> bool:
    """Whether a file of VERSION opens in DuckDB 1.4 / 1.5 (the duckdb CLI a user installs from PyPI)."""
    major, minor = (int(x) for x in version.lstrip("v").rstrip("+").split(".")[:2])
    return (major, minor) <= (1, 5)


def convert(path: str, version: str | None = None) -> dict:
    """Rewrite the warehouse at PATH in VERSION (every table, view, sequence and macro copied while the file is held
    for writing); the original is kept as PATH.<old version>.bak. Returns {from, to, backup}."""
    version = version or storage_version()
    old = file_version(path)
    tmp = f"{path}.converting"
    for p in (tmp, tmp + ".wal"):
        Path(p).unlink(missing_ok=True)
    with duckdb.connect() as con:
        con.execute(f"ATTACH {_quote(path)} AS src")
        con.execute(f"ATTACH {_quote(tmp)} AS dst (STORAGE_VERSION {_quote(version)})")
        con.execute("COPY FROM DATABASE src TO dst")
        con.execute("DETACH dst")
        con.execute("DETACH src")
    backup = f"{path}.{old.rstrip('+')}.bak"
    os.replace(path, backup)
    os.replace(tmp, path)
    return {"path": path, "from": old, "to": file_version(path), "backup": backup}
