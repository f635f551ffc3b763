"""Runs ``ganzoo train`` in forked children and kills them at chosen moments (for
tests/test_train_crash.py). Not a test module.

    python tests/crash_driver.py ARGS_JSON

ARGS_JSON: the train arguments, without --out. Then each line on stdin is a run,
{"out": DIR, "kill": KILL}, where KILL is null (run to the end), ["op", N, "before" | "after"]
(os._exit at the N-th os.replace / os.unlink inside DIR, counting from 1) or ["time", SECONDS]
(SIGKILL after that long). For each, one JSON line on stdout: {"out", "status", "ops", "seconds"},
"ops" listing the file operations the child made, in order.

The parent imports ganzoo and torch once and runs no torch op, so each forked child starts
at once and safely.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

import torch._dynamo  # noqa: F401 - what the first optimizer imports (seconds): once, here
import ganzoo.cli
import ganzoo.train.loop  # noqa: F401 - imported once here, shared by every child

KILLED = 77  # a child's exit code when it stopped itself at an injected point


def _hook_file_operations(out: str, kill: list | None, ops: list) -> None:
    """Count os.replace / os.unlink on paths inside ``out``; os._exit at the chosen one."""
    root = os.path.abspath(out)

    def wrap(name, real):
        def operation(path, *args, **kwargs):
            inside = os.path.abspath(os.fspath(path)).startswith(root + os.sep)
            if inside:
                ops.append([name, os.path.basename(os.fspath(args[0] if name == "replace" else path))])
                at_target = kill is not None and kill[0] == "op" and len(ops) == kill[1]
                if at_target and kill[2] == "before":
                    os._exit(KILLED)
            result = real(path, *args, **kwargs)
            if inside and at_target and kill[2] == "after":
                os._exit(KILLED)
            return result

        return operation

    os.replace = wrap("replace", os.replace)
    os.unlink = wrap("unlink", os.unlink)


def _child(args: list[str], out: str, kill: list | None, log_path: str) -> None:
    ops: list = []
    _hook_file_operations(out, kill, ops)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)  # the progress line and messages
    code = 0
    try:
        ganzoo.cli.cli.main(args=[*args, "--out", out], prog_name="ganzoo", standalone_mode=False)
    except SystemExit as stop:
        code = stop.code or 0
    except BaseException:  # noqa: BLE001 - reported as a status, the test shows it
        code = 1
    with open(log_path, "w") as f:
        json.dump(ops, f)
    os._exit(code if isinstance(code, int) else 1)


def main(args_json: str) -> None:
    args = json.loads(args_json)
    for line in sys.stdin:
        run = json.loads(line)
        kill = run["kill"]
        log_path = os.path.join(run["out"] + ".ops")
        begun = time.perf_counter()
        pid = os.fork()
        if pid == 0:
            _child(args, run["out"], kill, log_path)
        if kill is not None and kill[0] == "time":
            time.sleep(kill[1])
            os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        ops = json.loads(open(log_path).read()) if os.path.exists(log_path) else None
        print(json.dumps({"out": run["out"], "status": os.waitstatus_to_exitcode(status), "ops": ops,
                          "seconds": time.perf_counter() - begun}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
