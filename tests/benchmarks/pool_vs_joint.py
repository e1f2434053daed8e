"""Benchmark: a model evaluated on two benchmarks — one operator per pool (what taskspace stores) or one joint
operator over both? MMLU-Pro's 14 categories are split into two "benchmarks" (STEM, the rest) answered by the same
22 models; over 5 folds of each, the default method is fitted per pool (train prompts of that pool) and jointly
(train prompts of both), and scored on each pool's test prompts: success accuracy, AUC, ECE, routing accuracy.

Run: .venv/bin/python tests/benchmarks/pool_vs_joint.py --db WAREHOUSE   (MMLU-Pro ingested and refreshed)
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tasks import operators as ops  # noqa: E402
from tasks.evaluation.data import load, splits  # noqa: E402
from tasks.evaluation.evaluate import complete, fit_operators  # noqa: E402
from tasks.operators import serving as route  # noqa: E402
from tasks.evaluation.metrics import auc, ece, interval  # noqa: E402

STEM = {"math", "physics", "chemistry", "engineering", "computer science", "biology", "health"}


def scores(data, fitted, loo_p, train, test) -> dict:
    """Success accuracy, AUC, ECE and gated routing accuracy of FITTED on TEST rows."""
    W, b = np.stack([o.vector for o in fitted], 1), np.array([o.intercept for o in fitted])
    P = route.calibrated(route.scores(W, b, data.X(test)), route.calib_of(fitted))
    known = ~np.isnan(data.Y[test])
    lab = data.Y[test][known] > 0
    best, margin = route.gate(loo_p, data.Y[train], route.best_single(data.Y[train]))
    routed = complete(data, test)
    pos = np.searchsorted(test, routed)
    pick = route.route(P[pos], best, margin)
    return {"success": float(np.mean((P[known] > 0.5) == lab)), "auc": auc(P[known], lab), "ece": ece(P[known], lab),
            "routing": float(np.mean(data.Y[routed][np.arange(len(routed)), pick] > 0))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--folds", type=int, default=5)
    a = ap.parse_args()
    from warehouse import connect
    with connect(a.db, read_only=True) as con:
        data = load(con, "all-MiniLM-L6-v2", "mmlu-pro")
    pool = np.array(["stem" if c in STEM else "other" for c in data.category])
    res: dict[tuple[str, str], list[dict]] = {}
    for fold in splits(data, "id-cv", seed=0, k=a.folds):
        joint, joint_loo, _ = fit_operators(data, fold.train, ops.DEFAULT)
        for p in ("stem", "other"):
            tr, te = fold.train[pool[fold.train] == p], fold.test[pool[fold.test] == p]
            own, own_loo, _ = fit_operators(data, tr, ops.DEFAULT)
            res.setdefault((p, "per pool"), []).append(scores(data, own, own_loo, tr, te))
            jl = joint_loo[np.isin(fold.train, tr)]
            res.setdefault((p, "joint"), []).append(scores(data, joint, jl, tr, te))
    print(f"MMLU-Pro as two pools (stem: {int((pool == 'stem').sum())} prompts, other: "
          f"{int((pool == 'other').sum())}), {len(data.models)} models, {a.folds} folds, default method")
    print(f"{'pool':6} {'operator':9} " + " ".join(f"{m:>22}" for m in ("success", "auc", "ece", "routing")))
    for (p, kind), rows in sorted(res.items()):
        cells = []
        for m in ("success", "auc", "ece", "routing"):
            mean, lo, hi = interval([r[m] for r in rows])
            cells.append(f"{mean:.4f} [{lo:.4f},{hi:.4f}]")
        print(f"{p:6} {kind:9} " + " ".join(f"{c:>22}" for c in cells))


if __name__ == "__main__":
    main()
