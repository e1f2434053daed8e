"""Held-out evaluation of the operators against baselines: success accuracy, AUC and routing accuracy per method."""
from __future__ import annotations

import logging
import time
from typing import Callable

import numpy as np

from tasks.evaluation import baselines
from tasks import operators as ops
from tasks.evaluation import metrics as rm
from tasks.evaluation.metrics import auc
from tasks.evaluation.data import ALIASES, EvalData, Fold, model_stats, splits
from tasks.evaluation.costs import cost_scores
from tasks.operators import serving as route
from tasks.operators.fitting import PoolData, fit_pool

log = logging.getLogger("taskspace.evaluate")


def best_single(data: EvalData, train: np.ndarray) -> int:
    """The model with the highest accuracy on its training results (the pool's best single model)."""
    return route.best_single(data.Y[train])


def complete(data: EvalData, rows: np.ndarray) -> np.ndarray:
    """The rows where every model has a result (routing is scored on these)."""
    return rows[~np.isnan(data.Y[rows]).any(1)]


def pool_data(data: EvalData, train: np.ndarray) -> PoolData:
    """The fold's pool as the one fit path takes it: every model's statistics and rows on the training prompts."""
    stats, sigs = model_stats(data, train)
    mine = [train[~np.isnan(data.Y[train, j])] for j in range(len(data.models))]
    return PoolData(stats, sigs, lambda j: data.V[data.KEY[mine[j], j]], lambda j: data.Y[mine[j], j])


def fit_operators(data: EvalData, train: np.ndarray, spec: ops.MethodSpec, new: np.ndarray | None = None
                  ) -> tuple[list[ops.Operator], np.ndarray | None, list[ops.Eig]]:
    """Operators of every model on TRAIN through the one fit path (a shrinking SPEC's prior leaves the NEW models
    out), the leave-one-out calibrated probabilities (train rows x models, NaN = no result) its Platt fits used,
    and each model's eigenpairs."""
    old = None if new is None else np.flatnonzero(~new)
    fit = fit_pool(pool_data(data, train), spec, prior_from=old)
    loo_p = fit.loo_matrix(len(train), lambda j: ~np.isnan(data.Y[train, j])) if spec.calibrate else None
    return fit.operators, loo_p, fit.eigs


def operator_method(spec: ops.MethodSpec, *, probabilities: bool = False, gate: bool = False) -> Callable:
    """A closed-form method: raw scores (threshold 0, routing by the largest score), or Platt-calibrated
    probabilities (threshold 0.5) routed away from the best single model only past a margin tuned on LOO."""
    def run(data: EvalData, fold: Fold, **_) -> dict:
        train = fold.train
        fitted, loo_p, eigs = fit_operators(data, train, spec, fold.new)
        X = data.X(fold.test)
        params = {"config": spec.config(), "lam_median": float(np.median([o.lam for o in fitted]))}
        W, b = np.stack([o.vector for o in fitted], 1), np.array([o.intercept for o in fitted])
        if not probabilities:
            return {"score": route.scores(W, b, X), "threshold": 0.0, "params": params}
        out = {"score": route.calibrated(route.scores(W, b, X), route.calib_of(fitted)), "threshold": 0.5,
               "params": params,
               "variance": np.stack([ops.confidence(X, e, o.lam)[0] for e, o in zip(eigs, fitted)], axis=1)}
        if gate:   # the pool's router, tuned exactly as refresh tunes the served one
            best, params["margin"] = route.gate(loo_p, data.Y[train], best_single(data, train))
            out["choice"] = route.route(out["score"], best, params["margin"])
        return out
    return run


def gated(method: Callable) -> Callable:
    """METHOD (a baseline that gives probabilities) behind the same gate as the operators: it also scores the
    validation prompts, and the margin to leave the best single model is tuned on them."""
    def run(data: EvalData, fold: Fold, **kw) -> dict:
        n = len(fold.test)
        both = Fold(fold.name, fold.train, fold.val, np.concatenate([fold.test, fold.val]), fold.new)
        out = method(data, both, **kw)
        S, res = out["score"], dict(out, score=out["score"][:n])
        if len(fold.val):
            best, margin = route.gate(S[n:], data.Y[fold.val], best_single(data, fold.train))
            res["params"] = {**out.get("params", {}), "margin": margin}
            res["choice"] = route.route(S[:n], best, margin)
        return res
    return run


