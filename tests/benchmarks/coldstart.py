"""Benchmark: cold start, leave one model out. Each model of the pool in turn is new: the others are fitted on every
prompt, it answers K planned prompts, and its estimated full-benchmark accuracy (error in points, per category),
success-prediction AUC on its other prompts (share of its full-data operator's lift over 0.5; lift20: both scored on
a held-out 20 % with its full operator fitted on the other 80 %), 95 % interval coverage and routing are scored.

Run: .venv/bin/python tests/benchmarks/coldstart.py --db WAREHOUSE [--benchmark mmlu-pro] [--budgets 25,50,100]
     [--strategies random,stratified,difficulty,anchor] [--estimators default,irt,irt1,irt2,prior,regression,both,labels] [--models N]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tasks.coldstart.evaluate import coldstart, summarise  # noqa: E402
from tasks.coldstart.prior import pool_scores  # noqa: E402
from tasks.evaluation.data import load  # noqa: E402

COLS = ("MAE pts [95%]", "bias", "cat MAE", "mean-only", "AUC", "AUC full", "lift", "lift20", "cover", "width",
        "route cold/full/without")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--benchmark", default="mmlu-pro")
    ap.add_argument("--budgets", default="25,50,100,200,400")
    ap.add_argument("--strategies", default="random,stratified,difficulty,anchor")
    ap.add_argument("--estimators", default="default,irt,prior")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--models", type=int, default=0, help="hold out only the first N models (0: all)")
    ap.add_argument("--no-leaderboard", action="store_true",
                    help="no ability priors from the models' leaderboard scores (as without the leaderboard table)")
    ap.add_argument("--no-answer-rate", action="store_true",
                    help="no answer-rate part (as where the results do not say whether an answer was extracted)")
    a = ap.parse_args()
    from warehouse import connect
    from warehouse.coldstart import answered_flags, leaderboard_scores
    with connect(a.db, read_only=True) as con:
        data = load(con, "all-MiniLM-L6-v2", a.benchmark)
        scores = pool_scores(a.benchmark, leaderboard_scores(con, a.benchmark))
        flags = None if a.no_answer_rate else answered_flags(con, a.benchmark, data.prompts, data.models)
    t0 = time.perf_counter()
    models = list(range(len(data.models)))[: a.models or None]
    rows = coldstart(data, [int(k) for k in a.budgets.split(",")], a.strategies.split(","),
                     a.estimators.split(","), seeds=a.seeds, models=models, scores={} if a.no_leaderboard else scores,
                     answered=flags)
    print(f"{a.benchmark}: {len(data.models)} models, {len(data.prompts)} prompts; {len(models)} held out in turn, "
          f"{a.seeds} seed(s), {time.perf_counter() - t0:.0f} s; leaderboard scores for {len(scores)} models"
          f"{' (not used: --no-leaderboard)' if a.no_leaderboard else ''}"
          f"{'; no answer-rate part' if a.no_answer_rate else ''}"
          f"{': ' + ', '.join(sorted(set(data.models) - set(scores))) + ' have none' if scores else ''}")
    print(f"{'estimator':10} {'strategy':12} {'K':>4} " + " ".join(f"{c:>14}" for c in COLS))
    for (est, strat, k), m in summarise(rows).items():
        cells = [f"{100 * m['mae']:.2f} [{100 * m['mae_lo']:.2f},{100 * m['mae_hi']:.2f}]", f"{100 * m['bias']:+.2f}",
                 f"{100 * m['cat_mae']:.2f}", f"{100 * m['mean_only_mae']:.2f}", f"{m['auc']:.4f}",
                 f"{m['auc_full']:.4f}", f"{m['lift']:.3f}", f"{m['lift20']:.3f}", f"{m['coverage']:.2f}",
                 f"{100 * m['width']:.1f}",
                 f"{m['routing_cold']:.4f}/{m['routing_full']:.4f}/{m['routing_without']:.4f}"]
        print(f"{est:10} {strat:12} {k:>4} " + " ".join(f"{c:>14}" for c in cells))
    if scores:   # the MAE of the models with a leaderboard score (an ability prior unless --no-leaderboard) and without
        print("MAE pts by leaderboard score (with / without):")
        for (est, strat, k), _ in summarise(rows).items():
            err = {w: [abs(r["err"]) for r in rows if (r["estimator"], r["strategy"], r["k"]) == (est, strat, k)
                       and (r["model"] in scores) == w] for w in (True, False)}
            print(f"{est:10} {strat:12} {k:>4} " + " / ".join(
                f"{100 * sum(v) / len(v):.2f} ({len(v) // a.seeds} models)" if v else "-" for v in err.values()))


if __name__ == "__main__":
    main()
