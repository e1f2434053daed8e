"""Parser for RouterBench wide tables (CSV or pandas pickle): per-model score and cost columns."""
from __future__ import annotations

import ast
import io
import json

import polars as pl

from tasks.sources.base import InputError, Parsed, Rejected, canonical_frame

BENCHMARK = "routerbench"
FIXED = {"", "sample_id", "prompt", "eval_name", "oracle_model_to_route_to", "Unnamed: 0", "index"}


def _table(blob: bytes, name: str, uri: str) -> pl.DataFrame:
    """The wide table as all-string columns (InputError if unreadable)."""
    try:
        if name.endswith((".pkl", ".pickle")):
            import pandas as pd  # pickles of RouterBench are pandas DataFrames
            return pl.from_pandas(pd.read_pickle(io.BytesIO(blob)).reset_index(drop=True)).cast(pl.Utf8)
        return pl.read_csv(io.BytesIO(blob), infer_schema=False)
    except Exception as exc:
        raise InputError(f"{uri}: cannot read RouterBench table ({exc})") from exc


def _prompt_text(raw: str) -> str:
    """RouterBench stores prompts as a Python list literal of turns; join them."""
    s = raw.strip()
    if s.startswith("[") and s.endswith("]"):
        try:
            parts = ast.literal_eval(s)
            if isinstance(parts, list):
                return "\n\n".join(str(p) for p in parts)
        except (ValueError, SyntaxError):
            pass
    return raw


def models_in(columns: list[str]) -> list[str]:
    """Model names: score columns that have '<model>|total_cost' or '<model>|model_response' companions."""
    companions = {c.split("|", 1)[0] for c in columns if "|" in c}
    return [c for c in columns if c not in FIXED and "|" not in c and c in companions]


def parse(blobs: dict[str, bytes], uri: str) -> Parsed:
    """Canonical rows, one per (sample, model) with a score; empty scores mean 'not evaluated'."""
    (name, blob), = blobs.items()
    df = _table(blob, name, uri)
    for col in ("sample_id", "prompt", "eval_name"):
        if col not in df.columns:
            raise InputError(f"{uri}: missing required column '{col}'")
    models = models_in(df.columns)
    if not models:
        raise InputError(f"{uri}: no model score columns found (expected <model> beside <model>|total_cost)")
    src = name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    rows, rejected = [], []
    for pos, rec in enumerate(df.iter_rows(named=True)):
        sid, prompt = (rec["sample_id"] or "").strip(), rec["prompt"] or ""
        text = _prompt_text(prompt)
        base_reason = "empty sample_id" if not sid else "empty prompt" if not text.strip() else None
        for m in models:
            raw_score = rec[m]
            if raw_score is None or raw_score.strip() == "":
                continue  # not evaluated: absent, not wrong
            if base_reason:
                rejected.append(Rejected(pos, f"{base_reason} (model {m})", json.dumps({"sample_id": sid, "model": m})))
                continue
            try:
                score = float(raw_score)
            except ValueError:
                rejected.append(Rejected(pos, f"score '{raw_score}' of model {m} is not a number",
                                         json.dumps({"sample_id": sid, "model": m, "score": raw_score})))
                continue
            if not 0.0 <= score <= 1.0:
                rejected.append(Rejected(pos, f"score {score} of model {m} is outside [0, 1]",
                                         json.dumps({"sample_id": sid, "model": m, "score": raw_score})))
                continue
            cost = rec.get(f"{m}|total_cost")
            rows.append({
                "model": m, "benchmark": BENCHMARK, "item_id": sid, "text": text,
                "category": rec["eval_name"], "src": src, "correct": score >= 0.5, "score": score,
                "cost_usd": float(cost) if cost not in (None, "") else None,
            })
    return Parsed(canonical_frame(rows), rejected)
