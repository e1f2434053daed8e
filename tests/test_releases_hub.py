"""Hub model releases: parsing, idempotent loads with history, --since, live paging on loopback, the token."""
from __future__ import annotations

import json
import logging
from datetime import datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from http_fixtures import Loopback
from tasks.releases import ingest_releases
from tasks.sources.base import InputError
from tasks.sources.hub_api import parse_page, release_rows

LISTING = Path(__file__).parent / "fixtures" / "hub" / "models_listing.json"
FAST = {"backoff": 0.01}


def cli(db: str, *args: str) -> tuple[int, dict]:
    from flows.cli import app
    r = CliRunner().invoke(app, ["--db", db, "ingest", "releases", "--json", *args])
    return r.exit_code, json.loads(r.stdout)


def counts(con) -> tuple:
    return con.execute("SELECT (SELECT count(*) FROM loads), (SELECT count(*) FROM model_releases), "
                       "(SELECT count(*) FROM model_release_history)").fetchall()[0]


def test_release_rows_from_fixture():
    rows, rejected = release_rows(json.loads(LISTING.read_bytes()), str(LISTING))
    assert rejected == [] and rows.height == 9
    r = {d["hub_id"]: d for d in rows.to_dicts()}
    assert r["openai-community/gpt2"]["created_at"] is None                     # the 2022-03-02 placeholder
    assert r["openai-community/gpt2"]["last_modified"] == datetime(2024, 2, 19, 10, 57, 45)
    assert r["mergekit-community/Qwen-Llama-Slerp-8B"]["base_models"] == ["Qwen/Qwen1.5-7B-Chat",
                                                                          "meta-llama/Llama-3.1-8B"]
    assert r["mergekit-community/Qwen-Llama-Slerp-8B"]["base_model_relation"] == "merge"
    assert r["mergekit-community/Qwen-Llama-Slerp-8B"]["license"] is None
    assert r["unsloth/Llama-3.1-8B-Instruct-bnb-4bit"]["base_model_relation"] == "quantized"
    assert r["meta-llama/Llama-3.1-8B"]["license"] == "llama3.1" and r["meta-llama/Llama-3.1-8B"]["gated"] == "manual"
    assert r["google/gemma-7b"]["base_models"] == [] and r["google/gemma-7b"]["gated"] == "manual"


def test_bad_entries_are_rejected_naming_the_entry():
    models = json.loads(LISTING.read_bytes())[:2] + [["not", "an", "object"], {"author": "x"},
                                                     {"id": "a/b", "downloads": "many"}, models_dup()]
    rows, rejected = release_rows(models, "listing.json")
    assert rows.height == 2                                                      # the duplicate id is dropped
    assert [r.position for r in rejected] == [2, 3, 4]
    assert "listing.json: model entry 3: no id" in rejected[1].reason
    assert "downloads is 'many'" in rejected[2].reason


def models_dup() -> dict:
    return json.loads(LISTING.read_bytes())[0]


def test_listing_that_is_not_a_list_names_the_file():
    with pytest.raises(InputError, match="x.json: expected a JSON list of models, got dict"):
        parse_page(b'{"error": "Invalid credentials"}', "x.json")


def test_local_file_loads_once_then_is_skipped(db_path, con):
    code, out = cli(db_path, "--format", "hub-api", str(LISTING))
    assert code == 0 and out["new"] == 9 and out["loaded"] == 1
    code, out = cli(db_path, "--format", "hub-api", str(LISTING))
    assert code == 0 and out["skipped"] == 1 and out["new"] == 0
    assert counts(con) == (1, 9, 9)


def test_changed_sha_updates_row_and_keeps_history(tmp_path, con):
    models = json.loads(LISTING.read_bytes())
    first = tmp_path / "listing.json"
    first.write_text(json.dumps(models))
    assert ingest_releases(con, "hub-api", str(first))["new"] == 9
    models[2] = models[2] | {"sha": "a" * 40, "lastModified": "2025-01-09T10:00:00.000Z", "downloads": 900000}
    models[5] = models[5] | {"downloads": 99}                   # counters alone are not a new version
    first.write_text(json.dumps(models))
    out = ingest_releases(con, "hub-api", str(first))
    assert (out["new"], out["updated"], out["unchanged"]) == (0, 1, 8)
    hist = con.execute("SELECT sha, downloads FROM model_release_history WHERE hub_id = 'meta-llama/Llama-3.1-8B' "
                       "ORDER BY last_modified").fetchall()
    assert hist == [("d04e592bb4f6aa9cfee91e2e20afa771667e1d4b", 812455), ("a" * 40, 900000)]
    cur = con.execute("SELECT sha, first_load_id < load_id FROM model_releases "
                      "WHERE hub_id = 'meta-llama/Llama-3.1-8B'").fetchall()
    assert cur == [("a" * 40, True)]


