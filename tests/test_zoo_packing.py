"""PacGAN's packed game: the discriminator's inputs, what a pack holds, the update orders,
and a PacGAN recipe trained, checkpointed and resumed."""

from __future__ import annotations

import dataclasses

import pytest
import torch

from ganzoo.api import ModelSpec
from ganzoo.errors import ConfigError
from ganzoo.train import resume_run, start_run
from ganzoo.train.build import build, resolve_config, run_record
from ganzoo.train.loop import Trainer
from ganzoo.train.rundir import RunDir
from ganzoo.zoo.packing import pack_samples
from ganzoo.zoo.recipes import pacgan_gan_mlp

#: a pacgan recipe made small: a step takes milliseconds
SMALL = {"generator.hidden": [16, 16], "discriminator.hidden": [16], "batch_size": 8, "threads": 1,
         "log_every": 5, "sample_every": 10, "checkpoint_every": 10}


def _discriminator_inputs(trainer) -> list[torch.Tensor]:
    """Record what the discriminator is shown while ``trainer`` trains."""
    seen = []
    trainer.networks["discriminator"].register_forward_pre_hook(lambda module, args: seen.append(args[0].detach()))
    return seen


def _fitted(trainer):
    """``trainer`` after training it to its last step."""
    assert trainer.fit() == "done"
    return trainer


def _same_weights(one, other) -> bool:
    """Whether two trainers' generators and discriminators hold identical weights and buffers."""
    pairs = [(one.networks[r].state_dict(), other.networks[r].state_dict()) for r in ("generator", "discriminator")]
    return all(torch.equal(a[k], b[k]) for a, b in pairs for k in a)


def test_pack_samples_puts_consecutive_samples_side_by_side():
    x = torch.arange(12.0).reshape(6, 2)
    assert pack_samples(x, 3).tolist() == [[0, 1, 2, 3, 4, 5], [6, 7, 8, 9, 10, 11]]


def test_pack_samples_stacks_images_along_channels():
    x = torch.randn(4, 1, 8, 8)
    packs = pack_samples(x, 2)
    assert packs.shape == (2, 2, 8, 8) and torch.equal(packs[1, 0], x[2, 0]) and torch.equal(packs[1, 1], x[3, 0])


@pytest.mark.parametrize("model, m", [("pacgan2-mlp", 2), ("pacgan3-mlp", 3), ("pacgan4-mlp", 4)])
def test_the_discriminator_sees_batch_size_packs_of_m_points(tmp_path, model, m):
    trainer = start_run(model, tmp_path / "run", {**SMALL, "steps": 1}, progress=False)
    seen = _discriminator_inputs(trainer)
    trainer.fit()
    assert seen and all(x.shape == (8, 2 * m) for x in seen)
    assert trainer.networks["discriminator"].data.shape == (2 * m,)


def test_a_pack_holds_distinct_samples(tmp_path):
    trainer = start_run("pacgan3-mlp", tmp_path / "run", {**SMALL, "steps": 1}, progress=False)
    seen = _discriminator_inputs(trainer)
    trainer.fit()
    for packs in seen:  # real packs and generated ones
        points = packs.view(len(packs), 3, 2)
        for i in range(3):
            for j in range(i):
                assert not torch.isclose(points[:, i], points[:, j]).all(dim=1).any()


def _trainer_of(spec: ModelSpec, out, overrides: dict):
    """A trainer of a recipe that is not registered."""
    config = resolve_config(spec, overrides)
    device = torch.device("cpu")
    parts = build(config, device, spec=spec)
    return Trainer(RunDir.create(out, run_record(config, parts)), config, parts, device, progress=False)


def test_pack_one_alternating_trains_exactly_as_the_alternating_game(tmp_path):
    # dropout in D makes the test see the order of the discriminator's calls too
    common = {**SMALL, "steps": 6, "discriminator.dropout": 0.5}
    packed = start_run("pacgan-gan-mlp", tmp_path / "a", {**common, "game.update": "alternating"}, progress=False)
    packed.fit()
    plain = _trainer_of(dataclasses.replace(pacgan_gan_mlp, game="alternating", game_kwargs={}), tmp_path / "b",
                        common)
    plain.fit()
    assert _same_weights(packed, plain)


@pytest.mark.parametrize("update, same", [("simultaneous", True), ("alternating", False)])
def test_simultaneous_updates_take_the_generator_step_before_the_discriminator_moves(tmp_path, update, same):
    # The generator's first step does not depend on how far the discriminator steps, when both
    # gradients are taken at the same point.
    runs = []
    for i, d_lr in enumerate((1e-4, 1e-1)):
        trainer = start_run("pacgan2-mlp", tmp_path / str(i), {**SMALL, "steps": 1, "d_lr": d_lr,
                                                               "game.update": update}, progress=False)
        trainer.fit()
        runs.append(trainer.networks["generator"].state_dict())
    assert all(torch.equal(runs[0][k], runs[1][k]) for k in runs[0]) is same


def test_a_pacgan_recipe_resumes_bit_exactly(tmp_path):
    straight = _fitted(start_run("pacgan2-mlp", tmp_path / "a", {**SMALL, "steps": 20}, progress=False))
    _fitted(start_run("pacgan2-mlp", tmp_path / "b", {**SMALL, "steps": 10}, progress=False))
    resumed = _fitted(resume_run(tmp_path / "b", {"steps": 20}, progress=False))
    assert _same_weights(straight, resumed)


@pytest.mark.parametrize("setting, words", [
    ({"game.pack": 0}, "pack must be a whole number >= 1"),
    ({"game.update": "sometimes"}, "update must be one of simultaneous, alternating"),
    ({"data": "digits", "conditional": True, "generator.data_kind": "any"}, "no conditional form"),
])
def test_bad_settings_are_config_errors_naming_the_fix(tmp_path, setting, words):
    with pytest.raises(ConfigError, match=words):
        start_run("pacgan2-mlp", tmp_path / "run", {**SMALL, "steps": 1, **setting}, progress=False)
