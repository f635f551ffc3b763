"""A small image classifier that ganzoo trains on a labelled dataset's training split;
its penultimate layer is the feature space of ganzoo's FID/KID and its predictions give
the label histogram of a generator's samples.

Scores in this space compare runs on the same dataset *and the same classifier*, so each
result records the sha256 of the classifier's weights. Trained classifiers are cached in
``$GANZOO_CACHE/classifiers`` (default ``~/.cache/ganzoo/classifiers``), keyed by the
data, the architecture and the training recipe; the weights' hash is checked on load and
a damaged file is simply retrained. The embedded digits' classifier ships with ganzoo
(``ganzoo/metrics/classifiers``), so every machine scores them in the same features.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load as st_load
from safetensors.torch import save as st_save
from torch import Tensor, nn

from ganzoo import fileio
from ganzoo.data.base import Dataset
from ganzoo.progress import progress_bar

#: bump when the network or its training changes: old cache entries are then ignored
#: (version 2: trained on one thread; version 1's weights depended on the caller's threads)
RECIPE = {"version": 2, "width": 32, "features": 128, "steps": 1000, "batch_size": 128, "lr": 1e-3, "seed": 0}


#: classifiers that ship with ganzoo, looked up before the cache and named as its entries are
SHIPPED = Path(__file__).resolve().parent / "classifiers"


def cache_dir() -> Path:
    return fileio.cache_dir("classifiers")


class ConvClassifier(nn.Module):
    """Three 3×3 convolutions (the last two stride 2), global average pooling, a linear
    feature layer and a linear head. Inputs in data space, ``(n, C, H, W)`` in [0, 1]."""

    def __init__(self, shape: tuple[int, ...], num_classes: int, width: int = 32, features: int = 128):
        super().__init__()
        channels = shape[0]
        self.body = nn.Sequential(
            nn.Conv2d(channels, width, 3, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(width, 2 * width, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.Conv2d(2 * width, 4 * width, 3, stride=2, padding=1), nn.LeakyReLU(0.2),
            nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(4 * width, features), nn.ReLU(),
        )
        self.head = nn.Linear(features, num_classes)

    def features(self, x: Tensor) -> Tensor:
        return self.body(x)

    def forward(self, x: Tensor) -> Tensor:
        return self.head(self.body(x))


@dataclass
class Classifier:
    """A trained :class:`ConvClassifier` with its provenance."""

    network: ConvClassifier
    weights_sha256: str
    test_accuracy: float
    cached: bool

    @torch.no_grad()
    def _apply(self, fn, x: np.ndarray, progress: bool | None, desc: str, batch_size: int = 1024) -> np.ndarray:
        self.network.eval()
        x = torch.as_tensor(np.asarray(x), dtype=torch.float32)
        starts = progress_bar(range(0, len(x), batch_size), desc=desc, unit="batch", show=progress, leave=False)
        out = [fn(x[i:i + batch_size]) for i in starts]
        return torch.cat(out).double().numpy() if out else np.zeros((0,))

    def features(self, x: np.ndarray, progress: bool | None = None) -> np.ndarray:
        """Penultimate activations ``(n, features)`` of data-space images ``(n, C, H, W)``.
        ``progress``: as :func:`ganzoo.progress.progress_bar`'s ``show``."""
        return self._apply(self.network.features, x, progress, "classifier features")

    def predict(self, x: np.ndarray, progress: bool | None = None) -> np.ndarray:
        """Predicted labels ``(n,)``."""
        return self._apply(self.network, x, progress, "classifier labels").argmax(axis=1)


def can_classify(dataset: Dataset) -> bool:
    """Whether a classifier can be trained: labelled images."""
    if not dataset.info.is_image or dataset.info.num_classes < 2:
        return False
    return dataset.sample(1, torch.Generator().manual_seed(0))[1] is not None


