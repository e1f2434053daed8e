"""Router evaluation metrics: calibration (ECE, reliability bins), fold intervals, RouterBench's AIQ and RouteLLM's
APGR / CPT, all pure numpy (scipy only for the Student-t quantile).

References:
  - Q. J. Hu et al., "RouterBench: A Benchmark for Multi-LLM Routing System", 2024 (arXiv:2403.12031):
    AIQ = (1 / (c_max - c_min)) * integral of the non-decreasing convex hull of quality vs cost.
  - I. Ong et al., "RouteLLM: Learning to Route LLMs with Preference Data", 2024 (arXiv:2406.18665):
    PGR(c) = (q(c) - q_weak) / (q_strong - q_weak), APGR = area under PGR over strong-call share, CPT(x%) = the
    smallest strong-call share reaching PGR x%.
  - C. Guo et al., "On Calibration of Modern Neural Networks", ICML 2017: expected calibration error.
"""
from __future__ import annotations

import numpy as np
from scipy import stats


def _pairs(p, y) -> tuple[np.ndarray, np.ndarray]:
    """P and Y as float arrays with the pairs holding a NaN dropped."""
    p, y = np.asarray(p, float).ravel(), np.asarray(y, float).ravel()
    ok = ~(np.isnan(p) | np.isnan(y))
    return p[ok], y[ok]


def _bin_index(p: np.ndarray, bins: int) -> np.ndarray:
    """Equal-width bin of each probability on [0, 1]; p = 1 falls in the last bin."""
    return np.clip(np.floor(p * bins).astype(int), 0, bins - 1)


def reliability(p, y, bins: int = 10) -> list[dict]:
    """One dict per equal-width bin {lo, hi, n, mean_p, observed}; empty bins have n = 0 and NaN means."""
    p, y = _pairs(p, y)
    idx = _bin_index(p, bins)
    out = []
    for b in range(bins):
        m = idx == b
        n = int(m.sum())
        out.append({"lo": b / bins, "hi": (b + 1) / bins, "n": n,
                    "mean_p": float(p[m].mean()) if n else float("nan"),
                    "observed": float(y[m].mean()) if n else float("nan")})
    return out


def ece(p, y, bins: int = 10) -> float:
    """Expected calibration error: sum over non-empty bins of (n_bin / n) * |observed - mean_p|; NaN when empty."""
    rows = [r for r in reliability(p, y, bins) if r["n"]]
    n = sum(r["n"] for r in rows)
    if not n:
        return float("nan")
    return float(sum(r["n"] / n * abs(r["observed"] - r["mean_p"]) for r in rows))


def interval(values, level: float = 0.95) -> tuple[float, float, float]:
    """(mean, lo, hi) of the non-NaN VALUES with a Student-t interval at LEVEL; lo = hi = mean for one value."""
    v = np.asarray(values, float).ravel()
    v = v[~np.isnan(v)]
    if not v.size:
        return float("nan"), float("nan"), float("nan")
    mean = float(v.mean())
    if v.size == 1:
        return mean, mean, mean
    half = float(stats.t.ppf(0.5 + level / 2, v.size - 1) * v.std(ddof=1) / np.sqrt(v.size))
    return mean, mean - half, mean + half


def hull(costs, qualities) -> tuple[np.ndarray, np.ndarray]:
    """Vertices (xs, ys) of the non-decreasing upper convex hull of quality vs cost, ending at the largest cost."""
    c, q = _pairs(costs, qualities)
    if not c.size:
        return np.array([]), np.array([])
    order = np.lexsort((-q, c))                      # by cost, best quality first among equal costs
    c, q = c[order], q[order]
    keep = np.r_[True, c[1:] != c[:-1]]              # one point per cost: the best
    c, q = c[keep], q[keep]
    xs: list[float] = []
    ys: list[float] = []
    for ci, qi in zip(c, q):                         # monotone-chain upper hull
        while len(xs) >= 2 and (xs[-1] - xs[-2]) * (qi - ys[-2]) - (ys[-1] - ys[-2]) * (ci - xs[-2]) >= 0:
            xs.pop()
            ys.pop()
        xs.append(float(ci))
        ys.append(float(qi))
    top = int(np.argmax(ys))                         # concave: slopes only fall, so clamp after the peak
    xs, ys = xs[:top + 1], ys[:top + 1]
    if xs[-1] < c[-1]:
        xs.append(float(c[-1]))
        ys.append(ys[-1])
    return np.array(xs), np.array(ys)


