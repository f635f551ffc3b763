"""The quality table's image-to-image section: pix2pix on paired digits, CycleGAN on unpaired ones.

- ``pix2pix`` on ``digits-edges`` (edge map -> digit, paired): L1 and PSNR of the translations of
  the 297 test edge maps against their digits.
- ``cyclegan`` on ``digits-bold`` (digit -> bold digit, trained unpaired: A and B come from
  disjoint halves of the training split): the fraction of translated test digits that a
  classifier trained on bold digits reads as the source's label, the classifier FID to the bold
  test digits, and L1/PSNR against each test digit's bold twin.

Every number stands beside the identity baseline (the source handed back untranslated), the
score a translator that learnt nothing gets. Both come from ``ganzoo eval``'s
:func:`ganzoo.metrics.translation.evaluate_translation`. Writes ``translation.json`` and
``translation.md``::

    python benchmarks/quality/translation.py                   # both models, 3 seeds
    python benchmarks/quality/translation.py --models pix2pix --seeds 1 --steps 200 --out /tmp/tr   # a smoke run

Every run uses one torch thread. Wall seconds are recorded under whatever load the machine had.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

from publish import publish  # this folder's results writer
from stats import mean_std  # this folder's summary over seeds

HERE = Path(__file__).resolve().parent
#: model -> its data (the recipe's default, named for the table)
MODELS = {"pix2pix": "digits-edges", "cyclegan": "digits-bold"}
#: (section, key, label, format) of each column, the translation's and the identity's
COLUMNS = (("pixels", "l1", "L1", ".4f"), ("pixels", "psnr", "PSNR dB", ".2f"),
           ("classifier", "label_accuracy", "label kept", ".3f"), ("classifier", "fid", "classifier FID", ".1f"))


def train_and_evaluate(model: str, seed: int, steps: int, workdir: Path) -> dict:
    from ganzoo.metrics.translation import evaluate_translation
    from ganzoo.train import start_run
    from ganzoo.translate import load_translator

    out = workdir / f"{model}-{seed}"
    started = time.perf_counter()
    start_run(model, out, {"seed": seed, "steps": steps, "threads": 1, "sample_every": steps}, progress=False).fit()
    seconds = time.perf_counter() - started
    translator = load_translator(out)
    report = evaluate_translation(translator, translator.game, translator.dataset)
    return {"model": model, "seed": seed, "steps": steps, "train_seconds": round(seconds, 1), "report": report}


def _value(run: dict, section: str, key: str, side: str) -> float | None:
    part = run["report"].get(section)
    return None if part is None or part.get(side) is None else part[side][key]


def summarise(runs: list[dict]) -> dict:
    """model -> {label -> {"translation": mean ± std, "identity": the baseline}}."""
    table: dict = {}
    for model in dict.fromkeys(r["model"] for r in runs):
        mine = [r for r in runs if r["model"] == model]
        row = {"seeds": len(mine), "steps": mine[0]["steps"],
               "train_seconds": round(statistics.mean(r["train_seconds"] for r in mine), 1)}
        for section, key, label, _ in COLUMNS:
            values = [v for v in (_value(r, section, key, "translation") for r in mine) if v is not None]
            if not values:
                continue
            row[label] = {**mean_std(values), "identity": _value(mine[0], section, key, "identity")}
        table[model] = row
    return table


def markdown(results: dict) -> str:
    lines = ["# Image-to-image translation", "",
             f"Produced by `python benchmarks/quality/translation.py` on {results['machine']} "
             f"(ganzoo {results['ganzoo']}, torch {results['torch']}), one torch thread a run, under whatever load the "
             "machine had. Values are mean ± standard deviation over seeds; *identity* is the source image handed "
             "back untranslated, the score of a translator that learnt nothing. Test split: the digits' 297 test "
             "images. L1 and PSNR are in data space ([0, 1]); *label kept* is the fraction of translations that a "
             "classifier trained on the target domain reads as the source digit's label; *classifier FID* is in that "
             "classifier's features, against the target domain's test images.", "",
             "| model | data | seeds | steps | " + " | ".join(label for _, _, label, _ in COLUMNS) + " | train s |",
             "| --- | --- | --- | --- | " + " | ".join("---" for _ in COLUMNS) + " | --- |"]
    for model, row in results["table"].items():
        cells = []
        for _, _, label, spec in COLUMNS:
            cell = row.get(label)
            if cell is None:
                cells.append("—")
                continue
            identity = "" if cell["identity"] is None else f" (identity {format(cell['identity'], spec)})"
            cells.append(f"{format(cell['mean'], spec)} ± {format(cell['std'], spec)}{identity}")
        lines.append(f"| {model} | {MODELS[model]} | {row['seeds']} | {row['steps']} | " + " | ".join(cells)
                     + f" | {row['train_seconds']} |")
    lines += ["", "No published row measures these tasks: pix2pix and CycleGAN report on photographs (facades, "
              "maps, Cityscapes, horses and zebras) at 256×256, with FCN scores and user studies. These rows show that "
              "the games learn the built-in 8×8 tasks beyond the do-nothing baseline, not a reproduction.", ""]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated: " + ", ".join(MODELS))
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--steps", type=int, default=None, help="training steps [default: each recipe's]")
    parser.add_argument("--out", type=Path, default=HERE, help="folder for translation.json and translation.md")
    args = parser.parse_args(argv)
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in MODELS]
    if unknown:
        parser.error(f"unknown models {unknown}; choose from {', '.join(MODELS)}")
    import torch

    from ganzoo import registry
    from ganzoo._version import __version__

    torch.set_num_threads(1)
    runs = []
    with tempfile.TemporaryDirectory(prefix="ganzoo-translation-") as tmp:
        for model in models:
            steps = args.steps or registry.get("model", model).defaults["steps"]
            for seed in range(args.seeds):
                run = train_and_evaluate(model, seed, steps, Path(tmp))
                runs.append(run)
                print(json.dumps({k: run[k] for k in ("model", "seed", "train_seconds")}), file=sys.stderr, flush=True)
    results = {"machine": f"{platform.processor() or platform.machine()}, {os.cpu_count()} cores",
               "ganzoo": __version__, "torch": torch.__version__, "runs": runs, "table": summarise(runs)}
    print(publish(args.out, "translation", results, markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
