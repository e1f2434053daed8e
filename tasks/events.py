"""Prefect events that chain deployments: ingestion that changed data triggers refresh, a refit triggers publish."""
from __future__ import annotations

import os

RESULTS_CHANGED = "taskspace.results.changed"
RELEASES_CHANGED = "taskspace.releases.changed"
OPERATORS_REFIT = "taskspace.operators.refit"


def warehouse_path(db: str) -> str:
    """The absolute path events and triggers name a warehouse by."""
    return db if db == ":memory:" else os.path.abspath(db)


def warehouse_resource(db: str) -> dict[str, str]:
    """The event resource naming one warehouse file (triggers match on taskspace.warehouse.path)."""
    path = warehouse_path(db)
    return {"prefect.resource.id": "taskspace.warehouse", "prefect.resource.name": path,
            "taskspace.warehouse.path": path}


def announce(event: str, db: str, counts: dict) -> bool:
    """Emit EVENT for DB when COUNTS show a change; returns whether it was emitted."""
    changed = any(int(counts.get(k) or 0) > 0 for k in ("rows_new", "rows_updated", "new", "updated",
                                                         "operators_refit", "embedded"))
    if not changed:
        return False
    from prefect.events import emit_event
    payload = {k: v for k, v in counts.items() if isinstance(v, (int, float, str, bool))}
    emit_event(event=event, resource=warehouse_resource(db), payload=payload)
    return True
