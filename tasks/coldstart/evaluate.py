"""Leave-one-model-out cold start: each model in turn is new, the rest fitted on every prompt; it answers K planned
prompts and is scored on accuracy error (overall, per category), AUC lift share against its full-data operator,
interval coverage and routing with it in the pool."""
from __future__ import annotations

import numpy as np

from tasks import operators as ops
from tasks.coldstart.fit import Known, accuracy, by_category, fit_cold
from tasks.coldstart import adaptive, answered as rate, detect, estimate as prediction, irt
from tasks.coldstart.operator import PoolPrompts, cold_operator
from tasks.coldstart.plan import plan
from tasks.coldstart.prior import pool_scores, scores_of
from tasks.evaluation.data import EvalData
from tasks.evaluation.evaluate import pool_data
from tasks.evaluation.metrics import auc
from tasks.operators import serving as route
from tasks.operators.fitting import fit_pool
from tasks.operators.math import sigmoid


def known_of(data: EvalData, pool, spec: ops.MethodSpec, out: int) -> Known:
    """The known models (all but OUT) fitted on every prompt, their prior leaving OUT out, as the estimator sees them;
    their router (best single model, margin tuned on their leave-one-out probabilities) as refresh would tune it."""
    others = [j for j in range(len(data.models)) if j != out]
    f = fit_pool(pool, spec, todo=others, prior_from=others)
    fitted = [f.operators[j] for j in others]
    W, b = np.stack([o.vector for o in fitted], 1), np.array([o.intercept for o in fitted])
    X = data.X(np.arange(len(data.prompts))).astype(np.float64)
    S = route.scores(W, b, X)
    prior = f.prior if f.prior is not None else np.zeros(X.shape[1])
    Y = data.Y[:, others]
    loo = f.loo_matrix(len(data.prompts), lambda j: ~np.isnan(data.Y[:, j]))[:, others]
    return Known(X, S, route.calibrated(S, route.calib_of(fitted)), W, b, prior, Y,
                 route.gate(loo, Y, route.best_single(Y)))


def full_probabilities(data: EvalData, spec: ops.MethodSpec, rows: np.ndarray) -> np.ndarray:
    """Every model's calibrated probabilities on every prompt from operators fitted on ROWS (all models' labels)."""
    f = fit_pool(pool_data(data, rows), spec)
    W, b = np.stack([o.vector for o in f.operators], 1), np.array([o.intercept for o in f.operators])
    return route.calibrated(route.scores(W, b, data.X(np.arange(len(data.prompts)))), route.calib_of(f.operators))


IRT = ("default", "irt", "irt1", "irt2")   # predictions from the known models' labels: default the served one
#   (tasks/coldstart/estimate.py: p-IRT, averaged with the model-space ridge once there are enough labels), irt
#   p-IRT alone (2PL with >= 20 known models, else 1PL), irt1 1PL, irt2 2PL; each with its cold-start operator


def served(pool: PoolPrompts, spec: ops.MethodSpec, prior: np.ndarray | None, n_results: int, p: np.ndarray
           ) -> np.ndarray:
    """The held-out model's calibrated probabilities on every pool prompt from the operator refresh would serve
    (cold_operator of its prediction P; PRIOR: the known models')."""
    o = cold_operator(spec, pool, p, n_results, prior)
    return sigmoid(o.calib[0] * (o.intercept + pool.X @ o.vector) + o.calib[1])


def labels01(Y: np.ndarray) -> np.ndarray:
    """+1/-1 labels (NaN = none) as 1/0 (NaN kept)."""
    return np.where(np.isnan(Y), np.nan, (Y > 0).astype(np.float64))


def lift(a: float, full: float) -> float:
    """The share of the full operator's AUC lift over 0.5 that A reaches."""
    return (a - 0.5) / (full - 0.5) if full > 0.5 else float("nan")


