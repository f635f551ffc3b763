"""ganzoo.ops on the compiled CPU op: parity with PyTorch's BCE-with-logits, edge cases, errors.

The oracle is ``F.binary_cross_entropy_with_logits`` evaluated in float64. Backend selection,
registration checks (opcheck, gradcheck, torch.compile) and determinism are in
test_ops_registration.py; the CUDA op in test_ops_cuda.py.
"""

from __future__ import annotations

import contextlib
import math

import pytest
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st
from torch.utils._python_dispatch import TorchDispatchMode

import ganzoo.ops as ops
from ganzoo.ops import _backends, _registration

TOL = {  # (rtol, atol) against the float64 oracle, by dtype
    torch.float64: (1e-10, 1e-12),
    torch.float32: (2e-5, 2e-6),
    torch.float16: (2e-2, 2e-3),
    torch.bfloat16: (6e-2, 1e-2),
}


@pytest.fixture(autouse=True)
def compiled_backend(monkeypatch):
    """Every test here runs on the compiled op: fail, not fall back, if it is missing."""
    monkeypatch.delenv(_backends.ENV_BACKEND, raising=False)
    _backends.reset()
    if "cpp" not in ops.available_backends():
        pytest.fail(f"the compiled CPU op is missing: {_backends.missing_reason('cpp')}")
    yield
    _backends.reset()


@contextlib.contextmanager
def gradient_split(save_gradient):
    """Force the forward/backward split: True (forward stores the gradient) or False (recompute)."""
    saved, _registration.SAVE_GRADIENT = _registration.SAVE_GRADIENT, save_gradient
    try:
        yield
    finally:
        _registration.SAVE_GRADIENT = saved


def oracle(logits, target, weight=None, pos_weight=None, reduction="mean"):
    """Loss and gradients (logits, and target when it is a tensor) from float64 PyTorch."""
    x = logits.detach().double().requires_grad_()
    t = target.detach().double().requires_grad_() if torch.is_tensor(target) else None
    t_full = t if t is not None else torch.full_like(x, float(torch.tensor(target, dtype=logits.dtype)))
    w = weight.double() if weight is not None else None
    pw = pos_weight.double() if pos_weight is not None else None
    loss = F.binary_cross_entropy_with_logits(x, t_full, weight=w, pos_weight=pw, reduction=reduction)
    inputs = [x] + ([t] if t is not None else [])
    grads = torch.autograd.grad(loss.sum(), inputs) if loss.numel() else [torch.zeros_like(i) for i in inputs]
    return loss, grads


def ours(logits, target, **kw):
    x = logits.detach().clone().requires_grad_()
    t = target.detach().clone().requires_grad_() if torch.is_tensor(target) else target
    loss = ops.bce_with_logits(x, t, **kw)
    inputs = [x] + ([t] if torch.is_tensor(t) else [])
    grads = torch.autograd.grad(loss.sum(), inputs) if loss.numel() else [torch.zeros_like(i) for i in inputs]
    return loss, grads


def assert_close(actual, expected, dtype):
    rtol, atol = TOL[dtype]
    assert actual.dtype == dtype
    assert actual.shape == expected.shape
    # A value past the dtype's range is inf in that dtype (a float16 sum of 40 000 losses can be)
    rounded = expected.to(dtype).double()
    expected = torch.where(rounded.isinf() & expected.isfinite(), rounded, expected)
    torch.testing.assert_close(actual.double(), expected, rtol=rtol, atol=atol, equal_nan=True)


def check_parity(logits, target, **kw):
    loss, grads = ours(logits, target, **kw)
    ref_loss, ref_grads = oracle(logits, target, **kw)
    assert_close(loss, ref_loss, logits.dtype)
    for g, r in zip(grads, ref_grads):
        assert_close(g, r, logits.dtype)


# --- random parity -------------------------------------------------------------------------

shapes = st.lists(st.integers(0, 9), min_size=1, max_size=3).map(tuple) | st.sampled_from(
    [(1,), (3, 1000), (40000,), (2, 3, 17)]
)


