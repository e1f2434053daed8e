"""Inputs written many per transaction store exactly what one transaction per input stores: the same results,
prompts, versions, changes, rejected records and load log, through duplicates, a second file of the same name,
a bad file, a second prompt version and a re-run with a changed file."""
from __future__ import annotations

import json

import polars as pl

from tasks.ingest import expand_sources, ingest_items, totals
from warehouse import connect

TABLES = {
    "results": "SELECT model_id, prompt_id, source, version_id, correct, score, cost_usd, load_id FROM results",
    "prompts": "SELECT prompt_id, text, version_id, n_versions, category FROM prompts",
    "versions": "SELECT prompt_id, version_id, text, first_load_id FROM prompt_versions",
    "models": "SELECT model_id, display_name, first_load_id FROM models",
    "changes": "SELECT load_id, model_id, prompt_id, source, old_version_id, old_correct, new_version_id, new_correct "
               "FROM result_changes",
    "rejected": "SELECT load_id, position, reason, raw FROM rejected_records",
    "loads": "SELECT load_id, regexp_replace(uri, '^.*/in/', ''), status, rows_new, rows_updated, rows_skipped, "
             "rows_rejected, error FROM loads",
}


def row(model, item, text, correct, **extra):
    return {"model": model, "benchmark": "b", "prompt_id": item, "prompt": text, "correct": correct, **extra}


def write_inputs(root, m3_label: int = 1) -> None:
    (root / "sub").mkdir(parents=True, exist_ok=True)
    pl.DataFrame([row("M1", "1", "One?", True, category="c"), row("M1", "2", "Two?", False),
                  row("M1", "3", "Three?", True), row("M1", "1", "One?", False)]).write_parquet(root / "a.parquet")
    pl.DataFrame([row("M2", "1", "One?", 1), row("M2", "2", "Two, again?", 0),
                  row("M2", "3", "Three?", 1)]).write_csv(root / "b.csv")
    (root / "bad.parquet").write_bytes(b"PAR1 not parquet PAR1")
    (root / "c.jsonl").write_text("\n".join(json.dumps(r) for r in [
        row("M3", "2", "Two, again?", m3_label), row("M3", "3", "Three?", "maybe"), row("M3", "4", "Four?", 0)]))
    pl.DataFrame([row("M1", "1", "One?", True), row("M1", "2", "Two?", True)]).write_parquet(root / "sub" / "a.parquet")


def load(tmp_path, name: str, batch_rows: int) -> tuple[dict, list[dict]]:
    """Ingest the inputs into warehouse NAME writing BATCH_ROWS rows per transaction; (tables, load counts)."""
    db = str(tmp_path / f"{name}.duckdb")
    items, missing = expand_sources("long", [str(tmp_path / "in")])
    out = totals(ingest_items(db, "long", items, batch_rows=batch_rows) + missing)
    with connect(db, read_only=True) as con:
        tables = {t: sorted(con.execute(q).fetchall(), key=repr) for t, q in TABLES.items()}
    return tables, [{k: v for k, v in s.items() if k not in ("uri", "sha256")} for s in out["loads"]]


def test_batched_writes_store_what_one_write_per_input_stores(tmp_path):
    write_inputs(tmp_path / "in")
    one, one_counts = load(tmp_path, "one", batch_rows=1)
    many, many_counts = load(tmp_path, "many", batch_rows=10_000)
    assert many == one and many_counts == one_counts
    assert [(c["status"], c["rows_new"], c["rows_updated"], c["rows_rejected"]) for c in one_counts] == [
        ("partial", 3, 0, 1), ("ok", 3, 0, 0), ("failed", 0, 0, 0), ("partial", 2, 0, 1), ("ok", 0, 1, 0)]
    prompts = {p[0]: p for p in one["prompts"]}
    assert prompts["b:2"][1:4] == ("Two, again?", prompts["b:2"][2], 2)   # two models saw the second version
    assert prompts["b:1"][4] == "c"

    write_inputs(tmp_path / "in", m3_label=0)   # one changed file: its rows update, the rest is skipped
    one, one_counts = load(tmp_path, "one", batch_rows=1)
    many, many_counts = load(tmp_path, "many", batch_rows=10_000)
    assert many == one and many_counts == one_counts
    assert [c["status"] for c in one_counts] == ["skipped", "skipped", "failed", "partial", "skipped"]
    assert one_counts[3]["rows_updated"] == 1 and len(one["changes"]) == 2
