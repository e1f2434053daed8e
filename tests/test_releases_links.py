"""Linking results' model names to hub ids: normalisation, ties, no overwrites, unmatched names listed."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from tasks.model_links import match, name_key
from tasks.releases import ingest_releases

FIXTURES = Path(__file__).parent / "fixtures"
HUB = {"meta-llama/Llama-3.1-8B": True, "meta-llama/Meta-Llama-3-8B": True, "Qwen/Qwen1.5-7B-Chat": True,
       "someuser/Qwen1.5-7B-Chat": False, "google/gemma-7b": True, "mistralai/Mistral-7B-v0.1": False,
       "TheBloke/Mistral-7B-v0.1": False, "openai-community/gpt2": False, "gpt2": False}


def test_name_key_normalises_file_name_spellings():
    assert name_key("Meta-Llama-3_1-8B") == "meta-llama-3.1-8b"
    assert name_key("Mixtral 8x7B__Instruct") == "mixtral-8x7b-instruct"
    assert name_key("Ｑwen1.5-7B-Chat") == "qwen1.5-7b-chat"        # NFKC folds the full-width letter


def test_match_links_ranks_ties_and_lists_the_rest():
    names = ["Meta-Llama-3_1-8B", "Meta-Llama-3-8B", "Qwen1.5-7B-Chat", "gemma-7b", "Mistral-7B-v0.1",
             "gemini-1.5-flash-002", "meta-llama/llama-3.1-8b", "Qwen/Qwen2-0.5B", "gpt2"]
    r = match([(n.lower(), n) for n in names], HUB)
    assert r.links == {"meta-llama-3_1-8b": "meta-llama/Llama-3.1-8B",       # vendor word + repo name
                       "meta-llama-3-8b": "meta-llama/Meta-Llama-3-8B",      # repo name
                       "qwen1.5-7b-chat": "Qwen/Qwen1.5-7B-Chat",            # the official one of two
                       "gemma-7b": "google/gemma-7b",
                       "meta-llama/llama-3.1-8b": "meta-llama/Llama-3.1-8B",  # a full id, any case
                       "gpt2": "gpt2"}                                        # the exact id beats a repo name
    assert r.ambiguous == {"Mistral-7B-v0.1": ["TheBloke/Mistral-7B-v0.1", "mistralai/Mistral-7B-v0.1"]}
    assert sorted(r.unmatched) == ["Qwen/Qwen2-0.5B", "gemini-1.5-flash-002"]


def test_a_converted_name_ending_in_hf_is_looked_up_without_it():
    hub = {"mistral-community/Mistral-7B-v0.2": False, "meta-llama/Llama-2-7b-hf": True, "meta-llama/Llama-2-7b": True}
    r = match([(n.lower(), n) for n in ["Mistral-7B-v0.2-hf", "Llama-2-7b-hf", "org/Mistral-7B-v0.2-hf"]], hub)
    assert r.links == {"mistral-7b-v0.2-hf": "mistral-community/Mistral-7B-v0.2",   # no '-hf' repo: without it
                       "llama-2-7b-hf": "meta-llama/Llama-2-7b-hf"}                 # the '-hf' repo itself first
    assert r.unmatched == ["org/Mistral-7B-v0.2-hf"]                                # a full id is taken as given


def _add_models(con, names: list[str], hub_ids: dict[str, str] | None = None) -> None:
    for n in names:
        con.execute("INSERT INTO models (model_id, display_name, hub_id, first_seen) VALUES (?, ?, ?, ?)",
                    [n.lower(), n, (hub_ids or {}).get(n), datetime(2025, 1, 1)])


def test_ingest_sets_hub_ids_once_and_reports_unmatched(con):
    _add_models(con, ["Meta-Llama-3_1-8B", "Qwen1.5-7B-Chat", "gemini-1.5-flash-002", "gemma-7b"],
                {"gemma-7b": "google/gemma-7b-it"})                       # set by hand earlier: kept
    out = ingest_releases(con, "open-llm-leaderboard", str(FIXTURES / "open_llm_leaderboard" /
                                                           "leaderboard_excerpt.csv"))
    assert out["links"]["linked"] == 2 and out["links"]["unmatched"] == ["gemini-1.5-flash-002"]
    assert con.execute("SELECT model_id, hub_id FROM models ORDER BY 1").fetchall() == [
        ("gemini-1.5-flash-002", None), ("gemma-7b", "google/gemma-7b-it"),
        ("meta-llama-3_1-8b", "meta-llama/Llama-3.1-8B"), ("qwen1.5-7b-chat", "Qwen/Qwen1.5-7B-Chat")]
    assert con.execute("SELECT display_name FROM unlinked_models").fetchall() == [("gemini-1.5-flash-002",)]
    out = ingest_releases(con, "hub-api", str(FIXTURES / "hub" / "models_listing.json"))
    assert out["links"]["linked"] == 0 and out["links"]["unmatched"] == ["gemini-1.5-flash-002"]


def test_ambiguous_names_stay_unlinked(con):
    _add_models(con, ["Qwen1.5-7B-Chat"])
    out = ingest_releases(con, "hub-api", str(FIXTURES / "hub" / "models_listing.json"))
    # the Hub listing alone has no 'official provider' mark: two equally good candidates
    assert out["links"]["ambiguous"] == {"Qwen1.5-7B-Chat": ["Qwen/Qwen1.5-7B-Chat", "someuser/Qwen1.5-7B-Chat"]}
    assert con.execute("SELECT hub_id FROM models").fetchall() == [(None,)]


def test_results_that_arrive_after_the_leaderboard_are_linked_at_their_ingest(tmp_path):
    from mmlu_fixture import QUESTIONS, make_zip, record
    from selection_warehouse import invoke
    db = str(tmp_path / "w.duckdb")
    invoke("--db", db, "ingest", "releases", "-f", "open-llm-leaderboard",
           str(FIXTURES / "open_llm_leaderboard" / "leaderboard_excerpt.csv"), "--json")
    make_zip(tmp_path / "zips", "Meta-Llama-3_1-8B", [record(q, "A") for q in QUESTIONS])
    out = invoke("--db", db, "ingest", "results", "-f", "mmlu-pro", str(tmp_path / "zips"), "--json")
    assert out["links"]["links"] == {"meta-llama-3_1-8b": "meta-llama/Llama-3.1-8B"}
    again = invoke("--db", db, "ingest", "results", "-f", "mmlu-pro", str(tmp_path / "zips"), "--json")
    assert "links" not in again   # nothing new: no link pass
