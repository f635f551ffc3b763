"""``ganzoo doctor``: the versions this install runs on, which loss backends are built, and why
any is missing. Everything heavy (torch, the extension) is imported inside the command."""

from __future__ import annotations

import json
import platform
import shutil
import subprocess
import sys

import click


def _version_line(command: list[str], containing: str = "") -> str | None:
    """The first output line of a version command (containing `containing`), or None."""
    if shutil.which(command[0]) is None:
        return None
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = [line.strip() for line in out.splitlines() if line.strip()]
    return next((line for line in lines if containing in line), None)


def collect() -> dict:
    """Everything `ganzoo doctor` reports, as a dict (also its --json output)."""
    import torch

    from ganzoo._version import __version__
    from ganzoo.ops import _backends

    module = _backends.extension()
    info = {
        "ganzoo": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "torch": torch.__version__,
        "torch_cuda": torch.version.cuda,
        "cuda_available": torch.cuda.is_available(),
        "cuda_devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())]
        if torch.cuda.is_available() else [],
        "cpu_capability": torch.backends.cpu.get_cpu_capability(),
        "threads": torch.get_num_threads(),
        "nvcc": _version_line(["nvcc", "--version"], containing="release"),
        "cxx": _version_line(["c++", "--version"]),
        "extension": None if module is None else {
            "path": getattr(module, "__file__", None),
            "compiler": getattr(module, "compiler", None),
            "with_cuda": bool(module.with_cuda),
            "cuda_version": module.cuda_version or None,
        },
        "extension_error": _backends.load_error(),
        "backends": {b: _backends.missing_reason(b) or "ok" for b in _backends.BACKENDS},
        "forced_backend": _backends._state.forced,
    }
    return info


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def doctor_command(as_json):
    """Show torch, CUDA and compiler versions, which loss backends are built, and why any is missing."""
    info = collect()
    if as_json:
        click.echo(json.dumps(info, indent=2))
        return
    ext = info["extension"]
    rows = [
        ("ganzoo", info["ganzoo"]),
        ("python", f"{info['python']} ({info['platform']})"),
        ("torch", f"{info['torch']} (CUDA {info['torch_cuda'] or 'none'})"),
        ("CUDA devices", ", ".join(info["cuda_devices"]) or "none"),
        ("CPU", f"{info['cpu_capability']}, {info['threads']} threads"),
        ("nvcc", info["nvcc"] or "not found"),
        ("C++ compiler", info["cxx"] or "not found"),
        ("ganzoo._C", "not loaded: " + str(info["extension_error"]) if ext is None else
         f"{ext['path']} (built by {ext['compiler']}, CUDA {ext['cuda_version'] or 'off'})"),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        click.echo(f"{name:<{width}}  {value}")
    click.echo("\nloss backends (ganzoo.ops.bce_with_logits, gan_pair_bce):")
    for backend, status in info["backends"].items():
        mark = "ok" if status == "ok" else f"missing: {status}"
        click.echo(f"  {backend:<10} {mark}")
    if info["forced_backend"]:
        click.echo(f"  GANZOO_BCE_BACKEND={info['forced_backend']} forces the backend")
