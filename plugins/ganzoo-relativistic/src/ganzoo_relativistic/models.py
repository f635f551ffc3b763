"""Model recipes: ganzoo's MLP networks trained with the relativistic objectives.

The networks are named with their package (``ganzoo:mlp``) so that another plugin
registering an ``mlp`` of its own can never make these recipes ambiguous.
"""

from __future__ import annotations

from ganzoo.api import ModelSpec

from ganzoo_relativistic import PAPER

# The paper's MLP-scale settings: Adam 2e-4, betas (0.5, 0.999), one D step per G step.
_DEFAULTS = {
    "data": "digits",
    "latent_dim": 100,
    "optimizer": "adam",
    "lr": 2e-4,
    "betas": (0.5, 0.999),
    "batch_size": 64,
    "d_steps": 1,
    "steps": 10_000,
}


def _mlp_recipe(name: str, objective: str, summary: str, tag: str) -> ModelSpec:
    return ModelSpec(
        name=name,
        generator="ganzoo:mlp",
        discriminator="ganzoo:mlp",
        objective=f"ganzoo-relativistic:{objective}",
        summary=summary,
        defaults=dict(_DEFAULTS),
        paper=dict(PAPER),
        tags=("mlp", "relativistic", tag),
    )


def ragan_mlp() -> ModelSpec:
    """The vanilla MLP GAN with the relativistic average BCE loss."""
    return _mlp_recipe("ragan-mlp", "ragan", summary="MLP GAN with the relativistic average BCE loss (RaSGAN)", tag="bce")


def ralsgan_mlp() -> ModelSpec:
    """The vanilla MLP GAN with the relativistic average least-squares loss."""
    return _mlp_recipe(
        "ralsgan-mlp", "ralsgan", summary="MLP GAN with the relativistic average least-squares loss (RaLSGAN)",
        tag="least-squares",
    )
