"""A cold-start model's second round (tasks/coldstart/adaptive.py) is drawn where it says most about the model: at
its ability, spread over categories like the benchmark, never a prompt it answered."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import adaptive, irt


def _items(n: int = 2000, seed: int = 0) -> irt.Items:
    rng = np.random.default_rng(seed)
    return irt.Items(a=rng.uniform(0.5, 2.0, n), b=rng.normal(0.0, 2.0, n), theta=rng.normal(0, 1, 30),
                     misfit=np.zeros(30), two=True)


def test_a_strong_model_gets_harder_prompts_and_a_weak_one_easier():
    items = _items()
    n = len(items.a)
    category = np.array(["math", "law", "law", "bio"] * (n // 4), dtype=object)
    seen = np.arange(0, n, 5)   # 100 of each category quarter
    rest = np.setdiff1d(np.arange(n), seen)
    strong = adaptive.next_rows(items, seen, np.ones(len(seen)), rest, 200, category, seed=1)
    weak = adaptive.next_rows(items, seen, np.zeros(len(seen)), rest, 200, category, seed=1)
    # p = sigmoid(a theta + b): a large b is an easy item
    assert items.b[strong].mean() < items.b[rest].mean() - 0.5 < items.b[weak].mean() - 1.0
    assert not np.isin(strong, seen).any() and len(set(strong.tolist())) == 200
    share = {c: float(np.mean(category[strong] == c)) for c in ("math", "law", "bio")}
    assert share == {"math": 0.25, "law": 0.5, "bio": 0.25}   # the benchmark's own category mix


def test_information_peaks_where_the_model_is_even():
    items = irt.Items(a=np.array([1.0, 1.0, 1.0]), b=np.array([-2.0, 0.0, 2.0]), theta=np.zeros(3),
                      misfit=np.zeros(3))
    info = adaptive.information(items, 0.0)
    assert info[1] == 0.25 and abs(info[0] - info[2]) < 1e-12 and info[0] < 0.25


def _pool(n_models: int, n: int = 1200, seed: int = 0) -> dict:
    """A pool of N_MODELS known models and 'new' (which answered every 10th prompt), labels drawn from a 2PL."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.5, 2.0, n), rng.normal(0.0, 1.5, n)
    theta = np.append(rng.normal(0, 1, n_models), 2.0)
    L = (rng.random((n, n_models + 1)) < 1 / (1 + np.exp(-(a[:, None] * theta[None, :] + b[:, None])))).astype(float)
    L[np.setdiff1d(np.arange(n), np.arange(0, n, 10)), -1] = np.nan
    return {"models": [f"m{i}" for i in range(n_models)] + ["new"], "prompts": [f"p{i}" for i in range(n)],
            "category": np.array(["x", "y"] * (n // 2), dtype=object), "L": L}


def test_the_next_round_of_a_model_is_adaptive_where_a_2pl_can_be_fitted():
    from tasks.coldstart.planning import PlanError, choose
    import pytest
    pool = _pool(irt.MIN_MODELS_2PL)
    rows, known, strategy = choose(pool, 100, 0, "difficulty", exclude="new")
    assert strategy == "adaptive" and known == irt.MIN_MODELS_2PL and len(rows) == 100
    assert not np.isin(rows, np.arange(0, 1200, 10)).any()                 # never a prompt it answered
    few, _, used = choose(_pool(irt.MIN_MODELS_2PL - 1), 100, 0, "difficulty", exclude="new")
    assert used == "difficulty" and not np.isin(few, np.arange(0, 1200, 10)).any()
    with pytest.raises(PlanError, match="next round"):
        choose(pool, 100, 0, "adaptive")                                    # no model, no answers: no next round


def test_a_new_model_with_a_leaderboard_score_gets_an_adaptive_first_round_at_the_ability_it_gives():
    from tasks.coldstart.planning import choose
    pool = _pool(irt.MIN_MODELS_2PL)
    known = pool["models"][:-1]
    acc = np.nanmean(pool["L"][:, :-1], axis=0)   # each known model's score: its accuracy
    pool = {**pool, "benchmark": "mmlu-pro", "L": pool["L"][:, :-1], "models": known,
            "leaderboard": {"MMLU-PRO": dict(zip(known, acc.tolist()))}}
    strong, n, strategy = choose(pool, 60, 0, "difficulty", first_score=float(acc.max()))
    weak, _, _ = choose(pool, 60, 0, "difficulty", first_score=float(acc.min()))
    assert strategy == "adaptive" and n == irt.MIN_MODELS_2PL and len(set(strong.tolist())) == 60
    rate = np.nanmean(pool["L"], axis=1)
    assert rate[strong].mean() < rate.mean() - 0.1 < rate[weak].mean() - 0.2   # harder prompts for the strong one
    plain, _, used = choose(pool, 60, 0, "difficulty")                           # no score: the default plan
    assert used == "difficulty"
    few = {**pool, "leaderboard": {"MMLU-PRO": dict(list(zip(known, acc.tolist()))[:5])}}
    assert choose(few, 60, 0, "difficulty", first_score=0.5)[2] == "difficulty"  # 5 scored models: no line
