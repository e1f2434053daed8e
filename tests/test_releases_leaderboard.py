"""Open LLM Leaderboard tables: CSV and Parquet, by path and by URL, updates, rejected rows, bad tables."""
from __future__ import annotations

import io
import json
from pathlib import Path

import polars as pl
from typer.testing import CliRunner

from http_fixtures import Loopback
from tasks.releases import ingest_releases

CSV = Path(__file__).parent / "fixtures" / "open_llm_leaderboard" / "leaderboard_excerpt.csv"
FMT = "open-llm-leaderboard"


def cli(db: str, *args: str) -> tuple[int, dict]:
    from flows.cli import app
    r = CliRunner().invoke(app, ["--db", db, "ingest", "releases", "--json", *args])
    return r.exit_code, json.loads(r.stdout)


def as_parquet(csv_bytes: bytes) -> bytes:
    """The table as the leaderboard's own Parquet export has it: native numbers, booleans and text."""
    buf = io.BytesIO()
    pl.read_csv(io.BytesIO(csv_bytes)).drop("").write_parquet(buf)
    return buf.getvalue()


def test_csv_loads_entries_and_scores_then_skips(db_path, con):
    code, out = cli(db_path, "--format", FMT, str(CSV))
    assert code == 0 and out["new"] == 6 and out["warehouse"]["leaderboard_scores"] == 36
    row = con.execute("SELECT hub_id, precision, params_b, model_type, architecture, mmlu_pro, mmlu_pro_raw "
                      "FROM leaderboard WHERE eval_name = 'Qwen_Qwen1.5-7B-Chat_bfloat16'").fetchall()
    assert row == [("Qwen/Qwen1.5-7B-Chat", "bfloat16", 7.721, "chat models (RLHF, DPO, IFT, ...)",
                    "Qwen2ForCausalLM", 21.68, 0.2951)]
    unknown = con.execute("SELECT params_b, architecture, license FROM leaderboard_models "
                          "WHERE hub_id = 'someuser/Qwen1.5-7B-Chat'").fetchall()
    assert unknown == [(None, None, None)]                 # 0 params, '?' architecture, empty licence
    code, out = cli(db_path, "--format", FMT, str(CSV))
    assert code == 0 and out["skipped"] == 1 and out["new"] == 0


def test_parquet_by_url_then_same_rows_as_csv_are_unchanged(con):
    with Loopback() as srv:
        url = srv.add_file("/datasets/open-llm-leaderboard/contents/resolve/main/data/train-00000-of-00001.parquet",
                           as_parquet(CSV.read_bytes()))
        out = ingest_releases(con, FMT, url + "?download=true")
    assert out["new"] == 6 and out["failed"] == 0
    out = ingest_releases(con, FMT, str(CSV))
    assert (out["new"], out["updated"], out["unchanged"]) == (0, 0, 6)


def test_changed_score_updates_entry(tmp_path, con):
    ingest_releases(con, FMT, str(CSV))
    changed = tmp_path / "lb.csv"
    changed.write_text(CSV.read_text().replace("0.2948,21.64", "0.3001,22.23"))
    out = ingest_releases(con, FMT, str(changed))
    assert (out["new"], out["updated"], out["unchanged"]) == (0, 1, 5)
    assert con.execute("SELECT mmlu_pro FROM leaderboard WHERE hub_id = 'google/gemma-7b'").fetchall() == [(22.23,)]


def test_bad_row_is_rejected_and_the_rest_load(tmp_path, con):
    bad = tmp_path / "lb.csv"
    bad.write_text(CSV.read_text().replace("0.2659,26.59", "0.2659,n/a"))
    out = ingest_releases(con, FMT, str(bad))
    assert out["new"] == 5 and out["rejected"] == 1 and out["loads"][0]["status"] == "partial"
    reason = con.execute("SELECT reason FROM rejected_records").fetchall()[0][0]
    assert str(bad) in reason and "row 0 (google_gemma-7b_bfloat16)" in reason and "'IFEval'" in reason


def test_table_without_leaderboard_columns_fails_naming_file(tmp_path, con):
    ingest_releases(con, FMT, str(CSV))
    bad = tmp_path / "results.csv"
    bad.write_text("model,score\nfoo,1\n")
    out = ingest_releases(con, FMT, str(bad))
    assert out["failed"] == 1 and str(bad) in out["errors"][0] and "missing column(s) eval_name" in out["errors"][0]
    assert con.execute("SELECT count(*) FROM leaderboard_models").fetchall() == [(6,)]   # nothing lost


def test_missing_path_fails_cleanly(con, tmp_path):
    out = ingest_releases(con, FMT, str(tmp_path / "nope.csv"))
    assert out["failed"] == 1 and "no such file or directory" in out["errors"][0]
