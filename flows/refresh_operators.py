"""Prefect flow refresh_operators: embed new prompt texts, fold new results into the statistics, refit what changed."""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from tasks import operators as ops
from tasks import refresh as rf
from tasks.config import load_config
from tasks.embedding.embed import EncoderConfig, embed_missing
from tasks.events import OPERATORS_REFIT, announce
from warehouse import connect, default_db_path


@task(name="embed-new-texts", cache_policy=NO_CACHE)
def embed_task(db: str, cfg: EncoderConfig) -> dict:
    """Vectors for every prompt text the encoder has not embedded."""
    return embed_missing(db, cfg, progress=False)   # the warehouse is open only to read and write each page


@task(name="fold-results", cache_policy=NO_CACHE)
def fold_task(db: str, cfg: EncoderConfig, rebuild: bool = False) -> dict:
    """Statistics brought up to the latest results (texts of results that arrived meanwhile are embedded too)."""
    return rf.fold_embedding_late_texts(db, cfg, rebuild=rebuild, progress=False)


@task(name="refit-operators", cache_policy=NO_CACHE)
def refit_task(db: str, encoder: str, specs: list[ops.MethodSpec], everything: bool = False) -> dict:
    """New operator versions for the models whose statistics changed (every model when EVERYTHING)."""
    return rf.refit(db, encoder, specs, everything=everything)   # fits with no connection held


@flow(name="refresh_operators", log_prints=True)
def refresh_operators(db: str | None = None, encoder: str = "all-MiniLM-L6-v2", encoder_path: str | None = None,
                      fields: str = "text", precision: str = "auto", lam: float = 1.0, eps: float = 0.1,
                      rebuild: bool = False, config: str | None = None) -> dict:
    """Counts of one refresh: {embedded, operators_refit, ...}; the paper's operator at (LAM, EPS), the default at
    EPS; a change of either refits every model; REBUILD recomputes all statistics and operators. CONFIG (the
    taskspace.toml of `taskspace run`) overrides encoder, fields, precision, lam and eps, and gives db unless DB."""
    if config is not None:
        settings = load_config(config)
        db, o = db or settings.db, settings.operators
        encoder, encoder_path, fields, precision, lam, eps = (o.encoder, o.encoder_path, o.fields, o.precision,
                                                              o.lam, o.eps)
    db = db or default_db_path()
    cfg = EncoderConfig.named(encoder, encoder_path, fields=fields, precision=precision)
    connect(db).close()   # migrate once; the steps then open the file only for short reads and writes
    emb = embed_task(db, cfg)
    folded = fold_task(db, cfg, rebuild)
    fitted = refit_task(db, cfg.name, ops.stored_methods(lam, eps), rebuild)
    out = rf.summary(cfg, emb, folded, fitted)
    out["announced"] = announce(OPERATORS_REFIT, db, {"operators_refit": out["operators_refit"]})
    get_run_logger().info("refresh_operators: embedded %d texts, refit %d operators",
                          out["embedded"], out["operators_refit"])
    return out
