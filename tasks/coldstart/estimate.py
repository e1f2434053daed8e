"""The default cold-start accuracy estimate: the mean of p-IRT (irt.py) and a model-space ridge (the new model's K
labels regressed on the known models' labels there, its unseen prompts predicted from theirs), with p-IRT's interval.
Measured (README): tied with p-IRT on MMLU-Pro (22 models), better on RouterBench (11 models)."""
from __future__ import annotations

import numpy as np

from tasks.coldstart import irt
from tasks.coldstart.fit import ridge

ESTIMATOR = "blend"      # the name of this estimate in `evaluate --split coldstart` and coldstart_estimates
MIN_LABELS_RIDGE = 10   # below this many labels the ridge has too little to fit: p-IRT alone


def features(known01: np.ndarray) -> np.ndarray:
    """The known models' labels (prompts x models, 1/0, NaN = none) with each gap filled by the prompt's mean
    success over the others (0.5 where no one answered): the model-space regressors."""
    rate = np.nanmean(np.where(np.isnan(known01), np.nan, known01), axis=1) if known01.size else np.zeros(0)
    rate = np.nan_to_num(rate, nan=0.5)
    return np.where(np.isnan(known01), rate[:, None], known01)


def model_space(F: np.ndarray, rows: np.ndarray, y01: np.ndarray, among: np.ndarray) -> float:
    """Accuracy over AMONG: observed labels Y01 on ROWS, elsewhere the ridge of Y01 on the known models' labels F at
    ROWS (lambda by GCV), clipped to [0, 1]."""
    w, c0, _ = ridge(F[rows], np.asarray(y01, dtype=np.float64))
    seen = np.isin(among, rows)
    obs = dict(zip(np.asarray(rows).tolist(), np.asarray(y01, dtype=np.float64).tolist()))
    un = among[~seen]
    pred = np.clip(c0 + F[un] @ w, 0.0, 1.0)
    return (sum(obs[r] for r in among[seen].tolist()) + float(pred.sum())) / len(among)


def estimate(items: irt.Items, F: np.ndarray, rows: np.ndarray, y01: np.ndarray, among: np.ndarray,
             z: float = 1.96) -> tuple[float, float, float]:
    """(accuracy, lo, hi) over the prompts AMONG from labels Y01 (1/0) on ROWS: the mean of p-IRT (ITEMS) and the
    model-space ridge (F: features()), p-IRT alone under MIN_LABELS_RIDGE labels; the interval p-IRT's half-width
    around it."""
    rows, y01, among = np.asarray(rows), np.asarray(y01, dtype=np.float64), np.asarray(among)
    est, lo, hi = irt.estimate(items, rows, y01, among, z)
    if len(rows) < MIN_LABELS_RIDGE or F.shape[1] == 0:
        return est, lo, hi
    half = max(hi - est, est - lo)
    mean = 0.5 * (est + model_space(F, rows, y01, among))
    return mean, max(mean - half, 0.0), min(mean + half, 1.0)
