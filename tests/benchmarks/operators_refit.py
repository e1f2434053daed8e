"""Benchmark on the real MMLU-Pro data: full refit of every operator vs the incremental refresh after one more model.

Builds (or reuses, --db) a warehouse of 21 models with their prompts embedded, then times: the first refresh
(statistics from nothing + 21 fits), a full rebuild of all statistics and operators, a no-op refresh, and the
refresh after ingesting the 22nd model (one fold, one refit). Prints seconds and peak memory; asserts nothing.

Run: .venv/bin/python tests/benchmarks/operators_refit.py [--data ../shared/data] [--db /tmp/refit.duckdb]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tasks.embedding.embed import EncoderConfig  # noqa: E402
from tasks.ingest import expand_sources, ingest_item  # noqa: E402
from tasks.refresh import refresh  # noqa: E402
from warehouse import connect  # noqa: E402

HELD_OUT = "model_outputs_Llama-2-7b-hf_5shots.zip"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(label: str, fn) -> dict:
    t0 = time.perf_counter()
    out = fn()
    secs = time.perf_counter() - t0
    print(f"{label:34s} {secs:8.2f} s  embedded={out['embedded']:<6} models_updated={out['models_updated']:<3} "
          f"refit={out['operators_refit']:<3} rows_folded={out['rows_folded']:<7} "
          f"(embed {out['seconds']['embed']} s, fold {out['seconds']['fold']} s, refit {out['seconds']['refit']} s)"
          f"  peak {peak_mib():.0f} MiB", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--db", default=None, help="warehouse to build in (a copy with embeddings saves the embedding)")
    a = ap.parse_args()
    src = Path(a.data) / "mmlu_pro" / "eval_results"
    if not src.is_dir():
        raise SystemExit(f"no MMLU-Pro data at {src}")
    db = a.db or str(Path(tempfile.mkdtemp()) / "refit.duckdb")
    cfg = EncoderConfig()
    with connect(db) as con:
        items, _ = expand_sources("mmlu-pro", [str(p) for p in sorted(src.glob("*.zip")) if p.name != HELD_OUT])
        for it in items:
            ingest_item(con, "mmlu-pro", it)
        timed("first refresh (21 models)", lambda: refresh(con, cfg))
        timed("full rebuild + refit of all", lambda: refresh(con, cfg, rebuild=True, refit_all=True))
        timed("no-op refresh", lambda: refresh(con, cfg))
        items, _ = expand_sources("mmlu-pro", [str(src / HELD_OUT)])
        ingest_item(con, "mmlu-pro", items[0])
        timed("one more model: incremental", lambda: refresh(con, cfg))
    print(f"warehouse: {db}")


if __name__ == "__main__":
    main()
