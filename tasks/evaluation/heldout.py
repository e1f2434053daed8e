"""Held-out evaluation of cost-aware routing policies on one benchmark, against always using the best single model."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

import numpy as np

from tasks import operators as ops
from tasks.evaluation import metrics as rm
from tasks.operators import serving as serve
from tasks.operators.fitting import PoolData, fit_pool, signature
from tasks.selection.select import MARGINS, cheapest_within


@dataclass
class Bench:
    """One benchmark's results as matrices: labels Y (+1/-1, NaN = none), costs C, vector rows KEY of the text each
    model saw and CANON of each prompt's canonical text into V."""
    models: list[str]
    prompts: list[str]
    category: np.ndarray
    src: np.ndarray
    chars: np.ndarray
    Y: np.ndarray
    C: np.ndarray
    KEY: np.ndarray
    canon: np.ndarray
    V: np.ndarray


def bench(labels: dict, models: list[str]) -> Bench:
    """A Bench of the MODELS from warehouse.selection.benchmark_labels output."""
    keys = sorted(labels["vectors"])
    kidx = {k: i for i, k in enumerate(keys)}
    prompts = sorted(set(labels["prompt_id"]))
    pidx, midx = {p: i for i, p in enumerate(prompts)}, {m: j for j, m in enumerate(models)}
    n, m = len(prompts), len(models)
    Y, C, KEY = np.full((n, m), np.nan), np.full((n, m), np.nan), np.full((n, m), -1, dtype=np.int64)
    canon, cat, src, chars = np.zeros(n, np.int64), np.empty(n, object), np.empty(n, object), np.zeros(n)
    for mo, p, ok, cost, c, s, ch, k, ck in zip(*(labels[f] for f in (
            "model_id", "prompt_id", "correct", "cost_usd", "category", "src", "chars", "key", "canon_key"))):
        i = pidx[p]
        canon[i], cat[i], src[i], chars[i] = kidx.get(ck, -1), c, s, ch
        if mo in midx and k in kidx:
            Y[i, midx[mo]], C[i, midx[mo]] = (1.0 if ok else -1.0), np.nan if cost is None else cost
            KEY[i, midx[mo]] = kidx[k]
    V = np.stack([labels["vectors"][k] for k in keys]) if keys else np.zeros((0, 0), np.float32)
    return Bench(models, prompts, cat, src, chars, Y, C, KEY, canon, V)


def holdout(b: Bench) -> tuple[np.ndarray, str]:
    """(held-out mask, split kind): the *_test source files where the benchmark has *_train / *_test files (the
    RouterDC split of RouterBench), else a fixed 20 % of prompts by the hash of their id."""
    test = np.array([s.endswith("_test") for s in b.src])
    if test.any() and not test.all():
        return test, "src"
    return np.array([int(hashlib.sha256(p.encode()).hexdigest()[:8], 16) % 5 == 0 for p in b.prompts]), "hash"


def method_spec(method: str, specs: list[dict]) -> ops.MethodSpec:
    """The MethodSpec the stored METHOD operators were fitted with (lam and eps as stored)."""
    eps = specs[0]["eps"]
    lam = next((s["lam"] for s in specs if s["lam_source"] == "fixed"), 1.0)
    known = {s.name: s for s in ops.stored_methods(lam, eps)}
    if method not in known:
        raise ValueError(f"unknown operator method {method!r} (known: {', '.join(known)})")
    return known[method]


def refit(b: Bench, rows: np.ndarray, spec: ops.MethodSpec) -> tuple[list[ops.Operator], np.ndarray]:
    """(every model's operator on prompt rows ROWS through the one fit path, the leave-one-out probabilities
    (rows x models, NaN = no label) that its calibration and gate are tuned on)."""
    mine = [rows[~np.isnan(b.Y[rows, j]) & (b.KEY[rows, j] >= 0)] for j in range(len(b.models))]
    stats, sigs = [], []
    for j, r in enumerate(mine):
        X = b.V[b.KEY[r, j]].astype(np.float64)
        stats.append(ops.Stats.of(X, b.Y[r, j]))
        sigs.append(signature(b.KEY[r, j]))
    fit = fit_pool(PoolData(stats, sigs, lambda j: b.V[b.KEY[mine[j], j]], lambda j: b.Y[mine[j], j]), spec)
    pos = {int(r): i for i, r in enumerate(rows)}
    return fit.operators, fit.loo_matrix(len(rows), lambda j: [pos[int(r)] for r in mine[j]])


def router_on(b: Bench, train_rows: np.ndarray, test_rows: np.ndarray, method: str, specs: list[dict]
              ) -> tuple[np.ndarray, int, float]:
    """(calibrated probabilities on TEST_ROWS, best single model, tuned margin) of METHOD's router fitted on
    TRAIN_ROWS through the one fit path and the one gate (what refresh serves when those are all it has seen)."""
    fitted, loo = refit(b, train_rows, method_spec(method, specs))
    Ytr = b.Y[train_rows]
    best, margin = serve.gate(loo, Ytr, serve.best_single(Ytr))
    return serve.probabilities(fitted, b.V[b.canon[test_rows]]), best, margin


