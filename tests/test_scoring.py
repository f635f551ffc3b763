"""The anomaly scorers on small trained runs: what each computes, what each refuses, and the
contract kit's check of a scorer."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from ganzoo.api import Scorer
from ganzoo.data import load_dataset
from ganzoo.errors import ConfigError, GanzooError
from ganzoo.scoring import create_scorer, load_scoring_run, score_samples
from ganzoo.scoring.scorers import features
from ganzoo.testing import ContractError, check_scorer
from ganzoo.train import checkpoint, start_run

SMALL = {"steps": 3, "threads": 1, "latent_dim": 4, "generator.hidden": [16], "discriminator.hidden": [16],
         "batch_size": 16}
IMAGES = {"generator.data_kind": "any", "discriminator.data_kind": "any"}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("scoring")
    made = {
        "ali": ("ali-mlp", {**SMALL, **IMAGES, "encoder.data_kind": "any", "encoder.hidden": [16]}),
        "plain": ("vanilla-mlp", {**SMALL, "ema": 0.5}),
        "conditional": ("cgan", {"steps": 2, "threads": 1}),
    }
    for name, (model, settings) in made.items():
        assert start_run(model, root / name, {"data": "digits", **settings}).fit() == "done"
    return {name: root / name for name in made}


@pytest.fixture(scope="module")
def x():
    return load_dataset("digits").test_split()[0][:20]


def test_the_discriminator_scorer_is_the_negated_logit(runs, x):
    plain = load_scoring_run(runs["plain"])
    assert torch.allclose(create_scorer("discriminator").score(plain, x), -plain.networks["discriminator"](x))
    ali = load_scoring_run(runs["ali"])
    pairs = torch.cat([x.flatten(1), ali.networks["encoder"](x)], 1)  # ALI's D judges (x, E(x))
    assert ali.judges_pairs and ali.encoder_role == "encoder"
    assert torch.allclose(create_scorer("discriminator").score(ali, x), -ali.networks["discriminator"](pairs))


def test_the_encoder_scorer_is_egbads_score(runs, x):
    run = load_scoring_run(runs["ali"])
    G, D, E = (run.networks[r] for r in ("generator", "discriminator", "encoder"))
    z = E(x)
    residual = (x - G(z)).abs().flatten(1).sum(1)
    d_term = F.softplus(-D(torch.cat([x.flatten(1), z], 1)))
    assert torch.allclose(create_scorer("encoder", {"alpha": 1.0}).score(run, x), residual)
    assert torch.allclose(create_scorer("encoder").score(run, x), 0.9 * residual + 0.1 * d_term, atol=1e-5)


def test_the_encoder_scorer_refuses_a_run_without_one(runs):
    with pytest.raises(GanzooError, match="no encoder.*ali-mlp"):
        create_scorer("encoder").check(load_scoring_run(runs["plain"]))


def test_anogan_optimises_the_latent_and_keeps_samples_independent(runs, x):
    run = load_scoring_run(runs["ali"])
    one = score_samples(create_scorer("anogan", {"steps": 1}), run, x)
    many = score_samples(create_scorer("anogan", {"steps": 60}), run, x)
    assert many.mean() < 0.9 * one.mean()  # the inversion rebuilds x better than a random z
    batched = score_samples(create_scorer("anogan", {"steps": 20}), run, x)
    alone = score_samples(create_scorer("anogan", {"steps": 20}), run, x, batch_size=1)
    assert batched == pytest.approx(alone, rel=1e-4)  # each sample has its own z, whatever its batch
    starts = create_scorer("anogan").starts(run.networks["generator"], x)
    assert not torch.equal(starts[0], starts[1])  # a random start per sample
    assert torch.equal(create_scorer("anogan").starts(run.networks["generator"], x[1:2])[0], starts[1])


def test_anogan_weight_zero_is_the_l1_residual_alone(runs, x):
    run = load_scoring_run(runs["plain"])
    scorer = create_scorer("anogan", {"steps": 2, "weight": 0.0})
    G = run.networks["generator"]
    z = scorer.starts(G, x).requires_grad_(True)
    optimizer = torch.optim.Adam([z], lr=scorer.lr)
    for _ in range(2):
        optimizer.zero_grad()
        (x - G(z)).abs().flatten(1).sum(1).sum().backward()
        optimizer.step()
    expected = (x - G(z)).abs().flatten(1).sum(1).detach()
    assert torch.allclose(scorer.score(run, x), expected, atol=1e-5)


def test_features_are_the_input_of_the_last_layer(runs, x):
    D = load_scoring_run(runs["plain"]).networks["discriminator"]
    assert features(D, x).shape == (len(x), 16)


def test_the_generator_has_its_ema_weights(runs):
    run = load_scoring_run(runs["plain"])
    tensors, _ = checkpoint.load(checkpoint.resolve(runs["plain"] / "checkpoints"))
    ema = checkpoint.unprefixed("ema", tensors)
    assert all(torch.equal(v, ema[k]) for k, v in run.networks["generator"].state_dict().items())
    assert not any(p.requires_grad for net in run.networks.values() for p in net.parameters())


def test_a_conditional_run_is_refused(runs):
    with pytest.raises(ConfigError, match="conditional"):
        load_scoring_run(runs["conditional"])


def test_settings_are_checked_against_the_scorer():
    with pytest.raises(ConfigError, match="unknown setting.*lambda.*accepts lr, seed, steps, weight"):
        create_scorer("anogan", {"lambda": 0.1})
    with pytest.raises(ConfigError, match="weight"):
        create_scorer("anogan", {"weight": 2})


class _NaN(Scorer):
    def score(self, run, x):
        return torch.full((len(x),), float("nan"))


class _Scalar(Scorer):
    def score(self, run, x):
        return x.mean()


class _Noisy(Scorer):
    def score(self, run, x):
        return torch.rand(len(x))


class _Meddler(Scorer):
    def score(self, run, x):
        with torch.no_grad():
            next(run.networks["generator"].parameters()).add_(1.0)
        return x.flatten(1).mean(1)


def test_score_samples_refuses_scores_that_are_not_one_finite_number_each(runs, x):
    run = load_scoring_run(runs["plain"])
    with pytest.raises(GanzooError, match="NaN"):
        score_samples(_NaN(), run, x)
    with pytest.raises(GanzooError, match=r"shaped \(n,\)"):
        score_samples(_Scalar(), run, x)


def test_the_contract_kit_passes_the_built_ins_and_catches_broken_scorers():
    for name in ("discriminator", "anogan", "encoder"):
        from ganzoo import registry

        check_scorer(registry.get("scorer", name))
    with pytest.raises(ContractError, match="other scores"):
        check_scorer(_Noisy)
    with pytest.raises(ContractError, match="changed the generator"):
        check_scorer(_Meddler)
    with pytest.raises(ContractError, match="not a subclass"):
        check_scorer(dict)
