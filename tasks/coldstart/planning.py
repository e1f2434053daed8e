"""`taskspace coldstart plan`: the prompts a new model should answer on a benchmark, chosen from the pool's labels,
stored in the warehouse and written as JSONL or CSV for a user's harness."""
from __future__ import annotations

import csv
import json
from pathlib import Path

import numpy as np

from tasks.coldstart import adaptive
from tasks.coldstart.plan import STRATEGIES, plan
from tasks.coldstart.prior import ability_prior, pool_scores, scores_of
from tasks.model_links import name_key
from tasks.sources import LM_EVAL_FORMATS, lm_eval

DEFAULT_STRATEGY = "difficulty"   # category x quartile of the known models' success: best measured (README)


class PlanError(ValueError):
    """A plan that cannot be made (unknown benchmark, no known models, bad budget)."""


def choose(pool: dict, budget: int, seed: int, strategy: str, exclude: str | None = None,
           first_score: float | None = None) -> tuple[np.ndarray, int, str]:
    """(prompt rows of POOL chosen, known models used, strategy used): STRATEGY over the labels of every model but
    EXCLUDE, among the prompts EXCLUDE has not answered; where it has answered some, the default is its next round
    (adaptive.next_round, at its ability under its leaderboard prior where it has one); where it has answered none
    but has a leaderboard score (FIRST_SCORE, on the pool's column) and the pool a 2PL, the default is its first
    adaptive round at the prior's ability (adaptive.first_rows)."""
    if strategy not in STRATEGIES + (adaptive.STRATEGY,):
        raise PlanError(f"unknown strategy {strategy!r} ({' | '.join(STRATEGIES + (adaptive.STRATEGY,))})")
    if budget < 1:
        raise PlanError(f"budget must be >= 1 (got {budget})")
    if not pool["prompts"]:
        raise PlanError("the benchmark has no prompts with results")
    keep = [j for j, m in enumerate(pool["models"]) if m != exclude]
    mine = pool["L"][:, pool["models"].index(exclude)] if exclude is not None else np.full(len(pool["prompts"]), np.nan)
    seen = np.flatnonzero(~np.isnan(mine))
    if strategy == adaptive.STRATEGY and not len(seen):
        raise PlanError("strategy 'adaptive' plans a model's next round: give --model, a model with results on the "
                        "benchmark (its first round: the default plan)")
    if strategy not in ("random", "stratified") and not keep:
        raise PlanError(f"strategy {strategy!r} needs known models' results on the benchmark; there are none")
    rest = np.setdiff1d(np.arange(len(pool["prompts"])), seen)
    if not len(rest):
        raise PlanError(f"{exclude} has answered every prompt of the benchmark already")
    L = pool["L"][:, keep]
    rate = np.nanmean(np.where(np.isnan(L), np.nan, L), axis=1) if keep else np.full(len(L), 0.5)
    rate = np.nan_to_num(rate, nan=0.5)
    F = np.where(np.isnan(L), rate[:, None], L) if keep else rate[:, None]
    board = pool_scores(pool.get("benchmark", ""), pool.get("leaderboard", {}))
    known_scores, own = scores_of([pool["models"][j] for j in keep], exclude, board)
    if len(seen) and strategy in (DEFAULT_STRATEGY, adaptive.STRATEGY):
        rows, used = adaptive.next_round(L, F, seen, mine[seen], rest, budget, pool["category"], seed,
                                         scores=(known_scores, own))
        return rows, len(keep), used
    if strategy == DEFAULT_STRATEGY and first_score is not None:
        items = adaptive.items_2pl(L, None)
        prior = ability_prior(items.theta, known_scores, first_score) if items is not None else None
        if prior is not None:
            return adaptive.first_rows(items, prior, rest, budget, pool["category"], seed), len(keep), adaptive.STRATEGY
    rows = plan(strategy, rest, budget, seed=seed, category=pool["category"], P=F, F=F)
    return rows, len(keep), strategy


def pool_model(models: list[str], model: str | None) -> str | None:
    """The pool's model id for MODEL: itself (any case), else its name without the org ('openai/gpt-4' for a
    model stored as 'gpt-4'), else the one whose name key (model_links.name_key) is its own or its repo name's
    ('meta-llama/Meta-Llama-3.1-8B-Instruct' for 'meta-llama-3_1-8b-instruct'); None when it has no results there."""
    if not model:
        return None
    low = {m.lower(): m for m in models}
    name = model.lower()
    keys = {name_key(m): m for m in models}
    return (low.get(name) or low.get(name.rsplit("/", 1)[-1]) or keys.get(name_key(model))
            or keys.get(name_key(model.rsplit("/", 1)[-1])))


