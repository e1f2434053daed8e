"""The issue's checks on the real data: 302 Hub releases by file and by paged HTTP, 3,827 leaderboard entries,
the ten best models under 10B by MMLU-PRO, and MMLU-Pro zips from a GitHub listing (only the new one fetched)."""
from __future__ import annotations

import json
import shutil

import polars as pl
import pytest
from typer.testing import CliRunner

from http_fixtures import Loopback

pytestmark = pytest.mark.shared_data
TOP10 = ("SELECT hub_id, precision, params_b, mmlu_pro FROM leaderboard "
         "WHERE params_b < 10 ORDER BY mmlu_pro DESC, hub_id LIMIT 10")


def cli(db: str, *args: str) -> tuple[int, dict]:
    from flows.cli import app
    r = CliRunner().invoke(app, ["--db", db, *args])
    assert r.stdout.strip(), r.output
    return r.exit_code, json.loads(r.stdout)


def snapshot(con) -> list:
    return con.execute("SELECT hub_id, sha, created_at, last_modified, downloads, base_models, license "
                       "FROM model_releases ORDER BY hub_id").fetchall()


def test_hub_file_and_paged_http_store_the_same_302_releases(shared_data, tmp_path):
    from warehouse import connect
    listing = shared_data / "hub_models" / "deepseek_r1_family_models.json"
    by_file, by_http = str(tmp_path / "file.duckdb"), str(tmp_path / "http.duckdb")
    code, out = cli(by_file, "ingest", "releases", "--format", "hub-api", str(listing), "--json")
    assert code == 0 and out["new"] == 302
    code, out = cli(by_file, "ingest", "releases", "--format", "hub-api", str(listing), "--json")
    assert code == 0 and out["skipped"] == 1 and out["new"] == out["updated"] == 0

    with Loopback() as hub:
        hub.add_hub_listing(json.loads(listing.read_bytes()))
        code, out = cli(by_http, "ingest", "releases", "--format", "hub-api", hub.url, "--page-size", "50", "--json")
        assert code == 0 and (out["new"], out["pages_fetched"]) == (302, 7)
        with connect(by_http) as con:
            before = con.execute("SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM model_release_history)"
                                 ).fetchall()
        code, out = cli(by_http, "ingest", "releases", "--format", "hub-api", hub.url, "--page-size", "50", "--json")
        assert code == 0 and (out["new"], out["updated"], out["pages_fetched"]) == (0, 0, 1)
    with connect(by_file) as a, connect(by_http) as b:
        assert len(snapshot(a)) == 302 and snapshot(a) == snapshot(b)
        assert b.execute("SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM model_release_history)"
                         ).fetchall() == before                              # the second run wrote nothing
        assert a.execute("SELECT count(*) FROM model_releases WHERE created_at IS NULL").fetchall() == [(0,)]


def test_leaderboard_csv_and_ten_best_under_10b(shared_data, db_path):
    csv = shared_data / "open_llm_leaderboard" / "open_llm_leaderboard_v2.csv"
    code, out = cli(db_path, "ingest", "releases", "--format", "open-llm-leaderboard", str(csv), "--json")
    assert code == 0 and out["new"] == 3827 and out["warehouse"]["leaderboard_scores"] == 6 * 3827
    code, got = cli(db_path, "sql", TOP10, "--json")
    assert code == 0 and len(got["rows"]) == 10
    ref = (pl.read_csv(csv, infer_schema_length=None).filter((pl.col("#Params (B)") > 0) & (pl.col("#Params (B)") < 10))
           .sort(["MMLU-PRO", "fullname"], descending=[True, False]).head(10))
    assert [r["hub_id"] for r in got["rows"]] == ref["fullname"].to_list()
    assert [r["mmlu_pro"] for r in got["rows"]] == pytest.approx(ref["MMLU-PRO"].to_list())


def test_mmlu_pro_from_github_listing_fetches_only_the_new_zip(shared_data, db_path, tmp_path, monkeypatch):
    zips = sorted((shared_data / "mmlu_pro" / "eval_results").glob("*.zip"))[:3]
    repo = "https://github.com/TIGER-AI-Lab/MMLU-Pro"
    with Loopback() as gh:
        monkeypatch.setenv("TASKSPACE_GITHUB_API", gh.url)
        for z in zips[:2]:
            gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", f"eval_results/{z.name}", z)
        code, out = cli(db_path, "ingest", "results", "--format", "mmlu-pro", repo, "--json")
        assert code == 0 and out["loaded"] == 2
        gh.add_github_file("TIGER-AI-Lab", "MMLU-Pro", f"eval_results/{zips[2].name}", zips[2])
        code, out = cli(db_path, "ingest", "results", "--format", "mmlu-pro", repo, "--json")
        assert code == 0 and (out["loaded"], out["skipped"]) == (1, 2) and out["rows_new"] > 10000
        downloads = {z.name: gh.hits(f"/raw/TIGER-AI-Lab/MMLU-Pro/main/eval_results/{z.name}") for z in zips}
        assert downloads == {zips[0].name: 1, zips[1].name: 1, zips[2].name: 1}
        assert gh.hits("/repos/TIGER-AI-Lab/MMLU-Pro/contents/eval_results") == 2


def test_results_models_link_to_leaderboard_hub_ids(shared_data, db_path, tmp_path):
    folder = tmp_path / "eval_results"
    folder.mkdir()
    for name in ("Meta-Llama-3_1-8B", "gemini-1.5-flash-002"):
        shutil.copy(shared_data / "mmlu_pro" / "eval_results" / f"model_outputs_{name}_5shots.zip", folder)
    assert cli(db_path, "ingest", "results", "--format", "mmlu-pro", str(folder), "--json")[0] == 0
    csv = shared_data / "open_llm_leaderboard" / "open_llm_leaderboard_v2.csv"
    code, out = cli(db_path, "ingest", "releases", "--format", "open-llm-leaderboard", str(csv), "--json")
    assert code == 0 and out["links"]["linked"] == 1 and out["links"]["unmatched"] == ["gemini-1.5-flash-002"]
    code, got = cli(db_path, "sql", "SELECT model_id, hub_id FROM models ORDER BY 1", "--json")
    assert got["rows"] == [{"model_id": "gemini-1.5-flash-002", "hub_id": None},
                           {"model_id": "meta-llama-3_1-8b", "hub_id": "meta-llama/Meta-Llama-3.1-8B"}]
