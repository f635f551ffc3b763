"""The zoo's model recipes: each a ``ModelSpec`` registered under ``ganzoo.models``.

Image models use the DCGAN networks (``ganzoo.zoo.conv``) and train on ``digits`` by
default; their ``-mlp`` twins are the 2-D set-ups of the papers' toy experiments
(MLP networks, ``ring8`` by default) and refuse image data. Every setting can be
changed with ``--set``; the objectives' regularizers are described in
``ganzoo.zoo.objectives``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from ganzoo.api import ModelSpec


def _paper(title: str, authors: str, year: int, arxiv: str) -> dict[str, Any]:
    return {"title": title, "authors": authors, "year": year, "url": f"https://arxiv.org/abs/{arxiv}"}


GOODFELLOW = _paper("Generative Adversarial Nets",
                    "Goodfellow, Pouget-Abadie, Mirza, Xu, Warde-Farley, Ozair, Courville, Bengio", 2014, "1406.2661")
DCGAN = _paper("Unsupervised Representation Learning with Deep Convolutional Generative Adversarial Networks",
               "Radford, Metz, Chintala", 2016, "1511.06434")
LSGAN = _paper("Least Squares Generative Adversarial Networks",
               "Mao, Li, Xie, Lau, Wang, Smolley", 2017, "1611.04076")
WGAN = _paper("Wasserstein Generative Adversarial Networks", "Arjovsky, Chintala, Bottou", 2017, "1701.07875")
WGAN_GP = _paper("Improved Training of Wasserstein GANs",
                 "Gulrajani, Ahmed, Arjovsky, Dumoulin, Courville", 2017, "1704.00028")
SNGAN = _paper("Spectral Normalization for Generative Adversarial Networks",
               "Miyato, Kataoka, Koyama, Yoshida", 2018, "1802.05957")
R1 = _paper("Which Training Methods for GANs do actually Converge?", "Mescheder, Geiger, Nowozin", 2018, "1801.04406")
DELIGAN = _paper("DeLiGAN: Generative Adversarial Networks for Diverse and Limited Data",
                 "Gurumurthy, Sarvadevabhatla, Babu", 2017, "1706.02071")
CGAN = _paper("Conditional Generative Adversarial Nets", "Mirza, Osindero", 2014, "1411.1784")
PACGAN = _paper("PacGAN: The power of two samples in generative adversarial networks",
                "Lin, Khetan, Fanti, Oh", 2018, "1712.04086")

_ADAM_DCGAN = {"optimizer": "adam", "lr": 2e-4, "betas": (0.5, 0.999), "d_steps": 1}
_IMAGES = {"data": "digits", "latent_dim": 100, "batch_size": 64, "steps": 10_000}
_POINTS = {"data": "ring8", "latent_dim": 32, "batch_size": 128, "steps": 5_000}
#: the 2-D networks: three hidden layers of 256 on both sides, as in the WGAN-GP toy experiments
_MLP_G = {"hidden": (256, 256, 256), "data_kind": "points"}
_MLP_D = {"hidden": (256, 256, 256), "data_kind": "points"}


def _recipe(name: str, objective: str, *, summary: str, paper: dict[str, Any], tags: tuple[str, ...],
            points: bool = False, defaults: dict[str, Any] | None = None,
            objective_kwargs: dict[str, Any] | None = None, discriminator_kwargs: dict[str, Any] | None = None,
            ) -> ModelSpec:
    """A DCGAN-network recipe for images, or with ``points`` its 2-D MLP twin."""
    defaults = {**(_POINTS if points else _IMAGES), **_ADAM_DCGAN, **(defaults or {})}
    if defaults["optimizer"] != "adam":
        del defaults["betas"]
    return ModelSpec(
        name=name,
        generator="mlp" if points else "dcgan",
        discriminator="mlp" if points else "dcgan",
        objective=objective,
        summary=summary,
        generator_kwargs=dict(_MLP_G) if points else {},
        discriminator_kwargs={**(_MLP_D if points else {}), **(discriminator_kwargs or {})},
        objective_kwargs=dict(objective_kwargs or {}),
        defaults=defaults,
        paper=paper,
        tags=(*tags, "mlp", "2d") if points else (*tags, "conv", "images"),
    )


# The MLP GAN of the classic MNIST tutorials: the default model.
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
    paper=GOODFELLOW,
    tags=("mlp", "baseline"),
)

goodfellow2014 = ModelSpec(
    name="goodfellow2014",
    generator="mlp",
    discriminator="maxout",
    objective="non-saturating",
    summary="The original GAN's MNIST set-up: G 1200-1200 ReLU -> sigmoid, maxout D with dropout, SGD + momentum",
    # Settings of the paper's released code (goodfeli/adversarial, mnist.yaml): weights drawn
    # with irange 0.05 (G) and 0.005 (D), here as normals of the same spread (std = irange / sqrt 3);
    # SGD lr 0.1, momentum 0.5, batches of 100, Gaussian latent of 100. Its D cost is half the
    # sum of the two BCE terms, ganzoo's the whole sum: d_lr 0.05 is the same update.
    # Departures: the code starts its sigmoid's biases at the pixels' marginals, which
    # generator.output_bias=marginals does; it is off here, since over 5 seeds it did not help
    # and one (seed 4) collapsed (Parzen -54 at 6 000 steps, against 21.6 with zero biases).
    # The sigmoid is mapped to the images' [-1, 1] model space as 2 * sigmoid - 1;
    # D and G alternate (the code updates both from one batch at once: as the packed game,
    # m = 1, that reached FID 549 on seed 1, against 74); the generator uses the
    # non-saturating loss, as the code does.
    # The code's schedules are left out: its momentum 0.5 -> 0.7 over MNIST epochs 1-250 (500
    # batches each) is 0.515 at 10 000 steps, its lr decay (/1.000004 a batch) 0.96: constant
    # is the same to within 4 % (momentum 0.7 from the start collapsed G: 3 labels). mnist.yaml
    # sets no max-norm constraint (its TFD and CIFAR-10 set-ups do: discriminator.max_norm=1.9365
    # switches it on; FID 295 against 69 on a 2 000-step seed, 70 against 74 on a 3 000-step one).
    # With PyTorch's default initialisation instead, lr 0.1 let D win and G collapse, and lr
    # 0.05 reached FID 2 367, 4 of 10 labels. benchmarks/quality/run.py's TRIED has the search.
    # Departure: G is sampled from an exponential moving average of its weights (ema 0.999,
    # which the paper does not use). Without it the digits' Parzen score levelled off at 28.2-28.4
    # over 12 000-24 000 steps (seed 0), below vanilla-mlp's; with it, 30.3 over 5 seeds at 12 000
    # steps against vanilla-mlp's 28.2 (31.2 for vanilla-mlp given the same EMA).
    generator_kwargs={"hidden": (1200, 1200), "batchnorm": False, "activation": "relu", "output": "sigmoid",
                      "data_kind": "images", "init_std": 0.05 / 3**0.5},
    discriminator_kwargs={"hidden": (240, 240), "pieces": 5, "input_dropout": 0.2, "dropout": 0.5,
                          "init_std": 0.005 / 3**0.5},
    defaults={**_IMAGES, "optimizer": "sgd", "lr": 0.1, "d_lr": 0.05, "momentum": 0.5, "batch_size": 100,
              "d_steps": 1, "ema": 0.999},
    paper=GOODFELLOW,
    tags=("mlp", "maxout", "images", "baseline"),
)

dcgan = _recipe(
    "dcgan", "non-saturating", paper=DCGAN, tags=("baseline",),
    summary="DCGAN: convolutional G/D with BatchNorm, non-saturating loss, Adam 2e-4",
)

lsgan = _recipe(
    "lsgan", "least-squares", paper=LSGAN, tags=("least-squares",),
    summary="LSGAN: DCGAN networks with the least-squares loss",
)
lsgan_mlp = _recipe(
    "lsgan-mlp", "least-squares", paper=LSGAN, tags=("least-squares",), points=True,
    summary="LSGAN on 2-D points: MLP networks, least-squares loss",
)

_WGAN = {"defaults": {"optimizer": "rmsprop", "lr": 5e-5, "d_steps": 5}, "objective_kwargs": {"clip": 0.01}}
wgan = _recipe(
    "wgan", "wasserstein", paper=WGAN, tags=("wasserstein", "weight-clipping"), **_WGAN,
    summary="WGAN: critic weights clipped to 0.01, RMSprop 5e-5, 5 critic steps",
)
wgan_mlp = _recipe(
    "wgan-mlp", "wasserstein", paper=WGAN, tags=("wasserstein", "weight-clipping"), points=True, **_WGAN,
    summary="WGAN on 2-D points: weight clipping 0.01, RMSprop 5e-5, 5 critic steps",
)

_WGAN_GP = {"defaults": {"lr": 1e-4, "betas": (0.0, 0.9), "d_steps": 5}, "objective_kwargs": {"gp_weight": 10.0}}
wgan_gp = _recipe(
    "wgan-gp", "wasserstein", paper=WGAN_GP, tags=("wasserstein", "gradient-penalty"), **_WGAN_GP,
    discriminator_kwargs={"norm": "layer"},  # BatchNorm would break the per-sample penalty
    summary="WGAN-GP: gradient penalty 10, layer-normalised critic, Adam 1e-4 (0, 0.9), 5 critic steps",
)
wgan_gp_mlp = _recipe(
    "wgan-gp-mlp", "wasserstein", paper=WGAN_GP, tags=("wasserstein", "gradient-penalty"), points=True, **_WGAN_GP,
    summary="WGAN-GP on 2-D points: gradient penalty 10, Adam 1e-4 (0, 0.9), 5 critic steps",
)

sngan = _recipe(
    "sngan", "hinge", paper=SNGAN, tags=("hinge", "spectral-norm"),
    discriminator_kwargs={"norm": "none", "spectral_norm": True},
    summary="SNGAN: spectrally normalised DCGAN discriminator, hinge loss",
)
sngan_mlp = _recipe(
    "sngan-mlp", "hinge", paper=SNGAN, tags=("hinge", "spectral-norm"), points=True,
    discriminator_kwargs={"spectral_norm": True},
    summary="SNGAN on 2-D points: spectrally normalised MLP discriminator, hinge loss",
)

# Lazy regularisation: the R1 penalty every 16 steps, scaled by 16 (StyleGAN2's schedule).
r1_gan = _recipe(
    "r1-gan", "non-saturating", paper=R1, tags=("r1",), defaults={"betas": (0.0, 0.99)},
    objective_kwargs={"r1_gamma": 10.0, "r1_every": 16}, discriminator_kwargs={"norm": "none"},
    summary="Non-saturating GAN with a lazy R1 penalty (gamma 10, every 16 steps), no BatchNorm in D",
)
r1_gan_mlp = _recipe(
    "r1-gan-mlp", "non-saturating", paper=R1, tags=("r1",), points=True, defaults={"betas": (0.0, 0.99)},
    objective_kwargs={"r1_gamma": 1.0, "r1_every": 16},
    summary="Non-saturating GAN with a lazy R1 penalty on 2-D points (gamma 1, every 16 steps)",
)

# The best ring8 configuration found by benchmarks/quality: no BatchNorm, a 2-D latent, a tiny
# R1 penalty with betas (0, 0.99) for even mode weights, and an averaged generator for precision.
r1_gan_mlp_ema = ModelSpec(
    name="r1-gan-mlp-ema",
    generator="mlp",
    discriminator="mlp",
    objective="non-saturating",
    summary="Tuned 2-D GAN: small MLPs, 2-D latent, light lazy R1, generator EMA 0.999 (benchmarks/quality)",
    generator_kwargs={"hidden": (128, 128, 128), "batchnorm": False, "data_kind": "points"},
    discriminator_kwargs={"hidden": (128, 128), "data_kind": "points"},
    objective_kwargs={"r1_gamma": 0.01, "r1_every": 16},
    defaults={"data": "ring8", "latent_dim": 2, "batch_size": 256, "steps": 10_000, "optimizer": "adam",
              "lr": 1e-3, "betas": (0.0, 0.99), "d_steps": 1, "ema": 0.999},
    paper=R1,
    tags=("mlp", "2d", "r1", "ema"),
)

# The configuration that meets the mode-collapse bars of benchmarks/quality on ring8 and grid25:
# r1-gan-mlp-ema's networks and game, a Gaussian-mixture latent prior (100 components, after
# DeLiGAN, whose centres are learned; here they are fixed) so that G need not put samples on
# bridges between modes, and a linear learning-rate decay to zero that lets the samples settle
# onto the modes.
r1_gan_mlp_mixture = dataclasses.replace(
    r1_gan_mlp_ema,
    name="r1-gan-mlp-mixture",
    summary="2-D GAN with a mixture-of-Gaussians latent prior, light lazy R1, EMA, linear lr decay",
    generator_kwargs={**r1_gan_mlp_ema.generator_kwargs, "latent_components": 100, "latent_std": 0.05},
    discriminator_kwargs=dict(r1_gan_mlp_ema.discriminator_kwargs),
    objective_kwargs=dict(r1_gan_mlp_ema.objective_kwargs),
    defaults={**r1_gan_mlp_ema.defaults, "latent_dim": 8, "steps": 30_000, "lr_decay": "linear"},
    paper=DELIGAN,
    tags=(*r1_gan_mlp_ema.tags, "mixture-prior"),
)

# A best 2-D row that matches the data instead of sharpening it (issue 13, benchmarks/quality's
# `matched` bar): r1-gan-mlp-mixture samples from its generator EMA at the end of a learning rate
# decayed to zero, and both pull the samples into the mode centres (spread 0.65 on ring8, high
# quality above the data's own 98.9 %). Here the live generator is sampled, D learns three times
# faster than G, and the schedule is shorter (RESULTS.md's "What was tried" has the search).
r1_gan_mlp_matched = dataclasses.replace(
    r1_gan_mlp_mixture,
    name="r1-gan-mlp-matched",
    summary="r1-gan-mlp-mixture tuned to match the data's spread: no EMA, D lr 3x G's, 20 000 steps",
    generator_kwargs=dict(r1_gan_mlp_mixture.generator_kwargs),
    discriminator_kwargs=dict(r1_gan_mlp_mixture.discriminator_kwargs),
    objective_kwargs=dict(r1_gan_mlp_mixture.objective_kwargs),
    defaults={**r1_gan_mlp_mixture.defaults, "ema": 0.0, "d_lr": 3e-3, "steps": 20_000},
    tags=tuple(tag for tag in r1_gan_mlp_mixture.tags if tag != "ema"),
)

cgan = ModelSpec(
    name="cgan",
    generator="mlp",
    discriminator="mlp",
    objective="non-saturating",
    summary="Conditional GAN: MLP G/D given one-hot digit labels; sample a chosen class",
    defaults={**_IMAGES, **_ADAM_DCGAN, "conditional": True},
    paper=CGAN,
    tags=("mlp", "conditional", "images"),
)


def _pacgan(pack: int, summary: str) -> ModelSpec:
    """The 2-D set-up of PacGAN (Lin et al. 2018, sec. 5.1 and the released code): G four hidden
    layers of 400 ReLU units with BatchNorm after each, a 2-D standard-normal latent; D three
    maxout layers of 200 units x 5 pieces on ``pack`` concatenated samples, no dropout; weights
    N(0, 0.02), biases 0; non-saturating loss; Adam 1e-4, betas (0.8, 0.999); both networks
    updated simultaneously; batches of 100 packs; 400 epochs of 1 000 batches (400 000 steps)."""
    name = "pacgan-gan-mlp" if pack == 1 else f"pacgan{pack}-mlp"
    return ModelSpec(
        name=name,
        generator="mlp",
        discriminator="maxout",
        objective="non-saturating",
        summary=summary,
        generator_kwargs={"hidden": (400, 400, 400, 400), "batchnorm": True, "batchnorm_first": True,
                          "activation": "relu", "init_std": 0.02, "data_kind": "points"},
        discriminator_kwargs={"hidden": (200, 200, 200), "pieces": 5, "input_dropout": 0.0, "dropout": 0.0,
                              "init_std": 0.02},
        game="packed",
        game_kwargs={"pack": pack, "update": "simultaneous"},
        defaults={"data": "ring8", "latent_dim": 2, "batch_size": 100, "steps": 400_000, "optimizer": "adam",
                  "lr": 1e-4, "betas": (0.8, 0.999), "d_steps": 1},
        paper=PACGAN,
        tags=("mlp", "2d", "maxout", "packing") if pack > 1 else ("mlp", "2d", "maxout", "baseline"),
    )


# The PacGAN protocol's four rows (Table 1): the same networks and budget, packing 1 to 4.
pacgan_gan_mlp = _pacgan(1, summary="GAN baseline of the PacGAN 2-D protocol: G 400x4 BatchNorm ReLU, maxout D 200x5 x3")
pacgan2_mlp = _pacgan(2, summary="PacGAN2 on 2-D points: D judges packs of 2 samples (batch_size counts packs)")
pacgan3_mlp = _pacgan(3, summary="PacGAN3 on 2-D points: D judges packs of 3 samples (batch_size counts packs)")
pacgan4_mlp = _pacgan(4, summary="PacGAN4 on 2-D points: D judges packs of 4 samples (batch_size counts packs)")

# PacDCGAN2, PacGAN's image row (Lin et al. 2018, sec. 5.2, Stacked MNIST): the DCGAN networks and
# optimiser with D judging pairs of images stacked along the channels; here on stacked-digits, the
# two updates alternating as in the DCGAN game (--set game.pack=3 and game.update=simultaneous work).
pacdcgan2 = ModelSpec(
    name="pacdcgan2",
    generator="dcgan",
    discriminator="dcgan",
    objective="non-saturating",
    summary="PacDCGAN2: DCGAN networks, D judges pairs of images stacked along the channels",
    game="packed",
    game_kwargs={"pack": 2, "update": "alternating"},
    defaults={**_IMAGES, **_ADAM_DCGAN, "data": "stacked-digits"},
    paper=PACGAN,
    tags=("conv", "images", "packing"),
)


METZ = _paper("Unrolled Generative Adversarial Networks", "Metz, Poole, Pfau, Sohl-Dickstein", 2017, "1611.02163")

# Unrolled GAN's 2-D set-up (Metz et al. 2017, appendix A): G two hidden layers of 128 ReLU units
# and a linear output, D one hidden layer of 128, a 256-D latent, the minimax loss, Adam 1e-4 with
# beta1 0.5 for both, one D then one G update a step; batch 512, 25 000 steps and 5 unrolled steps
# from the released notebook (the paper's figures also show 10: --set game.unroll=10). Departures:
# PyTorch's initialisation (He's for G's ReLU layers; the paper: orthogonal, gain 0.8), D without
# the paper's input scaling by 1/4 (ring8 already lies within [-1, 1]), and the unrolled steps
# counted after D's own update, not from it (ganzoo.zoo.unrolled says why).
unrolled_gan_mlp = ModelSpec(
    name="unrolled-gan-mlp",
    generator="mlp",
    discriminator="mlp",
    objective="minimax",
    summary="Unrolled GAN on 2-D points: G 128x2 ReLU, D 128, minimax loss, Adam 1e-4, 5 unrolled D updates",
    generator_kwargs={"hidden": (128, 128), "batchnorm": False, "activation": "relu", "data_kind": "points"},
    discriminator_kwargs={"hidden": (128,), "activation": "relu", "data_kind": "points"},
    game="unrolled",
    game_kwargs={"unroll": 5},
    defaults={"data": "ring8", "latent_dim": 256, "batch_size": 512, "steps": 25_000, "optimizer": "adam",
              "lr": 1e-4, "betas": (0.5, 0.999), "d_steps": 1},
    paper=METZ,
    tags=("mlp", "2d", "unrolled"),
)


ALI = _paper("Adversarially Learned Inference",
             "Dumoulin, Belghazi, Poole, Mastropietro, Lamb, Arjovsky, Courville", 2017, "1606.00704")
VEEGAN = _paper("VEEGAN: Reducing Mode Collapse in GANs using Implicit Variational Learning",
                "Srivastava, Valkov, Russell, Gutmann, Sutton", 2017, "1705.07761")

# The VEEGAN protocol's 2-D set-up, shared by its rows (Srivastava et al. 2017, sec. 5.1, and the
# released notebook VEEGAN_2D_RING.ipynb): G two hidden layers of 128 ReLU units and a linear
# output on a 254-D standard-normal latent; D one hidden layer of 128 ReLU units; the inverse
# network (ALI's encoder, VEEGAN's reconstructor) two hidden layers of 128 ReLU units and a linear
# output; the non-saturating (binary cross-entropy) loss for D; Adam 1e-3, betas (0.5, 0.999), for
# every network; batches of 500; 100 epochs of 1 000 batches (100 000 steps); both sides updated
# simultaneously. Departures: PyTorch's initialisation (He's in G's ReLU layers; the notebook:
# TF-slim's Glorot uniform), and the notebook's generator takes one more noise input that nothing
# reconstructs (left out). A game that reuses this set-up takes the networks' settings from here;
# "inverse" is the settings of an encoder role.
_VEEGAN_MLP = {
    "generator": {"hidden": (128, 128), "batchnorm": False, "activation": "relu", "data_kind": "points"},
    "discriminator": {"hidden": (128,), "activation": "relu", "data_kind": "points"},
    "inverse": {"hidden": (128, 128), "activation": "relu", "data_kind": "points"},
    "defaults": {"data": "ring8", "latent_dim": 254, "batch_size": 500, "steps": 100_000, "optimizer": "adam",
                 "lr": 1e-3, "betas": (0.5, 0.999), "d_steps": 1},
}


def _veegan_protocol(name: str, *, summary: str, paper: dict[str, Any], tags: tuple[str, ...], game: str,
                     game_kwargs: dict[str, Any], inverse: str | None = None) -> ModelSpec:
    """A recipe of the VEEGAN 2-D protocol playing ``game``; ``inverse``: the role of its encoder, if any."""
    return ModelSpec(
        name=name,
        generator="mlp",
        discriminator="mlp",
        objective="non-saturating",
        summary=summary,
        generator_kwargs=dict(_VEEGAN_MLP["generator"]),
        discriminator_kwargs=dict(_VEEGAN_MLP["discriminator"]),
        game=game,
        game_kwargs=dict(game_kwargs),
        networks={inverse: "mlp"} if inverse else {},
        network_kwargs={inverse: dict(_VEEGAN_MLP["inverse"])} if inverse else {},
        defaults=dict(_VEEGAN_MLP["defaults"]),
        paper=paper,
        tags=("mlp", "2d", "veegan-protocol", *tags),
    )


# The protocol's GAN baseline: the packed game with packs of one is the plain GAN, updated simultaneously.
veegan_gan_mlp = _veegan_protocol(
    "veegan-gan-mlp", paper=VEEGAN, tags=("baseline",), game="packed",
    game_kwargs={"pack": 1, "update": "simultaneous"},
    summary="GAN baseline of the VEEGAN 2-D protocol: G 128x2 ReLU on a 254-D latent, D 128 ReLU, Adam 1e-3",
)
# ALI/BiGAN as the VEEGAN protocol trains it (its Table 1's ALI row): the protocol's networks, a
# deterministic encoder, G and E minimising D's loss with the labels swapped (ganzoo.zoo.joint).
ali_mlp = _veegan_protocol(
    "ali-mlp", paper=ALI, tags=("encoder", "bigan"), game="ali", game_kwargs={"update": "simultaneous"},
    inverse="encoder",
    summary="ALI/BiGAN on 2-D points (VEEGAN protocol): encoder 128x2, D on (x, z) pairs, G 128x2, 254-D latent",
)
veegan_mlp = _veegan_protocol(
    "veegan-mlp", paper=VEEGAN, tags=("encoder", "reconstructor"), game="veegan",
    game_kwargs={"update": "simultaneous", "reconstruction_weight": 1.0, "reconstructor_std": 1.0},
    inverse="reconstructor",
    summary="VEEGAN on 2-D points: reconstructor 128x2, D on (x, z) pairs, G/F minimise D's KL estimate + l2 of z",
)


ISOLA = _paper("Image-to-Image Translation with Conditional Adversarial Networks", "Isola, Zhu, Zhou, Efros", 2017,
               "1611.07004")
ZHU = _paper("Unpaired Image-to-Image Translation using Cycle-Consistent Adversarial Networks",
             "Zhu, Park, Isola, Efros", 2017, "1703.10593")

# pix2pix (Isola et al. 2017): U-Net G with dropout, 70x70 PatchGAN D on (source, image) pairs, BatchNorm,
# non-saturating BCE (through the fused op) + 100 * L1, Adam 2e-4 (0.5, 0.999). On the built-in 8x8
# edges -> digits the U-Net has 3 levels and the PatchGAN 1 stride-2 layer (2x2 patches of 8x8 pixels:
# at 256x256 the defaults give pix2pix's 30x30); batch 64 instead of the paper's 1-10, 3 000 steps.
pix2pix = ModelSpec(
    name="pix2pix",
    generator="unet",
    discriminator="patchgan",
    objective="non-saturating",
    summary="pix2pix: U-Net translator, PatchGAN on (source, image) pairs, GAN loss + 100 * L1 (edges -> digits)",
    discriminator_kwargs={"layers": 1},
    game="pix2pix",
    defaults={"data": "digits-edges", "optimizer": "adam", "lr": 2e-4, "betas": (0.5, 0.999), "batch_size": 64,
              "d_steps": 1, "steps": 3_000},
    paper=ISOLA,
    tags=("image-to-image", "paired", "conv", "images"),
)

# CycleGAN (Zhu et al. 2017): two ResNet translators with instance norm, two PatchGANs, least squares,
# cycle weight 10, identity 0.5, a pool of 50 fakes, Adam 2e-4 (0.5, 0.999). On the built-in 8x8 digits ->
# bold digits: one downsampling and 3 residual blocks of width 32 (the paper: 2 and 9 of 64 at 256x256),
# PatchGANs of 1 stride-2 layer, batch 16 (the paper's 1), 3 000 steps, no learning-rate decay.
cyclegan = ModelSpec(
    name="cyclegan",
    generator="resnet",
    discriminator="patchgan",
    objective="least-squares",
    summary="CycleGAN: two ResNet translators, two PatchGANs, cycle + identity L1, least squares (digits -> bold)",
    generator_kwargs={"width": 32, "blocks": 3, "downsample": 1},
    discriminator_kwargs={"layers": 1, "norm": "instance"},
    game="cyclegan",
    networks={"generator_ba": "resnet", "discriminator_a": "patchgan"},
    network_kwargs={"generator_ba": {"width": 32, "blocks": 3, "downsample": 1},
                    "discriminator_a": {"layers": 1, "norm": "instance"}},
    defaults={"data": "digits-bold", "optimizer": "adam", "lr": 2e-4, "betas": (0.5, 0.999), "batch_size": 16,
              "d_steps": 1, "steps": 3_000},
    paper=ZHU,
    tags=("image-to-image", "unpaired", "conv", "images"),
)