def routed_picks(b: Bench, method: str, specs: list[dict]) -> dict[str, str]:
    """{held-out prompt id: the model the gated router picks}, as the held-out evaluation scores it."""
    test, _ = holdout(b)
    rows = np.flatnonzero(test)
    P, best, margin = router_on(b, np.flatnonzero(~test), rows, method, specs)
    return {b.prompts[i]: b.models[j] for i, j in zip(rows, serve.route(P, best, margin))}


def cost_line(chars: np.ndarray, cost: np.ndarray) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line cost ~ chars (slope 0 when lengths do not vary), as SQL's
    regr_slope / regr_intercept."""
    x, y = np.asarray(chars, dtype=np.float64), np.asarray(cost, dtype=np.float64)
    var = float(((x - x.mean()) ** 2).mean())
    slope = float(((x - x.mean()) * (y - y.mean())).mean() / var) if var > 1e-12 else 0.0
    return slope, float(y.mean() - slope * x.mean())


def evaluate_policies(b: Bench, method: str, specs: list[dict], margins=MARGINS
                      ) -> tuple[list[dict], list[dict], list[dict]]:
    """(routing policies, per-task held-out accuracy, reliability bins of every held-out prediction): operators refitted on the training prompts; on held-out prompts
    every model answered, the best single model (by training accuracy), the most probable model, the cheapest
    model within each margin of the most probable (costs predicted by a per-model line on prompt length fitted on
    training prompts) and the oracle, with expected and observed accuracy and cost."""
    test, kind = holdout(b)
    train_rows, test_rows = np.flatnonzero(~test), np.flatnonzero(test)
    P, best, margin = router_on(b, train_rows, test_rows, method, specs)
    Ytr = b.Y[train_rows]
    full = ~np.isnan(b.Y[test_rows]).any(1)
    Pf, Yf, Cf = P[full], b.Y[test_rows][full] > 0, b.C[test_rows][full]
    has_cost = bool(len(Cf)) and not np.isnan(Cf).any() and not np.isnan(b.C[train_rows]).all(0).any()
    if has_cost:  # per-model cost line on prompt length (training prompts), floored at the cheapest training prompt
        Ctr, ok = b.C[train_rows], ~np.isnan(b.C[train_rows])
        Ef = np.stack([np.maximum(np.polyval(cost_line(b.chars[train_rows][ok[:, j]], Ctr[ok[:, j], j]),
                                             b.chars[test_rows][full]), Ctr[ok[:, j], j].min())
                       for j in range(len(b.models))], 1)
    choices = {"best_single": np.full(len(Pf), best), "routed": serve.route(Pf, best, margin),
               "max_predicted": np.argmax(Pf, 1)} if len(Pf) else {}
    if has_cost:
        for mg in margins:
            choices[f"within_{mg:.2f}"] = np.array([cheapest_within(Pf[i], Ef[i], mg) for i in range(len(Pf))], int)
        choices["oracle"] = np.argmin(np.where(Yf, Cf, Cf + 1e6), 1)  # cheapest correct model, else cheapest
    elif len(Pf):
        choices["oracle"] = np.argmax(Yf, 1)  # any correct model
    at = np.arange(len(Pf))
    policies = [{"policy": name, "margin": float(name.split("_")[1]) if name.startswith("within") else
                 margin if name == "routed" else None,
                 "split": kind, "n_train": len(train_rows), "n_test": int(len(Pf)),
                 "expected_accuracy": None if name == "oracle" else float(Pf[at, ch].mean()),
                 "observed_accuracy": float(Yf[at, ch].mean()),
                 "expected_cost_usd": float(Ef[at, ch].mean()) if has_cost and name != "oracle" else None,
                 "mean_cost_usd": float(Cf[at, ch].mean()) if has_cost else None,
                 "top_model": None if name == "oracle" and not has_cost else  # any correct model: no favourite
                 b.models[int(np.bincount(ch, minlength=len(b.models)).argmax())],
                 "top_model_share": float(np.bincount(ch, minlength=len(b.models)).max() / max(len(ch), 1))}
                for name, ch in choices.items()]
    heldout = []
    for cat in [""] + sorted(set(b.category[test_rows].tolist()) - {""}):
        rows = np.ones(len(test_rows), bool) if cat == "" else b.category[test_rows] == cat
        for j, m in enumerate(b.models):
            ok = rows & ~np.isnan(b.Y[test_rows, j])
            if ok.any():
                heldout.append({"category": cat, "model_id": m, "n_test": int(ok.sum()),
                                "predicted_accuracy": float(P[ok, j].mean()),
                                "observed_accuracy": float((b.Y[test_rows, j][ok] > 0).mean())})
    known = ~np.isnan(b.Y[test_rows])
    calibration = [{"bin": i, **{k: None if isinstance(v, float) and np.isnan(v) else v for k, v in r.items()}}
                   for i, r in enumerate(rm.reliability(P[known], b.Y[test_rows][known] > 0))]   # empty bin: NULL
    return policies, heldout, calibration
