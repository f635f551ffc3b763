import numpy as np
import pytest

from ganzoo import viz


def test_image_grid_tiles_and_enlarges_small_images():
    image = viz.image_grid(np.random.rand(10, 1, 8, 8), min_cell=32)
    assert image.mode == "L"
    assert image.size == (4 * 34 + 2, 3 * 34 + 2)  # 4 columns, 3 rows, 32 px cells, 2 px gaps


def test_render_picks_a_scatter_for_points():
    image = viz.render(np.random.randn(50, 2), np.random.randn(50, 2))
    assert image.mode == "RGB" and image.size == (512, 512)
    pixels = np.asarray(image)
    assert ((pixels == [255, 127, 14]).all(axis=2)).any()  # generated points drawn in orange


def test_render_refuses_shapes_it_cannot_draw():
    with pytest.raises(ValueError, match="npy"):
        viz.render(np.zeros((4, 7)))
