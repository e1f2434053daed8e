"""Networks of the benchmark (MLP, small CNN, deep narrow MLP, Wide ResNet), built around one activation."""
from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from tasks.helu.activation import HeLU

ACTIVATIONS = ("helu", "relu", "gelu", "elu", "leaky_relu", "silu")
ACTIVATION_KINDS = (HeLU, nn.ReLU, nn.GELU, nn.ELU, nn.LeakyReLU, nn.SiLU)
ActFactory = Callable[[], nn.Module]


def activation_factory(name: str, alpha: float | None = None) -> ActFactory:
    """A zero-argument constructor of the named activation (alpha only for helu)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose from {', '.join(ACTIVATIONS)}")
    if (name == "helu") != (alpha is not None):
        raise ValueError(f"alpha is required for helu and only for helu (got {name}, alpha={alpha})")
    table = {"helu": lambda: HeLU(alpha), "relu": nn.ReLU, "gelu": nn.GELU, "elu": nn.ELU,
             "leaky_relu": nn.LeakyReLU, "silu": nn.SiLU}
    return table[name]


def mlp(sizes: list[int], act: ActFactory) -> nn.Sequential:
    """Linear layers of the given sizes with the activation between them (none after the last)."""
    if len(sizes) < 2:
        raise ValueError("an MLP needs at least input and output sizes")
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(act())
    return nn.Sequential(*layers)


def small_cnn(channels: tuple[int, int], n_classes: int, act: ActFactory) -> nn.Sequential:
    """Two 3x3 conv blocks and a linear head for 1x8x8 images."""
    c1, c2 = channels
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1), act(),
        nn.Conv2d(c1, c2, 3, padding=1), act(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(c2 * 16, 64), act(), nn.Linear(64, n_classes))


def default_init(model: nn.Module, gen: torch.Generator) -> nn.Module:
    """PyTorch's default init of every Linear and Conv2d, drawn from `gen` (not the global RNG, which concurrent
    runs in one process share); returns the model."""
    for m in model.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            nn.init.kaiming_uniform_(m.weight, a=5 ** 0.5, generator=gen)
            if m.bias is not None:
                bound = m.weight[0].numel() ** -0.5
                nn.init.uniform_(m.bias, -bound, bound, generator=gen)
    return model


def init_linear(model: nn.Module, scheme: str, gen: torch.Generator) -> None:
    """Re-draw every Linear layer from `gen`: 'default' (PyTorch's uniform) or 'he' (He normal, zero bias)."""
    for m in model.modules():
        if not isinstance(m, nn.Linear):
            continue
        fan_in = m.in_features
        with torch.no_grad():
            if scheme == "default":
                bound = fan_in ** -0.5
                m.weight.copy_(torch.rand(m.weight.shape, generator=gen) * 2 * bound - bound)
                m.bias.copy_(torch.rand(m.bias.shape, generator=gen) * 2 * bound - bound)
            elif scheme == "he":
                m.weight.copy_(torch.randn(m.weight.shape, generator=gen) * (2.0 / fan_in) ** 0.5)
                m.bias.zero_()
            else:
                raise ValueError(f"unknown init scheme {scheme!r}")


class _WideBlock(nn.Module):
    """Pre-activation wide residual block (BN-act-conv twice)."""

    def __init__(self, cin: int, cout: int, stride: int, act: ActFactory):
        super().__init__()
        self.bn1, self.act1 = nn.BatchNorm2d(cin), act()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn2, self.act2 = nn.BatchNorm2d(cout), act()
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.short = None if cin == cout and stride == 1 else nn.Conv2d(cin, cout, 1, stride, bias=False)

    def forward(self, x):
        o = self.act1(self.bn1(x))
        y = self.conv2(self.act2(self.bn2(self.conv1(o))))
        return y + (x if self.short is None else self.short(o))


def wide_resnet(depth: int, widen: int, n_classes: int, act: ActFactory) -> nn.Sequential:
    """WRN-depth-widen for 32x32 RGB images (Zagoruyko & Komodakis); WRN-40-4 is the paper's network."""
    if (depth - 4) % 6:
        raise ValueError(f"WRN depth must be 6n+4, got {depth}")
    n = (depth - 4) // 6
    widths = [16, 16 * widen, 32 * widen, 64 * widen]
    layers: list[nn.Module] = [nn.Conv2d(3, widths[0], 3, 1, 1, bias=False)]
    for g, stride in enumerate((1, 2, 2)):
        for i in range(n):
            layers.append(_WideBlock(widths[g] if i == 0 else widths[g + 1], widths[g + 1],
                                     stride if i == 0 else 1, act))
    layers += [nn.BatchNorm2d(widths[3]), act(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(widths[3], n_classes)]
    return nn.Sequential(*layers)
