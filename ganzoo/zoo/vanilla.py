"""``vanilla-mlp``: the fully connected GAN of the classic MNIST tutorials."""

from ganzoo.api import ModelSpec

vanilla_mlp = ModelSpec(
    name="vanilla-mlp",
    generator="mlp",
    discriminator="mlp",
    objective="non-saturating",
    summary="MLP GAN of the MNIST tutorials: G 256-512-1024, D 512-256, non-saturating loss, Adam",
    defaults={
        "data": "digits",
        "latent_dim": 100,
        "optimizer": "adam",
        "lr": 2e-4,
        "betas": (0.5, 0.999),
        "batch_size": 64,
        "d_steps": 1,
        "steps": 10_000,
    },
    paper={
        "title": "Generative Adversarial Nets",
        "authors": "Goodfellow, Pouget-Abadie, Mirza, Xu, Warde-Farley, Ozair, Courville, Bengio",
        "year": 2014,
        "url": "https://arxiv.org/abs/1406.2661",
    },
    tags=("mlp", "baseline"),
)
