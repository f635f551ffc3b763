"""The compiled op as a PyTorch citizen (opcheck, gradcheck, torch.compile), its determinism,
and how ganzoo.ops picks a backend or falls back to the reference."""

from __future__ import annotations

import sys
import warnings

import pytest
import torch
import torch.nn.functional as F

import ganzoo
import ganzoo.ops as ops
from ganzoo.ops import _backends, _registration


@pytest.fixture(autouse=True)
def clean_backend_state(monkeypatch):
    monkeypatch.delenv(_backends.ENV_BACKEND, raising=False)
    monkeypatch.delenv(_backends.ENV_REQUIRE, raising=False)
    _backends.reset()
    assert _backends.extension() is not None, _backends.load_error()
    yield
    _backends.reset()


def bce_samples():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(3, 5, dtype=torch.float64, generator=g)
    t = torch.rand(3, 5, dtype=torch.float64, generator=g)
    w, pw = torch.rand(5, dtype=torch.float64, generator=g), torch.rand(5, dtype=torch.float64, generator=g)
    yield (x.clone().requires_grad_(), t, 0.0, None, None, 1, True)
    yield (x.clone().requires_grad_(), None, 0.9, w, None, 0, True)
    yield (x.clone().requires_grad_(), t.clone().requires_grad_(), 0.0, w, pw, 2, False)
    yield (x.float(), t.float(), 0.0, None, pw.float(), 1, False)


@pytest.mark.parametrize("args", list(bce_samples()), ids=lambda a: f"red{a[5]}")
def test_opcheck_bce(args):
    torch.library.opcheck(torch.ops.ganzoo.bce_with_logits.default, args)


def test_opcheck_gan_pair():
    real = torch.randn(4, 1, dtype=torch.float64, requires_grad=True)
    fake = torch.randn(6, dtype=torch.float64, requires_grad=True)
    torch.library.opcheck(torch.ops.ganzoo.gan_pair_bce.default, (real, fake, 0.9, 0.0, True))


def backward_samples():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(3, 5, dtype=torch.float64, generator=g)
    t = torch.rand(3, 5, dtype=torch.float64, generator=g)
    w, pw = torch.rand(5, dtype=torch.float64, generator=g), torch.rand(5, dtype=torch.float64, generator=g)
    grad, saved = torch.tensor(0.7, dtype=torch.float64), torch.rand(3, 5, dtype=torch.float64, generator=g)
    yield (grad, x, t, 0.0, None, None, 1, saved)  # the forward stored the gradient
    yield (grad, x, None, 0.9, w, pw, 1, None)  # recompute, mean
    yield (torch.rand(3, 5, dtype=torch.float64, generator=g), x, t, 0.0, w, None, 0, None)  # recompute, none


@pytest.mark.parametrize("args", list(backward_samples()), ids=lambda a: f"red{a[6]}")
def test_opcheck_backward(args):
    torch.library.opcheck(torch.ops.ganzoo.bce_with_logits_backward.default, args)


@pytest.mark.parametrize("save_gradient", [True, False])
def test_backward_op_matches_the_formula(monkeypatch, save_gradient):
    """The C++ autograd's plain-backward path (the registered backward op) against PyTorch."""
    monkeypatch.setattr(_registration, "SAVE_GRADIENT", save_gradient)
    g = torch.Generator().manual_seed(6)
    x = torch.randn(6, 4, dtype=torch.float64, generator=g, requires_grad=True)
    w, pw = torch.rand(4, dtype=torch.float64, generator=g), torch.rand(4, dtype=torch.float64, generator=g)
    for reduction in ("mean", "sum", "none"):
        ours = ops.bce_with_logits(x, 0.9, weight=w, pos_weight=pw, reduction=reduction)
        ref = F.binary_cross_entropy_with_logits(x, torch.full_like(x, 0.9), weight=w, pos_weight=pw,
                                                 reduction=reduction)
        up = torch.rand(ours.shape, dtype=torch.float64, generator=g)
        torch.testing.assert_close(torch.autograd.grad(ours, x, up), torch.autograd.grad(ref, x, up))


