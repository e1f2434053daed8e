"""Which embedding precision this CPU runs fastest within cosine 0.999 of fp32: native-bf16 flags, a cached probe."""
from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger("taskspace.embed")

# Instruction-set extensions that make bfloat16 matrix products native (without them torch emulates bf16 in fp32).
NATIVE_BF16_FLAGS = ("avx512_bf16", "amx_bf16")
SHOWN_FLAGS = ("avx2", "avx512f", "avx512_vnni", "avx512_bf16", "amx_tile", "amx_bf16")
MIN_COSINE = 0.999
PROBE_TEXTS = 96


@dataclass
class Choice:
    """The precision auto picks, why, and the probe's measurements (texts/s per precision, min cosine) if it ran."""
    precision: str
    reason: str
    cpu: dict = field(default_factory=dict)
    probe: dict | None = None
    cached: bool = False


def cpu_info() -> dict:
    """{model, cores, flags (the ones that matter for bf16), torch_capability} of this machine."""
    flags: set[str] = set()
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "flags" and not flags:
                flags = set(value.split())
            elif key.strip() == "model name":
                model = value.strip()
    except OSError:
        pass
    try:
        import torch
        capability = torch.backends.cpu.get_cpu_capability()
    except Exception:  # noqa: BLE001 - informative only
        capability = "unknown"
    return {"model": model, "cores": len(os.sched_getaffinity(0)), "torch_capability": capability,
            "flags": [f for f in SHOWN_FLAGS if f in flags]}


def native_bf16(cpu: dict) -> bool:
    """True when the CPU multiplies bfloat16 natively (AVX512-BF16 or AMX-BF16)."""
    return any(f in cpu["flags"] for f in NATIVE_BF16_FLAGS)


def probe_texts(n: int = PROBE_TEXTS, seed: int = 0) -> list[str]:
    """N deterministic sentences of 8 to 200 words (the length spread of benchmark questions)."""
    words = ("the which of a model question answer value is function energy law market cell reaction force "
             "probability integral court contract protein economy history theorem circuit").split()
    rng = np.random.default_rng(seed)
    return [" ".join(rng.choice(words, int(k))) + "?" for k in rng.integers(8, 200, n)]


def _cache_path() -> Path:
    base = os.environ.get("TASKSPACE_CACHE") or os.path.join(os.path.expanduser("~"), ".cache", "taskspace")
    return Path(base) / "embed_precision.json"


def _cache_key(cpu: dict, path: str) -> str:
    import torch
    return hashlib.sha256(json.dumps([cpu, path, torch.__version__], sort_keys=True).encode()).hexdigest()[:16]


def measure(path: str, texts: list[str]) -> dict:
    """{fp32: texts/s, bf16: texts/s, min_cosine: bf16 vs fp32} of the bucketed, threaded path on TEXTS."""
    from tasks.embedding.embed import EncoderConfig, embed_texts

    out, vecs = {}, {}
    for prec in ("fp32", "bf16"):
        cfg = EncoderConfig(path=path, precision=prec)
        embed_texts(texts[:8], cfg)   # load and warm up
        t0 = time.perf_counter()
        vecs[prec] = embed_texts(texts, cfg)
        out[prec] = round(len(texts) / (time.perf_counter() - t0), 1)
    out["min_cosine"] = round(float((vecs["fp32"] * vecs["bf16"]).sum(1).min()), 6)
    return out


def choose(path: str, *, use_cache: bool = True, cpu: dict | None = None) -> Choice:
    """fp32 on a CPU without native bf16; otherwise the faster of fp32 and bf16 by a short probe (bf16 only if its
    vectors stay within cosine 0.999 of fp32), cached per machine, model and torch version."""
    cpu = cpu or cpu_info()
    if not native_bf16(cpu):
        return Choice("fp32", f"no {'/'.join(NATIVE_BF16_FLAGS)} on this CPU: bf16 would be emulated, fp32 is "
                              "faster", cpu)
    key, cache = _cache_key(cpu, path), _cache_path()
    if use_cache:
        try:
            hit = json.loads(cache.read_text()).get(key)
            if hit:
                return Choice(**(hit | {"cached": True}))
        except (OSError, ValueError, TypeError):
            pass
    probe = measure(path, probe_texts())
    if probe["min_cosine"] < MIN_COSINE:
        choice = Choice("fp32", f"bf16 vectors reach only cosine {probe['min_cosine']} to fp32", cpu, probe)
    elif probe["bf16"] > probe["fp32"]:
        choice = Choice("bf16", f"native bf16 ({', '.join(f for f in cpu['flags'] if f in NATIVE_BF16_FLAGS)}): "
                                f"probe {probe['bf16']} vs fp32 {probe['fp32']} texts/s", cpu, probe)
    else:
        choice = Choice("fp32", f"probe: fp32 {probe['fp32']} vs bf16 {probe['bf16']} texts/s", cpu, probe)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        stored = json.loads(cache.read_text()) if cache.exists() else {}
        stored[key] = {k: v for k, v in asdict(choice).items() if k != "cached"}
        cache.write_text(json.dumps(stored, indent=1))
    except (OSError, ValueError):
        log.warning("could not cache the embedding precision probe in %s", cache)
    return choice


_resolved: dict[str, Choice] = {}


def resolve(precision: str, path: str) -> Choice:
    """The concrete precision for PRECISION ('auto' is decided once per process and model path)."""
    if precision in ("bf16", "fp32"):
        return Choice(precision, "asked for")
    if precision != "auto":
        raise ValueError(f"precision must be auto, bf16 or fp32, not {precision!r}")
    if path not in _resolved:
        _resolved[path] = choose(path)
        c = _resolved[path]
        log.info("embedding precision auto -> %s (%s)%s", c.precision, c.reason, " [cached probe]" if c.cached else "")
    return _resolved[path]
