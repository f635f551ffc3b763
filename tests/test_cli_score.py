"""``ganzoo score``: a tiny run trained on nine digits, scored to a CSV, and every user error one
line with exit code 2."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from click.testing import CliRunner

from ganzoo.cli import cli
from ganzoo.data import load_dataset

ALI = ["--set", "latent_dim=4", "--set", "generator.hidden=16", "--set", "discriminator.hidden=16",
       "--set", "encoder.hidden=16", "--set", "generator.data_kind=any", "--set", "discriminator.data_kind=any",
       "--set", "encoder.data_kind=any", "--set", "batch_size=16"]


def invoke(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def _train(out, model, *extra):
    result = invoke("train", model, "--data", "digits", "--steps", 4, "--set", "threads=1",
                    "--set", "exclude_classes=3", "--out", out, *extra)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def ali_run(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("score") / "ali", "ali-mlp", *ALI)


@pytest.fixture(scope="module")
def plain_run(tmp_path_factory):
    return _train(tmp_path_factory.mktemp("score") / "plain", "vanilla-mlp", "--set", "generator.hidden=16",
                  "--set", "discriminator.hidden=16")


def _rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


@pytest.mark.parametrize("scorer", ["discriminator", "anogan", "encoder"])
def test_scores_the_test_split_to_a_csv_with_labels(ali_run, tmp_path, scorer):
    out = tmp_path / "scores.csv"
    settings = ["--set", "steps=3"] if scorer == "anogan" else []
    result = invoke("score", ali_run, "--data", "digits", "--scorer", scorer, *settings, "--anomalous", 3,
                    "--out", out)
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    _, labels = load_dataset("digits").test_split()
    assert list(rows[0]) == ["index", "score", "label"] and len(rows) == len(labels)
    assert [int(r["index"]) for r in rows] == list(range(len(labels)))
    assert [int(r["label"]) for r in rows] == labels.tolist()
    assert np.isfinite([float(r["score"]) for r in rows]).all()
    assert "AUROC" in result.output and f"{int((labels == 3).sum())} anomalous of {len(labels)}" in result.output


def test_a_file_is_scored_row_by_row_without_labels(plain_run, tmp_path):
    images = np.random.default_rng(0).integers(0, 256, (7, 1, 8, 8)).astype(np.uint8)
    np.save(tmp_path / "mine.npy", images)
    out = tmp_path / "scores.csv"
    result = invoke("score", plain_run, "--data", tmp_path / "mine.npy", "--out", out)
    assert result.exit_code == 0, result.output
    rows = _rows(out)
    assert list(rows[0]) == ["index", "score"] and [int(r["index"]) for r in rows] == list(range(7))


def test_split_all_scores_train_and_test(plain_run, tmp_path):
    out = tmp_path / "all.csv"
    assert invoke("score", plain_run, "--data", "digits", "--split", "all", "--out", out).exit_code == 0
    digits = load_dataset("digits")
    assert len(_rows(out)) == len(digits.train) + len(digits.test)


def test_an_existing_out_needs_force(plain_run, tmp_path):
    out = tmp_path / "scores.csv"
    out.write_text("keep me\n")
    result = invoke("score", plain_run, "--data", "digits", "--out", out)
    assert result.exit_code == 2 and "--force" in result.output and out.read_text() == "keep me\n"
    assert invoke("score", plain_run, "--data", "digits", "--out", out, "--force").exit_code == 0
    assert out.read_text().startswith("index,score,label\n")


@pytest.mark.parametrize("args, message", [
    (["--scorer", "encodr"], "unknown scorer 'encodr'; did you mean 'encoder'?"),
    (["--scorer", "encoder"], "has no encoder"),
    (["--data", "ring8"], "holds samples of shape (2,)"),
    (["--data", "no-such-data"], "no-such-data"),
    (["--set", "steps=3", "--scorer", "discriminator"], "unknown setting"),
    (["--anomalous", "three"], "give labels as numbers"),
])
def test_bad_input_is_one_line_and_exit_code_2(plain_run, tmp_path, args, message):
    argv = ["score", plain_run, "--data", "digits", "--out", tmp_path / "s.csv", *args]
    if "--data" in args:
        argv[2:4] = []
    result = invoke(*argv)
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "s.csv").exists()


def test_out_in_a_missing_folder_or_no_run_is_refused(plain_run, tmp_path):
    result = invoke("score", plain_run, "--data", "digits", "--out", tmp_path / "nope" / "s.csv")
    assert result.exit_code == 2 and "does not exist; create it first" in result.output
    result = invoke("score", tmp_path / "no-run", "--data", "digits", "--out", tmp_path / "s.csv")
    assert result.exit_code == 2 and "no run directory" in result.output


def test_score_is_listed_in_the_help():
    assert "score" in invoke("--help").output
