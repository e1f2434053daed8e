"""Dying-ReLU probe (Lu et al. 2018) over many seeds: how many networks collapse to a constant, born dead or dying.

Runs the suite's dying_relu_* workloads through the pure runner (no Prefect, no warehouse) in worker processes
and prints one line per workload and activation, plus a JSON object with --json. Full settings by default
(depth 10, width 3, |x| on [-3, 3], Adam 1e-2, 1,500 full-batch steps).

    python tests/benchmarks/helu_dying_relu.py --seeds 30 --workload dying_relu_torch -a relu -a helu:0.05 \
        -a helu:0.3 -a leaky_relu --procs 2
"""
from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor

from tasks.helu.runner import run_one
from tasks.helu.suite import RunSpec, WORKLOADS, workload_params


def _one(spec: RunSpec) -> tuple[str, str, int, bool, bool, float]:
    r = run_one(spec)
    return spec.workload, spec.label, spec.seed, bool(r["born_dead"]), bool(r["collapsed"]), r["final_val_loss"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", type=int, default=30)
    ap.add_argument("--workload", action="append", choices=[w for w in WORKLOADS if w.startswith("dying_relu")])
    ap.add_argument("-a", "--activation", action="append", help="name or helu:ALPHA (repeat)")
    ap.add_argument("--steps", type=int, default=None, help="training steps (default: the workload's 1,500)")
    ap.add_argument("--procs", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    acts = [(a.split(":")[0], float(a.split(":")[1]) if ":" in a else None)
            for a in (args.activation or ["relu", "helu:0.05", "helu:0.3", "leaky_relu"])]
    specs = []
    for w in args.workload or ["dying_relu_torch", "dying_relu_he", "dying_relu_he_alive"]:
        p = workload_params(w, False, {"epochs": args.steps // 100} if args.steps else None)
        specs += [RunSpec(w, "dying_relu", a, al, s, "cpu", p, threads=1) for a, al in acts for s in range(args.seeds)]
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.procs) as pool:
        results = list(pool.map(_one, specs))
    agg: dict = defaultdict(lambda: {"n": 0, "collapsed": 0, "born_dead": 0, "born_dead_collapsed": 0,
                                     "died_in_training": 0})
    for w, label, _seed, born, coll, _loss in results:
        a = agg[(w, label)]
        a["n"] += 1
        a["collapsed"] += coll
        a["born_dead"] += born
        a["born_dead_collapsed"] += born and coll
        a["died_in_training"] += coll and not born
    wall = time.perf_counter() - t0
    if args.json:
        print(json.dumps({"wall_s": wall, "rows": [{"workload": w, "activation": lab, **v}
                                                   for (w, lab), v in sorted(agg.items())]}))
        return
    print(f"{'workload':22} {'activation':12} {'collapsed':>10} {'born dead':>10} {'of them collapsed':>18} "
          f"{'died in training':>17}")
    for (w, lab), v in sorted(agg.items()):
        print(f"{w:22} {lab:12} {v['collapsed']:>4}/{v['n']:<5} {v['born_dead']:>4}/{v['n']:<5} "
              f"{v['born_dead_collapsed']:>12}/{v['born_dead']:<5} {v['died_in_training']:>11}/{v['n']:<5}")
    print(f"{len(specs)} runs in {wall:.0f} s")


if __name__ == "__main__":
    main()
