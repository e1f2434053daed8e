"""Forward+backward time of HeLU against ReLU and LeakyReLU, eager and under torch.compile, per device and dtype.

Reports numbers (median of repeats, microseconds per call and GB/s of input), never asserts on them:

    python tests/benchmarks/helu_activation_speed.py [--device cpu|cuda] [--numel 1048576] [--json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time

import torch
from torch import nn

from tasks.helu import HeLU

DTYPES = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}


def _sync(device: str) -> None:
    if device == "cuda":
        torch.cuda.synchronize()


def time_fwd_bwd(module: nn.Module, x: torch.Tensor, repeats: int, device: str) -> float:
    """Median seconds of one forward + backward of module on x (after warm-up)."""
    g = torch.ones_like(x)
    for _ in range(3):
        module(x).backward(g)
    times = []
    for _ in range(repeats):
        x.grad = None
        _sync(device)
        t0 = time.perf_counter()
        module(x).backward(g)
        _sync(device)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    ap.add_argument("--numel", type=int, default=1 << 20)
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--threads", type=int, default=1, help="torch CPU threads (1 avoids OpenMP oversubscription)")
    ap.add_argument("--no-compile", action="store_true")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    dtypes = ["float32"] if args.device == "cpu" else list(DTYPES)
    rows = []
    for dname in dtypes:
        x = torch.randn(args.numel, device=args.device, dtype=DTYPES[dname]).requires_grad_(True)
        for name, mod in [("relu", nn.ReLU()), ("leaky_relu", nn.LeakyReLU()), ("helu(0.05)", HeLU(0.05))]:
            for compiled in ([False] if args.no_compile else [False, True]):
                m = torch.compile(mod) if compiled else mod
                s = time_fwd_bwd(m, x, args.repeats, args.device)
                rows.append({"device": args.device, "dtype": dname, "activation": name, "compiled": compiled,
                             "us": s * 1e6, "gb_s": x.numel() * x.element_size() / s / 1e9})
    if args.json:
        print(json.dumps({"numel": args.numel, "torch": torch.__version__, "rows": rows}))
        return
    print(f"torch {torch.__version__}, {args.numel} elements, forward+backward, median of {args.repeats}, "
          f"{torch.get_num_threads()} CPU thread(s)")
    for r in rows:
        print(f"{r['device']:5} {r['dtype']:9} {r['activation']:11} {'compiled' if r['compiled'] else 'eager':8} "
              f"{r['us']:10.1f} us {r['gb_s']:7.2f} GB/s")


if __name__ == "__main__":
    torch.manual_seed(0)
    main()
