"""The one cold-start prediction: each pool prompt's P(correct) for a model with few results there. Its own label where
it was evaluated; elsewhere p-IRT (irt.py), averaged with a model-space ridge (its labels regressed on the known
models' labels there, its unseen prompts predicted from theirs) where that is better: from 10 labels on a 1PL pool;
on a 2PL one from 150, and from 100 for a model at the pool's edge (at_edge: there the 2PL of the others predicts it
toward them); never where its ability has a leaderboard prior (tasks/coldstart/prior.py). The mean over a set of
prompts is its accuracy estimate there (coldstart_estimates), with p-IRT's interval; the cold-start operator is
fitted to the same prediction (tasks/coldstart/operator.py). Where the pool's results say whether an answer was
extracted, p-IRT is the mean of the one ability on every label and the answer-rate model (answered.py). Measured
(README, 10 seeds, MMLU-Pro, two rounds): the ridge at the edge took K = 100 from 1.53 to 1.37 points (the three
models without a leaderboard prior: 3.66 to 2.42) and, without priors, from 2.02 to 1.85; RouterBench (11 models,
1PL) the mean 2.90 against p-IRT alone 3.28 at K = 100."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import answered, irt
from tasks.coldstart.fit import ridge
from tasks.coldstart.prior import Prior
from tasks.operators.math import sigmoid

ESTIMATOR = "default"   # the name of this prediction in `evaluate --split coldstart`
MIN_LABELS_RIDGE = 10   # below this many labels the ridge has too little to fit: p-IRT alone
MIN_LABELS_RIDGE_2PL = 150   # with a 2PL, p-IRT alone is better up to K = 100 and the mean from K = 200 (README)
MIN_LABELS_RIDGE_EDGE = 100   # ... and from K = 100 for a model at the pool's edge (at_edge, README)
EDGE_SD = 1.25   # an ability this many sds of the known ones from their mean is at the pool's edge (README)


def features(known01: np.ndarray) -> np.ndarray:
    """The known models' labels (prompts x models, 1/0, NaN = none) with each gap filled by the prompt's mean
    success over the others (0.5 where no one answered): the model-space regressors."""
    rate = np.nanmean(np.where(np.isnan(known01), np.nan, known01), axis=1) if known01.size else np.zeros(0)
    rate = np.nan_to_num(rate, nan=0.5)
    return np.where(np.isnan(known01), rate[:, None], known01)


def ridge_p(F: np.ndarray, rows: np.ndarray, y01: np.ndarray) -> np.ndarray:
    """Every prompt's P(correct) from the ridge of labels Y01 on ROWS on the known models' labels F (lambda by GCV),
    clipped to [0, 1]."""
    w, c0, _ = ridge(F[rows], np.asarray(y01, dtype=np.float64))
    return np.clip(c0 + F @ w, 0.0, 1.0)


def _observed(p: np.ndarray, rows: np.ndarray, y01: np.ndarray) -> np.ndarray:
    p = np.array(p, dtype=np.float64)
    p[np.asarray(rows)] = np.asarray(y01, dtype=np.float64)
    return p


def model_space(F: np.ndarray, rows: np.ndarray, y01: np.ndarray, among: np.ndarray) -> float:
    """Accuracy over AMONG: observed labels Y01 on ROWS, elsewhere ridge_p."""
    return float(_observed(ridge_p(F, rows, y01), rows, y01)[np.asarray(among)].mean())


def at_edge(items: irt.Items, theta: float) -> bool:
    """Whether ability THETA lies at least EDGE_SD of the known models' spread from their mean: where a 2PL of the
    others extrapolates (fitted on all its labels, the two strongest MMLU-Pro models are put 2.8 and 3.3 points
    under their accuracy, README)."""
    mean, sd = irt.default_prior(items)   # the known abilities' mean and spread
    return abs(theta - mean) >= EDGE_SD * sd


def uses_ridge(items: irt.Items, F: np.ndarray, rows: np.ndarray, y01: np.ndarray, prior: Prior | None = None,
               theta: float | None = None) -> bool:
    """Whether the prediction of the model that answered ROWS with Y01 averages in the ridge: no leaderboard PRIOR
    (with one, p-IRT alone was better at every K: 1.04 against 1.48 points at K = 200, 0.90 against 1.07 at 400,
    README), some known model, and on a 1PL pool (too few known models for item slopes) at least MIN_LABELS_RIDGE
    labels; on a 2PL one at least MIN_LABELS_RIDGE_2PL, or MIN_LABELS_RIDGE_EDGE where its ability (THETA: already
    fitted under the default prior) is at_edge of the known models'."""
    if prior is not None or F.shape[1] == 0:
        return False
    if not items.two:
        return len(rows) >= MIN_LABELS_RIDGE
    if len(rows) >= MIN_LABELS_RIDGE_2PL:
        return True
    if len(rows) < MIN_LABELS_RIDGE_EDGE:
        return False
    theta = irt.ability(items, np.asarray(rows), np.asarray(y01, dtype=np.float64))[0] if theta is None else theta
    return at_edge(items, theta)


