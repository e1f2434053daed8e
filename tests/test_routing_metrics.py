"""Hand-computed checks of tasks.evaluation.metrics: ECE, t intervals, AIQ hull, APGR / CPT and the strong-weak curve."""
from __future__ import annotations

import math

import numpy as np
import pytest

from tasks.evaluation.metrics import aiq, apgr, cpt, ece, hull, interval, reliability, strong_weak_curve


def test_ece_perfectly_calibrated_is_zero():
    p = [0.25] * 4 + [0.75] * 4
    y = [1, 0, 0, 0, 1, 1, 1, 0]
    assert ece(p, y) == pytest.approx(0.0, abs=1e-12)


def test_ece_confident_and_wrong():
    assert ece(np.full(50, 0.9), np.zeros(50, bool)) == pytest.approx(0.9)


def test_ece_hand_case_and_nans_dropped():
    # bin 1: p .1 vs observed .5 -> .4 * 1/2; bin 8: p .8 vs 1.0 -> .2 * 1/2; total .3
    p = [0.1, 0.1, 0.8, 0.8, np.nan, 0.5]
    y = [0, 1, 1, 1, 1, np.nan]
    assert ece(p, y) == pytest.approx(0.3)
    assert math.isnan(ece([], []))


def test_reliability_bins():
    rows = reliability([0.05, 0.15, 0.15, 1.0], [1, 0, 1, 1])
    assert len(rows) == 10
    assert rows[0] == pytest.approx({"lo": 0.0, "hi": 0.1, "n": 1, "mean_p": 0.05, "observed": 1.0})
    assert rows[1]["n"] == 2 and rows[1]["observed"] == pytest.approx(0.5)
    assert rows[9]["n"] == 1 and rows[9]["mean_p"] == 1.0          # p = 1 lands in the last bin
    assert rows[5]["n"] == 0 and math.isnan(rows[5]["mean_p"])
    assert sum(r["n"] for r in rows) == 4


def test_interval_matches_student_t_by_hand():
    # mean 2, sd 1, se 1/sqrt(3), t_{0.975, 2} = 4.302652729749462
    mean, lo, hi = interval([1.0, 2.0, np.nan, 3.0])
    half = 4.302652729749462 / math.sqrt(3)
    assert (mean, lo, hi) == pytest.approx((2.0, 2.0 - half, 2.0 + half))
    assert interval([0.7]) == (0.7, 0.7, 0.7)
    assert all(math.isnan(v) for v in interval([np.nan]))


def test_aiq_two_points_and_dominated_middle():
    assert aiq([0, 1], [0.5, 0.7]) == pytest.approx(0.6)
    assert aiq([0, 0.5, 1], [0.5, 0.55, 0.7]) == pytest.approx(0.6)   # below the chord (0.6 there)
    assert aiq([0, 0.5, 1], [0.5, 0.6, 0.7]) == pytest.approx(0.6)    # on the chord


def test_aiq_point_above_chord():
    # hull (0,.5)-(.5,.66)-(1,.7): .5*(.5+.66)/2 + .5*(.66+.7)/2 = .63, i.e. +.03 over the chord
    assert aiq([1, 0.5, 0], [0.7, 0.66, 0.5]) == pytest.approx(0.63)
    xs, ys = hull([1, 0.5, 0], [0.7, 0.66, 0.5])
    assert xs.tolist() == [0, 0.5, 1] and ys == pytest.approx([0.5, 0.66, 0.7])


def test_aiq_clamps_falling_tail():
    # (2, .6) is dearer and worse than (1, .7): the hull stays flat at .7 -> (.6 + .7) / 2
    assert aiq([0, 1, 2], [0.5, 0.7, 0.6]) == pytest.approx(0.65)
    xs, ys = hull([0, 1, 2], [0.5, 0.7, 0.6])
    assert xs.tolist() == [0, 1, 2] and ys.tolist() == [0.5, 0.7, 0.7]
    assert aiq([0, 1], [0.7, 0.5]) == pytest.approx(0.7)


