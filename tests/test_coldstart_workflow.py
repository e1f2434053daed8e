"""The cold-start workflow on real RouterBench rows: a pool of 10 models, `coldstart plan` for the 11th, its real
answers to exactly those prompts ingested as a long table, `refresh`: it is a cold-start operator with an estimate
and interval in `taskspace select` and in the published new-releases table; with all its results it is ordinary."""
from __future__ import annotations

import csv
import io
import json
import logging
from pathlib import Path

import duckdb
import pytest

from selection_warehouse import invoke

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]
HELD_OUT = "gpt-3.5-turbo-1106"
ROWS = {"arc_challenge_train": 80, "mbpp_train": 60, "winograde_train": 80}   # real rows of each file


@pytest.fixture(autouse=True)
def _logging_restored():
    """The CLI's refresh adds a stderr handler to the taskspace logger bound to CliRunner's stream, closed after
    each command: put the logger back so later tests do not write to a closed file."""
    logger = logging.getLogger("taskspace")
    handlers, level = list(logger.handlers), logger.level
    yield
    logger.handlers[:] = handlers
    logger.setLevel(level)


def _subset(shared: Path, out: Path) -> dict[str, dict[str, str]]:
    """The first ROWS rows of each CSV without HELD_OUT's columns (written to OUT); {sample_id: row} of the rest."""
    out.mkdir()
    held = {}
    for stem, n in ROWS.items():
        with open(shared / "routerbench" / f"{stem}.csv", newline="") as f:
            rows = list(csv.DictReader(f))[:n]
        cols = [c for c in rows[0] if c.split("|")[0] != HELD_OUT]
        buf = io.StringIO()
        w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
        (out / f"{stem}.csv").write_text(buf.getvalue())
        held |= {r["sample_id"]: r for r in rows}
    return held


def _long(plan: list[dict], held: dict, path: Path) -> Path:
    """HELD_OUT's real results on the planned prompts as a long JSONL table."""
    with path.open("w") as f:
        for p in plan:
            r = held[p["item_id"]]
            f.write(json.dumps({"model": HELD_OUT, "benchmark": p["benchmark"], "prompt_id": p["item_id"],
                                "prompt": p["text"], "category": p["category"],
                                "correct": int(float(r[HELD_OUT]) > 0.5)}) + "\n")
    return path


