"""A cold-start model's ability prior from its leaderboard score (tasks/coldstart/prior.py): the line through the
known models, the column that measures the pool, a better estimate where the score says something, and the scores
read from a real warehouse with the real leaderboard excerpt."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from mmlu_fixture import QUESTIONS, make_zip, record
from tasks.coldstart import detect, estimate as prediction, irt
from tasks.coldstart.prior import MIN_PRIOR_MODELS, ability_prior, pool_scores, same_benchmark
from tasks.ingest import expand_sources, ingest_item
from tasks.releases import ingest_releases

FIXTURES = Path(__file__).parent / "fixtures"


def test_the_line_through_the_known_models_scores_gives_the_prior():
    rng = np.random.default_rng(0)
    score = rng.uniform(0.2, 0.5, 30)
    theta = 10 * (score - 0.35) + rng.normal(0, 0.2, 30)
    prior = ability_prior(theta, score, 0.45)
    assert prior.mean == pytest.approx(1.0, abs=0.15) and prior.sd == pytest.approx(0.2, abs=0.06)
    assert prior.n_models == 30 and prior.score == 0.45
    gaps = np.where(np.arange(30) < 30 - MIN_PRIOR_MODELS + 1, np.nan, score)   # one scored model too few
    assert ability_prior(theta, gaps, 0.45) is None
    assert ability_prior(theta, score, None) is None and ability_prior(theta, score, float("nan")) is None
    assert ability_prior(theta, np.full(30, 0.3), 0.3) is None                 # scores that do not vary
    # a score that says nothing: the prior is no narrower than the abilities' own spread
    unrelated = rng.normal(0, 1, 30)
    noise = ability_prior(unrelated, score, 0.45)
    assert 0.6 < noise.sd <= float(np.std(unrelated)) + 1e-12


def test_the_leaderboard_column_of_a_pool_is_the_same_benchmark():
    assert same_benchmark("mmlu-pro", "MMLU-PRO") and same_benchmark("leaderboard_mmlu_pro", "MMLU-PRO")
    assert same_benchmark("leaderboard_gpqa", "GPQA") and not same_benchmark("mmlu-pro", "BBH")
    board = {"BBH": {"a": 0.5}, "MMLU-PRO": {"a": 0.3, "b": 0.4}}
    assert pool_scores("mmlu-pro", board) == {"a": 0.3, "b": 0.4}
    assert pool_scores("routerbench", board) == {}


def _planted(n_known: int = 24, n_new: int = 12, n: int = 1500, seed: int = 0):
    """A 2PL pool of known and new models whose leaderboard score is their ability plus noise (sd 0.25), on a
    scale of its own; each new model answered 30 prompts."""
    rng = np.random.default_rng(seed)
    a, b = rng.uniform(0.5, 2.0, n), rng.normal(-0.5, 1.5, n)
    theta = rng.normal(0, 1, n_known + n_new)
    L = (rng.random((n, len(theta))) < 1 / (1 + np.exp(-(a[:, None] * theta + b[:, None])))).astype(float)
    truth = L[:, n_known:].mean(0)
    for j in range(n_known, len(theta)):
        L[np.setdiff1d(np.arange(n), rng.choice(n, 30, replace=False)), j] = np.nan
    models = [f"m{j}" for j in range(len(theta))]
    scores = dict(zip(models, (0.3 + 0.05 * (theta + rng.normal(0, 0.25, len(theta)))).tolist()))
    return {"benchmark": "mmlu-pro", "models": models, "prompts": [f"p{i}" for i in range(n)],
            "category": np.array(["x", "y", "z"] * (n // 3), dtype=object), "L": L}, scores, truth, models[n_known:]


def test_a_leaderboard_score_makes_a_cold_models_estimate_better():
    pool, scores, truth, new = _planted()
    errs = {}
    for board in ({}, {"MMLU-PRO": scores}):
        rows = detect.estimates(pool | {"leaderboard": board}, set(new), watermark=1)
        whole = {r["model_id"]: r for r in rows if r["category"] == "*"}
        errs[bool(board)] = np.abs([whole[m]["estimate"] - t for m, t in zip(new, truth)])
        assert {r["estimator"] for r in whole.values()} == ({"irt2+leaderboard"} if board else {"irt2"})
        assert all(r["lo"] < r["estimate"] < r["hi"] for r in whole.values())
    # 30 answers alone err by 5.0 points here, 2.8 with the score (seeds 0-3: a ratio of 0.45-0.70)
    assert errs[True].mean() < 0.75 * errs[False].mean(), errs
    got = detect.predict(pool | {"leaderboard": {"MMLU-PRO": scores}}, set(new))
    assert all(got["models"][m][3].n_models == 24 for m in new)   # the line is fitted on the known models only
    assert irt.MIN_MODELS_2PL <= 24
    # at the pool's edge a 2PL prediction averages in the ridge, but not with a leaderboard prior (p-IRT alone)
    prior = got["models"][new[0]][3]
    top = got["F"][:, int(np.argmax(got["items"].theta))]   # the strongest known model's labels, as a new one's
    rows = np.arange(prediction.MIN_LABELS_RIDGE_EDGE)
    assert prediction.name(got["items"], got["F"], rows, top[rows]) == "blend-irt2"
    assert prediction.name(got["items"], got["F"], rows, top[rows], prior) == "irt2+leaderboard"


def test_a_pools_leaderboard_scores_are_read_from_linked_models(con, tmp_path):
    from warehouse.coldstart import hub_scores, leaderboard_scores, pool_labels
    for name in ("Meta-Llama-3_1-8B", "gemma-7b", "gemini-1.5-flash-002"):
        make_zip(tmp_path, name, [record(q, "A") for q in QUESTIONS])
    items, _ = expand_sources("mmlu-pro", [str(tmp_path)])
    for it in items:
        ingest_item(con, "mmlu-pro", it)
    ingest_releases(con, "open-llm-leaderboard", str(FIXTURES / "open_llm_leaderboard" / "leaderboard_excerpt.csv"))
    got = leaderboard_scores(con, "mmlu-pro")
    # two entries (bfloat16, float16) of meta-llama/Llama-3.1-8B: their mean; gemini is on no leaderboard row
    assert got["MMLU-PRO"] == pytest.approx({"meta-llama-3_1-8b": (0.3288 + 0.3281) / 2, "gemma-7b": 0.2948},
                                            abs=5e-5)
    assert set(got) == {"IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO"}
    pool = pool_labels(con, "mmlu-pro")
    assert pool["benchmark"] == "mmlu-pro" and pool["leaderboard"] == got
    assert leaderboard_scores(con, "routerbench") == {}
    # a release whose results arrive after the leaderboard, under its hub id: found by that name
    answers = tmp_path / "qwen.jsonl"
    answers.write_text("".join(json.dumps({"model": "Qwen/Qwen1.5-7B-Chat", "benchmark": "mmlu-pro", "prompt_id": str(q[0]),
                                         "prompt": q[1], "correct": 1}) + "\n" for q in QUESTIONS[:2]))
    items, _ = expand_sources("long", [str(answers)])
    assert ingest_item(con, "long", items[0]).status == "ok"
    assert leaderboard_scores(con, "mmlu-pro")["MMLU-PRO"]["qwen/qwen1.5-7b-chat"] == pytest.approx(0.2951, abs=5e-5)
    assert hub_scores(con, "qwen/QWEN1.5-7b-chat")["MMLU-PRO"] == pytest.approx(0.2951, abs=5e-5)
    assert hub_scores(con, "nobody/nothing") == {}


def test_a_cold_model_is_refitted_when_its_leaderboard_prior_changes():
    scores = {f"m{i}": 0.2 + 0.02 * i for i in range(9)} | {"new": 0.4}
    stored = {("new", "mmlu-pro"): {"prior_score": 0.4, "prior_models": 9},
              ("other", "mmlu-pro"): {"prior_score": None, "prior_models": None}}
    board = {"mmlu-pro": {"MMLU-PRO": scores}}
    assert detect.prior_changed(stored, board) == set()                          # as stored: nothing to do
    assert detect.prior_changed(stored, {"mmlu-pro": {"MMLU-PRO": scores | {"new": 0.41}}}) == {("new", "mmlu-pro")}
    assert detect.prior_changed(stored, {"mmlu-pro": {"MMLU-PRO": scores | {"m9": 0.3}}}) == {("new", "mmlu-pro")}
    assert detect.prior_changed(stored, {"mmlu-pro": {"MMLU-PRO": scores | {"other": 0.3}}}) == {
        ("other", "mmlu-pro")}                                                    # a score arrived for it
    few = {k: v for k, v in scores.items() if k not in ("m0", "m1")}              # 7 known: too few for a line
    assert detect.prior_changed(stored, {"mmlu-pro": {"MMLU-PRO": few}}) == {("new", "mmlu-pro")}
    assert detect.prior_changed({("new", "mmlu-pro"): {"prior_score": None, "prior_models": None}},
                                {"mmlu-pro": {"MMLU-PRO": few}}) == set()
