"""Train one benchmark run and return its metrics row with per-epoch curves (pure: no Prefect, no warehouse)."""
from __future__ import annotations

import math
import random
import time
from dataclasses import replace
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

from tasks.helu.dead_units import dead_units
from tasks.helu.models import ACTIVATION_KINDS, activation_factory
from tasks.helu.operators import fit_operators, operator_accuracy
from tasks.helu.suite import RunSpec
from tasks.helu.workloads import Problem, cifar_problem, digits_problem, dying_problem, routing_problem


def seed_everything(seed: int) -> None:
    """Seed Python, NumPy and torch (CPU and CUDA) from one number."""
    random.seed(seed)
    np.random.seed(seed % 2**32)
    torch.manual_seed(seed)


def make_problem(spec: RunSpec, data: dict | None) -> Problem:
    """The seeded data split and network builder of the run's workload."""
    if spec.family == "digits":
        return digits_problem(spec.params, spec.seed)
    if spec.family == "dying_relu":
        return dying_problem(spec.params, spec.seed)
    if spec.family == "routing":
        if data is None:
            raise ValueError("the routing workload needs its data (embeddings and labels)")
        return routing_problem(spec.params, spec.seed, data)
    if spec.family == "wrn":
        return cifar_problem(spec.params, spec.seed)
    raise ValueError(f"unknown workload family {spec.family!r}")


def _loss_acc(kind: str, out: torch.Tensor, y: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor | None]:
    """Mean loss and (for classify/multilabel) number of correct predictions; NaN targets are missing labels."""
    if kind == "classify":
        return F.cross_entropy(out, y), (out.argmax(1) == y).sum()
    if kind == "regress":
        return F.mse_loss(out, y), None
    seen = ~torch.isnan(y)
    loss = F.binary_cross_entropy_with_logits(out[seen], y[seen])
    return loss, ((out[seen] > 0) == (y[seen] > 0.5)).sum()


@torch.no_grad()
def evaluate(model, p: Problem, dev) -> tuple[float, float | None]:
    """Validation loss and accuracy (None for regression)."""
    model.eval()
    loss_sum, correct, n, n_lab = 0.0, 0, 0, 0
    for i in range(0, len(p.x_val), 1024):
        xb, yb = p.x_val[i:i + 1024].to(dev), p.y_val[i:i + 1024].to(dev)
        loss, c = _loss_acc(p.kind, model(xb), yb)
        labels = int((~torch.isnan(yb)).sum()) if p.kind == "multilabel" else len(xb)
        loss_sum += float(loss) * labels
        n_lab += labels
        correct += int(c) if c is not None else 0
        n += len(xb)
    model.train()
    return loss_sum / max(n_lab, 1), (correct / max(n_lab, 1) if p.kind != "regress" else None)


