"""Discriminator rejection sampling: a trained generator's samples corrected toward the data.

After Azadi et al. 2019 (DRS): a classifier trained to tell the data from a *frozen* generator's
samples has the logit ``log p_data(x) / p_gen(x)`` at its optimum, so keeping a sample with
probability ``exp(logit - c)`` (capped at 1) turns the generator's distribution into the
data's wherever the generator puts mass (exactly so when ``c`` bounds every logit). Here the
classifier is a fresh :class:`~ganzoo.zoo.mlp.MLPDiscriminator` with Fourier input features,
not the run's own discriminator: at the end of a game that discriminator is near chance
everywhere (on ring8 its logits span ±0.06), blind to the detail the generator got wrong.

>>> sampler = fit_rejection(generator, dataset, seed=0)          # doctest: +SKIP
>>> samples = ganzoo.sampling.sample(sampler, dataset, 2500)      # doctest: +SKIP

:class:`RejectionSampler` is a generator: its :meth:`~RejectionSampler.sample_latent` draws
the base generator's latents and keeps the accepted ones, and its forward pass is the base
generator's, so everything that samples a generator (``ganzoo.sampling``, ``ganzoo.metrics``)
samples it unchanged, and the same seed gives the same samples.
"""

from __future__ import annotations

import dataclasses

import torch
import torch.nn.functional as F
from torch import Tensor

from ganzoo.api import Generator
from ganzoo.data.base import Dataset
from ganzoo.errors import ConfigError
from ganzoo.zoo.arguments import number, whole_number
from ganzoo.zoo.mlp import MLPDiscriminator


@dataclasses.dataclass(frozen=True)
class RejectionSettings:
    """How :func:`fit_rejection` trains its classifier and sets its threshold.

    steps, batch_size, lr: the classifier's Adam training (betas 0.5, 0.99), ``batch_size``
    data samples and as many generated ones a step. hidden, fourier_features, fourier_scale:
    its :class:`~ganzoo.zoo.mlp.MLPDiscriminator` (frequencies in cycles per unit of model
    space; the defaults were chosen on the 2-D mixtures, see benchmarks/quality). quantile: the threshold
    ``c`` is this quantile of the logits of ``pool`` generated samples; 1 is the largest, the
    paper's choice, but one outlier then sets the acceptance rate: the samples above the
    quantile are kept always, a small departure from the exact correction.
    """

    steps: int = 3000
    batch_size: int = 512
    lr: float = 1e-3
    hidden: tuple[int, ...] = (256, 256)
    fourier_features: int = 128
    fourier_scale: float = 4.0
    quantile: float = 0.99
    pool: int = 20_000

    def __post_init__(self):
        whole_number("steps", self.steps, 1)
        whole_number("batch_size", self.batch_size, 1)
        whole_number("pool", self.pool, 1)
        number("lr", self.lr, above=0.0)
        number("quantile", self.quantile, above=0.0, at_most=1.0)


class RejectionSampler(Generator):
    """``generator``'s samples kept with probability ``min(1, exp(classifier(x) - threshold))``.

    ``max_draws``: how many base samples one accepted sample may cost before sampling stops
    with an error (an acceptance rate that low means a classifier that is not usable)."""

    def __init__(self, generator: Generator, classifier: torch.nn.Module, threshold: float, max_draws: int = 10_000):
        super().__init__(generator.data, generator.latent_dim, generator.num_classes)
        self.generator, self.classifier = generator.eval(), classifier.eval()
        self.threshold, self.max_draws = float(threshold), int(max_draws)

    @torch.no_grad()
    def acceptance(self, x: Tensor) -> Tensor:
        """Each model-space sample's probability of being kept, ``(n,)``."""
        return (self.classifier(x).double() - self.threshold).clamp(max=0).exp()

    @torch.no_grad()
    def sample_latent(self, n, generator=None, device=None):
        kept, have, drawn = [], 0, 0
        chunk = max(1024, 4 * n)
        while have < n:
            if drawn > self.max_draws * max(n, 1):
                raise ConfigError(f"rejection sampling kept {have} of {drawn} samples, below 1 in {self.max_draws}: "
                                  "the classifier rejects nearly everything; train it for fewer steps or lower "
                                  "its quantile")
            z = self.generator.sample_latent(chunk, generator, device)
            keep = torch.rand(chunk, generator=generator, dtype=torch.float64).to(z.device) < self.acceptance(self.generator(z))
            kept.append(z[keep])
            have, drawn = have + int(keep.sum()), drawn + chunk
        return torch.cat(kept)[:n]

    def forward(self, z: Tensor, labels: Tensor | None = None) -> Tensor:
        return self.generator(z, labels)


def fit_rejection(generator: Generator, dataset: Dataset, seed: int = 0,
                  settings: RejectionSettings | None = None) -> RejectionSampler:
    """Train the data-against-``generator`` classifier (``generator`` is not changed) and return
    the :class:`RejectionSampler` it gives. Unconditional generators only. Deterministic for a seed."""
    settings = settings or RejectionSettings()
    if generator.num_classes:
        raise ConfigError("rejection sampling is for unconditional generators, and this one is conditional: "
                          "sample it without rejection")
    generator = generator.eval()
    device = next(generator.parameters()).device
    rng = torch.Generator().manual_seed(seed + 7_919)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed + 7_919)
        classifier = MLPDiscriminator(generator.data, hidden=settings.hidden, fourier_features=settings.fourier_features,
                                      fourier_scale=settings.fourier_scale).to(device)
    optimizer = torch.optim.Adam(classifier.parameters(), lr=settings.lr, betas=(0.5, 0.99))
    n = settings.batch_size
    target = torch.cat([torch.ones(n), torch.zeros(n)]).to(device)
    for _ in range(settings.steps):
        real, _ = dataset.sample(n, rng)
        with torch.no_grad():
            fake = generator(generator.sample_latent(n, rng, device))
        loss = F.binary_cross_entropy_with_logits(classifier(torch.cat([real.to(device), fake])), target)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
    classifier.eval()
    with torch.no_grad():
        logits = torch.cat([classifier(generator(generator.sample_latent(min(4096, settings.pool - i), rng, device)))
                            for i in range(0, settings.pool, 4096)])
    return RejectionSampler(generator, classifier, torch.quantile(logits.double(), settings.quantile).item())
