"""The benchmark suite: workload registry with quick/full settings, and the plan of independent runs."""
from __future__ import annotations

import copy
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from tasks.helu.models import ACTIVATIONS

HELU_ALPHAS = (0.001, 0.01, 0.05, 0.1)
_ADAM = {"optimizer": "adam", "lr": 1e-3, "weight_decay": 0.0}
# Lu et al. (2018): depth 10, width 3, |x| on [-3, 3], Adam 1e-2; 1,500 full-batch steps as 15 "epochs" of 100.
_DYING = {**_ADAM, "lr": 1e-2, "init": "he", "alive": False, "depth": 10, "width": 3, "domain": [-3.0, 3.0],
          "n_train": 512, "n_grid": 601, "epochs": 15, "steps_per_epoch": 100, "batch_size": 0,
          "collapse_rtol": 0.01, "max_draws": 1000}

# Per workload: family, whether it is in the default suite, and settings (quick overrides full).
WORKLOADS: dict[str, dict[str, Any]] = {
    "digits_mlp": {"family": "digits", "default": True, "full": {
        **_ADAM, "arch": "mlp", "hidden": [128, 128], "epochs": 30, "batch_size": 64, "val_frac": 0.25,
        "probe_size": 256}, "quick": {"epochs": 6}},
    "digits_cnn": {"family": "digits", "default": True, "full": {
        **_ADAM, "arch": "cnn", "channels": [16, 32], "epochs": 20, "batch_size": 64, "val_frac": 0.25,
        "probe_size": 256}, "quick": {"epochs": 4, "channels": [8, 16]}},
    "dying_relu_he": {"family": "dying_relu", "default": True, "full": _DYING, "quick": {"epochs": 5}},
    "dying_relu_he_alive": {"family": "dying_relu", "default": True, "full": {**_DYING, "alive": True},
                            "quick": {"epochs": 5}},
    "dying_relu_torch": {"family": "dying_relu", "default": True, "full": {**_DYING, "init": "default"},
                         "quick": {"epochs": 5}},
    "routing_mlp": {"family": "routing", "default": True, "full": {
        **_ADAM, "hidden": [128, 128], "epochs": 30, "batch_size": 64, "val_frac": 0.25, "probe_size": 256,
        "max_prompts": 5000, "ridge_lambda": 1.0, "eig_eps": 0.1}, "quick": {"epochs": 10, "max_prompts": 1000}},
    "wrn_cifar10": {"family": "wrn", "default": False, "full": {
        "optimizer": "sgd", "lr": 0.1, "momentum": 0.9, "weight_decay": 5e-4, "depth": 40, "widen": 4,
        "n_classes": 10, "epochs": 100, "batch_size": 128, "probe_size": 256, "data_dir": "data/cifar",
        "needs_cuda": True}, "quick": {"epochs": 2, "depth": 10, "widen": 1}},
}
WORKLOADS["wrn_cifar100"] = copy.deepcopy(WORKLOADS["wrn_cifar10"])
WORKLOADS["wrn_cifar100"]["full"]["n_classes"] = 100
DEFAULT_WORKLOADS = tuple(k for k, v in WORKLOADS.items() if v["default"])


@dataclass(frozen=True)
class RunSpec:
    """One training run: workload x activation (x alpha) x seed, with its full settings."""
    workload: str
    family: str
    activation: str            # one of ACTIVATIONS, or 'linear_operator' (routing baseline)
    alpha: float | None
    seed: int
    device: str
    params: dict = field(default_factory=dict)
    threads: int = 0           # torch intra-op threads for this run (0: leave as is)

    @property
    def label(self) -> str:
        return f"helu({self.alpha:g})" if self.activation == "helu" else self.activation

    def as_dict(self) -> dict:
        return asdict(self)


def parse_settings(items: list[str]) -> dict[str, dict]:
    """CLI settings 'WORKLOAD.KEY=VALUE' (VALUE as JSON, else a string) as {workload: {key: value}}."""
    out: dict[str, dict] = {}
    for item in items:
        name, eq, raw = item.partition("=")
        workload, dot, key = name.partition(".")
        if not (eq and dot and workload and key):
            raise ValueError(f"setting {item!r} is not WORKLOAD.KEY=VALUE")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        out.setdefault(workload, {})[key] = value
    return out


def workload_params(name: str, quick: bool, overrides: dict | None = None) -> dict:
    """The settings of one workload: full, with quick's changes when quick, then the overrides."""
    if name not in WORKLOADS:
        raise ValueError(f"unknown workload {name!r}; choose from {', '.join(WORKLOADS)}")
    params = copy.deepcopy(WORKLOADS[name]["full"])
    if quick:
        params.update(copy.deepcopy(WORKLOADS[name]["quick"]))
    unknown = set(overrides or {}) - set(params)
    if unknown:
        raise ValueError(f"unknown settings for {name}: {sorted(unknown)}")
    params.update(overrides or {})
    return params


def activation_grid(activations: list[str] | None, alphas: list[float] | None) -> list[tuple[str, float | None]]:
    """(activation, alpha) pairs: HeLU once per alpha, the others once."""
    acts = list(activations or ACTIVATIONS)
    alphas = list(HELU_ALPHAS if alphas is None else alphas)
    bad = [a for a in acts if a not in ACTIVATIONS]
    if bad:
        raise ValueError(f"unknown activations {bad}; choose from {', '.join(ACTIVATIONS)}")
    if any(a < 0 for a in alphas) or ("helu" in acts and not alphas):
        raise ValueError(f"HeLU alphas must be >= 0 and at least one: {alphas}")
    return [(a, al) for a in acts for al in (alphas if a == "helu" else [None])]


def plan_runs(*, workloads: list[str], seeds: list[int], device: str, quick: bool,
              activations: list[str] | None = None, alphas: list[float] | None = None,
              overrides: dict[str, dict] | None = None, threads: int = 0) -> list[RunSpec]:
    """Every run of the suite; the routing workload adds one closed-form operator baseline per seed."""
    if device not in ("cpu", "cuda"):
        raise ValueError(f"device must be cpu or cuda, got {device!r}")
    if not seeds or len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds must be distinct and at least one: {seeds}")
    grid = activation_grid(activations, alphas)
    stray = set(overrides or {}) - set(workloads)
    if stray:
        raise ValueError(f"settings given for workloads not in the suite: {sorted(stray)}")
    runs = []
    for w in workloads:
        p = workload_params(w, quick, (overrides or {}).get(w))
        fam = WORKLOADS[w]["family"]
        for seed in seeds:
            runs += [RunSpec(w, fam, a, al, seed, device, p, threads) for a, al in grid]
            if fam == "routing":
                runs.append(RunSpec(w, fam, "linear_operator", None, seed, device, p, threads))
    return runs
