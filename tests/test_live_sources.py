"""Results sources over HTTP: GitHub folder listings (download only new/changed blobs), lm-eval runs by URL."""
from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import pytest

from http_fixtures import Loopback
from tasks.ingest import expand_sources, ingest_item
from tasks.sources import list_items
from tasks.sources.github import git_blob_sha, parse_repo_url

LM_EVAL = Path(__file__).parent / "fixtures" / "lm_eval" / "Qwen__Qwen2-0.5B"
QUESTIONS = [(70, "Find the characteristic of the ring 2Z.", ["0", "30", "3", "10"], "A", "math"),
             (71, "Which body cavity contains the pituitary gland?", ["Ventral", "Dorsal", "Buccal", "Cranial"], "D",
              "health")]


def mmlu_zip(model: str, preds: list[str | None]) -> bytes:
    """model_outputs_<model>_5shots.zip as the MMLU-Pro repository stores it: one JSON list of records."""
    recs = [{"question_id": q, "question": t, "options": o, "answer": a, "answer_index": "ABCD".index(a),
             "cot_content": "", "category": c, "src": f"ori_mmlu-{c}", "pred": p,
             "model_outputs": f"The answer is ({p})."} for (q, t, o, a, c), p in zip(QUESTIONS, preds)]
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(f"model_outputs_{model}_5shots.json", json.dumps(recs))
    return buf.getvalue()


def test_repo_urls_map_to_the_contents_api(monkeypatch):
    monkeypatch.setenv("TASKSPACE_GITHUB_API", "http://127.0.0.1:9")
    rp = parse_repo_url("https://github.com/TIGER-AI-Lab/MMLU-Pro", "eval_results")
    assert rp.contents_url() == "http://127.0.0.1:9/repos/TIGER-AI-Lab/MMLU-Pro/contents/eval_results"
    rp = parse_repo_url("https://github.com/TIGER-AI-Lab/MMLU-Pro/tree/main/eval_results")
    assert rp.contents_url() == "http://127.0.0.1:9/repos/TIGER-AI-Lab/MMLU-Pro/contents/eval_results?ref=main"
    rp = parse_repo_url("https://ghe.example.org/api/v3/repos/o/r/contents/a/b?ref=v2")
    assert (rp.api, rp.owner, rp.repo, rp.path, rp.ref) == ("https://ghe.example.org/api/v3", "o", "r", "a/b", "v2")
    assert parse_repo_url("https://huggingface.co/datasets/x/y/resolve/main/f.csv") is None
    assert parse_repo_url("https://github.com/o/r/blob/main/f.zip") is None


@pytest.fixture
def gh(monkeypatch):
    with Loopback() as srv:
        monkeypatch.setenv("TASKSPACE_GITHUB_API", srv.url)
        yield srv


def test_mmlu_listing_downloads_only_new_or_changed_zips(gh, con):
    gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", "eval_results/model_outputs_Yi-6B_5shots.zip",
                       mmlu_zip("Yi-6B", ["A", "B"]))
    gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", "eval_results/README.md", b"# results\n")
    repo, raw = "https://github.com/TIGER-AI-Lab/MMLU-Pro", "/raw/TIGER-AI-Lab/MMLU-Pro/main/eval_results/"
    items = list_items("mmlu-pro", repo)
    assert [i.uri for i in items] == [f"{gh.url}{raw}model_outputs_Yi-6B_5shots.zip"]
    assert items[0].sha256 == git_blob_sha(mmlu_zip("Yi-6B", ["A", "B"]))
    assert ingest_item(con, "mmlu-pro", items[0]).rows_new == 2

    gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", "eval_results/model_outputs_gemma-7b_5shots.zip",
                       mmlu_zip("gemma-7b", ["A", "D"]))
    out = [ingest_item(con, "mmlu-pro", it) for it in list_items("mmlu-pro", repo)]
    assert [s.status for s in out] == ["skipped", "ok"]
    assert gh.hits(raw + "model_outputs_Yi-6B_5shots.zip") == gh.hits(raw + "model_outputs_gemma-7b_5shots.zip") == 1

    gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", "eval_results/model_outputs_Yi-6B_5shots.zip",
                       mmlu_zip("Yi-6B", ["A", "D"]))                       # re-evaluated: a new blob sha
    out = [ingest_item(con, "mmlu-pro", it) for it in list_items("mmlu-pro", repo)]
    assert [(s.status, s.rows_updated) for s in out] == [("ok", 1), ("skipped", 0)]
    assert gh.hits(raw + "model_outputs_Yi-6B_5shots.zip") == 2


def test_blob_that_does_not_match_its_listed_sha_fails_alone(gh, con):
    gh.add_github_file("o", "r", "eval_results/model_outputs_Yi-6B_5shots.zip", mmlu_zip("Yi-6B", ["A", "B"]))
    items = list_items("mmlu-pro", f"{gh.url}/repos/o/r/contents/eval_results")
    gh.add_github_file("o", "r", "eval_results/model_outputs_Yi-6B_5shots.zip", mmlu_zip("Yi-6B", ["B", "B"]))
    s = ingest_item(con, "mmlu-pro", items[0])
    assert s.status == "failed" and "do not match git blob sha" in s.error and items[0].uri in s.error
    assert con.execute("SELECT count(*) FROM results").fetchall() == [(0,)]


def test_missing_repository_is_a_failed_source_naming_url_and_status(gh):
    items, missing = expand_sources("mmlu-pro", ["https://github.com/nobody/nothing"])
    assert items == [] and "HTTP 404" in missing[0].error
    assert f"{gh.url}/repos/nobody/nothing/contents/eval_results" in missing[0].error


def test_lm_eval_run_from_a_github_folder_and_from_its_results_url(gh, con):
    for f in sorted(LM_EVAL.iterdir()):
        gh.add_github_file("EleutherAI", "runs", f"Qwen__Qwen2-0.5B/{f.name}", f)
    (item,) = list_items("lm-eval", f"{gh.url}/repos/EleutherAI/runs/contents/Qwen__Qwen2-0.5B")
    assert sorted(item.blobs()) == sorted(f.name for f in LM_EVAL.iterdir())
    first = ingest_item(con, "lm-eval", item)
    assert first.status == "ok" and first.rows_new > 0

    results = next(f.name for f in LM_EVAL.iterdir() if f.name.startswith("results_"))
    url = f"{gh.url}/raw/EleutherAI/runs/main/Qwen__Qwen2-0.5B/{results}"
    (by_url,) = list_items("lm-eval", url)
    blobs = by_url.blobs()                      # results + the samples files its configs name, fetched beside it
    assert {n: len(b) for n, b in blobs.items()} == {f.name: f.stat().st_size for f in LM_EVAL.iterdir()}
    assert by_url.uri == item.uri and ingest_item(con, "lm-eval", by_url).status == "skipped"   # same run, same bytes


def test_single_file_url_is_one_item(gh, con):
    gh.add_file("/files/model_outputs_gemma-7b_5shots.zip", mmlu_zip("gemma-7b", ["A", None]))
    (item,) = list_items("mmlu-pro", gh.url + "/files/model_outputs_gemma-7b_5shots.zip")
    s = ingest_item(con, "mmlu-pro", item)
    assert s.status == "ok" and s.rows_new == 2
