"""The pipeline_runs log: open a row when a run starts, close it with every step's counts."""
from __future__ import annotations

import json

from tasks.sources.redact import redact_text
from warehouse.db import connect, query, write_lock
from warehouse.loads import utcnow


def start_run(db: str, kind: str, config: dict, flow_run_id: str | None) -> int:
    """A new pipeline_runs row in state 'running'; returns its run_id."""
    with write_lock, connect(db) as con:
        return query(con, "pipeline_run_start", kind=kind, flow_run_id=flow_run_id,
                     config=redact_text(json.dumps(config, default=str)), now=utcnow()).fetchall()[0][0]


def finish_run(db: str, run_id: int, summary: dict, error: str | None = None) -> None:
    """Close a run with its totals and the full per-step counts."""
    with write_lock, connect(db) as con:
        query(con, "pipeline_run_finish", run_id=run_id, status="failed" if error else "completed",
              rows_new=summary.get("rows_new", 0), rows_updated=summary.get("rows_updated", 0),
              embedded=summary.get("embedded", 0), operators_refit=summary.get("operators_refit", 0),
              evaluated=bool(summary.get("evaluated")), published=bool(summary.get("published")),
              steps=redact_text(json.dumps(summary.get("steps", {}), default=str)), error=redact_text(error),
              now=utcnow()).fetchall()
