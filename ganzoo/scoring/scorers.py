"""The built-in anomaly scorers (entry-point group ``ganzoo.scorers``); higher = more anomalous.

``discriminator``  the negated logit of the run's discriminator, ``-D(x)``.
``anogan``         latent inversion (Schlegl et al. 2017): optimise z so that G(z) rebuilds x,
                   score = (1 - weight) ||x - G(z)||_1 + weight ||f(x) - f(G(z))||_1.
``encoder``        the encoder of an ALI/BiGAN (or VEEGAN) run, as EGBAD (Zenati et al. 2018):
                   score = alpha ||x - G(E(x))||_1 + (1 - alpha) (-log D(x, E(x))).
"""

from __future__ import annotations

import zlib

import torch
from torch import Tensor, nn
from torch.nn import functional as F

from ganzoo.api import Scorer
from ganzoo.errors import GanzooError
from ganzoo.zoo.arguments import number, whole_number

ANOGAN_PAPER = {
    "title": "Unsupervised Anomaly Detection with Generative Adversarial Networks to Guide Marker Discovery",
    "authors": "Schlegl, Seeböck, Waldstein, Schmidt-Erfurth, Langs", "year": 2017,
    "url": "https://arxiv.org/abs/1703.05921",
}
EGBAD_PAPER = {
    "title": "Efficient GAN-Based Anomaly Detection",
    "authors": "Zenati, Foo, Lecouat, Manek, Chandrasekhar", "year": 2018,
    "url": "https://arxiv.org/abs/1802.06222",
}


def per_sample(logits: Tensor) -> Tensor:
    """One logit per sample: a per-patch discriminator's ``(n, patches)`` averaged over patches."""
    return logits.reshape(len(logits), -1).float().mean(1)


def l1(a: Tensor, b: Tensor) -> Tensor:
    """``||a - b||_1`` per sample, ``(n,)``."""
    return (a - b).abs().flatten(1).sum(1)


class DiscriminatorScorer(Scorer):
    """The run's discriminator: score = -D(x), its logit negated (for a discriminator of
    (sample, latent) pairs, -D(x, E(x))).

    Why the logit, not D's probability that x is fake: the two rank samples the same way
    (sigmoid(-logit) is monotone), so AUROC is the same, but probabilities saturate at 0 and 1
    into ties and mean nothing under the Wasserstein, hinge and least-squares objectives.
    """

    summary = "the discriminator's negated logit -D(x): samples D finds unlike the training data score high"

    def check(self, run) -> None:
        problem = run.discriminator_problem()
        if problem:
            raise GanzooError(problem + "; use the scorer anogan")

    def score(self, run, x: Tensor) -> Tensor:
        return -per_sample(run.networks["discriminator"](run.discriminator_input(x)))


