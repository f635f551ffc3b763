"""ganzoo: train, compare and extend generative adversarial networks.

Importing ``ganzoo`` is cheap: torch and the zoo's modules load only when an
attribute that needs them is first used, so ``ganzoo --help`` and
``ganzoo list`` stay instant.
"""

from ganzoo._version import __version__

#: Version of the plugin API that third-party packages target (see docs/plugins.md).
PLUGIN_API = "1.3"

# name -> module that defines it; resolved on first access.
_LAZY = {
    "Generator": "ganzoo.api",
    "Discriminator": "ganzoo.api",
    "Objective": "ganzoo.api",
    "Game": "ganzoo.api",
    "Encoder": "ganzoo.api",
    "ModelSpec": "ganzoo.api",
    "DataInfo": "ganzoo.api",
    "Dataset": "ganzoo.data.base",
    "list_plugins": "ganzoo.registry",
    "list_models": "ganzoo.registry",
    "get": "ganzoo.registry",
    "create": "ganzoo.registry",
    "create_model": "ganzoo.registry",
    "origin": "ganzoo.registry",
    "describe": "ganzoo.registry",
    "bce_with_logits": "ganzoo.ops",
    "load_discriminator": "ganzoo.critic",
}

# Subpackages reachable as attributes after a bare ``import ganzoo`` (``ganzoo.ops.bce_with_logits``).
_SUBMODULES = ("api", "critic", "data", "errors", "metrics", "ops", "registry", "sampling", "testing", "train")

__all__ = ["__version__", "PLUGIN_API", *_LAZY, *_SUBMODULES]


def __getattr__(name):
    import importlib

    if name in _SUBMODULES:
        value = importlib.import_module(f"ganzoo.{name}")
    elif name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    else:
        raise AttributeError(f"module 'ganzoo' has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__():
    return sorted(__all__)
