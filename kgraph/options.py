"""Click options shared by several commands, defined once."""
from __future__ import annotations

import click

from .store import DEFAULT_STORE

store_option = click.option(
    "--store",
    "-s",
    type=click.Path(dir_okay=False),
    default=DEFAULT_STORE,
    show_default=True,
    envvar="KGRAPH_STORE",
    show_envvar=True,
    help="The Turtle file that holds the graph.",
)
