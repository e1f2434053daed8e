"""Cold-start storage: a pool's label matrix, plans and their prompts, the cold-start models' estimates."""
from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from warehouse.db import query, registered
from warehouse.loads import utcnow
from warehouse.selection import run_script


def pool_labels(con: duckdb.DuckDBPyConnection, benchmark: str) -> dict:
    """{benchmark, models, prompts, category (per prompt), L (prompts x models: 1/0, NaN = no result), A (the same:
    1 = an answer was extracted, 0 = none, NaN = no result or the format does not say), leaderboard
    (leaderboard_scores)} of one pool."""
    pr = query(con, "coldstart_pool_prompts", benchmark=benchmark).fetchnumpy()
    lab = query(con, "coldstart_pool_labels", benchmark=benchmark).fetchnumpy()
    prompts = pr["prompt_id"].tolist()
    models = sorted(set(lab["model_id"].tolist()))
    pidx, midx = {p: i for i, p in enumerate(prompts)}, {m: j for j, m in enumerate(models)}
    L, A = np.full((len(prompts), len(models)), np.nan), np.full((len(prompts), len(models)), np.nan)
    if len(lab["model_id"]):
        at = ([pidx[p] for p in lab["prompt_id"].tolist()], [midx[m] for m in lab["model_id"].tolist()])
        L[at] = lab["correct"].astype(np.float64)
        A[at] = np.array([np.nan if a is None else float(a) for a in lab["answered"].tolist()])
    return {"benchmark": benchmark, "models": models, "prompts": prompts,
            "category": np.asarray(pr["category"].tolist(), dtype=object), "L": L, "A": A,
            "leaderboard": leaderboard_scores(con, benchmark)}


def answered_flags(con: duckdb.DuckDBPyConnection, benchmark: str, prompts: list[str], models: list[str]
                   ) -> np.ndarray:
    """PROMPTS x MODELS of pool BENCHMARK (in those orders): 1 = an answer was extracted, 0 = none, NaN = no result
    or the format does not say (pool_labels' A)."""
    pool = pool_labels(con, benchmark)
    pi, mi = {p: i for i, p in enumerate(pool["prompts"])}, {m: j for j, m in enumerate(pool["models"])}
    out = np.full((len(prompts), len(models)), np.nan)
    r = np.array([i for i, p in enumerate(prompts) if p in pi], dtype=np.int64)
    c = np.array([j for j, m in enumerate(models) if m in mi], dtype=np.int64)
    if len(r) and len(c):
        out[np.ix_(r, c)] = pool["A"][np.ix_([pi[prompts[i]] for i in r], [mi[models[j]] for j in c])]
    return out


def leaderboard_scores(con: duckdb.DuckDBPyConnection, benchmark: str) -> dict[str, dict[str, float]]:
    """{leaderboard benchmark: {model_id: raw score}} of pool BENCHMARK's models linked to a hub id."""
    out: dict[str, dict[str, float]] = {}
    for model, bench, score in query(con, "coldstart_leaderboard_scores", benchmark=benchmark).fetchall():
        out.setdefault(bench, {})[model] = float(score)
    return out


def hub_scores(con: duckdb.DuckDBPyConnection, hub_id: str) -> dict[str, float]:
    """{leaderboard benchmark: raw score} of HUB_ID on the Open LLM Leaderboard ({} when it has no row)."""
    return {b: float(v) for b, v in query(con, "coldstart_hub_scores", hub_id=hub_id).fetchall()}


def pool_vectors(con: duckdb.DuckDBPyConnection, encoder: str, benchmark: str, prompts: list[str]
                 ) -> tuple[np.ndarray, np.ndarray]:
    """(rows of PROMPTS whose canonical text has an ENCODER vector, those vectors) of pool BENCHMARK."""
    from warehouse.embeddings import read_vectors

    got = query(con, "coldstart_pool_keys", encoder=encoder, benchmark=benchmark).fetchnumpy()
    key = dict(zip(got["prompt_id"].tolist(), got["key"].tolist()))
    keys, V = read_vectors(con, encoder, sorted({key[p] for p in prompts if p in key}))
    pos = {k: i for i, k in enumerate(keys)}
    rows = np.array([i for i, p in enumerate(prompts) if key.get(p) in pos], dtype=np.int64)
    return rows, np.asarray(V, dtype=np.float64)[[pos[key[prompts[i]]] for i in rows]] if len(rows) else \
        np.zeros((0, 0))


def write_plan(con: duckdb.DuckDBPyConnection, *, benchmark: str, model: str | None, strategy: str, budget: int,
               seed: int, prompt_ids: list[str], categories: list[str], n_known_models: int) -> int:
    """Store a plan and its prompts (caller holds the transaction); returns its plan_id."""
    plan_id = int(query(con, "coldstart_plan_insert", benchmark=benchmark, model=model, strategy=strategy,
                        budget=budget, seed=seed, n_prompts=len(prompt_ids), n_known_models=n_known_models,
                        now=utcnow()).fetchall()[0][0])
    batch = pa.table({"position": pa.array(range(len(prompt_ids)), pa.int32()),
                      "prompt_id": pa.array(prompt_ids, pa.string()), "category": pa.array(categories, pa.string())})
    with registered(con, "plan_batch", batch):
        query(con, "coldstart_plan_prompts_insert", plan_id=plan_id)
    return plan_id


def plan_file_rows(con: duckdb.DuckDBPyConnection, plan_id: int, lm_eval_formats: tuple[str, ...]) -> list[dict]:
    """The plan's prompts with ids, text, options and answer, in plan order; lm_eval_source: which of
    LM_EVAL_FORMATS gave it results."""
    cur = query(con, "coldstart_plan_file", plan_id=plan_id, lm_eval_formats=list(lm_eval_formats))
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, r)) for r in cur.fetchall()]


def replace_estimates(con: duckdb.DuckDBPyConnection, pool: str, rows: list[dict]) -> None:
    """POOL's cold-start estimates become ROWS (none: the pool has no cold-start model any more)."""
    cols = {"model_id": pa.string(), "category": pa.string(), "n_evaluations": pa.int64(), "n_prompts": pa.int64(),
            "estimate": pa.float64(), "lo": pa.float64(), "hi": pa.float64(), "observed": pa.float64(),
            "estimator": pa.string(), "n_known_models": pa.int32(), "watermark": pa.int64(),
            "prior_score": pa.float64(), "prior_models": pa.int32()}
    batch = pa.table({c: pa.array([r[c] for r in rows], t) for c, t in cols.items()})
    with registered(con, "est_batch", batch):
        run_script(con, "coldstart_estimates_replace", pool=pool, now=utcnow())


def read_estimates(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], dict]:
    """{(model_id, pool): {n_evaluations, n_prompts, estimate, lo, hi, observed, estimator, categories: {cat: row}}}."""
    cur = query(con, "coldstart_estimates")
    cols = [d[0] for d in cur.description]
    out: dict[tuple[str, str], dict] = {}
    for r in (dict(zip(cols, row)) for row in cur.fetchall()):
        key = (r["model_id"], r["pool"])
        if r["category"] == "*":
            out[key] = r | {"categories": out.get(key, {}).get("categories", {})}
        else:
            out.setdefault(key, {"categories": {}})["categories"][r["category"]] = r
    return out
