"""Incremental statistics on real MMLU-Pro results: after additions, label changes, new texts and new models the
stored operators equal a from-scratch SVD of the paper's formula; only models whose results changed are refit."""
from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from tasks.embedding.embed import EncoderConfig
from tasks.refresh import refresh
from warehouse.loads import utcnow, write_load

ZIPS = {"m1": "Llama-2-7b-hf", "m2": "Mistral-7B-v0.1", "m3": "gemma-7b"}
ENC = "all-MiniLM-L6-v2"


@pytest.fixture(scope="module")
def records(request) -> dict[str, pl.DataFrame]:
    """Real records of three models on the first 160 question ids they all answered, renamed m1..m3."""
    from tests.conftest import SHARED_DATA
    from tasks.sources import mmlu_pro
    if not (SHARED_DATA / "README.md").exists():
        pytest.skip(f"real data not found at {SHARED_DATA}")
    out = {}
    for m, name in ZIPS.items():
        z = SHARED_DATA / "mmlu_pro" / "eval_results" / f"model_outputs_{name}_5shots.zip"
        out[m] = mmlu_pro.parse({z.name: z.read_bytes()}, str(z)).records.with_columns(pl.lit(m).alias("model"))
    common = set.intersection(*(set(df["item_id"].to_list()) for df in out.values()))
    keep = sorted(common, key=int)[:160]
    return {m: df.filter(pl.col("item_id").is_in(keep)).sort(pl.col("item_id").cast(pl.Int64)) for m, df in out.items()}


def load(con, df: pl.DataFrame, tag: str) -> None:
    # one input revised again and again (same name, new bytes), as a leaderboard re-publishes its file
    write_load(con, source="mmlu-pro", uri="test:results.json", sha256=tag, records=df, rejected=[], started_at=utcnow())


