"""Natural keys: model ids from names, prompt ids, text hashes and prompt-version ids."""
from __future__ import annotations

import hashlib
import json
import re
import threading
import unicodedata

import polars as pl

_MODEL_BAD = re.compile(r"[^a-z0-9./_+-]+")
_KNOWN_LIMIT = 500_000   # distinct texts / versions remembered across inputs (the leaderboard has ~21k prompts)


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


class _Known:
    """Keys computed once per distinct value, across the inputs of a process: a frame of (value columns, key)
    joined in polars, so an input whose texts were seen before hashes nothing in Python."""

    def __init__(self, on: list[str], key: str, make):
        self.on, self.key, self.make, self.lock = on, key, make, threading.Lock()
        self.frame: pl.DataFrame | None = None

    def attach(self, df: pl.DataFrame) -> pl.DataFrame:
        """DF with the key column (nulls in the value columns match each other)."""
        with self.lock:
            known = self.frame
        out = self._join(df, known)
        missing = out.filter(pl.col(self.key).is_null()).select(self.on).unique()
        if not missing.height:
            return out
        keys = [self.make(*row) for row in missing.iter_rows()]
        fresh = missing.with_columns(pl.Series(self.key, keys, dtype=pl.Utf8))
        with self.lock:
            full = self.frame is None or self.frame.height >= _KNOWN_LIMIT
            self.frame = fresh if full else pl.concat([self.frame, fresh]).unique(self.on, keep="first")
        return self._join(df, fresh if known is None else pl.concat([known, fresh]))

    def _join(self, df: pl.DataFrame, known: pl.DataFrame | None) -> pl.DataFrame:
        if known is None:
            return df.with_columns(pl.lit(None, pl.Utf8).alias(self.key))
        return df.join(known, on=self.on, how="left", nulls_equal=True, maintain_order="left")


_TEXTS = _Known(["text"], "text_hash", text_hash)
_VERSIONS = _Known(["text_hash", "options", "answer"], "version_id", version_id)


def with_keys(records: pl.DataFrame) -> pl.DataFrame:
    """Canonical records plus model_id, prompt_id, text_hash and version_id (each distinct value hashed once)."""
    models = {m: model_id(m) for m in records["model"].unique().to_list()}
    df = records.with_columns(
        pl.col("model").replace_strict(models, return_dtype=pl.Utf8).alias("model_id"),
        (pl.col("benchmark") + pl.lit(":") + pl.col("item_id")).alias("prompt_id"),
    )
    return _VERSIONS.attach(_TEXTS.attach(df))
