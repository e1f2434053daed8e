"""Cold start on a small planted pool: plans, the estimators' accuracy and AUC, intervals that shrink, and the
leave-one-model-out measurement end to end."""
from __future__ import annotations

import numpy as np
import pytest

from tasks.coldstart.evaluate import coldstart, summarise
from tasks.coldstart.fit import Known, accuracy, by_category, fit_cold
from tasks.coldstart.plan import STRATEGIES, allocate, plan
from tasks.evaluation.data import EvalData
from tasks.evaluation.metrics import auc
from tasks.operators.math import sigmoid

N, D, M = 2000, 24, 8


def planted(seed: int = 0):
    """Prompts X, categories, known operators (W, b) and a new model mixing them; labels drawn from their P."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(N, D)) / np.sqrt(D)
    cat = np.array([f"c{i % 4}" for i in range(N)], dtype=object)
    base = rng.normal(size=D) * 3
    W = base[:, None] + rng.normal(size=(D, M)) * 1.5
    b = rng.normal(scale=0.7, size=M)
    mix = rng.dirichlet(np.ones(M))
    w_new, b_new = W @ mix + rng.normal(size=D) * 0.3, -0.4
    S = X @ W + b
    known = Known(X, S, sigmoid(S), W, b, W.mean(1), np.where(rng.random((N, M)) < sigmoid(S), 1.0, -1.0))
    p_new = sigmoid(X @ w_new + b_new)
    y_new = np.where(rng.random(N) < p_new, 1.0, -1.0)
    return known, cat, y_new, p_new


def test_allocate_and_plans():
    assert allocate(np.array([50, 30, 20]), 10).tolist() == [5, 3, 2]
    assert allocate(np.array([1, 100]), 10).sum() == 10
    known, cat, _, _ = planted()
    rows = np.arange(N // 2, N)
    for s in STRATEGIES:
        r = plan(s, rows, 100, seed=1, category=cat, P=known.P)
        assert len(r) == 100 and len(set(r.tolist())) == 100 and np.isin(r, rows).all(), s
    r = plan("stratified", rows, 100, seed=1, category=cat)
    assert sorted(np.unique(cat[r], return_counts=True)[1].tolist()) == [25, 25, 25, 25]
    assert (plan("random", rows, 50, seed=3) == plan("random", rows, 50, seed=3)).all()


@pytest.mark.parametrize("estimator", ["prior", "regression", "both", "labels"])
def test_accuracy_close_and_interval_covers(estimator):
    errs, cover = [], []
    for seed in range(6):
        known, cat, y, p = planted(seed)
        truth = float((y > 0).mean())
        rows = plan("random", np.arange(N), 100, seed=seed)
        cold = fit_cold(known, rows, y[rows], estimator)
        est, lo, hi = accuracy(cold, y[rows])
        errs.append(abs(est - truth))
        cover.append(lo <= truth <= hi)
        assert set(by_category(cold, y[rows], cat)) == {"c0", "c1", "c2", "c3"}
    assert np.mean(errs) < 0.03, errs
    assert np.mean(cover) >= 4 / 6


def test_interval_shrinks_with_k():
    known, _, y, _ = planted(1)
    widths = []
    for k in (25, 100, 400):
        rows = plan("random", np.arange(N), k, seed=2)
        _, lo, hi = accuracy(fit_cold(known, rows, y[rows], "regression"), y[rows])
        widths.append(hi - lo)
    assert widths[0] > widths[1] > widths[2], widths


def test_regression_beats_constant_and_recovers_ranking():
    known, _, y, p = planted(2)
    rows = plan("random", np.arange(N), 100, seed=0)
    rest = np.setdiff1d(np.arange(N), rows)
    cold = fit_cold(known, rows, y[rows], "regression")
    lab = y[rest] > 0
    a_cold, a_true = auc(cold.p[rest], lab), auc(p[rest], lab)
    assert a_cold > 0.5 + 0.8 * (a_true - 0.5), (a_cold, a_true)
    brier = np.mean((cold.p[rest] - lab) ** 2)
    assert brier < np.mean(((y[rows] > 0).mean() - lab) ** 2) - 0.01


def test_leave_one_model_out_end_to_end():
    known, cat, _, _ = planted(3)
    n = 400
    Y = known.Y[:n, :5].copy()
    Y[3, 2] = np.nan
    data = EvalData([f"m{j}" for j in range(5)], [f"p{i}" for i in range(n)], cat[:n], Y,
                    np.tile(np.arange(n)[:, None], (1, 5)), np.arange(n), known.X[:n].astype(np.float32))
    rows = coldstart(data, budgets=(25, 100), strategies=("random", "disagreement"), estimators=("prior", "both"),
                     models=[0, 2])
    assert len(rows) == 2 * 2 * 2 * 2
    summ = summarise(rows)
    assert all(np.isfinite(v["mae"]) and 0 <= v["coverage"] <= 1 for v in summ.values())
    assert summ[("both", "random", 100)]["width"] < summ[("both", "random", 25)]["width"]


def planted_irt(n: int = 3000, m: int = 24, seed: int = 1):
    """Labels (prompts x models, 1/0) drawn from a 2PL with known item slopes / offsets and model abilities."""
    rng = np.random.default_rng(seed)
    a, b, th = rng.lognormal(0, 0.3, n), rng.normal(0, 1.5, n), rng.normal(0, 1, m)
    P = sigmoid(a[:, None] * th[None, :] + b[:, None])
    return (rng.random((n, m)) < P).astype(np.float64), (a, b, th)


def test_irt_items_recovered_and_the_estimate_beats_the_sample_mean_with_an_interval_that_covers():
    from tasks.coldstart import irt
    L, (a, b, th) = planted_irt()
    items = irt.fit_items(L[:, 1:])
    assert items.two and not irt.fit_items(L[:, :10]).two   # 2PL with >= 20 known models, else 1PL
    assert np.corrcoef(items.b, b)[0, 1] > 0.9 and np.corrcoef(items.theta, th[1:])[0, 1] > 0.95
    errs, covered, widths = [], [], {}
    for j in range(6):   # the estimate's own arithmetic, on the true items
        true_items = irt.Items(a, b, np.delete(th, j), np.zeros(len(th) - 1), True)
        truth = L[:, j].mean()
        for s in range(20):
            for k in (50, 400):
                rows = np.random.default_rng(s).choice(len(L), k, replace=False)
                est, lo, hi = irt.estimate(true_items, rows, L[rows, j], np.arange(len(L)))
                errs.append((k, abs(est - truth), abs(L[rows, j].mean() - truth)))
                covered.append(lo <= truth <= hi)
                widths.setdefault(k, []).append(hi - lo)
    for k, gain in ((50, 0.9), (400, 1.0)):   # at K = 400 the unseen prompts' own noise is most of the error
        assert np.mean([e for kk, e, _ in errs if kk == k]) < gain * np.mean([x for kk, _, x in errs if kk == k])
    assert np.mean(covered) >= 0.85 and np.mean(widths[400]) < 0.6 * np.mean(widths[50])


def test_cold_models_are_the_small_ones_of_a_pool_with_others():
    from tasks.coldstart.detect import cold_models, estimates
    assert cold_models({"a": 1000, "b": 990, "new": 100}, 1000) == {"new"}
    assert cold_models({"a": 100, "b": 90}, 1000) == set()   # nobody to learn from
    assert cold_models({"a": 1000, "b": 250}, 1000) == set()
    L, _ = planted_irt(n=600, m=12)
    L[100:, 0] = np.nan   # model m0 answered 100 prompts
    pool = {"models": [f"m{i}" for i in range(12)], "prompts": [f"p{i}" for i in range(600)],
            "category": np.array(["x", "y"] * 300, dtype=object), "L": L}
    rows = estimates(pool, {"m0"}, watermark=7)
    assert [r["category"] for r in rows] == ["*", "x", "y"] and all(r["model_id"] == "m0" for r in rows)
    whole = rows[0]
    assert whole["n_evaluations"] == 100 and whole["n_prompts"] == 600 and whole["n_known_models"] == 11
    assert whole["lo"] < whole["estimate"] < whole["hi"] and whole["estimator"] == "blend-irt1"
    assert sum(r["n_evaluations"] for r in rows[1:]) == 100


def test_model_space_ridge_finds_a_known_models_twin_and_the_prediction_keeps_an_interval_that_covers():
    from tasks.coldstart import estimate as prediction, irt
    L, _ = planted_irt(n=2000, m=22, seed=3)
    rng = np.random.default_rng(0)
    new = np.where(rng.random(len(L)) < 0.05, 1 - L[:, 4], L[:, 4])   # a fine-tune of known model 4
    known = L[:, 1:]
    known[rng.random(known.shape) < 0.01] = np.nan   # gaps are filled from the other models
    F = prediction.features(known)
    assert not np.isnan(F).any()
    truth, everything = new.mean(), np.arange(len(L))
    for two in (True, False):   # 21 known models, 90 labels: a 2PL, p-IRT alone; as a 1PL the mean with the ridge
        items = irt.fit_items(known, two=two)
        ms_err, mean_err, covered = [], [], []
        for s in range(20):
            rows = np.sort(np.random.default_rng(s).choice(len(L), 90, replace=False))
            ms_err.append(abs(prediction.model_space(F, rows, new[rows], everything) - truth))
            mean_err.append(abs(new[rows].mean() - truth))
            est, lo, hi = prediction.estimate(items, F, rows, new[rows], everything)
            covered.append(lo <= truth <= hi)
            assert lo < est < hi
            alone = irt.estimate(items, rows, new[rows], everything)[0]
            mixed = 0.5 * (alone + prediction.model_space(F, rows, new[rows], everything))
            assert est == pytest.approx(alone if two else mixed, abs=1e-12)
        assert np.mean(ms_err) < 0.7 * np.mean(mean_err) and np.mean(covered) >= 0.85
        assert prediction.name(items, F, rows, new[rows]) == ("irt2" if two else "blend-irt1")
    # on a 2PL pool the prediction averages in the ridge from MIN_LABELS_RIDGE_2PL labels, and from
    # MIN_LABELS_RIDGE_EDGE for a model at the pool's edge
    two = irt.fit_items(known, two=True)
    mu, sd = two.theta.mean(), two.theta.std()
    assert prediction.at_edge(two, mu - prediction.EDGE_SD * sd) and not prediction.at_edge(two, mu + 0.99 * sd)
    strong = F[:, np.argsort(two.theta)[-2:]].max(axis=1)   # right wherever one of the two strongest models is
    middle = F[:, int(np.argmin(np.abs(two.theta - mu)))]   # the known model nearest the mean, as a new one
    edge, enough = np.arange(prediction.MIN_LABELS_RIDGE_EDGE), np.arange(prediction.MIN_LABELS_RIDGE_2PL)
    for labels, rows, blends in ((strong, edge, True), (middle, edge, False), (middle, enough, True)):
        y = labels[rows]
        assert prediction.at_edge(two, irt.ability(two, rows, y)[0]) == (labels is strong)
        assert prediction.name(two, F, rows, y) == ("blend-irt2" if blends else "irt2")
        alone = irt.estimate(two, rows, y, everything)[0]
        mixed = 0.5 * (alone + prediction.model_space(F, rows, y, everything))
        assert prediction.estimate(two, F, rows, y, everything)[0] == pytest.approx(mixed if blends else alone)
    few = np.arange(prediction.MIN_LABELS_RIDGE - 1)   # too few labels for the ridge: p-IRT alone
    assert prediction.estimate(items, F, few, new[few], everything) == pytest.approx(
        irt.estimate(items, few, new[few], everything), abs=1e-12)
    assert prediction.name(items, F, few, new[few]) == "irt1"


def test_the_ability_fit_converges_on_steep_items():
    """Undamped Newton steps from the prior mean jump to |theta| ~ 100 and back on steep items far from it."""
    from scipy.optimize import minimize_scalar

    from tasks.coldstart import irt
    a, b = np.full(20, 5.0), np.full(20, -10.0)   # p = 0.5 at theta = 2; the prior is N(0, 1)
    items = irt.Items(a, b, np.array([-1.0, 1.0]), np.zeros(2), True)
    rows, y = np.arange(20), np.r_[np.ones(15), np.zeros(5)]
    theta, var = irt.ability(items, rows, y)

    def minus_log_posterior(t):
        z = a * t + b
        return -(y * z - np.logaddexp(0, z)).sum() + 0.5 * t ** 2

    best = minimize_scalar(minus_log_posterior, bounds=(-10, 10), method="bounded", options={"xatol": 1e-10}).x
    assert theta == pytest.approx(best, abs=1e-6) and 0 < var < 1


def test_a_plans_model_is_found_by_its_hub_id_or_its_file_name_spelling():
    from tasks.coldstart.planning import pool_model
    models = ["gpt-4", "meta-llama-3_1-8b-instruct", "mistral-7b-v0.1"]
    assert pool_model(models, "openai/GPT-4") == "gpt-4"
    assert pool_model(models, "meta-llama/Meta-Llama-3.1-8B-Instruct") == "meta-llama-3_1-8b-instruct"
    assert pool_model(models, "Meta-Llama-3_1-8B-Instruct") == "meta-llama-3_1-8b-instruct"
    assert pool_model(models, "mistralai/Mistral-7B-v0.2") is None and pool_model(models, None) is None
