"""ganzoo/critic.py: a run's trained discriminator loaded on its own, scoring data-space samples."""

import numpy as np
import pytest
import torch

import ganzoo
from ganzoo.critic import Critic, load_discriminator
from ganzoo.data.digits import Digits
from ganzoo.errors import ConfigError, RunDirError
from ganzoo.train import checkpoint, start_run

SMALL = {"threads": 1, "generator.hidden": [32, 32], "discriminator.hidden": [32], "batch_size": 32,
         "checkpoint_every": 100, "keep_checkpoints": 5, "log_every": 50, "sample_every": 1000}


def _train(model, out, steps, **overrides):
    trainer = start_run(model, out, {**SMALL, "steps": steps, **overrides}, progress=False)
    assert trainer.fit() == "done"
    return out


@pytest.fixture(scope="module")
def digits_run(tmp_path_factory):
    return _train("vanilla-mlp", tmp_path_factory.mktemp("runs") / "plain", 300, data="digits")


@pytest.fixture(scope="module")
def cgan_run(tmp_path_factory):
    return _train("cgan", tmp_path_factory.mktemp("runs") / "cgan", 3)


@pytest.fixture(scope="module")
def real():
    data = Digits()
    x, y = data.test_split()
    return data.to_data_space(x).numpy(), y.numpy()


def test_the_top_level_name_is_the_critic_modules():
    assert ganzoo.load_discriminator is load_discriminator


def test_it_returns_the_checkpoints_discriminator_in_eval_mode(digits_run):
    critic = load_discriminator(digits_run)
    assert isinstance(critic, Critic) and isinstance(critic.discriminator, ganzoo.Discriminator)
    assert not critic.training and not critic.discriminator.training and critic.step == 300
    tensors, _ = checkpoint.load(checkpoint.resolve(digits_run / "checkpoints"))
    saved = checkpoint.unprefixed("discriminator", tensors)
    for name, value in critic.discriminator.state_dict().items():
        torch.testing.assert_close(value, saved[name])


def test_an_earlier_checkpoint_gives_its_own_weights(digits_run, real):
    early, late = load_discriminator(digits_run, checkpoint=100), load_discriminator(digits_run)
    assert early.step == 100
    assert not np.allclose(early.logits(real[0][:16]), late.logits(real[0][:16]))


def test_scores_are_the_discriminators_logits_on_model_space_samples(digits_run, real):
    critic = load_discriminator(digits_run)
    x = real[0][:10]
    with torch.no_grad():
        direct = critic.discriminator(torch.as_tensor(x) * 2 - 1).reshape(-1).double().numpy()
    np.testing.assert_allclose(critic.logits(x), direct, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(critic.realism(x), 1 / (1 + np.exp(-direct)), rtol=1e-5)
    assert critic.realism(x).shape == (10,) and ((0 < critic.realism(x)) & (critic.realism(x) < 1)).all()


def test_batches_give_the_same_scores_as_one_pass(digits_run, real):
    critic = load_discriminator(digits_run)
    np.testing.assert_allclose(critic.logits(real[0], batch_size=7), critic.logits(real[0]), rtol=1e-5, atol=1e-6)


def test_the_trained_critic_tells_digits_from_noise(digits_run, real):
    critic = load_discriminator(digits_run)
    noise = np.random.default_rng(0).random((len(real[0]), 1, 8, 8), dtype=np.float32)
    assert critic.realism(real[0]).mean() > critic.realism(noise).mean() + 0.2


def test_it_is_a_differentiable_module_for_other_code(digits_run, real):
    critic = load_discriminator(digits_run)
    x = torch.tensor(real[0][:4], requires_grad=True)
    critic(x).sum().backward()
    assert x.grad is not None and x.grad.abs().sum() > 0


def test_a_conditional_discriminator_needs_one_label_per_sample(cgan_run, real):
    critic = load_discriminator(cgan_run)
    x, y = real[0][:6], real[1][:6]
    assert critic.num_classes == 10 and critic.realism(x, y).shape == (6,)
    other = critic.logits(x, (y + 1) % 10)
    assert not np.allclose(critic.logits(x, y), other)  # the label is part of what D judges
    with pytest.raises(ConfigError, match="conditional: pass the samples' labels"):
        critic.realism(x)
    with pytest.raises(ConfigError, match="6 integers in 0-9"):
        critic.realism(x, y[:5])
    with pytest.raises(ConfigError, match="6 integers in 0-9"):
        critic.realism(x, y + 10)


def test_samples_of_another_shape_are_refused(digits_run):
    with pytest.raises(ConfigError, match=r"shape \(1, 8, 8\)"):
        load_discriminator(digits_run).realism(np.zeros((2, 64), np.float32))


def test_points_are_scored_as_they_are(tmp_path):
    run = _train("vanilla-mlp", tmp_path / "ring", 2, data="ring8")
    critic = load_discriminator(run)
    x = np.random.default_rng(0).normal(size=(5, 2)).astype(np.float32)
    with torch.no_grad():
        direct = critic.discriminator(torch.as_tensor(x)).reshape(-1).double().numpy()
    np.testing.assert_allclose(critic.logits(x), direct, rtol=1e-5, atol=1e-6)


def test_a_run_whose_data_moved_still_loads(tmp_path, real):
    data = tmp_path / "mine.npz"
    np.savez(data, x=real[0][:40])
    run = _train("vanilla-mlp", tmp_path / "run", 2, data=str(data))
    data.unlink()
    assert load_discriminator(run).realism(real[0][:3]).shape == (3,)


@pytest.mark.parametrize("model, words", [("ali-mlp", "(sample, latent) pairs"), ("pacgan2-mlp", "packs of 2 samples")])
def test_a_discriminator_that_judges_something_else_than_a_sample_is_refused(tmp_path, model, words):
    run = _train(model, tmp_path / "run", 2, **{"batch_size": 8})
    with pytest.raises(RunDirError, match="judges") as err:
        load_discriminator(run)
    assert words in str(err.value) and "not one sample" in str(err.value)


def test_no_run_there_is_a_run_dir_error(tmp_path):
    with pytest.raises(RunDirError):
        load_discriminator(tmp_path / "nothing")
