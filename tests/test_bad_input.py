"""Bad input: unreadable files fail alone and change nothing; bad records are rejected, the rest load."""
from __future__ import annotations

import json

import pytest

from mmlu_fixture import QUESTIONS, make_zip, record
from tasks.ingest import expand_sources, ingest_item, totals
import warehouse.loads


def ingest(con, src, fmt="mmlu-pro"):
    items, missing = expand_sources(fmt, [str(src)])
    return totals([ingest_item(con, fmt, it) for it in items] + missing)


def snapshot(con):
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in ("models", "prompts", "prompt_versions", "results")}


def test_corrupt_zip_fails_alone_and_changes_nothing(con, tmp_path):
    make_zip(tmp_path / "old", "Model-A", [record(q, "A") for q in QUESTIONS])
    ingest(con, tmp_path / "old")
    before = snapshot(con)
    batch = tmp_path / "batch"
    make_zip(batch, "Model-B", [record(q, "B") for q in QUESTIONS])
    (batch / "model_outputs_Broken_5shots.zip").write_bytes(b"PK\x03\x04 this is not really a zip")
    make_zip(batch, "NotJson", [], raw=b"{'question_id': 1,")
    out = ingest(con, batch)
    assert (out["loaded"], out["failed"]) == (1, 2)
    errors = dict(con.execute("SELECT uri, error FROM loads WHERE status = 'failed'").fetchall())
    broken = str(batch / "model_outputs_Broken_5shots.zip")
    assert "corrupt zip" in errors[broken] and broken in errors[broken]
    assert "not JSON" in errors[str(batch / "model_outputs_NotJson_5shots.zip")]
    after = snapshot(con)
    assert [r for r in after["results"] if r[0] == "model-a"] == [r for r in before["results"] if r[0] == "model-a"]
    assert {r[0] for r in after["models"]} == {"model-a", "model-b"}


def test_bad_records_are_rejected_and_the_rest_load(con, tmp_path):
    recs = [record(q, "A") for q in QUESTIONS]
    no_answer = dict(recs[1]); del no_answer["answer"]
    empty_q = dict(recs[2]); empty_q["question"] = "   "
    make_zip(tmp_path, "Model-A", [recs[0], "total", no_answer, empty_q, recs[3], 42])
    out = ingest(con, tmp_path)
    assert out["partial"] == 1 and out["rows_new"] == 2 and out["rows_rejected"] == 4
    rej = con.execute("SELECT position, reason, raw FROM rejected_records ORDER BY position").fetchall()
    assert [(p, r) for p, r, _ in rej] == [(1, "not a JSON object (str)"), (2, "missing field(s) answer"),
                                           (3, "empty question text"), (5, "not a JSON object (int)")]
    assert rej[0][2] == '"total"'
    assert con.execute("SELECT status, rows_rejected FROM loads").fetchall() == [("partial", 4)]


def test_long_table_bad_labels_and_missing_columns(con, tmp_path):
    good = tmp_path / "good.jsonl"
    good.write_text("\n".join([
        json.dumps({"model": "m1", "benchmark": "b", "prompt_id": "1", "prompt": "Q one?", "correct": 1, "cost_usd": 0.01}),
        json.dumps({"model": "m1", "benchmark": "b", "prompt_id": "2", "prompt": "Q two?", "correct": "maybe"}),
        json.dumps({"model": "m1", "benchmark": "b", "prompt_id": "3", "prompt": "", "correct": 0}),
        "not json at all",
        json.dumps(["a", "list"]),
        json.dumps({"model": "m1", "benchmark": "b", "prompt_id": "4", "prompt": "Q four?", "correct": False}),
    ]) + "\n")
    out = ingest(con, good, fmt="long")
    assert (out["rows_new"], out["rows_rejected"]) == (2, 4)
    reasons = [r[0] for r in con.execute("SELECT reason FROM rejected_records ORDER BY position").fetchall()]
    assert reasons == ["label 'maybe' is not 0/1", "empty prompt", "not a JSON object", "not a JSON object"]
    assert con.execute("SELECT cost_usd FROM results WHERE prompt_id = 'b:1'").fetchall() == [(0.01,)]
    bad = tmp_path / "bad.csv"
    bad.write_text("model,benchmark,prompt,correct\nm1,b,Q?,1\n")
    out = ingest(con, bad, fmt="long")
    assert out["failed"] == 1 and "missing required column(s) prompt_id" in out["errors"][0]
    assert str(bad) in out["errors"][0]


def test_missing_source_is_reported(con, tmp_path):
    out = ingest(con, tmp_path / "nope")
    assert out["failed"] == 1 and "no such file or directory" in out["errors"][0]


def test_failure_inside_the_transaction_rolls_back_everything(con, tmp_path, monkeypatch):
    make_zip(tmp_path, "Model-A", [record(q, "A") for q in QUESTIONS])
    real_query = warehouse.loads.query

    def exploding(c, name, **params):
        if name == "upsert_results":
            raise RuntimeError("disk full (simulated)")
        return real_query(c, name, **params)
    monkeypatch.setattr(warehouse.loads, "query", exploding)
    out = ingest(con, tmp_path)
    assert out["failed"] == 1 and "nothing stored" in out["errors"][0] and "disk full" in out["errors"][0]
    for table in ("models", "prompts", "prompt_versions", "results", "rejected_records"):
        assert con.execute(f"SELECT count(*) FROM {table}").fetchall() == [(0,)], table
    monkeypatch.setattr(warehouse.loads, "query", real_query)
    out = ingest(con, tmp_path)                 # a failed load is not "unchanged": it is retried
    assert out["loaded"] == 1 and out["rows_new"] == 4


def test_duplicate_record_in_one_file_is_rejected(con, tmp_path):
    make_zip(tmp_path, "Model-A", [record(QUESTIONS[0], "A"), record(QUESTIONS[0], "D")])
    out = ingest(con, tmp_path)
    assert out["rows_new"] == 1 and out["rows_rejected"] == 1
    assert con.execute("SELECT correct FROM results").fetchall() == [(False,)]


@pytest.mark.parametrize("payload,reason", [(b"[1, 2", "not JSON"), (b'{"a": 1}', "expected a JSON list")])
def test_unreadable_payloads(con, tmp_path, payload, reason):
    make_zip(tmp_path, "X", [], raw=payload)
    out = ingest(con, tmp_path)
    assert out["failed"] == 1 and reason in out["errors"][0]
