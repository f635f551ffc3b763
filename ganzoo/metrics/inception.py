"""FID/KID in the features of a network the user provides, e.g. the Inception-v3 of the
usual image FID. ganzoo never downloads it: the user passes a file and its sha256.

The file is a TorchScript module with the interface of the ``inception-2015-12-05.pt``
file of the StyleGAN2-ADA metrics: called as ``net(images, return_features=True)`` on
uint8 images ``(n, 3, H, W)`` (it resizes internally), it returns features ``(n, d)``.
Grayscale images are repeated to three channels.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from ganzoo.errors import DataError
from ganzoo.progress import progress_bar


@dataclass
class FeatureNetwork:
    module: torch.jit.ScriptModule
    sha256: str

    @torch.no_grad()
    def features(self, images: np.ndarray, batch_size: int = 64, progress: bool | None = None) -> np.ndarray:
        """Features ``(n, d)`` of data-space images ``(n, C, H, W)`` in [0, 1]. ``progress``: as
        :func:`ganzoo.progress.progress_bar`'s ``show``."""
        x = torch.as_tensor(np.asarray(images), dtype=torch.float32)
        if x.ndim != 4 or x.shape[1] not in (1, 3):
            raise DataError(f"the feature network needs images with 1 or 3 channels, got shape {tuple(x.shape)}")
        out = []
        for start in progress_bar(range(0, len(x), batch_size), desc="Inception features", unit="batch",
                                  show=progress, leave=False):
            batch = (x[start:start + batch_size].clamp(0, 1) * 255).round().to(torch.uint8)
            if batch.shape[1] == 1:
                batch = batch.repeat(1, 3, 1, 1)
            out.append(self.module(batch, return_features=True).double())
        return torch.cat(out).numpy()


def load_feature_network(path: str | Path, sha256: str) -> FeatureNetwork:
    """Load the TorchScript file ``path`` after checking that its sha256 is ``sha256``."""
    path = Path(path)
    try:
        blob = path.read_bytes()
    except OSError as err:
        raise DataError(f"cannot read the feature network {path}: {err.strerror or err}") from None
    digest = hashlib.sha256(blob).hexdigest()
    if digest != sha256.strip().lower():
        raise DataError(f"{path} has sha256 {digest}, not the {sha256} you passed; check the file")
    try:
        module = torch.jit.load(io.BytesIO(blob), map_location="cpu").eval()
    except (RuntimeError, ValueError) as err:
        raise DataError(f"{path} is not a TorchScript module ({str(err).splitlines()[0]})") from None
    return FeatureNetwork(module, digest)


def feature_scores(network: FeatureNetwork, fake: np.ndarray, real: np.ndarray, test: np.ndarray,
                   progress: bool | None = None) -> dict:
    """FID/KID of ``fake`` and of the held-out ``test`` split (the ceiling) against ``real``."""
    from ganzoo.metrics.fid import frechet_distance, kernel_distance

    f_fake, f_real, f_test = (network.features(x, progress=progress) for x in (fake, real, test))
    kid, kid_std = kernel_distance(f_fake, f_real)
    return {"fid": frechet_distance(f_fake, f_real), "kid": kid, "kid_std": kid_std,
            "reference_fid": frechet_distance(f_test, f_real), "reference_kid": kernel_distance(f_test, f_real)[0],
            "weights_sha256": network.sha256}
