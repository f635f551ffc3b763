"""The loss suite's grid, as plain data: which loss variants, at which sizes and dtypes.

A case is one variant of the loss at one size; it knows the fewest bytes any
forward+backward of it must move (each input read once, each gradient written once),
which is what "effective bandwidth" counts. Sizes mean what ``benchmarks/loss_cases.py``
(the pytest-benchmark twin) means: elements of the logits, and of *each* of real and fake
for the GAN pair, so the two report comparable cases. Nothing here imports torch.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

#: bytes per element of each dtype the suite runs
ITEMSIZE = {"float32": 4, "float16": 2, "bfloat16": 2}
#: the innermost dimension of every logits tensor (``pos_weight`` broadcasts along it)
COLUMNS = 64

CPU_SIZES = [2**k for k in range(6, 25, 2)]  # 64 ... 2^24
GPU_SIZES = CPU_SIZES + [10**7, 10**8]
QUICK_SIZES = [64, 2**20]


@dataclass(frozen=True)
class Variant:
    """What is computed: ``op`` "bce" (one call) or "pair" (a discriminator's real + fake loss);
    ``target`` "tensor" or "scalar"; ``weighting`` "none", "weight" (full-size) or "pos_weight"."""

    op: str = "bce"
    target: str = "tensor"
    weighting: str = "none"
    dtype: str = "float32"

    @property
    def label(self) -> str:
        if self.op == "pair":
            return f"GAN pair, n real + n fake, {self.dtype}"
        extra = "" if self.weighting == "none" else f", {self.weighting}"
        return f"BCE, {self.target} target{extra}, {self.dtype}"


@dataclass(frozen=True)
class LossCase:
    variant: Variant
    size: int  # elements of the logits (of each of real and fake for the pair)

    @property
    def elements(self) -> int:
        """Logits in all: the pair has real and fake."""
        return 2 * self.size if self.variant.op == "pair" else self.size

    def min_bytes(self) -> int:
        """Bytes a forward+backward must move at the least: logits read, gradient written,
        a tensor target and a full-size weight read; pos_weight is one row, read once."""
        v, item = self.variant, ITEMSIZE[self.variant.dtype]
        per_element = 2 + (v.target == "tensor") + (v.weighting == "weight")
        extra = COLUMNS * item if v.weighting == "pos_weight" else 0
        return self.elements * per_element * item + extra

    def to_dict(self) -> dict:
        return {**asdict(self.variant), "size": self.size}


def variants(device: str, quick: bool) -> list[Variant]:
    """The variants run on ``device`` ("cpu" or "cuda"); quick mode keeps the three that the
    kernel's targets and the GAN step rest on."""
    if quick:
        return [Variant(), Variant(target="scalar"), Variant(op="pair", target="scalar")]
    dtypes = ["float32"] + (["float16", "bfloat16"] if device == "cuda" else [])
    found = []
    for dtype in dtypes:
        for target in ("tensor", "scalar"):
            for weighting in ("none", "weight", "pos_weight"):
                found.append(Variant("bce", target, weighting, dtype))
        found.append(Variant("pair", "scalar", "none", dtype))
    return found


def sizes(device: str, quick: bool) -> list[int]:
    if quick:
        return list(QUICK_SIZES)
    return list(GPU_SIZES if device == "cuda" else CPU_SIZES)


def grid(device: str, quick: bool) -> list[LossCase]:
    """Every case of a run, variant by variant, small sizes first."""
    return [LossCase(v, n) for v in variants(device, quick) for n in sizes(device, quick)]
