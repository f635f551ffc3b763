"""``ganzoo bench``: run the benchmark suites, print their tables, save the results."""

from __future__ import annotations

from pathlib import Path

import click

from ganzoo.errors import ConfigError

SUITE_CHOICES = ("loss", "train", "startup", "threads", "dist", "all")


@click.command("bench")
@click.option("--suite", type=click.Choice(SUITE_CHOICES), default="all", show_default=True,
              help="Which suite to run.")
@click.option("--quick", is_flag=True, help="Fewer sizes, variants and repetitions: proves the harness works "
                                            "(about a minute on two cores), not fit to publish.")
@click.option("--device", type=click.Choice(("cpu", "cuda")), default="cpu", show_default=True,
              help="Where the loss and train suites run.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the results document (JSON) to this file.")
@click.option("--threads", type=click.IntRange(min=1),
              help="torch's CPU threads for the run (also in the memory probes) [default: torch's own choice].")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Write <device>-<date>.json, its .md tables and the loss plot .png into this folder "
                   "(e.g. benchmarks/results).")
def bench_command(suite, quick, device, json_path, threads, out):
    """Benchmark ganzoo: the fused loss against eager PyTorch and torch.compile, the trainer
    against a hand-written loop, and start-up time.

    \b
    Examples:
      ganzoo bench --suite all --out benchmarks/results      # the published run
      ganzoo bench --suite startup --quick --json bench.json
    Progress goes to stderr, tables to stdout. Timings on a busy machine are noise: the
    load average is recorded with every result.
    """
    from ganzoo.bench import results, run_suites
    from ganzoo.bench.progress import BenchProgress
    from ganzoo.bench.runner import SUITES
    from ganzoo.bench.tables import as_text, suite_tables

    if device == "cuda":
        import torch

        if not torch.cuda.is_available():
            raise ConfigError("--device cuda asked for, but this torch sees no CUDA device; use --device cpu")
    if threads is not None:
        import os

        import torch

        torch.set_num_threads(threads)
        os.environ["OMP_NUM_THREADS"] = str(threads)  # the fresh processes of the memory probes
    progress = BenchProgress()
    try:
        doc = run_suites(list(SUITES) if suite == "all" else [suite], device=device, quick=quick, progress=progress)
    finally:
        progress.close()
    for table in suite_tables(doc):
        click.echo("\n" + as_text(table))
    if json_path is not None:
        results.write_json(doc, json_path)
        click.echo(f"\nwrote {json_path}")
    if out is not None:
        for path in results.publish(doc, out):
            click.echo(f"wrote {path}")
