"""Benchmark: prompt-embedding throughput of sentence-transformers' default (fp32, batch 32) vs taskspace's paths
(texts grouped by exact token length so nothing is padded, one group per core on its own thread, in fp32 or bf16)
and `auto` (what refresh uses: fp32 without native bf16, else the faster by a probe), and how close each is to fp32.
Prints the CPU's relevant flags and why auto chose what it chose.

Runs the variants interleaved (R rounds) on N real MMLU-Pro questions so a busy machine affects all alike; prints
texts/s (median over rounds), the speed-up, min/mean cosine to fp32, peak memory. With --db it also embeds every
text of that warehouse through the streaming path (progress bar) and reports its throughput and peak memory.

Run: .venv/bin/python tests/benchmarks/embed_throughput.py [--n 1000] [--rounds 3] [--db warehouse.duckdb]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tasks.embedding.embed import EncoderConfig, embed_missing, embed_texts, load_model  # noqa: E402


def real_texts(data: Path, n: int, seed: int = 0) -> list[str]:
    """N distinct MMLU-Pro questions drawn at random (seeded)."""
    from tasks.sources import mmlu_pro
    z = data / "mmlu_pro" / "eval_results" / "model_outputs_Meta-Llama-3-8B_5shots.zip"
    texts = sorted(set(mmlu_pro.parse({z.name: z.read_bytes()}, str(z)).records["text"].to_list()))
    return [texts[i] for i in np.random.default_rng(seed).choice(len(texts), min(n, len(texts)), replace=False)]


def st_default(texts: list[str]) -> np.ndarray:
    """sentence-transformers as shipped: fp32, encode() with its default batch size."""
    model = load_model(EncoderConfig().path, "fp32")
    return np.asarray(model.encode(texts, show_progress_bar=False), dtype=np.float32)


def st_bf16(texts: list[str]) -> np.ndarray:
    """The model loaded in bfloat16, encode() with its default batch size (the issue's bf16 measurement)."""
    model = load_model(EncoderConfig().path, "bf16")
    return model.encode(texts, show_progress_bar=False, convert_to_tensor=True).float().numpy()


VARIANTS = {
    "st default fp32 bs32": st_default,
    "st bf16 bs32": st_bf16,
    "fp32 buckets+threads": lambda t: embed_texts(t, EncoderConfig(precision="fp32")),
    "bf16 buckets+threads": lambda t: embed_texts(t, EncoderConfig(precision="bf16")),
    "auto (refresh's default)": lambda t: embed_texts(t, EncoderConfig(precision="auto")),
}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=str(REPO.parent / "shared" / "data"))
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--db", default=None, help="also embed every text of this warehouse (streaming path)")
    a = ap.parse_args()
    texts = real_texts(Path(a.data), a.n)
    from tasks.embedding.precision import resolve
    choice = resolve("auto", EncoderConfig().path)
    print(f"CPU {choice.cpu['model']}, {choice.cpu['cores']} cores, torch capability {choice.cpu['torch_capability']}, "
          f"flags: {' '.join(choice.cpu['flags']) or '(none of avx2/avx512/amx)'}")
    print(f"auto chose {choice.precision}: {choice.reason}{' (cached probe)' if choice.cached else ''}")
    for prec in ("fp32", "bf16"):
        load_model(EncoderConfig().path, prec)
    embed_texts(texts[:64])   # warm-up
    speed: dict[str, list[float]] = {k: [] for k in VARIANTS}
    vecs: dict[str, np.ndarray] = {}
    for _ in range(a.rounds):
        for name, fn in VARIANTS.items():
            t0 = time.perf_counter()
            vecs[name] = fn(texts)
            speed[name].append(len(texts) / (time.perf_counter() - t0))
    ref = vecs["st default fp32 bs32"]
    ref = ref / np.linalg.norm(ref, axis=1, keepdims=True)
    base = np.median(speed["st default fp32 bs32"])
    print(f"{len(texts)} real MMLU-Pro questions, {a.rounds} interleaved rounds, torch threads "
          f"{__import__('torch').get_num_threads()}, load average {os.getloadavg()[0]:.1f}")
    print(f"{'variant':28} {'texts/s':>8} {'speed-up':>9} {'min cos':>9} {'mean cos':>9}")
    for name, s in speed.items():
        v = vecs[name] / np.linalg.norm(vecs[name], axis=1, keepdims=True)
        cos = (v * ref).sum(1)
        print(f"{name:28} {np.median(s):8.1f} {np.median(s) / base:8.2f}x {cos.min():9.5f} {cos.mean():9.5f}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")
    if a.db:
        from warehouse import connect
        rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # noqa: E731
        with connect(a.db) as con:   # peak memory after each page: flat when streaming works
            out = embed_missing(con, EncoderConfig(), progress=True,
                                on_page=lambda done: print(f"  {done} texts embedded, peak RSS {rss():.0f} MiB",
                                                           file=sys.stderr))
        print(f"streaming: {out}; peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MiB")


if __name__ == "__main__":
    main()
