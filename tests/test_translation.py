"""Image-to-image translation: the pix2pix and CycleGAN games, their networks, resume and
``ganzoo translate``."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from click.testing import CliRunner

from ganzoo.api import DataInfo
from ganzoo.cli import cli
from ganzoo.errors import ConfigError
from ganzoo.train import resume_run, start_run
from ganzoo.zoo.translation import PatchDiscriminator, UNetTranslator
from ganzoo.zoo.translation_games import ImagePool, side_by_side

#: small networks, one thread: a few steps take a second
PIX2PIX = {"generator.width": 8, "discriminator.width": 8, "batch_size": 8, "threads": 1, "log_every": 1}
CYCLEGAN = {"generator.width": 8, "generator.blocks": 1, "discriminator.width": 8, "generator_ba.width": 8,
            "generator_ba.blocks": 1, "discriminator_a.width": 8, "batch_size": 4, "threads": 1, "log_every": 1,
            "game.pool_size": 3}


def test_the_patchgan_gives_pix2pix_30x30_patches_at_256x256():
    d = PatchDiscriminator(DataInfo((6, 256, 256), bounded=True), width=4)
    assert d(torch.zeros(1, 6, 256, 256)).shape == (1, 900)


def test_the_unet_refuses_a_depth_the_image_cannot_take():
    grey = DataInfo((1, 8, 8), bounded=True)
    with pytest.raises(ValueError, match="divisible by 16"):
        UNetTranslator(grey, grey, depth=4)


def test_side_by_side_repeats_grey_images_beside_colour_ones():
    out = side_by_side(torch.zeros(2, 1, 4, 4), torch.ones(2, 3, 4, 4))
    assert out.shape == (2, 3, 4, 8) and out[:, :, :, 4:].min() == 1


def test_the_pool_returns_new_fakes_until_full_then_swaps_about_half():
    pool, rng = ImagePool(4), torch.Generator().manual_seed(0)
    first = torch.arange(4.0).view(4, 1)
    assert torch.equal(pool.query(first, rng), first)
    later = pool.query(torch.full((200, 1), -1.0), rng)
    from_pool = int((later != -1).sum())
    assert 0 < from_pool <= 4 and len(pool.images) == 4  # at most the 4 stored ones come back, once each
    assert int((pool.images == -1).sum()) >= 3  # and the new fakes took their places


def _same(a, b):
    return all(torch.equal(a[k], b[k]) for k in a)


@pytest.mark.parametrize("model, settings", [("pix2pix", PIX2PIX), ("cyclegan", CYCLEGAN)])
def test_resume_is_bit_exact(tmp_path, model, settings):
    straight = start_run(model, tmp_path / "a", {**settings, "steps": 6}, progress=False)
    straight.fit()
    start_run(model, tmp_path / "b", {**settings, "steps": 3}, progress=False).fit()
    resumed = resume_run(tmp_path / "b", {"steps": 6}, progress=False)
    resumed.fit()
    for role, network in straight.networks.items():
        assert _same(network.state_dict(), resumed.networks[role].state_dict()), role
    assert _same(straight.game.state_dict(), resumed.game.state_dict())  # CycleGAN's pools; pix2pix has none


def test_pix2pix_logs_its_l1_and_lowers_it(tmp_path):
    trainer = start_run("pix2pix", tmp_path / "run", {**PIX2PIX, "steps": 30}, progress=False)
    trainer.fit()
    rows = [__import__("json").loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert rows[-1]["l1"] < rows[0]["l1"]


def test_cyclegan_refuses_identity_between_domains_of_different_channels(tmp_path):
    from ganzoo.api import DataInfo
    from ganzoo.zoo.translation_games import CycleGAN

    with pytest.raises(ConfigError, match="identity_weight=0"):
        CycleGAN().network_domains("generator", DataInfo((4, 8, 8), True, domains=(1, 3)))
    a, b = CycleGAN(identity_weight=0).network_domains("generator_ba", DataInfo((4, 8, 8), True, domains=(1, 3)))
    assert a.shape == (3, 8, 8) and b.shape == (1, 8, 8)


def test_a_translation_model_refuses_one_domain_data(tmp_path):
    with pytest.raises(ConfigError, match="two domains"):
        start_run("pix2pix", tmp_path / "run", {**PIX2PIX, "data": "digits"})
    assert not (tmp_path / "run").exists()


# ---------------------------------------------------------------------- ganzoo translate


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    root = tmp_path_factory.mktemp("translation")
    for model, settings in (("pix2pix", PIX2PIX), ("cyclegan", CYCLEGAN)):
        start_run(model, root / model, {**settings, "steps": 2}, progress=False).fit()
    return root


def _run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def _edges(tmp_path, n=3):
    from ganzoo.data.pairs import DigitsEdges

    data = DigitsEdges()
    edges, _ = data.split(data.test_split()[0][:n])
    path = tmp_path / "edges.npy"
    np.save(path, ((edges + 1) / 2).numpy())
    return path


def test_translate_an_array_a_folder_and_one_image(runs, tmp_path):
    array = _edges(tmp_path)
    done = _run("translate", runs / "pix2pix", array, "--out", tmp_path / "digits.npy")
    assert done.exit_code == 0, done.output
    out = np.load(tmp_path / "digits.npy")
    assert out.shape == (3, 1, 8, 8) and 0 <= out.min() and out.max() <= 1
    done = _run("translate", runs / "pix2pix", array, "--out", tmp_path / "pictures")
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in (tmp_path / "pictures").iterdir()) == ["0.png", "1.png", "2.png"]
    done = _run("translate", runs / "cyclegan", tmp_path / "pictures" / "1.png", "--out", tmp_path / "back.png",
                "--direction", "BtoA")
    assert done.exit_code == 0, done.output
    from PIL import Image

    assert Image.open(tmp_path / "back.png").size == (8, 8)


@pytest.mark.parametrize("args, message", [
    (["--direction", "BtoA"], "translates A to B only"),
    (["--out", "{tmp}/many.png"], "is one picture"),
    (["--out", "{tmp}/edges.npy"], "already exists"),
])
def test_translate_refuses_bad_requests_with_exit_2(runs, tmp_path, args, message):
    array = _edges(tmp_path)
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    if "--out" not in args:
        args += ["--out", str(tmp_path / "x.npy")]
    done = _run("translate", runs / "pix2pix", array, *args)
    assert done.exit_code == 2 and message in done.output, done.output


def test_translating_with_a_noise_run_says_to_sample_it(tmp_path):
    start_run("vanilla-mlp", tmp_path / "run", {"steps": 1, "threads": 1, "generator.hidden": [8],
                                                 "discriminator.hidden": [8]}, progress=False).fit()
    done = _run("translate", tmp_path / "run", _edges(tmp_path), "--out", tmp_path / "x.npy")
    assert done.exit_code == 2 and "ganzoo sample" in done.output, done.output


def test_eval_scores_a_translation_run_beside_the_identity_baseline(runs):
    import json

    done = _run("eval", runs / "pix2pix")
    assert done.exit_code == 0, done.output
    report = json.loads((runs / "pix2pix" / "eval.json").read_text())["translation"]
    pixels, classifier = report["pixels"], report["classifier"]
    assert report["n"] == 297 and classifier["domain"] == "digits"
    # edge maps handed back untranslated are far from the digits: the baseline every run must beat
    assert pixels["identity"]["l1"] > 0.3 and 0 <= classifier["translation"]["label_accuracy"] <= 1
    assert "L1 to target" in done.output and "(identity:" in done.output


def test_pixel_scores_of_an_exact_and_a_constant_guess():
    from ganzoo.metrics.translation import pixel_scores

    target = np.zeros((2, 1, 4, 4))
    assert pixel_scores(target, target) == {"l1": 0.0, "psnr": 100.0}
    half = pixel_scores(target + 0.5, target)
    assert half["l1"] == 0.5 and abs(half["psnr"] - 10 * np.log10(4)) < 1e-9


def test_scoring_a_translation_run_is_refused_with_exit_2(runs, tmp_path):
    done = _run("score", runs / "pix2pix", "--data", "digits-edges", "--out", tmp_path / "scores.csv")
    assert done.exit_code == 2 and "translates images" in done.output, done.output
    assert not (tmp_path / "scores.csv").exists()


@pytest.mark.parametrize("direction", ["AtoB", "BtoA"])
def test_the_contract_trial_translates_for_any_game_by_its_direction(direction):
    """trial.translation_check needs no more of a translation game than its ``direction``."""
    from types import SimpleNamespace

    from ganzoo.data import load_dataset
    from ganzoo.data.pairs import split
    from ganzoo.trial import EVAL_SAMPLES, translation_check

    dataset = load_dataset("digits-edges")
    a, b = split(dataset.test_split()[0][:EVAL_SAMPLES], dataset.info)
    target = b if direction == "AtoB" else a
    zeros = translation_check(lambda source: torch.zeros_like(source), SimpleNamespace(direction=direction), dataset)
    assert zeros["l1"] == pytest.approx(float(target.abs().mean()))
