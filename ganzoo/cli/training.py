"""``ganzoo train`` and ``ganzoo sample``."""

from __future__ import annotations

import shutil
import signal
import time
from pathlib import Path

import click

from ganzoo import interrupts
from ganzoo.cli.completion import complete_data, complete_model
from ganzoo.cli.outputs import check_out_file
from ganzoo.errors import ConfigError, GanzooError

#: a picture shows at most this many samples; more go to a .npy file
PNG_LIMIT = 10_000


def _default_out(model: str) -> Path:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    base = Path("runs") / f"{model.replace(':', '-')}-{stamp}"
    out, n = base, 1
    while out.exists():
        n += 1
        out = base.with_name(f"{base.name}-{n}")
    return out


def _echo(trainer):
    """click.echo in the process that reports the run (under torchrun, rank 0), else nothing."""
    return click.echo if trainer.dist.writes else (lambda *args, **kwargs: None)


def _launch(nproc, model, data, steps, seed, out, settings, device, data_dir, download, resume, checkpoint):
    """Run this `ganzoo train` under torchrun in ``nproc`` processes (this process becomes torchrun)."""
    import os

    from ganzoo.train.distributed import launched, torchrun_command

    if launched():
        raise ConfigError("--nproc starts torchrun, and this process already runs under it; drop --nproc")
    if resume is None and model and out is None:
        out = _default_out(model)  # chosen once, for every process
    args = [model] if model else []
    for flag, value in (("--data", data), ("--steps", steps), ("--seed", seed), ("--out", out), ("--device", device),
                        ("--data-dir", data_dir), ("--resume", resume), ("--checkpoint", checkpoint)):
        if value is not None:
            args += [flag, str(value)]
    args += [part for item in settings for part in ("--set", item)] + (["--download"] if download else [])
    command = torchrun_command(nproc, ["train", *args])
    os.execv(command[0], command)


@click.command("train")
@click.argument("model", required=False, shell_complete=complete_model)
@click.option("--data", shell_complete=complete_data, help="Dataset name (see `ganzoo list --kind dataset`) or a path to .npy/.npz or an image folder.")
@click.option("--steps", type=click.IntRange(min=0), help="Total generator steps (with --resume: train on up to this many).")
@click.option("--seed", type=int, help="Random seed (weights, data order, noise).")
@click.option("--out", type=click.Path(path_type=Path), help="Run directory to create [default: runs/MODEL-TIME].")
@click.option("--set", "settings", multiple=True, metavar="KEY=VALUE",
              help="Override a setting, e.g. --set lr=1e-4 --set generator.hidden=128,128. Repeatable.")
@click.option("--device", help="cpu, cuda, cuda:1 or auto [default: auto].")
@click.option("--data-dir", type=click.Path(path_type=Path), help="Where dataset files live (e.g. MNIST IDX files).")
@click.option("--download", is_flag=True, default=None, help="Allow downloading missing dataset files (checksummed).")
@click.option("--resume", type=click.Path(path_type=Path), help="Continue the run in this directory.")
@click.option("--checkpoint", help="With --resume: the checkpoint to continue from (step number) [default: latest].")
@click.option("--nproc", type=click.IntRange(min=1),
              help="Train on this many processes of this machine: runs the same command under "
                   "`torchrun --standalone --nproc_per_node=N` (batch_size is per process; see docs/scaling.md).")
def train_command(model, data, steps, seed, out, settings, device, data_dir, download, resume, checkpoint, nproc):
    """Train MODEL (see `ganzoo list --kind model`), or continue a run with --resume.

    \b
    Examples:
      ganzoo train vanilla-mlp
      ganzoo train vanilla-mlp --data ring8 --steps 3000 --seed 1 --out runs/ring
      ganzoo train --resume runs/ring --steps 6000
      ganzoo train dcgan --nproc 2 --out runs/dcgan2     # two processes (torchrun)
    """
    if nproc is not None:
        _launch(nproc, model, data, steps, seed, out, settings, device, data_dir, download, resume, checkpoint)
    interrupts.import_numpy_before_torch()
    from ganzoo.train import resume_run, start_run
    from ganzoo.train.config import parse_assignments
    from ganzoo.train.distributed import launched
    from ganzoo.train.progress import Progress

    overrides = parse_assignments(list(settings))
    for key, value in (("data", data), ("steps", steps), ("seed", seed), ("device", device),
                       ("data_dir", data_dir and str(data_dir)), ("download", download)):
        if value is not None:
            overrides[key] = value
    progress = Progress()
    if resume is not None:
        if model or out:
            raise ConfigError("--resume continues an existing run: drop MODEL and --out")
        trainer = resume_run(resume, overrides, checkpoint, progress)
        echo = _echo(trainer)
        echo(f"Resuming {trainer.run.path} at step {trainer.step} of {trainer.config.steps}", err=True)
    else:
        if checkpoint:
            raise ConfigError("--checkpoint only goes with --resume")
        if not model:
            raise ConfigError("name a model to train (see `ganzoo list --kind model`), or pass --resume RUN_DIR")
        if out is None and launched():
            raise ConfigError("under torchrun pass --out: every process must name the same run directory")
        out = out or _default_out(model)
        trainer = start_run(model, out, overrides, progress)
        echo = _echo(trainer)
        cfg = trainer.config
        echo(f"Training {cfg.model} on {cfg.data} for {cfg.steps} steps on {trainer.device} -> {out}", err=True)

    path = trainer.run.path
    interrupts.check()  # a Ctrl-C while starting up that something swallowed: do not start training
    try:
        status = trainer.fit()
    except KeyboardInterrupt:  # a second stop signal: no time to save
        echo(f"\nStopped at once, at step {trainer.step}, without saving; the last checkpoint is kept. "
             f"Continue with: ganzoo train --resume {path}", err=True)
        raise SystemExit(130) from None
    trainer.dist.leave()  # every process has finished (or agreed to stop) the same step
    if status == "interrupted":
        name = signal.Signals(trainer.stop_signal).name
        echo(f"Interrupted ({name}) at step {trainer.step}; checkpoint saved. Continue with: "
             f"ganzoo train --resume {path}", err=True)
        raise SystemExit(128 + trainer.stop_signal)  # the shell's convention: 130 for Ctrl-C, 143 for SIGTERM
    echo(f"Done: step {trainer.step}. Run directory: {path}", err=True)
    echo(f"  samples:     {path / 'samples'}", err=True)
    echo(f"  checkpoints: {path / 'checkpoints'}", err=True)
    if getattr(trainer, "translates", False):
        echo(f"Translate images with: ganzoo translate {path} INPUT --out OUTPUT", err=True)
    else:
        echo(f"Draw samples with: ganzoo sample {path} --n 64 --out samples.png", err=True)


