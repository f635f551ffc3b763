"""benchmarks/quality/run.py's merge: rows from runs made apart, and seeds added to a row."""

import pytest

from tests.quality_scripts import load_script


@pytest.fixture(scope="module")
def quality_run():
    return load_script("run")


def _digits_row(seeds, steps=3000, parzen=10.0):
    runs = [{"seed": seed, "steps": steps, "wall_s": 1.0,
             "metrics": {"parzen": {"log_likelihood": parzen + seed, "stderr": 0.5}}} for seed in seeds]
    return {"runs": runs, "summary": {}}


def test_runs_on_new_seeds_join_the_row_and_its_summary(quality_run):
    merged = quality_run._more_seeds(_digits_row([0, 1, 2]), _digits_row([3, 4]), quality_run.summarise_digits)
    assert [r["seed"] for r in merged["runs"]] == [0, 1, 2, 3, 4]
    assert merged["summary"]["parzen"]["mean"] == pytest.approx(12.0)


@pytest.mark.parametrize("later", [_digits_row([2, 3]), _digits_row([3, 4], steps=2000)],
                         ids=["a seed run again", "other steps"])
def test_a_row_trained_again_or_otherwise_replaces_the_earlier(quality_run, later):
    assert quality_run._more_seeds(_digits_row([0, 1, 2]), later, quality_run.summarise_digits) is later


def test_mode_rows_join_only_when_trained_with_the_same_settings(quality_run):
    def row(seeds, overrides):
        return {"model": "r1-gan-mlp-matched", "overrides": overrides,
                "runs": [{"seed": s, "steps": 10, "wall_s": 1.0} for s in seeds]}

    joined = quality_run._more_seeds(row([0], {}), row([1], {}), lambda runs: len(runs))
    assert joined["summary"] == 2
    other = row([1], {"lr_floor": 0.3})
    assert quality_run._more_seeds(row([0], {}), other, lambda runs: len(runs)) is other


def test_one_run_is_scored_at_its_earlier_checkpoints_and_its_end(quality_run, tmp_path, tiny):
    first, last = quality_run.train_and_score("vanilla-mlp", "ring8", 0, {**tiny, "steps": 20}, tmp_path, (10,))
    assert (first["steps"], last["steps"]) == (10, 20)  # the steps of the checkpoints scored
    assert first["train_s"] <= last["train_s"] and first["cpu_s"] is None and last["cpu_s"] > 0
    assert not any(tmp_path.iterdir())  # the run is removed once scored


def test_a_decaying_learning_rate_has_no_earlier_rows(quality_run, tmp_path, tiny):
    with pytest.raises(ValueError, match="decays its learning rate"):
        quality_run.train_and_score("vanilla-mlp", "ring8", 0, {**tiny, "steps": 20, "lr_decay": "linear"}, tmp_path, (10,))