def make_plan(db, benchmark: str, budget: int, *, model: str | None = None, seed: int = 0,
              strategy: str = DEFAULT_STRATEGY) -> dict:
    """Plan BUDGET prompts of BENCHMARK for MODEL (a model id already in the pool is left out of the known ones;
    one that has answered some prompts gets its adaptive next round; a new one with a leaderboard score on the
    benchmark its adaptive first round), store it, and return {plan_id, strategy, seed, n_known_models, first_round,
    leaderboard_score (a first round's, None: none), prompts: [rows for the file]}."""
    from warehouse import coldstart as store
    from warehouse.db import transaction, using

    with using(db) as con:
        pool = store.pool_labels(con, benchmark)
    if not pool["prompts"]:
        raise PlanError(f"benchmark {benchmark!r} has no prompts with results (see `taskspace sql \"SELECT "
                        f"DISTINCT benchmark FROM prompts\"`)")
    exclude = pool_model(pool["models"], model)
    first_score = None
    if model and exclude is None:   # a release with no results here: its own leaderboard row, if any
        with using(db) as con:
            first_score = pool_scores(benchmark, {b: {model: v} for b, v in store.hub_scores(con, model).items()}
                                      ).get(model)
    rows, n_known, strategy = choose(pool, budget, seed, strategy, exclude, first_score)
    ids = [pool["prompts"][i] for i in rows]
    with using(db, write=True) as con, transaction(con):
        plan_id = store.write_plan(con, benchmark=benchmark, model=model, strategy=strategy, budget=budget,
                                   seed=seed, prompt_ids=ids, categories=[str(pool["category"][i]) for i in rows],
                                   n_known_models=n_known)
        prompts = store.plan_file_rows(con, plan_id, LM_EVAL_FORMATS)
    return {"plan_id": plan_id, "benchmark": benchmark, "strategy": strategy, "seed": seed, "budget": budget,
            "n_known_models": n_known, "first_round": exclude is None, "leaderboard_score": first_score,
            "prompts": prompts}


def write_file(prompts: list[dict], path: str | Path) -> Path:
    """The plan's prompts as JSONL (options a list) or CSV (options a JSON string), by PATH's extension."""
    path = Path(path)
    fields = ["prompt_id", "benchmark", "item_id", "category", "text", "options", "answer"]
    if path.suffix.lower() in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8") as f:
            for p in prompts:
                f.write(json.dumps({k: p[k] for k in fields}, ensure_ascii=False) + "\n")
    elif path.suffix.lower() == ".csv":
        with path.open("w", encoding="utf-8", newline="") as f:
            w = csv.DictWriter(f, fieldnames=fields)
            w.writeheader()
            for p in prompts:
                w.writerow({k: json.dumps(p[k]) if k == "options" and p[k] is not None else p[k] for k in fields})
    else:
        raise PlanError(f"{path}: unknown plan file extension (use .jsonl or .csv)")
    return path


def lm_eval_subset(prompts: list[dict]) -> dict[str, list[int]]:
    """{task: [doc_id, ...]} of the plan's prompts whose results came from lm-eval (or the Open LLM Leaderboard
    details): lm-eval's `--samples` argument, which runs exactly those documents ({} when none did)."""
    subset: dict[str, list[int]] = {}
    for p in prompts:
        doc = lm_eval.doc_id_of(p["item_id"]) if p.get("lm_eval_source") else None
        if doc is not None:
            subset.setdefault(p["benchmark"], []).append(doc)
    return {task: sorted(set(ids)) for task, ids in sorted(subset.items())}


def write_lm_eval_subset(subset: dict[str, list[int]], path: str | Path) -> Path:
    """SUBSET as the JSON file lm-eval reads with `--samples FILE` (lm-eval >= 0.4.9)."""
    path = Path(path)
    path.write_text(json.dumps(subset) + "\n", encoding="utf-8")
    return path


def lm_eval_command(subset: dict[str, list[int]], path: str | Path, model: str | None) -> str:
    """The lm-eval command line that evaluates MODEL on exactly the planned documents of SUBSET (in PATH)."""
    pretrained = f"pretrained={model}" if model else "pretrained=ORG/MODEL"
    return (f"lm_eval --model hf --model_args {pretrained} --tasks {','.join(subset)} --samples {path} "
            f"--log_samples --output_path results/")
