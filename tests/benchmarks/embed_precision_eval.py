"""Benchmark: does the bf16 fast path change the evaluation? Embeds every prompt text of a warehouse twice (bf16
fast path as encoder all-MiniLM-L6-v2, fp32 as all-MiniLM-L6-v2@fp32), reports the streaming throughput, peak
memory and vector agreement of each, then the id and ood evaluation of the closed-form methods under both.

Run: .venv/bin/python tests/benchmarks/embed_precision_eval.py --db WAREHOUSE [--methods base_rate,paper,default]
(the warehouse needs MMLU-Pro results: `taskspace --db W ingest results --format mmlu-pro ../shared/data/...`)
"""
from __future__ import annotations

import argparse
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tasks.embedding.embed import EncoderConfig, embed_missing  # noqa: E402
from tasks.evaluation.data import load  # noqa: E402
from tasks.evaluation.evaluate import evaluate  # noqa: E402
from warehouse import connect  # noqa: E402

ENCODERS = {"bf16": EncoderConfig(), "fp32": EncoderConfig(name="all-MiniLM-L6-v2@fp32", precision="fp32")}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", required=True)
    ap.add_argument("--methods", default="base_rate,paper,paper_centred,knn,default")
    a = ap.parse_args()
    with connect(a.db) as con:
        for label, cfg in ENCODERS.items():
            out = embed_missing(con, cfg, progress=True)
            print(f"{label}: embedded {out['embedded']} texts in {out['seconds']} s ({out['texts_per_s']} texts/s), "
                  f"peak RSS so far {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB", flush=True)
        data = {label: load(con, cfg.name) for label, cfg in ENCODERS.items()}
    a16, a32 = data["bf16"].V, data["fp32"].V
    cos = (a16 * a32).sum(1)
    print(f"cosine bf16 vs fp32 over {len(cos)} texts: min {cos.min():.5f}, mean {cos.mean():.6f}")
    methods = a.methods.split(",")
    for split in ("id", "ood"):
        res = {label: evaluate(d, split, 0, methods) for label, d in data.items()}
        print(f"\n{split}: best single {res['bf16']['best_single_accuracy']:.4f}")
        print(f"{'method':16} {'success bf16':>13} {'fp32':>7} {'auc bf16':>9} {'fp32':>7} {'routing bf16':>13} {'fp32':>7}")
        for m in methods:
            b, f = res["bf16"]["methods"][m], res["fp32"]["methods"][m]
            print(f"{m:16} {b['success_accuracy']:13.4f} {f['success_accuracy']:7.4f} {b['auc']:9.4f} {f['auc']:7.4f} "
                  f"{b['routing_accuracy']:13.4f} {f['routing_accuracy']:7.4f}", flush=True)


if __name__ == "__main__":
    main()