class AnoGANScorer(Scorer):
    """AnoGAN's latent inversion: from a random z (see :meth:`starts`), ``steps`` Adam steps on z
    (all samples of a batch at once, each with its own z) minimising
    ``(1 - weight) ||x - G(z)||_1 + weight ||f(x) - f(G(z))||_1``; the score is that loss at the
    last z. f: the discriminator's features, the input of its last linear or convolutional layer
    (AnoGAN's feature matching); a discriminator of (sample, latent) pairs sees (x, E(x)) and
    (G(z), z).

    steps: Adam steps on z per batch (AnoGAN: 500); lr: their learning rate; weight: AnoGAN's
    lambda, the feature term's share (0.1; 0: the residual alone); seed: of the starting z's draws.
    """

    summary = "AnoGAN: optimise z so G(z) rebuilds x (Adam on z, batched); residual + weight x D-feature loss"
    paper = ANOGAN_PAPER
    contract_settings = {"steps": 3}

    def __init__(self, steps: int = 300, lr: float = 0.05, weight: float = 0.1, seed: int = 0):
        self.steps = whole_number("steps", steps, 1)
        self.lr = number("lr", lr, above=0)
        self.weight = number("weight", weight, at_least=0, at_most=1)
        self.seed = whole_number("seed", seed, 0)

    def check(self, run) -> None:
        problem = run.discriminator_problem() if self.weight > 0 else ""
        if problem:
            raise GanzooError(problem + "; pass --set weight=0 to score by the residual alone")

    def score(self, run, x: Tensor) -> Tensor:
        G, D = run.networks["generator"], run.networks["discriminator"]
        z = self.starts(G, x).requires_grad_(True)
        optimizer = torch.optim.Adam([z], lr=self.lr)
        with torch.enable_grad():
            target = features(D, run.discriminator_input(x)) if self.weight > 0 else None
            for _ in range(self.steps):
                optimizer.zero_grad(set_to_none=True)
                # a sum of per-sample losses: each z gets its own sample's gradient
                self._loss(run, G, D, x, z, target).sum().backward()
                optimizer.step()
        with torch.no_grad():
            return self._loss(run, G, D, x, z, target)

    def starts(self, G, x: Tensor) -> Tensor:
        """Each sample's starting z, a draw of the prior seeded by ``seed`` and the sample's own
        bytes: a sample's score does not depend on the batch it is in, nor on its place there."""
        rows = x.detach().float().cpu().flatten(1).numpy()
        seeds = [zlib.crc32(row.tobytes(), self.seed) for row in rows]
        return torch.cat([G.sample_latent(1, torch.Generator().manual_seed(s), x.device) for s in seeds])

    def _loss(self, run, G, D, x, z, target) -> Tensor:
        fake = G(z)
        loss = (1 - self.weight) * l1(x, fake)
        if target is not None:
            loss = loss + self.weight * l1(target, features(D, run.discriminator_input(fake, z)))
        return loss

    def __repr__(self) -> str:
        return f"AnoGANScorer(steps={self.steps}, lr={self.lr}, weight={self.weight}, seed={self.seed})"


class EncoderScorer(Scorer):
    """The encoder of a run whose game trains one (ALI/BiGAN's ``encoder``, VEEGAN's
    ``reconstructor``), as EGBAD scores: ``alpha ||x - G(E(x))||_1 + (1 - alpha) L_D`` with
    ``L_D = -log sigmoid(D(x, E(x)))``, the cross-entropy of D's verdict against "real".
    One pass, no optimisation. alpha: the reconstruction's share (EGBAD's 0.9; 1: the
    reconstruction alone). A run without an encoder is refused.
    """

    summary = "ALI/BiGAN encoder (EGBAD): alpha ||x - G(E(x))||_1 + (1 - alpha) (-log D(x, E(x)))"
    paper = EGBAD_PAPER

    def __init__(self, alpha: float = 0.9):
        self.alpha = number("alpha", alpha, at_least=0, at_most=1)

    def check(self, run) -> None:
        if run.encoder_role is None:
            raise run.no_encoder()
        problem = run.discriminator_problem() if self.alpha < 1 else ""
        if problem:
            raise GanzooError(problem + "; pass --set alpha=1 to score by the reconstruction alone")

    def score(self, run, x: Tensor) -> Tensor:
        z = run.encode(x)
        score = self.alpha * l1(x, run.networks["generator"](z))
        if self.alpha < 1:
            logits = per_sample(run.networks["discriminator"](run.discriminator_input(x, z)))
            score = score + (1 - self.alpha) * F.softplus(-logits)
        return score

    def __repr__(self) -> str:
        return f"EncoderScorer(alpha={self.alpha})"


def features(discriminator: nn.Module, inputs: Tensor) -> Tensor:
    """The discriminator's features for ``inputs``: the input of its last linear or convolutional
    layer, flattened per sample (its logits when it has no such layer)."""
    layers = [m for m in discriminator.modules() if isinstance(m, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.Conv3d))]
    if not layers:
        return per_sample(discriminator(inputs))[:, None]
    seen: list[Tensor] = []
    hook = layers[-1].register_forward_hook(lambda module, args, output: seen.append(args[0]))
    try:
        discriminator(inputs)
    finally:
        hook.remove()
    return seen[-1].flatten(1)