def _data_fingerprint(dataset: Dataset) -> str:
    """A hash of what the classifier would be trained and tested on (a fixed draw, the test split)."""
    h = hashlib.sha256(json.dumps([dataset.name, list(dataset.info.shape), dataset.info.num_classes]).encode())
    x, y = dataset.sample(4096, torch.Generator().manual_seed(RECIPE["seed"]))
    tx, ty = dataset.test_split()
    for t in (x, y, tx, ty):
        if t is not None:
            h.update(t.contiguous().numpy().tobytes())
    return h.hexdigest()


def _train(dataset: Dataset, progress: bool | None = None) -> ConvClassifier:
    """The classifier trained by RECIPE on one thread: a convolution's gradient is summed in
    another order on two threads, and the weights it ends with differ."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        return _train_one_thread(dataset, progress)
    finally:
        torch.set_num_threads(threads)


def _train_one_thread(dataset: Dataset, progress: bool | None) -> ConvClassifier:
    torch.manual_seed(RECIPE["seed"])
    rng = torch.Generator().manual_seed(RECIPE["seed"] + 1)
    net = ConvClassifier(dataset.info.shape, dataset.info.num_classes, RECIPE["width"], RECIPE["features"])
    opt = torch.optim.Adam(net.parameters(), lr=RECIPE["lr"])
    net.train()
    for _ in progress_bar(range(RECIPE["steps"]), desc="training the classifier (cached for next time)",
                          unit="step", show=progress):
        x, y = dataset.sample(RECIPE["batch_size"], rng)
        loss = nn.functional.cross_entropy(net(dataset.to_data_space(x)), y.long())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    return net.eval()


@torch.no_grad()
def _test_accuracy(net: ConvClassifier, dataset: Dataset) -> float:
    x, y = dataset.test_split()
    if y is None or len(x) == 0:
        return float("nan")
    return float((net(dataset.to_data_space(x)).argmax(1) == y.long()).double().mean())


def _load_cached(path: Path, dataset: Dataset) -> Classifier | None:
    sidecar = path.with_suffix(".json")
    try:
        meta = json.loads(sidecar.read_text())
        blob = path.read_bytes()
        if hashlib.sha256(blob).hexdigest() != meta["sha256"]:
            return None
        net = ConvClassifier(dataset.info.shape, dataset.info.num_classes, RECIPE["width"], RECIPE["features"])
        net.load_state_dict(st_load(blob))
    except (OSError, ValueError, KeyError, RuntimeError, SafetensorError):
        return None  # missing or damaged: train afresh
    return Classifier(net.eval(), meta["sha256"], float(meta["test_accuracy"]), cached=True)


def get_classifier(dataset: Dataset, cache: Path | None = None, progress: bool | None = None) -> Classifier:
    """The classifier of ``dataset`` (labelled images): from the cache, or trained and cached.
    ``progress``: show the training's progress, as :func:`ganzoo.progress.progress_bar`'s ``show``."""
    if not can_classify(dataset):
        raise ValueError(f"dataset {dataset.name!r} has no labelled images to train a classifier on")
    key = hashlib.sha256((_data_fingerprint(dataset) + json.dumps(RECIPE, sort_keys=True)).encode()).hexdigest()
    directory = cache or cache_dir()
    path = directory / f"{dataset.name or 'data'}-{key[:16]}.safetensors"
    for known in (SHIPPED / path.name, path):
        found = _load_cached(known, dataset)
        if found is not None:
            return found
    net = _train(dataset, progress)
    accuracy = _test_accuracy(net, dataset)
    blob = st_save({k: v.contiguous() for k, v in net.state_dict().items()})
    sha = hashlib.sha256(blob).hexdigest()
    try:
        directory.mkdir(parents=True, exist_ok=True)
        fileio.write_bytes(path, blob)
        fileio.write_json(path.with_suffix(".json"), {"sha256": sha, "test_accuracy": accuracy, "recipe": RECIPE})
    except OSError:
        pass  # an unwritable cache costs a retrain next time, nothing more
    return Classifier(net, sha, accuracy, cached=False)
