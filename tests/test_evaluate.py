"""Evaluation mechanics on planted data: metrics, splits, baselines, and a gated router that finds a planted strength."""
from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from tasks.evaluation import evaluate as ev
from tasks.evaluation.data import EvalData, model_stats, splits, train_rows


def planted(n: int = 900, d: int = 16, seed: int = 0) -> EvalData:
    """Model 0 is right 70% everywhere; model 1 90% where x0 > 0 and 30% elsewhere; model 2 40%; one result missing."""
    rng = np.random.default_rng(seed)
    V = rng.normal(size=(n, d))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    p = np.column_stack([np.full(n, 0.7), np.where(V[:, 0] > 0, 0.9, 0.3), np.full(n, 0.4)])
    Y = np.where(rng.random((n, 3)) < p, 1.0, -1.0)
    KEY = np.tile(np.arange(n)[:, None], (1, 3))
    Y[5, 2], KEY[5, 2] = np.nan, -1
    cat = np.array(["pos" if v > 0 else "neg" for v in V[:, 0]], dtype=object)
    cat[::7] = "other"
    return EvalData(["m0", "m1", "m2"], [f"p{i:04d}" for i in range(n)], cat, Y, KEY, np.arange(n),
                    V.astype(np.float32))


def test_auc_matches_sklearn_with_ties():
    rng = np.random.default_rng(1)
    s = rng.integers(0, 5, 400).astype(float)
    y = rng.random(400) < 0.3 + 0.1 * s
    assert ev.auc(s, y) == pytest.approx(roc_auc_score(y, s), abs=1e-12)


def test_splits_are_seeded_partitions():
    data = planted()
    (fold,) = splits(data, "id", seed=3)
    assert (len(fold.train), len(fold.val), len(fold.test)) == (720, 90, 90)
    assert sorted(np.concatenate([fold.train, fold.val, fold.test]).tolist()) == list(range(900))
    assert (fold.test == splits(data, "id", seed=3)[0].test).all()
    assert not (fold.test == splits(data, "id", seed=4)[0].test).all()
    cv = splits(data, "id-cv", seed=3)
    assert len(cv) == 5 and sorted(np.concatenate([f.test for f in cv]).tolist()) == list(range(900))
    for f in cv + splits(data, "loo-category"):
        parts = [set(f.train), set(f.val), set(f.test)]
        assert not (parts[0] & parts[1] or parts[0] & parts[2] or parts[1] & parts[2])
        assert sum(map(len, parts)) == 900 and len(f.val) == 90
    ood = splits(data, "ood")
    assert [f.name for f in ood] == ["neg", "other", "pos"]
    assert all(set(data.category[f.test]) == {f.name} for f in ood)
    (nm,) = splits(data, "new-models", seed=3)
    assert nm.new.sum() == 1 and (nm.test == fold.test).all()
    with pytest.raises(ValueError, match="id-cv"):
        splits(data, "random")


def test_gated_router_finds_the_planted_strength_and_baselines_behave():
    data = planted()
    res = ev.evaluate(data, "id", seed=0, methods=["base_rate", "paper", "knn", "logistic", "default"])
    m = res["methods"]
    assert m["base_rate"]["routing_accuracy"] == pytest.approx(res["best_single_accuracy"])
    assert res["best_single_accuracy"] == pytest.approx(0.7, abs=0.05)
    assert m["default"]["routing_accuracy"] > res["best_single_accuracy"] + 0.05
    assert m["knn"]["routing_accuracy"] > res["best_single_accuracy"] + 0.01
    for name in ("knn", "logistic", "default"):
        assert m[name]["auc"] > m["base_rate"]["auc"] + 0.03, name
    assert m["paper"]["auc"] > 0.55   # raw scores of different models are not on one scale: pooled AUC suffers
    assert m["default"]["success_accuracy"] > m["base_rate"]["success_accuracy"]
    assert res["oracle_accuracy"] > m["default"]["routing_accuracy"]
    for f, fold in zip(res["folds"], splits(data, "id")):
        assert f["methods"]["default"]["params"]["margin"] in ev.route.MARGINS
        assert f["methods"]["default"]["n_routed"] == len(fold.test) - (5 in fold.test)   # prompt 5 lacks a result
    assert f["methods"]["knn"]["params"]["k"] in ev.baselines.K_GRID


def test_new_models_are_scored_alone_and_leave_the_prior_of_the_others():
    data = planted(seed=2)
    (fold,) = splits(data, "new-models", seed=0)
    new = int(np.flatnonzero(fold.new)[0])
    res = ev.evaluate(data, "new-models", seed=0, methods=["paper", "default"])
    f = res["folds"][0]
    assert f["new_models"] == [data.models[new]]
    n_new = int((~np.isnan(data.Y[fold.test, new])).sum())
    assert f["methods"]["paper"]["n_test_results"] == n_new
    # the new model's operator: shrunk toward the mean centred operator of the other models only
    fitted, _, _ = ev.fit_operators(data, fold.train, ev.ops.DEFAULT, fold.new)
    everyone, _, _ = ev.fit_operators(data, fold.train, ev.ops.DEFAULT)
    stats, _ = model_stats(data, fold.train)
    base = ev.ops.MethodSpec("centred", "gcv", 0.1, centred=True, calibrate=False)
    prior = np.mean([ev.ops.fit_method(base, stats[j], ev.ops.eig(stats[j].G, 0.1))[0].vector
                     for j in range(3) if j != new], axis=0)
    X, y = train_rows(data, fold.train, new)
    own, _ = ev.ops.fit_method(ev.ops.DEFAULT, stats[new], ev.ops.eig(stats[new].G, 0.1), X, y, None, prior)
    np.testing.assert_allclose(fitted[new].vector, own.vector, atol=1e-12)
    assert not np.allclose(fitted[new].vector, everyone[new].vector)


def test_matrix_factorisation_learns_the_planted_strength():
    data = planted()
    res = ev.evaluate(data, "loo-category", seed=0, methods=["matrix_factorisation"])
    fold = {f["fold"]: f["methods"]["matrix_factorisation"] for f in res["folds"]}
    assert fold["pos"]["auc"] > 0.55 and 0.0 <= fold["neg"]["success_accuracy"] <= 1.0
