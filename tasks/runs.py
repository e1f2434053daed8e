"""Runs that always end: a pipeline_runs row from the moment a run is asked for, one run per warehouse at a time
(the others queue), and the row closed as failed or cancelled, with the reason, however the run ends."""
from __future__ import annotations

import os
from contextlib import contextmanager
from typing import Iterator

from tasks.locks import hold
from tasks.stopping import arm, caught, on_hard_exit, stop_reason
from warehouse.pipeline_runs import close_run, mark_running, start_run


def run_lock(db: str) -> str | None:
    """The lock file that queues runs on warehouse DB (none for ':memory:')."""
    return None if db == ":memory:" else os.path.abspath(db) + ".run.lock"


@contextmanager
def closed_on_exit(db: str, run_id: int) -> Iterator[int]:
    """Close run RUN_ID as failed (an exception) or cancelled (a signal) if the block does not close it itself;
    on a signal the grace period starts (tasks.stopping), and a hard exit closes the row too."""
    with on_hard_exit(lambda why: close_run(db, run_id, "cancelled", why)):
        try:
            yield run_id
        except BaseException as exc:
            status, message, signum = stop_reason(exc)
            if signum:
                caught()
                arm(signum)
            close_run(db, run_id, status, message)
            raise


@contextmanager
def queued_run(db: str, kind: str, config: dict) -> Iterator[int]:
    """A run of KIND on DB asked for from the command line: its row is opened as queued before anything else can
    fail, the block starts once no other run holds the warehouse (tasks.locks.Busy after the wait), and the row is
    closed if the block ends by an exception or a signal."""
    run_id = start_run(db, kind, config, None, status="queued")
    with closed_on_exit(db, run_id):
        lock = run_lock(db)
        if lock is None:
            yield run_id
            return
        with hold(lock, f"taskspace {kind} run {run_id}", f"warehouse {db}"):
            yield run_id


@contextmanager
def flow_run_record(db: str, kind: str, config: dict, run_id: int | None, flow_run_id: str | None) -> Iterator[int]:
    """Inside a flow: the run's row, running (RUN_ID from queued_run, or a new row when the flow was started some
    other way, e.g. by a deployment), closed as failed or cancelled if the flow body raises or is stopped."""
    if run_id is None:
        run_id = start_run(db, kind, config, flow_run_id)
    else:
        mark_running(db, run_id, flow_run_id)
    with closed_on_exit(db, run_id):
        yield run_id
