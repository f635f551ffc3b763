"""ganzoo.bench.tables: the same tables as text and as markdown."""

from ganzoo.bench import tables
from ganzoo.bench.example import document


def test_one_loss_table_per_variant_with_every_implementation_and_size():
    (table,) = tables.loss_tables(document()["suites"]["loss"])
    assert table.title == "loss: BCE, tensor target, float32"
    assert [r[1] for r in table.rows[:3]] == ["eager", "compile", "ganzoo-cpp"]
    assert len(table.rows) == 9


def test_loss_rows_show_speedups_over_eager_and_compile():
    (table,) = tables.loss_tables(document()["suites"]["loss"])
    row = next(r for r in table.rows if r[:2] == ["2^20", "ganzoo-cpp"])
    assert row[2:5] == ["1 ms", "4.50×", "2.00×"]


def test_text_table_aligns_columns():
    text = tables.as_text(tables.startup_table(document()["suites"]["startup"]))
    lines = text.splitlines()
    assert lines[0].startswith("startup") and set(lines[2]) <= {"-", " "}
    assert len({len(line) for line in lines[1:3]}) == 1


def test_markdown_table_has_header_rule_and_escaped_cells():
    table = tables.Table("t", ["a", "b"], [["x|y", "1"]], note="a note")
    assert tables.as_markdown(table).splitlines() == ["### t", "", "| a | b |", "| --- | --- |", "| x\\|y | 1 |",
                                                      "", "a note"]


def test_suite_tables_cover_every_suite_and_the_targets():
    titles = [t.title for t in tables.suite_tables(document())]
    assert titles[-1] == "targets" and any(t.startswith("train") for t in titles)
    assert any(t.startswith("startup") for t in titles)


def test_the_train_suites_precision_and_compile_rows_get_their_own_table():
    doc = document()
    timing = {"median_s": 0.5, "p25_s": 0.4, "p75_s": 0.6, "samples": 3, "inner": 1}
    doc["suites"]["train"]["speed"] = [
        {"model": "dcgan", "data": "digits", "contender": "bf16", **timing, "images_per_s": 128.0, "vs_fp32": 1.5}]
    table = next(t for t in tables.suite_tables(doc) if t.title.startswith("train: precision and compile"))
    assert table.rows == [["dcgan", "digits", "bf16", "500 ms", "400 ms – 600 ms", "128", "1.50×"]]


def test_the_patchgan_loss_rows_get_their_own_table():
    doc = document()
    timing = {"median_s": 0.0005, "p25_s": 0.0004, "p75_s": 0.0006, "samples": 3, "inner": 1}
    doc["suites"]["train"]["patch_loss"] = [
        {"workload": "pix2pix PatchGAN losses", "contender": "ganzoo (fused)", **timing, "vs_reference": 2.5}]
    table = next(t for t in tables.suite_tables(doc) if t.title.startswith("train: pix2pix"))
    assert table.rows == [["pix2pix PatchGAN losses", "ganzoo (fused)", "500 µs", "400 µs – 600 µs", "2.50×"]]
