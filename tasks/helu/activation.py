"""HeLU, the Hysteresis Rectified Linear Unit: ReLU forward, gradient 1[x > -alpha] backward."""
from __future__ import annotations

import math

import torch
from torch import nn

DEFAULT_ALPHA = 0.05
_FLOAT_DTYPES = (torch.float16, torch.bfloat16, torch.float32, torch.float64)


def check_alpha(alpha: float) -> float:
    """alpha as a float, or ValueError when it is negative, NaN or infinite."""
    alpha = float(alpha)
    if not math.isfinite(alpha) or alpha < 0:
        raise ValueError(f"HeLU alpha must be a finite number >= 0, got {alpha!r}")
    return alpha


def threshold(alpha: float, dtype: torch.dtype) -> float:
    """The largest value t of `dtype` with t <= -alpha, so that (x > t) == (x > -alpha) exactly for x of `dtype`."""
    exact = -check_alpha(alpha)
    t = torch.tensor(exact, dtype=torch.float64).to(dtype)  # round to nearest
    if float(t) > exact:  # rounded towards zero: step one value down
        t = torch.nextafter(t, torch.tensor(-math.inf, dtype=dtype))
    return float(t)


class HeLUFunction(torch.autograd.Function):
    """y = max(0, x); dL/dx = dL/dy * 1[x > t], t = threshold(alpha, x.dtype) (so t = -alpha up to rounding down)."""

    @staticmethod
    def forward(x: torch.Tensor, t: float) -> torch.Tensor:
        return torch.relu(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, t = inputs
        ctx.save_for_backward(x)  # as much memory as ReLU's saved output
        ctx.t = t

    @staticmethod
    def backward(ctx, grad_out: torch.Tensor):
        (x,) = ctx.saved_tensors
        # ReLU's own backward kernel with the threshold moved to t: grad where x > t, else 0 (one fused pass)
        return torch.ops.aten.threshold_backward(grad_out, x, ctx.t), None


def helu(x: torch.Tensor, alpha: float = DEFAULT_ALPHA) -> torch.Tensor:
    """HeLU of x: exactly ReLU in value; the hysteresis gradient when x requires grad."""
    if not x.is_floating_point():
        raise TypeError(f"HeLU needs a floating-point tensor, got {x.dtype}")
    if not (torch.is_grad_enabled() and x.requires_grad):
        return torch.relu(x)  # inference: exactly ReLU
    return HeLUFunction.apply(x, threshold(alpha, x.dtype))


class HeLU(nn.Module):
    """nn.Module form of helu(x, alpha); thresholds per dtype are computed once, so it traces under torch.compile."""

    def __init__(self, alpha: float = DEFAULT_ALPHA):
        super().__init__()
        self.alpha = check_alpha(alpha)
        self._thresholds = {dt: threshold(self.alpha, dt) for dt in _FLOAT_DTYPES}

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not (torch.is_grad_enabled() and x.requires_grad):
            return torch.relu(x)
        return HeLUFunction.apply(x, self._thresholds[x.dtype])

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"