def name(items: irt.Items, F: np.ndarray, rows: np.ndarray, y01: np.ndarray, prior: Prior | None = None,
         with_rate: bool = False) -> str:
    """How the prediction of the model that answered ROWS with Y01 was made: irt2 | irt1 (p-IRT alone) or
    blend-irt2 | blend-irt1 (averaged with the ridge, uses_ridge), '+leaderboard' where the ability prior came from
    the model's leaderboard score (tasks/coldstart/prior.py), '+answered' where p-IRT averaged in the answer-rate
    model (WITH_RATE, tasks/coldstart/answered.py)."""
    return f"{'blend-' if uses_ridge(items, F, rows, y01, prior) else ''}irt{2 if items.two else 1}" + (
        "+leaderboard" if prior is not None else "") + ("+answered" if with_rate else "")


def predictions(items: irt.Items, F: np.ndarray, rows: np.ndarray, y01: np.ndarray, prior: Prior | None = None,
                parts: answered.Parts | None = None, answered01: np.ndarray | None = None) -> np.ndarray:
    """Every pool prompt's P(correct) for the model that answered ROWS with Y01 (1/0): its labels there, elsewhere
    p-IRT (its ability under PRIOR; None: the default prior; averaged with the answer-rate model PARTS where its
    flags ANSWERED01 on ROWS are all known, answered.usable), or (uses_ridge: no prior) the mean of p-IRT and
    ridge_p."""
    rows, y01 = np.asarray(rows), np.asarray(y01, dtype=np.float64)
    theta, _ = irt.ability(items, rows, y01, prior=None if prior is None else prior.pair())
    p = sigmoid(items.a * theta + items.b)
    if answered.usable(parts, answered01):
        p = 0.5 * (p + answered.predict(parts, rows, y01, answered01, prior))
    if uses_ridge(items, F, rows, y01, prior, theta):
        p = 0.5 * (p + ridge_p(F, rows, y01))
    return _observed(p, rows, y01)


def estimate(items: irt.Items, F: np.ndarray, rows: np.ndarray, y01: np.ndarray, among: np.ndarray,
             z: float = 1.96, p: np.ndarray | None = None, prior: Prior | None = None) -> tuple[float, float, float]:
    """(accuracy, lo, hi) over the prompts AMONG: the mean of predictions() (P: already computed with the same
    PRIOR), the interval p-IRT's half-width around it."""
    rows, y01, among = np.asarray(rows), np.asarray(y01, dtype=np.float64), np.asarray(among)
    p = predictions(items, F, rows, y01, prior) if p is None else p
    est_irt, lo, hi = irt.estimate(items, rows, y01, among, z, prior=None if prior is None else prior.pair())
    mean = float(p[among].mean())
    half = max(hi - est_irt, est_irt - lo)
    return mean, max(mean - half, 0.0), min(mean + half, 1.0)
