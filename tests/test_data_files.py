import numpy as np
import pytest
import torch
from PIL import Image

from ganzoo.data.files import UserData
from ganzoo.errors import DataError


def save_npy(tmp_path, array, name="data.npy"):
    path = tmp_path / name
    np.save(path, array)
    return path


def save_png(folder, name, array):
    folder.mkdir(exist_ok=True)
    Image.fromarray(array).save(folder / name)


def test_points_are_kept_as_given_and_unbounded(tmp_path):
    x = np.random.RandomState(0).randn(20, 3).astype(np.float64) * 10
    d = UserData(save_npy(tmp_path, x))
    assert d.info.shape == (3,) and not d.info.bounded
    both = torch.cat([d.train_split()[0], d.test_split()[0]])
    assert torch.allclose(both.sort(dim=0).values, torch.tensor(x, dtype=torch.float32).sort(dim=0).values)


def test_test_split_is_ten_percent_and_fixed(tmp_path):
    path = save_npy(tmp_path, np.arange(100, dtype=np.float32).reshape(50, 2))
    a, b = UserData(path, seed=0), UserData(path, seed=9)
    assert len(a.test_rows) == 5 and len(a) == 45
    assert torch.equal(a.test_split()[0], b.test_split()[0])


def test_tiny_data_keeps_at_least_one_test_sample(tmp_path):
    d = UserData(save_npy(tmp_path, np.zeros((3, 2), np.float32)))
    assert len(d.test_rows) == 1 and len(d) == 2


def test_uint8_images_are_scaled_to_minus_one_one(tmp_path):
    x = np.zeros((10, 4, 4), np.uint8)
    x[:, 0, 0] = 255
    d = UserData(save_npy(tmp_path, x))
    assert d.info.shape == (1, 4, 4) and d.info.bounded
    assert d.train_split()[0].min() == -1 and d.train_split()[0].max() == 1


def test_float_images_in_zero_one_are_scaled(tmp_path):
    x = np.full((10, 1, 4, 4), 0.5, np.float32)
    d = UserData(save_npy(tmp_path, x))
    assert torch.allclose(d.train_split()[0], torch.zeros_like(d.train_split()[0]))


def test_channels_last_images_become_channels_first(tmp_path):
    d = UserData(save_npy(tmp_path, np.zeros((10, 6, 5, 3), np.uint8)))
    assert d.info.shape == (3, 6, 5)


def test_float_images_outside_zero_one_are_an_error(tmp_path):
    with pytest.raises(DataError, match=r"\[0, 1\]"):
        UserData(save_npy(tmp_path, np.full((10, 4, 4), 2.0, np.float32)))


def test_nan_values_are_an_error_naming_the_file(tmp_path):
    x = np.zeros((10, 2), np.float32)
    x[3, 1] = np.nan
    with pytest.raises(DataError, match="NaN") as err:
        UserData(save_npy(tmp_path, x))
    assert "data.npy" in str(err.value)


def test_one_dimensional_array_is_a_shape_error(tmp_path):
    with pytest.raises(DataError, match="shape"):
        UserData(save_npy(tmp_path, np.zeros(10, np.float32)))


def test_single_sample_is_an_error(tmp_path):
    with pytest.raises(DataError, match="at least 2"):
        UserData(save_npy(tmp_path, np.zeros((1, 2), np.float32)))


def test_npz_takes_x_and_labels_y(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, x=np.zeros((20, 2), np.float32), y=np.arange(20) % 4, other=np.zeros(3))
    d = UserData(path)
    assert d.info.num_classes == 4 and d.num_classes == 4
    assert len(d.train_labels) == len(d) and len(d.test_labels) == len(d.test_rows)


def test_npz_with_a_single_array_uses_it(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, points=np.zeros((20, 2), np.float32))
    assert UserData(path).info.shape == (2,)


def test_npz_with_several_arrays_and_no_x_is_an_error(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, a=np.zeros((5, 2)), b=np.zeros((5, 2)))
    with pytest.raises(DataError, match="'x'"):
        UserData(path)


def test_labels_of_the_wrong_length_are_an_error(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, x=np.zeros((20, 2), np.float32), y=np.arange(5))
    with pytest.raises(DataError, match="labels"):
        UserData(path)


@pytest.mark.parametrize("name, content, message", [
    ("broken.npy", b"\x93NUMPY garbage", "broken.npy is truncated or corrupt"),
    ("empty.npy", b"", "empty.npy is empty"),
    ("notes.npz", b"hello", "notes.npz is not a NumPy file"),
])
def test_unreadable_file_is_an_error_naming_it(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=message):
        UserData(path)


