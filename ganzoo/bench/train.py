"""The train suite: ``vanilla-mlp``'s step through ganzoo's trainer against the same step
written by hand (``plain_loop.py``), on the embedded digits and on ring8; ``speed``:
``dcgan``'s step in bf16, fp16 and compile+bf16 (these two on CUDA only) and compiled, against
eager fp32, in images per second; and ``patch_loss``: pix2pix's losses on its PatchGAN logits
at 256x256, the fused op against the pure-PyTorch reference.

Step times are measured in one process, interleaved (blocks of trainer steps alternate
with blocks of plain steps), after warm-up steps for both. Peak memory is measured in a
fresh process per contender (``memory.py``), since a process's maximum RSS only grows.
"""

from __future__ import annotations

import tempfile

from ganzoo.bench.timing import interleaved_cpu

MODEL = "vanilla-mlp"
DATASETS = ("digits", "ring8")
SPEED_MODEL, SPEED_DATA = "dcgan", "digits"
#: quick mode: smaller networks (the check is that every contender runs, not how fast)
QUICK_SPEED = {"generator.width": 8, "discriminator.width": 8}


def overrides(data: str, device: str) -> dict:
    return {"data": data, "device": device, "seed": 0}


def make_trainer(data: str, device: str, out: str):
    """ganzoo's Trainer for ``MODEL`` on ``data``, its run directory in ``out``."""
    from ganzoo.train import start_run

    return start_run(MODEL, out, overrides(data, device))


def make_plain(data: str, device: str):
    """The hand-written loop over the same networks, built from the same configuration."""
    from ganzoo.bench.plain_loop import PlainLoop
    from ganzoo.train.build import build, resolve_config, select_device

    config = resolve_config(MODEL, overrides(data, device))
    torch_device = select_device(device)
    return PlainLoop(build(config, torch_device), config, torch_device)


def _synced(step, device: str):
    if device != "cuda":
        return step
    import torch

    def step_and_wait():
        step()
        torch.cuda.synchronize()
    return step_and_wait


def time_steps(data: str, device: str, quick: bool) -> dict:
    """{"ganzoo": Stats, "plain": Stats}: seconds per step, interleaved."""
    with tempfile.TemporaryDirectory(prefix="ganzoo-bench-") as out:
        trainer, plain = make_trainer(data, device, out), make_plain(data, device)
        fns = {"ganzoo": _synced(trainer.train_step, device), "plain": _synced(plain.step, device)}
        return interleaved_cpu(fns, reps=5 if quick else 31, warmup=2 if quick else 10,
                               min_sample_s=0.02 if quick else 0.1)


def speed_contenders(device: str) -> dict[str, dict]:
    """Name → settings of each precision and compile contender; "fp32" is eager float32."""
    contenders = {"fp32": {}, "bf16": {"precision": "bf16"}, "compile": {"compile": True}}
    if device == "cuda":
        contenders.update({"fp16": {"precision": "fp16"}, "compile+bf16": {"compile": True, "precision": "bf16"}})
    return contenders


def time_speed(device: str, quick: bool) -> list[dict]:
    """One row per contender of :func:`speed_contenders`: step time (interleaved, after warm-up
    steps, which include compiling), images per second and the speed-up over fp32."""
    from ganzoo.train import start_run

    settings = {"data": SPEED_DATA, "device": device, "seed": 0, **(QUICK_SPEED if quick else {})}
    contenders = speed_contenders(device)
    with tempfile.TemporaryDirectory(prefix="ganzoo-bench-") as out:
        trainers = {name: start_run(SPEED_MODEL, f"{out}/{name.replace('+', '-')}", {**settings, **extra},
                                    progress=False)
                    for name, extra in contenders.items()}
        fns = {name: _synced(trainer.train_step, device) for name, trainer in trainers.items()}
        stats = interleaved_cpu(fns, reps=3 if quick else 21, warmup=3 if quick else 10,
                                min_sample_s=0.02 if quick else 0.2)
    batch = trainers["fp32"].config.batch_size
    return [{"model": SPEED_MODEL, "data": SPEED_DATA, "contender": name,
             "precision": trainers[name].config.precision, "compile": trainers[name].config.compile,
             "batch_size": batch, **stats[name].to_dict(), "images_per_s": batch / stats[name].median,
             "vs_fp32": stats["fp32"].median / stats[name].median}
            for name in contenders]


#: pix2pix's PatchGAN logits for a batch of 64 at 256x256: 64 x 30 x 30
PATCH_LOGITS = (64, 900)


def time_patch_loss(device: str, quick: bool) -> list[dict]:
    """pix2pix's loss work per step on its PatchGAN logits (:data:`PATCH_LOGITS`): the
    discriminator's real + fake BCE and the generator's BCE, forward and backward, through the
    non-saturating objective on the fused op against the same losses on the pure-PyTorch
    reference, interleaved. The networks are left out: at 256x256 their convolutions are the
    step's cost; this row is the part the fused op changes."""
    import torch

    from ganzoo.ops import reference
    from ganzoo.zoo.objectives import NonSaturating

    gen = torch.Generator().manual_seed(0)
    logits = [torch.randn(PATCH_LOGITS, generator=gen).to(device).requires_grad_(True) for _ in range(3)]
    objective = NonSaturating()

    def fused():
        (objective.discriminator_loss(logits[0], logits[1]) + objective.generator_loss(logits[2])).backward()

    def plain():
        d = reference.bce_with_logits(logits[0], 1.0) + reference.bce_with_logits(logits[1], 0.0)
        (d + reference.bce_with_logits(logits[2], 1.0)).backward()

    fns = {"ganzoo (fused)": _synced(fused, device), "reference (PyTorch ops)": _synced(plain, device)}
    stats = interleaved_cpu(fns, reps=5 if quick else 31, warmup=3 if quick else 20,
                            min_sample_s=0.02 if quick else 0.1)
    base = stats["reference (PyTorch ops)"].median
    return [{"workload": f"pix2pix PatchGAN losses, {PATCH_LOGITS[0]} x {PATCH_LOGITS[1]} logits x 3",
             "contender": name, **stats[name].to_dict(), "vs_reference": base / stats[name].median}
            for name in fns]


def run(device: str = "cpu", quick: bool = False, progress=None) -> dict:
    """{"rows": [...], "speed": [...]}: one row per dataset and contender, with step time and peak
    memory; and the precision and compile contenders (:func:`time_speed`)."""
    from ganzoo.bench.memory import peak_memory

    rows, total = [], 2 * len(DATASETS) + 1
    for i, data in enumerate(DATASETS):
        if progress:
            progress(2 * i, total, f"{MODEL} on {data}: step time, interleaved")
        stats = time_steps(data, device, quick)
        if progress:
            progress(2 * i + 1, total, f"{MODEL} on {data}: peak memory, fresh processes")
        for impl in ("ganzoo", "plain"):
            # a quick run probes memory on the first dataset only: each probe starts a process
            memory = {} if quick and i else peak_memory(impl, data, device, steps=3 if quick else 20)
            rows.append({"model": MODEL, "data": data, "impl": impl, **stats[impl].to_dict(), **memory})
    if progress:
        progress(total - 1, total, f"{SPEED_MODEL} on {SPEED_DATA}: {', '.join(speed_contenders(device))}")
    speed = time_speed(device, quick)
    return {"rows": rows, "speed": speed, "patch_loss": time_patch_loss(device, quick)}
