"""HeLU against its definition: ReLU forward, gradient 1[x > -alpha] backward, exact, on every dtype and device."""
from __future__ import annotations

import math

import pytest
import torch

from tasks.helu import HeLU, helu
from tasks.helu.activation import threshold

DEVICES = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
DTYPES = [torch.float32, torch.bfloat16, torch.float16, torch.float64]
ALPHAS = [0.0, 0.001, 0.01, 0.05, 0.1, 0.3]


def boundary_values(alpha: float, dtype: torch.dtype) -> torch.Tensor:
    """Values on both sides of 0 and of -alpha, including the representable neighbours of -alpha and 0."""
    t = torch.tensor(threshold(alpha, dtype), dtype=dtype)
    above = torch.nextafter(t, torch.tensor(math.inf, dtype=dtype))
    zero = torch.zeros((), dtype=dtype)
    vals = [-3.0, -1.0, -2 * alpha - 0.5, -alpha / 2, 0.5, 2.0]
    return torch.cat([torch.tensor(vals, dtype=dtype), torch.stack([
        t, above, torch.nextafter(t, torch.tensor(-math.inf, dtype=dtype)), zero, -zero,
        torch.nextafter(zero, torch.tensor(-1.0, dtype=dtype)),
        torch.nextafter(zero, torch.tensor(1.0, dtype=dtype))])])


def expected_grad(x: torch.Tensor, upstream: torch.Tensor, alpha: float) -> torch.Tensor:
    """dL/dx = dL/dy * 1[x > -alpha], decided in float64 on the exact values of x."""
    return torch.where(x.double() > -alpha, upstream.double(), 0.0).to(x.dtype)


@pytest.mark.parametrize("device", DEVICES)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("alpha", ALPHAS)
def test_forward_is_relu_and_gradient_is_the_hysteresis_indicator(device, dtype, alpha):
    x = boundary_values(alpha, dtype).to(device).requires_grad_(True)
    upstream = torch.linspace(0.5, 2.0, x.numel(), dtype=dtype, device=device)
    y = HeLU(alpha)(x)
    assert y.dtype == dtype and torch.equal(y, torch.relu(x.detach()))
    y.backward(upstream)
    assert torch.equal(x.grad, expected_grad(x.detach(), upstream, alpha))
    # the window: some value in (-alpha, 0] gets the gradient exactly when alpha > 0
    window = (x.detach().double() <= 0) & (x.detach().double() > -alpha)
    assert bool((x.grad[window] == upstream[window]).all()) and (bool(window.any()) == (alpha > 0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_alpha_zero_is_exactly_relu_including_at_zero(dtype):
    x = (torch.randn(4, 5, 6, generator=torch.Generator().manual_seed(0)) * 2).to(dtype)
    x[0, 0, :3] = torch.tensor([0.0, -0.0, -1e-3], dtype=dtype)
    a, b = x.clone().requires_grad_(True), x.clone().requires_grad_(True)
    g = torch.randn(x.shape, generator=torch.Generator().manual_seed(1)).to(dtype)
    helu(a, 0.0).backward(g)
    torch.relu(b).backward(g)
    assert torch.equal(a.grad, b.grad)
    assert a.grad[0, 0, 0] == 0  # ReLU's gradient at exactly 0


def test_gradient_at_zero_flows_for_positive_alpha_and_random_shapes():
    gen = torch.Generator().manual_seed(2)
    for shape in [(), (7,), (3, 1, 4), (2, 3, 4, 5)]:
        x = (torch.randn(shape, generator=gen) * 0.2).requires_grad_(True)
        g = torch.randn(shape, generator=gen)
        helu(x, 0.1).backward(g)
        assert x.grad.shape == x.shape and torch.equal(x.grad, expected_grad(x.detach(), g, 0.1))
    z = torch.zeros(3, requires_grad=True)
    helu(z, 0.05).sum().backward()
    assert torch.equal(z.grad, torch.ones(3))


def test_threshold_is_the_largest_value_not_above_minus_alpha():
    for dtype in DTYPES:
        for alpha in ALPHAS + [1e-5, 0.07, 0.2, 1 / 3]:
            t = torch.tensor(threshold(alpha, dtype), dtype=dtype)
            nxt = torch.nextafter(t, torch.tensor(math.inf, dtype=dtype))
            assert float(t) <= -alpha < float(nxt), (dtype, alpha)


def test_inference_is_exactly_relu_without_autograd_state():
    x = torch.randn(64, 32, generator=torch.Generator().manual_seed(3))
    m = HeLU(0.1).eval()
    with torch.no_grad():
        y = m(x.clone().requires_grad_(True))
    assert torch.equal(y, torch.relu(x)) and y.grad_fn is None
    assert torch.equal(m(x), torch.relu(x)) and m(x).grad_fn is None


def test_saves_only_the_input_and_module_repr():
    x = torch.randn(10, requires_grad=True)
    y = HeLU(0.05)(x)
    (saved,) = y.grad_fn.saved_tensors
    assert torch.equal(saved, x.detach())
    assert "alpha=0.05" in repr(HeLU(0.05))


@pytest.mark.parametrize("bad", [-0.1, float("nan"), float("inf")])
def test_invalid_alpha_is_rejected(bad):
    with pytest.raises(ValueError, match="alpha"):
        HeLU(bad)
    with pytest.raises(ValueError, match="alpha"):
        helu(torch.ones(2, requires_grad=True), bad)


def test_integer_input_is_rejected():
    with pytest.raises(TypeError, match="floating"):
        helu(torch.arange(3))


@pytest.mark.parametrize("device", DEVICES)
def test_under_torch_compile_gradients_match_eager(device):
    torch.manual_seed(4)
    net = torch.nn.Sequential(torch.nn.Linear(6, 16), HeLU(0.1), torch.nn.Linear(16, 16), HeLU(0.05),
                              torch.nn.Linear(16, 1)).to(device)
    x = torch.randn(32, 6, device=device)
    grads = []
    for model in (net, torch.compile(net, backend="aot_eager", fullgraph=True)):
        net.zero_grad()
        out = model(x)
        out.square().mean().backward()
        grads.append([p.grad.clone() for p in net.parameters()] + [out.detach()])
    for a, b in zip(*grads):
        torch.testing.assert_close(a, b, rtol=1e-6, atol=1e-7)


@pytest.mark.slow
def test_under_inductor_compile_the_mask_matches_the_definition():
    x = boundary_values(0.05, torch.float32).repeat(4).requires_grad_(True)
    g = torch.arange(1, x.numel() + 1, dtype=torch.float32)
    y = torch.compile(HeLU(0.05), fullgraph=True)(x)
    y.backward(g)
    assert torch.equal(y, torch.relu(x.detach())) and torch.equal(x.grad, expected_grad(x.detach(), g, 0.05))