def test_differentiating_the_backward_op_is_a_clear_error():
    x = torch.randn(4, requires_grad=True)
    grad = torch.ops.ganzoo.bce_with_logits_backward(torch.tensor(1.0), x, None, 1.0, None, None, 1, None)
    with pytest.raises(RuntimeError, match="bce_with_logits_backward"):
        grad.sum().backward()


@pytest.mark.parametrize("save_gradient", [True, False])
def test_gradcheck_and_gradgradcheck_float64(monkeypatch, save_gradient):
    monkeypatch.setattr(_registration, "SAVE_GRADIENT", save_gradient)
    g = torch.Generator().manual_seed(3)
    x = torch.randn(4, 3, dtype=torch.float64, generator=g, requires_grad=True)
    t = torch.rand(4, 3, dtype=torch.float64, generator=g, requires_grad=True)
    w, pw = torch.rand(3, dtype=torch.float64, generator=g), torch.rand(3, dtype=torch.float64, generator=g)
    for reduction in ("mean", "sum", "none"):
        fn = lambda x, t: ops.bce_with_logits(x, t, weight=w, pos_weight=pw, reduction=reduction)  # noqa: E731
        assert torch.autograd.gradcheck(fn, (x, t))
        assert torch.autograd.gradgradcheck(fn, (x, t))
    pair = lambda r, f: ops.gan_pair_bce(r, f, real_target=0.9)  # noqa: E731
    assert torch.autograd.gradcheck(pair, (x, t))
    assert torch.autograd.gradgradcheck(pair, (x, t))


def test_torch_compile_fullgraph_parity():
    torch._dynamo.reset()

    def step(real, fake, target, pw):
        return ops.gan_pair_bce(real, fake, real_target=0.9) + ops.bce_with_logits(
            fake, target, pos_weight=pw, reduction="sum"
        )

    compiled = torch.compile(step, fullgraph=True, backend="aot_eager")
    g = torch.Generator().manual_seed(4)
    args = [torch.randn(16, generator=g), torch.randn(16, generator=g), torch.rand(16, generator=g),
            torch.rand(16, generator=g)]
    results = []
    for fn in (step, compiled):
        real, fake = args[0].clone().requires_grad_(), args[1].clone().requires_grad_()
        loss = fn(real, fake, args[2], args[3])
        results.append((loss, *torch.autograd.grad(loss, (real, fake))))
    torch.testing.assert_close(results[1], results[0])


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_bitwise_identical_for_any_thread_count(dtype):
    g = torch.Generator().manual_seed(5)
    x = (torch.randn(300_001, generator=g) * 3).to(dtype).requires_grad_()
    t = torch.rand(300_001, generator=g).to(dtype)
    before = torch.get_num_threads()
    outs = []
    try:
        for threads in (1, 2):
            torch.set_num_threads(threads)
            loss = ops.bce_with_logits(x, t, pos_weight=torch.tensor([1.5], dtype=dtype))
            pair = ops.gan_pair_bce(x, x[:1000], real_target=0.9)
            outs.append((loss, pair, *torch.autograd.grad(loss + pair, x)))
    finally:
        torch.set_num_threads(before)
    for a, b in zip(*outs):
        assert torch.equal(a, b)


# --- backends ------------------------------------------------------------------------------


def test_available_backends_lists_the_cpu_op():
    backends = ops.available_backends()
    assert backends[-1] == "reference" and "cpp" in backends
    assert ("cuda" in backends) == (bool(_backends.extension().with_cuda) and torch.cuda.is_available())


def _grad_fn_name(loss):
    return loss.grad_fn.name()  # ganzoo's C++ autograd nodes all share the Python type CppFunction


