"""Click options shared by several commands, defined once."""
from __future__ import annotations

import functools
import inspect

import click

from ..store.graph import DEFAULT_STORE

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


def endpoint_options(command):  # type: ignore[no-untyped-def]
    """``--query-endpoint``, ``--update-endpoint``, ``--graph-store-endpoint``."""
    options = [
        click.option("--query-endpoint", metavar="URL|PATH",
                     help="SPARQL query endpoint, absolute or relative to the server URL "
                          "[default: /query; env KGRAPH_QUERY_ENDPOINT]."),
        click.option("--update-endpoint", metavar="URL|PATH",
                     help="SPARQL update endpoint [default: /update; env "
                          "KGRAPH_UPDATE_ENDPOINT]."),
        click.option("--graph-store-endpoint", metavar="URL|PATH",
                     help="Graph Store Protocol endpoint [default: /store; env "
                          "KGRAPH_GRAPH_STORE_ENDPOINT]."),
    ]
    for option in reversed(options):
        command = option(command)
    return command


#: The default of ``--timeout`` where it is the deadline of each request to a server
#: (kgraph.store.remote.endpoint.DEFAULT_TIMEOUT, not imported: kgraph starts faster without requests).
REMOTE_TIMEOUT = 60.0


def timeout_option(command):  # type: ignore[no-untyped-def]
    """``--timeout SECONDS``: the deadline of each request to a SPARQL server."""
    return click.option(
        "--timeout", type=click.FloatRange(min=0), default=REMOTE_TIMEOUT, show_default=True,
        metavar="SECONDS",
        help="With a SPARQL server: the deadline of each request, its retries and the "
             "whole answer included (0: none).")(command)


def store_options(command):  # type: ignore[no-untyped-def]
    """``--store FILE|URL``, the endpoint overrides and ``--timeout``: the command
    receives ``store`` as a path, or as a :class:`~kgraph.store.remote.endpoint.Endpoint` (with the
    deadline of ``--timeout``) when it names a SPARQL server. A command that declares its
    own ``timeout`` parameter (``query``) keeps it, and it is the deadline too."""
    own_timeout = "timeout" in inspect.signature(command).parameters

    @functools.wraps(command)
    def run(*args, query_endpoint, update_endpoint, graph_store_endpoint, store,
            **kwargs):  # type: ignore[no-untyped-def]
        from ..errors import KGraphError
        from ..store.graph import remote_endpoint

        timeout = kwargs["timeout"] if own_timeout else kwargs.pop("timeout")
        overrides = (query_endpoint, update_endpoint, graph_store_endpoint)
        try:
            endpoint = remote_endpoint(store)
            if endpoint is not None:
                from ..store.remote.endpoint import Endpoint

                endpoint = Endpoint.resolve(endpoint.url, query=query_endpoint,
                                            update=update_endpoint,
                                            graph_store=graph_store_endpoint,
                                            timeout=timeout or None)
        except KGraphError as exc:
            hint = f" ({exc.hint})" if exc.hint else ""
            raise click.BadParameter(exc.message + hint, param_hint="'--store'") from None
        if endpoint is None and any(overrides):
            raise click.UsageError("--query-endpoint, --update-endpoint and "
                                   "--graph-store-endpoint need a --store that is a server URL")
        return command(*args, store=endpoint if endpoint is not None else store, **kwargs)

    run = endpoint_options(run)
    if not own_timeout:
        run = timeout_option(run)
    return click.option(
        "--store",
        "-s",
        default=DEFAULT_STORE,
        show_default=True,
        envvar="KGRAPH_STORE",
        show_envvar=True,
        metavar="FILE|URL",
        help="The Turtle file that holds the graph, or the URL of a SPARQL 1.1 server "
             "(credentials from KGRAPH_USER/KGRAPH_PASSWORD or ~/.netrc).",
    )(run)


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


level_option = click.option(
    "--level", type=click.Choice(["region", "province"]), default="region", show_default=True,
    help="region: each kabupaten/kota/province as itself; province: regions grouped into "
         "their provinces (one node per province, one edge per province pair).")


def network_filter_options(command):  # type: ignore[no-untyped-def]
    """The filters of the visit network (``kgraph viz``, ``kgraph stats``)."""
    options = [
        click.option("--topic", "topics", multiple=True, metavar="TOPIC",
                     help="Keep visits about this topic (a label, an alternative label such "
                          "as PAD, or the topic's IRI; kgraph topics lists them); repeat for "
                          "any of several."),
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


def fetch_options(command):  # type: ignore[no-untyped-def]
    """How web pages are fetched (``kgraph fetch``, ``kgraph ingest URL``)."""
    options = [
        click.option("--delay", type=click.FloatRange(min=0), default=1.0, show_default=True,
                     metavar="SECONDS",
                     help="Wait between two requests to the same host (more if its "
                          "robots.txt asks); hosts are read in parallel."),
        click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=30.0,
                     show_default=True, metavar="SECONDS",
                     help="Give up on a page whose server does not answer in time "
                          "(connecting: at most 10 s)."),
        click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True,
                     help="Try a page again this many times after HTTP 429 or 5xx or a "
                          "failed connection, waiting longer each time (and as long as "
                          "Retry-After asks)."),
    ]
    for option in reversed(options):
        command = option(command)
    return command
