"""`taskspace select` (rank models for prompts, a file of prompts, a described task or a warehouse task) and
`taskspace publish` (the selection tables, report and plots). Heavy imports stay inside the commands."""
from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Optional

import typer

from flows.cli_app import State, app, cell, emit, guarded


def read_prompts(path: Path) -> list[str]:
    """Prompts from a .txt file (one per non-empty line) or .jsonl (a string or an object with prompt/text)."""
    lines = [ln for ln in path.read_text().splitlines() if ln.strip()]
    if path.suffix.lower() != ".jsonl":
        return [ln.strip() for ln in lines]
    out = []
    for n, ln in enumerate(lines, 1):
        obj = json.loads(ln)
        text = obj if isinstance(obj, str) else obj.get("prompt", obj.get("text")) if isinstance(obj, dict) else None
        if not isinstance(text, str) or not text.strip():
            raise typer.BadParameter(f"{path}:{n}: expected a string or an object with 'prompt' or 'text'",
                                     param_hint="--file")
        out.append(text)
    return out


@app.command("select")
def select_cmd(
    prompt: Optional[str] = typer.Argument(None, help="The prompt to rank models for."),
    file: Optional[Path] = typer.Option(None, "--file", exists=True, dir_okay=False,
                                        help="Prompts to rank in batch: .txt (one per line) or .jsonl."),
    as_task: bool = typer.Option(False, "--as-task", help="Treat the prompts given as examples of one task and rank "
                                                          "models for the task (mean over the examples)."),
    task: Optional[str] = typer.Option(None, "--task", help="A warehouse task, BENCHMARK or BENCHMARK/CATEGORY: its "
                                                            "published ranking (needs `taskspace publish`)."),
    top: Optional[int] = typer.Option(None, "--top", min=1, help="Show the best K models."),
    max_cost: Optional[float] = typer.Option(None, "--max-cost", min=0, help="Leave out models whose expected cost "
                                             "per prompt (USD) is above this or unknown."),
    models: Optional[str] = typer.Option(None, "--models", help="Only these models: comma-separated globs; a plain "
                                         "word matches as a substring."),
    benchmark: Optional[str] = typer.Option(None, "--benchmark", help="Rank the models of this pool (a benchmark; "
                                            "'all': every (model, pool), probabilities of different pools side by "
                                            "side). Default: each prompt goes to the pool whose prompt centroid "
                                            "is nearest (the answer says which and why)."),
    margin: float = typer.Option(0.95, "--margin", min=0, max=1, help="Report the cheapest model within this share "
                                 "of the best predicted success."),
    encoder: Optional[str] = typer.Option(None, help="Operator encoder (default: the served one)."),
    method: Optional[str] = typer.Option(None, help="Operator method (default: 'default')."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """The model to use for a prompt, a batch or a task: the pick first (the pool's router, as evaluated), with its
    calibrated probability, the pool it was placed in and why it is sure or not, then the models ranked.

    Columns: P(correct) is the calibrated probability that the model answers correctly; evidence is the effective
    number of training prompts like this one behind the prediction (1 / x'(G + 2I)^-1 x; a prompt among N similar
    training prompts has about N); cost is the expected USD per prompt (- when unknown). "sure" needs the prompt
    inside the pool (evidence above what 99 % of the pool's own prompts have), a held-out measurement of the
    probability (`taskspace publish`) and a lead of 0.05 over the runner-up. An answer that the filters emptied
    exits 3 with the reason."""
    t0 = time.perf_counter()
    if sum(x is not None for x in (prompt, file, task)) != 1:
        raise typer.BadParameter("give exactly one of PROMPT, --file or --task")
    texts = read_prompts(file) if file else [prompt] if prompt is not None else []
    if (file or prompt is not None) and not texts:
        raise typer.BadParameter(f"{file} holds no prompts", param_hint="--file")
    import numpy as np

    from flows.select_text import select_text
    from tasks.selection import select as sel
    from tasks.selection.answer import assess
    from tasks.selection.publish import load_serving, resolve
    from warehouse import connect
    from warehouse.selection import heldout_calibration, operator_configs, read_grams

    try:
        con = connect(State.db, read_only=True)
    except FileNotFoundError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    with con:
        try:
            cfg = resolve(operator_configs(con), encoder, method)
        except ValueError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)
        if task:
            out = _task_ranking(con, cfg, task, models, max_cost, margin, top)
        else:
            sv = load_serving(con, cfg, confidence=False)
            sel.attach_eigs(sv, read_grams(con, cfg["encoder"], sorted(set(sv.models))))
            bins = heldout_calibration(con, cfg["encoder"], cfg["method"])
    if not task:
        t1 = time.perf_counter()
        X = _embed(cfg, texts)
        t2 = time.perf_counter()
        chars = np.array([len(t) for t in texts])
        placed, why = sel.place(sv, X.mean(0, keepdims=True) if as_task else X) if benchmark is None else \
            ([benchmark] * (1 if as_task else len(texts)), [{"rule": "--benchmark"}] * len(texts))
        placed = [p or sel.pool_columns(sv, None, models, max_cost is not None)[1] for p in placed]
        if as_task:
            cols, pool = sel.pool_columns(sv, placed[0], models)
            _need(cols, models, pool)
            ranked = sel.rank_task(sv, cols, X=X, chars=chars)
            ranked = [r for r in ranked if max_cost is None or (r["expected_cost_usd"] or float("inf")) <= max_cost]
            out = {"task": f"{len(texts)} example prompts", "n_examples": len(texts), "models": ranked[:top],
                   "pool": pool, "placed_by": why[0], "n_models": int(len(cols))}
        else:
            blocks = [None] * len(texts)
            near = _nearness(cfg | {"pools": sv.pool_of}, X, placed)
            for pool in sorted(set(placed)):
                rows = np.array([i for i, p in enumerate(placed) if p == pool])
                cols, pool = sel.pool_columns(sv, pool, models)
                _need(cols, models, pool)
                for i, b in zip(rows, sel.rank_rows(sv, X[rows], chars[rows], cols, top, max_cost, margin, pool)):
                    blocks[i] = {"prompt": texts[i], "pool": pool, "placed_by": why[i], "n_models": int(len(cols)),
                                 **b, "assessment": assess(b, sv.routers, bins.get(pool), near[i], pool)}
            out = blocks[0] if prompt is not None else {"n_prompts": len(texts), "prompts": blocks,
                                                        "pool": ",".join(sorted(set(placed)))}
        out["seconds"] = {"load": round(t1 - t0, 3), "embed": round(t2 - t1, 3)}
    out.update(encoder=cfg["encoder"], method=cfg["method"])
    _explain_empty(out, max_cost, models)
    out.setdefault("seconds", {})["total"] = round(time.perf_counter() - t0, 3)
    emit(out, as_json, select_text(out))


EMPTY_ANSWER = 3   # exit code of an answer every filter emptied


def _explain_empty(out: dict, max_cost: float | None, models: str | None) -> None:
    """Exit EMPTY_ANSWER with the reason when a filter left no model to recommend for some prompt or the task."""
    blocks = out.get("prompts") or [out]
    empty = [b for b in blocks if not b.get("models")]
    if not empty:
        return
    b = empty[0]
    ex = b.get("excluded") or {}
    why = [f"--max-cost {max_cost} left out {ex.get('over_max_cost', 0)} model(s) that cost more and "
           f"{ex.get('unknown_cost', 0)} whose cost is unknown" if max_cost is not None else None,
           f"--models {models!r}" if models else None]
    hint = []
    if max_cost is not None:
        hint.append("a higher --max-cost" + ("" if ex.get("over_max_cost") else
                                             ", or --benchmark with a pool that has costs"))
    if models:
        hint.append("other --models patterns (the pool's models: taskspace select --task "
                    f"{b.get('pool')})")
    typer.echo(f"no model to recommend for {len(empty)} of {len(blocks)} prompt(s) in pool {b.get('pool')!r}: "
               + "; ".join(w for w in why if w) + f" (try {' or '.join(hint)})", err=True)
    raise typer.Exit(EMPTY_ANSWER)


def _nearness(cfg: dict, X, placed: list[str]) -> list[dict[str, float]]:
    """Per prompt: {pool: its cosine to the nearest prompt of the pool} for every pool of the operators (empty
    when placed in 'all')."""
    import numpy as np

    from tasks.operators.domain import nearest
    from warehouse import connect
    from warehouse.selection import prompt_vectors

    if all(p == "all" for p in placed):
        return [{} for _ in placed]
    with connect(State.db, read_only=True) as con:
        ids, pools, V = prompt_vectors(con, cfg["encoder"], cfg.get("fields") or "text", sorted(set(cfg["pools"])))
    pools = np.asarray(pools, dtype=object)
    near = {p: nearest(X, V[pools == p]) for p in sorted(set(pools))}
    return [{} if placed[i] == "all" else {p: float(v[i]) for p, v in near.items()} for i in range(len(placed))]


def _need(cols, models: str | None, pool: str) -> None:
    """Fail with a clear message when no model is left to rank."""
    if not len(cols):
        raise typer.BadParameter(f"no model {'matches --models ' + repr(models) + ' ' if models else ''}in pool "
                                 f"{pool!r}")


def _embed(cfg: dict, texts: list[str]):
    """Vectors of TEXTS with the operators' encoder (its stored path when it exists, else the bundled model): a few
    texts in numpy for BERT mean-pooling encoders (fast cold start), else through sentence-transformers."""
    from tasks.embedding.embed import EncoderConfig, compose, default_model_path, embed_texts
    from tasks.selection.query_encoder import QueryEncoder

    path = cfg.get("path") if cfg.get("path") and Path(cfg["path"]).exists() else default_model_path()
    enc = EncoderConfig(cfg["encoder"], path, cfg.get("fields") or "text", cfg.get("precision") or "auto")
    texts = [compose(t, None, enc.fields) for t in texts]
    if len(texts) <= QueryEncoder.MAX_TEXTS and QueryEncoder.supports(path):
        return QueryEncoder(path).encode(texts)
    return embed_texts(texts, enc)


def _task_ranking(con, cfg: dict, task: str, models: str | None, max_cost: float | None, margin: float,
                  top: int | None) -> dict:
    """The published ranking of a warehouse task, filtered, with the cheapest model within MARGIN of the best."""
    import numpy as np

    from tasks.selection.select import cheapest_within, matches
    from warehouse.db import query

    cur = query(con, "selection_task", encoder=cfg["encoder"], method=cfg["method"], task=task)
    cols = [d[0] for d in cur.description]
    rows = [dict(zip(cols, r)) for r in cur.fetchall()]
    if not rows:
        known = [t for (t,) in query(con, "selection_tasks", encoder=cfg["encoder"], method=cfg["method"]).fetchall()]
        raise typer.BadParameter(f"no published ranking for {task!r}; known tasks: {', '.join(known) or 'none '}"
                                 f"{'' if known else '(run `taskspace publish` first)'}", param_hint="--task")
    if models:
        rows = [r for r in rows if matches(r["model_id"], models)]
    if max_cost is not None:
        rows = [r for r in rows if r["mean_cost_usd"] is not None and r["mean_cost_usd"] <= max_cost]
    for i, r in enumerate(rows):
        r["rank"] = i + 1
    cheap = None
    if rows:
        acc = np.array([r["predicted_accuracy"] for r in rows])
        cost = np.array([np.nan if r["mean_cost_usd"] is None else r["mean_cost_usd"] for r in rows])
        k = cheapest_within(acc, cost, margin)
        cheap = None if k is None else {"margin": margin, **rows[k]}
    return {"task": task, "pool": task.split("/")[0], "n_models": len(rows), "models": rows[:top] if top else rows,
            "cheapest_within_margin": cheap}


@app.command("publish")
def publish_cmd(
    out: Path = typer.Option(Path("out/selection"), "--out", help="Folder for tables, plots, summary and report."),
    encoder: Optional[str] = typer.Option(None, help="Operator encoder (default: the served one)."),
    method: Optional[str] = typer.Option(None, help="Operator method (default: 'default')."),
    flow: bool = typer.Option(True, "--flow/--no-flow", help="Run as the Prefect flow publish_selection (creates "
                                                             "artifacts) or directly."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object."),
):
    """Write the selection tables (Parquet, CSV), summary.md, report.html and PNG plots, and log the publication."""
    try:
        if flow:
            from flows.publish_selection import publish_selection
            from tasks.prefect_server import prefect_api
            from tasks.selection.publish import resolve
            from warehouse import connect
            from warehouse.selection import operator_configs
            with connect(State.db, read_only=True) as con:   # nothing to publish: one line, before Prefect starts
                resolve(operator_configs(con), encoder, method)
            with guarded(), prefect_api():
                result = publish_selection(out=str(out), db=State.db, encoder=encoder, method=method)
        else:
            from tasks.selection.publish import publish
            from warehouse import connect
            connect(State.db).close()   # migrate; publish then opens the file only to read and to write
            result = publish(State.db, out, encoder, method)
    except (ValueError, FileNotFoundError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2)
    n = result["numbers"]
    lines = [f"published {len(result['files'])} files to {out} (watermark {result['watermark']}, "
             f"fingerprint {result['fingerprint'][:12]})",
             "rows: " + ", ".join(f"{k} {v}" for k, v in result["rows"].items()),
             f"predicted vs observed per category: r = {cell(n['correlation_by_category'], '.4f')} (all prompts), "
             f"{cell(n['correlation_by_category_heldout'], '.4f')} (held-out)"]
    for bench, pol in n["routing"].items():
        lines += [f"{bench} {name}: accuracy {p['observed_accuracy']:.3f}, cost {cell(p['mean_cost_usd'], '.2e')}"
                  for name, p in pol.items()]
    emit(result, as_json, "\n".join(lines))