def flip(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(~pl.col("correct"))


def paper_svd(X: np.ndarray, y: np.ndarray, lam: float = 1.0, eps: float = 0.1) -> np.ndarray:
    """From scratch: A = X' = U S V', D = S / (S^2 + 2 lam) over S >= eps, E = y' V D U'."""
    U, S, Vt = np.linalg.svd(X.T, full_matrices=False)
    keep = S >= eps
    return y @ Vt[keep].T @ np.diag(S[keep] / (S[keep] ** 2 + 2 * lam)) @ U[:, keep].T


def check_against_scratch(con) -> None:
    """Every current paper operator and its statistics equal the from-scratch formula on the stored results."""
    from tasks import operators as ops
    models = [r[0] for r in con.execute("SELECT DISTINCT model_id FROM results ORDER BY 1").fetchall()]
    for m in models:
        rows = con.execute("""SELECT e.vector, (CASE WHEN r.correct THEN 1 ELSE -1 END)::DOUBLE
            FROM results r JOIN prompt_versions pv USING (prompt_id, version_id)
            JOIN embeddings e ON e.text_hash = pv.text_hash AND e.encoder = ?
            WHERE r.model_id = ?""", [ENC, m]).fetchall()
        X = np.array([r[0] for r in rows], dtype=np.float64)
        y = np.array([r[1] for r in rows])
        vec, = con.execute("SELECT vector FROM operators_current WHERE model_id = ? AND method = 'paper'",
                           [m]).fetchall()[0]
        np.testing.assert_allclose(np.array(vec), paper_svd(X, y), atol=1e-5, err_msg=m)
        gram, b, n = con.execute("SELECT gram, b, n FROM operator_stats WHERE model_id = ?", [m]).fetchall()[0]
        np.testing.assert_allclose(ops.unpack_upper(gram, 384), X.T @ X, atol=1e-8)
        np.testing.assert_allclose(np.array(b), X.T @ y, atol=1e-8)
        assert n == len(y)


def refit_models(con, before: int) -> set[str]:
    return {r[0] for r in con.execute("SELECT DISTINCT model_id FROM operators WHERE version > ?", [before]).fetchall()}


def last_version(con) -> int:
    return con.execute("SELECT coalesce(max(version), 0) FROM operators").fetchall()[0][0]


@pytest.mark.shared_data
def test_incremental_equals_scratch_after_additions_and_changes(con, records):
    cfg = EncoderConfig()
    r1, r2, r3 = records["m1"], records["m2"], records["m3"]
    load(con, pl.concat([r1[:100], r2[:100]]), "L1")
    out = refresh(con, cfg, progress=False)
    assert (out["embedded"], out["operators_refit"], out["rows_folded"]) == (100, 2, 200)
    check_against_scratch(con)

    v = last_version(con)   # additions for m1, ten label changes for m2
    load(con, r1[100:150], "L2a")
    load(con, flip(r2[:10]), "L2b")
    out = refresh(con, cfg, progress=False)
    assert out["operators_refit"] == 2 and refit_models(con, v) == {"m1", "m2"}
    assert out["rows_folded"] == 50 + 2 * 10   # a changed label: old row out, new row in
    check_against_scratch(con)

    v = last_version(con)   # several loads between refreshes: a new model, changed texts, changes of changes
    load(con, r3[:120], "L3a")                                   # m3 is new
    revised = r1[10:15].with_columns(pl.col("text") + " (revised)")
    load(con, revised, "L3b")                                    # m1 saw new texts: embedded, old rows out
    load(con, flip(r2[20:30]), "L3c")                            # m2 changed ...
    load(con, r2[20:25], "L3d")                                  # ... and half changed back
    load(con, flip(r3[:30]), "L3e")                              # m3 changed after its first load
    out = refresh(con, cfg, progress=False)
    assert out["embedded"] == 5 and out["operators_refit"] == 3 and refit_models(con, v) == {"m1", "m2", "m3"}
    check_against_scratch(con)

    v = last_version(con)
    out = refresh(con, cfg, progress=False)
    assert (out["embedded"], out["operators_refit"], out["rows_folded"]) == (0, 0, 0) and last_version(con) == v

    # a stats row that disagrees with its results is rebuilt from scratch when that model is next touched
    con.execute("UPDATE operator_stats SET sum_y = sum_y + 2, b = list_transform(b, lambda x: x + 1) WHERE model_id = 'm2'")
    load(con, flip(r2[50:51]), "L4")
    out = refresh(con, cfg, progress=False)
    # m2 is rebuilt and refit; its new centred operator moves the pool's prior, so m1's and m3's defaults follow
    assert out["rebuilt"] == ["m2@mmlu-pro"] and out["pools_refit"]["mmlu-pro"]["stale"] == ["m2"]
    assert out["operators_refit"] == 3 and out["pools_refit"]["mmlu-pro"]["prior_changed"] == {"default": 2}
    assert refit_models(con, last_version(con) - out["versions_written"]) == {"m1", "m2", "m3"}
    check_against_scratch(con)
    cur = con.execute("""SELECT method, count(*), bool_and(calib_a >= 0), max(abs(intercept))
                         FROM operators_current GROUP BY 1 ORDER BY 1""").fetchall()
    assert [(m, n, ok) for m, n, ok, _ in cur] == [("centred", 3, True), ("default", 3, True), ("paper", 3, True)]
    assert cur[2][3] == 0.0 and 0 < cur[1][3] < 1   # the default centres labels by the base rate
    # m2's default (refit last) shrinks toward the mean of the current centred operators
    prior, = con.execute("SELECT prior FROM operators_current WHERE model_id = 'm2' AND method = 'default'").fetchall()[0]
    centred = [r[0] for r in con.execute("SELECT vector FROM operators_current WHERE method = 'centred'").fetchall()]
    np.testing.assert_allclose(prior, np.mean(centred, axis=0), atol=1e-12)

    # the one predict path serves the stored operators and the pool's router exactly
    from tasks.selection import select as sel
    from tasks.embedding.embed import embed_texts
    from tasks.operators import serving as serve
    from tasks.selection.publish import load_serving
    texts = r1["text"].to_list()[:4]
    X = embed_texts(texts, cfg).astype(np.float64)
    sv = load_serving(con, {"encoder": ENC, "method": "default", "fields": "text"}, confidence=False)
    cols, pool = sel.pool_columns(sv, "mmlu-pro")
    S, P = sel.predict(sv, X, cols)
    rows = con.execute("""SELECT vector, intercept, calib_a, calib_b, base_rate FROM operators_current
                          WHERE method = 'default' ORDER BY model_id""").fetchall()
    manual = X @ np.array([r[0] for r in rows]).T + np.array([r[1] for r in rows])
    np.testing.assert_allclose(S, manual, atol=1e-9)
    np.testing.assert_allclose(P, 1 / (1 + np.exp(-(np.array([r[2] for r in rows]) * manual
                                                    + np.array([r[3] for r in rows])))), atol=1e-9)
    router = con.execute("SELECT best_model, margin FROM pool_routers WHERE method = 'default'").fetchall()
    assert router[0][0] == ["m1", "m2", "m3"][int(np.argmax([r[4] for r in rows]))] and 0 <= router[0][1] <= 0.3
    pick, gate = sel.routed(sv, P, cols, pool)
    assert gate["gated"] and (pick == serve.route(P, sv.models.index(router[0][0]), router[0][1])).all()


@pytest.mark.shared_data
def test_refresh_flow_refits_only_the_new_model(db_path, records, prefect_harness):
    from flows.refresh_operators import refresh_operators
    from warehouse import connect
    with connect(db_path) as con:
        load(con, records["m1"][:40], "F1")
    first = refresh_operators(db=db_path)
    assert (first["embedded"], first["operators_refit"], first["versions_written"]) == (40, 1, 3)
    with connect(db_path) as con:
        load(con, records["m2"][:40], "F2")
    second = refresh_operators(db=db_path)
    # m2 is new; m1's default shrinks toward the pool's new prior (m1's paper and centred operators stay)
    assert (second["embedded"], second["operators_refit"], second["models_updated"]) == (0, 2, 1)
    assert second["versions_written"] == 4 and second["pools_refit"]["mmlu-pro"]["prior_changed"] == {"default": 1}
    assert first["announced"] and second["announced"]   # taskspace.operators.refit chains publish_selection
    third = refresh_operators(db=db_path)
    assert (third["operators_refit"], third["announced"]) == (0, False)
    with connect(db_path) as con:
        check_against_scratch(con)
        assert con.execute("SELECT count(*) FROM operators_current").fetchall()[0][0] == 6
    from flows.evaluate import evaluate
    res = evaluate(db=db_path, split="id", methods=["base_rate", "paper", "default"])
    assert res["n_models"] == 2 and res["n_prompts"] == 40 and res["methods"]["base_rate"]["routing_accuracy"] == \
        pytest.approx(res["best_single_accuracy"])
    with connect(db_path) as con:
        stored = con.execute("SELECT count(DISTINCT fold), count(DISTINCT method), min(seed), max(watermark) "
                             "FROM evaluations WHERE run_id = ?", [res["run_id"]]).fetchall()[0]
    assert stored[:3] == (2, 5, 0) and stored[3] > 0   # the id fold + mean; 3 methods + best single + oracle
    from tasks.evaluation.evaluate import run_evaluation
    with connect(db_path) as con:
        bench = con.execute("SELECT DISTINCT benchmark FROM evaluations").fetchall()
        with pytest.raises(ValueError, match="no results for benchmark 'nope'"):
            run_evaluation(con, benchmark="nope")
    assert bench == [(res["benchmark"],)]
