"""Shared fixtures: a tiny, fast configuration for end-to-end training tests."""

from __future__ import annotations

import pytest

# ring8 with small networks: a step takes well under a millisecond.
TINY = {
    "data": "ring8",
    "generator.hidden": [32, 32],
    "discriminator.hidden": [32],
    "batch_size": 16,
    "log_every": 5,
    "sample_every": 10,
    "checkpoint_every": 10,
}


@pytest.fixture
def tiny():
    return dict(TINY)


def tiny_args(steps: int) -> list[str]:
    """The same configuration as ``ganzoo train`` options."""
    args = ["--data", "ring8", "--steps", str(steps)]
    for key, value in TINY.items():
        if key != "data":
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            args += ["--set", f"{key}={text}"]
    return args
