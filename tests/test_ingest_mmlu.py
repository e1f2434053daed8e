"""MMLU-Pro zips into a real DuckDB file: labels, idempotence, updates, prompt versions."""
from __future__ import annotations

from mmlu_fixture import QUESTIONS, make_zip, record
from tasks.ingest import expand_sources, ingest_item, totals


def ingest(con, src, fmt="mmlu-pro", force=False):
    items, missing = expand_sources(fmt, [str(src)])
    assert not missing
    return totals([ingest_item(con, fmt, it, force=force) for it in items])


def test_labels_categories_and_null_pred(con, tmp_path):
    q = QUESTIONS
    make_zip(tmp_path, "Model-A", [record(q[0], "D"), record(q[1], "B"), record(q[2], None), record(q[3], "D")])
    out = ingest(con, tmp_path)
    assert out["rows_new"] == 4 and out["failed"] == 0
    rows = dict(con.execute("SELECT prompt_id, correct FROM results ORDER BY 1").fetchall())
    assert rows == {"mmlu-pro:70": True, "mmlu-pro:11285": False, "mmlu-pro:2004": False, "mmlu-pro:5001": True}
    cat = con.execute("SELECT category, src, options[1], answer FROM prompts WHERE prompt_id='mmlu-pro:70'").fetchall()
    assert cat == [("business", "ori_mmlu-business_ethics", "Safe practices, Fear, Jealousy, Trivial", "D")]
    assert con.execute("SELECT model_id, display_name FROM models").fetchall() == [("model-a", "Model-A")]
    assert con.execute("SELECT pred FROM results WHERE prompt_id='mmlu-pro:2004'").fetchall() == [(None,)]


def test_reload_unchanged_is_skipped(con, tmp_path):
    make_zip(tmp_path, "Model-A", [record(q, "A") for q in QUESTIONS])
    first = ingest(con, tmp_path)
    again = ingest(con, tmp_path)
    assert first["rows_new"] == 4
    assert again["skipped"] == 1 and again["rows_new"] == again["rows_updated"] == 0
    assert con.execute("SELECT count(*) FROM loads").fetchall() == [(1,)]
    forced = ingest(con, tmp_path, force=True)
    assert forced["loaded"] == 1 and forced["rows_unchanged"] == 4 and forced["rows_new"] == 0


def test_changed_file_updates_only_changed_rows(con, tmp_path):
    path = make_zip(tmp_path, "Model-A", [record(q, "A") for q in QUESTIONS])
    ingest(con, tmp_path)
    before = dict(con.execute("SELECT prompt_id, updated_at FROM results").fetchall())
    recs = [record(q, "A") for q in QUESTIONS]
    recs[0] = record(QUESTIONS[0], "D")                     # now correct
    path.unlink()
    make_zip(tmp_path, "Model-A", recs)
    out = ingest(con, tmp_path)
    assert (out["rows_new"], out["rows_updated"], out["rows_unchanged"]) == (0, 1, 3)
    after = dict(con.execute("SELECT prompt_id, updated_at FROM results").fetchall())
    changed = [p for p in after if after[p] != before[p]]
    assert changed == ["mmlu-pro:70"]
    assert con.execute("SELECT prompt_id, old_correct, new_correct FROM result_changes").fetchall() == [
        ("mmlu-pro:70", False, True)]


def test_revised_question_keeps_the_version_each_model_saw(con, tmp_path):
    q = QUESTIONS[2]
    revised = "Find the characteristic of the ring 2Z (the even integers)."
    make_zip(tmp_path / "a", "Model-A", [record(q, "A")])
    make_zip(tmp_path / "b", "Model-B", [record(q, "A")])
    make_zip(tmp_path / "c", "Model-C", [record(q, "B", question=revised, answer="B")])
    for d in "abc":
        ingest(con, tmp_path / d)
    versions = con.execute("""SELECT r.model_id, v.text, v.answer, r.correct FROM results r
                              JOIN prompt_versions v USING (prompt_id, version_id) ORDER BY 1""").fetchall()
    assert versions == [("model-a", q[1], "A", True), ("model-b", q[1], "A", True), ("model-c", revised, "B", True)]
    # the prompts row holds the version most models saw, and counts the versions
    assert con.execute("SELECT text, answer, n_versions FROM prompts").fetchall() == [(q[1], "A", 2)]


def test_two_formats_same_model_are_separate_sources(con, tmp_path):
    make_zip(tmp_path, "Model-A", [record(QUESTIONS[0], "D")])
    ingest(con, tmp_path)
    long_csv = tmp_path / "extra.csv"
    long_csv.write_text("model,benchmark,prompt_id,prompt,correct\nModel-A,mmlu-pro,70,Same text,0\n")
    ingest(con, long_csv, fmt="long")
    rows = con.execute("SELECT source, correct FROM results ORDER BY 1").fetchall()
    assert rows == [("long:extra.csv", False), ("mmlu-pro:model_outputs_Model-A_5shots.zip", True)]
    # the label rule: one label per (model, prompt), the most recently written result (the long file)
    assert con.execute("SELECT source, correct, n_sources FROM result_labels").fetchall() == [
        ("long:extra.csv", False, 2)]


def test_two_files_of_one_format_never_overwrite_each_other(con, tmp_path):
    for name, pred in (("a.csv", 1), ("b.csv", 0)):
        (tmp_path / name).write_text(f"model,benchmark,prompt_id,prompt,correct\nM,bench,1,Same question,{pred}\n")
        ingest(con, tmp_path / name, fmt="long")
    assert con.execute("SELECT source, correct FROM results ORDER BY 1").fetchall() == [
        ("long:a.csv", True), ("long:b.csv", False)]
    ingest(con, tmp_path / "a.csv", fmt="long")   # unchanged: skipped, b.csv still the latest
    assert con.execute("SELECT source, correct FROM result_labels").fetchall() == [("long:b.csv", False)]
