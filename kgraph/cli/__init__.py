"""The ``kgraph`` command line: one thin function per command over the library.

Owns the click group and :func:`main` (here), the commands in one module per group:
``articles`` (ingest, annotate, evaluate, topics), ``store`` (validate, query, export),
``network`` (viz, stats), ``fetch`` and ``sync`` (push, pull); their shared options
(``options``) and what every command does with its result (``output``). Only this
package imports click.

May import: errors, rdf, resolve, read, extract, map, store, query, network, ingest,
annotate, evaluate, export, validate, fetch
"""
from __future__ import annotations

import os
import sys
import warnings

import click

from .. import __version__
from ..errors import KGraphWarning
from .articles import annotate, evaluate, ingest, topics
from .fetch import fetch_command
from .network import stats, viz
from .store import export, query, validate
from .sync import pull_command, push_command


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="kgraph")
def cli() -> None:
    """kgraph: a knowledge graph of visits between Indonesian regional governments.

    Articles about kunjungan kerja / studi banding go in (`ingest`), RDF triples in a
    Turtle file come out; `validate` checks the store against the ontology's shapes.

    \b
    Example:
        kgraph ingest examples/
        kgraph validate
    """
    warnings.simplefilter("always", KGraphWarning)
    warnings.showwarning = _show_warning


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    """kgraph's own warnings (a damaged index rebuilt ...) as ``warning: ...`` lines."""
    if issubclass(category, KGraphWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        _SHOW_WARNING(message, category, filename, lineno, file, line)


_SHOW_WARNING = warnings.showwarning


for command in (ingest, validate, query, export, viz, stats, annotate, evaluate, topics,
                fetch_command, push_command, pull_command):
    cli.add_command(command)


def main() -> None:
    """Entry point: run the CLI; no traceback reaches the user."""
    try:
        cli.main(prog_name="kgraph")
    except KeyboardInterrupt:
        click.echo("Error: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # a bug: say so in one line, keep the traceback for debugging
        if os.environ.get("KGRAPH_DEBUG"):
            raise
        click.echo(
            f"Error: internal error: {type(exc).__name__}: {exc} "
            "(please report it; KGRAPH_DEBUG=1 shows the traceback)",
            err=True,
        )
        sys.exit(1)
