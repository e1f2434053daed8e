"""IRT accuracy estimate (tinyBenchmarks' p-IRT): item parameters from the known models' labels, the new model's
ability from its K labels, accuracy = (observed on the K + predicted on the unseen) / N, with an interval."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tasks.operators.math import sigmoid


@dataclass
class Items:
    """A fitted 2PL (or 1PL: a = 1) IRT model p = sigmoid(a_i theta + b_i) of the known models: item slopes A and
    offsets B (one per prompt), the known models' abilities THETA and their misfit (accuracy minus the model's mean
    predicted p on their own prompts, one per known model: how far a single ability is from the truth)."""
    a: np.ndarray
    b: np.ndarray
    theta: np.ndarray
    misfit: np.ndarray
    two: bool = False


MIN_MODELS_2PL = 20   # item slopes need this many known models (measured: 2PL better with 21, worse with 10)


def fit_items(labels: np.ndarray, two: bool | None = None, iters: int = 150, b_prec: float = 0.1,
              a_prec: float = 1.0) -> Items:
    """Items of LABELS (prompts x known models, 1/0, NaN = none) by alternating Newton steps with weak L2 priors
    (b ~ N(0, 10), a ~ N(1, 1)); abilities standardised to mean 0, sd 1. TWO: 2PL (None: when there are at
    least MIN_MODELS_2PL known models), else 1PL."""
    two = labels.shape[1] >= MIN_MODELS_2PL if two is None else two
    mask = ~np.isnan(labels)
    Z = np.nan_to_num(labels)
    rate = (Z.sum(1) + 0.5) / (mask.sum(1) + 1.0)
    b = np.log(rate / (1 - rate))
    a = np.ones(len(b))
    acc = (Z * mask).sum(0) / np.maximum(mask.sum(0), 1)
    th = (acc - acc.mean()) / max(acc.std(), 1e-6)

    def resid():
        P = sigmoid(a[:, None] * th[None, :] + b[:, None])
        return (Z - P) * mask, P * (1 - P) * mask + 1e-9

    for _ in range(iters):
        R, W = resid()
        b += (R.sum(1) - b_prec * b) / (W.sum(1) + b_prec)
        if two:
            R, W = resid()
            a += ((R * th).sum(1) - a_prec * (a - 1.0)) / ((W * th ** 2).sum(1) + a_prec)
        R, W = resid()
        th += (R * a[:, None]).sum(0) / ((W * a[:, None] ** 2).sum(0) + 1e-3)
        mu, sd = th.mean(), max(th.std(), 1e-6)
        th = (th - mu) / sd
        b, a = b + a * mu, a * sd
    P = sigmoid(a[:, None] * th[None, :] + b[:, None])
    misfit = ((Z - P) * mask).sum(0) / np.maximum(mask.sum(0), 1)
    return Items(a, b, th, misfit, two)


MAX_STEP = 1.0   # the largest Newton step in ability: undamped steps diverge on steep items (measured: |theta| ~ 60)


def default_prior(items: Items) -> tuple[float, float]:
    """(mean, sd) of the ability prior with nothing known of the model: the known abilities' mean and spread."""
    return float(items.theta.mean()), float(max(items.theta.std(), 1e-3))


def ability(items: Items, rows: np.ndarray, y01: np.ndarray, iters: int = 100,
            prior: tuple[float, float] | None = None) -> tuple[float, float]:
    """(theta, posterior variance) of a new model from its labels Y01 (1/0) on ROWS under the ability prior
    N(mean, sd^2) PRIOR (None: default_prior; tasks/coldstart/prior.py gives one from a leaderboard score), a MAP
    fit: Newton steps of at most MAX_STEP on the concave log posterior."""
    mu, sd = default_prior(items) if prior is None else (float(prior[0]), float(max(prior[1], 1e-3)))
    a, b = items.a[rows], items.b[rows]
    y01 = np.asarray(y01, dtype=np.float64)
    th = mu
    for _ in range(iters):
        p = sigmoid(a * th + b)
        g = float(a @ (y01 - p)) - (th - mu) / sd ** 2
        h = float((a ** 2) @ (p * (1 - p))) + 1.0 / sd ** 2
        step = float(np.clip(g / h, -MAX_STEP, MAX_STEP))
        th += step
        if abs(step) < 1e-8:
            break
    p = sigmoid(a * th + b)
    return th, 1.0 / (float((a ** 2) @ (p * (1 - p))) + 1.0 / sd ** 2)


def estimate(items: Items, rows: np.ndarray, y01: np.ndarray, among: np.ndarray, z: float = 1.96,
             prior: tuple[float, float] | None = None) -> tuple[float, float, float]:
    """(accuracy, lo, hi) over the prompts AMONG: observed labels where seen, p-IRT elsewhere. The interval adds the
    ability's uncertainty (delta method), the unseen prompts' Bernoulli variance and the known models' misfit
    spread (scaled by the unseen share), so it narrows as K grows but never below what one ability can explain.
    PRIOR: the ability prior (ability())."""
    rows, y01, among = np.asarray(rows), np.asarray(y01, dtype=np.float64), np.asarray(among)
    th, var_th = ability(items, rows, y01, prior=prior)
    seen = np.isin(among, rows)
    obs = dict(zip(rows.tolist(), y01.tolist()))
    un = among[~seen]
    p = sigmoid(items.a[un] * th + items.b[un])
    n = len(among)
    est = (sum(obs[r] for r in among[seen].tolist()) + float(p.sum())) / n
    slope = float((items.a[un] * p * (1 - p)).sum()) / n
    share = len(un) / n
    misfit = float(np.var(items.misfit, ddof=1)) if len(items.misfit) > 1 else 0.0
    var = slope ** 2 * var_th + float((p * (1 - p)).sum()) / n ** 2 + share ** 2 * misfit
    half = z * float(np.sqrt(var))
    return est, max(est - half, 0.0), min(est + half, 1.0)
