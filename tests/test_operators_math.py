"""The operator math against direct formulas: SVD form of the paper, rank-k updates, GCV, LOO, Platt, routing."""
from __future__ import annotations

import numpy as np
import pytest

from tasks import operators as ops


def paper_svd(X: np.ndarray, y: np.ndarray, lam: float, eps: float) -> np.ndarray:
    """E = y' V D U' with A = X' = U S V', D = S / (S^2 + 2 lam), singular values below eps dropped."""
    U, S, Vt = np.linalg.svd(X.T, full_matrices=False)
    keep = S >= eps
    D = S[keep] / (S[keep] ** 2 + 2 * lam)
    return y @ Vt[keep].T @ np.diag(D) @ U[:, keep].T


def rows(n: int, d: int, seed: int, low_rank: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    if low_rank:  # rows in a subspace, plus tiny noise: some singular values fall below eps
        X = rng.normal(size=(n, low_rank)) @ rng.normal(size=(low_rank, d)) + 1e-4 * rng.normal(size=(n, d))
    X /= np.linalg.norm(X, axis=1, keepdims=True)
    return X, np.where(rng.random(n) < 0.4, 1.0, -1.0)


@pytest.mark.parametrize("n,d,low_rank,lam,eps", [(300, 24, None, 1.0, 0.1), (15, 24, None, 0.5, 0.1),
                                                  (200, 24, 6, 1.0, 0.1), (200, 24, 6, 3.0, 0.0)])
def test_eigen_form_equals_paper_svd(n, d, low_rank, lam, eps):
    X, y = rows(n, d, seed=n + d, low_rank=low_rank)
    s = ops.Stats.of(X, y)
    o = ops.fit(s, ops.eig(s.G, eps), lam)
    np.testing.assert_allclose(o.vector, paper_svd(X, y, lam, eps), atol=1e-9)
    if low_rank and eps:
        assert o.rank == low_rank


def test_rank_k_updates_add_and_remove_rows():
    X, y = rows(120, 16, seed=1)
    s = ops.Stats.of(X[:80], y[:80]) + ops.Stats.of(X[80:], y[80:])
    flip = np.arange(10)  # change ten labels: subtract the old rows, add the new ones
    s = s + ops.Stats.of(X[flip], y[flip], -np.ones(10)) + ops.Stats.of(X[flip], -y[flip])
    y2 = y.copy()
    y2[flip] *= -1
    ref = ops.Stats.of(X, y2)
    np.testing.assert_allclose(s.G, ref.G, atol=1e-12)
    np.testing.assert_allclose(s.b, ref.b, atol=1e-12)
    assert (s.n, s.sum_y) == (120, y2.sum())
    np.testing.assert_allclose(ops.unpack_upper(ops.pack_upper(s.G), 16), s.G)


def test_gcv_and_loo_match_brute_force():
    X, y = rows(60, 8, seed=2)
    s = ops.Stats.of(X, y)
    e = ops.eig(s.G, 0.0)
    lam = 0.7
    H = X @ np.linalg.solve(X.T @ X + 2 * lam * np.eye(8), X.T)
    rss = np.sum((y - H @ y) ** 2)
    assert ops.gcv(e, s.b, s.n, s.n, np.array([lam]))[0] == pytest.approx(60 * rss / (60 - np.trace(H)) ** 2, rel=1e-9)
    o = ops.fit(s, e, lam)
    brute = [X[i] @ paper_svd(np.delete(X, i, 0), np.delete(y, i), lam, 0.0) for i in range(60)]
    np.testing.assert_allclose(ops.loo_scores(X, y, e, o.vector, lam, centred=False), brute, atol=1e-10)
    oc = ops.fit(s, e, lam, centred=True)
    brute_c = []
    for i in range(60):
        Xi, yi = np.delete(X, i, 0), np.delete(y, i)
        brute_c.append(yi.mean() + X[i] @ np.linalg.solve(Xi.T @ Xi + 2 * lam * np.eye(8), Xi.T @ (yi - y.mean())))
    np.testing.assert_allclose(ops.loo_scores(X, y, e, oc.vector, lam, centred=True), brute_c, atol=1e-10)


def test_gcv_picks_a_lambda_per_model_and_centring_sets_the_intercept():
    X, y = rows(400, 12, seed=3)
    s = ops.Stats.of(X, y)
    o = ops.fit(s, ops.eig(s.G, 0.1), "gcv", centred=True)
    assert o.lam_source == "gcv" and o.lam in ops.LAM_GRID
    assert o.gcv == pytest.approx(ops.gcv(ops.eig(s.G, 0.1), *ops.centred_b(s, True)[:2], s.n).min())
    assert o.intercept == pytest.approx(y.mean()) and o.base_rate == pytest.approx((y > 0).mean())


def test_shrinking_toward_a_prior_matches_the_normal_equations_and_brute_force_loo():
    X, y = rows(50, 8, seed=6)
    s, e = ops.Stats.of(X, y), None
    e = ops.eig(s.G, 0.0)
    prior = np.random.default_rng(7).normal(size=8) * 0.1
    lam, t = 2.5, y - y.mean()
    o = ops.fit(s, e, lam, centred=True, prior=prior)
    np.testing.assert_allclose(o.vector, np.linalg.solve(X.T @ X + 2 * lam * np.eye(8), X.T @ t + 2 * lam * prior),
                               atol=1e-10)
    r = t - X @ prior   # GCV of the residual fit
    H = X @ np.linalg.solve(X.T @ X + 2 * lam * np.eye(8), X.T)
    assert o.gcv == pytest.approx(50 * np.sum((r - H @ r) ** 2) / (50 - np.trace(H)) ** 2, rel=1e-9)
    brute = []
    for i in range(50):
        Xi, yi = np.delete(X, i, 0), np.delete(y, i)
        Ei = np.linalg.solve(Xi.T @ Xi + 2 * lam * np.eye(8), Xi.T @ (yi - y.mean()) + 2 * lam * prior)
        brute.append(yi.mean() + X[i] @ Ei)
    np.testing.assert_allclose(ops.loo_scores(X, y, e, o.vector, lam, True, prior=prior), brute, atol=1e-10)
    with pytest.raises(ValueError):
        ops.fit_method(ops.DEFAULT, s, e, X, y)
    assert ops.fit_method(ops.DEFAULT, s, e, X, y, prior=prior)[0].lam_source == "gcv"


def test_platt_recovers_a_known_sigmoid():
    rng = np.random.default_rng(4)
    s = rng.normal(size=20000)
    y = np.where(rng.random(20000) < ops.sigmoid(2.0 * s - 0.5), 1.0, -1.0)
    a, c = ops.platt(s, y)
    assert a == pytest.approx(2.0, abs=0.1) and c == pytest.approx(-0.5, abs=0.06)
    a, c = ops.platt(-s, y)   # anti-informative held-out scores: no slope, the base rate
    assert a == 0.0 and ops.sigmoid(c) == pytest.approx((y > 0).mean(), abs=1e-3)


def test_route_switches_only_past_the_margin():
    P = np.array([[0.60, 0.65, 0.1], [0.60, 0.75, 0.1], [0.2, 0.3, 0.9]])
    assert ops.route(P, default=0, margin=0.1).tolist() == [0, 1, 2]
    assert ops.route(P, default=0, margin=0.0).tolist() == [1, 1, 2]
    avail = np.array([[True, True, True], [True, False, True], [True, True, False]])
    assert ops.route(P, 0, 0.1, avail).tolist() == [0, 0, 0]


def test_confidence_is_zero_outside_share_in_span_and_one_orthogonal_to_it():
    X, _ = rows(5, 10, seed=5)
    e = ops.eig(X.T @ X, 1e-6)
    var, outside = ops.confidence(np.vstack([X[0], np.linalg.svd(X)[2][-1]]), e, 1.0)
    assert outside == pytest.approx([0.0, 1.0], abs=1e-9)
    assert var[0] > 0 and var[1] == pytest.approx(0.0, abs=1e-12)