def test_plan_ingest_refresh_gives_a_cold_start_operator(shared_data, tmp_path):
    db = str(tmp_path / "w.duckdb")
    held = _subset(shared_data, tmp_path / "rb")
    invoke("--db", db, "ingest", "results", "--format", "routerbench", str(tmp_path / "rb"), "--json")
    invoke("--db", db, "refresh", "--json")
    out = tmp_path / "plan.jsonl"
    plan = invoke("--db", db, "coldstart", "plan", "--benchmark", "routerbench", "--budget", "30", "--model",
                  f"openai/{HELD_OUT}", "--seed", "7", "--out", str(out), "--json")
    lines = [json.loads(x) for x in out.read_text().splitlines()]
    assert plan["n_prompts"] == len(lines) == 30 and plan["n_known_models"] == 10
    assert [x["prompt_id"] for x in lines] == plan["prompt_ids"] and all(x["text"] for x in lines)
    assert {x["category"] for x in lines} == {"arc-challenge", "mbpp", "winogrande"}   # spread over the categories
    with duckdb.connect(db, read_only=True) as con:
        stored = con.execute("SELECT p.seed, p.strategy, p.budget, p.model, count(*) FROM coldstart_plans p "
                             "JOIN coldstart_plan_prompts pp USING (plan_id) GROUP BY ALL").fetchall()
    assert stored == [(7, "difficulty", 30, f"openai/{HELD_OUT}", 30)]

    invoke("--db", db, "ingest", "results", "--format", "long", str(_long(lines, held, tmp_path / "ans.jsonl")),
           "--json")
    ref = invoke("--db", db, "refresh", "--json")
    assert ref["coldstart"] == [[HELD_OUT, "routerbench"]]
    assert ref["pools_refit"]["routerbench"]["coldstart"] == [HELD_OUT]
    with duckdb.connect(db, read_only=True) as con:
        est = con.execute("SELECT category, n_evaluations, n_prompts, estimate, lo, hi FROM coldstart_estimates "
                          "WHERE model_id = ? ORDER BY category", [HELD_OUT]).fetchall()
        kinds = con.execute("SELECT DISTINCT coldstart, n FROM operators_current WHERE model_id = ?",
                            [HELD_OUT]).fetchall()
        best = con.execute("SELECT DISTINCT best_model FROM pool_routers WHERE pool = 'routerbench'").fetchall()
        pool = [r[0] for r in con.execute("SELECT item_id FROM prompts WHERE benchmark = 'routerbench'").fetchall()]
    assert kinds == [(True, 30)] and best != [(HELD_OUT,)]   # the gate is tuned on the known models only
    whole = {c: r for c, *r in est}["*"]
    truth = sum(float(held[sid][HELD_OUT]) > 0.5 for sid in pool) / len(pool)
    assert whole[0] == 30 and whole[1] == len(pool) and whole[3] < whole[2] < whole[4]
    assert whole[3] <= truth <= whole[4], (whole, truth)   # the real accuracy lies in the 95 % interval
    assert abs(whole[2] - truth) < 0.12

    served_is_evaluated(db)
    upgraded_cold_operators_are_refitted(db)

    sel = invoke("--db", db, "select", "Which gas do plants absorb from the air?", "--benchmark", "routerbench",
                 "--json")
    mine = next(m for m in sel["models"] if m["model_id"] == HELD_OUT)
    assert mine["coldstart"] and mine["n_evaluations"] == 30
    assert mine["estimated_accuracy"]["estimate"] == pytest.approx(whole[2])
    assert not any(m["coldstart"] for m in sel["models"] if m["model_id"] != HELD_OUT)

    # its second round, among the prompts it has not answered: the default plan, as 10 known models are too few
    # for the 2PL an adaptive round needs (tests/test_coldstart_adaptive.py)
    again = invoke("--db", db, "coldstart", "plan", "--benchmark", "routerbench", "--budget", "20", "--model",
                   f"openai/{HELD_OUT}", "--json")
    assert again["strategy"] == "difficulty" and again["n_prompts"] == 20 and again["n_known_models"] == 10
    assert not set(again["prompt_ids"]) & set(plan["prompt_ids"])

    pub = tmp_path / "pub"
    invoke("--db", db, "publish", "--out", str(pub), "--no-flow", "--json")   # no Prefect in this process
    with open(pub / "tables" / "selection_new_releases.csv", newline="") as f:
        table = list(csv.DictReader(f))
    top = [r for r in table if r["category"] == "*"]
    assert len(top) == 1 and top[0]["model_id"] == HELD_OUT and int(top[0]["n_evaluations"]) == 30
    assert float(top[0]["lo"]) <= float(top[0]["estimate"]) <= float(top[0]["hi"])
    assert 0.0 <= float(top[0]["routed_share"]) <= 1.0
    assert {r["category"] for r in table} == {"*", "arc-challenge", "mbpp", "winogrande"}
    assert "New releases" in (pub / "summary.md").read_text()
    with open(pub / "tables" / "selection_by_task.csv", newline="") as f:   # every task ranking marks it
        ranked = list(csv.DictReader(f))
    marks = {(r["model_id"], r["coldstart"], r["n_evaluations"]) for r in ranked if r["method"] == "default"}
    assert (HELD_OUT, "true", "30") in marks and not any(c == "true" for m, c, _ in marks if m != HELD_OUT)
    assert {r["task"] for r in ranked if r["model_id"] == HELD_OUT} >= {"routerbench", "routerbench/mbpp"}
    with open(pub / "tables" / "selection_models.csv", newline="") as f:
        assert {r["model_id"]: r["coldstart"] for r in csv.DictReader(f)}[HELD_OUT] == "true"

    # all its results arrive: an ordinary operator, no special step, no estimate left
    with duckdb.connect(db, read_only=True) as con:
        rest = [dict(zip(("item_id", "benchmark", "text", "category"), r)) for r in con.execute(
            "SELECT item_id, benchmark, text, category FROM prompts WHERE benchmark = 'routerbench'").fetchall()]
    invoke("--db", db, "ingest", "results", "--format", "long", str(_long(rest, held, tmp_path / "all.jsonl")),
           "--json")
    ref = invoke("--db", db, "refresh", "--json")
    assert ref["coldstart"] == [] and "coldstart" not in ref["pools_refit"]["routerbench"]
    with duckdb.connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM coldstart_estimates").fetchall() == [(0,)]
        assert con.execute("SELECT DISTINCT coldstart FROM operators_current WHERE model_id = ?",
                           [HELD_OUT]).fetchall() == [(False,)]

    ev = invoke("--db", db, "evaluate", "--split", "coldstart", "--budget", "30", "--benchmark", "routerbench",
                "--plans", "2", "--json")   # leave one model out over the 11, two plans each
    assert ev["models"] == 11 and {r["strategy"] for r in ev["rows"]} == {"difficulty", "adaptive", "random", "stratified"}
    assert ev["plans"] == 2 and ev["leaderboard_priors"] == 0 and ev["answer_flags"] == 0   # RouterBench: none
    assert all(r["n"] == 22 and 0 <= r["mae"] < 0.2 and 0 <= r["coverage"] <= 1 and 0.5 < r["routing_cold"] <= 1
               for r in ev["rows"])
    with duckdb.connect(db, read_only=True) as con:   # stored like every evaluation, for SQL
        stored = dict(((m, k), v) for m, k, v in con.execute(
            "SELECT method, metric, value FROM evaluations WHERE run_id = ? AND split = 'coldstart' "
            "AND fold = 'K=30'", [ev["run_id"]]).fetchall())
    assert {m for m, _ in stored} == {"difficulty", "adaptive", "random", "stratified"}
    assert all(stored[(r["strategy"], "mae")] == pytest.approx(r["mae"]) for r in ev["rows"])


