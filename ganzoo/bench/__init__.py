"""ganzoo's benchmark harness, run by ``ganzoo bench`` and by ``benchmarks/``.

Suites: ``loss`` (the BCE op against eager PyTorch and torch.compile, ``loss.py``),
``train`` (the trainer's step against a hand-written loop, ``train.py``) and ``startup``
(CLI start-up in fresh processes, ``startup.py``). ``runner.run_suites`` returns one results
document; ``results.publish`` writes it as JSON, markdown and a PNG plot; ``readme``
regenerates the README's performance section from it. Only the suites import torch.
"""

from ganzoo.bench.runner import SUITES, run_suites

__all__ = ["SUITES", "run_suites"]
