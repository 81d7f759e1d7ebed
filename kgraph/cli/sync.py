"""The ``kgraph push`` and ``kgraph pull`` commands (registered by :mod:`kgraph.cli`)."""
from __future__ import annotations

import sys
from contextlib import ExitStack
from typing import Callable

import click

from ..errors import KGraphError
from .options import endpoint_options, store_option, timeout_option


def _client(url: str, store: str, query: str | None, update: str | None,
            graph_store: str | None, timeout: float):  # type: ignore[no-untyped-def]
    """The client of the server at ``url``; refuses a ``--store`` that is a server."""
    from ..store.remote.client import Client
    from ..store.remote.endpoint import Endpoint
    from ..store.graph import is_endpoint

    if is_endpoint(store):
        raise click.UsageError(f"--store must be a local Turtle file here, not {store}")
    endpoint = Endpoint.resolve(url, query=query, update=update, graph_store=graph_store,
                                timeout=timeout or None)
    return Client(endpoint)


def _progress(stack: ExitStack, label: str) -> Callable[[int, int], None]:
    """An ``on_progress(done, total)`` that draws a bar on a terminal's stderr."""
    bars: list = []

    def update(done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if not bars:
            bars.append(stack.enter_context(click.progressbar(
                length=max(total, 1), label=label, file=sys.stderr)))
        bar = bars[0]
        bar.update(done - bar.pos)

    return update


@click.command("push")
@click.option("--to", "url", required=True, metavar="URL",
              help="The SPARQL server, e.g. http://127.0.0.1:7878.")
@store_option
@endpoint_options
@click.option("--batch-size", type=click.IntRange(min=1), default=50_000, show_default=True,
              metavar="TRIPLES", help="Triples per upload request.")
@timeout_option
def push_command(url: str, store: str, query_endpoint: str | None,
                 update_endpoint: str | None, graph_store_endpoint: str | None,
                 batch_size: int, timeout: float) -> None:
    """Copy the store to a SPARQL server: its default graph becomes the store.

    The triples go up in batches (Graph Store Protocol) into a staging graph that
    replaces the default graph in one SPARQL Update at the end, so the server's readers
    never see half a graph. A push that failed midway continues from the first batch
    not acknowledged when run again (unless the store changed meanwhile). Credentials
    come from KGRAPH_USER and KGRAPH_PASSWORD (KGRAPH_AUTH=digest for digest auth) or
    ~/.netrc, never from the command line.

    \b
    Example:
        kgraph push --to http://127.0.0.1:7878
        kgraph push --to http://localhost:8890 --query-endpoint /sparql \\
            --update-endpoint /sparql --graph-store-endpoint /sparql-graph-crud
    """
    from ..store.remote.sync import push

    try:
        with _client(url, store, query_endpoint, update_endpoint, graph_store_endpoint,
                     timeout) as client, ExitStack() as bars:
            report = push(store, client, batch_size=batch_size,
                          on_progress=_progress(bars, "pushing"))
    except KGraphError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())


@click.command("pull")
@click.option("--from", "url", required=True, metavar="URL",
              help="The SPARQL server, e.g. http://127.0.0.1:7878.")
@store_option
@endpoint_options
@click.option("--force", is_flag=True, help="Replace a store that differs from the server's graph.")
@timeout_option
def pull_command(url: str, store: str, query_endpoint: str | None, update_endpoint: str | None,
                 graph_store_endpoint: str | None, force: bool, timeout: float) -> None:
    """Copy a SPARQL server's default graph into the store, as sorted Turtle.

    The graph is downloaded (Graph Store Protocol), then written atomically under the
    store's lock: a failed pull leaves the store as it was. An existing store that
    differs from the server's graph is replaced only with --force.

    \b
    Example:
        kgraph pull --from http://127.0.0.1:7878 --store shared.ttl
        kgraph pull --from https://kg.example.org --force
    """
    from ..store.remote.sync import pull

    try:
        with _client(url, store, query_endpoint, update_endpoint, graph_store_endpoint,
                     timeout) as client, ExitStack() as bars:
            report = pull(store, client, force=force, on_progress=_progress(bars, "pulling"))
    except KGraphError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(report.summary())
