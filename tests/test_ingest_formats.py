"""lm-eval runs, RouterBench tables and long tables through the real warehouse writer."""
from __future__ import annotations

import json
import shutil

import polars as pl

from conftest import FIXTURES
from tasks.ingest import expand_sources, ingest_item, totals


def ingest(con, src, fmt):
    items, missing = expand_sources(fmt, [str(src)])
    return totals([ingest_item(con, fmt, it) for it in items] + missing)


def test_lm_eval_run_labels_by_task_metric(con):
    out = ingest(con, FIXTURES / "lm_eval", "lm-eval")
    assert (out["loaded"], out["rows_new"]) == (1, 6)
    rows = con.execute("""SELECT r.prompt_id, r.metric, r.correct, p.category, p.text FROM results r
                          JOIN prompts p USING (prompt_id) ORDER BY 1""").fetchall()
    metrics = {pid.split(":")[0]: m for pid, m, *_ in rows}
    assert metrics == {"leaderboard_bbh_boolean_expressions": "acc_norm", "leaderboard_math_algebra_hard": "exact_match"}
    assert [c for _, _, c, _, _ in rows] == [True, True, False, True, False, False]
    assert rows[0][3] == "leaderboard_bbh" and rows[0][4] == "not ( True ) and ( True ) is"
    assert con.execute("SELECT model_id FROM models").fetchall() == [("qwen/qwen2-0.5b",)]


def test_lm_eval_bad_sample_lines_are_rejected(con, tmp_path):
    run = tmp_path / "run"
    shutil.copytree(FIXTURES / "lm_eval" / "Qwen__Qwen2-0.5B", run)
    samples = next(run.glob("samples_leaderboard_math_*.jsonl"))
    lines = samples.read_text().splitlines()
    broken = json.loads(lines[1]); broken["exact_match"] = 0.5
    samples.write_text("\n".join([lines[0], json.dumps(broken), "{oops", lines[2]]) + "\n")
    out = ingest(con, run, "lm-eval")
    assert (out["rows_new"], out["rows_rejected"]) == (5, 2)
    reasons = [r[0] for r in con.execute("SELECT reason FROM rejected_records ORDER BY position").fetchall()]
    assert reasons == ["leaderboard_math_algebra_hard: exact_match=0.5 is not 0/1",
                       "leaderboard_math_algebra_hard: not JSON"]


def test_lm_eval_folder_without_samples_fails_clearly(con, tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    shutil.copy(next((FIXTURES / "lm_eval" / "Qwen__Qwen2-0.5B").glob("results_*.json")), run)
    out = ingest(con, run, "lm-eval")
    assert out["failed"] == 1 and "--log_samples" in out["errors"][0]


def test_routerbench_costs_and_missing_scores(con):
    out = ingest(con, FIXTURES / "routerbench", "routerbench")
    assert out["rows_new"] == 7                       # 4 samples x 2 models, one score missing
    rows = con.execute("""SELECT model_id, prompt_id, correct, cost_usd FROM results
                          WHERE prompt_id = 'routerbench:mbpp.dev.1'""").fetchall()
    assert rows == [("gpt-4-1106-preview", "routerbench:mbpp.dev.1", True, 0.00537)]
    cats = con.execute("SELECT category, count(*) FROM prompts GROUP BY 1 ORDER BY 1").fetchall()
    assert cats == [("arc-challenge", 2), ("mbpp", 1), ("winogrande", 1)]
    text = con.execute("SELECT text FROM prompts WHERE prompt_id = 'routerbench:mbpp.dev.1'").fetchall()[0][0]
    assert text == "Write a python function to identify non-prime numbers."


def test_routerbench_pickle(con, tmp_path):
    df = pl.read_csv(FIXTURES / "routerbench" / "routerbench_excerpt.csv", infer_schema=False).to_pandas()
    df["gpt-4-1106-preview"] = df["gpt-4-1106-preview"].astype(float)
    df.to_pickle(tmp_path / "routerbench_0shot.pkl")
    out = ingest(con, tmp_path / "routerbench_0shot.pkl", "routerbench")
    assert out["rows_new"] == 7 and out["failed"] == 0


def test_long_parquet_and_csv_agree(con, tmp_path):
    df = pl.DataFrame({"model": ["m1", "m2", "m1"], "benchmark": ["gsm8k"] * 3, "prompt_id": ["1", "1", "2"],
                       "prompt": ["2+2?", "2+2?", "3*3?"], "correct": [True, False, True],
                       "category": ["arith"] * 3, "cost_usd": [0.1, 0.2, None]})
    df.write_parquet(tmp_path / "a.parquet")
    out = ingest(con, tmp_path / "a.parquet", "long")
    assert out["rows_new"] == 3
    df.write_csv(tmp_path / "b.csv")
    out = ingest(con, tmp_path / "b.csv", "long")      # same rows, another file: that input's own results
    assert (out["rows_new"], out["rows_updated"], out["rows_unchanged"]) == (3, 0, 0)
    by_file = con.execute("SELECT source, model_id, prompt_id, correct, cost_usd FROM results ORDER BY 2, 3, 1").fetchall()
    assert [r[0] for r in by_file] == ["long:a.parquet", "long:b.csv"] * 3
    assert by_file[0::2] == [("long:a.parquet",) + r[1:] for r in by_file[1::2]]   # the two files agree
    assert con.execute("SELECT count(*), max(n_sources) FROM result_labels").fetchall() == [(3, 2)]
    assert con.execute("SELECT count(*) FROM prompts").fetchall() == [(2,)]
