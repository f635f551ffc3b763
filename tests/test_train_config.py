import pytest

from ganzoo.errors import ConfigError
from ganzoo.train.build import resolve_config
from ganzoo.train.config import TrainConfig, apply_overrides, parse_assignments, parse_value
from ganzoo.zoo.mlp import MLPDiscriminator, MLPGenerator
from ganzoo.zoo.objectives import NonSaturating

CLASSES = {"generator": MLPGenerator, "discriminator": MLPDiscriminator, "objective": NonSaturating}


def test_parse_value_understands_numbers_lists_and_words():
    assert parse_value("1e-4") == 1e-4
    assert parse_value("128") == 128
    assert parse_value("0.5,0.999") == [0.5, 0.999]
    assert parse_value("true") is True
    assert parse_value("none") is None
    assert parse_value("adam") == "adam"


def test_parse_assignments_rejects_items_without_equals():
    with pytest.raises(ConfigError, match="key=value"):
        parse_assignments(["lr"])


def test_overrides_are_coerced_to_the_field_type():
    cfg = apply_overrides(TrainConfig(), {"lr": 1, "steps": 1e3, "betas": [0.0, 0.9]}, CLASSES)
    assert cfg.lr == 1.0 and isinstance(cfg.lr, float)
    assert cfg.steps == 1000 and isinstance(cfg.steps, int)
    assert cfg.betas == (0.0, 0.9)


def test_unknown_key_names_the_key_and_lists_valid_ones():
    with pytest.raises(ConfigError) as err:
        apply_overrides(TrainConfig(), {"learning_rate": 0.1}, CLASSES)
    message = str(err.value)
    assert "'learning_rate'" in message and "lr" in message and "batch_size" in message


def test_wrong_type_names_the_key():
    with pytest.raises(ConfigError, match="batch_size: expected an integer"):
        apply_overrides(TrainConfig(), {"batch_size": "big"}, CLASSES)


def test_component_settings_are_checked_against_the_constructor():
    cfg = apply_overrides(TrainConfig(), {"generator.hidden": [8, 8]}, CLASSES)
    assert cfg.generator == {"hidden": [8, 8]}
    with pytest.raises(ConfigError, match="generator accepts .*hidden"):
        apply_overrides(TrainConfig(), {"generator.width": 8}, CLASSES)


def test_validation_rejects_out_of_range_values():
    with pytest.raises(ConfigError, match="lr must be a finite number > 0"):
        apply_overrides(TrainConfig(), {"lr": -1.0}, CLASSES)


def test_recipe_defaults_sit_between_trainer_defaults_and_user_overrides():
    cfg = resolve_config("vanilla-mlp", {"batch_size": 128})
    assert cfg.lr == 2e-4 and cfg.betas == (0.5, 0.999)  # from the recipe
    assert cfg.batch_size == 128  # from the user
    assert cfg.data == "digits"


def test_config_round_trips_through_a_dict():
    cfg = apply_overrides(TrainConfig(model="m"), {"generator.hidden": [4]}, CLASSES)
    assert TrainConfig.from_dict(cfg.to_dict()) == cfg


def test_threads_setting_is_checked():
    assert apply_overrides(TrainConfig(), {"threads": 1}, CLASSES).threads == 1
    with pytest.raises(ConfigError, match="threads must be >= 0"):
        apply_overrides(TrainConfig(), {"threads": -1}, CLASSES)


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"betas": [0.5, 2]}, "betas must both lie in \\[0, 1\\)"),
        ({"betas": [-0.1, 0.9]}, "betas must both lie in \\[0, 1\\)"),
        ({"betas": [float("nan"), 0.9]}, "betas must both lie in \\[0, 1\\)"),
        ({"momentum": -1}, "momentum must lie in \\[0, 1\\)"),
        ({"momentum": 1.0}, "momentum must lie in \\[0, 1\\)"),
        ({"momentum": float("nan")}, "momentum must lie in \\[0, 1\\)"),
        ({"lr": float("inf")}, "lr must be a finite number > 0"),
        ({"d_lr": float("inf")}, "d_lr must be a finite number > 0"),
        ({"d_lr": 0}, "d_lr must be a finite number > 0"),
        ({"seed": -1}, "seed must be a whole number from 0"),
        ({"seed": 2**64}, "seed must be a whole number from 0"),
    ],
)
def test_out_of_range_numbers_are_config_errors(overrides, message):
    with pytest.raises(ConfigError, match=message):
        apply_overrides(TrainConfig(), overrides, CLASSES)


def test_edges_of_the_ranges_are_accepted():
    cfg = apply_overrides(TrainConfig(), {"betas": [0.0, 0.999], "momentum": 0.0, "seed": 0}, CLASSES)
    assert cfg.betas == (0.0, 0.999) and cfg.momentum == 0.0
