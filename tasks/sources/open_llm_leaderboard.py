"""Open LLM Leaderboard (v2) tables, CSV or Parquet: entry metadata rows and long benchmark scores."""
from __future__ import annotations

import hashlib
import io
import json
from datetime import date

import polars as pl

from tasks.sources.base import InputError, Rejected

BENCHMARKS = ("IFEval", "BBH", "MATH Lvl 5", "GPQA", "MUSR", "MMLU-PRO")
REQUIRED = ("eval_name", "fullname", "#Params (B)", *BENCHMARKS, *(f"{b} Raw" for b in BENCHMARKS))
# warehouse column -> (leaderboard column, kind)
COLUMNS = {
    "precision": ("Precision", "text"), "model_type": ("Type", "type"), "weight_type": ("Weight type", "text"),
    "architecture": ("Architecture", "arch"), "model_sha": ("Model sha", "text"), "params_b": ("#Params (B)", "params"),
    "license": ("Hub License", "text"), "hub_likes": ("Hub ❤️", "int"), "average": ("Average ⬆️", "float"),
    "available_on_hub": ("Available on the hub", "bool"), "moe": ("MoE", "bool"), "flagged": ("Flagged", "bool"),
    "chat_template": ("Chat Template", "bool"), "merged": ("Merged", "bool"),
    "official_providers": ("Official Providers", "bool"), "co2_kg": ("CO₂ cost (kg)", "float"),
    "upload_date": ("Upload To Hub Date", "date"), "submission_date": ("Submission Date", "date"),
    "generation": ("Generation", "int"), "base_model": ("Base Model", "text"),
}
MODEL_SCHEMA = {"eval_name": pl.Utf8, "hub_id": pl.Utf8, "precision": pl.Utf8, "model_type": pl.Utf8,
                "weight_type": pl.Utf8, "architecture": pl.Utf8, "model_sha": pl.Utf8, "params_b": pl.Float64,
                "license": pl.Utf8, "hub_likes": pl.Int64, "average": pl.Float64, "available_on_hub": pl.Boolean,
                "moe": pl.Boolean, "flagged": pl.Boolean, "chat_template": pl.Boolean, "merged": pl.Boolean,
                "official_providers": pl.Boolean, "co2_kg": pl.Float64, "upload_date": pl.Date,
                "submission_date": pl.Date, "generation": pl.Int32, "base_model": pl.Utf8, "row_sha": pl.Utf8}
SCORE_SCHEMA = {"eval_name": pl.Utf8, "benchmark": pl.Utf8, "score_raw": pl.Float64, "score_norm": pl.Float64}
_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def read_table(blob: bytes, name: str, uri: str) -> pl.DataFrame:
    """The table with every column as text (Parquet by its magic bytes, else CSV); InputError naming URI."""
    try:
        if blob[:4] == b"PAR1" or name.endswith(".parquet"):
            df = pl.read_parquet(io.BytesIO(blob))
            used = {*REQUIRED, *(col for col, _ in COLUMNS.values())}  # other columns may be nested: leave them
            return df.select(pl.col(c).cast(pl.Utf8) for c in df.columns if c in used)
        return pl.read_csv(io.BytesIO(blob), infer_schema=False)
    except Exception as exc:  # polars raises several error types for unreadable input
        raise InputError(f"{uri}: not a readable leaderboard CSV/Parquet table ({type(exc).__name__}: {exc})") from exc


def _value(raw: str | None, kind: str, col: str):
    """One cell converted to its kind (ValueError naming the column and the value)."""
    if raw is None or raw.strip() == "" or raw.strip().lower() in ("nan", "none", "null"):
        return None
    v = raw.strip()
    if kind == "params":  # the leaderboard writes 0 or -1 when it could not count the parameters
        n = _value(raw, "float", col)
        return n if n > 0 else None
    try:
        if kind == "float":
            return float(v)
        if kind == "int":
            return int(float(v)) if float(v).is_integer() else int(v)
        if kind == "bool":
            if v.lower() in _TRUE or v.lower() in _FALSE:
                return v.lower() in _TRUE
            raise ValueError
        if kind == "date":
            return date.fromisoformat(v[:10])
    except (ValueError, OverflowError):
        raise ValueError(f"column {col!r}: {raw!r} is not a {kind}") from None
    if kind == "arch":
        return None if v == "?" else v
    if kind == "type":  # '💬 chat models (RLHF, DPO, IFT, ...)' -> 'chat models (RLHF, DPO, IFT, ...)'
        head, _, rest = v.partition(" ")
        return rest.strip() if rest and not head.isascii() else v
    return v


def parse(blob: bytes, name: str, uri: str) -> tuple[pl.DataFrame, pl.DataFrame, list[Rejected]]:
    """(entries, long scores, rejected rows) of one leaderboard table; InputError when columns are missing."""
    df = read_table(blob, name, uri)
    missing = [c for c in REQUIRED if c not in df.columns]
    if missing:
        raise InputError(f"{uri}: not an Open LLM Leaderboard v2 table, missing column(s) {', '.join(missing)}")
    models, scores, rejected, seen = [], [], [], set()
    for pos, r in enumerate(df.iter_rows(named=True)):
        raw = json.dumps(r, ensure_ascii=False, sort_keys=True)
        name_, hub_id = (r["eval_name"] or "").strip(), (r["fullname"] or "").strip()
        try:
            if not name_ or not hub_id:
                raise ValueError("empty eval_name or fullname")
            if name_ in seen:
                raise ValueError(f"duplicate of an earlier row for eval_name {name_}")
            row = {k: _value(r.get(col), kind, col) for k, (col, kind) in COLUMNS.items()}
            row_scores = [{"eval_name": name_, "benchmark": b, "score_raw": _value(r[f"{b} Raw"], "float", f"{b} Raw"),
                           "score_norm": _value(r[b], "float", b)} for b in BENCHMARKS]
        except ValueError as exc:
            rejected.append(Rejected(pos, f"{uri}: row {pos} ({name_ or '?'}): {exc}", raw[:2000]))
            continue
        seen.add(name_)
        # the checksum of the values as parsed: the same entry read from CSV or Parquet is unchanged
        values = json.dumps([hub_id, row, row_scores], sort_keys=True, default=str)
        models.append({"eval_name": name_, "hub_id": hub_id, **row,
                       "row_sha": hashlib.sha256(values.encode()).hexdigest()})
        scores.extend(s for s in row_scores if s["score_raw"] is not None or s["score_norm"] is not None)
    return pl.DataFrame(models, schema=MODEL_SCHEMA), pl.DataFrame(scores, schema=SCORE_SCHEMA), rejected
