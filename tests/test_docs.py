"""The code blocks of README.md and docs/*.md run as written.

What runs, by the fence's language:

- ```python: the blocks of one document run in order in one namespace, in a fresh folder.
- ```pycon: doctests (ELLIPSIS and NORMALIZE_WHITESPACE on), so the results shown are checked.
- ```bash / ```sh / ```console: each command line that starts with ``ganzoo `` (after a ``$ ``
  prompt, if any) runs through the CLI, in order in a fresh folder, and must exit 0. To keep
  this fast every ``--steps N`` (and ``--rejection-steps N``) becomes ``N // 1000`` (at least 1), a
  ``ganzoo train`` without ``--steps`` gets ``--steps 5`` and a ``ganzoo sample --rejection`` without
  ``--rejection-steps`` gets ``--rejection-steps 5``. Other lines (make, pip, eval) are not run.
- A block right after a line ``<!-- no-run -->`` does not run; nor do blocks in any other
  language (toml, text, a bare fence).
"""

from __future__ import annotations

import dataclasses
import doctest
import re
import shlex
import traceback
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NO_RUN = "<!-- no-run -->"
SHELLS = ("bash", "sh", "console")
_FENCE = re.compile(r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})\s*(?P<lang>[\w+-]*)")


@dataclasses.dataclass
class Block:
    path: Path
    line: int  # of the first line of code, 1-based
    lang: str
    code: str
    runs: bool


def code_blocks(path: Path) -> list[Block]:
    """The fenced code blocks of a markdown file."""
    blocks, lines = [], path.read_text().splitlines()
    i, previous = 0, ""
    while i < len(lines):
        opening = _FENCE.match(lines[i])
        if not opening:
            previous = lines[i].strip() or previous
            i += 1
            continue
        fence, start = opening["fence"], i + 1
        end = start
        while end < len(lines) and not lines[end].strip().startswith(fence):
            end += 1
        blocks.append(Block(path, start + 1, opening["lang"].lower(), "\n".join(lines[start:end]) + "\n",
                            runs=previous != NO_RUN))
        i, previous = end + 1, ""
    return blocks


def _runnable(lang: tuple[str, ...]) -> list[Path]:
    return [p for p in DOCUMENTS if any(b.runs and b.lang in lang for b in code_blocks(p))]


def _ids(paths):
    return [p.relative_to(ROOT).as_posix() for p in paths]


def shell_commands(block: Block) -> list[tuple[int, list[str]]]:
    """``(line, argv after 'ganzoo')`` for each ganzoo command of a shell block."""
    commands = []
    for offset, line in enumerate(block.code.splitlines()):
        text = line.strip().removeprefix("$ ")
        if text.startswith("ganzoo "):
            commands.append((block.line + offset, shlex.split(text, comments=True)[1:]))
    return commands


def shortened(argv: list[str]) -> list[str]:
    """``argv`` with every ``--steps N`` and ``--rejection-steps N`` cut to ``N // 1000`` (5 for a
    train that sets no steps, and for a ``sample --rejection`` that sets no classifier steps)."""
    argv = list(argv)
    for option, needs_it in (("--steps", argv[:1] == ["train"]), ("--rejection-steps", "--rejection" in argv)):
        if option in argv:
            i = argv.index(option) + 1
            argv[i] = str(max(1, int(argv[i]) // 1000))
        elif needs_it:
            argv += [option, "5"]
    return argv


@pytest.mark.parametrize("path", _runnable(("python",)), ids=_ids(_runnable(("python",))))
def test_python_blocks_run(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "__docs__"}
    for block in code_blocks(path):
        if block.runs and block.lang == "python":
            # Blank lines first, so that line numbers are the document's.
            code = compile("\n" * (block.line - 1) + block.code, str(path), "exec")
            try:
                exec(code, namespace)
            except Exception as err:
                line = [f.lineno for f in traceback.extract_tb(err.__traceback__) if f.filename == str(path)][-1]
                failure = f"{path.name}:{line}: {type(err).__name__}: {err}"
            else:
                continue
            pytest.fail(failure, pytrace=False)


@pytest.mark.parametrize("path", _runnable(("pycon",)), ids=_ids(_runnable(("pycon",))))
def test_pycon_blocks_show_what_they_return(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    parser = doctest.DocTestParser()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    globs: dict = {}
    report: list[str] = []
    for block in code_blocks(path):
        if block.runs and block.lang == "pycon":
            test = parser.get_doctest(block.code, globs, path.name, str(path), block.line - 1)
            runner.run(test, out=report.append, clear_globs=False)
    assert not report, "".join(report)


@pytest.mark.parametrize("path", _runnable(SHELLS), ids=_ids(_runnable(SHELLS)))
def test_shell_commands_succeed(path, tmp_path, monkeypatch):
    from ganzoo.cli import cli

    monkeypatch.chdir(tmp_path)
    for block in code_blocks(path):
        if not (block.runs and block.lang in SHELLS):
            continue
        for line, argv in shell_commands(block):
            result = CliRunner().invoke(cli, shortened(argv), prog_name="ganzoo")
            assert result.exit_code == 0, f"{path.name}:{line}: ganzoo {shlex.join(argv)}\n{result.output}"


# The rules above, checked on a small document.

SAMPLE = """\
# t

```python
x = 1
```

<!-- no-run -->
```python
raise SystemExit
```

```bash
make setup
$ ganzoo train vanilla-mlp --steps 3000 --out runs/a   # a comment
ganzoo list
```
"""


def test_a_block_after_the_no_run_marker_does_not_run(tmp_path):
    (tmp_path / "t.md").write_text(SAMPLE)
    blocks = code_blocks(tmp_path / "t.md")
    assert [(b.lang, b.line, b.runs) for b in blocks] == [("python", 4, True), ("python", 9, False),
                                                          ("bash", 13, True)]


def test_only_ganzoo_lines_of_a_shell_block_run_and_trainings_are_cut_short(tmp_path):
    (tmp_path / "t.md").write_text(SAMPLE)
    commands = shell_commands(code_blocks(tmp_path / "t.md")[-1])
    assert commands == [(14, ["train", "vanilla-mlp", "--steps", "3000", "--out", "runs/a"]), (15, ["list"])]
    assert shortened(commands[0][1])[3] == "3"
    assert shortened(["train", "ring"]) == ["train", "ring", "--steps", "5"]
    assert shortened(["sample", "r", "--rejection"]) == ["sample", "r", "--rejection", "--rejection-steps", "5"]


def headings(path: Path) -> list[str]:
    """The markdown headings of a file, outside its code blocks."""
    found, fence = [], None
    for line in path.read_text().splitlines():
        opening = _FENCE.match(line)
        if opening and fence is None:
            fence = opening["fence"]
        elif fence and line.strip().startswith(fence):
            fence = None
        elif fence is None and line.startswith("#"):
            found.append(line)
    return found


def test_the_readme_states_each_heading_once():
    found = headings(ROOT / "README.md")
    assert len(found) == len(set(found)), sorted(h for h in found if found.count(h) > 1)
