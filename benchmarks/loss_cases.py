"""The loss benchmark's cases in one small table, shared by pytest-benchmark
(``benchmarks/test_bench_loss.py``) and anything else that times the loss (``ganzoo bench``).

A case is one forward+backward of a BCE-with-logits loss, ``reduction="mean"``:

- ``loss="bce"``: ``bce(x, target)`` on a (n/64, 64) float tensor (1-D below 64 elements),
  target a tensor or the Python float 1.0, optionally with a full-size ``weight`` and a
  per-column ``pos_weight``;
- ``loss="gan_pair"``: a discriminator's ``bce(real, 1) + bce(fake, 0)``, real and fake of n
  elements each; eager builds ``ones_like`` / ``zeros_like``, ganzoo uses ``gan_pair_bce``.

Implementations: ``eager`` (``F.binary_cross_entropy_with_logits``), ``compile`` (the same
function under ``torch.compile``, default backend, dynamic shapes), and ganzoo's compiled op by
backend (``cpp``, ``cuda``); ``cpp-recompute`` / ``cuda-recompute`` run ganzoo's op with the
gradient recomputed in the backward instead of stored by the forward (ganzoo's default stores
it and hands the buffer to the backward; see ganzoo/ops/_registration.py).

Use: ``for case in loss_cases("cpu"): step = make_step(case); step()``.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Callable

CPU_SIZES = (64, 4096, 65536, 2**20, 2**24)
CUDA_SIZES = CPU_SIZES + (10**7, 10**8)
VARIANTS = (  # (loss, target, weighted)
    ("bce", "tensor", False),
    ("bce", "scalar", False),
    ("bce", "tensor", True),
    ("bce", "scalar", True),
    ("gan_pair", "scalar", False),
)
COMPILED_VARIANTS = {("bce", "tensor", False), ("gan_pair", "scalar", False)}  # compiling is slow


@dataclass(frozen=True)
class LossCase:
    loss: str
    target: str
    weighted: bool
    n: int
    impl: str
    device: str = "cpu"
    dtype: str = "float32"

    @property
    def group(self) -> str:
        """Cases that differ only in `impl`: compare these side by side."""
        weights = "+weights" if self.weighted else ""
        return f"{self.loss}/{self.target}{weights}/{self.device}/{self.dtype}/n{self.n}"

    @property
    def name(self) -> str:
        return f"{self.group}/{self.impl}"


def loss_cases(device: str = "cpu", sizes=None, backends=None, compiled: bool = True) -> list[LossCase]:
    """Every case for `device`; `backends` defaults to ganzoo's built backends for it."""
    import ganzoo.ops as ops

    if sizes is None:
        sizes = CUDA_SIZES if device == "cuda" else CPU_SIZES
    if backends is None:
        wanted = "cuda" if device == "cuda" else "cpp"
        backends = [b for b in ops.available_backends() if b == wanted]
    cases = []
    for loss, target, weighted in VARIANTS:
        for n in sizes:
            impls = ["eager"] + list(backends)
            if compiled and (loss, target, weighted) in COMPILED_VARIANTS:
                impls.insert(1, "compile")
            if (loss, target, weighted) == VARIANTS[0]:
                impls += [f"{b}-recompute" for b in backends]
            cases += [LossCase(loss, target, weighted, n, impl, device) for impl in impls]
    return cases


def _eager_bce(x, t, weight, pos_weight):
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(x, t, weight=weight, pos_weight=pos_weight)


def _eager_scalar_bce(x, weight, pos_weight):
    import torch
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(x, torch.ones_like(x), weight=weight, pos_weight=pos_weight)


def _eager_pair(real, fake):
    import torch
    import torch.nn.functional as F

    return F.binary_cross_entropy_with_logits(real, torch.ones_like(real)) + F.binary_cross_entropy_with_logits(
        fake, torch.zeros_like(fake)
    )


_compiled: dict = {}


def _compile(fn):
    import torch

    if fn not in _compiled:
        _compiled[fn] = torch.compile(fn, dynamic=True)
    return _compiled[fn]


@contextlib.contextmanager
def _split(save_gradient):
    """ganzoo's forward/backward split for the block: True (store, the default) or False (recompute)."""
    from ganzoo.ops import _registration

    saved = _registration.SAVE_GRADIENT
    _registration.SAVE_GRADIENT = save_gradient
    try:
        yield
    finally:
        _registration.SAVE_GRADIENT = saved


def _loss_fn(case: LossCase) -> Callable:
    """fn(*inputs) -> loss for the case's implementation."""
    import ganzoo.ops as ops

    if case.impl in ("eager", "compile"):
        wrap = _compile if case.impl == "compile" else (lambda f: f)
        if case.loss == "gan_pair":
            return wrap(_eager_pair)
        return wrap(_eager_bce if case.target == "tensor" else _eager_scalar_bce)
    if case.loss == "gan_pair":
        return ops.gan_pair_bce
    if case.target == "tensor":
        return lambda x, t, w, pw: ops.bce_with_logits(x, t, weight=w, pos_weight=pw)
    return lambda x, w, pw: ops.bce_with_logits(x, 1.0, weight=w, pos_weight=pw)


def make_step(case: LossCase, seed: int = 0) -> Callable[[], None]:
    """A closure running one forward+backward of `case` (waiting for the GPU when on CUDA)."""
    import torch

    g = torch.Generator().manual_seed(seed)
    dtype = getattr(torch, case.dtype)
    shape = (case.n // 64, 64) if case.n >= 64 and case.n % 64 == 0 else (case.n,)

    def tensor(scale=1.0, offset=0.0, grad=False):
        t = (torch.rand(shape, generator=g) * scale + offset).to(case.device, dtype)
        return t.requires_grad_(grad)

    fn = _loss_fn(case)
    if case.loss == "gan_pair":
        leaves = (tensor(8.0, -4.0, True), tensor(8.0, -4.0, True))
        args = leaves
    else:
        x = tensor(8.0, -4.0, True)
        leaves = (x,)
        t = (tensor(),) if case.target == "tensor" else ()
        w = tensor() if case.weighted else None
        pw = (torch.rand(shape[-1], generator=g) * 2).to(case.device, dtype) if case.weighted else None
        args = (x, *t, w, pw)
    split = False if case.impl.endswith("-recompute") else None
    sync = torch.cuda.synchronize if case.device == "cuda" else (lambda: None)

    if split is None:  # ganzoo's own choice: no context manager inside the timed step

        def step():
            for leaf in leaves:
                leaf.grad = None
            fn(*args).backward()
            sync()

    else:

        def step():
            for leaf in leaves:
                leaf.grad = None
            with _split(split):
                fn(*args).backward()
            sync()

    return step