def served_is_evaluated(db: str) -> None:
    """The cold-start operator refresh stored for HELD_OUT gives, on every prompt of the pool, the probabilities
    `evaluate --split coldstart` scores for a held-out model with the same results (its `served`)."""
    import numpy as np

    from tasks import operators as ops
    from tasks.coldstart import detect, estimate as prediction, irt
    from tasks.coldstart.evaluate import known_of, labels01, served
    from tasks.coldstart.operator import PoolPrompts
    from tasks.evaluation.data import load
    from tasks.evaluation.evaluate import pool_data
    from tasks.operators.math import sigmoid
    from warehouse.selection import read_operators

    with duckdb.connect(db, read_only=True) as con:
        data = load(con, "all-MiniLM-L6-v2", "routerbench")
        stored = next(o for o in read_operators(con, "all-MiniLM-L6-v2", "default") if o["model_id"] == HELD_OUT)
    j = data.models.index(HELD_OUT)
    every = np.arange(len(data.prompts))
    known = known_of(data, pool_data(data, every), ops.DEFAULT, j)
    rows = np.flatnonzero(~np.isnan(data.Y[:, j]))
    y = data.Y[rows, j]
    k01 = labels01(known.Y)
    names = [m for m in data.models if m != HELD_OUT]   # as evaluate.coldstart predicts it (no leaderboard rows)
    p, prior = detect.predict_one(irt.fit_items(k01), prediction.features(k01), names, HELD_OUT, rows, y > 0, {})
    assert prior is None
    X = data.X(every).astype(np.float64)
    evaluated = served(PoolPrompts.of(X, ops.DEFAULT.eps), ops.DEFAULT, known.prior, len(rows), p)
    shown = sigmoid(stored["calib_a"] * (stored["intercept"] + X @ stored["vector"]) + stored["calib_b"])
    assert stored["coldstart"] and stored["n"] == len(rows) == 30 and stored["lam"] == 1.0
    np.testing.assert_allclose(shown, evaluated, atol=1e-6)


def upgraded_cold_operators_are_refitted(db: str) -> None:
    """A warehouse upgraded across migration 023, 024, 025 or 026 (cold-start operators fitted before it) refits its
    cold-start operators at the next refresh, and nothing else."""
    for version in (23, 24, 25, 26):
        with duckdb.connect(db) as con:   # as if this warehouse had been written before VERSION
            con.execute("DELETE FROM schema_version WHERE version = ?", [version])
            before = con.execute("SELECT max(version) FROM operators").fetchall()[0][0]
        invoke("--db", db, "refresh", "--json")   # opening it to write applies VERSION again
        with duckdb.connect(db, read_only=True) as con:
            new = con.execute("SELECT model_id, method, json_extract_string(params, '$.config') FROM operators "
                              "WHERE version > ? ORDER BY method", [before]).fetchall()
            marked = con.execute("SELECT count(*) FROM operators WHERE coldstart AND json_extract_string(params, "
                                 "'$.config') LIKE ?", [f"%migration {version:03d}%"]).fetchall()[0][0]
        assert [(m, meth) for m, meth, _ in new] == [(HELD_OUT, "centred"), (HELD_OUT, "default"), (HELD_OUT, "paper")]
        assert not any(f"migration {version:03d}" in c for *_, c in new) and marked >= 3   # old fits kept, marked
