"""The contract kit: checks a plugin author runs from their own test suite.

Each ``check_*`` function builds the component on small synthetic inputs and raises
:class:`ContractError` (an ``AssertionError``, so pytest shows it as a failure) with
a message naming what broke the contract. Ganzoo runs the same checks over its own
built-ins. A typical plugin test::

    from ganzoo.testing import check_plugin

    def test_contract():
        check_plugin("my-ganzoo-plugin")

The checks live by what they check: ``networks`` (generators, discriminators, encoders,
translators), ``components`` (objectives, datasets, loggers, scorers), ``models`` (recipes and
games, trained for a few steps) and ``plugins`` (a whole package); every one is importable from
here.
"""

from ganzoo.testing._base import DEFAULT_DATA, IMAGES, POINTS, ContractError, ContractWarning
from ganzoo.testing.components import check_dataset, check_logger, check_objective, check_scorer
from ganzoo.testing.models import check_game, check_model
from ganzoo.testing.networks import TRANSLATION_DATA, check_discriminator, check_encoder, check_generator, check_translator
from ganzoo.testing.plugins import check_metadata, check_plugin

__all__ = [
    "ContractError",
    "ContractWarning",
    "POINTS",
    "IMAGES",
    "check_generator",
    "check_discriminator",
    "check_objective",
    "check_dataset",
    "check_logger",
    "check_model",
    "check_game",
    "check_encoder",
    "check_translator",
    "check_scorer",
    "check_metadata",
    "check_plugin",
]
