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