def test_since_keeps_only_newer_models(con):
    out = ingest_releases(con, "hub-api", str(LISTING), since=datetime(2024, 5, 1))
    assert out["new"] == 4 and out["older_than_since"] == 5                   # incl. the two of unknown date
    assert con.execute("SELECT min(created_at) FROM model_releases").fetchall()[0][0] >= datetime(2024, 5, 1)


@pytest.fixture
def hub():
    with Loopback() as srv:
        srv.add_hub_listing(json.loads(LISTING.read_bytes()))
        yield srv


def test_live_paging_then_second_run_writes_nothing(con, hub):
    out = ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
    assert (out["new"], out["pages_fetched"], out["loaded"]) == (9, 5, 1)
    q = hub.requests[0].query
    assert (q["filter"], q["sort"], q["direction"], q["limit"]) == (["text-generation"], ["createdAt"], ["-1"], ["2"])
    assert "sha" in q["expand[]"] and "lastModified" in q["expand[]"]
    before = counts(con)
    out = ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
    # page 1 holds the newest stored (not older), page 2 is older: paging stops there, nothing is written
    assert (out["new"], out["updated"], out["pages_fetched"], out["unchanged_inputs"]) == (0, 0, 2, 1)
    assert counts(con) == before


def test_live_run_fetches_only_pages_down_to_the_newest_stored(con, hub):
    ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
    newer = [{"id": f"acme/new-model-{i}", "author": "acme", "sha": f"{i:040d}", "createdAt": f"2024-08-0{i}T00:00:00Z",
              "lastModified": f"2024-08-0{i}T00:00:00Z", "downloads": 0, "likes": 0, "tags": ["text-generation"]}
             for i in (2, 1)]
    hub.add_hub_listing(newer + json.loads(LISTING.read_bytes()))
    n = len(hub.requests)
    out = ingest_releases(con, "hub-api", hub.url, page_size=2, **FAST)
    assert (out["new"], out["unchanged"], out["pages_fetched"]) == (2, 4, 3)
    assert len(hub.requests) - n == 3


def test_live_since_stops_paging_and_drops_older(con, hub):
    out = ingest_releases(con, "hub-api", hub.url, page_size=2, since=datetime(2024, 5, 1), **FAST)
    assert (out["new"], out["pages_fetched"], out["older_than_since"]) == (4, 3, 2)
    assert hub.hits("/api/models") == 3


def test_page_faults_are_retried_and_all_rows_arrive(con, hub):
    hub.fail("/api/models", 500, after=1)
    hub.truncate("/api/models")
    hub.fail("/api/models", 429, headers={"Retry-After": "0"})
    out = ingest_releases(con, "hub-api", hub.url, page_size=4, **FAST)
    assert out["new"] == 9 and out["failed"] == 0 and out["pages_fetched"] == 3
    assert hub.hits("/api/models") == 6


def test_failed_page_stores_nothing_and_names_url_and_status(con, hub):
    hub.fail("/api/models", 404, after=1)
    out = ingest_releases(con, "hub-api", hub.url, page_size=4, **FAST)
    assert out["failed"] == 1 and "HTTP 404" in out["errors"][0] and hub.url in out["errors"][0]
    assert counts(con)[1:] == (0, 0)
    assert con.execute("SELECT status, error FROM loads").fetchall()[0][0] == "failed"


def test_token_from_env_is_sent_never_logged(db_path, hub, monkeypatch, caplog, con):
    secret = "hf_LoopbackSecretToken42"
    monkeypatch.setenv("TASKSPACE_HUB_TOKEN", secret)
    monkeypatch.setenv("TASKSPACE_HUB_URL", hub.url)                  # no SOURCE: the Hub at $TASKSPACE_HUB_URL
    caplog.set_level(logging.DEBUG)
    hub.fail("/api/models", 500, after=1)
    hub.fail("/api/models", 401)
    code, out = cli(db_path, "--format", "hub-api", "--page-size", "3")
    assert code == 1 and "HTTP 401" in out["errors"][0]
    assert all(r.headers.get("Authorization") == f"Bearer {secret}" for r in hub.requests)
    stored = con.execute("SELECT string_agg(coalesce(error, '') || uri, ' ') FROM loads").fetchall()[0][0]
    assert secret not in json.dumps(out) and secret not in caplog.text and secret not in stored


def test_token_is_not_sent_to_another_origin(con):
    models = json.loads(LISTING.read_bytes())
    with Loopback() as a, Loopback() as b:
        b.add_hub_listing(models)
        a.add_hub_listing(models, next_base=b.url)          # page 1's Link points at another origin
        out = ingest_releases(con, "hub-api", a.url, page_size=4, token="hf_abc", **FAST)
        assert out["new"] == 9 and out["pages_fetched"] == 3
        assert a.requests[0].headers.get("Authorization") == "Bearer hf_abc"
        assert len(b.requests) == 2 and all("Authorization" not in r.headers for r in b.requests)
