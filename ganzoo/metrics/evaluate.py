"""Choose and compute the metrics that apply to a generator's dataset.

- Data with known ``modes`` (ring8, grid25): the PacGAN/VEEGAN mode-coverage protocol.
- Stacked digits (a dataset with a ``channel_dataset``): the Stacked MNIST protocol, the
  1 000 modes the digits classifier finds in the channels and their KL to uniform.
- Any other data: the Goodfellow et al. 2014 Parzen-window log-likelihood, beside the same
  estimate with real training samples in place of generated ones (the ceiling).
- Labelled images, in addition: FID and KID in the feature space of ganzoo's classifier and
  the classifier's label histogram of the samples, beside the held-out test split's own
  FID/KID against the training split (the ceiling).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from ganzoo.data.base import Dataset
from ganzoo.metrics import classifier, histogram, modes, parzen, stacked
from ganzoo.sampling import sample

#: real training samples held out to choose the Parzen width
VALIDATION_SIZE = 1000
_REAL_SEED = 20_141_406  # fixed: every run of a dataset is compared with the same real draw


def protocol_for(dataset: Dataset) -> str:
    """``"modes"`` for data with known modes, ``"stacked"`` for images stacked from a labelled
    one-channel dataset, ``"images"`` for other images, ``"parzen"`` otherwise."""
    if dataset.modes is not None and dataset.mode_std is not None:
        return "modes"
    if callable(getattr(dataset, "channel_dataset", None)):
        return "stacked"
    return "images" if dataset.info.is_image else "parzen"


def default_samples(dataset: Dataset) -> int:
    """How many samples the dataset's protocol draws: 2 500 for modes, 26 000 for stacked
    digits, 10 000 for Parzen."""
    counts = {"modes": modes.PROTOCOL_SAMPLES, "stacked": stacked.PROTOCOL_SAMPLES}
    return counts.get(protocol_for(dataset), parzen.PROTOCOL_SAMPLES)


def real_samples(dataset: Dataset, n: int) -> tuple[np.ndarray, np.ndarray]:
    """Data-space ``(validation, pool)``: ``VALIDATION_SIZE`` real training samples to choose σ
    on and ``n`` others. Disjoint where the dataset holds its training split in memory."""
    train = getattr(dataset, "train", None)
    rng = torch.Generator().manual_seed(_REAL_SEED)
    if isinstance(train, torch.Tensor) and len(train) > 1:
        order = torch.randperm(len(train), generator=rng)
        cut = min(VALIDATION_SIZE, len(train) // 5)
        validation, rest = train[order[:cut]], train[order[cut:]]
        pool = rest[torch.randint(len(rest), (n,), generator=rng)] if n > len(rest) else rest[:n]
    else:
        validation = dataset.sample(VALIDATION_SIZE, rng)[0]
        pool = dataset.sample(n, rng)[0]
    return (dataset.to_data_space(validation).numpy().astype(np.float64),
            dataset.to_data_space(pool).numpy().astype(np.float64))


def evaluate(generator: torch.nn.Module, dataset: Dataset, n: int | None = None, seed: int = 0,
             cache=None, feature_network=None, with_classifier: bool = True,
             progress: bool | None = None) -> dict[str, Any]:
    """Draw ``n`` samples (default: the protocol's number) with ``seed`` and score them.

    Returns a JSON-ready dict: ``protocol``, ``n``, ``seed`` and one entry per metric
    (``mode_coverage``; ``stacked_modes``; ``parzen`` and ``parzen_reference``; ``classifier``; ``inception``
    when a ``feature_network`` from :func:`ganzoo.metrics.inception.load_feature_network` is
    given, for images). Undefined values (nan) are ``None``. ``cache`` overrides the
    classifier cache directory; ``with_classifier=False`` skips the classifier's scores (the
    classifier is trained on first use, which a quick check cannot afford). ``progress``:
    bars on stderr for the long steps (classifier training, Parzen, features); ``None`` shows
    them when stderr is a terminal, ``True`` always, ``False`` never.
    """
    protocol = protocol_for(dataset)
    n = n or default_samples(dataset)
    fake = sample(generator, dataset, n, seed).astype(np.float64)
    result: dict[str, Any] = {"protocol": protocol, "n": n, "seed": seed}
    if protocol == "modes":
        centres = dataset.to_data_space(dataset.modes).numpy()
        result["mode_coverage"] = modes.mode_coverage(fake, centres, dataset.mode_std)
        return to_json(result)
    if protocol == "stacked":
        if with_classifier:
            digits = classifier.get_classifier(dataset.channel_dataset(), cache, progress=progress)
            result["stacked_modes"] = stacked.stacked_modes(fake, digits, progress=progress)
        return to_json(result)

    validation, real = real_samples(dataset, n)
    test = dataset.to_data_space(dataset.test_split()[0]).numpy().astype(np.float64)
    result["parzen"] = parzen.parzen_score(fake, validation, test, progress=progress, desc="Parzen (samples)")
    result["parzen_reference"] = parzen.parzen_score(real, validation, test, progress=progress,
                                                     desc="Parzen (real data)")
    if protocol == "images" and with_classifier and classifier.can_classify(dataset):
        model = classifier.get_classifier(dataset, cache, progress=progress)
        result["classifier"] = classifier_scores(model, fake, real, test, progress=progress)
    if protocol == "images" and feature_network is not None:
        from ganzoo.metrics.inception import feature_scores

        result["inception"] = feature_scores(feature_network, fake, real, test, progress=progress)
    return to_json(result)


def classifier_scores(model, fake: np.ndarray, real: np.ndarray, test: np.ndarray,
                      progress: bool | None = None) -> dict[str, Any]:
    """FID/KID of ``fake`` against ``real`` (and of the held-out ``test`` split, the ceiling)
    in the classifier's features, and the histogram of its predicted labels for ``fake``."""
    from ganzoo.metrics.fid import frechet_distance, kernel_distance

    f_fake, f_real, f_test = (model.features(x, progress=progress) for x in (fake, real, test))
    kid, kid_std = kernel_distance(f_fake, f_real)
    ref_kid, ref_kid_std = kernel_distance(f_test, f_real)
    counts = np.bincount(model.predict(fake, progress=progress), minlength=model.network.head.out_features)
    return {
        "fid": frechet_distance(f_fake, f_real),
        "kid": kid,
        "kid_std": kid_std,
        "reference_fid": frechet_distance(f_test, f_real),
        "reference_kid": ref_kid,
        "labels": histogram.coverage(counts),
        "weights_sha256": model.weights_sha256,
        "test_accuracy": model.test_accuracy,
        "cached": model.cached,
    }


def to_json(value: Any) -> Any:
    """``value`` with nan/inf floats replaced by None and numpy scalars made plain."""
    if isinstance(value, dict):
        return {k: to_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
