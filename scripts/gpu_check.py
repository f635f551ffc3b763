"""The Python steps of scripts/gpu_check.sh, one per call (each in a fresh process, so one that
crashes or times out leaves the others' results):

    python scripts/gpu_check.py env    OUT [--dry-run]   what is importable, the GPU, nvcc
    python scripts/gpu_check.py loss   OUT [--dry-run]   the loss benchmark
    python scripts/gpu_check.py train  OUT [--dry-run]   the training benchmark
    python scripts/gpu_check.py report OUT [--dry-run]   results and targets, as JSON and markdown

Steps write OUT/parts/<step>.json; ``report`` gathers them with the shell's step log
(OUT/parts/steps.jsonl) into OUT/gpu-check.json and OUT/gpu-check.md, beside a results
document in ``ganzoo bench``'s format (OUT/cuda-<gpu>-<date>.json, .md, -loss.png) that
goes into benchmarks/results/ for the README's performance section.

``--dry-run`` runs every step on the CPU at toy sizes, torch.compile without code generation:
it checks the script, not the speed.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # this checkout's ganzoo, before any installed one

#: what the steps import: ganzoo's requirements, the tests', the build's
NEEDED = {"torch": "torch", "numpy": "numpy", "click": "click", "safetensors": "safetensors", "PIL": "pillow",
          "tqdm": "tqdm", "pytest": "pytest", "hypothesis": "hypothesis", "setuptools": "setuptools",
          "wheel": "wheel", "ninja": "ninja"}
#: the loss sizes: the launch count's, then the bandwidth targets'
LOSS_SIZES = (64, 10**7, 10**8)
DRY_LOSS_SIZES = (64,)
IMAGE_SIDES = (32, 64)
TRAIN_MODEL = "dcgan"
#: the precision and compile contenders of ganzoo.bench.train that the targets speak of
TRAIN_CONTENDERS = ("fp32", "bf16", "compile")
DRY_NETWORKS = {"generator.width": 4, "discriminator.width": 4, "batch_size": 4}
#: dynamo traces (a graph break still fails fullgraph) but generates no code: seconds, not minutes
DRY_COMPILE_BACKEND = "eager"


def _write(out: Path, step: str, doc: dict) -> Path:
    path = out / "parts" / f"{step}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(doc, indent=1) + "\n")
    return path


def _device(dry_run: bool) -> str:
    return "cpu" if dry_run else "cuda"


# ---------------------------------------------------------------- env

def environment() -> dict:
    """What this machine has for the check, without importing torch unless it is there."""
    missing = [pip for module, pip in NEEDED.items() if importlib.util.find_spec(module) is None]
    found = {"python": sys.version.split()[0], "missing": missing, "load_average": [round(x, 2) for x in os.getloadavg()],
             "nvcc": shutil.which("nvcc") or (os.path.join(os.environ["CUDA_HOME"], "bin", "nvcc")
                                             if os.environ.get("CUDA_HOME") else None)}
    if "torch" not in missing:
        import torch

        found.update(torch=torch.__version__, torch_cuda=torch.version.cuda, cuda_available=torch.cuda.is_available())
        if torch.cuda.is_available():
            found.update(gpu=torch.cuda.get_device_name(), capability=".".join(map(str, torch.cuda.get_device_capability())))
    return found


def step_env(out: Path, dry_run: bool) -> int:
    found = environment()
    _write(out, "env", found)
    print(json.dumps(found, indent=1))
    problems = []
    if found["missing"]:
        problems.append(f"not importable: {', '.join(found['missing'])}. Carry their wheels (pip download --no-deps "
                        "--only-binary=:all: --python-version 3.12 ... -d .whl NAME==VERSION, then pip install "
                        "--no-index --no-deps --target /tmp/site .whl/*.whl and PYTHONPATH=/tmp/site)")
    if not dry_run and not found.get("cuda_available"):
        problems.append("torch sees no CUDA device (a CUDA torch and an NVIDIA GPU are needed; --dry-run runs on the CPU)")
    if not dry_run and not found["nvcc"]:
        problems.append("nvcc not found (put it on PATH or set CUDA_HOME): the CUDA op cannot be built")
    for problem in problems:
        print(f"gpu_check: {problem}", file=sys.stderr)
    return 2 if problems else 0


# ---------------------------------------------------------------- loss

def step_loss(out: Path, dry_run: bool) -> int:
    """ganzoo.bench's loss suite on its headline variant at LOSS_SIZES, with kernel launches at 64."""
    from ganzoo.bench import loss, runner
    from ganzoo.bench.cases import LossCase, Variant

    if dry_run:
        loss.COMPILE_BACKEND = DRY_COMPILE_BACKEND
    sizes = DRY_LOSS_SIZES if dry_run else LOSS_SIZES
    # the GAN pair as a discriminator's step calls it, for its launches
    cases = [LossCase(Variant(), n) for n in sizes] + [LossCase(Variant(op="pair", target="scalar"), sizes[0])]
    started = time.perf_counter()
    result = loss.run(device=_device(dry_run), quick=dry_run, cases=cases,
                      progress=lambda done, total, what: print(f"loss {done}/{total}: {what}", flush=True))
    result["seconds"] = round(time.perf_counter() - started, 2)
    _write(out, "loss", runner.finish("loss", result))
    return 0


