"""The CUDA op against the float64 CPU reference. Marked `cuda`: skipped (never passed) without
a CUDA device or without a ganzoo._C built with CUDA."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

import ganzoo.ops as ops
from ganzoo.ops import _backends

pytestmark = [
    pytest.mark.cuda,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device"),
]

TOL = {torch.float64: (1e-10, 1e-12), torch.float32: (2e-5, 2e-6), torch.float16: (2e-2, 2e-3),
       torch.bfloat16: (6e-2, 1e-2)}


@pytest.fixture(autouse=True)
def cuda_backend(monkeypatch):
    monkeypatch.delenv(_backends.ENV_BACKEND, raising=False)
    _backends.reset()
    reason = _backends.missing_reason("cuda")
    if reason is not None:
        pytest.skip(f"CUDA backend not built: {reason}")
    yield
    _backends.reset()


def run(fn, *tensors):
    leaves = [t.detach().clone().requires_grad_() for t in tensors]
    out = fn(*leaves)
    return out, torch.autograd.grad(out.sum(), leaves)


def check(fn_ours, fn_ref, tensors, dtype):
    rtol, atol = TOL[dtype]
    out, grads = run(fn_ours, *[t.to("cuda", dtype) for t in tensors])
    ref, ref_grads = run(fn_ref, *[t.double() for t in tensors])
    assert "ganzoo" in type(out.grad_fn).__name__
    torch.testing.assert_close(out.double().cpu(), ref, rtol=rtol, atol=atol, equal_nan=True)
    for g, r in zip(grads, ref_grads):
        torch.testing.assert_close(g.double().cpu(), r, rtol=rtol, atol=atol)


@pytest.mark.parametrize("dtype", list(TOL))
@pytest.mark.parametrize("n", [1, 7, 4096, 4099, 1_000_003])
@pytest.mark.parametrize("reduction", ["mean", "sum", "none"])
def test_parity(dtype, n, reduction):
    g = torch.Generator().manual_seed(n)
    x, t = torch.randn(n, generator=g) * 4, torch.rand(n, generator=g)
    w, pw = torch.rand(n, generator=g), torch.rand(1, generator=g) * 3
    check(lambda x, t: ops.bce_with_logits(x, t, weight=w.to(x), pos_weight=pw.to(x), reduction=reduction),
          lambda x, t: F.binary_cross_entropy_with_logits(x, t, weight=w.double(), pos_weight=pw.double(),
                                                          reduction=reduction),
          [x, t], dtype)


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_scalar_target_unaligned_views_and_rows(dtype):
    base = torch.randn(1001, 33)
    x = base[1:, 1:]  # offset: misaligned for 128-bit loads, non-contiguous
    pw = torch.rand(32) + 0.5
    check(lambda x: ops.bce_with_logits(x, 0.9, pos_weight=pw.to(x)),
          lambda x: F.binary_cross_entropy_with_logits(x, torch.full_like(x, float(torch.tensor(0.9, dtype=dtype))),
                                                       pos_weight=pw.double()),
          [x], dtype)


@pytest.mark.parametrize("n_fake", [100, 3_000_000])
def test_gan_pair(n_fake):
    real, fake = torch.randn(64), torch.randn(n_fake)
    check(lambda r, f: ops.gan_pair_bce(r, f, real_target=0.9),
          lambda r, f: F.binary_cross_entropy_with_logits(r, torch.full_like(r, float(torch.tensor(0.9))))
          + F.binary_cross_entropy_with_logits(f, torch.zeros_like(f)),
          [real, fake], torch.float32)


def test_deterministic_across_runs():
    x = torch.randn(5_000_011, device="cuda", requires_grad=True)
    t = torch.rand(5_000_011, device="cuda")
    first = ops.bce_with_logits(x, t)
    for _ in range(3):
        assert torch.equal(ops.bce_with_logits(x, t), first)


def test_extremes_match_pytorch_on_cuda():
    x = torch.tensor([float("inf"), -float("inf"), 1e4, -1e4, float("nan"), 0.0, 88.0, -88.0], device="cuda")
    for target in (0.0, 1.0, 0.3):
        t = torch.full_like(x, target)
        torch.testing.assert_close(ops.bce_with_logits(x, t, reduction="none"),
                                   F.binary_cross_entropy_with_logits(x, t, reduction="none"), equal_nan=True)


def test_opcheck_and_compile_on_cuda():
    x = torch.randn(3, 5, device="cuda", requires_grad=True)
    t = torch.rand(3, 5, device="cuda")
    torch.library.opcheck(torch.ops.ganzoo.bce_with_logits.default, (x, t, 0.0, None, None, 1, True))
    fn = torch.compile(lambda x: ops.gan_pair_bce(x, x * 2, real_target=0.9), fullgraph=True)
    torch.testing.assert_close(fn(x), ops.gan_pair_bce(x, x * 2, real_target=0.9))


def test_wrong_device_names_the_argument():
    with pytest.raises(ValueError, match="target"):
        ops.bce_with_logits(torch.zeros(3, device="cuda"), torch.zeros(3))
