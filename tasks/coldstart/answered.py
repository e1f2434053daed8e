"""The answer-rate part of a cold-start prediction, where a pool's results say whether an answer was extracted
(results.answered: MMLU-Pro's null pred). Models differ widely in how often none is (0 to 23 % of MMLU-Pro's
questions), and a single ability takes those misses for hard questions. Here P(correct) = (1 - P(no answer)) x
P(correct | answered): a 1PL of the known models' misses (each question's pull, the new model's rate) times an IRT of
their answered results (2PL with irt.MIN_MODELS_2PL known models), each ability fitted on the new model's own K
answers (the second under its leaderboard prior, refitted on this scale). The served prediction averages it with
the one ability on every label (tasks/coldstart/estimate.py). Measured (README, 10 seeds, MMLU-Pro, two rounds):
1.53 against 1.58 points at K = 100, 0.84 against 0.99 at K = 400 (2.02 against 2.09 and 1.10 against 1.14
without leaderboard priors); the two Llama 3.1 8B models, which never miss, gain most (the one ability reads the
other models' misses on a question as its difficulty)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks.coldstart import irt
from tasks.coldstart.prior import Prior
from tasks.operators.math import sigmoid

MIN_MODELS = 8           # known models with the flag on every label they have, needed to fit the two parts
MIN_NO_ANSWER = 0.001    # below this share of their labels without an answer the rate says nothing: left out


@dataclass
class Parts:
    """The two item models of the known models with flags (MODELS: their columns in the known models' order):
    ANSWERED, P(correct | an answer was extracted); MISSING, a 1PL of P(no answer)."""
    answered: irt.Items
    missing: irt.Items
    models: np.ndarray


def flagged(labels01: np.ndarray, answered01: np.ndarray) -> np.ndarray:
    """The columns of LABELS01 (prompts x models, NaN = none) whose every label has a flag in ANSWERED01 (the same
    shape, NaN = not said)."""
    return np.flatnonzero(~(~np.isnan(labels01) & np.isnan(answered01)).any(axis=0))


def fit_parts(labels01: np.ndarray, answered01: np.ndarray) -> Parts | None:
    """The Parts of the known models' LABELS01 (prompts x models, 1/0, NaN = none) and ANSWERED01 (the same shape:
    1 = an answer was extracted, 0 = none, NaN = not said), fitted on the models flagged on every label; None with
    fewer than MIN_MODELS of them or under MIN_NO_ANSWER of their labels without an answer."""
    models = flagged(labels01, answered01)
    if len(models) < MIN_MODELS:
        return None
    L, A = labels01[:, models], answered01[:, models]
    missing = np.where(np.isnan(L), np.nan, 1.0 - np.nan_to_num(A))
    if float(np.nanmean(missing)) < MIN_NO_ANSWER:
        return None
    correct_if_answered = np.where(A == 1, L, np.nan)
    return Parts(irt.fit_items(correct_if_answered), irt.fit_items(missing, two=False), models)


def usable(parts: Parts | None, answered01: np.ndarray | None) -> bool:
    """Whether the two parts apply to a model with flags ANSWERED01 on its labelled rows (all of them said)."""
    return parts is not None and answered01 is not None and not bool(np.isnan(np.asarray(answered01, float)).any())


def predict(parts: Parts, rows: np.ndarray, y01: np.ndarray, answered01: np.ndarray, prior: Prior | None = None
            ) -> np.ndarray:
    """Every prompt's (1 - P(no answer)) x P(correct | answered) for the model that answered ROWS with Y01 (1/0)
    and ANSWERED01 (1/0): its miss rate from all ROWS (the default prior), its ability on the answered ones under
    PRIOR refitted on the answered part's abilities (None: the default prior)."""
    rows, y01, answered01 = np.asarray(rows), np.asarray(y01, float), np.asarray(answered01, float)
    rate, _ = irt.ability(parts.missing, rows, 1.0 - answered01)
    got = answered01 == 1
    mine = prior.on(parts.answered.theta, parts.models) if prior is not None else None
    theta, _ = irt.ability(parts.answered, rows[got], y01[got], prior=None if mine is None else mine.pair())
    return (1.0 - sigmoid(parts.missing.a * rate + parts.missing.b)) * sigmoid(parts.answered.a * theta
                                                                               + parts.answered.b)
