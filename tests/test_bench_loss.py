"""ganzoo.bench.loss: inputs and implementations of a loss case (no timing)."""

import pytest
import torch

from ganzoo.bench import loss
from ganzoo.bench.cases import COLUMNS, LossCase, Variant


def test_inputs_match_the_case():
    inputs = loss.make_inputs(LossCase(Variant(weighting="pos_weight"), 256), "cpu")
    assert inputs["logits"].shape == (256 // COLUMNS, COLUMNS) and inputs["logits"].requires_grad
    assert inputs["pos_weight"].shape == (COLUMNS,) and not inputs["target"].requires_grad
    assert bool((inputs["pos_weight"] >= 0.5).all())


def test_pair_size_counts_each_side():
    inputs = loss.make_inputs(LossCase(Variant(op="pair", target="scalar"), 128), "cpu")
    assert inputs["real"].numel() == inputs["fake"].numel() == 128


@pytest.mark.parametrize("variant", [Variant(), Variant(target="scalar", weighting="weight"),
                                     Variant(weighting="pos_weight"), Variant(op="pair", target="scalar")])
@pytest.mark.parametrize("backend", loss.backends_for("cpu"))
def test_ganzoo_agrees_with_eager(variant, backend):
    case = LossCase(variant, 256)
    inputs = loss.make_inputs(case, "cpu")
    expected = loss.eager_loss(case, inputs)()
    torch.testing.assert_close(loss.ganzoo_loss(case, inputs, backend)(), expected)


def test_forward_backward_returns_a_gradient_per_leaf():
    case = LossCase(Variant(op="pair", target="scalar"), 128)
    inputs = loss.make_inputs(case, "cpu")
    grads = loss.forward_backward(loss.eager_loss(case, inputs), inputs)()
    assert [g.shape for g in grads] == [inputs["real"].shape, inputs["fake"].shape]
    assert inputs["real"].grad is None  # nothing accumulates between repetitions


def test_reference_is_always_benchmarked():
    assert loss.backends_for("cpu")[-1] == "reference"


def test_launches_are_the_runtime_and_driver_launch_calls():
    names = ["cudaLaunchKernel", "cudaLaunchKernelExC_v11060", "cuLaunchKernel", "cudaMemsetAsync",
             "aten::mul", "cudaStreamSynchronize", "cuLaunchKernelEx"]
    assert loss.launches_in(names) == 4


def test_launches_are_counted_only_on_cuda_at_the_count_size(monkeypatch):
    monkeypatch.setattr(loss, "COMPILE_BACKEND", "eager")
    counted = []
    monkeypatch.setattr(loss, "kernel_launches", lambda fn, inputs: counted.append(fn) or 0)
    case = LossCase(Variant(), loss.LAUNCH_COUNT_SIZE)
    _, notes = loss.implementations(case, loss.make_inputs(case, "cpu"), ["reference"], count_launches=True)
    assert all(notes[name]["launches"] == 0 for name in ("eager", "compile", "ganzoo-reference")) and len(counted) == 3
    rows = loss.measure_case(case, "cpu", ["reference"], quick=True)
    assert len(counted) == 3 and all("launches" not in row for row in rows)


@pytest.mark.cuda
@pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA device")
def test_eager_bce_launches_kernels_on_cuda():
    case = LossCase(Variant(), loss.LAUNCH_COUNT_SIZE)
    inputs = loss.make_inputs(case, "cuda")
    assert loss.kernel_launches(loss.eager_loss(case, inputs), inputs) >= 2
