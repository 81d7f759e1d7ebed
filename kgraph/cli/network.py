"""Commands over the visit network: ``viz`` (the interactive page) and ``stats`` (its
figures)."""
from __future__ import annotations

import os

import click

from ..errors import KGraphError
from .options import RegistryChoice, level_option, network_filter_options, store_options
from .output import _emit, _fail, _terminal_width


def _network_filters(topics, since, until, region_types, min_visits, around) -> dict:  # type: ignore[no-untyped-def]
    return {"topics": topics, "since": since.date() if since else None,
            "until": until.date() if until else None, "region_types": region_types,
            "min_visits": min_visits, "around": around}


def _notes(net) -> None:  # type: ignore[no-untyped-def]
    """Print the network's notes (an empty result, and why) on standard error."""
    for note in net.graph.get("notes", []):
        click.echo(f"note: {note}", err=True)


@click.command()
@network_filter_options
@click.option("--layout", type=click.Choice(["force", "geo"]), default="force", show_default=True,
              help="force: arranged by a physics simulation; geo: each region at its "
                   "longitude/latitude over the coastline of Indonesia.")
@click.option("--color-by", type=click.Choice(["type", "province"]), default="type",
              show_default=True, help="Colour regions by type (kota/kabupaten/provinsi) or by province.")
@click.option("--max-edges", type=click.IntRange(min=0), default=200, show_default=True,
              help="Draw at most this many pairs at a time, the most visited under the "
                   "page's filters (0: all); the page says what it leaves out.")
@level_option
@click.option("--lang", type=click.Choice(["en", "id"]), default="en", show_default=True,
              help="Language of the page's own words: en (English) or id (Indonesian).")
@click.option("--title", help="Title of the page [default: 'kgraph: visits between regions', "
                              "or its --lang id words].")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              default="kgraph.html", show_default=True,
              help="Write the page to FILE (atomically); - for standard output.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@store_options
def viz(topics: tuple[str, ...], since, until, region_types: tuple[str, ...],  # type: ignore[no-untyped-def]
        min_visits: int, around: str | None, layout: str, color_by: str, max_edges: int,
        level: str, lang: str, title: str | None, output: str, open_page: bool,
        store: str) -> None:
    """Draw the network of visits as an interactive HTML page that works offline.

    Regions are circles (size: visits made and received; colour: type or province),
    an arrow goes from visitor to host (width: visits of the pair). Hovering shows
    a region's code, visits and top partners, or a pair's dates, topics, leaders,
    agreements, sources and whether each visit was reviewed or extracted. The page
    filters by years and topic, finds a region, and draws the most visited pairs up to
    --max-edges. The page is one file with no network access at all.

    \b
    Example:
        kgraph viz --open
        kgraph viz --layout geo --color-by province -o map.html
        kgraph viz --layout geo --level province --lang id
        kgraph viz --topic "pengelolaan sampah" --since 2025-01-01
        kgraph viz --around "Kota Malang" --title "Who visits Malang"
    """
    from ..network.build import build_network, paused_gc
    from ..network.viz import TIP_PAIRS, TIP_VISITS
    from ..network.viz_page import open_in_browser, render_html, write_html

    try:
        with paused_gc():  # from the network to the page: no collection in between
            net = build_network(store, tip_visits=TIP_VISITS, tip_pairs=TIP_PAIRS,
                                compact=True, level=level,
                                **_network_filters(topics, since, until, region_types,
                                                   min_visits, around))
            options = {"title": title, "color_by": color_by, "layout": layout,
                       "max_edges": max_edges, "lang": lang}
            _notes(net)
            if output == "-":
                _emit([render_html(net, **options).encode("utf-8")], output)
                return
            report = write_html(net, output, **options)
            # networkx's views hold a graph in a reference cycle: free its hundreds of
            # thousands of objects now, not in collections at exit (half a second at 100k).
            net.clear()
    except KGraphError as exc:
        raise _fail(exc) from None
    click.echo(report.summary())
    if open_page and not open_in_browser(output):
        raise click.ClickException(f"no web browser found to open the page; it is at "
                                   f"{os.path.abspath(output)}")


@click.command()
@network_filter_options
@click.option("--format", "fmt", type=RegistryChoice("..network.stats:FORMATS"), default="table",
              show_default=True, help="A readable table or JSON.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Entries in each ranked list.")
@click.option("--full", is_flag=True,
              help="Do not fit the table to the terminal's width (long names are kept).")
@level_option
@store_options
def stats(topics: tuple[str, ...], since, until, region_types: tuple[str, ...],  # type: ignore[no-untyped-def]
          min_visits: int, around: str | None, fmt: str, top: int, full: bool, level: str,
          store: str) -> None:
    """Figures of the visit network: regions, visits, pairs, agreements, the most
    visited hosts and most active visitors, reciprocated pairs, top topics and
    communities of regions that visit each other (networkx greedy modularity).

    Takes the same filters as kgraph viz.

    \b
    Example:
        kgraph stats
        kgraph stats --since 2025-01-01 --top 5
        kgraph stats --region-type kota --format json
        kgraph stats --level province
    """
    from ..network.build import build_network
    from ..network.stats import format_stats, network_stats

    try:
        net = build_network(store, details=("topics", "agreements"), level=level,
                            **_network_filters(topics, since, until, region_types,
                                               min_visits, around))
    except KGraphError as exc:
        raise _fail(exc) from None
    _notes(net)
    width = None if full else _terminal_width("-")
    click.echo(format_stats(network_stats(net, top=top), fmt, width=width))
