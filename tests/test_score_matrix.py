"""Score matrices (a question, graded per-model scores in [0, 1]; real RouterDC excerpts): the score is stored,
correct = score >= the configured threshold, a changed threshold re-reads the input, CSV and JSON agree."""
from __future__ import annotations

import json
import subprocess
import sys

import polars as pl
import pytest
from pydantic import ValidationError

from conftest import FIXTURES, REPO
from tasks.config import load_config
from tasks.ingest import expand_sources, ingest_item, totals
from tasks.sources.labels import DEFAULT_THRESHOLD, correct_at, threshold_of
from warehouse import connect
from warehouse.keys import text_hash

MATRIX = FIXTURES / "score_matrix"
RESULTS = "SELECT model_id, prompt_id, score, correct, metric FROM results ORDER BY 1, 2"


def ingest(con, src, threshold=None) -> dict:
    items, missing = expand_sources("score-matrix", [str(src)])
    assert not missing
    return totals([ingest_item(con, "score-matrix", it, threshold=threshold) for it in items])


def raw_scores() -> dict[tuple[str, str], float]:
    """(model as the file names it, prompt_id) -> score, read straight from the fixture files."""
    out = {}
    for name, bench in (("humaneval_test.json", "humaneval"), ("gsm8k-test.json", "gsm8k")):
        for rec in json.loads((MATRIX / name).read_text()):
            for model, score in rec["scores"].items():
                out[(model, f"{bench}:{text_hash(rec['question'])[:16]}")] = score
    return out


def test_threshold_rule_is_one_definition():
    assert DEFAULT_THRESHOLD == 0.5 and threshold_of(None) == 0.5 and threshold_of(1) == 1.0
    assert correct_at(0.5) and not correct_at(0.4) and correct_at(0.7, 0.7) and not correct_at(0.6, 0.7)
    for bad in (0, 1.5, -0.1, True, "0.5"):
        with pytest.raises(ValueError, match="correct threshold"):
            threshold_of(bad)


def test_scores_are_stored_and_correct_at_the_default_threshold(con):
    out = ingest(con, MATRIX)
    want = raw_scores()
    assert out["failed"] == 0 and out["rows_rejected"] == 0 and out["rows_new"] == len(want) == 7 * (8 + 6)
    names = dict(con.execute("SELECT display_name, model_id FROM models").fetchall())
    got = {(m, p): (s, c, metric) for m, p, s, c, metric in con.execute(RESULTS).fetchall()}
    for (model, prompt), score in want.items():
        assert got[(names[model], prompt)] == (score, score >= 0.5, "score>=0.5")
    assert sorted(r[0] for r in con.execute("SELECT DISTINCT benchmark FROM prompts").fetchall()) == ["gsm8k",
                                                                                                       "humaneval"]
    assert {s for s, *_ in got.values()} > {0.1, 0.3, 0.7, 0.9}          # graded, not only 0/1


def test_changing_the_threshold_rereads_and_relabels(con):
    want = raw_scores()
    ingest(con, MATRIX)
    assert ingest(con, MATRIX)["skipped"] == 2                           # same bytes, same threshold
    between = sum(0.5 <= s < 0.7 for s in want.values())
    assert between > 0
    strict = ingest(con, MATRIX, threshold=0.7)
    assert strict["skipped"] == 0 and strict["rows_new"] == 0
    assert strict["rows_updated"] == len(want)                           # every row's metric names the threshold
    n_correct = con.execute("SELECT count(*) FILTER (WHERE correct), count(*) FILTER (WHERE metric = 'score>=0.7') "
                            "FROM results").fetchall()[0]
    assert n_correct == (sum(s >= 0.7 for s in want.values()), len(want))
    assert ingest(con, MATRIX, threshold=0.7)["skipped"] == 2
    back = ingest(con, MATRIX)                                           # default again: re-read, labels as before
    assert back["skipped"] == 0 and back["rows_updated"] == len(want)
    assert con.execute("SELECT count(*) FROM results WHERE correct").fetchall() == [
        (sum(s >= 0.5 for s in want.values()),)]


def test_the_same_table_as_csv_gives_the_same_results(tmp_path):
    recs = json.loads((MATRIX / "humaneval_test.json").read_text())
    models = list(recs[0]["scores"])
    table = pl.DataFrame({"question": [r["question"] for r in recs],
                          **{m: [r["scores"][m] for r in recs] for m in models}})
    (tmp_path / "csv").mkdir()
    table.write_csv(tmp_path / "csv" / "humaneval_test.csv")
    tables = []
    for name, src in (("a", MATRIX / "humaneval_test.json"), ("b", tmp_path / "csv")):
        with connect(str(tmp_path / f"{name}.duckdb")) as con:
            assert ingest(con, src)["rows_new"] == 7 * 8
            tables.append(con.execute(RESULTS).fetchall())
    assert tables[0] == tables[1]


def test_bad_scores_are_rejected_blank_ones_absent(con, tmp_path):
    recs = json.loads((MATRIX / "gsm8k-test.json").read_text())
    first, second = recs[0]["scores"], recs[1]["scores"]
    m1, m2, m3 = list(first)[:3]
    first[m1], first[m2], second[m3] = 1.5, "abc", None
    recs[2] = {"question": recs[2]["question"]}                          # no scores object at all
    (tmp_path / "gsm8k-test.json").write_text(json.dumps(recs))
    out = ingest(con, tmp_path)
    assert out["loaded"] == 1 and out["rows_rejected"] == 3 and out["rows_new"] == 7 * 6 - 7 - 3
    reasons = sorted(r for (r,) in con.execute("SELECT reason FROM rejected_records").fetchall())
    assert reasons == ["not a JSON object with a 'scores' object of model: score",
                       f"score of model {m2} 'abc' is not a number", f"score of model {m1} 1.5 is outside [0, 1]"]


def test_config_and_cli_take_the_threshold(tmp_path, db_path):
    (tmp_path / "t.toml").write_text("[ingest]\ncorrect_threshold = 0.7\n")
    assert load_config(tmp_path / "t.toml").ingest.correct_threshold == 0.7
    assert load_config(None).ingest.correct_threshold == DEFAULT_THRESHOLD
    for bad in ("0", "1.5"):
        (tmp_path / "bad.toml").write_text(f"[ingest]\ncorrect_threshold = {bad}\n")
        with pytest.raises(ValidationError, match="correct_threshold"):
            load_config(tmp_path / "bad.toml")
    cmd = [sys.executable, "-m", "flows.cli", "--db", db_path, "ingest", "results", "-f", "score-matrix",
           str(MATRIX / "humaneval_test.json"), "--threshold", "0.9", "--json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["rows_new"] == 7 * 8
    with connect(db_path, read_only=True) as con:
        correct = con.execute("SELECT count(*) FILTER (WHERE correct) FROM results").fetchall()[0][0]
    want = sum(s >= 0.9 for (m, p), s in raw_scores().items() if p.startswith("humaneval:"))
    assert correct == want
