"""Prefect flow helu_benchmark: every (workload, activation, seed) is its own task, locally or on Dask."""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timezone
from typing import Literal

from prefect import flow, get_run_logger
from prefect.context import get_run_context
from prefect.futures import as_completed
from prefect.states import Failed

from flows.task_runners import make_task_runner
from tasks.helu.suite import DEFAULT_WORKLOADS, WORKLOADS, RunSpec, plan_runs, workload_params
from tasks.helu.tasks import (describe_error, failed_result, finish_suite_task, publish_task, routing_data_task,
                              skip_reason, start_suite_task, store_runs_task, train_task, workload_status_task)


@flow(name="helu-train-runs")
def train_runs(db: str, suite_id: str, specs: list[RunSpec], routing: dict | None, store_every: int = 10) -> dict:
    """Per workload, runs ok and failed: every run goes to the flow's task runner; finished runs are stored in
    batches of store_every (failures as failed rows with their error)."""
    futures = {}
    for spec in specs:
        fut = train_task.submit(spec, routing if spec.family == "routing" else None)
        futures[fut.task_run_id] = (fut, spec)
    counts = {s.workload: {"ok": 0, "failed": 0} for s in specs}
    pending: list[dict] = []
    try:
        for fut in as_completed([f for f, _ in futures.values()]):
            spec = futures[fut.task_run_id][1]
            fut.wait()  # as_completed can yield before the future's final state is recorded
            if fut.state.is_completed():
                result = fut.result()
            else:
                exc = fut.result(raise_on_failure=False)
                result = failed_result(spec, describe_error(exc if isinstance(exc, BaseException) else None,
                                                            f"{fut.state.name}: {fut.state.message}"))
            pending.append(result)
            counts[spec.workload][result["status"]] += 1
            if len(pending) >= store_every:
                batch, pending = pending, []
                store_runs_task(db, suite_id, batch)
    finally:
        if pending:
            store_runs_task(db, suite_id, pending)
    return counts


def prepare_workloads(db: str, suite_id: str, specs: list[RunSpec], params: dict[str, dict], device: str,
                      encoder: str | None) -> tuple[list[RunSpec], dict | None, dict[str, str]]:
    """The runnable specs, the routing data, and {workload: reason} of those skipped (recorded in helu_workloads)."""
    logger = get_run_logger()
    routing, skipped = None, {}
    for w in params:
        reason = skip_reason(w, params[w], device)
        if reason is None and WORKLOADS[w]["family"] == "routing":
            routing, reason = routing_data_task(db, encoder, params[w]["max_prompts"])
        if reason:
            skipped[w] = reason
            logger.warning("skipping workload %s: %s", w, reason)
    specs = [s for s in specs if s.workload not in skipped]
    for w in params:
        workload_status_task(db, suite_id, w, WORKLOADS[w]["family"], "skipped" if w in skipped else "planned",
                             sum(s.workload == w for s in specs), skipped.get(w))
    return specs, routing, skipped


def outcome(ok: int, failed: int) -> str:
    """ok when nothing failed, failed when nothing succeeded, else partial."""
    return "ok" if not failed else ("failed" if not ok else "partial")


@flow(name="helu_benchmark", log_prints=True)
def helu_benchmark(db: str = "taskspace.duckdb", quick: bool = False, n_seeds: int | None = None, base_seed: int = 0,
                   workloads: list[str] | None = None, activations: list[str] | None = None,
                   alphas: list[float] | None = None, runner: Literal["local", "dask"] = "local",
                   dask_address: str | None = None, n_workers: int = 2, device: Literal["cpu", "cuda"] = "cpu",
                   out_dir: str = "reports/helu", encoder: str | None = None,
                   overrides: dict[str, dict] | None = None) -> dict:
    """Train every workload x activation x seed, store each run, publish the comparison; returns the suite's summary."""
    logger = get_run_logger()
    if n_workers < 1 or (n_seeds is not None and n_seeds < 1):
        raise ValueError("n_workers and n_seeds must be >= 1")
    workloads = list(workloads or DEFAULT_WORKLOADS)
    seeds = [base_seed + i for i in range(n_seeds or (3 if quick else 5))]
    threads = max(1, (os.cpu_count() or 1) // n_workers) if device == "cpu" else 0
    specs = plan_runs(workloads=workloads, seeds=seeds, device=device, quick=quick, activations=activations,
                      alphas=alphas, overrides=overrides, threads=threads)
    suite_id = f"helu-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
    params = {w: workload_params(w, quick, (overrides or {}).get(w)) for w in workloads}
    config = {"workloads": params, "activations": activations, "alphas": alphas, "n_workers": n_workers,
              "dask_address": dask_address, "threads_per_run": threads, "encoder": encoder, "base_seed": base_seed}
    ctx = get_run_context()
    start_suite_task(db, suite_id, quick, runner, device, seeds, config, str(ctx.flow_run.id))
    try:
        specs, routing, skipped = prepare_workloads(db, suite_id, specs, params, device, encoder)
        task_runner = make_task_runner(runner, dask_address, n_workers, str(ctx.client.api_url))
        counts = train_runs.with_options(task_runner=task_runner)(db, suite_id, specs, routing) if specs else {}
        for w, c in counts.items():
            workload_status_task(db, suite_id, w, WORKLOADS[w]["family"], outcome(c["ok"], c["failed"]),
                                 c["ok"] + c["failed"])
    except BaseException:
        finish_suite_task(db, suite_id, "failed")
        raise
    n_ok, n_failed = (sum(c[k] for c in counts.values()) for k in ("ok", "failed"))
    status = outcome(n_ok, n_failed)
    finish_suite_task(db, suite_id, status)
    published = publish_task(db, suite_id, out_dir)
    out = {"suite_id": suite_id, "status": status, "runs_ok": n_ok, "runs_failed": n_failed,
           "skipped": skipped, "seeds": seeds, "paths": published["paths"], "summary": published["rows"]}
    logger.info("helu_benchmark %s: %d runs ok, %d failed, skipped %s", suite_id, n_ok, n_failed,
                sorted(skipped) or "none")
    if n_failed:
        return Failed(message=f"{n_failed} run(s) failed; see helu_runs.error", data=out)
    return out
