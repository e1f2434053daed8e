"""MMLU-Pro's older per-subject folders (<MODEL>/<subject>_result.json, real excerpts) load like its zips: one item
per folder, correct = pred == answer (a null pred is wrong), a revised answer is a second prompt version, and a
folder and a zip of the same records give the same results."""
from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import pytest

from http_fixtures import Loopback
from tasks.ingest import expand_sources, ingest_item, totals
from tasks.sources import InputError, list_items
from warehouse import connect

SUBJECTS = Path(__file__).parent / "fixtures" / "mmlu_pro_subjects"
RESULTS = "SELECT model_id, prompt_id, version_id, correct, score, pred FROM results ORDER BY 1, 2"


def ingest(con, src) -> dict:
    items, missing = expand_sources("mmlu-pro", [str(src)])
    assert not missing
    return totals([ingest_item(con, "mmlu-pro", it) for it in items])


def raw_records(folder: Path) -> list[dict]:
    return [r for f in sorted(folder.glob("*_result.json")) for r in json.loads(f.read_text())]


def as_zip(folder: Path, model: str, records: list[dict]) -> Path:
    """The same records in today's layout: model_outputs_<model>_5shots.zip, the text under generated_text."""
    folder.mkdir(parents=True, exist_ok=True)
    recs = [{("generated_text" if k in ("response", "model_outputs") else k): v for k, v in r.items()}
            for r in records]
    path = folder / f"model_outputs_{model}_5shots.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"model_outputs_{model}_5shots.json", json.dumps(recs))
    return path


def test_one_item_per_model_folder_summaries_left_out():
    items = list_items("mmlu-pro", str(SUBJECTS))
    assert [Path(it.uri).name for it in items] == ["gemini-3.1-pro", "gpt4o"]
    assert sorted(items[1].blobs()) == ["gpt4o/biology_result.json", "gpt4o/computer science_result.json"]
    with pytest.raises(InputError, match="give the folder"):
        list_items("mmlu-pro", str(SUBJECTS / "gpt4o" / "biology_result.json"))


def test_subject_folders_load_with_the_zip_rule(con):
    out = ingest(con, SUBJECTS)
    assert out["failed"] == 0 and out["rows_rejected"] == 0 and out["rows_new"] == 8 + 12
    got = {(m, p): (c, pred) for m, p, _, c, _, pred in con.execute(RESULTS).fetchall()}
    for folder in SUBJECTS.iterdir():
        if folder.is_dir():
            for r in raw_records(folder):
                want = (r["pred"] is not None and r["pred"] == r["answer"], r["pred"])
                assert got[(folder.name, f"mmlu-pro:{r['question_id']}")] == want
    assert got[("gpt4o", "mmlu-pro:2807")] == (False, None)          # no answer extracted: wrong, pred null
    cats = dict(con.execute("SELECT prompt_id, category FROM prompts WHERE prompt_id IN "
                            "('mmlu-pro:10356', 'mmlu-pro:2804')").fetchall())
    assert cats == {"mmlu-pro:10356": "computer science", "mmlu-pro:2804": "biology"}


def test_answer_revised_between_runs_is_two_prompt_versions(con):
    ingest(con, SUBJECTS)
    for qid, old, new in (("2817", "F", "E"), ("3011", "B", "I")):
        seen = dict(con.execute(
            "SELECT r.model_id, v.answer FROM results r JOIN prompt_versions v USING (prompt_id, version_id) "
            "WHERE r.prompt_id = ?", [f"mmlu-pro:{qid}"]).fetchall())
        assert seen == {"gpt4o": old, "gemini-3.1-pro": new}
        assert con.execute("SELECT n_versions FROM prompts WHERE prompt_id = ?", [f"mmlu-pro:{qid}"]).fetchall() == [(2,)]
    unrevised = con.execute("SELECT n_versions FROM prompts WHERE prompt_id = 'mmlu-pro:2804'").fetchall()
    assert unrevised == [(1,)]


def test_folder_and_zip_of_the_same_records_give_the_same_results(tmp_path):
    """Both layouts of the real gpt4o records (the zip built from them) give the same rows. This proves the two
    parsers agree on the same records, not that TIGER-AI-Lab's two publications of a model agree (the repository's
    gpt4o zip is not in the mirror this was built from)."""
    folder = tmp_path / "dir" / "gpt4o"
    shutil.copytree(SUBJECTS / "gpt4o", folder)
    zipped = as_zip(tmp_path / "zip", "gpt4o", raw_records(folder))
    tables = []
    for name, src in (("a", folder), ("b", zipped)):
        with connect(str(tmp_path / f"{name}.duckdb")) as con:
            assert ingest(con, src)["rows_new"] == 12
            tables.append(con.execute(RESULTS).fetchall())
    assert tables[0] == tables[1]


