"""The loss suite as a picture: median time against size on log-log axes, one panel per
loss variant, one line per implementation. Drawn with Pillow."""

from __future__ import annotations

import io
import math

from PIL import Image, ImageDraw, ImageFont

from ganzoo.bench import formatting as fmt
from ganzoo.bench.cases import Variant

PANEL = (560, 360)  # width, height of one panel in pixels
MARGIN = (70, 30, 20, 50)  # left, top, right, bottom inside a panel
COLUMNS = 2
COLORS = [(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75)]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1: a fixed bitmap font
        return ImageFont.load_default()


def series(rows: list[dict]) -> dict[Variant, dict[str, list[tuple[int, float]]]]:
    """{variant: {implementation: [(size, median seconds), ...] in size order}}."""
    out: dict = {}
    for row in sorted(rows, key=lambda r: r["size"]):
        variant = Variant(row["op"], row["target"], row["weighting"], row["dtype"])
        out.setdefault(variant, {}).setdefault(row["impl"], []).append((row["size"], row["median_s"]))
    return out


def _decades(lo: float, hi: float) -> list[int]:
    return list(range(math.floor(math.log10(lo)), math.ceil(math.log10(hi)) + 1))


def _panel(draw: ImageDraw.ImageDraw, origin: tuple[int, int], title: str, lines: dict, colors: dict, font, small):
    ox, oy = origin
    left, top, right, bottom = MARGIN
    x0, y0, x1, y1 = ox + left, oy + top, ox + PANEL[0] - right, oy + PANEL[1] - bottom
    points = [p for pts in lines.values() for p in pts]
    sizes, times = [p[0] for p in points], [p[1] for p in points]
    lx, hx = math.log2(min(sizes)), math.log2(max(sizes))
    decades = _decades(min(times), max(times))
    ly, hy = decades[0], max(decades[-1], decades[0] + 1)

    def xy(n, t):
        fx = 0.5 if hx == lx else (math.log2(n) - lx) / (hx - lx)
        fy = (math.log10(t) - ly) / (hy - ly)
        return x0 + fx * (x1 - x0), y1 - fy * (y1 - y0)

    draw.text((x0, oy + 6), title, fill="black", font=font)
    draw.rectangle([x0, y0, x1, y1], outline=(160, 160, 160))
    for d in range(ly, hy + 1):
        _, y = xy(min(sizes), 10.0**d)
        draw.line([x0, y, x1, y], fill=(225, 225, 225))
        # the default font has no µ
        draw.text((ox + 4, y - 7), fmt.seconds(10.0**d).replace("µ", "u"), fill="black", font=small)
    for n in sorted(set(sizes)):
        x, _ = xy(n, 10.0**ly)
        draw.line([x, y1, x, y1 + 4], fill="black")
        draw.text((x - 14, y1 + 6), fmt.size(n), fill="black", font=small)
    draw.text((x0 + (x1 - x0) // 2 - 50, y1 + 24), "elements (log scale)", fill="black", font=small)
    for row, (impl, pts) in enumerate(lines.items()):
        color = colors[impl]
        coords = [xy(n, t) for n, t in pts]
        if len(coords) > 1:
            draw.line(coords, fill=color, width=2)
        for x, y in coords:
            draw.ellipse([x - 3, y - 3, x + 3, y + 3], fill=color)
        # legend in the lower right corner, which time-against-size lines leave empty
        ly_legend = y1 - 8 - 16 * (len(lines) - row)
        lx_legend = x1 - 150
        draw.line([lx_legend, ly_legend + 7, lx_legend + 20, ly_legend + 7], fill=color, width=3)
        draw.text((lx_legend + 26, ly_legend), impl, fill="black", font=small)


def render(rows: list[dict], title: str = "") -> Image.Image:
    """One picture of the loss suite's rows."""
    panels = series(rows)
    impls = sorted({r["impl"] for r in rows}, key=lambda i: ({"eager": 0, "compile": 1}.get(i, 2), i))
    colors = {impl: COLORS[i % len(COLORS)] for i, impl in enumerate(impls)}
    n_rows = max(1, math.ceil(len(panels) / COLUMNS))
    head = 30 if title else 0
    width, height = PANEL[0] * min(COLUMNS, max(1, len(panels))), PANEL[1] * n_rows + head
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    font, small = _font(15), _font(12)
    if title:
        draw.text((10, 6), title, fill="black", font=font)
    for i, (variant, lines) in enumerate(panels.items()):
        origin = ((i % COLUMNS) * PANEL[0], head + (i // COLUMNS) * PANEL[1])
        _panel(draw, origin, variant.label, lines, colors, font, small)
    return image


def png_bytes(rows: list[dict], title: str = "") -> bytes:
    buffer = io.BytesIO()
    render(rows, title).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
