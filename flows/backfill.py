"""Prefect flow backfill: re-ingest a date range or chosen sources idempotently, then refit affected operators once."""
from __future__ import annotations

from datetime import date

from prefect import flow, get_run_logger
from prefect.runtime import flow_run

from flows.ingest_releases import ingest_releases
from flows.ingest_results import ingest_file
from flows.refresh_operators import refresh_operators
from tasks.backfill import check_range, in_range, pick_sources
from tasks.config import load_config
from tasks.ingest import expand_sources, totals
from tasks.pipeline import changed_rows
from tasks.sources.redact import hide
from tasks.runs import flow_run_record
from warehouse.loads import LoadSummary
from warehouse.pipeline_runs import finish_run


@flow(name="backfill", log_prints=True)
def backfill(db: str | None = None, config: str | None = None, from_date: date | None = None,
             to_date: date | None = None, sources: list[str] | None = None, run_id: int | None = None) -> dict:
    """Counts of re-reading every input of the chosen sources dated in [from_date, to_date], and of the one refit;
    RUN_ID: the pipeline_runs row `taskspace backfill` opened (else a new one), closed however the run ends."""
    check_range(from_date, to_date)
    cfg = load_config(config)
    db = db or cfg.db
    chosen = pick_sources(cfg, sources)
    params = {"from": from_date, "to": to_date, "sources": [s.name for s in chosen]}
    with flow_run_record(db, "backfill", params, run_id, flow_run.get_id()) as run_id:
        return reingest(config, db, chosen, from_date, to_date, run_id, cfg.ingest.correct_threshold)


def reingest(config: str | None, db: str, chosen: list, from_date: date | None, to_date: date | None,
             run_id: int, threshold: float | None = None) -> dict:
    """Re-read the chosen sources' inputs in the range, refit once, close the run's row with the counts."""
    logger = get_run_logger()
    steps: dict[str, dict] = {}
    for src in chosen:
        if src.kind == "releases":
            since = from_date.isoformat() if from_date else src.since
            state = ingest_releases(format=src.format, source=hide(src.location), db=db, since=since, force=True,
                                    return_state=True)
            data = state.result(raise_on_failure=False)
            steps[src.name] = {"kind": "releases", **(data if isinstance(data, dict) else {"error": str(data)})}
            continue
        items, missing = expand_sources(src.format, [src.location])
        items = [it for it in items if in_range(it, from_date, to_date)]
        futures = [ingest_file.submit(db, src.format, it, True, threshold) for it in items]
        summaries = list(missing)
        for it, fut in zip(items, futures):
            fut.wait()
            summaries.append(LoadSummary(**fut.result()) if fut.state.is_completed()
                             else LoadSummary(src.format, it.uri, "failed", error=str(fut.state.message)))
        steps[src.name] = {"kind": "results", **totals(summaries)}
    new, upd = changed_rows(steps)
    refresh = refresh_operators(db=db, config=config) if new or upd else {"embedded": 0, "operators_refit": 0}
    summary = {"rows_new": new, "rows_updated": upd, "embedded": refresh.get("embedded", 0),
               "operators_refit": refresh.get("operators_refit", 0), "steps": {**steps, "refresh": refresh}}
    failed = [f"{n}: {'; '.join(s.get('errors') or [s.get('error', '')])}" for n, s in steps.items()
              if s.get("failed") or s.get("error")]
    finish_run(db, run_id, summary, "; ".join(failed) or None)
    logger.info("backfill: %d new rows, %d updated, %d operators refit", new, upd, summary["operators_refit"])
    return summary | {"run_id": run_id, "failed_sources": failed}
