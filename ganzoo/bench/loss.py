"""The loss suite: forward+backward of BCE-with-logits, eager PyTorch against torch.compile
and ganzoo's op on every backend this install has, case by case (see ``cases.py``).

Each implementation is timed as ``torch.autograd.grad(loss(), inputs)``: the forward, the
backward, and nothing else (``.backward()`` would add an accumulation into ``.grad``).
Eager and compiled code get a tensor target the only way PyTorch takes one: a scalar
target or the GAN pair's labels are built with ``ones_like`` / ``zeros_like`` inside the
timed call, as a training step must. Before timing, every implementation's loss is
checked against eager's. On CUDA, at ``LAUNCH_COUNT_SIZE`` elements (where a call is all
launch overhead) each implementation's kernel launches per forward+backward are counted.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from ganzoo.bench.cases import COLUMNS, LossCase, grid
from ganzoo.bench.timing import interleaved_cpu, interleaved_cuda, l2_flusher

SCALAR_TARGET = 1.0
#: below this many bytes of inputs the GPU's L2 is flushed before each timed call
FLUSH_BELOW_BYTES = 256 * 2**20
#: torch.compile's backend for the compiled contender (a dry run swaps in "aot_eager": no code generation)
COMPILE_BACKEND = "inductor"
#: the size at which kernel launches are counted (CUDA only)
LAUNCH_COUNT_SIZE = 64
#: the profiler's names of the runtime and driver calls that launch a kernel (with CUDA's version suffixes)
_LAUNCH_CALLS = ("cudaLaunchKernel", "cuLaunchKernel", "cudaLaunchCooperativeKernel", "cudaGraphLaunch")


def _shape(n: int) -> tuple[int, ...]:
    return (n // COLUMNS, COLUMNS) if n % COLUMNS == 0 else (n,)


def make_inputs(case: LossCase, device: str, seed: int = 0) -> dict:
    """Random inputs of ``case`` on ``device``: logits in N(0, 2²), soft targets in [0, 1],
    weights in [0.5, 1.5] (never zeros: they hide unwritten outputs and wrong indexing)."""
    import torch

    v = case.variant
    dtype = getattr(torch, v.dtype)
    g = torch.Generator().manual_seed(seed)

    def rand(shape, low=0.0, high=1.0, grad=False):
        x = (torch.rand(shape, generator=g) * (high - low) + low).to(device=device, dtype=dtype)
        return x.requires_grad_(grad)

    if v.op == "pair":
        shape = _shape(case.size)
        return {"real": rand(shape, -4, 4, True), "fake": rand(shape, -4, 4, True)}
    shape = _shape(case.size)
    inputs = {"logits": rand(shape, -4, 4, True)}
    if v.target == "tensor":
        inputs["target"] = rand(shape)
    if v.weighting == "weight":
        inputs["weight"] = rand(shape, 0.5, 1.5)
    if v.weighting == "pos_weight":
        inputs["pos_weight"] = rand((shape[-1],), 0.5, 1.5)
    return inputs


def eager_loss(case: LossCase, inputs: dict) -> Callable[[], object]:
    """The loss as a user writes it in plain PyTorch."""
    import torch
    import torch.nn.functional as F

    if case.variant.op == "pair":
        real, fake = inputs["real"], inputs["fake"]

        def pair():
            return (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                    + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
        return pair
    x, weight, pos_weight = inputs["logits"], inputs.get("weight"), inputs.get("pos_weight")
    target = inputs.get("target")

    def bce():
        t = target if target is not None else torch.full_like(x, SCALAR_TARGET)
        return F.binary_cross_entropy_with_logits(x, t, weight=weight, pos_weight=pos_weight)
    return bce


def ganzoo_loss(case: LossCase, inputs: dict, backend: str) -> Callable[[], object]:
    """ganzoo's op: the front door for the backend it picks on this device, the reference
    module directly for ``reference`` when the front door would pick a compiled backend."""
    from ganzoo import ops
    from ganzoo.ops import _backends, reference

    device = _device_of(inputs)
    if backend == _backends.backend_for(device):
        bce, pair = ops.bce_with_logits, ops.gan_pair_bce
    elif backend == "reference":
        bce = lambda x, t, **kw: reference.bce_with_logits(x, t, kw.get("weight"), kw.get("pos_weight"))  # noqa: E731
        pair = reference.gan_pair_bce
    else:
        raise RuntimeError(f"the loss front door does not pick backend {backend!r} on {device} here; "
                           f"unset {_backends.ENV_BACKEND} to benchmark every backend")
    if case.variant.op == "pair":
        real, fake = inputs["real"], inputs["fake"]
        return lambda: pair(real, fake)
    x = inputs["logits"]
    target = inputs.get("target", SCALAR_TARGET)
    kwargs = {k: inputs[k] for k in ("weight", "pos_weight") if k in inputs}
    return lambda: bce(x, target, **kwargs)


def _device_of(inputs: dict) -> str:
    return next(iter(inputs.values())).device.type


def backends_for(device: str) -> list[str]:
    """ganzoo's backends that compute on ``device`` in this install (``reference`` last)."""
    from ganzoo.ops import available_backends

    own = {"cpu": "cpp", "cuda": "cuda"}[device]
    return [b for b in available_backends() if b in (own, "reference")]