def test_aiq_degenerate():
    assert aiq([0.3], [0.42]) == pytest.approx(0.42)
    assert aiq([2, 2], [0.4, 0.6]) == pytest.approx(0.6)
    assert aiq([0, np.nan, 1], [0.5, 0.9, 0.7]) == pytest.approx(0.6)


def test_apgr_and_cpt_of_linear_curve():
    c = np.linspace(0, 1, 11)
    q = 0.5 + 0.3 * c
    assert apgr(c, q, 0.5, 0.8) == pytest.approx(0.5)
    assert apgr(c[1:-1], q[1:-1], 0.5, 0.8) == pytest.approx(0.5)       # endpoints added
    assert cpt(c, q, 0.5, 0.8, 0.5) == pytest.approx(0.5)
    assert cpt(c[1:-1], q[1:-1], 0.5, 0.8, 0.8) == pytest.approx(0.8)


def test_apgr_and_cpt_hand_case():
    # PGR (0,0), (.2,.6), (1,1): area .2*.3 + .8*.8 = .70; CPT(50%) = .2*.5/.6; CPT(80%) = .2 + .8*.5
    assert apgr([0.2], [0.56], 0.5, 0.6) == pytest.approx(0.70)
    assert cpt([0.2], [0.56], 0.5, 0.6, 0.5) == pytest.approx(0.2 * 0.5 / 0.6)
    assert cpt([0.2], [0.56], 0.5, 0.6, 0.8) == pytest.approx(0.6)
    assert cpt([0.2], [0.56], 0.5, 0.6, 0.0) == 0.0
    assert math.isnan(cpt([0.2], [0.56], 0.5, 0.6, 1.5))
    assert math.isnan(cpt([0.5], [0.6], 0.6, 0.6, 0.5))
    assert math.isnan(apgr([0.5], [0.6], 0.7, 0.6))


def test_strong_weak_curve_hand_case():
    # advantages .5, -.5, .1, 0 -> order 0, 2, 3, 1
    share, acc = strong_weak_curve([0.9, 0.1, 0.6, 0.5], [0.4, 0.6, 0.5, 0.5],
                                   [1, 0, 0, 1], [0, 1, 1, 0], shares=[0, 0.25, 0.5, 1])
    assert share.tolist() == [0, 0.25, 0.5, 1]
    assert acc == pytest.approx([0.5, 0.75, 0.5, 0.5])


def _synthetic(n=20_000, ps=0.8, pw=0.5, seed=7):
    rng = np.random.default_rng(seed)
    return rng, rng.random(n) < ps, rng.random(n) < pw


def test_random_router_apgr_is_half():
    rng, ys, yw = _synthetic()
    c, q = strong_weak_curve(rng.random(ys.size), rng.random(ys.size), ys, yw)
    assert apgr(c, q, yw.mean(), ys.mean()) == pytest.approx(0.5, abs=0.02)


def test_good_router_beats_random_and_oracle_matches_analytic():
    rng, ys, yw = _synthetic()
    adv = ys.astype(float) - yw
    shares = np.linspace(0, 1, 101)
    c, q = strong_weak_curve(adv + rng.normal(0, 1.0, ys.size), np.zeros(ys.size), ys, yw, shares)
    good = apgr(c, q, yw.mean(), ys.mean())
    c, q = strong_weak_curve(adv, np.zeros(ys.size), ys, yw, shares)
    oracle = apgr(c, q, yw.mean(), ys.mean())
    # oracle gain: +1 on A = ps(1-pw), 0 on B, -1 on C = (1-ps)pw -> area A^2/2 + AB + AC - C^2/2 over ps - pw
    a, b, cc = 0.8 * 0.5, 0.8 * 0.5 + 0.2 * 0.5, 0.2 * 0.5
    analytic = (a * a / 2 + a * b + a * cc - cc * cc / 2) / (0.8 - 0.5)
    assert analytic == pytest.approx(1.05)
    assert 0.5 < good < oracle
    assert oracle == pytest.approx(analytic, abs=0.02)