METHODS: dict[str, Callable] = {
    "base_rate": baselines.base_rate,
    "paper": operator_method(ops.MethodSpec("paper", 1.0, 0.1, centred=False, calibrate=False)),
    "paper_centred": operator_method(ops.MethodSpec("paper_centred", 1.0, 0.1, centred=True, calibrate=False)),
    "centred": operator_method(ops.CENTRED, probabilities=True, gate=True),
    "knn": gated(baselines.knn),
    "logistic": gated(baselines.logistic),
    "matrix_factorisation": gated(baselines.matrix_factorisation),
    "default": operator_method(ops.DEFAULT, probabilities=True, gate=True),
}
DEFAULT_METHOD = "default"


def score_fold(data: EvalData, fold: Fold, out: dict) -> dict:
    """success_accuracy, auc (pooled over test results; of the NEW models only when some are new) and
    routing_accuracy (test prompts with every model's result, routed among all models)."""
    test = fold.test
    S, known = out["score"], ~np.isnan(data.Y[test])
    if fold.new is not None:
        known &= fold.new[None, :]
    lab = data.Y[test][known] > 0
    s = S[known]
    routed = complete(data, test)
    pos = np.searchsorted(test, routed)
    choice = out.get("choice")
    choice = np.argmax(S, axis=1) if choice is None else choice
    Yr = data.Y[routed]
    hit = (s > out["threshold"]) == lab
    res = {"success_accuracy": float(np.mean(hit)), "auc": auc(s, lab),
           "routing_accuracy": float(np.mean(Yr[np.arange(len(routed)), choice[pos]] > 0)),
           "n_test_results": int(known.sum()), "n_routed": int(len(routed))}
    if out["threshold"] == 0.5:   # calibrated probabilities: expected calibration error, 10 bins
        res["ece"] = rm.ece(s, lab)
        if data.C is not None and len(routed):
            cs = cost_scores(S[pos], Yr, data.C[routed], data.C[fold.train], best_single(data, fold.train))
            res |= {k: v for k, v in cs.items() if k != "weak_model"}
    if "variance" in out:   # does the geometric confidence tell good predictions from bad ones?
        v = out["variance"][known]
        low = v <= np.median(v)
        res |= {"success_accuracy_confident": float(np.mean(hit[low])),
                "success_accuracy_uncertain": float(np.mean(hit[~low]))}
    return res


def evaluate(data: EvalData, split: str = "id", seed: int = 0, methods: list[str] | None = None) -> dict:
    """Per-method metrics of every fold and their mean, plus best single model and oracle routing accuracy."""
    names = methods or list(METHODS)
    folds, summary = [], {}
    from tasks.embedding.embed import Progress

    folds_of = splits(data, split, seed)
    bar = Progress(len(folds_of) * len(names), desc=f"evaluate {split}", unit="method", logger=log)
    for fold in folds_of:
        train, test = fold.train, fold.test
        routed = complete(data, test)
        best = best_single(data, train)
        row = {"fold": fold.name, "n_train": int(len(train)), "n_val": int(len(fold.val)), "n_test": int(len(test)),
               "new_models": None if fold.new is None else [m for m, b in zip(data.models, fold.new) if b],
               "best_single_model": data.models[best],
               "best_single_accuracy": float(np.mean(data.Y[routed, best] > 0)),
               "oracle_accuracy": float(np.mean((data.Y[routed] > 0).any(1))), "methods": {}}
        for name in names:
            t0 = time.perf_counter()
            out = METHODS[name](data, fold, seed=seed)
            row["methods"][name] = score_fold(data, fold, out) | {
                "seconds": round(time.perf_counter() - t0, 2), "params": out.get("params", {})}
            bar.update(1)
        folds.append(row)
    bar.close()
    for key in ("best_single_accuracy", "oracle_accuracy"):
        summary[key] = float(np.mean([f[key] for f in folds]))
    per_method = {}
    for name in names:
        keys = [k for k, v in folds[0]["methods"][name].items() if isinstance(v, float)]
        per_method[name] = {k: float(np.nanmean([f["methods"][name].get(k, np.nan) for f in folds])) for k in keys}
        per_method[name]["worst_fold_routing_gain"] = float(min(
            f["methods"][name]["routing_accuracy"] - f["best_single_accuracy"] for f in folds))
        margins = [f["methods"][name]["params"]["margin"] for f in folds if "margin" in f["methods"][name]["params"]]
        if margins:   # the gate a router should use (mean of the folds' tuned margins)
            per_method[name]["margin"] = float(np.mean(margins))
    return {"split": ALIASES.get(split, split), "seed": seed, "folds": folds, "methods": per_method, **summary}


METRICS = ("success_accuracy", "auc", "ece", "routing_accuracy", "aiq", "apgr", "cpt50", "cpt80")


