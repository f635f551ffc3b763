"""ganzoo.bench.startup: the commands timed and how a failure shows."""

import sys

import pytest

from ganzoo.bench import startup


def test_times_the_three_commands_and_the_floor():
    names = set(startup.commands())
    assert {"ganzoo --help", "ganzoo list", 'python -c "import ganzoo"'} <= names
    assert any("floor" in n for n in names)


def test_wall_time_of_a_command():
    assert 0 < startup.wall_time([sys.executable, "-c", "pass"]) < 30


def test_a_failing_command_raises():
    with pytest.raises(RuntimeError, match="exited with 3"):
        startup.wall_time([sys.executable, "-c", "raise SystemExit(3)"])
