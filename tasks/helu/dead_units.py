"""Dead units: a unit is dead when its pre-activation is <= 0 on every example of a fixed probe batch."""
from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn


@dataclass(frozen=True)
class DeadReport:
    """Dead units per activation layer (in forward order) and the unit-weighted overall fraction."""
    dead: tuple[int, ...]
    units: tuple[int, ...]

    @property
    def per_layer(self) -> list[float]:
        return [d / u for d, u in zip(self.dead, self.units)]

    @property
    def overall(self) -> float:
        return sum(self.dead) / sum(self.units) if self.units else float("nan")

    @property
    def any_layer_all_dead(self) -> bool:
        return any(d == u for d, u in zip(self.dead, self.units))


def unit_max(pre: torch.Tensor) -> torch.Tensor:
    """Per unit (dim 1: features of a linear layer, channels of a conv layer), the max pre-activation over the rest."""
    if pre.dim() < 2:
        raise ValueError(f"pre-activation needs a batch and a unit dimension, got shape {tuple(pre.shape)}")
    return pre.detach().transpose(0, 1).reshape(pre.shape[1], -1).amax(dim=1)


def activation_modules(model: nn.Module, kinds: tuple[type, ...]) -> list[nn.Module]:
    """The activation modules of `model` (instances of `kinds`) in registration order."""
    return [m for m in model.modules() if isinstance(m, kinds)]


@torch.no_grad()
def dead_units(model: nn.Module, probe: torch.Tensor, kinds: tuple[type, ...]) -> DeadReport:
    """Per activation layer of `model` (in eval mode), the units whose input is never > 0 on the probe batch."""
    acts = activation_modules(model, kinds)
    if not acts:
        raise ValueError("model has no activation modules of the given kinds")
    maxima: dict[int, torch.Tensor] = {}

    def hook(idx):
        def fn(_module, inputs):
            m = unit_max(inputs[0]).float()
            maxima[idx] = m if idx not in maxima else torch.maximum(maxima[idx], m)
        return fn

    handles = [a.register_forward_pre_hook(hook(i)) for i, a in enumerate(acts)]
    was_training = model.training
    model.eval()
    try:
        model(probe)
    finally:
        model.train(was_training)
        for h in handles:
            h.remove()
    if len(maxima) != len(acts):
        raise RuntimeError(f"only {len(maxima)} of {len(acts)} activation modules ran on the probe batch")
    dead = tuple(int((maxima[i] <= 0).sum()) for i in range(len(acts)))
    units = tuple(int(maxima[i].numel()) for i in range(len(acts)))
    return DeadReport(dead, units)
