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


class RegistryChoice(click.Choice):
    """A choice among the keys of a registry dict (``module:NAME``), imported only when
    the option is used or its help shown, so that ``kgraph`` starts fast."""

    def __init__(self, registry: str) -> None:
        self._registry = registry
        super().__init__(())

    @property  # type: ignore[override]
    def choices(self) -> tuple[str, ...]:
        import importlib

        module, _, name = self._registry.partition(":")
        return tuple(getattr(importlib.import_module(module, __package__), name))

    @choices.setter
    def choices(self, _value: object) -> None:
        pass


def output_option(help: str):  # type: ignore[no-untyped-def]
    """``-o FILE``: where the output goes, ``-`` (the default) for standard output."""
    return click.option(
        "--output",
        "-o",
        type=click.Path(dir_okay=False, allow_dash=True),
        default="-",
        show_default=True,
        help=help,
    )


def network_filter_options(command):  # type: ignore[no-untyped-def]
    """The filters of the visit network (``kgraph viz``, ``kgraph stats``)."""
    options = [
        click.option("--topic", "topics", multiple=True, metavar="TOPIC",
                     help="Keep visits about this topic (a label, an alternative label such "
                          "as PAD, or the topic's IRI); repeat for any of several."),
        click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                     help="Keep visits on or after this date (undated visits are dropped)."),
        click.option("--until", type=click.DateTime(formats=["%Y-%m-%d"]), metavar="YYYY-MM-DD",
                     help="Keep visits on or before this date (undated visits are dropped)."),
        click.option("--region-type", "region_types", multiple=True,
                     type=click.Choice(["kota", "kabupaten", "provinsi"]),
                     help="Keep visits whose visitor and host are both of this type; repeatable."),
        click.option("--min-visits", type=click.IntRange(min=1), default=1, show_default=True,
                     help="Keep pairs (visitor → host) with at least this many visits."),
        click.option("--around", metavar="REGION",
                     help="Keep only this region (code, official name or mention such as "
                          "'Pemkot Malang'), the regions it visited or was visited by, "
                          "and those visits."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
