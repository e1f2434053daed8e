"""Served = evaluated: on held-out RouterBench prompts, the pick `taskspace select` serves from operators refreshed
on the training files alone equals the pick the held-out evaluation scores (one fit path, one gate, one predict
path); and a `long` file with NULL and empty categories publishes one row per (task, model)."""
from __future__ import annotations

import csv
import shutil

import numpy as np
import pytest

from selection_warehouse import invoke

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]


def test_select_serves_the_pick_the_heldout_evaluation_scores(small, tmp_path):
    from tasks.evaluation import heldout as routing_eval
    from tasks.selection import select as sel
    from tasks.selection.publish import load_serving
    from warehouse import connect
    from warehouse.selection import benchmark_labels

    cfg = {"encoder": "all-MiniLM-L6-v2", "method": "default", "fields": "text"}
    with connect(small["db"], read_only=True) as con:   # the evaluation: train files fit, test files scored
        sv = load_serving(con, cfg, confidence=False)
        cols = [j for j, p in enumerate(sv.pool_of) if p == "routerbench"]
        bench = routing_eval.bench(benchmark_labels(con, "routerbench", cfg["encoder"], "text"),
                                   [sv.models[j] for j in cols])
        evaluated = routing_eval.routed_picks(bench, "default", [sv.specs[j] for j in cols])
        held = sorted(evaluated)
        X = np.stack([bench.V[bench.canon[bench.prompts.index(p)]] for p in held])
    train = tmp_path / "train"
    train.mkdir()
    for f in small["routerbench"].glob("*_train.csv"):
        shutil.copy(f, train / f.name)
    db = str(tmp_path / "train.duckdb")   # what is served when the training files are all the warehouse has seen
    invoke("--db", db, "ingest", "results", "--format", "routerbench", str(train), "--json")
    invoke("--db", db, "refresh", "--json")
    with connect(db, read_only=True) as con:
        served_sv = load_serving(con, cfg, confidence=False)
    pcols, pool = sel.pool_columns(served_sv, "routerbench")
    _, P = sel.predict(served_sv, X, pcols)
    pick, gate = sel.routed(served_sv, P, pcols, pool)
    served = {p: served_sv.models[pcols[k]] for p, k in zip(held, pick)}
    assert gate["gated"] and len(held) == 70
    assert served == {p: evaluated[p] for p in held}
    assert len(set(served.values())) >= 1


def test_long_file_with_null_categories_publishes_one_row_per_task_and_model(tmp_path):
    rows = [("m1", "b", f"q{i}", f"Question number {i} about {'cats' if i % 2 else 'dogs'}?", i % 3 != 0,
             "" if i < 8 else ("x" if i < 16 else None)) for i in range(24)]
    rows += [("m2", b, q, t, not c, cat) for (_, b, q, t, c, cat) in rows]
    path = tmp_path / "long.csv"
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["model", "benchmark", "prompt_id", "prompt", "correct", "category"])
        for r in rows:
            w.writerow([*r[:4], int(r[4]), "" if r[5] is None else r[5]])
    db = str(tmp_path / "w.duckdb")
    invoke("--db", db, "ingest", "results", "--format", "long", str(path), "--json")
    invoke("--db", db, "refresh", "--json")
    invoke("--db", db, "publish", "--no-flow", "--out", str(tmp_path / "pub"), "--json")
    import duckdb
    con = duckdb.connect(db, read_only=True)
    got = con.execute("SELECT task, model_id, count(*) FROM selection_by_task WHERE method = 'default' "
                      "GROUP BY ALL ORDER BY ALL").fetchall()
    ranks = con.execute("SELECT task, list(rank ORDER BY rank) FROM selection_by_task WHERE method = 'default' "
                        "GROUP BY 1 ORDER BY 1").fetchall()
    con.close()
    assert all(n == 1 for *_, n in got) and {t for t, _, _ in got} >= {"b", "b/x"}
    assert all(r == [1, 2] for _, r in ranks)
