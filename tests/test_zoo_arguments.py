import math

import numpy as np
import pytest

from ganzoo.zoo.arguments import flag, number, whole_number, widths


def test_widths_accept_one_width_or_a_list():
    assert widths(128) == [128]
    assert widths([64, 32.0, np.int64(16)]) == [64, 32, 16]
    assert widths(()) == []


@pytest.mark.parametrize("hidden, words", [
    (-3, "hidden must be a whole number >= 1, got -3"),
    (0, "hidden must be a whole number >= 1, got 0"),
    (1.5, "hidden must be a whole number >= 1, got 1.5"),
    ("abc", "hidden must be a width or a list of widths"),
    ("", "hidden must be a width or a list of widths"),
    (True, "hidden must be a width or a list of widths"),
    (None, "hidden must be a width or a list of widths"),
    ([8, 0], "each width in hidden must be a whole number >= 1, got 0"),
    ([8, "wide"], "each width in hidden must be a whole number >= 1, got 'wide'"),
])
def test_bad_widths_name_the_argument(hidden, words):
    with pytest.raises(ValueError) as err:
        widths(hidden)
    assert words in str(err.value)


def test_whole_number_takes_integral_floats_and_refuses_bools():
    assert whole_number("pieces", 5.0, 1) == 5 and isinstance(whole_number("pieces", 5.0, 1), int)
    with pytest.raises(ValueError, match="pieces must be a whole number >= 1, got True"):
        whole_number("pieces", True, 1)


@pytest.mark.parametrize("value", [math.nan, math.inf, "0.5", None, False])
def test_number_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError, match="dropout must be a finite number"):
        number("dropout", value, at_least=0, below=1)


def test_number_checks_each_bound_and_says_which():
    assert number("dropout", 0, at_least=0, below=1) == 0.0
    with pytest.raises(ValueError, match="dropout must be a finite number >= 0 and < 1, got 1"):
        number("dropout", 1, at_least=0, below=1)
    with pytest.raises(ValueError, match="clip must be a finite number > 0 .none: off., got 0"):
        number("clip", 0, above=0, hint=" (none: off)")


def test_flag_takes_only_true_or_false():
    assert flag("batchnorm", False) is False
    with pytest.raises(ValueError, match="batchnorm must be true or false, got 'maybe'"):
        flag("batchnorm", "maybe")