def test_compiled_op_is_used_by_default():
    loss = ops.bce_with_logits(torch.randn(3, requires_grad=True), 1.0)
    assert "ganzoo" in _grad_fn_name(loss)


def test_env_forces_the_reference(monkeypatch):
    monkeypatch.setenv(_backends.ENV_BACKEND, "reference")
    _backends.reset()
    x = torch.randn(3, requires_grad=True)
    assert "BinaryCrossEntropyWithLogits" in _grad_fn_name(ops.bce_with_logits(x, 1.0))
    assert "ganzoo" not in _grad_fn_name(ops.gan_pair_bce(x, x))


@pytest.mark.parametrize("value, error", [("cuda", ValueError), ("fast", ValueError)])
def test_env_bad_choices_are_clear_errors(monkeypatch, value, error):
    monkeypatch.setenv(_backends.ENV_BACKEND, value)
    with pytest.raises(error, match=_backends.ENV_BACKEND):
        _backends.reset()
        ops.bce_with_logits(torch.zeros(2), 1.0)


@pytest.fixture
def missing_extension(monkeypatch):
    """Pretend ganzoo._C cannot be imported; restore the loaded one afterwards."""
    saved = (_backends._state.loaded, _backends._state.module, _backends._state.reason)
    monkeypatch.delattr(ganzoo, "_C", raising=False)
    monkeypatch.setitem(sys.modules, "ganzoo._C", None)
    _backends._state.loaded, _backends._state.module = False, None
    yield
    _backends._state.loaded, _backends._state.module, _backends._state.reason = saved


def test_missing_extension_falls_back_with_one_warning(missing_extension):
    x, t = torch.randn(5), torch.rand(5)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        first = ops.bce_with_logits(x, t)
        ops.bce_with_logits(x, t)
        ops.gan_pair_bce(x, x)
    relevant = [w for w in caught if issubclass(w.category, _backends.ExtensionFallbackWarning)]
    assert len(relevant) == 1
    assert "ganzoo._C" in str(relevant[0].message) and "reference" in str(relevant[0].message)
    torch.testing.assert_close(first, F.binary_cross_entropy_with_logits(x, t))
    assert ops.available_backends() == ["reference"]


def test_missing_extension_is_an_error_when_required(missing_extension, monkeypatch):
    monkeypatch.setenv(_backends.ENV_REQUIRE, "1")
    with pytest.raises(RuntimeError, match="GANZOO_REQUIRE_EXT"):
        ops.bce_with_logits(torch.zeros(2), 1.0)


def test_forcing_a_missing_backend_is_an_error(missing_extension, monkeypatch):
    monkeypatch.setenv(_backends.ENV_BACKEND, "cpp")
    with pytest.raises(RuntimeError, match="unavailable"):
        ops.bce_with_logits(torch.zeros(2), 1.0)


@pytest.mark.slow
# Inductor imports torch/utils/mkldnn.py, whose classes use torch.jit.script_method, which this
# torch itself deprecates: 14 warnings from inside torch, none from ganzoo or this test.
@pytest.mark.filterwarnings(r"ignore:`torch\.jit\.script_method` is deprecated:DeprecationWarning:torch\.jit\._script")
def test_torch_compile_inductor_parity():
    """The default backend too (a minute on a small machine: inductor compiles C++)."""
    torch._dynamo.reset()
    fn = lambda x, t: ops.bce_with_logits(x, t, reduction="sum") * 2  # noqa: E731
    x, t = torch.randn(33, requires_grad=True), torch.rand(33)
    loss = torch.compile(fn, fullgraph=True)(x, t)
    (grad,) = torch.autograd.grad(loss, x)
    expected = F.binary_cross_entropy_with_logits(x, t, reduction="sum") * 2
    torch.testing.assert_close(loss, expected)
    torch.testing.assert_close(grad, torch.autograd.grad(expected, x)[0])