def forward_backward(loss: Callable[[], object], inputs: dict) -> Callable[[], object]:
    import torch

    leaves = [t for t in inputs.values() if t.requires_grad]
    return lambda: torch.autograd.grad(loss(), leaves)


def launches_in(event_names) -> int:
    """How many of a profile's events launch a kernel (``cudaLaunchKernel``, ``cuLaunchKernelEx``, …)."""
    return sum(1 for name in event_names if name.startswith(_LAUNCH_CALLS))


def kernel_launches(loss: Callable[[], object], inputs: dict) -> int:
    """Kernels one forward+backward of ``loss`` launches on CUDA, counted by torch.profiler after a
    warm-up call. The gradient seed is allocated beforehand: the fill autograd would launch for
    it is not the loss's."""
    import torch
    from torch.profiler import ProfilerActivity, profile

    leaves = [t for t in inputs.values() if t.requires_grad]
    seed = torch.ones((), device=leaves[0].device, dtype=leaves[0].dtype)

    def call():
        torch.autograd.grad(loss(), leaves, grad_outputs=seed)
    call()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        call()
        torch.cuda.synchronize()
    return launches_in(event.name for event in prof.events())


def implementations(case: LossCase, inputs: dict, backends: list[str],
                    count_launches: bool = False) -> tuple[dict, dict]:
    """({name: timed callable}, {name: notes}) for one case; compiles torch.compile's version
    and checks every loss against eager's; with ``count_launches`` the notes hold each one's
    kernel launches per call (CUDA)."""
    import torch

    torch._dynamo.reset()  # a fresh cache per case: past its recompile limit dynamo would run eager
    eager = eager_loss(case, inputs)
    compiled = torch.compile(eager_loss(case, inputs), dynamic=False, fullgraph=True, backend=COMPILE_BACKEND)
    losses = {"eager": eager, "compile": compiled}
    losses.update({f"ganzoo-{b}": ganzoo_loss(case, inputs, b) for b in backends})
    expected = eager().detach().double()
    notes = {}
    for name, loss in losses.items():
        start = time.perf_counter()
        value = loss().detach().double()  # the first call compiles torch.compile's version
        notes[name] = {"first_call_s": time.perf_counter() - start,
                       "abs_diff": float((value - expected).abs())}
        if count_launches:
            notes[name]["launches"] = kernel_launches(loss, inputs)
    return {name: forward_backward(loss, inputs) for name, loss in losses.items()}, notes


def run(device: str = "cpu", quick: bool = False, progress=None, cases: list[LossCase] | None = None) -> dict:
    """Time every case; returns {"peak": ..., "rows": [...]} with one row per case and implementation."""
    from ganzoo.bench.peak import copy_bandwidth

    cases = grid(device, quick) if cases is None else cases
    backends = backends_for(device)
    if progress:
        progress(0, len(cases) + 1, "copy bandwidth (peak)")
    peak = copy_bandwidth(device, quick)
    rows = []
    for i, case in enumerate(cases, 1):
        if progress:
            progress(i, len(cases) + 1, f"{case.variant.label}, n={case.size:,}")
        rows += measure_case(case, device, backends, quick)
    return {"peak": peak, "backends": backends, "rows": rows}


def measure_case(case: LossCase, device: str, backends: list[str], quick: bool) -> list[dict]:
    inputs = make_inputs(case, device)
    fns, notes = implementations(case, inputs, backends,
                                 count_launches=device == "cuda" and case.size == LAUNCH_COUNT_SIZE)
    reps = 7 if quick else 21
    if device == "cuda":
        flush = l2_flusher(device) if case.min_bytes() < FLUSH_BELOW_BYTES else None
        stats = interleaved_cuda(fns, reps=5 * reps, flush=flush)
    else:
        stats = interleaved_cpu(fns, reps=reps, min_sample_s=1e-3 if quick else 2e-3)
    return [{**case.to_dict(), "impl": name, "min_bytes": case.min_bytes(), **stats[name].to_dict(), **notes[name]}
            for name in fns]
