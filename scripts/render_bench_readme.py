#!/usr/bin/env python3
"""Regenerate the README's performance section from the latest published results.

    python scripts/render_bench_readme.py [--results benchmarks/results] [--readme README.md]

Takes, per device, the newest full (not ``--quick``) results file of each suite in the results folder and
rewrites what stands between ``<!-- bench:start -->`` and ``<!-- bench:end -->``. With
``--check`` it writes nothing and exits 1 when the README is out of date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    from ganzoo.bench import readme, results

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--readme", type=Path, default=ROOT / "README.md")
    parser.add_argument("--check", action="store_true", help="exit 1 if the README's section is out of date")
    args = parser.parse_args(argv)

    entries = []
    for device in ("cpu", "cuda"):
        for path in results.covering(args.results, device):
            doc = results.read_json(path)
            plot = path.with_name(f"{path.stem}-loss.png")
            link = lambda p: p.resolve().relative_to(args.readme.resolve().parent).as_posix()  # noqa: E731
            entries.append((doc, link(path.with_suffix(".md")), link(plot) if plot.exists() else None))
    if not entries:
        print(f"no full results in {args.results}; run `ganzoo bench --suite all --out {args.results}`",
              file=sys.stderr)
        return 2
    text = args.readme.read_text()
    new = readme.replace_section(text, readme.section(entries))
    if args.check:
        if new != text:
            print(f"{args.readme}: the performance section is out of date", file=sys.stderr)
            return 1
        return 0
    args.readme.write_text(new)
    print(f"updated {args.readme} from {', '.join(e[1] for e in entries)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
