"""Prefect flow publish_selection: resolve the serving operators -> materialise predictions -> evaluate routing on
held-out prompts -> write tables, plots, summary and report -> table and markdown artifacts."""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE

from tasks.selection import publish as pub
from tasks.config import load_config
from warehouse import connect, default_db_path


@task(name="resolve-operators", cache_policy=NO_CACHE)
def resolve_task(db: str, encoder: str | None, method: str | None) -> dict:
    """The (encoder, method) whose current operators are published."""
    from warehouse.selection import operator_configs

    with connect(db, read_only=True) as con:
        return pub.resolve(operator_configs(con), encoder, method)


@task(name="materialise-predictions", cache_policy=NO_CACHE)
def materialise_task(db: str, cfg: dict) -> dict:
    """Every prompt x model prediction of the current operators (skipped when unchanged)."""
    return pub.materialise(db, cfg)   # the file is open only to read, then to write the predictions


@task(name="evaluate-routing", cache_policy=NO_CACHE)
def evaluate_task(db: str, cfg: dict, pools: list[str] | None = None) -> dict:
    """Held-out routing policies and per-task accuracy per benchmark."""
    return pub.evaluate(db, cfg, pools)   # the pools whose predictions changed (and any never evaluated)


@task(name="write-publication", cache_policy=NO_CACHE)
def write_task(db: str, out: str, cfg: dict) -> dict:
    """Tables, plots, summary.md, report.html, manifest.json; the publication is logged."""
    return pub.write_publication(db, out, cfg)


@task(name="publish-artifacts", cache_policy=NO_CACHE)
def artifacts_task(result: dict) -> list[str]:
    """Prefect artifacts: the best models per task and the routing comparison (tables) and the summary (markdown)."""
    import pyarrow.parquet as pq
    from tasks.selection.report_recommend import top_per_task

    out = Path(result["out"])
    by_task = pq.read_table(out / "tables" / "selection_by_task.parquet").to_pylist()
    heldout = pq.read_table(out / "tables" / "selection_heldout.parquet").to_pylist()
    routing = pq.read_table(out / "tables" / "selection_routing.parquet").to_pylist()
    keep = ("benchmark", "policy", "n_test", "expected_accuracy", "observed_accuracy", "mean_cost_usd",
            "accuracy_vs_best_single", "cost_vs_best_single")
    return [str(create_table_artifact(table=top_per_task(by_task, heldout), key="selection-by-task",
                                      description="Best three models per task (predicted / observed accuracy "
                                                  "on held-out prompts)")),
            str(create_table_artifact(table=[{k: r[k] for k in keep} for r in routing], key="selection-routing",
                                      description="Held-out routing policies vs the best single model")),
            str(create_markdown_artifact(markdown=(out / "summary.md").read_text(), key="selection-summary",
                                         description=f"Selection summary, watermark {result['watermark']}"))]


@flow(name="publish_selection", log_prints=True)
def publish_selection(out: str | None = None, db: str | None = None, encoder: str | None = None,
                      method: str | None = None, config: str | None = None) -> dict:
    """Publish the selection tables of the current operators to OUT; returns the publication's summary. CONFIG
    (the taskspace.toml of `taskspace run`) gives out, db and the encoder unless they are passed."""
    logger = get_run_logger()
    if config is not None:
        settings = load_config(config)
        out, db = out or settings.out, db or settings.db
        encoder = encoder or settings.operators.encoder_key
    out, db = out or "out/selection", db or default_db_path()
    connect(db).close()   # migrate; each step then opens the file only for its short reads and writes
    cfg = resolve_task(db, encoder, method)
    mat = materialise_task(db, cfg)
    evaluate_task(db, cfg, mat["pools_changed"])
    result = write_task(db, out, cfg)
    artifacts_task(result)
    logger.info("published %d files to %s (watermark %s, fingerprint %s)", len(result["files"]), out,
                result["watermark"], result["fingerprint"][:12])
    return {"materialised": mat, **result}
