"""Data augmentation with a conditional GAN: does a classifier trained on k labelled digits per
class get better when the cgan's labelled samples are added? Writes ``augmentation.json`` and
``augmentation.md`` (next to this file by default)::

    python benchmarks/quality/augmentation.py                 # the table (about 15 CPU minutes)
    python benchmarks/quality/augmentation.py --seeds 1 --ks 5 --cgan-steps 50 --full-steps 50 \\
        --classifier-steps 20 --out /tmp/aug                   # a smoke run
    python benchmarks/quality/augmentation.py --render       # the .md again from the .json

Protocol (embedded ``digits``: 1 500 train, 297 test images of 8×8):

- For k in 5, 10, 50 and each seed, k training images per class are drawn (nested: seed s's
  first 5 of a class are among its first 10).
- *real only*: a classifier trained on those 10 k images.
- *+ cgan on the same k* (the fair protocol): the zoo's ``cgan`` trained on the same 10 k
  labelled images only, then ``GENERATED`` samples per class drawn with their labels (the
  ``ganzoo sample RUN --labels 0-9 --out aug.npz`` path: :func:`ganzoo.sampling.save_npz`)
  and added to the real ones.
- *+ cgan on all 1 500* (an upper bound, not a fair comparison: its cgan saw every training
  label): one cgan trained on the whole train split, its samples added the same way.
- Mixing: every classifier batch is half real images (drawn with replacement from the 10 k)
  and half generated ones, so the k real images are not drowned by the 5 000 generated.
- The classifier is ganzoo's :class:`~ganzoo.metrics.classifier.ConvClassifier` (the FID
  network), trained from scratch with Adam for the same number of steps in every arm; the
  score is accuracy on the 297 test images, mean ± standard deviation over the seeds.

One torch thread throughout; wall seconds were measured on a shared machine, under load.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from publish import publish, render  # this folder's results writer
from stats import mean_std  # this folder's summary over seeds

import numpy as np

HERE = Path(__file__).resolve().parent
KS = (5, 10, 50)
SEEDS = 5
#: generated samples per class added to the k real ones
GENERATED = 500
CGAN_STEPS = 3000  # per cgan on k per class (15 of them)
FULL_STEPS = 10_000  # the cgan recipe's default, on the whole train split
CLASSIFIER = {"steps": 500, "batch_size": 64, "lr": 1e-3, "width": 32, "features": 128}
ARMS = ("real", "fair", "full")
ARM_NAMES = {"real": "real only", "fair": "+ cgan on the same k (fair)",
             "full": "+ cgan on all 1 500 (upper bound)"}


def digits():
    """The digits train split ``(x, y)`` and test split in data space ([0, 1]) as numpy arrays."""
    from ganzoo.data.digits import Digits

    data = Digits()
    to_data = data.to_data_space
    return (to_data(data.train).numpy(), data.train_labels.numpy(),
            to_data(data.test).numpy(), data.test_labels.numpy())


def subset(y: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Indices of k samples of each class, the first k of a per-class shuffle (nested in k)."""
    rng = np.random.default_rng(seed)
    return np.sort(np.concatenate([rng.permutation(np.flatnonzero(y == c))[:k] for c in range(10)]))


