"""ganzoo.bench.targets: the issues' goals checked against a results document."""

from ganzoo.bench import targets
from ganzoo.bench.example import document


def _by_what(doc):
    return {c["what"]: c for c in targets.check(doc)}


def test_loss_speedups_meet_the_cpu_targets():
    checks = _by_what(document())
    assert checks["ganzoo-cpp vs eager, n = 64"]["met"] is True  # 3×
    assert checks["ganzoo-cpp vs eager, n = 2^24"]["met"] is True  # 4.5×


def test_a_slow_startup_is_not_met():
    assert _by_what(document())["ganzoo list"]["met"] is False


def test_train_overhead_within_five_percent_is_met():
    assert _by_what(document())["trainer step / plain loop step, digits"]["met"] is True


def test_unmeasured_targets_say_so():
    doc = document()
    doc["suites"]["loss"]["rows"] = [r for r in doc["suites"]["loss"]["rows"] if r["size"] != 2**24]
    check = _by_what(doc)["ganzoo-cpp vs eager, n = 2^24"]
    assert check["met"] is None and check["value"] == "not measured"


def test_gpu_targets_are_checked_on_a_gpu_document():
    doc = document(device="cuda")
    assert {c["what"] for c in targets.loss_checks(doc)} >= {"ganzoo-cuda of copy bandwidth, n = 10^7"}


def _cuda_document(launches=None, bf16_vs_fp32=None):
    doc = document(device="cuda")
    if launches is not None:
        doc["suites"]["loss"]["rows"].append({**doc["suites"]["loss"]["rows"][0], "impl": "ganzoo-cuda",
                                              "launches": launches})
    if bf16_vs_fp32 is not None:
        doc["suites"]["train"]["speed"] = [{"model": "dcgan", "data": "rgb64", "contender": "bf16",
                                            "image_side": 64, "vs_fp32": bf16_vs_fp32}]
    return doc


def test_two_kernel_launches_at_64_elements_are_met_and_three_are_not():
    what = "ganzoo-cuda kernel launches per call, n = 64"
    assert _by_what(_cuda_document(launches=2))[what]["met"] is True
    assert _by_what(_cuda_document(launches=3))[what]["met"] is False
    assert _by_what(_cuda_document())[what]["value"] == "not measured"


def test_bf16_must_be_one_and_a_half_times_fp32_at_64x64_on_cuda():
    what = "bf16 / fp32 images/s, dcgan at 64×64"
    assert _by_what(_cuda_document(bf16_vs_fp32=1.6))[what]["met"] is True
    assert _by_what(_cuda_document(bf16_vs_fp32=1.2))[what]["met"] is False