def coldstart(data: EvalData, budgets=(25, 50, 100, 200, 400), strategies=("random", "stratified", "disagreement"),
              estimators=("prior", "regression", "both"), seeds: int = 1, models: list[int] | None = None,
              spec: ops.MethodSpec = ops.DEFAULT, seed: int = 0, log=None, scores: dict[str, float] | None = None,
              answered: np.ndarray | None = None) -> list[dict]:
    """One row per held-out model x strategy x K x seed x estimator (SCORES: {model: leaderboard score on the
    benchmark} for the ability priors of the p-IRT estimators, tasks/coldstart/prior.py; the held-out model's line
    is fitted on the others; ANSWERED: prompts x models, 1 = an answer was extracted, 0 = none, NaN = not said, for
    the served prediction's answer-rate part, tasks/coldstart/answered.py) with: err (estimated - true accuracy),
    covered (the 95 % interval holds the truth), width, cat_mae (mean over categories of |error|), auc, auc_full (its
    full-data operator, in-sample, same rows), lift, auc_cold20 / auc_full20 / lift20 (held out: its operator
    fitted on 80 % of prompts, both scored on the other 20 %), routing with the cold operator / full / without."""
    n = len(data.prompts)
    everything = np.arange(n)
    pool = pool_data(data, everything)
    P_full = full_probabilities(data, spec, everything)
    rng = np.random.default_rng(seed)
    test20 = np.sort(rng.permutation(n)[: n // 5])
    train80 = np.setdiff1d(everything, test20)
    P80 = full_probabilities(data, spec, train80)
    complete = np.flatnonzero(~np.isnan(data.Y).any(1))
    prompts = PoolPrompts.of(data.X(everything), spec.eps)
    models = list(range(len(data.models))) if models is None else models
    flags = np.full_like(data.Y, np.nan) if answered is None else answered
    out = []
    for j in models:
        known = known_of(data, pool, spec, j)
        two = {"default": None, "irt": None, "irt1": False, "irt2": True}
        k01 = labels01(known.Y)
        items = {e: irt.fit_items(k01, two=two[e]) for e in estimators if e in IRT}
        F = prediction.features(k01)
        names = [data.models[i] for i in range(len(data.models)) if i != j]
        parts = rate.fit_parts(k01, np.delete(flags, j, axis=1))
        mine_scores = scores_of(names, data.models[j], scores or {})
        feats = np.where(np.isnan(known.Y), 2 * known.P - 1, known.Y)   # what the plans stratify on
        mine = np.flatnonzero(~np.isnan(data.Y[:, j]))
        lab = data.Y[:, j] > 0
        truth = float(lab[mine].mean())
        cats = data.category[mine]
        cat_truth = {c: float(lab[mine][cats == c].mean()) for c in set(cats.tolist())}
        for strategy in strategies:
            for k in budgets:
                for s in range(seeds):
                    if strategy == adaptive.STRATEGY:   # two rounds: the second at its ability after the first
                        rows = adaptive.two_rounds(k01, feats, mine, k,
                                                   (data.Y[:, j] > 0).astype(np.float64), data.category,
                                                   seed + 1000 * s + j, items.get("default") or items.get("irt"),
                                                   mine_scores)
                    else:
                        rows = plan(strategy, mine, k, seed=seed + 1000 * s + j, category=data.category,
                                    P=known.P, F=feats)
                    y = data.Y[rows, j]
                    rest = np.setdiff1d(mine, rows)
                    r20 = np.intersect1d(rest, test20)
                    route_rows = np.setdiff1d(complete, rows)
                    Xk = data.V[data.KEY[rows, j]].astype(np.float64)
                    for est in estimators:
                        if est in IRT:   # the prediction, its accuracy, and the operator fitted to it
                            Fe = F if est == "default" else F[:, :0]
                            p, prior = detect.predict_one(items[est], Fe, names, data.models[j], rows, y > 0,
                                                          scores or {}, parts if est == "default" else None,
                                                          flags[rows, j])
                            a, lo, hi = prediction.estimate(items[est], Fe, rows, y > 0, mine, p=p, prior=prior)
                            cat = {c: float(p[np.intersect1d(mine, np.flatnonzero(data.category == c))].mean())
                                   for c in cat_truth}
                            p_op = served(prompts, spec, known.prior, len(rows), p)
                        else:
                            cold = fit_cold(known, rows, y, est, Xk=Xk)
                            a, lo, hi = accuracy(cold, y, mine)
                            cat = by_category(cold, y, data.category)
                            p_op = cold.p
                        row = {"model": data.models[j], "strategy": strategy, "k": int(len(rows)), "seed": s,
                               "estimator": est, "truth": truth, "estimate": a, "err": a - truth,
                               "covered": float(lo <= truth <= hi), "width": hi - lo,
                               "cat_mae": float(np.mean([abs(cat[c] - t) for c, t in cat_truth.items()])),
                               "auc": auc(p_op[rest], lab[rest]), "auc_full": auc(P_full[rest, j], lab[rest]),
                               "auc_cold20": auc(p_op[r20], lab[r20]), "auc_full20": auc(P80[r20, j], lab[r20]),
                               "mean_only_err": float(lab[rows].mean()) - truth}
                        row["lift"], row["lift20"] = lift(row["auc"], row["auc_full"]), lift(row["auc_cold20"], row["auc_full20"])
                        row |= routing(data, known, p_op, P_full[:, j], j, route_rows)
                        out.append(row)
        if log:
            log(f"held out {data.models[j]} done")
    return out


def routing(data: EvalData, known: Known, p_cold: np.ndarray, p_full: np.ndarray, j: int, rows: np.ndarray) -> dict:
    """Routing accuracy on ROWS through the served gate (tasks.operators.serving.route: the known models' best
    single model and margin, as refresh tunes them with a cold-start model left out) with the held-out model cold,
    fully fitted, absent."""
    others = [i for i in range(len(data.models)) if i != j]
    Y = data.Y[rows][:, others + [j]] > 0
    best, margin = known.gate
    res = {}
    for name, pj in (("routing_cold", p_cold), ("routing_full", p_full)):
        pick = route.route(np.column_stack([known.P[rows], pj[rows]]), best, margin)
        res[name] = float(Y[np.arange(len(rows)), pick].mean())
    res["routing_without"] = float(Y[np.arange(len(rows)), route.route(known.P[rows], best, margin)].mean())
    return res


def summarise(rows: list[dict]) -> dict:
    """{(estimator, strategy, k): {mae, mae_lo, mae_hi, cat_mae, auc, lift, lift20, coverage, width, routing}}."""
    from tasks.evaluation.metrics import interval
    groups: dict = {}
    for r in rows:
        groups.setdefault((r["estimator"], r["strategy"], r["k"]), []).append(r)
    out = {}
    for key, g in sorted(groups.items()):
        mae = interval([abs(r["err"]) for r in g])
        m = lambda f: float(np.nanmean([r[f] for r in g]))   # noqa: E731
        out[key] = {"mae": mae[0], "mae_lo": mae[1], "mae_hi": mae[2], "bias": m("err"), "cat_mae": m("cat_mae"),
                    "auc": m("auc"), "auc_full": m("auc_full"), "lift": m("lift"), "lift20": m("lift20"),
                    "coverage": m("covered"), "width": m("width"), "mean_only_mae": float(np.mean([abs(r["mean_only_err"]) for r in g])),
                    "routing_cold": m("routing_cold"), "routing_full": m("routing_full"),
                    "routing_without": m("routing_without"), "n": len(g)}
    return out


def run(db, budget: int, benchmark: str | None = None, encoder: str = "all-MiniLM-L6-v2", seed: int = 0,
        strategies: tuple[str, ...] = ("difficulty", adaptive.STRATEGY, "random", "stratified"),
        estimator: str = prediction.ESTIMATOR, plans: int = 1) -> dict:
    """`taskspace evaluate --split coldstart`: leave-one-model-out at K = BUDGET on BENCHMARK (default the one
    with most results) for the default plan, two rounds (adaptive), random and stratified-random choice, PLANS
    plans per held-out model, with the served prediction and operator (and the models' leaderboard scores for their
    ability priors, their answer flags for the answer-rate part); {benchmark, models, prompts, leaderboard_priors
    (models with a score), answer_flags (models flagged on every label), rows: summarise()}."""
    from tasks.evaluation.data import benchmarks, load
    from warehouse.coldstart import answered_flags, leaderboard_scores
    from warehouse.db import using
    from warehouse.operators import write_evaluation

    with using(db) as con:
        bench = benchmark or benchmarks(con)[0]
        data = load(con, encoder, bench)
        scores = pool_scores(bench, leaderboard_scores(con, bench))
        flags = answered_flags(con, bench, data.prompts, data.models)
    if len(data.models) < 3:
        raise ValueError(f"{bench}: leave-one-model-out needs at least 3 models (has {len(data.models)})")
    summary = summarise(coldstart(data, [budget], strategies, (estimator,), seeds=plans, seed=seed, scores=scores,
                                  answered=flags))
    with using(db, write=True) as con:   # computed with no connection held; written in one short transaction
        run_id = write_evaluation(con, split="coldstart", seed=seed, encoder=encoder, watermark=data.watermark,
                                  benchmark=bench, rows=stored_rows(summary, len(data.models), plans))
    return {"run_id": run_id, "benchmark": bench, "models": len(data.models), "prompts": len(data.prompts),
            "budget": budget, "estimator": estimator, "seed": seed, "plans": plans,
            "leaderboard_priors": sum(m in scores for m in data.models),
            "answer_flags": len(rate.flagged(data.Y, flags)),
            "rows": [{"strategy": s, **m} for (_, s, _), m in summary.items()]}


def stored_rows(summary: dict, n_models: int, plans: int = 1) -> list[tuple[str, str, str, float, dict]]:
    """The evaluations rows of a cold-start run: fold 'K=<budget>', method = the plan strategy, one row per metric
    (mae, its interval, bias, cat_mae, coverage, width, auc, auc_full, lift, lift20, routing_*), the estimator, the
    number of models held out and of plans per model in params."""
    return [(f"K={k}", strategy, metric, value, {"estimator": est, "budget": k, "models": n_models, "plans": plans})
            for (est, strategy, k), m in summary.items() for metric, value in m.items() if metric != "n"]
