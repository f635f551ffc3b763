"""The contract of the networks: generators, discriminators, encoders and translators."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import torch
from torch import Tensor

from ganzoo.api import DataInfo, Discriminator, Encoder, Generator, Translator
from ganzoo.testing._base import (ContractError, _instances, _labels, _name, _require, _require_finite,
                                  _require_gradients)
from ganzoo.trial import call_problem


def check_generator(
    cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *,
    latent_dim: int = 8, num_classes: int = 0, batch: int = 4, **kwargs: Any,
) -> None:
    """A generator maps ``(n, latent_dim)`` latents to ``(n, *data.shape)``, within [-1, 1]
    for bounded data, with gradients reaching its parameters; latents are reproducible.

    data: the shapes to build for; default: the class attribute ``contract_data`` (for
    networks that only fit some shapes, e.g. ``DataInfo((1, 32, 32), True)``), else
    2-D points and 8x8 images, of which a network may refuse some with a ValueError.
    """
    _require(isinstance(cls, type) and issubclass(cls, Generator), f"{_name(cls)} is not a subclass of ganzoo.api.Generator")
    problem = call_problem("generator", cls)
    _require(not problem, problem)
    build = lambda info: cls(info, latent_dim=latent_dim, num_classes=num_classes, **kwargs)  # noqa: E731
    cpu = torch.device("cpu")
    for info, g in _instances(cls, data, build):
        where = f"{_name(cls)} on data {info.shape}"
        z = g.sample_latent(batch, torch.Generator().manual_seed(0), cpu)  # as the trainer calls it
        _require(tuple(z.shape) == (batch, latent_dim), f"{where}: sample_latent gave {tuple(z.shape)}, want {(batch, latent_dim)}")
        again = g.sample_latent(batch, torch.Generator().manual_seed(0), cpu)
        _require(torch.equal(z, again), f"{where}: sample_latent is not reproducible from its torch.Generator")
        x = g(z, _labels(batch, num_classes))
        _require(tuple(x.shape) == (batch, *info.shape), f"{where}: output shape {tuple(x.shape)}, want {(batch, *info.shape)}")
        _require_finite(x, f"{where}: output")
        if info.bounded:
            _require(bool(x.abs().max() <= 1 + 1e-5), f"{where}: bounded data needs outputs in [-1, 1]")
        x.square().mean().backward()
        _require_gradients(g, where)
        g.eval()
        with torch.no_grad():
            single = g(g.sample_latent(1), _labels(1, num_classes))
        _require(tuple(single.shape) == (1, *info.shape), f"{where}: eval mode with one sample gave {tuple(single.shape)}")


def check_discriminator(
    cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *,
    num_classes: int = 0, batch: int = 4, **kwargs: Any,
) -> None:
    """A discriminator returns raw logits ``(n,)`` (or ``(n, patches)``), with gradients
    reaching both its parameters and its input (penalties need the latter). ``data`` as
    for :func:`check_generator`."""
    _require(isinstance(cls, type) and issubclass(cls, Discriminator), f"{_name(cls)} is not a subclass of ganzoo.api.Discriminator")
    for info, d in _instances(cls, data, lambda info: cls(info, num_classes=num_classes, **kwargs)):
        where = f"{_name(cls)} on data {info.shape}"
        x = torch.randn(batch, *info.shape).clamp(-1, 1).requires_grad_(True)
        logits = d(x, _labels(batch, num_classes))
        _require(logits.dim() in (1, 2) and logits.shape[0] == batch,
                 f"{where}: logits shape {tuple(logits.shape)}, want ({batch},) or ({batch}, patches)")
        _require_finite(logits, f"{where}: logits")
        logits.sum().backward()
        _require(x.grad is not None and bool(x.grad.abs().sum() > 0), f"{where}: no gradient reaches the input")
        _require_gradients(d, where)


def check_encoder(
    cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *,
    latent_dim: int = 8, num_classes: int = 0, batch: int = 4, **kwargs: Any,
) -> None:
    """An encoder maps samples ``(n, *data.shape)`` to latents ``(n, latent_dim)``, finite,
    with gradients reaching its parameters and its input. ``data`` as for :func:`check_generator`."""
    _require(isinstance(cls, type) and issubclass(cls, Encoder), f"{_name(cls)} is not a subclass of ganzoo.api.Encoder")
    build = lambda info: cls(info, latent_dim=latent_dim, num_classes=num_classes, **kwargs)  # noqa: E731
    for info, e in _instances(cls, data, build):
        where = f"{_name(cls)} on data {info.shape}"
        x = torch.randn(batch, *info.shape).clamp(-1, 1).requires_grad_(True)
        z = e(x, _labels(batch, num_classes))
        _require(tuple(z.shape) == (batch, latent_dim), f"{where}: output shape {tuple(z.shape)}, want {(batch, latent_dim)}")
        _require_finite(z, f"{where}: output")
        z.square().mean().backward()
        _require(x.grad is not None and bool(x.grad.abs().sum() > 0), f"{where}: no gradient reaches the input")
        _require_gradients(e, where)


#: the two-domain data a translator is checked on without a ``contract_data``: grey 8x8 and colour 32x32
TRANSLATION_DATA = (DataInfo((2, 8, 8), bounded=True, domains=(1, 1)), DataInfo((6, 32, 32), bounded=True, domains=(3, 3)))


def check_translator(cls: type, data: DataInfo | Iterable[DataInfo] | None = None, *, batch: int = 4,
                     **kwargs: Any) -> None:
    """A translator maps source images ``(n, *source.shape)`` to finite target images
    ``(n, *target.shape)``, with gradients reaching its parameters and its input. ``data``: two-domain
    data (``DataInfo.domains``), one or several; default: the class's ``contract_data``, else
    grey 8×8 and colour 32×32 pairs. It is built for domain A to domain B."""
    _require(isinstance(cls, type) and issubclass(cls, Translator),
             f"{_name(cls)} is not a subclass of ganzoo.api.Translator")
    infos = data if data is not None else getattr(cls, "contract_data", None) or TRANSLATION_DATA
    infos = [infos] if isinstance(infos, DataInfo) else list(infos)
    for info in infos:
        _require(len(info.domains) == 2, f"check_translator needs two-domain data (DataInfo.domains); got {info}")
        source, target = info.domain(0), info.domain(1)
        where = f"{_name(cls)} from {source.shape} to {target.shape}"
        torch.manual_seed(0)
        try:
            t = cls(source, target, **kwargs)
        except ValueError as err:
            raise ContractError(f"{where}: refused to build: {err}") from None
        x = torch.rand(batch, *source.shape).mul(2).sub(1).requires_grad_(True)
        y = t(x)
        _require(isinstance(y, Tensor) and tuple(y.shape) == (batch, *target.shape),
                 f"{where}: output {getattr(y, 'shape', type(y).__name__)}, want {(batch, *target.shape)}")
        _require_finite(y, f"{where}: output")
        y.square().mean().backward()
        _require(x.grad is not None and bool(x.grad.abs().sum() > 0), f"{where}: no gradient reaches the input")
        _require_gradients(t, where)
