"""The full MMLU-Pro data (22 models) through the CLI: refresh embeds and fits everything once, then nothing, then
exactly one operator for one more model; `evaluate --split id` reports the paper's formula as an independent
from-scratch SVD computes it, and a default that beats it and routes above the best single model."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from conftest import REPO, SHARED_DATA

HELD_OUT = "model_outputs_Llama-2-7b-hf_5shots.zip"   # ingested last: "one more model"
pytestmark = pytest.mark.shared_data


def taskspace(db: str, *args) -> dict:
    # the entry point (`python -m flows.cli` would run a second copy of the app without the sub-command modules)
    proc = subprocess.run([sys.executable, "-c", "from flows.cli import app; app()", "--db", db, *args, "--json"],
                          capture_output=True, text=True, cwd=REPO, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> dict:
    """A warehouse of 21 models refreshed, then a second refresh, then the 22nd model ingested and refreshed."""
    src = SHARED_DATA / "mmlu_pro" / "eval_results"
    if not src.is_dir():
        pytest.skip(f"real data not found at {src}")
    db = str(tmp_path_factory.mktemp("full") / "w.duckdb")
    zips = sorted(str(p) for p in src.glob("*.zip") if p.name != HELD_OUT)
    taskspace(db, "ingest", "results", "--format", "mmlu-pro", *zips)
    first = taskspace(db, "refresh")
    second = taskspace(db, "refresh")
    taskspace(db, "ingest", "results", "--format", "mmlu-pro", str(src / HELD_OUT))
    third = taskspace(db, "refresh")
    return {"db": db, "first": first, "second": second, "third": third}


def test_refresh_embeds_and_fits_once_then_only_what_changed(warehouse):
    from warehouse import connect
    first, second, third = warehouse["first"], warehouse["second"], warehouse["third"]
    assert first["prompts_embedded"] == 12032 and first["embedded"] >= 11600   # distinct texts, each embedded once
    assert first["operators_refit"] == 21 and first["versions_written"] == 63   # paper, centred, default
    assert (second["embedded"], second["operators_refit"], second["rows_folded"]) == (0, 0, 0)
    # one more model: its three operators, and the 21 other defaults of the pool follow the pool's new prior
    assert third["models_updated"] == 1 and third["rows_folded"] == 12032 and third["operators_refit"] == 22
    assert third["versions_written"] == 3 + 21 and third["pools_refit"]["mmlu-pro"]["prior_changed"] == {"default": 21}
    with connect(warehouse["db"], read_only=True) as con:
        n_ops, n_models = con.execute("SELECT count(*), count(DISTINCT model_id) FROM operators_current "
                                      "WHERE method = 'default'").fetchall()[0]
        n_vec = con.execute("SELECT count(*) FROM embeddings").fetchall()[0][0]
        n_texts = con.execute("SELECT count(DISTINCT text_hash) FROM prompt_versions").fetchall()[0][0]
    assert (n_ops, n_models) == (22, 22) and n_vec == n_texts == first["embedded"] + third["embedded"] == 11647


def scratch_paper_id(db: str, seed: int = 0) -> dict:
    """The paper's formula on the id split (80 % train, 10 % val, 10 % test), from SQL rows and numpy's SVD only."""
    from sklearn.metrics import roc_auc_score

    from warehouse import connect
    with connect(db, read_only=True) as con:
        prompts = [r[0] for r in con.execute("SELECT prompt_id FROM prompts p WHERE EXISTS (SELECT 1 FROM results r "
                                             "WHERE r.prompt_id = p.prompt_id) ORDER BY 1").fetchall()]
        canon = dict(con.execute("SELECT p.prompt_id, e.vector FROM prompts p JOIN embeddings e ON "
                                 "e.text_hash = p.text_hash AND e.encoder = 'all-MiniLM-L6-v2'").fetchall())
        rows = con.execute("""SELECT r.model_id, r.prompt_id, e.vector, r.correct FROM results r
            JOIN prompt_versions pv USING (prompt_id, version_id)
            JOIN embeddings e ON e.text_hash = pv.text_hash AND e.encoder = 'all-MiniLM-L6-v2'""").fetchall()
    perm, n10 = np.random.default_rng(seed).permutation(len(prompts)), round(0.1 * len(prompts))
    test, train = set(np.array(prompts)[perm[:n10]]), set(np.array(prompts)[perm[2 * n10:]])
    models = sorted({r[0] for r in rows})
    test_ids = sorted(test)
    Xte = np.array([canon[p] for p in test_ids], dtype=np.float64)
    label = {(m, p): c for m, p, _, c in rows}
    scores = np.full((len(test_ids), len(models)), np.nan)
    for j, m in enumerate(models):
        tr = [(v, 1.0 if c else -1.0) for mm, p, v, c in rows if mm == m and p in train]
        X, y = np.array([v for v, _ in tr], dtype=np.float64), np.array([t for _, t in tr])
        U, S, Vt = np.linalg.svd(X.T, full_matrices=False)
        keep = S >= 0.1
        E = y @ Vt[keep].T @ np.diag(S[keep] / (S[keep] ** 2 + 2.0)) @ U[:, keep].T
        scores[:, j] = Xte @ E
    s, lab, routed = [], [], []
    for i, p in enumerate(test_ids):
        have = [(m, label[(m, p)]) for m in models if (m, p) in label]
        s += [scores[i, models.index(m)] for m, _ in have]
        lab += [c for _, c in have]
        if len(have) == len(models):
            routed.append(label[(models[int(np.argmax(scores[i]))], p)])
    s, lab = np.array(s), np.array(lab)
    return {"success_accuracy": float(np.mean((s > 0) == lab)), "auc": float(roc_auc_score(lab, s)),
            "routing_accuracy": float(np.mean(routed))}


def test_evaluate_reports_paper_as_scratch_svd_and_a_default_that_beats_it(warehouse):
    out = taskspace(warehouse["db"], "evaluate", "--benchmark", "mmlu-pro", "--split", "id", "--methods", "base_rate,paper,default")
    for key in ("success_accuracy", "auc", "routing_accuracy", "best_single_accuracy", "oracle_accuracy", "run_id"):
        assert isinstance(out[key], (int, float)), key
    assert out["n_models"] == 22 and out["n_prompts"] == 12032 and len(out["folds"]) == 1
    ref = scratch_paper_id(warehouse["db"])
    got = out["folds"][0]["methods"]["paper"]
    for metric, value in ref.items():
        assert got[metric] == pytest.approx(value, abs=1e-9), metric
    paper, base = out["methods"]["paper"], out["methods"]["base_rate"]
    assert out["success_accuracy"] > max(paper["success_accuracy"], base["success_accuracy"])
    assert out["auc"] > max(paper["auc"], base["auc"])
    assert out["best_single_accuracy"] > paper["routing_accuracy"]   # raw scores are not on one scale
    assert base["routing_accuracy"] == pytest.approx(out["best_single_accuracy"])
    assert 0.9 < out["oracle_accuracy"] < 0.95
    from warehouse import connect
    with connect(warehouse["db"], read_only=True) as con:
        stored = con.execute("SELECT value FROM evaluations WHERE run_id = ? AND fold = 'mean' AND method = 'default' "
                             "AND metric = 'routing_accuracy'", [out["run_id"]]).fetchall()
    assert stored == [(pytest.approx(out["routing_accuracy"]),)]


def test_default_routes_above_the_best_single_model_over_five_folds(warehouse):
    # one 10 % test split (1,203 prompts) cannot resolve a gain below ~1 point; five folds test every prompt once
    out = taskspace(warehouse["db"], "evaluate", "--benchmark", "mmlu-pro", "--split", "id-cv", "--methods", "paper,default")
    assert len(out["folds"]) == 5 and sum(f["n_test"] for f in out["folds"]) == 12032
    assert out["routing_accuracy"] > out["best_single_accuracy"] > out["paper"]["routing_accuracy"]
    assert out["success_accuracy"] > out["paper"]["success_accuracy"] and out["auc"] > out["paper"]["auc"]
