"""ganzoo.bench.plot: the loss suite's picture."""

import io

from PIL import Image

from ganzoo.bench import plot
from ganzoo.bench.cases import Variant
from ganzoo.bench.example import loss_rows


def test_series_groups_by_variant_and_implementation_in_size_order():
    rows = loss_rows({"eager": {2**20: 2.0, 64: 1.0}}) + loss_rows({"eager": {64: 3.0}}, Variant(target="scalar"))
    found = plot.series(rows)
    assert found[Variant()]["eager"] == [(64, 1.0), (2**20, 2.0)]
    assert found[Variant(target="scalar")]["eager"] == [(64, 3.0)]


def test_one_panel_per_variant():
    rows = loss_rows({"eager": {64: 1e-4, 4096: 1e-3}, "ganzoo-cpp": {64: 2e-5, 4096: 1e-4}})
    rows += loss_rows({"eager": {64: 1e-4}}, Variant(op="pair", target="scalar"))
    image = Image.open(io.BytesIO(plot.png_bytes(rows, "title")))
    assert image.size == (2 * plot.PANEL[0], plot.PANEL[1] + 30)


def test_lines_are_drawn_in_the_implementations_colour():
    image = plot.render(loss_rows({"eager": {64: 1e-4, 2**20: 1e-2}}))
    assert plot.COLORS[0] in {pixel for _, pixel in image.getcolors(maxcolors=100_000)}
