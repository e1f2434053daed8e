"""The checks of tasks/sources/values.py and labels.py on whole columns: per column, an expression saying which
rows surely pass (the value is stored as it is) and the value each stores. The checks are conservative: a row
they do not pass goes through the per-row checks, which decide and word its rejection, so both paths store the
same values and give the same reasons; only clean rows skip Python."""
from __future__ import annotations

import polars as pl

from tasks.sources import limits
from tasks.sources.labels import _FALSE, _TRUE

_EDGES = r"^[!-~](?s:.*[!-~])?$"            # starts and ends with a printable ASCII character: nothing to strip
_VISIBLE = r"[!-~]"                          # holds a printable ASCII character: not blank
_BLANK = r"^[ \t\r\n]*$"                     # only ASCII white space: an empty optional value
_NUMBER = r"^[ \t]*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[ \t]*$"
_LABEL = r"^[ \t\r\n]*[A-Za-z0-9.]+[ \t\r\n]*$"

Check = tuple[pl.Expr, pl.Expr]   # (row surely passes, value to store)


def _string(dtype) -> bool:
    return dtype == pl.Utf8 or isinstance(dtype, (pl.Categorical, pl.Enum))


def required_text(df: pl.DataFrame, col: str, limit: int, stripped: bool) -> Check:
    """values.text (model and benchmark: STRIPPED, as _row strips them; the prompt: as it is)."""
    if not _string(df.schema[col]):
        return pl.lit(False), pl.lit(None, pl.Utf8)
    c = pl.col(col).cast(pl.Utf8)
    shape = c.str.contains(_EDGES) if stripped else c.str.contains(_VISIBLE)
    return c.is_not_null() & shape & (c.str.len_chars() <= limit), c


def item_id(df: pl.DataFrame, col: str) -> Check:
    """values.item_id: an integer column as text, a text column already stripped."""
    dtype = df.schema[col]
    c = pl.col(col)
    if dtype.is_integer():
        return c.is_not_null(), c.cast(pl.Utf8)
    if not _string(dtype):
        return pl.lit(False), pl.lit(None, pl.Utf8)
    c = c.cast(pl.Utf8)
    return c.is_not_null() & c.str.contains(_EDGES) & (c.str.len_chars() <= limits.MAX_ID_CHARS), c


def label(df: pl.DataFrame, col: str) -> Check:
    """labels.to_label: booleans, 0/1 numbers, and the label words."""
    dtype = df.schema[col]
    c = pl.col(col)
    if dtype == pl.Boolean:
        return c.is_not_null(), c
    if dtype.is_integer() or dtype.is_float():
        x = c.cast(pl.Float64)
        return x.is_in([0.0, 1.0]).fill_null(False), x == 1.0
    if not _string(dtype):
        return pl.lit(False), pl.lit(None, pl.Boolean)
    word = c.cast(pl.Utf8).str.strip_chars(" \t\r\n").str.to_lowercase()
    ok = c.cast(pl.Utf8).str.contains(_LABEL) & word.is_in(sorted(_TRUE | _FALSE))
    return ok.fill_null(False), word.is_in(sorted(_TRUE))


def optional_label(df: pl.DataFrame, col: str, correct: pl.Expr) -> Check:
    """values.answered: null is None, else label() of the column, never false beside a CORRECT (value) of true."""
    if col not in df.columns or df.schema[col] == pl.Null:
        return pl.lit(True), pl.lit(None, pl.Boolean)
    ok, value = label(df, col)
    none = pl.col(col).is_null()
    if _string(df.schema[col]):
        none = none | pl.col(col).cast(pl.Utf8).str.contains(_BLANK).fill_null(False)
    return (none | (ok & ~(correct.fill_null(False) & ~value))).fill_null(False), \
        pl.when(none).then(None).otherwise(value)


def optional_text(df: pl.DataFrame, col: str, limit: int = 10_000) -> Check:
    """values.optional_text: null or blank is None, other text as it is."""
    if col not in df.columns or df.schema[col] == pl.Null:
        return pl.lit(True), pl.lit(None, pl.Utf8)
    c = pl.col(col)
    if not _string(df.schema[col]):
        return c.is_null(), pl.lit(None, pl.Utf8)
    c = c.cast(pl.Utf8)
    blank = c.str.contains(_BLANK)
    text = c.str.contains(_VISIBLE) & (c.str.len_chars() <= limit)
    return (c.is_null() | blank | text).fill_null(True), pl.when(blank).then(None).otherwise(c)


def number(df: pl.DataFrame, col: str, low: float, high: float | None) -> Check:
    """values.cost / values.score: a finite number in [LOW, HIGH], null or blank is None."""
    if col not in df.columns or df.schema[col] == pl.Null:
        return pl.lit(True), pl.lit(None, pl.Float64)
    dtype, c = df.schema[col], pl.col(col)
    if dtype.is_integer() or dtype.is_float():
        x, blank = c.cast(pl.Float64), pl.lit(False)
    elif _string(dtype):
        s = c.cast(pl.Utf8)
        blank = s.str.contains(_BLANK)
        x = pl.when(s.str.contains(_NUMBER)).then(s.str.strip_chars(" \t").cast(pl.Float64, strict=False))
    else:
        return c.is_null(), pl.lit(None, pl.Float64)
    in_range = x.is_finite() & (x >= low) & (pl.lit(True) if high is None else x <= high)
    ok = c.is_null() | blank.fill_null(False) | in_range.fill_null(False)
    return ok, pl.when(blank.fill_null(False)).then(None).otherwise(x)
