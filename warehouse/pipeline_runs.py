"""The pipeline_runs log: open a row when a run is asked for, close it with every step's counts or its error."""
from __future__ import annotations

import json
import os
import socket

from tasks.sources.redact import redact_text
from warehouse.db import connect, query, write_lock
from warehouse.loads import utcnow


def start_run(db: str, kind: str, config: dict, flow_run_id: str | None, status: str = "running") -> int:
    """A new pipeline_runs row (running, or queued while it waits its turn) owned by this process; rows of
    processes on this host that died without closing theirs are closed first. Returns its run_id."""
    with write_lock, connect(db) as con:
        close_orphans(con)
        return query(con, "pipeline_run_start", kind=kind, flow_run_id=flow_run_id, status=status,
                     config=redact_text(json.dumps(config, default=str)), now=utcnow(), pid=os.getpid(),
                     host=socket.gethostname()).fetchall()[0][0]


def mark_running(db: str, run_id: int, flow_run_id: str | None) -> None:
    """A queued run got its turn."""
    with write_lock, connect(db) as con:
        query(con, "pipeline_run_running", run_id=run_id, flow_run_id=flow_run_id).fetchall()


def close_run(db: str, run_id: int, status: str, error: str) -> None:
    """Close a still-open run as STATUS (failed | cancelled) with ERROR; a closed row stays as it is."""
    with write_lock, connect(db) as con:
        query(con, "pipeline_run_close", run_id=run_id, status=status, error=error, now=utcnow()).fetchall()


def close_orphans(con) -> list[int]:
    """Close as failed the open runs of this host whose process is gone; returns their ids."""
    gone = []
    for run_id, pid in query(con, "pipeline_run_open", host=socket.gethostname()).fetchall():
        if pid == os.getpid():
            continue
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            gone.append(run_id)
        except PermissionError:
            continue
    for run_id in gone:
        query(con, "pipeline_run_close", run_id=run_id, status="failed", now=utcnow(),
              error="its process ended without closing the run (killed or out of memory)").fetchall()
    return gone


def finish_run(db: str, run_id: int, summary: dict, error: str | None = None) -> None:
    """Close a run with its totals and the full per-step counts."""
    with write_lock, connect(db) as con:
        query(con, "pipeline_run_finish", run_id=run_id, status="failed" if error else "completed",
              rows_new=summary.get("rows_new", 0), rows_updated=summary.get("rows_updated", 0),
              embedded=summary.get("embedded", 0), operators_refit=summary.get("operators_refit", 0),
              evaluated=bool(summary.get("evaluated")), published=bool(summary.get("published")),
              steps=redact_text(json.dumps(summary.get("steps", {}), default=str)), error=redact_text(error),
              now=utcnow()).fetchall()