def test_object_array_is_an_error(tmp_path):
    path = tmp_path / "obj.npy"
    np.save(path, np.array([{"a": 1}, None], dtype=object), allow_pickle=True)
    with pytest.raises(DataError, match="Python objects"):
        UserData(path)


def test_missing_path_is_an_error(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        UserData(tmp_path / "nope.npy")


def test_unsupported_file_type_is_an_error(tmp_path):
    path = tmp_path / "data.csv"
    path.write_text("1,2\n")
    with pytest.raises(DataError, match="unsupported"):
        UserData(path)


def test_folder_of_grayscale_pngs_gives_one_channel(tmp_path):
    for i in range(4):
        save_png(tmp_path / "imgs", f"{i}.png", np.full((6, 5), 255 * (i % 2), np.uint8))
    d = UserData(tmp_path / "imgs")
    assert d.info.shape == (1, 6, 5) and d.info.bounded
    assert set(torch.cat([d.train_split()[0], d.test_split()[0]]).unique().tolist()) == {-1.0, 1.0}


def test_folder_with_any_colour_image_gives_rgb(tmp_path):
    folder = tmp_path / "imgs"
    save_png(folder, "a.png", np.zeros((4, 4), np.uint8))
    save_png(folder, "b.png", np.zeros((4, 4, 3), np.uint8))
    Image.fromarray(np.zeros((4, 4, 3), np.uint8)).save(folder / "c.jpg")
    assert UserData(folder).info.shape == (3, 4, 4)


def test_folder_ignores_other_files(tmp_path):
    folder = tmp_path / "imgs"
    save_png(folder, "a.png", np.zeros((4, 4), np.uint8))
    save_png(folder, "b.png", np.zeros((4, 4), np.uint8))
    (folder / "notes.txt").write_text("hello")
    assert len(UserData(folder)) + len(UserData(folder).test_rows) == 2


def test_image_of_another_size_is_an_error_naming_it(tmp_path):
    folder = tmp_path / "imgs"
    save_png(folder, "a.png", np.zeros((4, 4), np.uint8))
    save_png(folder, "odd.png", np.zeros((5, 4), np.uint8))
    with pytest.raises(DataError, match="odd.png is 4x5"):
        UserData(folder)


def test_corrupt_image_is_an_error_naming_it(tmp_path):
    folder = tmp_path / "imgs"
    save_png(folder, "a.png", np.zeros((4, 4), np.uint8))
    (folder / "bad.png").write_bytes(b"\x89PNG\r\n\x1a\n broken")
    with pytest.raises(DataError, match="bad.png"):
        UserData(folder)


def test_empty_folder_is_an_error(tmp_path):
    with pytest.raises(DataError, match="no PNG or JPEG"):
        UserData(tmp_path)


@pytest.mark.parametrize("shape", [(10, 0), (10, 2, 0, 3), (10, 0, 4)])
def test_samples_with_no_values_are_an_error(tmp_path, shape):
    with pytest.raises(DataError, match="samples hold no values"):
        UserData(save_npy(tmp_path, np.zeros(shape, np.float32)))


def test_no_samples_is_an_error(tmp_path):
    with pytest.raises(DataError, match="holds 0 sample"):
        UserData(save_npy(tmp_path, np.zeros((0, 2), np.float32)))


def test_infinite_values_are_an_error(tmp_path):
    x = np.zeros((10, 2), np.float32)
    x[0, 0] = np.inf
    with pytest.raises(DataError, match="NaN or infinite"):
        UserData(save_npy(tmp_path, x))


def test_points_beyond_float32_range_are_an_error(tmp_path):
    with pytest.raises(DataError, match="beyond float32's range"):
        UserData(save_npy(tmp_path, np.full((10, 2), 1e300)))


def test_integer_points_become_float32(tmp_path):
    d = UserData(save_npy(tmp_path, np.arange(20).reshape(10, 2)))
    assert d.train_split()[0].dtype == torch.float32 and not d.info.bounded


@pytest.mark.parametrize("values", [np.array([["a", "b"]] * 10), np.zeros((10, 2), bool),
                                    np.zeros((10, 2), complex)])
def test_non_numeric_dtypes_are_an_error_naming_the_dtype(tmp_path, values):
    with pytest.raises(DataError, match=f"holds {values.dtype} values"):
        UserData(save_npy(tmp_path, values))


def test_a_text_file_named_npy_is_not_a_numpy_file(tmp_path):
    path = tmp_path / "points.npy"
    path.write_text("1,2\n3,4\n")
    with pytest.raises(DataError, match="points.npy is not a NumPy file") as err:
        UserData(path)
    assert "Python objects" not in str(err.value) and "numpy.loadtxt" in str(err.value)


def test_truncated_npy_is_an_error_naming_the_file(tmp_path):
    path = save_npy(tmp_path, np.zeros((10, 2), np.float32))
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(DataError, match="data.npy is truncated or corrupt"):
        UserData(path)


def test_truncated_npz_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, x=np.zeros((20, 2), np.float32))
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(DataError, match="d.npz is truncated or corrupt"):
        UserData(path)


