"""Benchmark: the cost of adding one model does not grow with the number of models (synthetic, >= 1,000 models).

A synthetic warehouse (20,000 prompts with random unit vectors, models answering all prompts or, one in ten, a
random 60% of them) grows in steps; after each step every operator is brought up to date, then one more model is
added and refreshed alone. Prints seconds and peak memory per step; asserts nothing about time.

Run: .venv/bin/python tests/benchmarks/operators_scale.py [--prompts 20000] [--steps 100,300,1000] [--db PATH]
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tasks import operators as ops  # noqa: E402
from tasks.refresh import fold_results, refit  # noqa: E402
from warehouse import connect  # noqa: E402
from warehouse.loads import utcnow  # noqa: E402

ENC = "synthetic-384"


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_prompts(con, n: int, dim: int = 384, seed: int = 0) -> None:
    """n prompts, one version each, and a random unit vector per text under the synthetic encoder."""
    now = utcnow()
    con.execute("INSERT INTO encoders VALUES (?, 'synthetic', 'text', ?, 'fp32', ?)", [ENC, dim, now])
    con.execute("""INSERT INTO prompts (prompt_id, benchmark, item_id, text, text_hash, category, version_id, first_seen)
                   SELECT 'syn:' || i, 'syn', i::VARCHAR, 'synthetic prompt ' || i, md5('t' || i), 'c' || (i % 14),
                          'v' || i, ? FROM range(?) t(i)""", [now, n])
    con.execute("""INSERT INTO prompt_versions (prompt_id, version_id, text, text_hash, answer, first_seen, first_load_id)
                   SELECT prompt_id, version_id, text, text_hash, 'A', first_seen, 0 FROM prompts""")
    rng = np.random.default_rng(seed)
    for start in range(0, n, 5000):
        m = min(5000, n - start)
        V = rng.normal(size=(m, dim)).astype(np.float32)
        V /= np.linalg.norm(V, axis=1, keepdims=True)
        keys = con.execute("SELECT md5('t' || i) FROM range(?, ?) t(i) ORDER BY i", [start, start + m]).fetchall()
        con.register("v", pa.table({"k": [k[0] for k in keys], "v": pa.array(list(V), pa.list_(pa.float32()))}))
        con.execute("INSERT INTO embeddings (text_hash, encoder, dim, vector, created_at) SELECT k, ?, ?, v, ? FROM v", [ENC, dim, now])
        con.unregister("v")


def add_models(con, first: int, count: int) -> None:
    """Models first..first+count-1 in one load: every tenth answers a random 60% of the prompts, the rest all."""
    now = utcnow()
    load_id = con.execute("SELECT nextval('load_id_seq')").fetchall()[0][0]
    con.execute("BEGIN TRANSACTION")
    con.execute("INSERT INTO loads (load_id, source, uri, status, started_at, finished_at) VALUES (?, 'synthetic', ?, "
                "'ok', ?, ?)", [load_id, f"synthetic:{first}+{count}", now, now])
    con.execute("""INSERT INTO models (model_id, display_name, first_seen, first_load_id)
                   SELECT 'm' || lpad(i::VARCHAR, 7, '0'), 'm' || i, ?, ? FROM range(?, ?) t(i)""",
                [now, load_id, first, first + count])
    con.execute("""INSERT INTO results (model_id, prompt_id, source, version_id, correct, load_id, ingested_at, updated_at)
                   SELECT 'm' || lpad(m.i::VARCHAR, 7, '0'), p.prompt_id, 'synthetic', p.version_id,
                          (hash(m.i, p.prompt_id) % 1000) < 300 + (m.i % 50) * 10, ?, ?, ?
                   FROM range(?, ?) m(i) CROSS JOIN prompts p
                   WHERE m.i % 10 <> 0 OR hash(p.prompt_id, m.i) % 10 < 6""", [load_id, now, now, first, first + count])
    con.execute("COMMIT")


def refresh(con) -> tuple[dict, dict, float, float]:
    t0 = time.perf_counter()
    folded = fold_results(con, ENC)
    t1 = time.perf_counter()
    fitted = refit(con, ENC, ops.STORED_METHODS)
    return folded, fitted, t1 - t0, time.perf_counter() - t1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--prompts", type=int, default=20000)
    ap.add_argument("--steps", default="100,300,1000", help="model counts at which one more model is added")
    ap.add_argument("--repeat", type=int, default=3, help="one-more-model refreshes per step (median reported)")
    ap.add_argument("--db", default=None)
    a = ap.parse_args()
    db = a.db or str(Path(tempfile.mkdtemp()) / "scale.duckdb")
    con = connect(db)
    t0 = time.perf_counter()
    build_prompts(con, a.prompts)
    print(f"{a.prompts} prompts embedded (synthetic) in {time.perf_counter() - t0:.1f} s; warehouse {db}")
    have, extra = 0, 10 ** 6
    print(f"{'models':>7} {'bulk add':>9} {'bulk refresh':>13} {'one more (median): fold':>24} {'refit':>7} "
          f"{'total':>7} {'results':>11} {'peak MiB':>9}")
    for target in [int(s) for s in a.steps.split(",")]:
        t = time.perf_counter()
        add_models(con, have, target - have)
        t_add = time.perf_counter() - t
        _, fitted, f_bulk, r_bulk = refresh(con)
        assert fitted["operators_refit"] == target - have
        have = target
        times = []
        for _ in range(a.repeat):   # one more model answering every prompt, refreshed alone
            extra += 1 if (extra + 1) % 10 else 2   # ids not divisible by 10 answer every prompt
            add_models(con, extra, 1)
            folded, one, f_one, r_one = refresh(con)
            assert one["operators_refit"] == 1 and folded["models_updated"] == 1
            times.append((f_one, r_one))
        f_one, r_one = np.median(times, axis=0)
        n_res = con.execute("SELECT count(*) FROM results").fetchall()[0][0]
        print(f"{target:7d} {t_add:8.1f}s {f_bulk + r_bulk:12.1f}s {f_one:23.2f}s {r_one:6.2f}s {f_one + r_one:6.2f}s "
              f"{n_res:11d} {peak_mib():9.0f}", flush=True)
    con.close()


if __name__ == "__main__":
    main()
