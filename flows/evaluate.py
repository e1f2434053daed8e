"""Prefect flow evaluate: held-out metrics of the operators and the baselines, stored in the evaluations table."""
from __future__ import annotations

from typing import Literal

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks.evaluation.evaluate import run_evaluation
from warehouse import connect


@task(name="evaluate-split", task_run_name="evaluate {split}", cache_policy=NO_CACHE)
def evaluate_task(db: str, split: str, seed: int, methods: list[str] | None, encoder: str,
                  benchmark: str | None = None) -> dict:
    """One stored evaluation run of SPLIT on BENCHMARK."""
    connect(db).close()   # migrate; then the file is open only to read the data and to write the run
    return run_evaluation(db, split=split, seed=seed, methods=methods, encoder=encoder, benchmark=benchmark)


@flow(name="evaluate", log_prints=True)
def evaluate(db: str = "taskspace.duckdb", split: Literal["id", "id-cv", "loo-category", "ood", "new-models"] = "id", seed: int = 0,
             methods: list[str] | None = None, encoder: str = "all-MiniLM-L6-v2",
             benchmark: str | None = None) -> dict:
    """The summary of one stored evaluation run of SPLIT on BENCHMARK (default: the one with most results;
    top-level metrics: the default method's)."""
    out = evaluate_task(db, split, seed, methods, encoder, benchmark)
    get_run_logger().info("evaluate %s on %s: default success %.4f auc %.4f routing %.4f (best single %.4f), run %d",
                          split, out["benchmark"], out["success_accuracy"] or 0, out["auc"] or 0, out["routing_accuracy"] or 0,
                          out["best_single_accuracy"], out["run_id"])
    return out