def test_real_zip_split_into_subject_files_gives_the_same_results(tmp_path, shared_data):
    """A real leaderboard zip (12,032 records) and the same records written as the old per-subject folder."""
    src = shared_data / "mmlu_pro" / "eval_results" / "model_outputs_Yi-6B_5shots.zip"
    with zipfile.ZipFile(src) as zf:
        records = json.loads(zf.read(zf.namelist()[0]))
    folder = tmp_path / "subjects" / "Yi-6B"
    folder.mkdir(parents=True)
    for cat in sorted({r["category"] for r in records}):
        mine = [{("model_outputs" if k == "generated_text" else k): v for k, v in r.items()} for r in records
                if r["category"] == cat]
        (folder / f"{cat}_result.json").write_text(json.dumps(mine))
        (folder / f"{cat}_summary.json").write_text(json.dumps({cat: {"corr": 0.0, "wrong": 0.0, "acc": 0.0}}))
    zip_dir = tmp_path / "zips"
    zip_dir.mkdir()
    shutil.copy(src, zip_dir)
    tables = []
    for name, where in (("a", zip_dir), ("b", folder.parent)):
        with connect(str(tmp_path / f"{name}.duckdb")) as con:
            out = ingest(con, where)
            assert out["files"] == 1 and out["rows_new"] == len(records) and out["rows_rejected"] == 0
            tables.append(con.execute(RESULTS).fetchall())
    assert tables[0] == tables[1]
    assert sum(r[3] for r in tables[0]) == sum(r["pred"] is not None and r["pred"] == r["answer"] for r in records)


def test_bad_record_is_rejected_naming_its_subject_file(con, tmp_path):
    folder = tmp_path / "gpt4o"
    shutil.copytree(SUBJECTS / "gpt4o", folder)
    recs = json.loads((folder / "computer science_result.json").read_text())
    del recs[1]["answer"]
    (folder / "computer science_result.json").write_text(json.dumps(recs))
    (folder / "physics_result.json").write_text('{"not": "a list"}')
    (bad,) = list_items("mmlu-pro", str(folder))
    s = ingest_item(con, "mmlu-pro", bad)
    assert s.status == "failed" and "physics_result.json: expected a JSON list" in s.error
    (folder / "physics_result.json").unlink()
    s = ingest_item(con, "mmlu-pro", bad)
    assert s.status == "partial" and s.rows_rejected == 1 and s.rows_new == 11
    reason = con.execute("SELECT reason FROM rejected_records").fetchall()
    assert reason == [("computer science_result.json record 1: missing field(s) answer",)]


@pytest.fixture
def gh(monkeypatch):
    with Loopback() as srv:
        monkeypatch.setenv("TASKSPACE_GITHUB_API", srv.url)
        yield srv


def test_github_folder_of_subject_files_is_one_item_fetched_once(gh, con, tmp_path):
    for f in sorted((SUBJECTS / "gpt4o").iterdir()):
        gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", f"eval_results/gpt4o/{f.name}", f)
    zipped = as_zip(tmp_path, "gemma-7b", raw_records(SUBJECTS / "gemini-3.1-pro"))
    gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", f"eval_results/{zipped.name}", zipped)
    repo = "https://github.com/TIGER-AI-Lab/MMLU-Pro"
    items = list_items("mmlu-pro", repo)
    assert [it.uri.rsplit("/", 1)[-1] for it in items] == ["gpt4o", zipped.name]
    first = [ingest_item(con, "mmlu-pro", it) for it in items]
    assert [(s.status, s.rows_new) for s in first] == [("ok", 12), ("ok", 8)]
    again = [ingest_item(con, "mmlu-pro", it) for it in list_items("mmlu-pro", repo)]
    assert [s.status for s in again] == ["skipped", "skipped"]         # unchanged blob shas: nothing downloaded
    raw = "/raw/TIGER-AI-Lab/MMLU-Pro/main/eval_results/gpt4o/"
    assert gh.hits(raw + "biology_result.json") == 1 and not any("summary" in r.path for r in gh.requests)
