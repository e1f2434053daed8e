"""The evaluation's data: results as a prompts x models label matrix with the embedding of every text seen, and splits."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from tasks import operators as ops


@dataclass
class EvalData:
    """Labels Y (prompts x models, +1/-1, NaN = no result); KEY: vector row of the text each model saw;
    CANON: vector row of each prompt's canonical text; V: the vectors."""
    models: list[str]
    prompts: list[str]
    category: np.ndarray
    Y: np.ndarray
    KEY: np.ndarray
    canon: np.ndarray
    V: np.ndarray
    encoder: str = ""
    watermark: int = 0
    C: np.ndarray | None = None   # cost in USD (prompts x models), NaN = unknown

    def X(self, rows: np.ndarray) -> np.ndarray:
        """Canonical vectors of prompt rows (what a router sees for a new prompt)."""
        return self.V[self.canon[rows]]


def benchmarks(con) -> list[str]:
    """Benchmarks with results, the one with most results first."""
    from warehouse.db import query
    return [r[0] for r in query(con, "eval_benchmarks").fetchall()]


def load(con, encoder: str, benchmark: str | None = None) -> EvalData:
    """Every result and prompt (of BENCHMARK; None: all) with its vectors under ENCODER (ValueError if some are
    missing)."""
    from warehouse.db import query
    from warehouse.embeddings import read_vectors

    res = query(con, "eval_results", encoder=encoder, benchmark=benchmark).fetchnumpy()
    pr = query(con, "eval_prompts", encoder=encoder, benchmark=benchmark).fetchnumpy()
    if len(res["model_id"]) == 0:
        raise ValueError(f"no results with prompts embedded by {encoder!r} (run `taskspace refresh` first)")
    keys, V = read_vectors(con, encoder, list(set(res["key"].tolist()) | set(pr["key"].tolist())))
    kidx = {k: i for i, k in enumerate(keys)}
    missing = (set(res["key"].tolist()) | set(pr["key"].tolist())) - kidx.keys()
    if missing:
        raise ValueError(f"{len(missing)} texts have no {encoder!r} vector (run `taskspace refresh` first)")
    models = sorted(set(res["model_id"].tolist()))
    prompts = pr["prompt_id"].tolist()
    pidx, midx = {p: i for i, p in enumerate(prompts)}, {m: j for j, m in enumerate(models)}
    Y = np.full((len(prompts), len(models)), np.nan)
    KEY = np.full((len(prompts), len(models)), -1, dtype=np.int64)
    r = np.array([pidx[p] for p in res["prompt_id"].tolist()])
    c = np.array([midx[m] for m in res["model_id"].tolist()])
    Y[r, c] = res["y"].astype(np.float64)
    C = np.full_like(Y, np.nan)
    C[r, c] = np.array([np.nan if v is None else v for v in res["cost_usd"].tolist()], dtype=np.float64)
    KEY[r, c] = [kidx[k] for k in res["key"].tolist()]
    wm = query(con, "results_watermark").fetchall()[0][0]
    return EvalData(models, prompts, np.asarray(pr["category"].tolist(), dtype=object), Y, KEY,
                    np.array([kidx[k] for k in pr["key"].tolist()]), V, encoder, int(wm), C)


SPLITS = ("id", "id-cv", "loo-category", "new-models")
ALIASES = {"ood": "loo-category"}


@dataclass
class Fold:
    """Prompt rows to fit on (train), to tune on (val), to score (test); NEW marks models added after the others."""
    name: str
    train: np.ndarray
    val: np.ndarray
    test: np.ndarray
    new: np.ndarray | None = None


def _train_val(rows: np.ndarray, rng: np.random.Generator, n_val: int) -> tuple[np.ndarray, np.ndarray]:
    """(train, val): N_VAL rows of ROWS drawn at random for validation, the rest for training (both sorted)."""
    perm = rng.permutation(rows)
    return np.sort(perm[n_val:]), np.sort(perm[:n_val])


def splits(data: EvalData, split: str, seed: int = 0, k: int = 5, new_share: float = 0.2) -> list[Fold]:
    """The folds of SPLIT: 'id' = one random 80/10/10 train/val/test split of the prompts; 'id-cv' = K folds, each
    prompt tested once (val: 10 % of the prompts drawn from the rest); 'loo-category' (alias 'ood') = leave one
    category out (val: 10 % of the other prompts); 'new-models' = the 'id' split, with a seeded NEW_SHARE of the
    models added after the others (their operators fitted without touching the rest)."""
    split = ALIASES.get(split, split)
    n = len(data.prompts)
    if n < 20:
        raise ValueError(f"{n} prompts with results: too few to hold out 10 % for validation and 10 % for test")
    n10 = int(round(0.1 * n))
    rng = np.random.default_rng(seed)
    if split in ("id", "new-models"):
        perm = rng.permutation(n)
        fold = Fold(split, np.sort(perm[2 * n10:]), np.sort(perm[n10:2 * n10]), np.sort(perm[:n10]))
        if split == "new-models":
            m = len(data.models)
            fold.new = np.zeros(m, dtype=bool)
            fold.new[rng.choice(m, max(1, int(round(new_share * m))), replace=False)] = True
        return [fold]
    if split == "id-cv":
        parts = np.array_split(rng.permutation(n), k)
        return [Fold(f"fold{i}", *_train_val(np.concatenate(parts[:i] + parts[i + 1:]), rng, n10), np.sort(p))
                for i, p in enumerate(parts)]
    if split == "loo-category":
        return [Fold(str(c), *_train_val(np.flatnonzero(data.category != c), rng, n10),
                     np.flatnonzero(data.category == c)) for c in sorted(set(data.category.tolist()))]
    raise ValueError(f"unknown split {split!r} ({' | '.join(SPLITS)})")


def model_stats(data: EvalData, rows: np.ndarray) -> tuple[list[ops.Stats], list[str]]:
    """Statistics of every model on the prompt rows ROWS, and each model's prompt-set signature (equal => equal G)."""
    stats, sigs, gram = [], [], {}
    for j in range(len(data.models)):
        r = rows[~np.isnan(data.Y[rows, j])]
        keys, y = data.KEY[r, j], data.Y[r, j]
        sig = hashlib.sha256(keys.tobytes()).hexdigest()[:16]   # rows in order: equal => equal X
        X = data.V[keys].astype(np.float64)
        if sig not in gram:
            gram[sig] = X.T @ X
        stats.append(ops.Stats(gram[sig], X.T @ y, float(len(y)), X.sum(0), float(y.sum())))
        sigs.append(sig)
    return stats, sigs


def train_rows(data: EvalData, rows: np.ndarray, j: int) -> tuple[np.ndarray, np.ndarray]:
    """(X, y) of model j on prompt rows ROWS, as the model saw them."""
    r = rows[~np.isnan(data.Y[rows, j])]
    return data.V[data.KEY[r, j]].astype(np.float64), data.Y[r, j]
