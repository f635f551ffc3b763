"""Shell completion: ``ganzoo completion SHELL`` prints the script, and the callbacks that
complete plugin names. Click does the rest (commands, options, choices, paths).

A completion runs on every key press, so it reads the installed entry points through
:func:`ganzoo.registry.list_plugins` (which imports no plugin and not torch) and nothing more.
"""

from __future__ import annotations

import click
from click.shell_completion import CompletionItem, get_completion_class

PROG_NAME = "ganzoo"
COMPLETE_VAR = "_GANZOO_COMPLETE"
SHELLS = ("bash", "zsh", "fish")


def plugin_names(kind: str | None, incomplete: str) -> list[CompletionItem]:
    """Usable plugin names (of one ``kind``) that start with ``incomplete``, each with its
    summary; ``package:name`` forms once ``incomplete`` has a colon."""
    from ganzoo import registry
    from ganzoo.plugins.discovery import DISABLED, INCOMPATIBLE

    found: dict[str, str] = {}
    for info in registry.list_plugins(kind):
        if info.status in (DISABLED, INCOMPATIBLE):
            continue
        name = info.qualified_name if ":" in incomplete else info.name
        if name.startswith(incomplete):
            found.setdefault(name, info.summary)
    return [CompletionItem(name, help=summary or None) for name, summary in sorted(found.items())]


def complete_model(ctx, param, incomplete: str) -> list[CompletionItem]:
    return plugin_names("model", incomplete)


def complete_any_plugin(ctx, param, incomplete: str) -> list[CompletionItem]:
    return plugin_names(None, incomplete)


def complete_data(ctx, param, incomplete: str) -> list[CompletionItem]:
    """Dataset names, and files: ``--data`` takes either."""
    # The file item first: click's bash script clears what came before one (bash then offers
    # the names that match, and files only when none does).
    return [CompletionItem(incomplete, type="file"), *plugin_names("dataset", incomplete)]


@click.command("completion")
@click.argument("shell", type=click.Choice(SHELLS))
def completion_command(shell):
    """Print the completion script for SHELL (commands, options, model and dataset names).

    \b
    Enable it for every new shell:
      bash: echo 'eval "$(ganzoo completion bash)"' >> ~/.bashrc
      zsh:  echo 'eval "$(ganzoo completion zsh)"' >> ~/.zshrc
      fish: ganzoo completion fish > ~/.config/fish/completions/ganzoo.fish
    """
    root = click.get_current_context().find_root().command
    script = get_completion_class(shell)(root, {}, PROG_NAME, COMPLETE_VAR).source()
    click.echo(script, nl=False)
