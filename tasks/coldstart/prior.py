"""A cold-start model's ability prior from its leaderboard score on the same benchmark: the known models' abilities
(irt.Items.theta) regressed on their scores, the new model's score put through the line, the residual spread as the
prior's sd. A public score (the Open LLM Leaderboard's MMLU-PRO column, a different setup than TIGER's CoT runs)
says where the model stands before it answers anything; its K answers then move it. Measured (README, 10 seeds,
MMLU-Pro, two rounds of 100, the first drawn at the prior's ability): 1.26 points MAE for the 19 models with a
leaderboard row (1.58 over all 22, 2.09 without priors); in a harness a prior half as wide (2.15) or twice as wide
(1.99) was worse than 1.78."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from tasks.model_links import name_key

MIN_PRIOR_MODELS = 8   # known models with a score needed to fit the line (fewer: the default prior)
Scores = tuple[np.ndarray, "float | None"]   # (known models' scores in the items' order, NaN = none; the model's own)
_LEADERBOARD_TASK = re.compile(r"^leaderboard-")   # lm-eval's Open LLM Leaderboard tasks: leaderboard_mmlu_pro


@dataclass(frozen=True)
class Prior:
    """N(mean, sd^2) on the ability, from the model's SCORE and a line fitted on N_MODELS known models' scores
    (KNOWN: every known model's score in the items' order, NaN = none)."""
    mean: float
    sd: float
    score: float
    n_models: int
    known: tuple[float, ...] = ()

    def pair(self) -> tuple[float, float]:
        """(mean, sd), as irt.ability takes it."""
        return self.mean, self.sd

    def on(self, theta: np.ndarray, models: np.ndarray) -> "Prior | None":
        """The same score's prior on another item model's abilities THETA of the known MODELS (their positions in
        KNOWN): the line refitted on them (None where too few of them have a score)."""
        return ability_prior(theta, np.asarray(self.known, dtype=np.float64)[np.asarray(models)], self.score)


def same_benchmark(pool: str, leaderboard_benchmark: str) -> bool:
    """Whether a leaderboard column measures the pool's benchmark: equal name keys, an lm-eval 'leaderboard_' task
    prefix dropped ('mmlu-pro' and 'leaderboard_mmlu_pro' are 'MMLU-PRO')."""
    return _LEADERBOARD_TASK.sub("", name_key(pool)) == _LEADERBOARD_TASK.sub("", name_key(leaderboard_benchmark))


def usable(known_scores: np.ndarray, score: float | None) -> bool:
    """Whether a line can be fitted and used: a SCORE, and at least MIN_PRIOR_MODELS known scores (NaN = none)
    that vary."""
    x = np.asarray(known_scores, dtype=np.float64)
    x = x[np.isfinite(x)]
    return score is not None and bool(np.isfinite(score)) and len(x) >= MIN_PRIOR_MODELS and float(np.ptp(x)) > 0


def ability_prior(theta: np.ndarray, known_scores: np.ndarray, score: float | None) -> Prior | None:
    """The prior of a model with leaderboard SCORE (None/NaN: none) from the known models' abilities THETA and
    scores KNOWN_SCORES (NaN = none; same order): least squares theta ~ c0 + c1 score on those with a score, sd the
    residuals' (n - 2 degrees of freedom), capped at the abilities' spread. None without a score, with fewer than
    MIN_PRIOR_MODELS scored known models, or when their scores do not vary."""
    if not usable(known_scores, score):
        return None
    theta, known_scores = np.asarray(theta, dtype=np.float64), np.asarray(known_scores, dtype=np.float64)
    have = np.isfinite(known_scores)
    x, t = known_scores[have], theta[have]
    c1, c0 = np.polyfit(x, t, 1)
    resid = t - (c0 + c1 * x)
    sd = float(np.sqrt(resid @ resid / (len(x) - 2)))
    return Prior(float(c0 + c1 * score), max(min(sd, float(theta.std())), 1e-3), float(score), int(len(x)),
                 tuple(known_scores.tolist()))


def pool_scores(pool: str, leaderboard: dict[str, dict[str, float]]) -> dict[str, float]:
    """{model: score} of POOL's models in the leaderboard column that measures POOL (same_benchmark; {} when none)
    of LEADERBOARD ({leaderboard benchmark: {model: score}}: warehouse.coldstart.pool_labels' leaderboard)."""
    match = [b for b in sorted(leaderboard) if same_benchmark(pool, b)]
    return dict(leaderboard[match[0]]) if match else {}


def scores_of(models: list[str], model: str, scores: dict[str, float]) -> Scores:
    """(the known MODELS' scores in order, NaN = none; MODEL's own or None) from SCORES ({model: leaderboard score
    on the pool's benchmark}: pool_scores)."""
    return np.array([scores.get(m, np.nan) for m in models], dtype=np.float64), scores.get(model)
