"""The adaptive rounds of a cold-start plan: once a new model has answered a first plan, its next prompts are drawn
where they say most about it (2PL/1PL information a^2 p (1 - p) at its ability fitted on those answers), spread over
categories in proportion to their size; a model with a leaderboard prior (tasks/coldstart/prior.py) gets its first
round that way too, at the prior's ability. Measured (README, tests/benchmarks/coldstart.py, 10 seeds): two rounds
of 30 + 70 prompts estimate MMLU-Pro accuracy to 2.09 points against 2.58 for one plan of 100 without priors;
sharper draws (the top information per category or overall, information squared or cubed, three to five rounds)
were within noise of it (README)."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import irt
from tasks.coldstart.plan import plan, stratified
from tasks.coldstart.prior import Prior, Scores, ability_prior
from tasks.operators.math import sigmoid

STRATEGY = "adaptive"   # the strategy name a second-round plan is stored and evaluated under
FIRST_SHARE = 0.3       # of a two-round budget, the first round's share (measured: 0.3 and 0.5 alike, 0.3 better)


def information(items: irt.Items, theta: float) -> np.ndarray:
    """Each item's Fisher information about the ability at THETA: a^2 p (1 - p)."""
    p = sigmoid(items.a * theta + items.b)
    return items.a ** 2 * p * (1.0 - p)


def next_rows(items: irt.Items, seen: np.ndarray, y01: np.ndarray, candidates: np.ndarray, k: int,
              category: np.ndarray, seed: int, prior: Prior | None = None) -> np.ndarray:
    """K of CANDIDATES (sorted) for a model that answered SEEN with Y01: by category, drawn in proportion to their
    information at its ability (under PRIOR, tasks/coldstart/prior.py; None: the default prior)."""
    theta, _ = irt.ability(items, np.asarray(seen), np.asarray(y01, dtype=np.float64),
                           prior=None if prior is None else prior.pair())
    return stratified(np.asarray(candidates), category, k, np.random.default_rng(seed), information(items, theta))


def first_rows(items: irt.Items, prior: Prior, candidates: np.ndarray, k: int, category: np.ndarray, seed: int
               ) -> np.ndarray:
    """K of CANDIDATES (sorted) for a model that has answered nothing but has an ability PRIOR: by category, drawn in
    proportion to their information at the prior's mean (measured, 10 seeds, MMLU-Pro: two rounds 1.58 points
    against 1.71 with the default first round, README)."""
    return stratified(np.asarray(candidates), category, k, np.random.default_rng(seed),
                      information(items, prior.mean))


def items_2pl(known01: np.ndarray, items: irt.Items | None) -> irt.Items | None:
    """The 2PL items of KNOWN01 (ITEMS when they are one), None with fewer than irt.MIN_MODELS_2PL known models."""
    if known01.shape[1] < irt.MIN_MODELS_2PL:
        return None
    return items if items is not None and items.two else irt.fit_items(known01)


def next_round(known01: np.ndarray, features: np.ndarray, seen: np.ndarray, y01: np.ndarray,
               candidates: np.ndarray, k: int, category: np.ndarray, seed: int, items: irt.Items | None = None,
               scores: Scores | None = None) -> tuple[np.ndarray, str]:
    """(K rows of CANDIDATES, strategy) for a model that answered SEEN with Y01: at its ability (next_rows) where
    the known models (KNOWN01, prompts x models, 1/0/NaN) are enough for a 2PL; with fewer (RouterBench's 11:
    measured no better, and a worse operator) the default plan among the candidates. SCORES: (the known models'
    leaderboard scores, NaN = none, and the model's own) for its ability prior (tasks/coldstart/prior.py)."""
    items = items_2pl(known01, items)
    if items is None:
        return plan("difficulty", candidates, k, seed=seed, category=category, P=features, F=features), "difficulty"
    prior = ability_prior(items.theta, *scores) if scores is not None else None
    return next_rows(items, seen, y01, candidates, k, category, seed, prior), STRATEGY


def two_rounds(known01: np.ndarray, features: np.ndarray, rows: np.ndarray, k: int, answers: np.ndarray,
               category: np.ndarray, seed: int, items: irt.Items | None = None,
               scores: Scores | None = None) -> np.ndarray:
    """The K prompts (of ROWS) two rounds choose: FIRST_SHARE by the default plan (by first_rows where SCORES give
    the model a leaderboard prior on a 2PL pool), the rest by next_round on the first round's ANSWERS (1/0 per
    prompt row; SCORES as there), as `evaluate --split coldstart` scores it."""
    two = items_2pl(known01, items)
    prior = ability_prior(two.theta, *scores) if two is not None and scores is not None else None
    n1 = max(1, int(round(FIRST_SHARE * k)))
    first = first_rows(two, prior, rows, n1, category, seed) if prior is not None else plan(
        "difficulty", rows, n1, seed=seed, category=category, P=features, F=features)
    second, _ = next_round(known01, features, first, answers[first], np.setdiff1d(rows, first), k - len(first),
                           category, seed + 1, two or items, scores)
    return np.sort(np.concatenate([first, second]))
