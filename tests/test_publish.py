"""`taskspace publish` on a small real warehouse (MMLU-Pro and RouterBench subsets, refreshed): tables as Parquet
and CSV equal to the SQL views, deterministic re-publication, the publication log, the views checked against
independent numpy computations, held-out routing, and the Prefect flow with its artifacts."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pyarrow.csv as pcsv
import pyarrow.parquet as pq
import pytest

from selection_warehouse import MMLU_MODELS, ROUTERBENCH_ROWS, invoke

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
VIEWS = ["selection_by_task", "selection_by_prompt", "cost_frontier", "selection_cheapest", "model_similarity",
         "selection_strengths", "selection_disagreement", "selection_routing", "selection_heldout", "selection_models"]


def sha_tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_publish_writes_every_table_and_the_views_agree(small, published):
    out = Path(published["out"])
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["watermark"] == published["watermark"] > 0
    for name in VIEWS:
        pt = pq.read_table(out / "tables" / f"{name}.parquet")
        ct = pcsv.read_csv(out / "tables" / f"{name}.csv")
        assert pt.num_rows == ct.num_rows == published["rows"][name], name
        assert pt.column_names == ct.column_names
    for rel, digest in manifest["files"].items():
        import hashlib
        assert hashlib.sha256((out / rel).read_bytes()).hexdigest() == digest
    con = duckdb.connect(small["db"], read_only=True)  # any DuckDB client reads the views
    try:
        by_task = con.execute("SELECT task, count(*), count(DISTINCT model_id) FROM selection_by_task "
                              "GROUP BY task ORDER BY task").fetchall()
        tasks = {t: (n, m) for t, n, m in by_task}
        mmlu_cats = [t for t in tasks if t.startswith("mmlu-pro/")]
        assert len(mmlu_cats) == 14 and all(tasks[t] == (len(MMLU_MODELS), len(MMLU_MODELS)) for t in mmlu_cats)
        assert {t: tasks[t] for t in tasks if t.startswith("routerbench")} == {
            "routerbench": (11, 11), "routerbench/arc-challenge": (11, 11), "routerbench/mbpp": (11, 11),
            "routerbench/winogrande": (11, 11)}
        view = con.execute("SELECT task, model_id, rank, predicted_accuracy, observed_accuracy FROM selection_by_task "
                           "ORDER BY task, rank").fetchall()
        pub = pq.read_table(out / "tables" / "selection_by_task.parquet").to_pylist()
        assert sorted((r["task"], r["model_id"], r["rank"]) for r in pub) == sorted(v[:3] for v in view)
        got = {(r["task"], r["model_id"]): r["observed_accuracy"] for r in pub}
        assert all(abs(got[(t, m)] - obs) < 1e-5 for t, m, _, _, obs in view)
        per_bench = dict(con.execute("SELECT benchmark, count(*) FROM prompts GROUP BY 1").fetchall())
        assert published["rows"]["selection_by_prompt"] == per_bench["mmlu-pro"] * len(MMLU_MODELS) + \
            per_bench["routerbench"] * 11  # every prompt x every model of its benchmark
        pubs = con.execute("SELECT watermark, fingerprint, files FROM publications").fetchall()
        assert (published["watermark"], published["fingerprint"]) in [(w, f) for w, f, _ in pubs]
    finally:
        con.close()
    assert published["numbers"]["correlation_by_category"] > 0.5


def test_republishing_without_new_data_gives_identical_files(small, published, tmp_path):
    again = invoke("--db", small["db"], "publish", "--no-flow", "--out", str(tmp_path / "again"), "--json")
    assert again["materialised"]["skipped"] is True
    assert again["fingerprint"] == published["fingerprint"]
    assert sha_tree(tmp_path / "again") == sha_tree(Path(published["out"]))


def test_predictions_equal_operators_applied_to_stored_vectors(small, published):
    """selection_by_prompt recomputed from operators_current and the embeddings table, independently in numpy."""
    con = duckdb.connect(small["db"], read_only=True)
    try:
        ops = {m: (np.array(v), b, a, c) for m, v, b, a, c in con.execute(
            "SELECT model_id, vector, intercept, calib_a, calib_b FROM operators_current "
            "WHERE method = 'default'").fetchall()}
        rows = con.execute("""
            SELECT s.prompt_id, s.model_id, s.p_correct, s.score, s.rank, e.vector
            FROM selection_by_prompt s JOIN prompts p USING (prompt_id)
            JOIN embeddings e ON e.text_hash = p.text_hash AND e.encoder = s.encoder
            WHERE hash(s.prompt_id) % 17 = 0 ORDER BY s.prompt_id, s.rank""").fetchall()
    finally:
        con.close()
    assert len(rows) > 100
    for pid, m, p, score, rank, vec in rows:
        w, b, a, c = ops[m]
        s = b + w @ np.array(vec, dtype=np.float64)
        assert score == pytest.approx(s, abs=1e-9)
        want = 0.5 * (1 + np.tanh(0.5 * (a * s + c))) if a >= 0 else min(max((1 + s) / 2, 0.0), 1.0)  # a < 0: unused
        assert p == pytest.approx(want, abs=1e-9)
    by_prompt: dict[str, list] = {}
    for pid, m, p, *_ in rows:
        by_prompt.setdefault(pid, []).append(p)
    assert all(ps == sorted(ps, reverse=True) for ps in by_prompt.values())


def test_explanation_views_match_numpy(small, published):
    from tasks.selection import explain
    from tasks.selection import select as sel

    con = duckdb.connect(small["db"], read_only=True)
    try:
        cur = con.execute("SELECT model_id, vector FROM operators_current WHERE method = 'default' ORDER BY model_id")
        models, W = zip(*[(m, np.array(v)) for m, v in cur.fetchall()])
        C = explain.cosine_matrix(np.stack(W, 1))
        sim = {(a, b): c for a, b, c in con.execute("SELECT model_a, model_b, cosine FROM model_similarity "
                                                    "WHERE method = 'default'").fetchall()}
        assert len(sim) == len(models) ** 2
        for i, a in enumerate(models):
            for j, b in enumerate(models):
                assert sim[(a, b)] == pytest.approx(C[i, j], abs=1e-9)
        pred = con.execute("SELECT s.prompt_id, s.model_id, s.p_correct FROM selection_by_prompt s "
                           "JOIN prompts p USING (prompt_id) WHERE p.benchmark = 'routerbench'").fetchall()
        prompts = sorted({p for p, _, _ in pred})
        rb = sorted({m for _, m, _ in pred})
        P = np.full((len(prompts), len(rb)), np.nan)
        pi, mi = {p: i for i, p in enumerate(prompts)}, {m: j for j, m in enumerate(rb)}
        for p, m, v in pred:
            P[pi[p], mi[m]] = v
        want = explain.disagreement(P, prompts, rb, k=25)
        got = con.execute("SELECT rank, prompt_id, most_likely, least_likely, spread FROM selection_disagreement "
                          "WHERE benchmark = 'routerbench' ORDER BY rank").fetchall()
        assert [(r["rank"], r["prompt_id"], r["most_likely"], r["least_likely"]) for r in want] == [g[:4] for g in got]
        strong = explain.strengths(P, prompts, rb, k=10)
        got = con.execute("SELECT model_id, kind, rank, advantage FROM selection_strengths s "
                          "WHERE model_id IN (SELECT unnest($m)) ORDER BY ALL", {"m": list(rb)}).fetchall()
        # compared by advantage: prompts whose advantages agree to 1e-9 may swap places (SQL vs numpy sums)
        want = sorted(strong, key=lambda r: (r["model_id"], r["kind"], r["rank"]))
        assert [g[:3] for g in got] == [(r["model_id"], r["kind"], r["rank"]) for r in want]
        np.testing.assert_allclose([g[3] for g in got], [r["advantage"] for r in want], atol=1e-8)
        frontier = con.execute("SELECT task, model_id, predicted_accuracy, mean_cost_usd, on_frontier "
                               "FROM cost_frontier ORDER BY task, model_id").fetchall()
        cheapest = {(t, mg): m for t, mg, m in con.execute(
            "SELECT task, margin, cheapest_model FROM selection_cheapest").fetchall()}
    finally:
        con.close()
    tasks = sorted({r[0] for r in frontier})
    assert tasks == ["routerbench", "routerbench/arc-challenge", "routerbench/mbpp", "routerbench/winogrande"]
    for t in tasks:
        rows = [r for r in frontier if r[0] == t]
        acc, cost = np.array([r[2] for r in rows]), np.array([r[3] for r in rows])
        assert [r[4] for r in rows] == sel.frontier(acc, cost).tolist()
        for mg in (0.9, 0.95, 0.99):
            assert cheapest[(t, mg)] == rows[sel.cheapest_within(acc, cost, mg)][1]


def test_routing_policies_on_held_out_prompts(published):
    routing = pq.read_table(Path(published["out"]) / "tables" / "selection_routing.parquet").to_pylist()
    rb = {r["policy"]: r for r in routing if r["benchmark"] == "routerbench"}
    assert {"best_single", "max_predicted", "within_0.95", "oracle"} <= set(rb)
    n_test = sum(n for stem, n in ROUTERBENCH_ROWS.items() if stem.endswith("_test"))
    assert all(r["split"] == "src" and r["n_test"] == n_test for r in rb.values())
    assert all(r["mean_cost_usd"] > 0 for r in rb.values())
    assert rb["best_single"]["accuracy_vs_best_single"] == 0 and rb["best_single"]["cost_vs_best_single"] == 1
    assert rb["oracle"]["observed_accuracy"] >= max(r["observed_accuracy"] for r in rb.values())
    assert rb["within_0.95"]["mean_cost_usd"] <= rb["max_predicted"]["mean_cost_usd"] * 1.0001
    mmlu = {r["policy"]: r for r in routing if r["benchmark"] == "mmlu-pro"}
    assert set(mmlu) == {"best_single", "routed", "max_predicted", "oracle"} and mmlu["oracle"]["split"] == "hash"
    assert mmlu["routed"]["margin"] is not None   # the gated router as served, scored on held-out prompts
    assert mmlu["best_single"]["mean_cost_usd"] is None
    assert set(published["numbers"]["routing"]) == {"mmlu-pro", "routerbench"}


def test_flow_publishes_same_files_and_creates_artifacts(small, published, tmp_path, prefect_harness):
    from prefect import get_client

    from flows.publish_selection import publish_selection

    db = tmp_path / "copy.duckdb"
    shutil.copy(small["db"], db)
    result = publish_selection(out=str(tmp_path / "flow"), db=str(db))
    assert result["fingerprint"] == published["fingerprint"]
    assert sha_tree(tmp_path / "flow") == sha_tree(Path(published["out"]))

    async def artifacts():
        async with get_client() as client:
            return {a.key: a for a in await client.read_artifacts() if a.key}
    import asyncio
    got = asyncio.run(artifacts())
    assert {"selection-by-task", "selection-routing", "selection-summary"} <= set(got)
    assert got["selection-summary"].type == "markdown" and got["selection-by-task"].type == "table"
    assert "Selection summary" in got["selection-summary"].data


def test_new_data_moves_the_watermark_and_the_tables(small, published, tmp_path):
    """A changed RouterBench file (labels of one model flipped on some prompts): new watermark, new operator
    version, different tables; the old publication's files are untouched."""
    import csv

    db = tmp_path / "w.duckdb"
    shutil.copy(small["db"], db)
    rows = list(csv.reader(open(small["routerbench"] / "mbpp_test.csv", newline="")))
    col = rows[0].index("gpt-4-1106-preview")
    for r in rows[1:11]:
        r[col] = "0.0" if float(r[col]) >= 0.5 else "1.0"
    changed = tmp_path / "rb"
    changed.mkdir()
    with open(changed / "mbpp_test.csv", "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    load = invoke("--db", str(db), "ingest", "results", "--format", "routerbench", str(changed), "--json")
    assert load["rows_updated"] == 10
    invoke("--db", str(db), "refresh", "--json")
    before = json.loads((Path(published["out"]) / "manifest.json").read_text())
    after = invoke("--db", str(db), "publish", "--no-flow", "--out", str(tmp_path / "pub"), "--json")
    assert after["watermark"] > published["watermark"] and after["fingerprint"] != published["fingerprint"]
    assert after["operator_versions"]["gpt-4-1106-preview@routerbench"] > \
        published["operator_versions"]["gpt-4-1106-preview@routerbench"]
    # the other pool is untouched; inside routerbench the new prior moves every default (a pool's prior is shared)
    assert after["materialised"]["pools_changed"] == ["routerbench"]   # mmlu-pro's predictions stay as they were
    mmlu = [k for k in published["operator_versions"] if k.endswith("@mmlu-pro")]
    assert mmlu and all(after["operator_versions"][k] == published["operator_versions"][k] for k in mmlu)
    assert after["files"]["tables/selection_by_task.csv"] != before["files"]["tables/selection_by_task.csv"]
    assert json.loads((Path(published["out"]) / "manifest.json").read_text()) == before
    con = duckdb.connect(str(db), read_only=True)
    wms = [w for (w,) in con.execute("SELECT watermark FROM publications ORDER BY publication_id").fetchall()]
    con.close()
    assert wms[-1] == after["watermark"] and published["watermark"] in wms


def test_heldout_calibration_per_pool(published, small):
    calib = pq.read_table(Path(published["out"]) / "tables" / "selection_calibration.parquet").to_pylist()
    assert {r["benchmark"] for r in calib} == {"mmlu-pro", "routerbench"}
    con = duckdb.connect(small["db"], read_only=True)
    n_held = dict(con.execute("SELECT benchmark, sum(n_test) FROM selection_heldout WHERE category = '' "
                              "AND method = 'default' GROUP BY 1").fetchall())
    con.close()
    for bench, ece in published["numbers"]["ece_heldout"].items():
        rows = [r for r in calib if r["benchmark"] == bench]
        assert len(rows) == 10 and sum(r["n"] for r in rows) == n_held[bench]   # every held-out result, once
        assert 0 <= ece < 0.25 and ece == pytest.approx(sum(r["ece_part"] or 0 for r in rows), abs=1e-5)
    assert (Path(published["out"]) / "plots" / "reliability.png").stat().st_size > 1000

