"""``ganzoo list`` and ``ganzoo info``: what is installed, where it comes from, whether it works.

Plain ``ganzoo list`` reads entry points and plugin sources only — no plugin is
imported and neither is torch. ``--long``, ``--strict`` and ``info`` load plugins to
show their metadata and find the broken ones.
"""

from __future__ import annotations

import json
import os
import shutil

import click

from ganzoo.cli.completion import complete_any_plugin
from ganzoo.plugins.discovery import KINDS

_STRICT_ENV = "GANZOO_STRICT"


@click.command("list")
@click.argument("pattern", default="*", shell_complete=complete_any_plugin)
@click.option("--kind", type=click.Choice(KINDS), help="Only plugins of this kind.")
@click.option("--long", "long_", is_flag=True, help="Load plugins; show paper, tags, defaults, tracebacks.")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--strict", is_flag=True, help=f"Load every plugin; exit 1 if any is broken (or set {_STRICT_ENV}=1).")
@click.pass_context
def list_command(ctx, pattern, kind, long_, as_json, strict):
    """List installed models, networks, objectives and datasets matching PATTERN (a glob)."""
    from ganzoo import registry

    strict = strict or os.environ.get(_STRICT_ENV, "") not in ("", "0")
    if long_ or strict:
        registry.load_all(kind)
    plugins = registry.list_plugins(kind, pattern)
    if as_json:
        rows = [{**(_details(p) if long_ else p.to_dict()), "qualified_name": p.qualified_name,
                 "shadowed_by": _shadowed_by(p)} for p in plugins]
        click.echo(json.dumps(rows, indent=2, default=str))
    elif long_:
        for p in plugins:
            click.echo(_long_entry(_details(p)))
    else:
        click.echo(_table(plugins))
    failing = [p for p in plugins if p.status in ("broken", "incompatible")]
    if strict and failing:
        click.echo(f"{len(failing)} plugin(s) broken or incompatible: "
                   + ", ".join(f"{p.kind} {p.qualified_name}" for p in failing), err=True)
        ctx.exit(1)


@click.command("info")
@click.argument("name", shell_complete=complete_any_plugin)
@click.option("--kind", type=click.Choice(KINDS), help="Which kind, when NAME is several (e.g. mlp).")
def info_command(name, kind):
    """Show a plugin's summary, paper, tags, defaults and origin (NAME or package:NAME)."""
    from ganzoo import registry

    kinds = [kind] if kind else registry.kinds_of(name)
    click.echo("\n\n".join(_long_entry(registry.describe(k, name)) for k in kinds))


def _details(p) -> dict:
    from ganzoo import registry

    return registry.describe(p.kind, p.qualified_name)


def _table(plugins) -> str:
    if not plugins:
        return "No plugins match."
    names = _display_names(plugins)
    rows = [(names[i], p.kind, p.summary, f"{p.package} {p.version}".strip(), p.status)
            for i, p in enumerate(plugins)]
    header = ("NAME", "KIND", "SUMMARY", "PACKAGE", "STATUS")
    widths = [max(len(r[c]) for r in [header, *rows]) for c in range(5)]
    fixed = sum(widths) - widths[2] + 2 * 4
    widths[2] = max(len(header[2]), min(widths[2], shutil.get_terminal_size((120, 24)).columns - fixed))
    lines = ["  ".join(_fit(cell, w) for cell, w in zip(row, widths)).rstrip() for row in [header, *rows]]
    notes = [f"  {names[i]} ({p.kind}): {p.status}: {p.reason}"
             for i, p in enumerate(plugins) if p.reason]
    notes += _sharing_notes(plugins)
    return "\n".join(lines + ([""] + notes if notes else []))


def _shared(plugins) -> set[tuple[str, str]]:
    """(kind, name) pairs that more than one listed package provides."""
    from collections import Counter

    counts = Counter((p.kind, p.name) for p in plugins)
    return {key for key, count in counts.items() if count > 1}


def _display_names(plugins) -> list[str]:
    """Bare names, or ``package:name`` where two packages share one and the bare name
    does not mean this entry."""
    shared = _shared(plugins)
    return [p.qualified_name if (p.kind, p.name) in shared and _bare_meaning(p) != p.qualified_name else p.name
            for p in plugins]


def _sharing_notes(plugins) -> list[str]:
    """What each shared bare name means: another package's entry (this one is shadowed),
    or nothing (ambiguous: only qualified names work)."""
    notes, seen = [], set()
    shared = _shared(plugins)
    for p in plugins:
        if (p.kind, p.name) not in shared:
            continue
        meaning = _bare_meaning(p)
        if meaning is None and (p.kind, p.name) not in seen:
            seen.add((p.kind, p.name))
            notes.append(f"  {p.name} ({p.kind}): ambiguous; type the package too, e.g. '{p.qualified_name}'")
        elif meaning not in (None, p.qualified_name):
            notes.append(f"  {p.qualified_name} ({p.kind}): shadowed by {meaning}; type '{p.qualified_name}' to use it")
    return notes


def _bare_meaning(p) -> str | None:
    """The qualified name that ``p``'s bare name designates, or None when it is ambiguous."""
    from ganzoo import registry
    from ganzoo.errors import PluginError

    try:
        return registry.resolve(p.kind, p.name)
    except PluginError:
        return None


def _shadowed_by(p) -> str | None:
    meaning = _bare_meaning(p)
    return meaning if meaning not in (None, p.qualified_name) else None


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: max(width - 1, 0)] + "…"


def _long_entry(d: dict) -> str:
    lines = [f"{d['name']}  ({d['kind']})  {d['package']} {d['version']}  [{d['status']}]"]

    def add(label, value):
        if value not in (None, "", [], {}):
            lines.append(f"  {label + ':':<12}{value}")

    add("summary", d.get("summary"))
    paper = d.get("paper")
    if paper:
        add("paper", f"{paper.get('title', '?')} — {paper.get('authors', '?')} ({paper.get('year', '?')})")
        add("url", paper.get("url"))
    add("citation", d.get("citation"))
    add("tags", ", ".join(d.get("tags") or []))
    add("defaults", ", ".join(f"{k}={v!r}" for k, v in (d.get("defaults") or {}).items()))
    add("uses", ", ".join(f"{k}={v}" for k, v in (d.get("components") or {}).items()))
    add("entry", f"{d['qualified_name']} = {d['value']}")
    add("plugin api", d.get("api"))
    add("reason", d.get("reason"))
    if d.get("traceback"):
        lines.append("  traceback:")
        lines.extend("    " + line for line in d["traceback"].rstrip().splitlines())
    return "\n".join(lines)
