"""Natural keys: model ids from names, prompt ids, text hashes and prompt-version ids."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata

import polars as pl

_MODEL_BAD = re.compile(r"[^a-z0-9./_+-]+")


def model_id(name: str) -> str:
    """A stable id from a model's name: lower-case, whitespace and odd characters as '-'."""
    mid = _MODEL_BAD.sub("-", unicodedata.normalize("NFKC", name).strip().lower()).strip("-")
    if not mid:
        raise ValueError(f"model name {name!r} has no usable characters")
    return mid


def normalise_text(text: str) -> str:
    """The text as it is hashed: Unicode NFC, runs of whitespace as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def text_hash(text: str) -> str:
    """sha256 hex of the normalised text: the embedding key."""
    return hashlib.sha256(normalise_text(text).encode()).hexdigest()


def version_id(t_hash: str, options: list[str] | None, answer: str | None) -> str:
    """A prompt version: what the model was shown and graded against (text, options, answer)."""
    payload = json.dumps([t_hash, options, answer], ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]


def with_keys(records: pl.DataFrame) -> pl.DataFrame:
    """Canonical records plus model_id, prompt_id, text_hash and version_id (hashing each distinct value once)."""
    models = {m: model_id(m) for m in records["model"].unique().to_list()}
    hashes = {t: text_hash(t) for t in records["text"].unique().to_list()}
    df = records.with_columns(
        pl.col("model").replace_strict(models, return_dtype=pl.Utf8).alias("model_id"),
        (pl.col("benchmark") + pl.lit(":") + pl.col("item_id")).alias("prompt_id"),
        pl.col("text").replace_strict(hashes, return_dtype=pl.Utf8).alias("text_hash"),
    )
    triples = df.select("text_hash", "options", "answer").unique()
    vids = [version_id(h, o, a) for h, o, a in triples.iter_rows()]
    triples = triples.with_columns(pl.Series("version_id", vids, dtype=pl.Utf8))
    return df.join(triples, on=["text_hash", "options", "answer"], how="left", nulls_equal=True)