@settings(max_examples=60, deadline=None)
@given(
    shape=shapes,
    dtype=st.sampled_from(list(TOL)),
    reduction=st.sampled_from(["mean", "sum", "none"]),
    target_kind=st.sampled_from(["tensor", "one", "zero", "smoothed"]),
    weight_kind=st.sampled_from([None, "full", "last", "scalar", "column"]),
    pos_weight_kind=st.sampled_from([None, "last", "scalar"]),
    save_gradient=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_parity_with_float64_reference(shape, dtype, reduction, target_kind, weight_kind,
                                       pos_weight_kind, save_gradient, seed):
    g = torch.Generator().manual_seed(seed)
    logits = (torch.randn(shape, generator=g) * 4).to(dtype)
    target = {
        "tensor": torch.rand(shape, generator=g).to(dtype),
        "one": 1.0,
        "zero": 0.0,
        "smoothed": 0.9,
    }[target_kind]
    last = shape[-1]
    weight_shape = {"full": shape, "last": (last,), "scalar": (1,), "column": shape[:-1] + (1,)}
    weight = None if weight_kind is None else torch.rand(weight_shape[weight_kind], generator=g).to(dtype)
    pos_shape = {"last": (last,), "scalar": ()}
    pos_weight = (
        None if pos_weight_kind is None else (torch.rand(pos_shape[pos_weight_kind], generator=g) * 3).to(dtype)
    )
    with gradient_split(save_gradient):
        check_parity(logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction)


# --- edge cases ----------------------------------------------------------------------------

EXTREMES = [math.inf, -math.inf, 1e4, -1e4, math.nan, 0.0, 20.0, -20.0, 100.0, -100.0, 88.0, -88.0]


@pytest.mark.parametrize("target", [0.0, 1.0, 0.3])
@pytest.mark.parametrize("with_pos_weight", [False, True])
def test_extreme_logits_match_pytorch(target, with_pos_weight):
    x = torch.tensor(EXTREMES, requires_grad=True)
    t = torch.full_like(x, target)
    pw = torch.full((x.numel(),), 2.5) if with_pos_weight else None
    expected = F.binary_cross_entropy_with_logits(x, t, pos_weight=pw, reduction="none")
    (expected_grad,) = torch.autograd.grad(expected.sum(), x)
    for tgt in (t, target):
        loss = ops.bce_with_logits(x, tgt, pos_weight=pw, reduction="none")
        (grad,) = torch.autograd.grad(loss.sum(), x)
        torch.testing.assert_close(loss, expected, equal_nan=True, atol=1e-6, rtol=1e-6)
        torch.testing.assert_close(grad, expected_grad, equal_nan=True, atol=1e-6, rtol=1e-6)


def test_nan_propagates_to_reductions():
    x = torch.tensor([0.5, math.nan, -1.0])
    assert math.isnan(ops.bce_with_logits(x, 1.0).item())
    assert math.isnan(ops.bce_with_logits(x, torch.zeros(3), reduction="sum").item())


@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_empty_inputs(reduction):
    x = torch.zeros(0, 4, requires_grad=True)
    loss = ops.bce_with_logits(x, torch.zeros(0, 4), reduction=reduction)
    expected = F.binary_cross_entropy_with_logits(x, torch.zeros(0, 4), reduction=reduction)
    torch.testing.assert_close(loss, expected, equal_nan=True)
    assert ops.gan_pair_bce(torch.zeros(0), torch.zeros(3)).isnan()


def test_backward_hands_over_the_stored_gradient_without_a_copy():
    x = torch.randn(300, requires_grad=True)
    with torch.profiler.profile() as prof:
        ops.bce_with_logits(x, 1.0).backward()
    names = {event.key for event in prof.key_averages()}
    assert "ganzoo::bce_with_logits_backward" not in names and "aten::mul" not in names
    torch.testing.assert_close(x.grad, (torch.sigmoid(x) - 1).detach() / 300)


@pytest.mark.parametrize("upstream", [1.0, 3.0, -0.5])
def test_upstream_gradients_scale_the_stored_gradient(upstream):
    logits, target = torch.randn(4, 6, dtype=torch.float64), torch.rand(4, 6, dtype=torch.float64)
    for reduction in ("mean", "sum", "none"):
        x = logits.clone().requires_grad_()
        loss = ops.bce_with_logits(x, target, reduction=reduction)
        (loss * upstream).sum().backward()
        expected = oracle(logits, target, reduction=reduction)[1][0]
        torch.testing.assert_close(x.grad, expected * upstream, rtol=1e-10, atol=1e-12)


def test_retained_graph_gives_the_same_gradient_every_time():
    """The first backward takes the stored gradient; later ones recompute it."""
    logits, target = torch.randn(50, dtype=torch.float64), torch.rand(50, dtype=torch.float64)
    for fn in (lambda x: ops.bce_with_logits(x, target), lambda x: ops.gan_pair_bce(x, x.flip(0))):
        x = logits.clone().requires_grad_()
        loss = fn(x)
        first = torch.autograd.grad(loss, x, retain_graph=True)[0]
        first.mul_(100.0)  # the caller owns what backward returned
        second = torch.autograd.grad(loss, x)[0]
        torch.testing.assert_close(first / 100.0, second, rtol=1e-12, atol=0)
    torch.testing.assert_close(second, oracle(logits, 1.0)[1][0] + oracle(logits.flip(0), 0.0)[1][0].flip(0))


def test_gradients_accumulate_across_backward_calls():
    x = torch.randn(20, requires_grad=True)
    ops.bce_with_logits(x, 1.0).backward()
    first = x.grad.clone()
    ops.bce_with_logits(x, 1.0).backward()
    torch.testing.assert_close(x.grad, 2 * first)


def test_outputs_of_32_mib_and_more_are_right():
    """Outputs this large come from the huge-page allocator (csrc/output_buffer.cpp)."""
    n = 2**23  # 32 MiB of float32
    x = torch.linspace(-30, 30, n).requires_grad_()
    per_element = ops.bce_with_logits(x, 0.25, reduction="none")
    ops.bce_with_logits(x, 0.25).backward()
    x64 = x.detach().double().requires_grad_()
    expected = F.binary_cross_entropy_with_logits(x64, torch.full_like(x64, 0.25), reduction="none")
    expected.mean().backward()
    torch.testing.assert_close(per_element.double(), expected.detach(), rtol=2e-5, atol=2e-6)
    torch.testing.assert_close(x.grad.double(), x64.grad, rtol=2e-5, atol=1e-12)
    x.grad.add_(1.0).resize_(4)  # an ordinary tensor: in place, resizable
    assert x.grad.shape == (4,)


def test_modifying_the_ops_gradient_output_before_backward_is_an_error():
    x = torch.randn(10, requires_grad=True)
    loss, grad = torch.ops.ganzoo.bce_with_logits.default(x, None, 1.0, None, None, 1, True)
    grad.zero_()
    with pytest.raises(RuntimeError, match="modified in place"):
        loss.backward()


def test_non_contiguous_and_offset_views():
    base = torch.randn(7, 12, dtype=torch.float64)
    logits = base[1:, ::2]  # offset and strided
    target = torch.rand(6, 6, dtype=torch.float64).t()  # transposed
    weight = torch.rand(6, 12, dtype=torch.float64)[:, 1::2]
    pos_weight = torch.rand(12, dtype=torch.float64)[::2]
    for reduction in ("mean", "none"):
        check_parity(logits, target, weight=weight, pos_weight=pos_weight, reduction=reduction)


def test_target_gradient_matches_pytorch():
    g = torch.Generator().manual_seed(0)
    logits, target = torch.randn(5, 8, generator=g), torch.rand(5, 8, generator=g)
    pos_weight = torch.rand(8, generator=g) + 0.5
    for pw in (None, pos_weight):
        check_parity(logits, target, pos_weight=pw, weight=torch.rand(8, generator=g))


def test_double_backward_matches_pytorch():
    g = torch.Generator().manual_seed(1)
    logits, target, pw = torch.randn(6, 5, generator=g), torch.rand(6, 5, generator=g), torch.rand(5, generator=g)
    results = []
    for fn in (ops.bce_with_logits, F.binary_cross_entropy_with_logits):
        x = logits.clone().requires_grad_()
        loss = fn(x, target, pos_weight=pw)
        (gx,) = torch.autograd.grad(loss, x, create_graph=True)
        (ggx,) = torch.autograd.grad((gx * gx).sum(), x)
        results.append((gx.detach(), ggx))
    torch.testing.assert_close(results[0], results[1])


def test_scalar_target_is_never_materialised():
    class Record(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.ops = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.ops.append(str(func))
            return func(*args, **(kwargs or {}))

    x = torch.randn(1000, requires_grad=True)
    with Record() as rec:
        ops.bce_with_logits(x, 0.9)
        ops.gan_pair_bce(x, x, real_target=0.9)
    # (autograd saves its inputs through detach, a view: nothing is allocated or filled)
    called = [op for op in rec.ops if op != "aten.detach.default"]
    assert called == ["ganzoo.bce_with_logits.default", "ganzoo.gan_pair_bce.default"]


# --- the GAN pair --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
@pytest.mark.parametrize("real_target", [1.0, 0.9])
@pytest.mark.parametrize("save_gradient", [True, False])
def test_gan_pair_matches_two_eager_calls(dtype, real_target, save_gradient):
    g = torch.Generator().manual_seed(2)
    real = (torch.randn(64, 1, generator=g) * 3).to(dtype).requires_grad_()
    fake = (torch.randn(50000, generator=g) * 3).to(dtype).requires_grad_()
    with gradient_split(save_gradient):
        loss = ops.gan_pair_bce(real, fake, real_target=real_target, fake_target=0.05)
        grads = torch.autograd.grad(loss, (real, fake))
    r64, f64 = real.detach().double().requires_grad_(), fake.detach().double().requires_grad_()
    t_real = torch.full_like(r64, float(torch.tensor(real_target, dtype=dtype)))
    t_fake = torch.full_like(f64, float(torch.tensor(0.05, dtype=dtype)))
    expected = F.binary_cross_entropy_with_logits(r64, t_real) + F.binary_cross_entropy_with_logits(f64, t_fake)
    expected_grads = torch.autograd.grad(expected, (r64, f64))
    assert_close(loss, expected, dtype)
    for got, want in zip(grads, expected_grads):
        assert_close(got, want, dtype)


def test_gan_pair_double_backward():
    real, fake = torch.randn(8, requires_grad=True), torch.randn(8, requires_grad=True)
    (gr,) = torch.autograd.grad(ops.gan_pair_bce(real, fake), real, create_graph=True)
    (ggr,) = torch.autograd.grad(gr.sum(), real)
    s = torch.sigmoid(real.detach())
    torch.testing.assert_close(ggr, s * (1 - s) / 8)


# --- errors name the argument --------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda x: ops.bce_with_logits(x, torch.ones(4, dtype=torch.float64)), ValueError, "target"),
        (lambda x: ops.bce_with_logits(x, torch.ones(5)), ValueError, "target"),
        (lambda x: ops.bce_with_logits(x, "1"), TypeError, "target"),
        (lambda x: ops.bce_with_logits(x, 1.0, weight=torch.ones(3)), ValueError, "weight"),
        (lambda x: ops.bce_with_logits(x, 1.0, weight=torch.ones(2, 4)), ValueError, "weight"),
        (lambda x: ops.bce_with_logits(x, 1.0, pos_weight=torch.ones(4, dtype=torch.half)), ValueError, "pos_weight"),
        (lambda x: ops.bce_with_logits(x.long(), 1.0), ValueError, "logits"),
        (lambda x: ops.bce_with_logits(x.tolist(), 1.0), TypeError, "logits"),
        (lambda x: ops.bce_with_logits(x, 1.0, reduction="avg"), ValueError, "reduction"),
        (lambda x: ops.gan_pair_bce(x, x.double()), ValueError, "fake_logits"),
        (lambda x: ops.gan_pair_bce(x, x, real_target=None), TypeError, "real_target"),
    ],
)
def test_bad_arguments_name_the_argument(call, error, words):
    with pytest.raises(error, match=words):
        call(torch.zeros(4))


@pytest.mark.parametrize("name", ["weight", "pos_weight"])
def test_weights_are_not_differentiable(name):
    x = torch.randn(4, requires_grad=True)
    w = torch.rand(4, requires_grad=True)
    with pytest.raises(RuntimeError, match=name):
        ops.bce_with_logits(x, 1.0, **{name: w}).backward()
