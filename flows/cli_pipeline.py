"""`taskspace run`, `taskspace serve` and `taskspace backfill`: the pipeline commands (they start Prefect)."""
from __future__ import annotations

import sys
from datetime import datetime
from typing import Optional

import typer

from flows.cli_app import State, app, emit, guarded


def _date(value: Optional[str], flag: str):
    """A YYYY-MM-DD option as a date (BadParameter naming the flag)."""
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise typer.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from None


@app.command("run")
def run_cmd(
    config: Optional[str] = typer.Option(None, "--config", "-c", help="taskspace.toml (default: the public feeds)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with each step's counts."),
):
    """Run the main job: ingest every source, refresh operators, evaluate, publish. One run per warehouse at a
    time (others queue, up to TASKSPACE_LOCK_TIMEOUT s); stopped or failed, its pipeline_runs row is closed."""
    from flows.pipeline import pipeline
    from tasks.prefect_server import prefect_api
    from tasks.runs import queued_run
    from tasks.stopping import raise_if_stopped

    cfg = _config(config)
    db = State.db if State.db_given else cfg.db
    with guarded(), queued_run(db, "pipeline", cfg.model_dump() | {"db": db}) as run_id, prefect_api():
        state = pipeline(config=config, db=db, run_id=run_id, return_state=True)
        raise_if_stopped()   # a signal a step reported as an ordinary failure still stops the run
    out = state.result(raise_on_failure=False)
    if not isinstance(out, dict):
        typer.echo(f"error: {out}", err=True)
        raise typer.Exit(1)
    human = "\n".join([f"{k:28} {v.get('status', ''):10} {v.get('error') or ''}".rstrip()
                       for k, v in out["steps"].items()] +
                      [f"new rows {out['rows_new']}, updated {out['rows_updated']}, embedded {out['embedded']}, "
                       f"operators refit {out['operators_refit']}, evaluated {out['evaluated']}, "
                       f"published {out['published']}"])
    emit(out, as_json, human)
    if state.is_failed():
        raise typer.Exit(1)


@app.command("backfill")
def backfill_cmd(
    from_: Optional[str] = typer.Option(None, "--from", help="First day (YYYY-MM-DD) of inputs to re-read."),
    to: Optional[str] = typer.Option(None, "--to", help="Last day (YYYY-MM-DD) of inputs to re-read."),
    source: Optional[list[str]] = typer.Option(None, "--source", help="Configured source name (repeatable)."),
    config: Optional[str] = typer.Option(None, "--config", "-c", help="taskspace.toml with the sources."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
):
    """Re-ingest a date range or chosen sources idempotently; refit affected operators once at the end."""
    from flows.backfill import backfill
    from tasks.backfill import check_range, pick_sources
    from tasks.prefect_server import prefect_api
    from tasks.runs import queued_run
    from tasks.stopping import raise_if_stopped

    start, end = _date(from_, "--from"), _date(to, "--to")
    cfg = _config(config)
    try:
        check_range(start, end)
        chosen = [s.name for s in pick_sources(cfg, source or None)]
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--source/--from/--to") from None
    db = State.db if State.db_given else cfg.db
    with guarded(), queued_run(db, "backfill", {"from": start, "to": end, "sources": chosen}) as run_id, \
            prefect_api():
        state = backfill(db=db, config=config, from_date=start, to_date=end, sources=source or None, run_id=run_id,
                         return_state=True)
        raise_if_stopped()
    out = state.result(raise_on_failure=False)
    if not isinstance(out, dict):
        typer.echo(f"error: {out}", err=True)
        raise typer.Exit(1)
    emit(out, as_json, f"backfill: {out['rows_new']} new rows, {out['rows_updated']} updated, "
                       f"{out['operators_refit']} operators refit"
         + "".join(f"\n  failed: {f}" for f in out["failed_sources"]))
    if out["failed_sources"]:
        raise typer.Exit(1)


@app.command("serve")
def serve_cmd(
    config: Optional[str] = typer.Option(None, "--config", "-c", help="taskspace.toml of `taskspace run`: every "
                                         "deployment uses its warehouse and settings."),
    port: int = typer.Option(4200, help="Port of the Prefect server serve starts (unless PREFECT_API_URL is set)."),
    limit: Optional[int] = typer.Option(None, help="Run at most this many flow runs at once."),
):
    """Run every deployment of prefect.yaml on its schedule/trigger, on one Prefect API (a server started here, or
    $PREFECT_API_URL) that every run of them uses; prints the PREFECT_API_URL to export for `prefect` commands."""
    import os

    from prefect import serve

    from tasks.deployments import runner_deployments
    from tasks.prefect_server import prefect_api

    cfg = _config(config) if config else None
    db = os.path.abspath(State.db if State.db_given or cfg is None else cfg.db)
    deployments = runner_deployments({"db": db, "config": os.path.abspath(config) if config else None})
    with guarded(signals=False), prefect_api("serve", port=port) as api:   # Prefect's runner handles Ctrl-C
        typer.echo(f"Prefect API: {api}\n  export PREFECT_API_URL={api}\n"
                   f"  (then e.g. `prefect deployment run publish_selection/publish-selection`)\n"
                   f"serving {len(deployments)} deployments on warehouse {db}: "
                   + ", ".join(d.name for d in deployments))
        sys.stdout.flush()
        serve(*deployments, limit=limit, print_starting_message=False)


def _config(path: Optional[str]):
    """The validated config at PATH (BadParameter naming --config)."""
    from tasks.config import load_config
    try:
        return load_config(path)
    except (FileNotFoundError, ValueError) as exc:
        raise typer.BadParameter(str(exc), param_hint="--config") from None