#: ganzoo.rejection.RejectionSettings.steps, here without importing torch (a test holds them equal)
REJECTION_STEPS = 3000


@click.command("sample")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.option("--n", "n", type=click.IntRange(min=1), default=64, show_default=True, help="How many samples.")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file: .npz (a dataset: samples 'x' in data space and, for a conditional run, their "
                   "labels 'y'), .npy (array in data space) or .png (image grid, or scatter for 2-D data).")
@click.option("--labels", metavar="LABELS",
              help="A conditional run's classes to draw, cycling through them: e.g. 0-9, 1,3,5 or 0-4,7 "
                   "[default: all].")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the latent noise.")
@click.option("--checkpoint", help="Checkpoint step to use [default: latest].")
@click.option("--device", default="cpu", show_default=True, help="Device to run the generator on.")
@click.option("--force", is_flag=True, help="Overwrite --out if it exists.")
@click.option("--rejection", is_flag=True,
              help="Draw through discriminator rejection sampling (ganzoo.rejection): train a classifier of the "
                   "run's data against its generator first (about 35 s of one CPU core on 2-D points), then keep "
                   "each sample with the probability it gives. Unconditional runs on point data; needs the run's data.")
@click.option("--rejection-steps", type=click.IntRange(min=1), default=REJECTION_STEPS, show_default=True,
              help="Training steps of --rejection's classifier.")
def sample_command(run_dir, n, out, seed, checkpoint, device, force, labels, rejection, rejection_steps):
    """Draw samples from the run in RUN_DIR.

    \b
    Examples:
      ganzoo sample runs/dcgan --n 64 --out grid.png
      ganzoo sample runs/cgan --labels 0-9 --n 5000 --out aug.npz   # a labelled dataset
      ganzoo train dcgan --data aug.npz                             # ...that --data reads
    """
    suffix = out.suffix.lower()
    if suffix not in (".npz", ".npy", ".png"):
        raise ConfigError(f"--out {out} must end in .npz (samples with their labels), .npy or .png")
    check_out_file(out, force, "samples" + suffix)
    if suffix == ".png" and n > PNG_LIMIT:
        raise ConfigError(f"a picture shows at most {PNG_LIMIT} samples (--n {n}); write more to a .npy file")

    interrupts.import_numpy_before_torch()
    from ganzoo import fileio, sampling, viz
    from ganzoo.train.rundata import RecordedData

    generator, dataset, step = sampling.load_run(run_dir, checkpoint, device, need_samples=rejection)
    chosen = sampling.parse_labels(labels, generator.num_classes) if labels is not None else None
    if rejection:
        from ganzoo.rejection import RejectionSettings, fit_rejection

        if dataset.info.bounded or len(dataset.info.shape) != 1:
            raise ConfigError(f"--rejection is for point data (vectors); {run_dir} is trained on samples of shape "
                              f"{tuple(dataset.info.shape)}: leave --rejection out")
        generator = fit_rejection(generator, dataset, seed, RejectionSettings(steps=rejection_steps))
    shape = tuple(dataset.info.shape)
    if suffix in (".npy", ".npz"):
        needed, free = sampling.npy_bytes(n, dataset), shutil.disk_usage(out.parent).free
        if needed > free:
            raise ConfigError(f"--n {n} samples of shape {shape} take {_size(needed)}, and {out.parent} has "
                              f"{_size(free)} free; ask for fewer or write elsewhere")
        save = sampling.save_npy if suffix == ".npy" else sampling.save_npz
        save(out, generator, dataset, n, seed, labels=chosen)
    else:
        samples = sampling.sample(generator, dataset, n, seed, labels=chosen)
        reference = None
        if samples.ndim == 2 and not isinstance(dataset, RecordedData):  # no data at hand: samples alone
            reference = dataset.to_data_space(dataset.test_split()[0]).numpy()
        try:
            image = viz.render(samples, reference)
        except ValueError as err:
            raise GanzooError(str(err)) from None
        fileio.write_bytes(out, viz.png_bytes(image))
    drawn = ""
    if generator.num_classes:
        drawn = f" of labels {labels}" if labels is not None else f" of labels 0-{generator.num_classes - 1}"
    click.echo(f"Wrote {n} samples of shape {shape}{drawn} from step {step} to {out}"
               + (" (labels under 'y')" if suffix == ".npz" and generator.num_classes else ""), err=True)


def _size(n_bytes: int) -> str:
    return f"{n_bytes / 1e9:.1f} GB" if n_bytes >= 1e8 else f"{n_bytes / 1e6:.1f} MB"
