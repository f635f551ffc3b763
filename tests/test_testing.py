"""The contract kit passes every built-in and catches components that break the contract."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from ganzoo import registry, testing
from ganzoo.api import DataInfo, Discriminator, Generator, ModelSpec, Objective
from ganzoo.testing import ContractError
from tests.plugin_fakes import OBJECTIVE_SOURCE, add_distribution, site  # noqa: F401

TINY_NETS = {"generator.hidden": [8], "discriminator.hidden": [8]}
BACKWARDS_SOURCE = "\nfrom tests.test_testing import _Backwards as Backwards\n"

BUILTINS = [(p.kind, p.name) for p in registry.list_plugins(pattern="ganzoo:*") if p.name != "mnist"]


@pytest.mark.parametrize("kind, name", BUILTINS, ids=[f"{k}-{n}" for k, n in BUILTINS])
def test_builtin_keeps_the_contract(kind, name):
    obj = registry.get(kind, f"ganzoo:{name}")
    testing.check_metadata(obj)
    check = {
        "generator": testing.check_generator,
        "discriminator": testing.check_discriminator,
        "objective": testing.check_objective,
        "dataset": testing.check_dataset,
        "model": testing.check_model,
        "logger": testing.check_logger,
        "game": testing.check_game,
        "encoder": testing.check_encoder,
        "translator": testing.check_translator,
        "scorer": testing.check_scorer,
    }[kind]
    check(obj)


def test_builtin_models_have_papers():
    for name in registry.list_models():
        if registry.origin("model", name)["package"] == "ganzoo":
            testing.check_metadata(registry.get("model", name), require_paper=True)


def test_mnist_keeps_the_contract_given_files(tmp_path):
    pytest.importorskip("ganzoo.data.mnist")
    from ganzoo.errors import DataError

    try:
        testing.check_dataset(registry.get("dataset", "mnist"), data_dir=str(tmp_path))
    except DataError:
        pytest.skip("no MNIST files here; tests/test_data_mnist.py covers the reader")


class _WrongShape(Generator):
    """Forgets to reshape to the data."""

    def __init__(self, data, latent_dim=8, num_classes=0):
        super().__init__(data, latent_dim, num_classes)
        self.linear = nn.Linear(latent_dim, 3)

    def forward(self, z, labels=None):
        return self.linear(z)


class _Unbounded(_WrongShape):
    """Ignores that images live in [-1, 1]."""

    def forward(self, z, labels=None):
        return 10 * self.linear(z).sum(1).reshape(-1, *[1] * len(self.data.shape)).expand(-1, *self.data.shape)


class _Probabilities(Discriminator):
    """Returns one column of probabilities, detached from its input."""

    def __init__(self, data, num_classes=0):
        super().__init__(data, num_classes)
        self.bias = nn.Parameter(torch.zeros(1))

    def forward(self, x, labels=None):
        return torch.sigmoid(self.bias.expand(x.shape[0], 1, 1))


class _Backwards(Objective):
    """Rewards the discriminator for calling fakes real."""

    def discriminator_loss(self, real_logits, fake_logits):
        return real_logits.mean() - fake_logits.mean()

    def generator_loss(self, fake_logits, real_logits=None):
        return fake_logits.mean()


class _NotScalar(_Backwards):
    """Forgets to reduce."""

    def discriminator_loss(self, real_logits, fake_logits):
        return fake_logits - real_logits


def test_generator_with_wrong_shape_fails():
    with pytest.raises(ContractError, match="output shape"):
        testing.check_generator(_WrongShape)


def test_generator_out_of_range_for_bounded_data_fails():
    with pytest.raises(ContractError, match=r"\[-1, 1\]"):
        testing.check_generator(_Unbounded, DataInfo((1, 4, 4), bounded=True))


def test_discriminator_with_wrong_logits_shape_fails():
    with pytest.raises(ContractError, match="logits shape"):
        testing.check_discriminator(_Probabilities)


def test_objective_with_wrong_signs_fails():
    with pytest.raises(ContractError, match="must fall as real logits rise"):
        testing.check_objective(_Backwards)


def test_objective_without_reduction_fails():
    with pytest.raises(ContractError, match="scalar"):
        testing.check_objective(_NotScalar)


def test_model_with_unknown_component_fails():
    spec = ModelSpec(name="typo", generator="mlpp", discriminator="mlp", objective="minimax")
    with pytest.raises(ContractError, match="did you mean 'mlp'"):
        testing.check_model(spec)


#: an objective written from the old docs: its penalty takes no labels
NO_LABELS_SOURCE = """
from ganzoo.api import ModelSpec
from ganzoo.zoo.objectives import NonSaturating


class OldPenalty(NonSaturating):
    \"\"\"A penalty hook without the labels argument.\"\"\"

    def penalty(self, discriminator, real, fake, step):
        return discriminator(real).square().mean()


def old_penalty_mlp():
    return ModelSpec(name="old-penalty-mlp", generator="ganzoo:mlp", discriminator="ganzoo:mlp",
                     objective="old-penalty", summary="s", defaults={"data": "ring8"})
