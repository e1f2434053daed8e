"""HeLU benchmark steps: plan checks, routing data, storing runs, publishing; thin Prefect @task wrappers last."""
from __future__ import annotations

import json
import os
import traceback
from pathlib import Path

from prefect import task
from prefect.cache_policies import NO_CACHE

from tasks.helu.report import markdown_table, plot_curves, published_rows
from tasks.helu.runner import run_one
from tasks.helu.suite import RunSpec
from warehouse import connect
from warehouse import helu as store


def skip_reason(workload: str, params: dict, device: str) -> str | None:
    """Why a workload cannot run here (None when it can); the routing workload is checked on its data instead."""
    if params.get("needs_cuda") and device != "cuda":
        return f"{workload} needs a GPU: run with device cuda (it is not part of CPU/CI runs)"
    if "data_dir" in params:
        sub = "cifar-10-batches-py" if params.get("n_classes") == 10 else "cifar-100-python"
        root = Path(params["data_dir"])
        if not ((root / sub).is_dir() or (root / "test_batch").exists() or (root / "test").exists()):
            return f"{workload}: CIFAR data not found under {root} (expects {sub}/ in the python format)"
    return None


def failed_result(spec: RunSpec, error: str) -> dict:
    """The row of a run that raised: identity, config and the error."""
    return {"workload": spec.workload, "family": spec.family, "activation": spec.activation, "alpha": spec.alpha,
            "label": spec.label, "seed": spec.seed, "device": spec.device, "status": "failed", "error": error,
            "config": {"params": spec.params, "seed": spec.seed}, "curves": []}


def describe_error(exc: BaseException | None, message: str | None) -> str:
    """A one-paragraph error for a failed run (exception type, text and the last frame)."""
    if exc is None:
        return message or "task failed"
    tb = traceback.extract_tb(exc.__traceback__)
    where = f" at {os.path.basename(tb[-1].filename)}:{tb[-1].lineno}" if tb else ""
    return f"{type(exc).__name__}: {exc}{where}"


def publish_suite(db: str, suite_id: str, out_dir: str) -> dict:
    """Write helu_published for the suite, plus <out_dir>/<suite_id>/{summary.md, summary.json, curves.png}."""
    with connect(db) as con:
        rows = published_rows(store.suite_runs(con, suite_id))
        store.publish(con, suite_id, rows)
        curves = store.suite_curves(con, suite_id)
    folder = Path(out_dir) / suite_id
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "summary.md").write_text(f"# HeLU benchmark {suite_id}\n\n" + markdown_table(rows))
    (folder / "summary.json").write_text(json.dumps(rows, indent=1, default=str))
    paths = {"markdown": str(folder / "summary.md"), "json": str(folder / "summary.json")}
    if curves.height:
        baselines = {}
        for r in rows:
            if r["activation"] == "linear_operator" and r["score_mean"] is not None:
                baselines.setdefault(r["workload"], {})[r["label"]] = r["score_mean"]
        paths["plot"] = str(plot_curves(curves, folder / "curves.png", baselines))
    return {"rows": rows, "paths": paths}


@task(name="helu-train", task_run_name="helu {spec.workload} {spec.label} seed={spec.seed}", cache_policy=NO_CACHE)
def train_task(spec: RunSpec, data: dict | None = None) -> dict:
    """One benchmark run on whichever worker the task runner picks (no warehouse access)."""
    return run_one(spec, data)


@task(name="helu-routing-data", cache_policy=NO_CACHE)
def routing_data_task(db: str, encoder: str | None, max_texts: int) -> tuple[dict | None, str | None]:
    """Embeddings and correctness labels from the warehouse, or the reason the routing workload is skipped."""
    with connect(db) as con:
        return store.read_routing_data(con, encoder=encoder, max_texts=max_texts)


@task(name="helu-start-suite", cache_policy=NO_CACHE)
def start_suite_task(db: str, suite_id: str, quick: bool, runner: str, device: str, seeds: list[int],
                     config: dict, flow_run_id: str | None) -> None:
    """Insert the suite row (status running)."""
    with connect(db) as con:
        store.start_suite(con, suite_id=suite_id, quick=quick, runner=runner, device=device, seeds=seeds,
                          config=config, flow_run_id=flow_run_id)


@task(name="helu-workload-status", cache_policy=NO_CACHE)
def workload_status_task(db: str, suite_id: str, workload: str, family: str, status: str, n_planned: int,
                         reason: str | None = None) -> None:
    """Record a workload's status (planned, skipped with its reason, or its outcome)."""
    with connect(db) as con:
        store.set_workload(con, suite_id=suite_id, workload=workload, family=family, status=status,
                           n_planned=n_planned, reason=reason)


@task(name="helu-store-runs", cache_policy=NO_CACHE)
def store_runs_task(db: str, suite_id: str, results: list[dict]) -> list[str]:
    """Write finished (or failed) runs to helu_runs / helu_epochs, one transaction each; returns their run_ids."""
    with connect(db) as con:
        return [store.write_run(con, suite_id, r) for r in results]


@task(name="helu-finish-suite", cache_policy=NO_CACHE)
def finish_suite_task(db: str, suite_id: str, status: str) -> None:
    """Close the suite row."""
    with connect(db) as con:
        store.finish_suite(con, suite_id, status)


@task(name="helu-publish", cache_policy=NO_CACHE)
def publish_task(db: str, suite_id: str, out_dir: str) -> dict:
    """The published table, markdown, JSON and PNG of a suite."""
    return publish_suite(db, suite_id, out_dir)