def test_npz_with_a_corrupt_member_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "d.npz"
    np.savez_compressed(path, x=np.random.RandomState(0).rand(200, 2))
    blob = bytearray(path.read_bytes())
    blob[100:140] = bytes(40)  # inside the compressed member, before the zip directory
    path.write_bytes(bytes(blob))
    with pytest.raises(DataError, match="d.npz is truncated or corrupt"):
        UserData(path)


@pytest.mark.parametrize("name, other", [("a.npy", ".npz"), ("a.npz", ".npy")])
def test_a_file_of_the_other_numpy_format_says_to_rename_it(tmp_path, name, other):
    source = tmp_path / f"real{other}"
    if other == ".npz":
        np.savez(source, x=np.zeros((10, 2)))
    else:
        np.save(source, np.zeros((10, 2)))
    path = tmp_path / name
    source.rename(path)
    with pytest.raises(DataError, match=f"{name} is a {other} file .* rename it to end in {other}"):
        UserData(path)


def test_npz_with_no_arrays_is_an_error(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path)
    with pytest.raises(DataError, match="d.npz holds no arrays"):
        UserData(path)


def test_npz_with_only_labels_asks_for_the_data_under_x(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, y=np.arange(10))
    with pytest.raises(DataError, match="only labels 'y'; store the data under the key 'x'"):
        UserData(path)


def test_npz_with_object_labels_is_an_error(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, x=np.zeros((10, 2)), y=np.array([None] * 10, dtype=object))
    with pytest.raises(DataError, match="d.npz holds Python objects"):
        UserData(path)


def test_folder_of_non_images_names_what_it_found(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    (folder / "notes.txt").write_text("hello")
    with pytest.raises(DataError, match=r"no PNG or JPEG images in .*imgs \(it holds only other files, e.g. notes.txt\)"):
        UserData(folder)


def test_truncated_png_is_an_error_naming_it(tmp_path):
    folder = tmp_path / "imgs"
    save_png(folder, "a.png", np.random.RandomState(0).randint(0, 255, (8, 8), dtype=np.uint8))
    path = folder / "a.png"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(DataError, match="a.png: image file is truncated"):
        UserData(folder)


def test_npy_images_are_memory_mapped_not_loaded(tmp_path):
    d = UserData(save_npy(tmp_path, np.zeros((10, 3, 4, 4), np.uint8)))
    assert d.memory_mapped and isinstance(d.samples, np.memmap) and d.samples.dtype == np.uint8


def test_npz_images_are_held_in_memory_as_uint8(tmp_path):
    path = tmp_path / "d.npz"
    np.savez(path, x=np.full((10, 3, 4, 4), 7, np.int64))
    d = UserData(path)
    assert not d.memory_mapped and d.samples.dtype == np.uint8 and d.stored_bytes_per_sample == 48


def test_a_uint8_npy_is_not_read_through_at_load(tmp_path, monkeypatch):
    from ganzoo.data import files

    def read_through(x):
        raise AssertionError("the whole array was scanned")

    monkeypatch.setattr(files, "_chunks", read_through)
    assert UserData(save_npy(tmp_path, np.zeros((10, 4, 4), np.uint8))).memory_mapped


def test_channels_last_memory_mapped_batches_are_channels_first(tmp_path):
    x = np.random.RandomState(0).randint(0, 256, (10, 6, 5, 3)).astype(np.uint8)
    d = UserData(save_npy(tmp_path, x))
    expected = torch.from_numpy(x.transpose(0, 3, 1, 2)[d.test_rows]).float() / 127.5 - 1
    assert torch.allclose(d.test_split()[0], expected)


def test_float64_npy_stays_mapped_and_batches_are_float32(tmp_path):
    d = UserData(save_npy(tmp_path, np.full((10, 1, 2, 2), 0.25)))
    x, _ = d.sample(3, torch.Generator())
    assert d.samples.dtype == np.float64 and x.dtype == torch.float32 and torch.allclose(x, torch.tensor(-0.5))


def test_integer_pixels_out_of_range_in_a_mapped_file_are_an_error(tmp_path):
    x = np.zeros((10, 4, 4), np.int16)
    x[9, 3, 3] = 300
    with pytest.raises(DataError, match=r"0\.\.255, found 0\.\.300"):
        UserData(save_npy(tmp_path, x))
