"""benchmarks/quality/run.py's merge: rows from runs made apart, and seeds added to a row."""

import json
import statistics

import pytest

from tests.quality_scripts import load_script


@pytest.fixture(scope="module")
def quality_run():
    return load_script("run")


def _digits_row(seeds, steps=3000, parzen=10.0):
    runs = [{"seed": seed, "steps": steps, "wall_s": 1.0,
             "metrics": {"parzen": {"log_likelihood": parzen + seed, "stderr": 0.5},
                         "parzen_reference": {"log_likelihood": 28.0},
                         "classifier": {"fid": 30.0, "reference_fid": 1.0, "labels": {"covered": 10},
                                        "test_accuracy": 0.97, "weights_sha256": "0"}}}
            for seed in seeds]
    return {"model": "vanilla-mlp", "runs": runs, "summary": {}}


def _merged(quality_run, tmp_path, *digit_rows):
    """run.py --merge of one results file per row (all of model vanilla-mlp), read back."""
    paths = []
    for i, row in enumerate(digit_rows):
        part = {"environment": {"date": "now", "load_start": [0, 0, 0], "load_end": [0, 0, 0], "cpus": 2,
                                "torch": "x"}, "modes": {}, "digits": {"vanilla-mlp": row}, "failures": []}
        paths.append(tmp_path / f"part{i}.json")
        paths[-1].write_text(json.dumps(part))
    assert quality_run.merge(paths, tmp_path) == 0
    return json.loads((tmp_path / "results.json").read_text())["digits"]["vanilla-mlp"]


def test_runs_on_new_seeds_join_the_row_and_its_summary(quality_run, tmp_path):
    merged = _merged(quality_run, tmp_path, _digits_row([0, 1, 2]), _digits_row([3, 4]))
    assert [r["seed"] for r in merged["runs"]] == [0, 1, 2, 3, 4]
    parzen = merged["summary"]["parzen"]
    assert (parzen["mean"], parzen["n"]) == (pytest.approx(12.0), 5)
    assert parzen["std"] == pytest.approx(statistics.stdev([10, 11, 12, 13, 14]))  # the sample std, n - 1


def test_merging_one_file_summarises_its_rows_again(quality_run, tmp_path):
    assert _merged(quality_run, tmp_path, _digits_row([0, 1]))["summary"]["parzen"]["mean"] == pytest.approx(10.5)


@pytest.mark.parametrize("later", [_digits_row([2, 3]), _digits_row([3, 4], steps=2000)],
                         ids=["a seed run again", "other steps"])
def test_a_row_trained_again_or_otherwise_replaces_the_earlier(quality_run, later):
    assert quality_run._more_seeds(_digits_row([0, 1, 2]), later) is later


def test_mode_rows_join_only_when_trained_with_the_same_settings(quality_run):
    def row(seeds, overrides):
        return {"model": "r1-gan-mlp-matched", "overrides": overrides,
                "runs": [{"seed": s, "steps": 10, "wall_s": 1.0} for s in seeds]}

    assert [r["seed"] for r in quality_run._more_seeds(row([0], {}), row([1], {}))["runs"]] == [0, 1]
    other = row([1], {"lr_floor": 0.3})
    assert quality_run._more_seeds(row([0], {}), other) is other


def test_one_run_is_scored_at_its_earlier_checkpoints_and_its_end(quality_run, tmp_path, tiny):
    # checkpoints every 5 steps (5, 10, 15, 20): the first scored is the oldest, kept too
    del tiny["checkpoint_every"]  # the steps asked for set it
    first, second, last = quality_run.train_and_score("vanilla-mlp", "ring8", 0, {**tiny, "steps": 20}, tmp_path, (5, 10))
    assert (first["steps"], second["steps"], last["steps"]) == (5, 10, 20)  # the steps of the checkpoints scored
    assert first["train_s"] <= last["train_s"] and first["cpu_s"] is None and last["cpu_s"] > 0
    assert not any(tmp_path.iterdir())  # the run is removed once scored


def test_a_decaying_learning_rate_has_no_earlier_rows(quality_run, tmp_path, tiny):
    with pytest.raises(ValueError, match="decays its learning rate"):
        quality_run.train_and_score("vanilla-mlp", "ring8", 0, {**tiny, "steps": 20, "lr_decay": "linear"}, tmp_path, (10,))


def test_the_seed_paper_bar_compares_the_models_at_equal_steps(quality_run):
    def entry(model, steps, fid, parzen, labels=(10, 10)):
        runs = [{"seed": s, "steps": steps, "wall_s": 1.0, "metrics": {
            "parzen": {"log_likelihood": parzen, "stderr": 1.0}, "parzen_reference": {"log_likelihood": 28.0},
            "classifier": {"fid": fid, "reference_fid": 12.0, "kid": 0.0, "labels": {"covered": n}}}}
            for s, n in enumerate(labels)]
        return {"model": model, "runs": runs, "summary": quality_run.summarise_digits(runs)}

    digits = {"goodfellow2014": entry("goodfellow2014", 3000, 50.0, 15.0),
              "goodfellow2014 (6000 steps)": entry("goodfellow2014", 6000, 25.0, 28.0),
              "goodfellow2014 (12000 steps)": entry("goodfellow2014", 12000, 30.0, 28.0, labels=(10, 9)),
              "vanilla-mlp": entry("vanilla-mlp", 3000, 40.0, 20.0),
              "vanilla-mlp (6000 steps)": entry("vanilla-mlp", 6000, 20.0, 27.0),
              "vanilla-mlp (12000 steps)": entry("vanilla-mlp", 12000, 40.0, 27.0)}
    lines = quality_run.seed_paper_bar(digits)
    assert [line.split(":")[0] for line in lines] == ["- 3000 steps", "- 6000 steps", "- 12000 steps"]
    assert lines[0].endswith("not met")  # Parzen below the baseline's
    assert lines[1].endswith(": met")  # FID 25 within 1.5 × 20, Parzen 28 above 27
    assert lines[2].endswith("not met")  # a seed with 9 labels
    del digits["vanilla-mlp (6000 steps)"]
    assert len(quality_run.seed_paper_bar(digits)) == 2  # a budget the baseline lacks is not compared


def test_a_rejection_row_fits_its_sampler_after_training_and_counts_its_cost(quality_run, tmp_path, tiny):
    settings = {**tiny, "steps": 10, quality_run.REJECTION: {"steps": 5, "pool": 1000}}
    (run,) = quality_run.train_and_score("vanilla-mlp", "ring8", 0, settings, tmp_path)
    assert settings[quality_run.REJECTION] == {"steps": 5, "pool": 1000}  # the row's settings are left as given
    assert run["metrics"]["mode_coverage"]["total_modes"] == 8 and run["cpu_s"] > 0
    with pytest.raises(TypeError, match="bogus"):
        quality_run.train_and_score("vanilla-mlp", "ring8", 0, {**settings, quality_run.REJECTION: {"bogus": 1}}, tmp_path)
