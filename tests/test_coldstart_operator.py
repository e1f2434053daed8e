"""The cold-start operator (tasks/coldstart/operator.py): the method's own closed form on the prediction as labels,
calibrated to it; better ranked than a fit on the few labels alone."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from tasks import operators as ops
from tasks.coldstart.operator import PREDICTION_LAM, PoolPrompts, cold_operator
from tasks.evaluation.metrics import auc
from tasks.operators.math import Stats, eig, fit_method, sigmoid
from test_coldstart import planted


@pytest.mark.parametrize("spec", [ops.PAPER, ops.DEFAULT], ids=lambda s: s.name)
def test_with_every_label_as_its_prediction_it_is_the_methods_own_fit(spec):
    known, _, y, _ = planted()
    prior = known.prior if spec.shrink else None
    o = cold_operator(spec, PoolPrompts.of(known.X, spec.eps), (y > 0).astype(float), 123, prior)
    s = Stats.of(known.X, y)
    plain = fit_method(replace(spec, lam=PREDICTION_LAM, calibrate=False), s, eig(s.G, spec.eps), prior=prior)[0]
    np.testing.assert_allclose(o.vector, plain.vector, rtol=1e-9, atol=1e-12)
    assert o.intercept == pytest.approx(plain.intercept) and o.lam == PREDICTION_LAM and o.n == 123
    assert o.base_rate == pytest.approx((y > 0).mean()) and (o.calib is None) == (not spec.calibrate)


def test_it_ranks_better_than_the_few_labels_and_is_calibrated_to_the_prediction():
    known, _, y, p_new = planted()
    pool = PoolPrompts.of(known.X, ops.DEFAULT.eps)
    rng = np.random.default_rng(0)
    gains = []
    for s in range(5):
        rows = np.sort(rng.choice(len(y), 50, replace=False))
        p = p_new.copy()
        p[rows] = y[rows] > 0   # its own labels where evaluated, the prediction elsewhere
        o = cold_operator(ops.DEFAULT, pool, p, len(rows), known.prior)
        few = Stats.of(known.X[rows], y[rows])
        own = fit_method(replace(ops.DEFAULT, calibrate=False), few, eig(few.G, 0.1), prior=known.prior)[0]
        rest = np.setdiff1d(np.arange(len(y)), rows)
        cold_p = sigmoid(o.calib[0] * (o.intercept + known.X @ o.vector) + o.calib[1])
        gains.append(auc(cold_p[rest], y[rest] > 0) - auc(known.X[rest] @ own.vector, y[rest] > 0))
        assert abs(cold_p.mean() - p.mean()) < 0.01 and o.n == 50 and o.base_rate == pytest.approx(p.mean())
    assert np.mean(gains) > 0.02
