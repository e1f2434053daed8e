"""Benchmark workloads as data + network builders (digits MLP/CNN, dying-ReLU probe, routing head, WRN on CIFAR)."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable

import numpy as np
import torch
from torch import nn

from tasks.helu.dead_units import dead_units
from tasks.helu.models import ACTIVATION_KINDS, ActFactory, default_init, init_linear, mlp, small_cnn, wide_resnet


@dataclass
class Problem:
    """Tensors of one seeded train/val split, a fixed probe batch, and how to build the network."""
    kind: str                      # classify | regress | multilabel
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    probe: torch.Tensor            # fixed batch for dead units (and collapse, for regress: probe == x_val)
    build: Callable[[ActFactory, torch.Generator], nn.Module]
    info: dict[str, Any] = field(default_factory=dict)


def _split(n: int, val_frac: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Seeded train/val index split."""
    perm = np.random.default_rng(seed).permutation(n)
    n_val = max(1, int(round(n * val_frac)))
    return perm[n_val:], perm[:n_val]


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits
    d = load_digits()
    return (d.data / 16.0).astype(np.float32), d.target.astype(np.int64)


def digits_problem(p: dict, seed: int) -> Problem:
    """scikit-learn's bundled 8x8 digits (1,797 images, 10 classes), as vectors (mlp) or 1x8x8 images (cnn)."""
    x, y = _digits()
    tr, va = _split(len(y), p["val_frac"], seed)
    if p["arch"] == "cnn":
        x = x.reshape(-1, 1, 8, 8)
        build = lambda act, gen: default_init(small_cnn(tuple(p["channels"]), 10, act), gen)  # noqa: E731
    elif p["arch"] == "mlp":
        build = lambda act, gen: default_init(mlp([64, *p["hidden"], 10], act), gen)  # noqa: E731
    else:
        raise ValueError(f"digits arch must be mlp or cnn, got {p['arch']!r}")
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    return Problem("classify", xt[tr], yt[tr], xt[va], yt[va], xt[tr[: p["probe_size"]]], build,
                   {"n_train": len(tr), "n_val": len(va)})


def dying_problem(p: dict, seed: int) -> Problem:
    """Lu et al. (2018): a deep narrow MLP fitting |x| on [-3, 3]; alive=True re-draws the init until no dead layer."""
    gen = torch.Generator().manual_seed(seed)
    lo, hi = p["domain"]
    x_train = (torch.rand(p["n_train"], 1, generator=gen) * (hi - lo) + lo)
    grid = torch.linspace(lo, hi, p["n_grid"]).unsqueeze(1)
    sizes = [1] + [p["width"]] * p["depth"] + [1]
    info: dict[str, Any] = {"init": p["init"], "alive": p["alive"]}

    def build(act: ActFactory, g: torch.Generator) -> nn.Module:
        model = mlp(sizes, act)
        if not p["alive"]:
            init_linear(model, p["init"], g)
            return model
        relu_twin = mlp(sizes, nn.ReLU)  # same weights for every activation: accept on the ReLU forward
        for draw in range(1, p["max_draws"] + 1):
            init_linear(relu_twin, p["init"], g)
            if not dead_units(relu_twin, grid, ACTIVATION_KINDS).any_layer_all_dead:
                info["init_draws"] = draw
                model.load_state_dict(relu_twin.state_dict())
                return model
        raise RuntimeError(f"no initialisation without a dead layer in {p['max_draws']} draws")

    return Problem("regress", x_train, x_train.abs(), grid, grid.abs(), grid, build, info)


def routing_problem(p: dict, seed: int, data: dict) -> Problem:
    """Prompt embeddings -> each model's correctness (multi-label; NaN = model did not answer)."""
    x = np.asarray(data["X"], dtype=np.float32)
    y = np.asarray(data["Y"], dtype=np.float32)
    if x.ndim != 2 or y.shape[0] != x.shape[0]:
        raise ValueError(f"routing data needs X (n, d) and Y (n, models); got {x.shape} and {y.shape}")
    tr, va = _split(len(x), p["val_frac"], seed)
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    build = lambda act, gen: default_init(mlp([x.shape[1], *p["hidden"], y.shape[1]], act), gen)  # noqa: E731
    return Problem("multilabel", xt[tr], yt[tr], xt[va], yt[va], xt[tr[: p["probe_size"]]], build,
                   {"n_train": len(tr), "n_val": len(va), "dim": x.shape[1], "n_models": y.shape[1],
                    "encoder": data.get("encoder"), "data_source": data.get("source")})


def load_cifar(data_dir: str, n_classes: int) -> tuple[np.ndarray, ...]:
    """CIFAR-10/100 'python version' batches under data_dir: (x_train, y_train, x_test, y_test), x as NCHW uint8."""
    import pickle
    from pathlib import Path
    root = Path(data_dir)
    sub = root / ("cifar-10-batches-py" if n_classes == 10 else "cifar-100-python")
    root = sub if sub.is_dir() else root
    names = ([f"data_batch_{i}" for i in range(1, 6)], ["test_batch"]) if n_classes == 10 else (["train"], ["test"])
    key = b"labels" if n_classes == 10 else b"fine_labels"
    out = []
    for files in names:
        xs, ys = [], []
        for f in files:
            with open(root / f, "rb") as fh:
                d = pickle.load(fh, encoding="bytes")
            xs.append(np.asarray(d[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32))
            ys.append(np.asarray(d[key], dtype=np.int64))
        out += [np.concatenate(xs), np.concatenate(ys)]
    return tuple(out)


def cifar_problem(p: dict, seed: int) -> Problem:
    """The paper's setting: WRN-depth-widen on CIFAR-10/100 (normalised; train augmentation is in the runner)."""
    x_tr, y_tr, x_te, y_te = load_cifar(p["data_dir"], p["n_classes"])
    mean = x_tr.reshape(len(x_tr), 3, -1).mean(axis=(0, 2)).reshape(1, 3, 1, 1) / 255
    std = x_tr.reshape(len(x_tr), 3, -1).std(axis=(0, 2)).reshape(1, 3, 1, 1) / 255
    norm = lambda a: torch.from_numpy(((a / 255 - mean) / std).astype(np.float32))  # noqa: E731
    xt, xv = norm(x_tr), norm(x_te)
    probe_idx = np.random.default_rng(seed).permutation(len(xt))[: p["probe_size"]]
    build = lambda act, gen: default_init(wide_resnet(p["depth"], p["widen"], p["n_classes"], act), gen)  # noqa: E731
    return Problem("classify", xt, torch.from_numpy(y_tr), xv, torch.from_numpy(y_te), xt[probe_idx], build,
                   {"n_train": len(xt), "n_val": len(xv), "augment": True})