# ---------------------------------------------------------------- train

def synthetic_images(n: int, side: int, seed: int = 0):
    """uint8 ``(n, 3, side, side)``: smooth random colour fields with a little noise."""
    import numpy as np

    rng = np.random.RandomState(seed)
    coarse = rng.randint(0, 256, (n, 3, 4, 4)).astype(np.float32)
    fields = np.kron(coarse, np.ones((1, 1, side // 4, side // 4), np.float32))
    return np.clip(fields + rng.randint(0, 16, fields.shape), 0, 255).astype(np.uint8)


def _stats_row(stats, batch: int) -> dict:
    return {**stats.to_dict(), "images_per_s": batch / stats.median}


def time_side(side: int, data: str, device: str, dry_run: bool, work: str) -> tuple[list[dict], list[dict]]:
    """(train rows, speed rows) for ``TRAIN_MODEL`` on ``data``: the trainer in every contender and
    the plain loop over the same networks (fp32), all interleaved in this process."""
    from ganzoo.bench.plain_loop import PlainLoop
    from ganzoo.bench.timing import interleaved_cpu
    from ganzoo.bench.train import _synced, speed_contenders
    from ganzoo.train import start_run
    from ganzoo.train.build import build, resolve_config, select_device

    settings = {"data": data, "device": device, "seed": 0, **(DRY_NETWORKS if dry_run else {})}
    contenders = {name: extra for name, extra in speed_contenders(device).items() if name in TRAIN_CONTENDERS}
    trainers = {name: start_run(TRAIN_MODEL, f"{work}/{side}-{name}", {**settings, **extra}, progress=False)
                for name, extra in contenders.items()}
    config = resolve_config(TRAIN_MODEL, settings)
    torch_device = select_device(device)
    plain = PlainLoop(build(config, torch_device), config, torch_device)
    fns = {name: _synced(trainer.train_step, device) for name, trainer in trainers.items()}
    fns["plain"] = _synced(plain.step, device)
    stats = interleaved_cpu(fns, reps=3 if dry_run else 15, warmup=2 if dry_run else 10,
                            min_sample_s=0.0 if dry_run else 0.2)
    batch = config.batch_size
    name = f"rgb{side}"
    rows = [{"model": TRAIN_MODEL, "data": name, "impl": impl, **_stats_row(stats[key], batch)}
            for impl, key in (("ganzoo", "fp32"), ("plain", "plain"))]
    speed = [{"model": TRAIN_MODEL, "data": name, "image_side": side, "contender": contender,
              "precision": trainers[contender].config.precision, "compile": trainers[contender].config.compile,
              "batch_size": batch, **_stats_row(stats[contender], batch),
              "vs_fp32": stats["fp32"].median / stats[contender].median}
             for contender in contenders]
    for trainer in trainers.values():
        trainer.run.release()
    return rows, speed


def step_train(out: Path, dry_run: bool) -> int:
    """dcgan at 32x32 and 64x64 on synthetic RGB images: fp32, bf16 and compile against the plain loop."""
    import numpy as np

    from ganzoo.bench import summary
    from ganzoo.train import precision

    if dry_run:
        precision.COMPILE_BACKEND = DRY_COMPILE_BACKEND
    started = time.perf_counter()
    rows, speed = [], []
    with tempfile.TemporaryDirectory(prefix="ganzoo-gpu-check-") as work:
        for side in IMAGE_SIDES:
            data = f"{work}/rgb{side}.npy"
            np.save(data, synthetic_images(64 if dry_run else 2048, side))
            print(f"train: {TRAIN_MODEL} at {side}x{side}: {', '.join(TRAIN_CONTENDERS)} and the plain loop", flush=True)
            side_rows, side_speed = time_side(side, data, _device(dry_run), dry_run, work)
            rows += side_rows
            speed += side_speed
    _write(out, "train", {"rows": summary.derive_train(rows), "speed": speed,
                          "seconds": round(time.perf_counter() - started, 2)})
    return 0


# ---------------------------------------------------------------- report

def _read(path: Path):
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _steps(out: Path) -> list[dict]:
    path = out / "parts" / "steps.jsonl"
    lines = path.read_text().splitlines() if path.exists() else []
    return [json.loads(line) for line in lines if line.strip()]


def results_document(out: Path, dry_run: bool) -> dict:
    """The loss and train parts as one ``ganzoo bench`` results document."""
    from ganzoo.bench import machine
    from ganzoo.bench.runner import SCHEMA

    device = _device(dry_run)
    suites = {name: part for name in ("loss", "train") if (part := _read(out / "parts" / f"{name}.json"))}
    env = _read(out / "parts" / "env.json") or {}
    return {"schema": SCHEMA, "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "device": device,
            "quick": dry_run, "load_average_start": env.get("load_average"), "load_average_end": machine.load_average(),
            "machine": machine.describe(device), "suites": suites, "measured_by": "scripts/gpu_check.sh"}


def summary_markdown(report: dict, doc: dict) -> str:
    from ganzoo.bench.markdown import machine_line
    from ganzoo.bench.tables import Table, as_markdown, targets_table

    steps = Table("steps", ["step", "status", "seconds", "note"])
    for s in report["steps"]:
        steps.rows.append([s["step"], s["status"], f"{s['seconds']:.0f}", s.get("note", "")])
    launches = Table("loss: kernel launches per forward+backward (gradient seed preallocated)",
                     ["variant", "n", "implementation", "launches"])
    for row in doc["suites"].get("loss", {}).get("rows", []):
        if "launches" in row:
            launches.rows.append([f"{row['op']}, {row['target']} target", str(row["size"]), row["impl"],
                                  str(row["launches"])])
    mode = "DRY RUN on the CPU (toy sizes; no timing here means anything)" if report["dry_run"] else "on the GPU"
    out = [f"# ganzoo GPU check, {doc['created'][:10]}", "", f"Run by `scripts/gpu_check.sh` {mode}: "
           f"{machine_line(doc)}.", "", f"Missing Python modules: {', '.join(report['environment'].get('missing') or []) or 'none'}.",
           "", as_markdown(steps), "", as_markdown(targets_table(report["targets"]))]
    if launches.rows:
        out += ["", as_markdown(launches)]
    if report.get("results"):
        out += ["", f"Every table: [{Path(report['results'][1]).name}]({Path(report['results'][1]).name}). "
                    "Copy the .json, .md and .png into benchmarks/results/ and run "
                    "`python scripts/render_bench_readme.py` for the README."]
    return "\n".join(out) + "\n"


def step_report(out: Path, dry_run: bool) -> int:
    from ganzoo.bench import results, targets

    doc = results_document(out, dry_run)
    written = [str(p.relative_to(out)) for p in results.publish(doc, out)] if doc["suites"] else []
    report = {"dry_run": dry_run, "created": doc["created"], "environment": _read(out / "parts" / "env.json") or {},
              "steps": _steps(out), "targets": targets.check(doc), "results": written, "document": doc}
    (out / "gpu-check.json").write_text(json.dumps(report, indent=1) + "\n")
    (out / "gpu-check.md").write_text(summary_markdown(report, doc))
    shutil.rmtree(out / "parts", ignore_errors=True)  # all of it is in gpu-check.json now
    print((out / "gpu-check.md").read_text())
    return 0


STEPS = {"env": step_env, "loss": step_loss, "train": step_train, "report": step_report}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("step", choices=list(STEPS))
    parser.add_argument("out", type=Path)
    parser.add_argument("--dry-run", action="store_true", help="on the CPU, toy sizes")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    return STEPS[args.step](args.out, args.dry_run)


if __name__ == "__main__":
    sys.exit(main())
