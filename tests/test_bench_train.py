"""ganzoo.bench.train and plain_loop: the two contenders do the same work."""

import torch

from ganzoo.bench import train


def _params(module):
    return [p.detach().clone() for p in module.parameters()]


def test_both_loops_start_from_the_same_weights(tmp_path):
    trainer, plain = train.make_trainer("ring8", "cpu", str(tmp_path)), train.make_plain("ring8", "cpu")
    for a, b in zip(_params(trainer.G), _params(plain.G)):
        torch.testing.assert_close(a, b)


def test_one_plain_step_updates_both_networks():
    plain = train.make_plain("ring8", "cpu")
    g0, d0 = _params(plain.G), _params(plain.D)
    plain.step()
    assert any(not torch.equal(a, b) for a, b in zip(g0, _params(plain.G)))
    assert any(not torch.equal(a, b) for a, b in zip(d0, _params(plain.D)))


def test_plain_and_trainer_steps_take_the_same_first_step(tmp_path):
    # Same weights, batch, noise and optimizer: after one step the discriminators agree.
    trainer, plain = train.make_trainer("ring8", "cpu", str(tmp_path)), train.make_plain("ring8", "cpu")
    trainer.train_step()
    plain.step()
    for a, b in zip(_params(trainer.D), _params(plain.D)):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-6)
