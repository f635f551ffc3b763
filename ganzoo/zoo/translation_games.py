"""Image-to-image games (``ganzoo.games``): pix2pix (paired) and CycleGAN (unpaired).

Both train on two image domains (``DataInfo.domains``; see :mod:`ganzoo.data.pairs`): a real
batch holds an A image and a B image side by side along the channels. Their generators are
translators (:class:`ganzoo.api.Translator`), fed images instead of noise; the run's
objective scores the discriminators' per-patch logits (pix2pix's non-saturating BCE goes
through ganzoo's fused op; CycleGAN's least-squares game through its own loss).
"""

from __future__ import annotations

import torch
from torch import Tensor

from ganzoo.api import DataInfo, Game
from ganzoo.data.pairs import split
from ganzoo.errors import ConfigError
from ganzoo.zoo.arguments import number, whole_number
from ganzoo.zoo.games import mean_probabilities

DIRECTIONS = ("AtoB", "BtoA")


def side_by_side(*images: Tensor) -> Tensor:
    """Batches of images ``(n, C_i, H, W)`` placed left to right, ``(n, C, H, W * k)``; grey
    images are repeated to the colour ones' channels."""
    channels = max(x.shape[1] for x in images)
    return torch.cat([x.expand(-1, channels, -1, -1) if x.shape[1] == 1 else x for x in images], dim=3)


def source_and_target(game: Game, batch: Tensor, data: DataInfo) -> tuple[Tensor, Tensor]:
    """A two-domain batch's ``(source, target)`` images for ``game``'s generator: A and B, or B
    and A for a game whose ``direction`` is "BtoA" (any translation game, ganzoo's or not)."""
    a, b = split(batch, data)
    return (b, a) if getattr(game, "direction", "AtoB") == "BtoA" else (a, b)


class TranslationGame(Game):
    """What the image-to-image games share: two-domain data, and sample grids that show each
    fixed test image's source, its translation and its target side by side."""

    #: the data must hold two image domains (the trainer refuses other data with the fix)
    needs_domains = True

    def preview(self, generator, batch, data):
        source, target = self.sides(batch, data)
        return side_by_side(source, generator(source), target)

    def sides(self, batch: Tensor, data: DataInfo) -> tuple[Tensor, Tensor]:
        """A batch's ``(source, target)`` images for the generator (:func:`source_and_target`)."""
        return source_and_target(self, batch, data)


class Pix2Pix(TranslationGame):
    """pix2pix: G translates a source image; D (conditional, on the source and an image side by
    side) tells (source, target) from (source, G(source)); G minimises the objective's generator
    loss plus ``l1_weight`` times the mean absolute error to the target (Isola et al. 2017, eq. 4).
    D's loss is halved, as in the paper, to slow it against G.

    l1_weight: the L1 term's weight (100, the paper's).
    direction: "AtoB" (default) or "BtoA": which domain is the source.
    """

    summary = "pix2pix: conditional PatchGAN on (source, image) pairs; G minimises the GAN loss + 100 * L1"
    tags = ("image-to-image", "paired")
    roles = {"generator": "translator", "discriminator": "discriminator"}
    contract_networks = {"generator": "ganzoo:unet", "discriminator": "ganzoo:patchgan"}

    def __init__(self, l1_weight: float = 100.0, direction: str = "AtoB"):
        self.l1_weight = number("l1_weight", l1_weight, at_least=0)
        if direction not in DIRECTIONS:
            raise ValueError(f"direction must be one of {', '.join(DIRECTIONS)}, got {direction!r}")
        self.direction = direction

    def network_domains(self, role, data):
        a, b = data.domain(0), data.domain(1)
        return (a, b) if self.direction == "AtoB" else (b, a)

    def step(self, ctx) -> dict[str, Tensor]:
        G, D, objective = ctx.networks["generator"], ctx.networks["discriminator"], ctx.objective
        real, _ = ctx.real()
        source, target = self.sides(real, ctx.dataset.info)
        fake = G(source)
        real_pairs, fake_pairs = torch.cat([source, target], dim=1), torch.cat([source, fake.detach()], dim=1)
        with ctx.phase("discriminator") as phase:
            real_logits, fake_logits = D(real_pairs), D(fake_pairs)
            d_loss = 0.5 * objective.discriminator_loss(real_logits, fake_logits)
            penalty = objective.penalty(D, real_pairs, fake_pairs, ctx.step)
            phase.backward(d_loss if penalty is None else d_loss + penalty)
        objective.after_discriminator_step(D)
        with ctx.phase("generator") as phase:
            adversarial = objective.generator_loss(D(torch.cat([source, fake], dim=1)))
            l1 = (fake - target).abs().mean()
            g_loss = adversarial + self.l1_weight * l1
            phase.backward(g_loss)
        return {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(), **mean_probabilities(real_logits, fake_logits),
                "l1": l1.detach()}

    def __repr__(self) -> str:
        return f"Pix2Pix(l1_weight={self.l1_weight}, direction={self.direction!r})"