def train_cgan(x: np.ndarray, y: np.ndarray, steps: int, seed: int, out: Path) -> float:
    """Train the zoo's ``cgan`` on the data-space images ``x`` with labels ``y`` (all of them: no
    test split is held out of so few), into the run directory ``out``. Returns wall seconds.

    The images are also written to ``out``-data.npz, recorded as the run's data, so the run
    directory is an ordinary one (``ganzoo sample`` reads it)."""
    import torch

    from ganzoo.data.base import TensorDataset
    from ganzoo.train.build import apply_threads, build, resolve_config, run_record
    from ganzoo.train.loggers import RunLoggers
    from ganzoo.train.loop import Trainer
    from ganzoo.train.rundir import RunDir

    start = time.time()
    data_file = out.with_name(out.name + "-data.npz")
    np.savez(data_file, x=x.astype(np.float32), y=y.astype(np.int64))
    config = resolve_config("cgan", {"data": str(data_file), "steps": steps, "seed": seed, "threads": 1,
                                     "device": "cpu", "log_every": max(1, steps // 10),
                                     "sample_every": steps, "checkpoint_every": steps})
    apply_threads(config)
    model = torch.as_tensor(x, dtype=torch.float32) * 2 - 1
    labels = torch.as_tensor(y, dtype=torch.long)
    dataset = TensorDataset(model, model[:1], bounded=True, train_labels=labels, test_labels=labels[:1],
                            num_classes=10)
    parts = build(config, torch.device("cpu"), dataset=dataset)
    run = RunDir.create(out, run_record(config, parts))
    status = Trainer(run, config, parts, torch.device("cpu"), False, RunLoggers.none()).fit()
    if status != "done":
        raise SystemExit(f"the cgan in {out} stopped: {status}")
    return time.time() - start


def generated(run_dir: Path, per_class: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``per_class`` samples of each digit from the run, with their labels, through the .npz
    that ``ganzoo sample RUN --labels 0-9 --n N --out aug.npz`` writes."""
    from ganzoo import sampling

    generator, dataset, _ = sampling.load_run(run_dir)
    path = run_dir / "aug.npz"
    sampling.save_npz(path, generator, dataset, 10 * per_class, seed, labels=sampling.parse_labels("0-9", 10))
    with np.load(path) as npz:
        return npz["x"], npz["y"]


def nearest_distance(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """For each sample of ``a``, the L2 distance (pixels in [0, 1]) to its nearest sample of ``b``."""
    a, b = a.reshape(len(a), -1).astype(np.float64), b.reshape(len(b), -1).astype(np.float64)
    squared = (a * a).sum(1)[:, None] - 2 * a @ b.T + (b * b).sum(1)[None]
    return np.sqrt(squared.clip(min=0).min(1))


def novelty(samples: np.ndarray, train: np.ndarray, test: np.ndarray) -> dict:
    """How far generated samples lie from the images their cgan trained on, beside how far new
    (test) digits lie from them: medians of the nearest distances. Generated samples much closer
    than test digits are near-copies of the training images (memorised), adding little."""
    return {"generated": float(np.median(nearest_distance(samples, train))),
            "test": float(np.median(nearest_distance(test, train)))}


def label_agreement(samples: tuple[np.ndarray, np.ndarray]) -> float:
    """The fraction of generated samples whose label ganzoo's digits classifier (trained on the
    whole train split: an evaluation tool, not a part of any arm) reads as the label asked for."""
    from ganzoo.data.digits import Digits
    from ganzoo.metrics.classifier import get_classifier

    return float((get_classifier(Digits()).predict(samples[0]) == samples[1]).mean())


def classify(x, y, extra, test_x, test_y, seed: int, settings: dict) -> float:
    """Test accuracy of a ConvClassifier trained on ``(x, y)`` (and, half of every batch, on the
    generated ``extra = (x, y)`` when given)."""
    import torch
    from torch import nn

    from ganzoo.metrics.classifier import ConvClassifier

    torch.manual_seed(seed)
    rng = torch.Generator().manual_seed(seed + 1)
    net = ConvClassifier(x.shape[1:], 10, settings["width"], settings["features"])
    opt = torch.optim.Adam(net.parameters(), lr=settings["lr"])
    real = torch.as_tensor(x, dtype=torch.float32), torch.as_tensor(y, dtype=torch.long)
    fake = None if extra is None else (torch.as_tensor(extra[0], dtype=torch.float32),
                                       torch.as_tensor(extra[1], dtype=torch.long))
    batch = settings["batch_size"]
    net.train()
    for _ in range(settings["steps"]):
        sources = [(real, batch)] if fake is None else [(real, batch // 2), (fake, batch - batch // 2)]
        xs, ys = [], []
        for (sx, sy), m in sources:
            idx = torch.randint(len(sx), (m,), generator=rng)
            xs.append(sx[idx])
            ys.append(sy[idx])
        loss = nn.functional.cross_entropy(net(torch.cat(xs)), torch.cat(ys))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        predicted = net(torch.as_tensor(test_x, dtype=torch.float32)).argmax(1).numpy()
    return float((predicted == test_y).mean())


def _by_k(items: dict) -> list[tuple[str, dict]]:
    """``items`` keyed by k ("5", "10") or by cgan ("full", "fair_k5") in the table's order, whatever
    order the JSON holds them in."""
    def key(name: str):
        return (name != "full", int(name.removeprefix("fair_k")) if name != "full" else 0)
    return sorted(items.items(), key=lambda kv: key(kv[0]))


def paired(row: dict, arm: str) -> dict:
    """``arm``'s accuracy minus real-only's, seed by seed (same images, same initialisation)."""
    return mean_std([a - r for a, r in zip(row[arm]["accuracy"], row["real"]["accuracy"])])


def verdict(rows: dict, arm: str) -> list[str]:
    """One sentence per k: does ``arm`` beat real-only, seed by seed, by more than two standard
    errors of the paired differences?"""
    lines = []
    for k, row in _by_k(rows):
        diff = paired(row, arm)
        n = len(row["real"]["accuracy"])
        margin = 2 * diff["std"] / n ** 0.5
        word = ("helps" if diff["mean"] > margin else "hurts" if diff["mean"] < -margin
                else "makes no difference beyond the seeds' noise")
        lines.append(f"k = {k}: {ARM_NAMES[arm]} {word}: {100 * diff['mean']:+.1f} ± {100 * diff['std']:.1f} "
                     f"points, paired by seed (two standard errors: {100 * margin:.1f})")
    return lines


_AGREEMENT_NAMES = {"full": "cgan on all 1 500", **{f"fair_k{k}": f"cgans on k = {k}" for k in (5, 10, 50)}}


def markdown(result: dict) -> str:
    s = result["settings"]
    pct = lambda m: f"{100 * m['mean']:.1f} ± {100 * m['std']:.1f}"  # noqa: E731
    lines = [
        "# Data augmentation with a conditional GAN (digits)",
        "",
        "Written by `python benchmarks/quality/augmentation.py`; do not edit by hand.",
        "",
        f"Test accuracy (%) of a small classifier on the 297 digits test images, mean ± std over "
        f"{s['seeds']} seeds (each seed draws its own k images per class and its own initialisations).",
        "",
        "| k per class | " + " | ".join(ARM_NAMES[a] for a in ARMS) + " | fair − real, paired |",
        "|---|" + "---|" * (len(ARMS) + 1),
    ]
    for k, row in _by_k(result["rows"]):
        diff = paired(row, "fair")
        lines.append(f"| {k} | " + " | ".join(pct(row[a]["summary"]) for a in ARMS)
                     + f" | {100 * diff['mean']:+.1f} ± {100 * diff['std']:.1f} |")
    lines += ["", "## Verdict", "", *(f"- {line}" for line in verdict(result["rows"], "fair")),
              *(f"- {line}" for line in verdict(result["rows"], "full")), "",
              "## Set-up", "",
              f"- cgan: the zoo recipe `cgan` (MLP G and D given one-hot labels, non-saturating loss, Adam 2e-4, "
              f"batch 64), one torch thread; on the k per class for {s['cgan_steps']} steps per (k, seed) "
              f"(the fair arm); on the whole 1 500-image train split for {s['full_steps']} steps, seed 0 "
              "(the upper bound, whose cgan saw every training label: not a fair comparison).",
              f"- Generated: {s['generated_per_class']} samples per class, labels cycling over 0-9, written "
              "and read back as the `.npz` that `ganzoo sample RUN --labels 0-9 --n N --out aug.npz` writes.",
              "- Do the samples show the digit asked for? The fraction whose label ganzoo's digits classifier "
              "(trained on the whole train split; used only to check, in no arm) reads back: "
              + "; ".join(f"{_AGREEMENT_NAMES.get(key, key)} {100 * (v['mean'] if isinstance(v, dict) else v):.1f} %"
                          + (f" ± {100 * v['std']:.1f}" if isinstance(v, dict) else "")
                          for key, v in _by_k(result["label_agreement"])) + ".",
              "- Are the samples new digits or copies? Median L2 distance (pixels in [0, 1]) from a generated "
              "sample to its nearest training image of its cgan, beside the same for the test digits: "
              + "; ".join(f"{_AGREEMENT_NAMES.get(key, key)} {v['generated']:.2f} (test digits {v['test']:.2f})"
                          for key, v in _by_k(result["nearest_distance"]))
              + ". A generated median far below the test digits' means near-copies of the training images.",
              f"- Classifier: ganzoo's ConvClassifier (width {s['classifier']['width']}, "
              f"{s['classifier']['features']} features), Adam lr {s['classifier']['lr']}, "
              f"{s['classifier']['steps']} steps of batch {s['classifier']['batch_size']}; with augmentation each "
              "batch is half real (with replacement from the 10 k) and half generated.",
              f"- Wall seconds, on a shared 2-core machine under load: cgans on k per class "
              f"{result['wall_s']['fair_cgans']:.0f} s in all, the full-data cgan {result['wall_s']['full_cgan']:.0f} s, "
              f"everything {result['wall_s']['total']:.0f} s.",
              ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder for augmentation.json/.md [this folder]")
    parser.add_argument("--ks", type=int, nargs="+", default=list(KS))
    parser.add_argument("--seeds", type=int, default=SEEDS)
    parser.add_argument("--cgan-steps", type=int, default=CGAN_STEPS)
    parser.add_argument("--full-steps", type=int, default=FULL_STEPS)
    parser.add_argument("--classifier-steps", type=int, default=CLASSIFIER["steps"])
    parser.add_argument("--generated", type=int, default=GENERATED, help="generated samples per class")
    parser.add_argument("--render", action="store_true",
                        help="only write augmentation.md again from the augmentation.json in --out")
    args = parser.parse_args(argv)
    if args.render:
        render(args.out, "augmentation", markdown)
        return json.loads((args.out / "augmentation.json").read_text())
    import torch

    torch.set_num_threads(1)
    settings = {"ks": args.ks, "seeds": args.seeds, "cgan_steps": args.cgan_steps, "full_steps": args.full_steps,
                "generated_per_class": args.generated, "classifier": {**CLASSIFIER, "steps": args.classifier_steps}}
    start = time.time()
    x, y, test_x, test_y = digits()
    wall = {"fair_cgans": 0.0, "full_cgan": 0.0}
    rows: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="ganzoo-augmentation-") as tmp:
        work = Path(tmp)
        wall["full_cgan"] = train_cgan(x, y, args.full_steps, 0, work / "cgan-all")
        full = generated(work / "cgan-all", args.generated, 0)
        agreement = {"full": label_agreement(full)}
        distances = {"full": novelty(full[0], x, test_x)}
        print(f"cgan on all {len(x)} trained ({wall['full_cgan']:.0f} s), labels read back "
              f"{agreement['full']:.3f}", file=sys.stderr)
        for k in args.ks:
            scores, agree, near = {arm: [] for arm in ARMS}, [], []
            for seed in range(args.seeds):
                idx = subset(y, k, seed)
                run_dir = work / f"cgan-k{k}-seed{seed}"
                wall["fair_cgans"] += train_cgan(x[idx], y[idx], args.cgan_steps, seed, run_dir)
                fair = generated(run_dir, args.generated, seed)
                agree.append(label_agreement(fair))
                near.append(novelty(fair[0], x[idx], test_x))
                for arm, extra in (("real", None), ("fair", fair), ("full", full)):
                    scores[arm].append(classify(x[idx], y[idx], extra, test_x, test_y, seed, settings["classifier"]))
                print(f"k={k} seed={seed}: " + ", ".join(f"{a} {scores[a][-1]:.3f}" for a in ARMS), file=sys.stderr)
            rows[str(k)] = {arm: {"accuracy": scores[arm], "summary": mean_std(scores[arm])} for arm in ARMS}
            agreement[f"fair_k{k}"] = mean_std(agree)
            distances[f"fair_k{k}"] = {key: statistics.fmean(d[key] for d in near) for key in ("generated", "test")}
    wall["total"] = time.time() - start
    result = {"settings": settings, "rows": rows, "label_agreement": agreement,
              "nearest_distance": distances, "wall_s": wall, "wall_note": "shared machine, under load"}
    # in the order measured (fileio.write_json would sort "10" before "5")
    print(publish(args.out, "augmentation", result, markdown, indent=2))
    return result


if __name__ == "__main__":
    main()