def aiq(costs, qualities) -> float:
    """RouterBench AIQ: area under the non-decreasing convex hull over [c_min, c_max] / (c_max - c_min)."""
    xs, ys = hull(costs, qualities)
    if not xs.size:
        return float("nan")
    if xs.size == 1 or xs[-1] == xs[0]:
        return float(ys.max())
    return float(np.trapezoid(ys, xs) / (xs[-1] - xs[0]))


def _pgr_curve(call_share, quality, q_weak: float, q_strong: float) -> tuple[np.ndarray, np.ndarray]:
    """Strong-call shares sorted ascending with their PGR, the endpoints (0, 0) and (1, 1) added when missing."""
    c, q = _pairs(call_share, quality)
    if not np.any(c == 0):
        c, q = np.r_[0.0, c], np.r_[q_weak, q]
    if not np.any(c == 1):
        c, q = np.r_[c, 1.0], np.r_[q, q_strong]
    order = np.argsort(c, kind="stable")
    return c[order], (q[order] - q_weak) / (q_strong - q_weak)


def apgr(call_share, quality, q_weak: float, q_strong: float) -> float:
    """RouteLLM APGR: trapezoid area under PGR over strong-call share in [0, 1]; NaN when q_strong <= q_weak."""
    if not q_strong > q_weak:
        return float("nan")
    c, g = _pgr_curve(call_share, quality, q_weak, q_strong)
    return float(np.trapezoid(g, c))


def cpt(call_share, quality, q_weak: float, q_strong: float, target: float) -> float:
    """RouteLLM CPT(TARGET): smallest strong-call share with PGR >= TARGET, linearly interpolated; NaN if none."""
    if not q_strong > q_weak:
        return float("nan")
    c, g = _pgr_curve(call_share, quality, q_weak, q_strong)
    hit = np.flatnonzero(g >= target)
    if not hit.size:
        return float("nan")
    i = int(hit[0])
    if i == 0:
        return float(c[0])
    return float(c[i - 1] + (target - g[i - 1]) / (g[i] - g[i - 1]) * (c[i] - c[i - 1]))


def strong_weak_curve(p_strong, p_weak, y_strong, y_weak,
                      shares=np.linspace(0, 1, 21)) -> tuple[np.ndarray, np.ndarray]:
    """(actual strong-call share, accuracy) sending the top share of queries by p_strong - p_weak to the strong model."""
    a = np.column_stack([np.asarray(x, float).ravel() for x in (p_strong, p_weak, y_strong, y_weak)])
    a = a[~np.isnan(a).any(axis=1)]
    n = len(a)
    if not n:
        return np.array([]), np.array([])
    order = np.argsort(-(a[:, 0] - a[:, 1]), kind="stable")
    ys, yw = a[order, 2], a[order, 3]
    gain = np.r_[0.0, np.cumsum(ys - yw)]            # gain[k]: extra correct answers sending the top k to strong
    k = np.clip(np.rint(np.asarray(shares, float) * n).astype(int), 0, n)
    return k / n, (yw.sum() + gain[k]) / n


def auc(score, label) -> float:
    """Area under the ROC curve of SCORE for boolean LABEL (ties count one half); NaN without both classes."""
    from scipy.stats import rankdata

    pos = np.asarray(label).astype(bool)
    n_pos, n_neg = int(pos.sum()), int((~pos).sum())
    if not n_pos or not n_neg:
        return float("nan")
    r = rankdata(score)
    return float((r[pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))
