"""ganzoo.bench.markdown: the results page names the machine and flags a busy one."""

from ganzoo.bench import markdown
from ganzoo.bench.example import document


def test_page_names_the_machine_and_holds_every_table():
    page = markdown.results_markdown(document(), plot="cpu-2025-01-02-loss.png")
    assert "Test CPU, 2 usable cores of 2, no GPU; torch 2.0.0 (2 threads)" in page
    assert "### targets" in page and "### train" in page
    assert "![loss suite: time against size](cpu-2025-01-02-loss.png)" in page


def test_a_busy_machine_is_flagged():
    assert "not fit to publish" in markdown.results_markdown(document(load=6.5))
    assert "not fit to publish" not in markdown.results_markdown(document(load=0.2))


def test_the_runs_own_load_at_the_end_does_not_mark_it_busy():
    doc = document(load=0.2)
    doc["load_average_end"] = [1.9, 1.2, 0.8]  # two benchmark threads on two cores
    assert not markdown.is_busy(doc)


def test_gpu_line_names_driver_and_cuda():
    doc = document(device="cuda")
    doc["machine"].update(gpu="NVIDIA H100", gpu_driver="550.1", cuda="12.4")
    assert "NVIDIA H100 (driver 550.1, CUDA 12.4)" in markdown.machine_line(doc)
