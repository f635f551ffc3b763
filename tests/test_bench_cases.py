"""ganzoo.bench.cases: the loss grid and its minimum bytes."""

from ganzoo.bench.cases import COLUMNS, LossCase, Variant, grid, variants


def test_minimum_bytes_per_float32_element():
    n = 1024
    assert LossCase(Variant(target="tensor"), n).min_bytes() == 12 * n
    assert LossCase(Variant(target="scalar"), n).min_bytes() == 8 * n
    assert LossCase(Variant(target="tensor", weighting="weight"), n).min_bytes() == 16 * n
    assert LossCase(Variant(op="pair", target="scalar"), n).min_bytes() == 2 * 8 * n  # real and fake


def test_pos_weight_is_one_row_and_half_precision_halves_the_bytes():
    assert LossCase(Variant(weighting="pos_weight"), 1024).min_bytes() == 12 * 1024 + 4 * COLUMNS
    assert LossCase(Variant(dtype="bfloat16"), 1024).min_bytes() == 6 * 1024


def test_cpu_grid_spans_64_to_2_pow_24_in_float32():
    cases = grid("cpu", quick=False)
    assert {c.size for c in cases} >= {64, 2**20, 2**24} and max(c.size for c in cases) == 2**24
    assert {c.variant.dtype for c in cases} == {"float32"}


def test_gpu_grid_adds_half_precisions_and_large_sizes():
    cases = grid("cuda", quick=False)
    assert {c.variant.dtype for c in cases} == {"float32", "float16", "bfloat16"}
    assert 10**8 in {c.size for c in cases}


def test_quick_grid_is_small_and_keeps_the_pair():
    assert len(grid("cpu", quick=True)) <= 6
    assert any(v.op == "pair" for v in variants("cpu", quick=True))
