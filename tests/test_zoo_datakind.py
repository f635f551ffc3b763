import pytest

from ganzoo.api import DataInfo
from ganzoo.zoo.datakind import check_data_kind

POINTS, IMAGES = DataInfo((2,), bounded=False), DataInfo((1, 8, 8), bounded=True)


def test_any_accepts_both_kinds():
    check_data_kind(POINTS, "any", "net")
    check_data_kind(IMAGES, "any", "net")


def test_images_refuses_points_and_names_the_fix():
    with pytest.raises(ValueError, match=r"net is built for images .* MLP model"):
        check_data_kind(POINTS, "images", "net")


def test_points_refuses_images_and_names_the_fix():
    with pytest.raises(ValueError, match=r"net is built for 2-D points .* image model"):
        check_data_kind(IMAGES, "points", "net")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="data_kind must be one of"):
        check_data_kind(POINTS, "pictures", "net")