def _augment(x: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """CIFAR train augmentation: a random 4-pixel-padded crop per batch and a horizontal flip per image."""
    dx, dy = torch.randint(0, 9, (2,), generator=gen).tolist()
    flip = (torch.rand(len(x), generator=gen) < 0.5).to(x.device).view(-1, 1, 1, 1)
    x = F.pad(x, (4, 4, 4, 4))[:, :, dy:dy + 32, dx:dx + 32]
    return torch.where(flip, x.flip(3), x)


def _optimizer(model, p: dict):
    if p["optimizer"] == "adam":
        return torch.optim.Adam(model.parameters(), lr=p["lr"], weight_decay=p["weight_decay"])
    if p["optimizer"] == "sgd":
        return torch.optim.SGD(model.parameters(), lr=p["lr"], momentum=p["momentum"], nesterov=True,
                               weight_decay=p["weight_decay"])
    raise ValueError(f"unknown optimizer {p['optimizer']!r}")


def _collapsed(model, p: Problem, rtol: float, dev) -> bool:
    """True when the network is a constant function on the probe grid (output std < rtol * target std)."""
    with torch.no_grad():
        model.eval()
        out = model(p.probe.to(dev)).float()
        model.train()
    return bool(out.std() < rtol * p.y_val.float().std()) or not bool(torch.isfinite(out).all())


def _epoch(model, opt, p: Problem, params: dict, gen: torch.Generator, dev) -> float:
    """One epoch of training; returns the mean train loss. batch_size 0 means full batch x steps_per_epoch."""
    bs = params["batch_size"]
    if bs == 0:
        batches = [torch.arange(len(p.x_train), device=dev)] * params["steps_per_epoch"]
    else:
        perm = torch.randperm(len(p.x_train), generator=gen).to(dev)
        batches = list(perm.split(bs))
    total = 0.0
    for idx in batches:
        xb, yb = p.x_train[idx], p.y_train[idx]
        if p.info.get("augment"):
            xb = _augment(xb, gen)
        loss, _ = _loss_acc(p.kind, model(xb), yb)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.detach()
    return float(total) / len(batches)


def train_run(spec: RunSpec, p: Problem, dev: torch.device) -> dict[str, Any]:
    """Train the network with the run's activation: curves, best/final metrics, dead units at start and end."""
    params = spec.params
    if params["epochs"] < 1:
        raise ValueError(f"epochs must be >= 1, got {params['epochs']}")
    p = replace(p, x_train=p.x_train.to(dev), y_train=p.y_train.to(dev), x_val=p.x_val.to(dev),
                y_val=p.y_val.to(dev), probe=p.probe.to(dev))  # the data sets are small enough to live on device
    gen = torch.Generator().manual_seed(spec.seed)
    model = p.build(activation_factory(spec.activation, spec.alpha), gen).to(dev)
    opt = _optimizer(model, params)
    sched = (torch.optim.lr_scheduler.CosineAnnealingLR(opt, params["epochs"])
             if params["optimizer"] == "sgd" else None)
    probe = p.probe
    start = dead_units(model, probe, ACTIVATION_KINDS)
    rtol = params.get("collapse_rtol")
    born_dead = start.any_layer_all_dead if p.kind == "regress" else None  # a whole layer dead on the probe grid
    vl, va = evaluate(model, p, dev)
    curves = [{"epoch": 0, "train_loss": None, "val_loss": vl, "val_acc": va, "dead_frac": start.overall,
               "epoch_s": None}]
    for ep in range(1, params["epochs"] + 1):
        t0 = time.perf_counter()
        tl = _epoch(model, opt, p, params, gen, dev)
        if dev.type == "cuda":
            torch.cuda.synchronize(dev)
        dt = time.perf_counter() - t0
        if sched:
            sched.step()
        vl, va = evaluate(model, p, dev)
        curves.append({"epoch": ep, "train_loss": tl, "val_loss": vl, "val_acc": va,
                       "dead_frac": dead_units(model, probe, ACTIVATION_KINDS).overall, "epoch_s": dt})
    end = dead_units(model, probe, ACTIVATION_KINDS)
    trained = curves[1:]
    losses = [c["val_loss"] for c in trained]
    accs = [c["val_acc"] for c in trained if c["val_acc"] is not None]
    collapsed = _collapsed(model, p, rtol, dev) if p.kind == "regress" else None
    return {
        "metric": "mse" if p.kind == "regress" else "accuracy",
        "final_val_acc": accs[-1] if accs else None, "best_val_acc": max(accs) if accs else None,
        "final_val_loss": losses[-1], "best_val_loss": min((v for v in losses if not math.isnan(v)), default=math.nan),
        "dead_frac_start": start.overall, "dead_frac_end": end.overall,
        "dead_layers_start": start.per_layer, "dead_layers_end": end.per_layer,
        "collapsed": collapsed, "born_dead": born_dead,
        "died_in_training": (collapsed and not born_dead) if collapsed is not None else None,
        "time_per_epoch_s": float(np.mean([c["epoch_s"] for c in trained])), "epochs": params["epochs"],
        "curves": curves,
    }


def operator_run(spec: RunSpec, p: Problem) -> dict[str, Any]:
    """The closed-form operator baseline on the same split as the routing MLP of this seed."""
    ops = fit_operators(p.x_train.numpy(), p.y_train.numpy(), spec.params["ridge_lambda"], spec.params["eig_eps"])
    acc = operator_accuracy(p.x_val.numpy(), p.y_val.numpy(), ops)
    return {"metric": "accuracy", "final_val_acc": acc, "best_val_acc": acc, "epochs": 0, "curves": []}


def run_one(spec: RunSpec, data: dict | None = None) -> dict[str, Any]:
    """Run one benchmark: the spec's identity, seed, config and device, plus the metrics and curves."""
    t0 = time.perf_counter()
    if spec.threads:  # process-wide, like the workers' own thread budget: torch, OpenMP and BLAS alike
        torch.set_num_threads(spec.threads)
        threadpool_limits(limits=spec.threads)
    if spec.device == "cuda" and not torch.cuda.is_available():
        raise RuntimeError("device cuda requested but torch.cuda.is_available() is False")
    dev = torch.device(spec.device)
    seed_everything(spec.seed)
    problem = make_problem(spec, data)
    out = operator_run(spec, problem) if spec.activation == "linear_operator" else train_run(spec, problem, dev)
    out.update(workload=spec.workload, family=spec.family, activation=spec.activation, alpha=spec.alpha,
               label=spec.label, seed=spec.seed, device=spec.device, status="ok",
               wall_s=time.perf_counter() - t0,
               config={"params": spec.params, "seed": spec.seed, "problem": problem.info,
                       "torch": torch.__version__, "threads": torch.get_num_threads(),
                       "device_name": torch.cuda.get_device_name(dev) if dev.type == "cuda" else "cpu"})
    return out
