import pytest
import torch

from ganzoo.errors import ConfigError
from ganzoo.train.build import select_device


@pytest.fixture
def two_gpus(monkeypatch):
    """A torch that sees two CUDA devices (none is touched: only torch.device objects are made)."""
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 2)


@pytest.fixture
def no_gpu(monkeypatch):
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(torch.cuda, "device_count", lambda: 0)


def test_cpu_and_auto_without_cuda_are_the_cpu(no_gpu):
    assert select_device("cpu") == torch.device("cpu")
    assert select_device("auto") == torch.device("cpu")


def test_cuda_and_a_visible_index_are_accepted(two_gpus):
    assert select_device("cuda") == torch.device("cuda")
    assert select_device("cuda:1") == torch.device("cuda", 1)
    assert select_device("auto") == torch.device("cuda")


@pytest.mark.parametrize("name", ["meta", "xla", "mps", "ipu", "hpu", "privateuseone", "cpu:1", "CPU",
                                  "cuda:", "cuda:x", "cuda:-1", "", "gpu"])
def test_other_devices_are_refused_listing_the_choices(two_gpus, name):
    with pytest.raises(ConfigError, match=f"unknown device '{name}'; use auto, cpu, cuda or cuda:N"):
        select_device(name)


def test_an_index_beyond_the_visible_devices_is_refused(two_gpus):
    with pytest.raises(ConfigError, match="sees 2 CUDA device.*cuda:0 to cuda:1"):
        select_device("cuda:99")


@pytest.mark.parametrize("name", ["cuda", "cuda:0"])
def test_cuda_without_a_cuda_device_points_to_the_cpu(no_gpu, name):
    with pytest.raises(ConfigError, match="sees no CUDA device; use --device cpu"):
        select_device(name)
