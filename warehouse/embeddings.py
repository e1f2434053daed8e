"""Embedding storage: encoder registry, pages of texts still to embed, vector writes and reads."""
from __future__ import annotations

import numpy as np
import pyarrow as pa
import duckdb

from warehouse.db import query, read_sql, registered, transaction, write_lock
from warehouse.loads import utcnow


def register_encoder(con: duckdb.DuckDBPyConnection, encoder: str, path: str, fields: str, dim: int,
                     precision: str) -> dict:
    """The stored configuration of ENCODER (registered now if new); ValueError if fields or dim disagree."""
    with write_lock:
        query(con, "upsert_encoder", encoder=encoder, path=path, fields=fields, dim=dim, precision=precision,
              now=utcnow())
    stored = encoder_config(con, encoder)
    if stored["fields"] != fields or stored["dim"] != dim:
        raise ValueError(f"encoder {encoder!r} is registered with fields={stored['fields']} dim={stored['dim']}, "
                         f"not fields={fields} dim={dim}: give this configuration another encoder name")
    return stored


def encoder_config(con: duckdb.DuckDBPyConnection, encoder: str) -> dict | None:
    """{encoder, path, fields, dim, precision} of a registered encoder, or None."""
    rows = query(con, "encoder_config", encoder=encoder).fetchall()
    return dict(zip(("encoder", "path", "fields", "dim", "precision"), rows[0])) if rows else None


def missing_count(con: duckdb.DuckDBPyConnection, encoder: str, fields: str) -> tuple[int, int]:
    """(distinct texts, prompts) that have no vector for ENCODER."""
    texts, prompts = query(con, "embed_missing_count", encoder=encoder, fields=fields).fetchall()[0]
    return int(texts), int(prompts)


def missing_page(con: duckdb.DuckDBPyConnection, encoder: str, fields: str, after: str,
                 limit: int) -> list[tuple[str, str, list[str] | None]]:
    """Up to LIMIT (key, text, options) without a vector, keys in order after AFTER."""
    return query(con, "embed_missing", encoder=encoder, fields=fields, after=after, limit=limit).fetchall()


def write_vectors(con: duckdb.DuckDBPyConnection, encoder: str, keys: list[str], vectors: np.ndarray,
                  precision: str | None = None) -> int:
    """Store vectors (rows of VECTORS) under KEYS in one transaction; keys already stored are kept; returns rows given."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = vectors.shape
    offsets = pa.array(np.arange(0, (n + 1) * dim, dim, dtype=np.int32))
    batch = pa.table({"key": pa.array(keys, pa.string()),
                      "vector": pa.ListArray.from_arrays(offsets, pa.array(vectors.ravel()))})
    with transaction(con), registered(con, "emb_batch", batch):
        query(con, "insert_embeddings", encoder=encoder, dim=dim, now=utcnow(), precision=precision)
    return n


def list_vectors(table: pa.Table, column: str = "vector", dtype=np.float32) -> np.ndarray:
    """A (rows x dim) matrix from an arrow list column of equal-length vectors."""
    col = table.column(column).combine_chunks()
    if len(col) == 0:
        return np.zeros((0, 0), dtype=dtype)
    flat = np.asarray(col.flatten(), dtype=dtype)
    return flat.reshape(len(col), -1)


def read_vectors(con: duckdb.DuckDBPyConnection, encoder: str, keys: list[str]) -> tuple[list[str], np.ndarray]:
    """(keys found, in key order; their float32 vectors) for KEYS under ENCODER."""
    with registered(con, "want_keys", pa.table({"key": pa.array(sorted(set(keys)), pa.string())})):
        table = con.sql(read_sql("queries/embedding_vectors"), params={"encoder": encoder}).to_arrow_table()
    return table.column("key").to_pylist(), list_vectors(table)
