import torch

from ganzoo.train import start_run


def test_pacdcgan2_judges_pairs_of_stacked_digits_along_the_channels(tmp_path):
    settings = {"steps": 1, "batch_size": 4, "generator.width": 4, "discriminator.width": 4, "threads": 1,
                "sample_every": 1, "checkpoint_every": 1}
    trainer = start_run("pacdcgan2", tmp_path / "run", settings, progress=False)
    trainer.fit()
    first = next(m for m in trainer.parts.discriminator.modules() if isinstance(m, torch.nn.Conv2d))
    assert trainer.parts.dataset.name == "stacked-digits" and trainer.parts.dataset.info.shape == (3, 8, 8)
    assert first.in_channels == 6  # two 3-channel images a pack
