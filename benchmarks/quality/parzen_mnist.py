"""Goodfellow et al. (2014)'s Parzen-window protocol on MNIST, in one command (not part of CI: it
needs the MNIST files, which ganzoo never downloads unasked).

Trains ``goodfellow2014`` on MNIST (the four IDX files in ``--data-dir``, raw or .gz) and scores it
as the paper's Table 1 does, through ``ganzoo eval``'s protocol: a Gaussian Parzen window on 10 000
generated samples, its width σ chosen on 10 000 training images held out from the pool, the mean
log-likelihood of the 10 000 test images in nats (pixels in [0, 1]), ± its standard error. The
paper reports 225 ± 2 for its GAN. Writes ``parzen_mnist.json`` and ``parzen_mnist.md``::

    python benchmarks/quality/parzen_mnist.py --data-dir ~/data/mnist
    python benchmarks/quality/parzen_mnist.py --data-dir ~/data/mnist --steps 50000 --seeds 3 --device cuda
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from publish import publish  # this folder's results writer
from stats import mean_std  # this folder's summary over seeds

HERE = Path(__file__).resolve().parent
MODEL = "goodfellow2014"
PUBLISHED = {"source": "Goodfellow et al. 2014, Table 1 (MNIST, Parzen window)", "log_likelihood": 225.0,
             "stderr": 2.0}
SAMPLES = 10_000


def run_one(data_dir: Path, seed: int, steps: int, device: str, samples: int, workdir: Path) -> dict:
    from ganzoo.metrics.evaluate import evaluate
    from ganzoo.sampling import load_run
    from ganzoo.train import start_run

    out = workdir / f"{MODEL}-{seed}"
    started = time.perf_counter()
    start_run(MODEL, out, {"data": "mnist", "data_dir": str(data_dir), "seed": seed, "steps": steps,
                           "device": device, "sample_every": steps}, progress=False).fit()
    seconds = time.perf_counter() - started
    generator, dataset, _ = load_run(out, device=device, need_samples=True)
    result = evaluate(generator, dataset, samples, seed, with_classifier=False)
    return {"seed": seed, "steps": steps, "train_seconds": round(seconds, 1),
            "parzen": result["parzen"], "parzen_reference": result["parzen_reference"]}


def markdown(results: dict) -> str:
    runs = results["runs"]
    ll = mean_std(r["parzen"]["log_likelihood"] for r in runs)
    real = statistics.mean(r["parzen_reference"]["log_likelihood"] for r in runs)
    # over seeds, their spread; one seed has none, so its test images' standard error is shown
    spread = f"{ll['std']:.1f} (seeds)" if len(runs) > 1 else f"{runs[0]['parzen']['stderr']:.1f} (s.e.)"
    lines = ["# Parzen-window log-likelihood on MNIST (Goodfellow et al. 2014's protocol)", "",
             f"Produced by `python benchmarks/quality/parzen_mnist.py` ({results['device']}). "
             f"{SAMPLES if results['samples'] == SAMPLES else results['samples']} samples a run; σ chosen on held-out "
             "training images; nats, pixels in [0, 1].", "",
             "| model | seeds | steps × batch | Parzen LL (test) | real training images (ceiling) |",
             "| --- | --- | --- | --- | --- |",
             f"| `{MODEL}` | {len(runs)} | {runs[0]['steps']} × {results['batch_size']} | "
             f"{ll['mean']:.1f} ± {spread} | {real:.1f} |",
             f"| GAN (paper) | — | not stated | {PUBLISHED['log_likelihood']:.0f} ± {PUBLISHED['stderr']:.0f} (s.e.) | — |",
             ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="where the four MNIST IDX files are")
    parser.add_argument("--steps", type=int, default=None, help="training steps [default: the recipe's]")
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--samples", type=int, default=SAMPLES, help=argparse.SUPPRESS)  # the tests' small runs
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for parzen_mnist.json and .md")
    args = parser.parse_args(argv)
    from ganzoo import registry
    from ganzoo.data.mnist import MNIST
    from ganzoo.errors import GanzooError

    try:
        MNIST(data_dir=str(args.data_dir))  # the files are there and readable, before any training
    except GanzooError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    recipe = registry.get("model", MODEL)
    steps = args.steps or recipe.defaults["steps"]
    with tempfile.TemporaryDirectory(prefix="ganzoo-parzen-") as tmp:
        runs = [run_one(args.data_dir, seed, steps, args.device, args.samples, Path(tmp)) for seed in range(args.seeds)]
    results = {"model": MODEL, "device": args.device, "samples": args.samples,
               "batch_size": recipe.defaults["batch_size"], "published": PUBLISHED, "runs": runs}
    print(publish(args.out, "parzen_mnist", results, markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
