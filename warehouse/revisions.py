"""source_revisions: the revision at which each remote repository of a source last loaded whole."""
from __future__ import annotations

import duckdb
import pyarrow as pa

from warehouse.db import query, registered, transaction
from warehouse.loads import utcnow


def read_revisions(con: duckdb.DuckDBPyConnection, source: str) -> dict[str, str]:
    """{repository URL: revision} recorded for SOURCE."""
    return dict(query(con, "source_revisions", source=source).fetchall())


def record_revisions(con: duckdb.DuckDBPyConnection, source: str, done: dict[str, tuple[str, int]]) -> None:
    """Record DONE ({repository URL: (revision, inputs)}) for SOURCE in one transaction."""
    if not done:
        return
    batch = pa.table({"repo": pa.array(list(done), pa.string()),
                      "revision": pa.array([r for r, _ in done.values()], pa.string()),
                      "n_inputs": pa.array([n for _, n in done.values()], pa.int32())})
    with transaction(con), registered(con, "rev_batch", batch):
        query(con, "source_revisions_upsert", source=source, now=utcnow())