class ImagePool:
    """CycleGAN's history of generated images: the discriminator sees, for each new fake, either
    it or (half of the time, once the pool is full) one of up to ``size`` earlier fakes, which
    the new one replaces. Draws come from ``rng`` (the run's latent stream, checkpointed)."""

    def __init__(self, size: int):
        self.size = size
        self.images: Tensor | None = None

    def query(self, fakes: Tensor, rng: torch.Generator) -> Tensor:
        if self.size == 0:
            return fakes
        fakes = fakes.detach()
        out = []
        for image in fakes:
            stored = 0 if self.images is None else len(self.images)
            if stored < self.size:
                image_ = image[None]
                self.images = image_.clone() if self.images is None else torch.cat([self.images, image_])
                out.append(image)
                continue
            swap, pick = torch.rand((), generator=rng).item() < 0.5, int(torch.randint(stored, (), generator=rng))
            if swap:
                out.append(self.images[pick].clone())
                self.images[pick] = image
            else:
                out.append(image)
        return torch.stack(out)


class CycleGAN(TranslationGame):
    """CycleGAN: G maps A to B and ``generator_ba`` (F) B to A; D judges B images and
    ``discriminator_a`` A images. G and F (one optimizer) minimise both adversarial losses, plus
    ``cycle_weight`` × the cycle-consistency L1 ``|F(G(a)) - a| + |G(F(b)) - b|``, plus
    ``identity_weight`` × ``cycle_weight`` × the identity L1 ``|G(b) - b| + |F(a) - a|``; both
    discriminators (one optimizer) then take the run's objective (least squares in the recipe)
    on real images against fakes drawn through a history pool (Zhu et al. 2017, sec. 3-4).

    cycle_weight: λ (10, the paper's). identity_weight: the identity term, relative to λ (0.5,
    the released code's; 0 turns it off; it needs domains of equal channels).
    pool_size: generated images kept per domain (50, the paper's; 0: none).
    Under several processes each keeps its own pool, and checkpoints keep every process's.
    """

    summary = "CycleGAN: two translators, two PatchGANs, cycle-consistency + identity L1, least squares, image pool"
    tags = ("image-to-image", "unpaired")
    roles = {"generator": "translator", "discriminator": "discriminator", "generator_ba": "translator",
             "discriminator_a": "discriminator"}
    contract_networks = {"generator": "ganzoo:unet", "discriminator": "ganzoo:patchgan", "generator_ba": "ganzoo:unet",
                         "discriminator_a": "ganzoo:patchgan"}

    def __init__(self, cycle_weight: float = 10.0, identity_weight: float = 0.5, pool_size: int = 50):
        self.cycle_weight = number("cycle_weight", cycle_weight, at_least=0)
        self.identity_weight = number("identity_weight", identity_weight, at_least=0)
        self.pool_size = whole_number("pool_size", pool_size, 0)
        self.pools = {"a": ImagePool(self.pool_size), "b": ImagePool(self.pool_size)}

    def network_domains(self, role, data):
        a, b = data.domain(0), data.domain(1)
        if self.identity_weight > 0 and a.shape != b.shape:
            raise ConfigError(f"CycleGAN's identity term feeds each translator its own target domain, so it needs "
                              f"domains of the same shape; A is {a.shape} and B {b.shape}: --set game.identity_weight=0")
        return (b, a) if role == "generator_ba" else (a, b)

    def network_data(self, role, data):
        if role == "discriminator_a":
            return data.domain(0)
        if role == "discriminator":
            return data.domain(1)
        return data

    def parameter_groups(self, networks):
        n = networks
        return {"generator": [*n["generator"].parameters(), *n["generator_ba"].parameters()],
                "discriminator": [*n["discriminator"].parameters(), *n["discriminator_a"].parameters()]}

    def step(self, ctx) -> dict[str, Tensor]:
        G, F = ctx.networks["generator"], ctx.networks["generator_ba"]
        D_b, D_a, objective = ctx.networks["discriminator"], ctx.networks["discriminator_a"], ctx.objective
        real, _ = ctx.real()
        a, b = split(real, ctx.dataset.info)
        with ctx.phase("generator") as phase:
            fake_b, fake_a = G(a), F(b)
            adversarial = objective.generator_loss(D_b(fake_b)) + objective.generator_loss(D_a(fake_a))
            cycle = (F(fake_b) - a).abs().mean() + (G(fake_a) - b).abs().mean()
            g_loss = adversarial + self.cycle_weight * cycle
            identity = None
            if self.identity_weight > 0:
                identity = (G(b) - b).abs().mean() + (F(a) - a).abs().mean()
                g_loss = g_loss + self.identity_weight * self.cycle_weight * identity
            phase.backward(g_loss)
        pooled_b, pooled_a = self.pools["b"].query(fake_b, ctx.latent_rng), self.pools["a"].query(fake_a, ctx.latent_rng)
        with ctx.phase("discriminator") as phase:
            real_logits, fake_logits = D_b(b), D_b(pooled_b)
            d_loss = objective.discriminator_loss(real_logits, fake_logits) + objective.discriminator_loss(D_a(a), D_a(pooled_a))
            phase.backward(d_loss)
        objective.after_discriminator_step(D_b)
        objective.after_discriminator_step(D_a)
        stats = {"d_loss": d_loss.detach(), "g_loss": g_loss.detach(), **mean_probabilities(real_logits, fake_logits),
                 "cycle": cycle.detach()}
        if identity is not None:
            stats["identity"] = identity.detach()
        return stats

    def state_dict(self):
        return {name: pool.images for name, pool in self.pools.items() if pool.images is not None}

    def load_state_dict(self, state):
        for name, pool in self.pools.items():
            pool.images = state[name].clone() if name in state else None

    def __repr__(self) -> str:
        return (f"CycleGAN(cycle_weight={self.cycle_weight}, identity_weight={self.identity_weight}, "
                f"pool_size={self.pool_size})")
