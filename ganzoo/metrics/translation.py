"""How well an image-to-image run translates its test split (``ganzoo eval`` on a pix2pix or
CycleGAN run, and the translation rows of ``benchmarks/quality``).

Everything is measured in data space ([0, 1] per pixel) and beside the *identity* baseline,
the source image handed back untranslated:

- where the test split's B images are the A images' counterparts (paired data, and the
  built-in unpaired digits, tested on their bold twins): the mean absolute error (L1) and the
  PSNR (peak 1, per image, then averaged) of the translations against the targets;
- where the target domain has labelled images (the built-in digit domains): a classifier
  trained on that domain (:mod:`ganzoo.metrics.classifier`) reads each translation, and
  ``label_accuracy`` is the fraction it reads as the source's label; ``fid`` is the Fréchet
  distance of the translations to the target domain's test images in that classifier's
  features.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ganzoo.metrics.fid import frechet_distance


def pixel_scores(prediction: np.ndarray, target: np.ndarray) -> dict[str, float]:
    """L1 and PSNR (peak 1, per image, averaged; an exact image counts as 100 dB) of data-space
    images ``(n, C, H, W)``."""
    error = prediction.astype(np.float64) - target.astype(np.float64)
    mse = np.square(error).reshape(len(error), -1).mean(axis=1)
    psnr = np.where(mse > 0, 10 * np.log10(1.0 / np.maximum(mse, 1e-10)), 100.0)
    return {"l1": float(np.abs(error).mean()), "psnr": float(psnr.mean())}


def evaluate_translation(translator, game, dataset, *, classifier_cache=None, progress: bool | None = None
                         ) -> dict[str, Any]:
    """Scores of ``translator`` (a :class:`ganzoo.translate.LoadedTranslator`) on the test split of
    ``dataset`` (a :class:`ganzoo.data.pairs.DomainPair`), whose sides ``game.sides`` tells apart."""
    test, labels = dataset.test_split()
    source, target = game.sides(test, dataset.info)
    source, target = dataset.to_data_space(source).numpy(), dataset.to_data_space(target).numpy()
    translated = translator(source)
    report: dict[str, Any] = {"n": len(source), "direction": translator.direction}
    same_shape = source.shape == target.shape
    if getattr(dataset, "test_paired", False):
        report["pixels"] = {"translation": pixel_scores(translated, target),
                            "identity": pixel_scores(source, target) if same_shape else None}
    domain = _target_domain(dataset, translator.direction)
    if domain is not None and labels is not None:
        from ganzoo.metrics.classifier import get_classifier

        classifier = get_classifier(domain, classifier_cache, progress)
        reference = dataset.to_data_space(domain.test_split()[0]).numpy()
        real = classifier.features(reference)
        labels = labels.numpy()

        def scores(images: np.ndarray) -> dict[str, float]:
            return {"label_accuracy": float((classifier.predict(images) == labels).mean()),
                    "fid": frechet_distance(classifier.features(images), real)}

        report["classifier"] = {"translation": scores(translated), "identity": scores(source) if same_shape else None,
                                "domain": domain.name, "weights_sha256": classifier.weights_sha256,
                                "test_accuracy": classifier.test_accuracy}
    return report


def _target_domain(dataset, direction: str):
    labelled = getattr(dataset, "labelled_domain", None)
    return labelled(1 if direction == "AtoB" else 0) if labelled is not None else None


def table_rows(report: dict[str, Any]) -> list[tuple[str, str]]:
    """(metric, value) rows of a translation report, the identity baseline in brackets."""
    def both(section: str, key: str, spec: str) -> str:
        part = report[section]
        identity = part["identity"]
        value = format(part["translation"][key], spec)
        if identity is None or (isinstance(identity[key], float) and math.isnan(identity[key])):
            return value
        return f"{value}  (identity: {format(identity[key], spec)})"

    rows = [("direction", report["direction"]), ("test images", str(report["n"]))]
    if "pixels" in report:
        rows += [("L1 to target", both("pixels", "l1", ".4f")), ("PSNR dB", both("pixels", "psnr", ".2f"))]
    if "classifier" in report:
        c = report["classifier"]
        rows += [("label kept", both("classifier", "label_accuracy", ".3f")),
                 ("classifier FID", both("classifier", "fid", ".4g")),
                 ("classifier", f"{c['domain']}, sha256 {c['weights_sha256'][:12]}…, test accuracy "
                                f"{c['test_accuracy']:.3f}")]
    return rows
