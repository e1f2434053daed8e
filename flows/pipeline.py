"""Prefect flow pipeline (the main job): ingest every source -> refresh operators -> evaluate -> publish."""
from __future__ import annotations

from prefect import flow, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.runtime import flow_run
from prefect.states import Failed

from flows.evaluate import evaluate
from flows.ingest_releases import ingest_releases
from flows.ingest_results import ingest_results
from flows.publish_selection import publish_selection
from flows.refresh_operators import refresh_operators
from tasks.config import load_config
from tasks.pipeline import EVAL_KEYS, changed_rows, run_markdown, step_outcome, subflow_outcome
from tasks.sources.redact import hide
from tasks.runs import flow_run_record
from tasks.stopping import raise_if_stopped
from warehouse import connect
from warehouse.pipeline_runs import finish_run


def evaluation_benchmarks(db: str) -> list[str]:
    """Benchmarks with results, largest first."""
    from tasks.evaluation.data import benchmarks
    with connect(db, read_only=True) as con:
        return benchmarks(con)


@flow(name="pipeline", log_prints=True)
def pipeline(config: str | None = None, db: str | None = None, run_id: int | None = None) -> dict:
    """Counts of each step of one run; a failed source fails the run after every other step has run. RUN_ID: the
    pipeline_runs row `taskspace run` opened (else a new one); it is closed however the run ends."""
    cfg = load_config(config)
    db = db or cfg.db
    with flow_run_record(db, "pipeline", cfg.model_dump() | {"db": db}, run_id, flow_run.get_id()) as run_id:
        return run_steps(cfg, config, db, run_id)


def run_steps(cfg, config: str | None, db: str, run_id: int) -> dict:
    """Ingest every source, refresh, evaluate per benchmark, publish; close the run's row with the counts."""
    logger = get_run_logger()
    steps: dict[str, dict] = {}
    for src in cfg.sources:
        location = hide(src.location)   # Prefect (parameters, task names, its database) sees no secret
        if src.kind == "results":
            state = ingest_results(format=src.format, sources=[location], db=db,
                                   threshold=cfg.ingest.correct_threshold, return_state=True)
        else:
            state = ingest_releases(format=src.format, source=location, db=db, since=src.since,
                                    return_state=True)
        steps[f"ingest {src.name}"] = step_outcome(src, state)
        raise_if_stopped()   # after a signal no further step starts (a step may report it as a failure)
        if steps[f"ingest {src.name}"]["status"] == "failed":
            logger.error(steps[f"ingest {src.name}"]["error"])
    new, upd = changed_rows(steps)
    ops = cfg.operators
    steps["refresh"] = subflow_outcome(refresh_operators(db=db, config=config, return_state=True))
    raise_if_stopped()
    refresh = steps["refresh"]
    changed_pools = sorted(refresh.get("pools_refit") or {})
    evaluated = bool(changed_pools) and refresh["status"] == "completed"
    if evaluated:   # one evaluation per pool whose operators changed: the others' numbers still hold
        for bench in [b for b in evaluation_benchmarks(db) if b in changed_pools]:
            state = evaluate(db=db, split=cfg.evaluate_split, encoder=ops.encoder_key, benchmark=bench,
                             return_state=True)
            steps[f"evaluate {bench}"] = subflow_outcome(state, EVAL_KEYS)
            raise_if_stopped()
    published = bool(refresh.get("operators_refit") or evaluated)
    if published:
        steps["publish"] = subflow_outcome(publish_selection(db=db, out=cfg.out, config=config, return_state=True),
                                           ("out", "watermark", "fingerprint", "rows", "numbers"))
    summary = {"run_id": run_id, "rows_new": new, "rows_updated": upd,
               "embedded": refresh.get("embedded", 0), "operators_refit": refresh.get("operators_refit", 0),
               "evaluated": evaluated, "published": published, "steps": steps}
    failed = [f"{k}: {v['error']}" for k, v in steps.items() if v.get("status") == "failed"]
    finish_run(db, run_id, summary, "; ".join(failed) or None)
    create_markdown_artifact(key="taskspace-pipeline-run", markdown=run_markdown(summary),
                             description=f"taskspace pipeline run {run_id}")
    logger.info("pipeline run %d: %d new rows, %d updated, %d embedded, %d refit, evaluated=%s, published=%s",
                run_id, new, upd, summary["embedded"], summary["operators_refit"], evaluated, published)
    if failed:
        return Failed(message=f"{len(failed)} step(s) failed: " + " | ".join(failed), data=summary)
    return summary
