"""Mode coverage on stacked digits: the Stacked MNIST protocol of the VEEGAN and PacGAN papers.

Srivastava et al. 2017 (sec. 5.2) and Lin et al. 2018 (sec. 5.2): classify each channel of
a generated image with a digit classifier; the three digits name one of 1 000 modes. Report
how many modes at least one sample reaches and the KL of the mode histogram against the
uniform one (``KL(p_gen || uniform)``, as :func:`ganzoo.metrics.histogram.kl_to_uniform`).

The sample count is the papers' 26 000. A perfect generator's histogram is multinomial, so
its KL is not 0 but about ``(K - 1) / (2 n)``: 0.019 at 26 000 samples (0.05, the goal, at
10 000), and it misses some mode with probability about ``K e^(-n/K)``: 5e-9 at 26 000
(4 % at 10 000). Fewer samples would blur the 1 000-mode count and a KL of 0.05.
"""

from __future__ import annotations

import numpy as np

from ganzoo.metrics.histogram import coverage

#: samples the protocol draws (Srivastava et al. 2017, Lin et al. 2018)
PROTOCOL_SAMPLES = 26_000


def channel_digits(images: np.ndarray, digit_classifier, progress: bool | None = None) -> np.ndarray:
    """The digit the classifier sees in each channel: ``(n, C)`` of data-space images ``(n, C, H, W)``."""
    images = np.asarray(images)
    n, channels = images.shape[:2]
    one_channel = images.reshape(n * channels, 1, *images.shape[2:])
    return digit_classifier.predict(one_channel, progress=progress).reshape(n, channels)


def stacked_modes(images: np.ndarray, digit_classifier, progress: bool | None = None) -> dict:
    """Modes of data-space stacked images ``(n, C, H, W)``: ``covered`` of ``total``
    (``10**C``), ``kl_to_uniform`` (nats) and the per-mode ``counts``, with the digit
    classifier's ``weights_sha256`` and ``test_accuracy`` (its errors blur the count).
    ``progress``: as :func:`ganzoo.progress.progress_bar`'s ``show``."""
    if len(images) == 0:
        raise ValueError("stacked mode coverage needs at least one sample")
    digits = channel_digits(images, digit_classifier, progress)
    channels = digits.shape[1]
    mode = digits @ (10 ** np.arange(channels - 1, -1, -1))  # first channel is the leading digit
    counts = np.bincount(mode.astype(np.int64), minlength=10**channels)
    return {**coverage(counts), "weights_sha256": digit_classifier.weights_sha256,
            "test_accuracy": digit_classifier.test_accuracy}