"""


@pytest.fixture
def old_penalty(site):
    add_distribution(site, "fake-old", entry_points={"ganzoo.objectives": {"old-penalty": "fake_old:OldPenalty"},
                                                     "ganzoo.models": {"old-penalty-mlp": "fake_old:old_penalty_mlp"}},
                     modules={"fake_old.py": NO_LABELS_SOURCE})


def test_model_whose_penalty_takes_no_labels_fails_clearly(old_penalty):
    with pytest.raises(ContractError) as err:
        testing.check_model("old-penalty-mlp")
    message = str(err.value)
    assert message.startswith("model 'old-penalty-mlp': training 3 steps failed: OldPenalty.penalty cannot be called")
    assert "penalty(discriminator, real, fake, step, labels=labels)" in message


def test_objective_whose_penalty_takes_no_labels_fails(old_penalty):
    with pytest.raises(ContractError, match="OldPenalty.penalty cannot be called as ganzoo calls it"):
        testing.check_objective(registry.get("objective", "old-penalty"))


def test_model_with_settings_the_trainer_refuses_fails():
    spec = ModelSpec(name="sgd-typo", generator="mlp", discriminator="mlp", objective="minimax",
                     defaults={"data": "ring8", "optimizer": "adamw"})
    with pytest.raises(ContractError, match="optimizer must be adam, sgd or rmsprop"):
        testing.check_model(spec)


#: a generator whose prior follows the old docs: sample_latent(n, generator=None), no device
NO_DEVICE_SOURCE = """
import torch
from ganzoo.api import ModelSpec
from ganzoo.zoo.mlp import MLPGenerator


class OldPrior(MLPGenerator):
    \"\"\"A uniform prior without the device argument.\"\"\"

    def sample_latent(self, n, generator=None):
        return torch.rand(n, self.latent_dim, generator=generator) * 2 - 1


def old_prior_mlp():
    return ModelSpec(name="old-prior-mlp", generator="old-prior", discriminator="ganzoo:mlp",
                     objective="ganzoo:minimax", summary="s", defaults={"data": "ring8"})
"""


def test_model_whose_prior_takes_no_device_fails_clearly(site):
    add_distribution(site, "fake-prior", entry_points={"ganzoo.generators": {"old-prior": "fake_prior:OldPrior"},
                                                       "ganzoo.models": {"old-prior-mlp": "fake_prior:old_prior_mlp"}},
                     modules={"fake_prior.py": NO_DEVICE_SOURCE})
    with pytest.raises(ContractError, match=r"OldPrior.sample_latent cannot be called as ganzoo calls it, "
                                            r"sample_latent\(n, generator, device\)"):
        testing.check_model("old-prior-mlp", settings={"generator.hidden": [8]})


def test_check_model_warns_about_a_bare_name_from_another_plugin(site):
    add_distribution(site, "fake-game", entry_points={"ganzoo.objectives": {"pair": "fake_game:Pair"}},
                     modules={"fake_game.py": OBJECTIVE_SOURCE})
    add_distribution(site, "fake-recipe", entry_points={"ganzoo.models": {"pair-mlp": "fake_recipe:make_model"}},
                     modules={"fake_recipe.py": OBJECTIVE_SOURCE})
    with pytest.warns(testing.ContractWarning, match="write 'fake-game:pair'"):
        testing.check_model("pair-mlp", data=DataInfo((2,), bounded=False), settings=TINY_NETS)


def test_check_model_with_labels_trains_conditionally_on_random_data():
    testing.check_model("lsgan-mlp", num_classes=3)  # ring8 has no labels: random points with 3


def test_check_plugin_warns_about_a_name_ganzoo_also_has(site):
    add_distribution(site, "fake-twin", entry_points={"ganzoo.objectives": {"minimax": "fake_twin:Pair"}},
                     modules={"fake_twin.py": OBJECTIVE_SOURCE})
    with pytest.warns(testing.ContractWarning, match="'fake-twin:minimax' shares its name with ganzoo:minimax"):
        testing.check_plugin("fake-twin")


def test_metadata_needs_a_summary_and_a_complete_paper():
    with pytest.raises(ContractError, match="summary"):
        testing.check_metadata(ModelSpec(name="m", generator="mlp", discriminator="mlp", objective="minimax"))
    spec = ModelSpec(name="m", generator="mlp", discriminator="mlp", objective="minimax", summary="s",
                     paper={"title": "T", "authors": "A", "year": 2020})
    with pytest.raises(ContractError, match="missing url"):
        testing.check_metadata(spec)


def test_check_plugin_checks_the_entry_points_not_skipped():
    keep = {"ganzoo:ring8", "ganzoo:minimax", "ganzoo:mlp"}
    skip = [p.qualified_name for p in registry.list_plugins(pattern="ganzoo:*") if p.qualified_name not in keep]
    kept = [p.qualified_name for p in registry.list_plugins(pattern="ganzoo:*") if p.qualified_name in keep]
    assert len(kept) > len(keep)  # mlp is a generator, a discriminator and an encoder: all three are checked
    assert sorted(testing.check_plugin("ganzoo", skip=skip)) == sorted(kept)


def test_check_plugin_reports_every_failure(site):
    add_distribution(site, "fake-mixed", entry_points={"ganzoo.objectives": {
        "pair": "fake_mixed:Pair", "gone": "fake_mixed:Missing", "backwards": "fake_mixed:Backwards",
    }}, modules={"fake_mixed.py": OBJECTIVE_SOURCE + BACKWARDS_SOURCE})
    with pytest.raises(ContractError) as err:
        testing.check_plugin("fake-mixed")
    message = str(err.value)
    assert message.startswith("2 contract failure(s) in fake-mixed")
    assert "objective fake-mixed:gone" in message and "objective fake-mixed:backwards" in message


def test_check_plugin_of_an_unknown_package_fails():
    with pytest.raises(ContractError, match="is it installed"):
        testing.check_plugin("not-installed-anywhere")
