"""Benchmark: how close cold-start accuracy estimates can get with K labels on this pool. Each model in turn is new
(items fitted on the others, 2PL or 1PL as refresh fits them); its accuracy is estimated by p-IRT from K planned
prompts (1) on its real labels, (2) on labels drawn from the fitted item model at its own ability (a world where the
item model is exactly right: what is left is the noise of K answers), and (3) the Cramer-Rao floor: the error's sd
if its K answers were the K most informative prompts at its true ability (unreachable: it needs that ability).

Run: .venv/bin/python tests/benchmarks/coldstart_floor.py --db WAREHOUSE [--benchmark mmlu-pro] [--budget 100]
     [--seeds 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tasks.coldstart import adaptive, estimate as prediction, irt  # noqa: E402
from tasks.coldstart.evaluate import labels01  # noqa: E402
from tasks.coldstart.plan import plan  # noqa: E402
from tasks.evaluation.data import load  # noqa: E402
from tasks.operators.math import sigmoid  # noqa: E402

STRATEGIES = ("difficulty", adaptive.STRATEGY, "random")


def rows_of(strategy: str, known01, F, mine, k, answers, category, seed, items) -> np.ndarray:
    """The K prompts STRATEGY gives a model answering ANSWERS (1/0 per prompt row), as `evaluate --split coldstart`."""
    if strategy == adaptive.STRATEGY:
        return adaptive.two_rounds(known01, F, mine, k, answers, category, seed, items)
    return plan(strategy, mine, k, seed=seed, category=category, P=F, F=F)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--benchmark", default="mmlu-pro")
    ap.add_argument("--budget", type=int, default=100)
    ap.add_argument("--seeds", type=int, default=5)
    a = ap.parse_args()
    from warehouse import connect
    with connect(a.db, read_only=True) as con:
        data = load(con, "all-MiniLM-L6-v2", a.benchmark)
    t0, L, k = time.perf_counter(), labels01(data.Y), a.budget
    err: dict = {}
    floor = []
    for j in range(L.shape[1]):
        known = np.delete(L, j, axis=1)
        items, F = irt.fit_items(known), prediction.features(known)
        mine = np.flatnonzero(~np.isnan(L[:, j]))
        theta, _ = irt.ability(items, mine, L[mine, j])   # its ability from all its labels
        p = sigmoid(items.a * theta + items.b)
        slope = float((items.a[mine] * p[mine] * (1 - p[mine])).mean())
        info = np.sort(items.a[mine] ** 2 * p[mine] * (1 - p[mine]))[::-1][:k].sum() + 1 / items.theta.std() ** 2
        floor.append(slope / np.sqrt(info))
        for s in range(a.seeds):
            seed = 1000 * s + j
            drawn = (np.random.default_rng(5000 + seed).random(len(p)) < p).astype(np.float64)
            for world, y in (("real labels", np.nan_to_num(L[:, j])), ("item model exact", drawn)):
                for strategy in STRATEGIES:
                    rows = rows_of(strategy, known, F, mine, k, y, data.category, seed, items)
                    est = irt.estimate(items, rows, y[rows], mine)[0]
                    err.setdefault((world, strategy), []).append(est - y[mine].mean())
    print(f"{a.benchmark}: {L.shape[1]} models, {L.shape[0]} prompts, K = {k}, {a.seeds} seed(s), "
          f"items {'2PL' if items.two else '1PL'}, {time.perf_counter() - t0:.0f} s")
    for (world, strategy), e in err.items():
        e = 100 * np.asarray(e)
        print(f"  {world:17} {strategy:11} MAE {np.abs(e).mean():5.2f} pts  bias {e.mean():+5.2f}  sd {e.std():5.2f}")
    print(f"  Cramer-Rao floor (the {k} most informative prompts at its true ability): sd {100 * np.mean(floor):.2f} "
          f"pts, MAE about {0.798 * 100 * np.mean(floor):.2f}")


if __name__ == "__main__":
    main()
