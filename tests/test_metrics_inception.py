import hashlib

import numpy as np
import pytest
import torch

from ganzoo.errors import DataError
from ganzoo.metrics.inception import feature_scores, load_feature_network

# The usual Inception file is TorchScript, which this torch marks deprecated.
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


class MeanColour(torch.nn.Module):
    """A stand-in with the Inception file's interface: uint8 (n, 3, H, W) -> features (n, 3)."""

    def forward(self, x: torch.Tensor, return_features: bool = False) -> torch.Tensor:
        return x.float().mean(dim=(2, 3))


@pytest.fixture
def weights(tmp_path):
    path = tmp_path / "net.pt"
    torch.jit.save(torch.jit.script(MeanColour()), str(path))
    return path, hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_file_with_the_right_hash_loads(weights):
    path, digest = weights
    net = load_feature_network(path, digest.upper())
    features = net.features(np.full((2, 1, 4, 4), 0.5))
    assert features.shape == (2, 3) and np.allclose(features, 128.0)


def test_a_wrong_hash_is_refused(weights):
    path, _ = weights
    with pytest.raises(DataError, match="sha256"):
        load_feature_network(path, "0" * 64)


def test_a_file_that_is_no_torchscript_is_refused(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"junk")
    with pytest.raises(DataError, match="not a TorchScript"):
        load_feature_network(path, hashlib.sha256(b"junk").hexdigest())


def test_scores_carry_the_weights_hash(weights):
    path, digest = weights
    rng = np.random.default_rng(0)
    real, test, fake = rng.random((40, 3, 4, 4)), rng.random((40, 3, 4, 4)), rng.random((40, 3, 4, 4)) * 0.5
    scores = feature_scores(load_feature_network(path, digest), fake, real, test)
    assert scores["weights_sha256"] == digest and scores["fid"] > scores["reference_fid"]
