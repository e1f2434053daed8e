"""Selection from operators on small synthetic operator sets: rankings, pools (one column per model and pool),
placement by prompt centroid, the gated router, centroid linearity, frontier, cheapest within a margin, held-out
routing policies and the explanation helpers."""
from __future__ import annotations

import numpy as np
import pytest

from tasks.selection import explain
from tasks.evaluation import heldout as routing_eval
from tasks.selection import select as sel


def op_row(model, bench, vector, intercept=0.0, calib=(None, None), cost=None, version=1):
    """One row as warehouse.selection.read_operators returns it."""
    n_cost, ci, cpc, cmin = (0, None, None, None) if cost is None else (10, cost[0], cost[1], cost[2])
    return {"model_id": model, "version": version, "lam": 1.0, "eps": 0.1, "lam_source": "fixed", "centred": False,
            "intercept": intercept, "vector": np.asarray(vector, dtype=np.float64), "calib_a": calib[0],
            "calib_b": calib[1], "base_rate": 0.5, "n": 10, "signature": f"sig-{model}", "watermark": 7,
            "benchmark": bench, "pool": bench, "n_results": 10, "observed_accuracy": 0.5, "n_cost": n_cost, "mean_cost_usd": ci,
            "min_cost_usd": cmin, "cost_intercept": ci, "cost_per_char": cpc}


@pytest.fixture
def serving() -> sel.Serving:
    """Three MMLU-like models without costs, two priced models, one model in both pools."""
    rows = [op_row("alpha", "mmlu", [0.4, 0.0, 0.0]), op_row("beta", "mmlu", [0.0, 0.4, 0.0], 0.1),
            op_row("gamma", "mmlu", [-0.2, -0.2, 0.1], -0.1, calib=(2.0, 0.3)),
            op_row("cheap/one", "rb", [0.1, 0.0, 0.0], cost=(1e-4, 1e-7, 5e-5)),
            op_row("pricey/two", "rb", [0.3, 0.3, 0.0], 0.2, cost=(2e-3, 1e-6, 1e-3)),
            op_row("both", "mmlu", [0.0, 0.0, 0.3]), op_row("both", "rb", [0.0, 0.0, 0.3], cost=(5e-4, 0.0, 4e-4))]
    rows.sort(key=lambda r: (r["pool"], r["model_id"]))   # as read_operators orders them
    routers = {"mmlu": {"best_model": "alpha", "margin": 0.1, "centroid": np.array([1.0, 0.2, 0.0]), "spread": 0.8},
               "rb": {"best_model": "pricey/two", "margin": 0.1, "centroid": np.array([0.0, 0.3, 1.0]),
                      "spread": 0.7}}
    return sel.serving(rows, "enc", "default", routers)


def test_serving_has_one_column_per_model_and_pool(serving):
    assert list(zip(serving.models, serving.pool_of)) == [
        ("alpha", "mmlu"), ("beta", "mmlu"), ("both", "mmlu"), ("gamma", "mmlu"),
        ("both", "rb"), ("cheap/one", "rb"), ("pricey/two", "rb")]
    assert serving.W.shape == (3, 7)
    assert np.isnan(serving.cost[0]).all() and np.isnan(serving.cost[2]).all()   # no cost in mmlu
    assert serving.cost[4].tolist() == [5e-4, 0.0, 4e-4]


def test_place_picks_the_nearest_pool_centroid_and_says_why(serving):
    pools, why = sel.place(serving, np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]]))
    assert pools == ["mmlu", "rb"]
    assert why[0]["cosine"]["mmlu"] > why[0]["cosine"]["rb"] and why[0]["pool_spread"] == 0.8


def test_routed_stays_with_the_best_single_model_inside_the_margin(serving):
    cols, pool = sel.pool_columns(serving, "mmlu")
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])   # alpha 0.7 / beta 0.55 (within 0.1 of alpha: stay); beta 0.75
    _, P = sel.predict(serving, X, cols)
    pick, gate = sel.routed(serving, P, cols, pool)
    assert [serving.models[cols[k]] for k in pick] == ["alpha", "beta"] and gate["best_single"] == "alpha"
    out = sel.rank_rows(serving, X, np.array([10, 10]), cols, pool=pool)
    assert [o["routed_model"] for o in out] == ["alpha", "beta"]
    pick, gate = sel.routed(serving, P, cols[1:], pool)   # alpha filtered out: no gate, the most probable
    assert not gate["gated"] and "filtered out" in gate["why"]


