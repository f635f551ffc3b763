"""Every built-in model trains a few steps through the real trainer: finite losses, a checkpoint."""

import json
import math

import pytest
import torch

from ganzoo import registry
from ganzoo.train import checkpoint, start_run

BUILTIN_MODELS = [n for n in registry.list_models() if registry.origin("model", n)["package"] == "ganzoo"]


@pytest.fixture(autouse=True, scope="module")
def one_thread():
    # Batches of 8 are too small to share among threads; on a busy machine the threads'
    # waiting for each other costs several times the work itself.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.mark.parametrize("name", BUILTIN_MODELS)
def test_model_trains_a_few_steps(name, tmp_path):
    trainer = start_run(name, tmp_path / name, {"steps": 2, "batch_size": 8, "log_every": 1})
    assert trainer.fit() == "done"
    rows = [json.loads(line) for line in trainer.run.metrics_path.read_text().splitlines()]
    assert [r["step"] for r in rows] == [1, 2]
    assert all(math.isfinite(r["d_loss"]) and math.isfinite(r["g_loss"]) for r in rows)
    assert checkpoint.list_steps(trainer.run.checkpoints) == [2]
