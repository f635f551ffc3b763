"""``ganzoo plugin``: tools for plugin authors."""

from __future__ import annotations

import click


@click.group("plugin")
def plugin_group():
    """Write and check ganzoo plugin packages."""


@plugin_group.command("new")
@click.argument("name")
@click.option("--dir", "directory", default=".", show_default=True, type=click.Path(file_okay=False),
              help="Where to create the package folder NAME.")
@click.option("--kinds", default="objective,model", show_default=True,
              help="Example components to include: objective, model, generator, discriminator, dataset, or 'all'.")
def new_command(name, directory, kinds):
    """Write a ready-to-publish plugin package NAME (e.g. ganzoo-hinge)."""
    from ganzoo.scaffold import create_plugin, parse_kinds

    root = create_plugin(name, directory, parse_kinds(kinds))
    click.echo(f"Wrote {root}")
    click.echo(f"Next: pip install -e {root} && pytest {root} && ganzoo list '{name}:*'")


@plugin_group.command("check")
@click.argument("package")
@click.option("--skip", multiple=True, help="Entry name not to check (repeatable).")
def check_command(package, skip):
    """Run the contract kit over every entry point of the installed PACKAGE."""
    from ganzoo.errors import PluginError
    from ganzoo.testing import ContractError, check_plugin

    try:
        checked = check_plugin(package, skip=skip)
    except ContractError as err:
        raise PluginError(str(err)) from None
    click.echo(f"{len(checked)} entry point(s) of {package} keep the contract: {', '.join(checked)}")