def test_probabilities_calibrated_and_linear(serving):
    x = np.array([[1.0, 0.0, 0.0]])
    S, P = sel.predict(serving, x)
    g = serving.models.index("gamma")   # first column of each model
    assert S[0, g] == pytest.approx(-0.3)
    assert P[0, g] == pytest.approx(1 / (1 + np.exp(-(2.0 * -0.3 + 0.3))))
    a = serving.models.index("alpha")
    assert P[0, a] == pytest.approx((1 + 0.4) / 2)


def test_reversing_calibration_is_not_used():
    rows = [op_row("good", "b", [1.0, 0.0], calib=(2.0, 0.1)), op_row("flat", "b", [1.0, 0.0], calib=(-120.0, -80.0)),
            op_row("raw", "b", [1.0, 0.0])]
    sv = sel.serving(rows, "enc", "m")
    S, P = sel.predict(sv, np.array([[0.4, 0.0], [-0.2, 0.0]]))
    j = {m: i for i, m in enumerate(sv.models)}
    assert P[:, j["flat"]].tolist() == pytest.approx([0.7, 0.4])
    assert P[:, j["raw"]].tolist() == pytest.approx([0.7, 0.4])
    assert P[0, j["good"]] == pytest.approx(1 / (1 + np.exp(-(2.0 * 0.4 + 0.1))))


def test_pool_columns_defaults_and_patterns(serving):
    cols, pool = sel.pool_columns(serving)
    assert pool == "mmlu" and [serving.models[j] for j in cols] == ["alpha", "beta", "both", "gamma"]
    cols, pool = sel.pool_columns(serving, need_cost=True)
    assert pool == "rb" and [serving.models[j] for j in cols] == ["both", "cheap/one", "pricey/two"]
    cols, pool = sel.pool_columns(serving, models="cheap,*two")
    assert pool == "rb" and [serving.models[j] for j in cols] == ["cheap/one", "pricey/two"]
    cols, _ = sel.pool_columns(serving, "all")
    assert len(cols) == 7
    assert len(sel.pool_columns(serving, models="nothing-like-this")[0]) == 0


def test_rank_rows_orders_filters_by_cost_and_picks_cheapest(serving):
    X = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    cols, _ = sel.pool_columns(serving, "rb")
    out = sel.rank_rows(serving, X, np.array([100, 100]), cols, margin=0.8)
    first = [r["model_id"] for r in out[0]["models"]]
    assert first == ["pricey/two", "cheap/one", "both"]  # 0.75, 0.55, 0.5
    assert [r["rank"] for r in out[0]["models"]] == [1, 2, 3]
    assert out[0]["models"][0]["expected_cost_usd"] == pytest.approx(2e-3 + 100 * 1e-6)
    # within 80 % of 0.75 (>= 0.6): only pricey/two; within 0.5: the cheapest of all
    assert out[0]["cheapest_within_margin"]["model_id"] == "pricey/two"
    assert sel.rank_rows(serving, X, np.array([100, 100]), cols, margin=0.5)[0]["cheapest_within_margin"][
        "model_id"] == "cheap/one"
    capped = sel.rank_rows(serving, X, np.array([100, 100]), cols, top=1, max_cost=1e-3)
    assert [r["model_id"] for r in capped[0]["models"]] == ["cheap/one"]  # pricey/two costs 2.1e-3
    unknown = sel.rank_rows(serving, X, np.array([100, 100]), np.arange(7), max_cost=1.0)
    assert {r["model_id"] for r in unknown[1]["models"]} == {"both", "cheap/one", "pricey/two"}  # unknown cost: out


