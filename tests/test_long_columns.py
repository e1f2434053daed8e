"""The long table's column-wise checks store exactly what the per-row checks store and reject the same rows with
the same reasons, for Parquet and CSV, on values chosen to sit on every edge of values.py and labels.py."""
from __future__ import annotations

import io
import json

import polars as pl
import pytest

from tasks.sources import long, values
from tasks.sources.base import canonical_frame

TEXTS = ["m", "org/model-7B", " padded ", "\tx", "y\n", "", "   ", "\u00a0nbsp", "é-first", "last-é", "\u2003",
         "x" * 512, "x" * 513, "\x1cfs", "mid dle"]
IDS = ["1", " 2 ", "", "x" * 512, "x" * 513, "é", "a\u00a0"]
LABELS = ["1", "0", "1.0", "0.0", " TRUE ", "yes", "Y", "wrong", "Incorrect", "maybe", "2", "", "\u212a", "t\u00a0"]
NUMBERS = ["", " ", "0", "0.5", "1", "1.5", "-0.0", "-1", "1e400", "nan", "inf", ".5", "5.", "+1", "1_0", " 2 ",
           "\u0661", "abc", "1e-3"]


def reference(df: pl.DataFrame) -> tuple[list[dict], list[tuple[int, str]]]:
    """What the per-row checks make of every row of DF."""
    rows, rejected = [], []
    for pos, rec in enumerate(df.iter_rows(named=True)):
        try:
            rows.append(long._row(rec))
        except values.BadValue as exc:
            rejected.append((pos, str(exc)))
    return canonical_frame(rows).to_dicts(), rejected


CLEAN = {"model": "org/model-7B", "benchmark": "bbh", "prompt_id": "7", "prompt": "Is it?", "correct": "1",
         "category": "logic", "cost_usd": "0.25", "score": "0.5", "answered": "1"}
EDGES = {"model": TEXTS, "benchmark": TEXTS, "prompt_id": IDS, "prompt": TEXTS + ["p" * 200_001],
         "correct": LABELS, "category": TEXTS + ["c" * 10_001], "cost_usd": NUMBERS, "score": NUMBERS,
         "answered": LABELS}   # beside a correct result: a false one is refused


def grid(n: int = 0) -> pl.DataFrame:
    """One clean row per edge value of each column (the other columns clean), so every edge meets the column
    checks alone; N more clean rows."""
    rows = [{**CLEAN, col: v, "prompt_id": f"{col}-{i}" if col != "prompt_id" else v}
            for col, vals in EDGES.items() for i, v in enumerate(vals)]
    rows += [{**CLEAN, "correct": "0", "answered": v, "prompt_id": f"wrong-{i}"} for i, v in enumerate(LABELS)]
    return pl.DataFrame(rows + [{**CLEAN, "prompt_id": str(i)} for i in range(n)], schema={c: pl.Utf8 for c in CLEAN})


def check(blob_name: str, blob: bytes, df: pl.DataFrame) -> None:
    parsed = long.parse({blob_name: blob}, blob_name)
    rows, rejected = reference(df)
    assert parsed.records.to_dicts() == rows
    assert [(r.position, r.reason) for r in parsed.rejected] == rejected


def test_csv_columns_match_the_row_checks():
    df = grid(600)
    buf = io.BytesIO()
    df.write_csv(buf)
    text = pl.read_csv(io.BytesIO(buf.getvalue()), infer_schema=False)   # what the CSV reader hands the row checks
    check("t.csv", buf.getvalue(), text.with_columns(pl.all().fill_null("")))


@pytest.mark.parametrize("typed", ["text", "numbers"])
def test_parquet_columns_match_the_row_checks(typed):
    df = grid(600)
    if typed == "numbers":   # typed columns: integer ids, float labels, float costs with NaN/inf, null scores
        n = df.height
        df = df.with_columns(pl.Series("prompt_id", [i - 3 for i in range(n)]),
                             pl.Series("correct", [(0.0, 1.0, 0.5, float("nan"), None, -0.0)[i % 6] for i in range(n)]),
                             pl.Series("cost_usd", [(0.1, -1.0, float("inf"), None, 0.0)[i % 5] for i in range(n)]),
                             pl.Series("score", [None] * n, pl.Null), pl.Series("category", [i % 3 for i in range(n)]),
                             pl.Series("answered", [(True, False, None)[i % 3] for i in range(n)]))
    buf = io.BytesIO()
    df.write_parquet(buf)
    check("t.parquet", buf.getvalue(), pl.read_parquet(io.BytesIO(buf.getvalue())))


def test_parquet_rejections_keep_positions_and_raw_text():
    df = pl.DataFrame({"model": ["m", "m", "m"], "benchmark": ["b"] * 3, "prompt_id": ["1", "2", "3"],
                       "prompt": ["ok?", " ", "fine?"], "correct": ["1", "1", "maybe"], "extra": [1, 2, 3]})
    buf = io.BytesIO()
    df.write_parquet(buf)
    parsed = long.parse({"t.parquet": buf.getvalue()}, "t.parquet")
    assert parsed.records["item_id"].to_list() == ["1"]
    assert [(r.position, r.reason) for r in parsed.rejected] == [(1, "empty prompt"), (2, "label 'maybe' is not 0/1")]
    assert json.loads(parsed.rejected[1].raw) == df.row(2, named=True)


def test_the_answer_flag_is_stored_and_checked_against_the_label():
    df = pl.DataFrame({"model": ["m"] * 4, "benchmark": ["b"] * 4, "prompt_id": ["1", "2", "3", "4"],
                       "prompt": ["a?", "b?", "c?", "d?"], "correct": [0, 0, 1, 1], "answered": [0, None, 1, 0]})
    buf = io.BytesIO()
    df.write_parquet(buf)
    parsed = long.parse({"t.parquet": buf.getvalue()}, "t.parquet")
    assert parsed.records["answered"].to_list() == [False, None, True]
    assert [(r.position, r.reason) for r in parsed.rejected] == [
        (3, "answered is false but correct is true (no answer cannot be graded correct)")]
