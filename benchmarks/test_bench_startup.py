"""Wall time of ``ganzoo --help``, ``ganzoo list`` and ``import ganzoo`` in fresh processes,
beside ``python -c pass`` (the interpreter's own start-up, the floor).

    pytest benchmarks/test_bench_startup.py --benchmark-only

Nothing here asserts a speed; the target (under 0.3 s for the CLI commands) is checked by
``ganzoo bench``'s targets table.
"""

from __future__ import annotations

import pytest

from ganzoo.bench.startup import commands, wall_time

COMMANDS = commands()


@pytest.mark.parametrize("name", list(COMMANDS))
def test_startup(benchmark, name):
    benchmark.group = "startup"
    benchmark.extra_info["argv"] = COMMANDS[name]
    benchmark.pedantic(wall_time, args=(COMMANDS[name],), rounds=15, iterations=1, warmup_rounds=1)
