"""``ganzoo eval``: score a run's generator with the metrics that fit its data."""

from __future__ import annotations

import time
from pathlib import Path

import click

from ganzoo.cli.completion import complete_data
from ganzoo.errors import ConfigError

EVAL_FORMAT = "ganzoo-eval-1"


@click.command("eval")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--n", "n", type=click.IntRange(min=2),
              help="Samples to draw [default: the protocol's, 2500 for 2-D mixtures, 26000 for stacked digits, "
                   "10000 otherwise].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the latent noise.")
@click.option("--checkpoint", help="Checkpoint step to evaluate [default: latest].")
@click.option("--data", shell_complete=complete_data,
              help="The data the run was trained on, where it is now (a moved file) [default: as the run recorded].")
@click.option("--device", default="cpu", show_default=True, help="Device to run the generator on.")
@click.option("--inception-weights", type=click.Path(path_type=Path),
              help="Also score images in the features of this TorchScript Inception file (never downloaded).")
@click.option("--inception-sha256", help="The sha256 that --inception-weights must have.")
def eval_command(run_dir, n, seed, checkpoint, data, device, inception_weights, inception_sha256):
    """Evaluate the run in RUN_DIR; write RUN_DIR/eval.json and print a table.

    \b
    2-D mixtures (ring8, grid25): modes captured, high-quality %, reverse KL (PacGAN protocol).
    Stacked digits: the 1 000 modes the digits classifier finds in the channels, KL to uniform.
    Other data: Parzen-window log-likelihood (Goodfellow et al. 2014) against real data's.
    Labelled images, also: FID/KID in the features of a classifier (the embedded digits' ships
    with ganzoo; others are trained once and cached in $GANZOO_CACHE/classifiers), and the label
    histogram of the samples. Inception FID only
    with a weights file you provide (--inception-weights, checked against --inception-sha256).
    """
    from ganzoo import fileio
    from ganzoo.metrics.evaluate import evaluate
    from ganzoo.sampling import generator_of, open_run
    from ganzoo.train.build import versions

    if not run_dir.is_dir():
        raise ConfigError(f"no run directory at {run_dir}; pass the --out of an earlier `ganzoo train`")
    if (inception_weights is None) != (inception_sha256 is None):
        raise ConfigError("--inception-weights and --inception-sha256 go together: pass both or neither")
    start = time.perf_counter()
    from ganzoo.api import Translator

    opened = open_run(run_dir, checkpoint, device, data, need_samples=True)  # config.json read once
    if isinstance(opened[0].generator, Translator):
        if inception_weights is not None:
            raise ConfigError("--inception-weights scores samples of noise runs; this run translates images")
        _evaluate_translation(run_dir, opened, start)
        return
    generator, dataset, step = generator_of(run_dir, *opened)
    network = None
    if inception_weights is not None:
        from ganzoo.metrics.inception import load_feature_network

        network = load_feature_network(inception_weights, inception_sha256)
    click.echo(f"Evaluating {run_dir} at step {step} on {dataset.name}", err=True)
    result = evaluate(generator, dataset, n, seed, feature_network=network, progress=True)
    report = {
        "format": EVAL_FORMAT,
        "data": dataset.name,
        "step": step,
        **result,
        "seconds": round(time.perf_counter() - start, 3),
        "versions": versions(),
    }
    fileio.write_json(run_dir / "eval.json", report)
    click.echo(format_table(report))
    click.echo(f"Wrote {run_dir / 'eval.json'}", err=True)


def _evaluate_translation(run_dir: Path, opened: tuple, start: float) -> None:
    """``ganzoo eval`` of an image-to-image run (``opened`` by ganzoo.sampling.open_run): its
    test split translated and scored."""
    from ganzoo import fileio, translate
    from ganzoo.metrics.translation import evaluate_translation, table_rows
    from ganzoo.train.build import versions

    translator = translate.translator_of(run_dir, *opened)
    click.echo(f"Evaluating {run_dir} at step {translator.step} on {translator.dataset.name}", err=True)
    result = evaluate_translation(translator, translator.game, translator.dataset, progress=True)
    report = {"format": EVAL_FORMAT, "data": translator.dataset.name, "step": translator.step,
              "translation": result, "seconds": round(time.perf_counter() - start, 3), "versions": versions()}
    fileio.write_json(run_dir / "eval.json", report)
    click.echo(aligned([("data", str(report["data"])), ("step", str(report["step"])), *table_rows(result)]))
    click.echo(f"Wrote {run_dir / 'eval.json'}", err=True)


def _fmt(value, spec: str = ".4g") -> str:
    return "n/a" if value is None else format(value, spec)


def _classifier(scores: dict) -> str:
    return f"sha256 {scores['weights_sha256'][:12]}…, test accuracy {_fmt(scores['test_accuracy'], '.3f')}"


def table_rows(report: dict) -> list[tuple[str, str]]:
    """(metric, value) rows for the printed table."""
    rows = [("data", str(report.get("data"))), ("step", str(report.get("step"))),
            ("samples", f"{report['n']} (seed {report['seed']})")]
    if "mode_coverage" in report:
        m = report["mode_coverage"]
        rows += [("modes captured", f"{m['modes']} / {m['total_modes']}"),
                 ("high quality", f"{100 * m['high_quality']:.1f} %"),
                 ("reverse KL", _fmt(m["reverse_kl"], ".4f")),
                 ("spread (data = 1)", _fmt(m.get("spread"), ".3f"))]
    if "stacked_modes" in report:
        s = report["stacked_modes"]
        rows += [("stacked modes", f"{s['covered']} / {s['total']}"),
                 ("mode KL to uniform", _fmt(s["kl_to_uniform"], ".4f")),
                 ("digit classifier", _classifier(s))]
    if "parzen" in report:
        for key, label in (("parzen", "Parzen log-lik."), ("parzen_reference", "  real data (ceiling)")):
            p = report[key]
            rows.append((label, f"{_fmt(p['log_likelihood'], '.2f')} ± {_fmt(p['stderr'], '.2f')}"
                                f"  (sigma {p['sigma']:.3f})"))
    if "classifier" in report:
        c = report["classifier"]
        labels = c["labels"]
        rows += [("classifier FID", f"{_fmt(c['fid'])}  (held-out real: {_fmt(c['reference_fid'])})"),
                 ("classifier KID", f"{_fmt(c['kid'])} ± {_fmt(c['kid_std'])}  (held-out real: {_fmt(c['reference_kid'])})"),
                 ("labels covered", f"{labels['covered']} / {labels['total']}"),
                 ("label KL to uniform", _fmt(labels["kl_to_uniform"], ".4f")),
                 ("classifier", _classifier(c))]
    if "inception" in report:
        i = report["inception"]
        rows += [("Inception FID", f"{_fmt(i['fid'])}  (held-out real: {_fmt(i['reference_fid'])})"),
                 ("Inception KID", f"{_fmt(i['kid'])} ± {_fmt(i['kid_std'])}")]
    return rows


def format_table(report: dict) -> str:
    return aligned(table_rows(report))


def aligned(rows: list[tuple[str, str]]) -> str:
    """(metric, value) rows as two aligned columns."""
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)
