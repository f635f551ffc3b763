"""Relativistic-average GANs for ganzoo (Jolicoeur-Martineau, 2018).

A relativistic discriminator estimates how much more realistic real data is than
the average fake (and the other way round), instead of how realistic each sample is
on its own. Installing this package adds the objectives ``ragan`` and ``ralsgan``
and the models ``ragan-mlp`` and ``ralsgan-mlp`` to ``ganzoo list``.
"""

__version__ = "0.1.0"

#: the paper both objectives come from
PAPER = {
    "title": "The relativistic discriminator: a key element missing from standard GAN",
    "authors": "Alexia Jolicoeur-Martineau",
    "year": 2018,
    "url": "https://arxiv.org/abs/1807.00734",
}