def test_task_centroid_is_mean_linear_success(serving):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(7, 3)) * 0.5
    cols = np.arange(7)
    by_examples = sel.rank_task(serving, cols, X=X, chars=np.full(7, 50))
    by_centroid = sel.rank_task(serving, cols, centroid=X.mean(0))
    S, P = sel.predict(serving, X, cols)
    lin = ((1 + S) / 2).mean(0)
    for r in by_examples:
        j = [k for k in cols if (serving.models[k], serving.pool_of[k]) == (r["model_id"], r["pool"])][0]
        assert r["centroid_success"] == pytest.approx(lin[j])  # operator at the centroid = mean linear success
        assert r["predicted_accuracy"] == pytest.approx(P[:, j].mean())
    assert [r["predicted_accuracy"] for r in by_examples] == sorted((r["predicted_accuracy"] for r in by_examples),
                                                                    reverse=True)
    assert {(r["model_id"], r["pool"]): r["centroid_success"] for r in by_centroid} == pytest.approx(
        {(r["model_id"], r["pool"]): r["centroid_success"] for r in by_examples})
    assert by_centroid[0]["expected_cost_usd"] is None
    assert next(r for r in by_examples if (r["model_id"], r["pool"]) == ("both", "rb"))["expected_cost_usd"] == \
        pytest.approx(5e-4)


def test_frontier_matches_brute_force_and_cheapest_within():
    rng = np.random.default_rng(1)
    acc, cost = rng.uniform(0.3, 0.9, 40).round(2), rng.uniform(1, 10, 40).round(1)
    mask = sel.frontier(acc, cost)
    for i in range(40):
        dominated = any(acc[k] >= acc[i] and cost[k] <= cost[i] and (acc[k] > acc[i] or cost[k] < cost[i])
                        for k in range(40) if k != i)
        assert mask[i] == (not dominated)
    for margin in (0.8, 0.95, 1.0):
        i = sel.cheapest_within(acc, cost, margin)
        ok = [k for k in range(40) if acc[k] >= margin * acc.max()]
        assert cost[i] == min(cost[k] for k in ok) and i in ok
    assert sel.cheapest_within(acc, np.full(40, np.nan), 0.9) is None


def planted_bench(n: int = 400, seed: int = 0) -> routing_eval.Bench:
    """Two clusters of prompts: model 'a' (expensive) is right on both (0.95, 0.8), 'b' (cheap) only on cluster 0,
    'c' (cheap) only on cluster 1; every 4th prompt in *_test files."""
    rng = np.random.default_rng(seed)
    cluster = rng.integers(0, 2, n)
    centres = np.array([[1.0, 0, 0, 0], [0, 1.0, 0, 0]])
    V = centres[cluster] + 0.15 * rng.normal(size=(n, 4))
    V /= np.linalg.norm(V, axis=1, keepdims=True)
    p = np.stack([np.where(cluster == 0, 0.95, 0.8), np.where(cluster == 0, 0.92, 0.1),
                  np.where(cluster == 1, 0.92, 0.1)], 1)
    Y = np.where(rng.uniform(size=(n, 3)) < p, 1.0, -1.0)
    C = np.tile([1e-2, 1e-4, 2e-4], (n, 1)) * (1 + 0.01 * rng.uniform(size=(n, 3)))
    src = np.array(["x_test" if i % 4 == 0 else "x_train" for i in range(n)], dtype=object)
    return routing_eval.Bench(["a", "b", "c"], [f"t:{i:04d}" for i in range(n)],
                     np.where(cluster == 0, "c0", "c1").astype(object), src, np.full(n, 100.0), Y, C,
                     np.tile(np.arange(n)[:, None], (1, 3)), np.arange(n), V)


