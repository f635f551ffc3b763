"""Image folders: plain ones (no labels) and class subfolders (labels, the ImageFolder convention)."""

import json

import numpy as np
import pytest
import torch
from PIL import Image

from ganzoo.data.files import UserData
from ganzoo.errors import DataError
from ganzoo.train import start_run


def save_png(folder, name, value, size=(4, 4), rgb=False):
    folder.mkdir(parents=True, exist_ok=True)
    array = np.full(size + ((3,) if rgb else ()), value, np.uint8)
    Image.fromarray(array).save(folder / name)


def class_folders(root, counts, size=(4, 4), rgb=False):
    """``root/<name>/<i>.png`` for each (name, count), every pixel of class k equal to 40 * k."""
    for k, (name, count) in enumerate(counts.items()):
        for i in range(count):
            save_png(root / name, f"{i}.png", 40 * k, size, rgb)
    return root


def pixel_of_each(d):
    """{label: the set of pixel values (model space) of its samples}, over train and test."""
    found = {}
    for x, y in (d.train_split(), d.test_split()):
        for image, label in zip(x, y.tolist()):
            found.setdefault(label, set()).update(image.unique().tolist())
    return found


def test_class_subfolders_give_labels_in_name_order(tmp_path):
    d = UserData(class_folders(tmp_path / "pets", {"dog": 5, "cat": 4, "emu": 3}))
    assert d.classes == ["cat", "dog", "emu"] and d.info.num_classes == 3
    # dog was written with value 0, cat 40, emu 80: label 0 (cat) holds 40s, and so on
    expected = {0: {40 / 127.5 - 1}, 1: {-1.0}, 2: {80 / 127.5 - 1}}
    got = pixel_of_each(d)
    assert got.keys() == expected.keys()
    assert all(np.allclose(sorted(got[k]), sorted(expected[k])) for k in expected)


def test_every_image_of_every_class_is_loaded(tmp_path):
    d = UserData(class_folders(tmp_path / "pets", {"a": 6, "b": 4}))
    labels = torch.cat([d.train_labels, d.test_labels])
    assert sorted(labels.tolist()) == [0] * 6 + [1] * 4


def test_a_class_folder_is_searched_through_its_own_subfolders(tmp_path):
    root = class_folders(tmp_path / "pets", {"a": 2, "b": 2})
    save_png(root / "b" / "more", "x.png", 40)
    assert len(UserData(root)) + len(UserData(root).test_rows) == 5


def test_hidden_folders_are_not_classes(tmp_path):
    root = class_folders(tmp_path / "pets", {"a": 2, "b": 2})
    save_png(root / ".ipynb_checkpoints", "x.png", 0)
    assert UserData(root).classes == ["a", "b"]


def test_an_empty_class_folder_is_an_error_naming_it(tmp_path):
    root = class_folders(tmp_path / "pets", {"a": 2})
    (root / "b").mkdir()
    with pytest.raises(DataError, match=r"class folder .*b holds no PNG or JPEG images"):
        UserData(root)


def test_loose_images_beside_class_folders_are_an_error(tmp_path):
    root = class_folders(tmp_path / "pets", {"a": 2})
    save_png(root, "stray.png", 0)
    with pytest.raises(DataError, match="both images .*stray.png.* and subfolders of images .*a/"):
        UserData(root)


def test_a_plain_folder_with_a_subfolder_of_other_files_keeps_working(tmp_path):
    root = tmp_path / "faces"
    for i in range(3):
        save_png(root, f"{i}.png", 0)
    (root / "notes").mkdir()
    (root / "notes" / "readme.txt").write_text("hello")
    d = UserData(root)
    assert d.classes == [] and d.info.num_classes == 0 and d.sample(2, torch.Generator())[1] is None


def test_folder_images_are_held_as_uint8(tmp_path):
    d = UserData(class_folders(tmp_path / "pets", {"a": 3, "b": 3}, size=(6, 5), rgb=True))
    assert d.samples.dtype == np.uint8 and d.samples.shape == (6, 3, 6, 5)
    assert d.stored_bytes_per_sample == 3 * 6 * 5


def test_rgb_images_are_channels_first_in_the_right_order(tmp_path):
    folder = tmp_path / "imgs"
    folder.mkdir()
    for i in range(2):
        Image.fromarray(np.tile(np.array([0, 51, 255], np.uint8), (4, 4, 1))).save(folder / f"{i}.png")
    x, _ = UserData(folder).train_split()
    assert x.shape == (1, 3, 4, 4)
    assert x[0, :, 0, 0].tolist() == pytest.approx([-1.0, 51 / 127.5 - 1, 1.0])


def test_cgan_trains_on_the_users_classes(tmp_path):
    root = class_folders(tmp_path / "pets", {"cat": 4, "dog": 4, "emu": 4}, size=(8, 8))
    trainer = start_run("cgan", tmp_path / "run", {"data": str(root), "steps": 2, "batch_size": 4,
                                                    "generator.hidden": [16], "discriminator.hidden": [16]})
    assert trainer.fit() == "done"
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["data_info"]["num_classes"] == 3 and trainer.G.num_classes == 3


def test_config_json_records_which_label_is_which_class(tmp_path):
    root = class_folders(tmp_path / "pets", {"dog": 3, "cat": 3}, size=(8, 8))
    start_run("cgan", tmp_path / "run", {"data": str(root), "steps": 0, "batch_size": 4,
                                         "generator.hidden": [16], "discriminator.hidden": [16]}).fit()
    record = json.loads((tmp_path / "run" / "config.json").read_text())
    assert record["data_info"]["classes"] == ["cat", "dog"]


def test_a_conditional_dcgan_trains_on_class_folders(tmp_path):
    root = class_folders(tmp_path / "pets", {"a": 3, "b": 3}, size=(8, 8), rgb=True)
    trainer = start_run("dcgan", tmp_path / "run", {"data": str(root), "conditional": True, "steps": 1,
                                                     "batch_size": 4, "generator.width": 4,
                                                     "discriminator.width": 4})
    assert trainer.fit() == "done" and trainer.D.num_classes == 2

