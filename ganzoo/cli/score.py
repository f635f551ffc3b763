"""``ganzoo score``: an anomaly score per sample from a trained run, as a CSV file."""

from __future__ import annotations

from pathlib import Path

import click

from ganzoo import interrupts
from ganzoo.cli.completion import complete_data
from ganzoo.cli.outputs import check_out_file
from ganzoo.errors import ConfigError

SPLITS = ("test", "train", "all")


@click.command("score")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--data", required=True, shell_complete=complete_data,
              help="The samples to score: a dataset name (see `ganzoo list --kind dataset`), a .npy/.npz file or an "
                   "image folder, shaped like the run's data.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="The CSV file to write.")
@click.option("--scorer", default="discriminator", show_default=True,
              help="How to score (see `ganzoo list --kind scorer`): discriminator, anogan, encoder, or a plugin's.")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="A setting of the scorer, e.g. --set steps=100 (anogan). Repeatable.")
@click.option("--split", type=click.Choice(SPLITS),
              help="Which samples of --data: its test split, its training split or all of them "
                   "[default: test for a dataset name, all for a file or folder].")
@click.option("--anomalous", metavar="LABELS",
              help="Labels that mark anomalies, e.g. 3 or 3,5: also print the AUROC of the scores against them.")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where dataset files live (e.g. MNIST IDX files).")
@click.option("--checkpoint", help="Checkpoint step to use [default: latest].")
@click.option("--device", default="cpu", show_default=True, help="Device to run the networks on.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
def score_command(run_dir, data, out, scorer, settings, split, anomalous, data_dir, checkpoint, device, force):
    """Score the samples of --data with the run in RUN_DIR; higher = more anomalous.

    \b
    The CSV has a row per sample: index (its place in the split; for a file, its row), score,
    and label when the data has labels.
    \b
    Examples:
      ganzoo train ali-mlp --data digits --set exclude_classes=3 ... --out runs/no3
      ganzoo score runs/no3 --data digits --scorer encoder --anomalous 3 --out scores.csv
    """
    check_out_file(out, force, "scores.csv")
    if not run_dir.is_dir():
        raise ConfigError(f"no run directory at {run_dir}; pass the --out of an earlier `ganzoo train`")

    interrupts.import_numpy_before_torch()
    import numpy as np

    from ganzoo import fileio
    from ganzoo.scoring import create_scorer, load_scoring_run, score_samples
    from ganzoo.scoring.samples import load_samples
    from ganzoo.train.config import parse_assignments

    scoring = create_scorer(scorer, parse_assignments(list(settings)))
    run = load_scoring_run(run_dir, checkpoint, device)
    x, labels, split = load_samples(data, split, run.dataset.info, data_dir and str(data_dir))
    positive = _anomalous(anomalous, labels)
    scoring.check(run)  # a run this scorer cannot use is refused before any work
    click.echo(f"Scoring {len(x)} samples ({data}, {split}) with {scoring!r} on the run {run_dir} at step "
               f"{run.step}", err=True)
    scores = score_samples(scoring, run, x)
    header = "index,score" + (",label" if labels is not None else "")
    rows = [f"{i},{s!r}" + (f",{int(labels[i])}" if labels is not None else "") for i, s in enumerate(scores.tolist())]
    fileio.write_text(out, "\n".join([header, *rows]) + "\n")
    click.echo(f"Wrote {len(scores)} scores to {out}", err=True)
    if positive is not None:
        from ganzoo.metrics.auroc import auroc

        is_anomaly = np.isin(labels, positive)
        try:
            value = auroc(scores, is_anomaly)
        except ValueError as err:
            raise ConfigError(f"--anomalous {anomalous}: {err}") from None
        click.echo(f"AUROC {value:.4f} ({int(is_anomaly.sum())} anomalous of {len(scores)}: labels {anomalous})")


def _anomalous(text: str | None, labels):
    """The labels ``--anomalous`` names, checked against the data's."""
    if text is None:
        return None
    if labels is None:
        raise ConfigError("--anomalous needs labelled data, and --data has no labels; drop --anomalous")
    try:
        chosen = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ConfigError(f"--anomalous {text!r}: give labels as numbers, e.g. --anomalous 3 or 3,5") from None
    if not chosen:
        raise ConfigError("--anomalous names no label; e.g. --anomalous 3")
    return chosen