def test_routing_policies_on_planted_data():
    b = planted_bench()
    spec = {"lam": 1.0, "lam_source": "gcv", "eps": 0.01, "centred": True, "calibrated": True}
    policies, heldout, calib = routing_eval.evaluate_policies(b, "default", [spec] * 3)
    assert sum(r["n"] for r in calib) == 300 and len(calib) == 10   # every held-out (prompt, model) result
    pol = {p["policy"]: p for p in policies}
    assert pol["routed"]["margin"] is not None and pol["routed"]["observed_accuracy"] >= \
        pol["best_single"]["observed_accuracy"] - 0.02
    assert set(pol) == {"best_single", "routed", "max_predicted", "within_0.99", "within_0.95", "within_0.90", "within_0.80",
                        "oracle"}
    assert pol["best_single"]["split"] == "src" and pol["best_single"]["n_test"] == 100
    assert pol["best_single"]["top_model"] == "a" and pol["best_single"]["top_model_share"] == 1.0
    cheap = pol["within_0.95"]
    # routing sends each cluster to its cheap specialist: about as accurate as 'a', at a small fraction of its cost
    assert cheap["observed_accuracy"] >= pol["best_single"]["observed_accuracy"] - 0.08
    assert cheap["mean_cost_usd"] < 0.2 * pol["best_single"]["mean_cost_usd"]
    assert pol["oracle"]["observed_accuracy"] >= max(p["observed_accuracy"] for p in policies)
    assert 0.0 < cheap["expected_accuracy"] < 1.0 and cheap["expected_cost_usd"] > 0
    cats = {(h["category"], h["model_id"]): h for h in heldout}
    assert cats[("c0", "b")]["observed_accuracy"] > 0.75 and cats[("c1", "b")]["observed_accuracy"] < 0.3
    assert cats[("c0", "b")]["predicted_accuracy"] > cats[("c1", "b")]["predicted_accuracy"] + 0.4
    assert cats[("", "a")]["n_test"] == 100


def test_hash_split_without_source_files():
    b = planted_bench()
    b.src = np.full(len(b.prompts), "", dtype=object)
    b.C[:] = np.nan
    spec = {"lam": 1.0, "lam_source": "fixed", "eps": 0.01, "centred": False, "calibrated": False}
    policies, _, _ = routing_eval.evaluate_policies(b, "paper", [spec] * 3)
    pol = {p["policy"]: p for p in policies}
    assert set(pol) == {"best_single", "routed", "max_predicted", "oracle"} and pol["oracle"]["split"] == "hash"
    assert 40 <= pol["oracle"]["n_test"] <= 120 and pol["best_single"]["mean_cost_usd"] is None
    assert pol["max_predicted"]["observed_accuracy"] > pol["best_single"]["observed_accuracy"]


def test_explain_cosine_order_strengths_disagreement():
    W = np.array([[1.0, 0.9, 0.0, -1.0], [0.0, 0.1, 1.0, 0.0]])
    C = explain.cosine_matrix(W)
    assert C[0, 1] == pytest.approx(0.9 / np.hypot(0.9, 0.1)) and C[0, 3] == pytest.approx(-1.0)
    order = explain.similarity_order(C).tolist()
    assert abs(order.index(0) - order.index(1)) == 1
    assert explain.most_similar(C, ["a", "b", "c", "d"], 1)["a"] == [("b", pytest.approx(C[0, 1]))]
    P = np.array([[0.9, 0.1, 0.5], [0.5, 0.5, np.nan], [0.2, 0.8, 0.5]])
    st = explain.strengths(P, ["p0", "p1", "p2"], ["m0", "m1", "m2"], k=1)
    top = {(r["model_id"], r["kind"]): r["prompt_id"] for r in st}
    assert top[("m0", "strongest")] == "p0" and top[("m0", "weakest")] == "p2" and top[("m1", "strongest")] == "p2"
    assert not any(r["model_id"] == "m2" for r in st)   # at the mean everywhere (p1: not predicted): neither kind
    low = explain.strengths(np.array([[0.065, 0.01, 0.01], [0.6, 0.9, 0.9], [0.4, 0.3, 0.2]]), ["a", "b", "c"],
                            ["m0", "m1", "m2"], k=3)
    got = {}
    for r in low:
        got.setdefault((r["model_id"], r["kind"]), []).append(r["prompt_id"])
    # m0: above the mean only where p is low (0.065, 0.4) and below it only where p is high (0.6): neither kind
    assert got == {("m1", "strongest"): ["b"], ("m1", "weakest"): ["a"], ("m2", "strongest"): ["b"],
                   ("m2", "weakest"): ["c", "a"]}
    d = explain.disagreement(P, ["p0", "p1", "p2"], ["m0", "m1", "m2"], k=2)
    assert [r["prompt_id"] for r in d] == ["p0", "p2"] and d[0]["most_likely"] == "m0" and d[0]["least_likely"] == "m1"