def intervals(folds: list[dict], name: str) -> dict:
    """{metric: [lo, hi]}: the 95 % Student-t interval over the folds of every metric of method NAME (and of the
    best single model and the oracle when NAME is None)."""
    if name is None:
        return {k: list(rm.interval([f[k] for f in folds])[1:]) for k in ("best_single_accuracy", "oracle_accuracy")}
    keys = [k for k, v in folds[0]["methods"][name].items() if isinstance(v, float)]
    return {k: list(rm.interval([f["methods"][name].get(k, np.nan) for f in folds])[1:]) for k in keys}


def routing_gains(folds: list[dict]) -> dict:
    """{method: [mean, lo, hi]}: routing accuracy minus the best single model's, paired per fold, with its 95 %
    Student-t interval over the folds (lo = hi = mean for one fold)."""
    return {m: list(rm.interval([f["methods"][m]["routing_accuracy"] - f["best_single_accuracy"] for f in folds]))
            for m in folds[0]["methods"]}


def best_single_name(folds: list[dict]) -> str:
    """The best single model of the folds (the one most folds chose; ties: first seen)."""
    names = [f["best_single_model"] for f in folds]
    return max(dict.fromkeys(names), key=names.count)


def run_evaluation(con, *, split: str = "id", seed: int = 0, methods: list[str] | None = None,
                   encoder: str = "all-MiniLM-L6-v2", benchmark: str | None = None) -> dict:
    """Evaluate on one BENCHMARK's results (default: the one with most results; each benchmark is its own pool of
    models; CON a connection or a warehouse path, opened only to read the data and to write the run), store every fold's and the mean metrics as one run, return the summary (top-level metrics are the
    default method's; `paper` is the paper's formula; `methods` has every method)."""
    from tasks.evaluation.data import benchmarks, load
    from warehouse.db import using
    from warehouse.operators import write_evaluation

    with using(con) as c:   # read, then compute with no connection held, then write
        known = benchmarks(c)
        if not known:
            raise ValueError("the warehouse has no results to evaluate yet: run `taskspace ingest results -f FORMAT "
                             "PATH`, then `taskspace refresh`")
        if benchmark is None:
            benchmark = known[0]
        elif benchmark not in known:
            raise ValueError(f"no results for benchmark {benchmark!r} (known: {', '.join(known) or 'none'})")
        data = load(c, encoder, benchmark)
    res = evaluate(data, split, seed, methods)
    rows = []
    for f in res["folds"]:
        for name, m in f["methods"].items():
            rows += [(f["fold"], name, k, v, m["params"]) for k, v in m.items() if isinstance(v, float)]
        rows += [(f["fold"], "best_single", "routing_accuracy", f["best_single_accuracy"],
                  {"model": f["best_single_model"]}), (f["fold"], "oracle", "routing_accuracy", f["oracle_accuracy"], {})]
    for name, m in res["methods"].items():
        rows += [("mean", name, k, v, {}) for k, v in m.items()]
    rows += [("mean", "best_single", "routing_accuracy", res["best_single_accuracy"], {}),
             ("mean", "oracle", "routing_accuracy", res["oracle_accuracy"], {})]
    split = res["split"]
    with using(con, write=True) as c:
        run_id = write_evaluation(c, split=split, seed=seed, encoder=encoder, watermark=data.watermark,
                                  benchmark=benchmark, rows=rows)
    head = res["methods"].get(DEFAULT_METHOD, {})
    return {"run_id": run_id, "benchmark": benchmark, "split": split, "seed": seed, "encoder": encoder, "watermark": data.watermark,
            "n_prompts": len(data.prompts), "n_models": len(data.models), "default_method": DEFAULT_METHOD,
            **{k: head.get(k) for k in METRICS if k in head},
            "intervals": {"default": intervals(res["folds"], DEFAULT_METHOD) if head else {},
                          **intervals(res["folds"], None)},
            "method_intervals": {m: intervals(res["folds"], m) for m in res["methods"]},
            "best_single_accuracy": res["best_single_accuracy"], "oracle_accuracy": res["oracle_accuracy"],
            "best_single_model": best_single_name(res["folds"]),
            "routing_gain_over_best_single": (head["routing_accuracy"] - res["best_single_accuracy"]) if head else None,
            "routing_gains": routing_gains(res["folds"]),
            "worst_fold_routing_gain": head.get("worst_fold_routing_gain"),
            "paper": res["methods"].get("paper"), "methods": res["methods"],
            "new_models": res["folds"][0]["new_models"], "folds": res["folds"]}
