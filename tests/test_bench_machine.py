"""ganzoo.bench.machine: what a result was measured on."""

from ganzoo.bench import machine


def test_describe_names_cpu_threads_and_versions():
    info = machine.describe("cpu")
    assert info["cpu_model"] and info["usable_cores"] >= 1 and info["torch_threads"] >= 1
    assert info["torch"] and info["gpu"] is None


def test_load_average_has_three_numbers():
    assert len(machine.load_average()) == 3
