"""``ganzoo translate``: images through a trained image-to-image run."""

from __future__ import annotations

from pathlib import Path

import click

from ganzoo import interrupts
from ganzoo.cli.outputs import check_out_file
from ganzoo.errors import ConfigError

_ARRAYS = (".npy", ".npz")
_IMAGES = (".png", ".jpg", ".jpeg")


@click.command("translate")
@click.argument("run_dir", type=click.Path(path_type=Path))
@click.argument("input_path", metavar="INPUT", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="A .png (for one image), a .npy/.npz array file, or a folder (one PNG per image).")
@click.option("--direction", type=click.Choice(["AtoB", "BtoA"]),
              help="Which way to translate [default: the way the run trains; CycleGAN runs take either].")
@click.option("--checkpoint", help="Checkpoint step to use [default: latest].")
@click.option("--device", default="cpu", show_default=True, help="Device to run the translator on.")
@click.option("--force", is_flag=True, help="Overwrite --out (a file, or the same names in a folder).")
def translate_command(run_dir, input_path, out, direction, checkpoint, device, force):
    """Translate INPUT (an image, a folder of images, or a .npy/.npz array of images in [0, 1])
    with the image-to-image run in RUN_DIR (pix2pix, CycleGAN).

    \b
    Examples:
      ganzoo translate runs/pix2pix edges.png --out digit.png
      ganzoo translate runs/cyclegan photos/ --out painted/ --direction BtoA
    """
    if not input_path.exists():
        raise ConfigError(f"INPUT {input_path} does not exist; give an image, a folder of images or a .npy/.npz file")
    suffix = out.suffix.lower()
    many = input_path.is_dir() or input_path.suffix.lower() in _ARRAYS
    if suffix in _IMAGES and suffix != ".png":
        raise ConfigError(f"--out {out}: translations are written as PNG; name a .png file, an array file or a folder")
    if suffix == ".png" and many:
        raise ConfigError(f"--out {out} is one picture and INPUT {input_path} holds many images; give a folder "
                          f"(e.g. --out {out.with_suffix('')}) or a .npy/.npz file")
    if suffix not in (".png", *_ARRAYS) and out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder, a .png or a .npy/.npz file")
    if suffix:
        check_out_file(out, force, f"translated{suffix}")
    elif not out.parent.is_dir():
        raise ConfigError(f"the folder of --out {out} does not exist; create it first")

    interrupts.import_numpy_before_torch()
    from ganzoo import translate

    translator = translate.load_translator(run_dir, direction, checkpoint, device)
    images, names = translate.read_images(input_path, translator.source.shape[0])
    if not suffix:
        clash = [n for n in names if (out / f"{n}.png").exists()]
        if clash and not force:
            raise ConfigError(f"--out {out} already holds {clash[0]}.png; pass --force to overwrite or choose "
                              "another folder")
    translated = translator(images)
    translate.write_translations(out, translated, names)
    what = "image" if len(images) == 1 else "images"
    click.echo(f"Translated {len(images)} {what} {translator.direction} (step {translator.step}) to {out}", err=True)
