"""The ``kgraph`` command line: one thin function per command over the library."""
from __future__ import annotations

import os
import sys

import click

from . import __version__
from .articles import DEFAULT_MAX_BYTES, iter_article_paths
from .errors import KGraphError
from .options import store_option

#: Progress bars appear on a terminal from this many files on.
PROGRESS_MIN_FILES = 20


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


def _fail(exc: KGraphError) -> click.ClickException:
    return click.ClickException(str(exc))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@store_option
@click.option(
    "--max-size",
    type=click.IntRange(min=1),
    default=DEFAULT_MAX_BYTES,
    show_default=True,
    metavar="BYTES",
    help="Refuse article files larger than this.",
)
@click.option(
    "--follow-symlinks",
    is_flag=True,
    help="Follow symbolic links found inside directories (not followed by default).",
)
@click.option("--quiet", "-q", is_flag=True, help="Do not print warnings.")
def ingest(paths: tuple[str, ...], store: str, max_size: int, follow_symlinks: bool,
           quiet: bool) -> None:
    """Add annotated articles to the store.

    PATHS are article files (.md, .txt), directories (read recursively) or - for
    standard input. An article ingested again replaces what it said before; ingesting
    the same files twice leaves the store byte-identical. A file that fails is reported
    and skipped, the others are stored (exit 1).

    \b
    Example:
        kgraph ingest examples/articles/
        kgraph ingest --store visits.ttl article.md
        cat article.md | kgraph ingest -
    """
    from .ingest import ingest as run_ingest

    files = list(iter_article_paths(paths, follow_symlinks=follow_symlinks))
    show_bar = len(files) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    try:
        if show_bar:
            with click.progressbar(length=len(files), label="ingesting", file=sys.stderr) as bar:
                report = run_ingest(files, store=store, max_bytes=max_size,
                                    follow_symlinks=follow_symlinks,
                                    on_file=lambda _name: bar.update(1))
        else:
            report = run_ingest(files, store=store, max_bytes=max_size,
                                follow_symlinks=follow_symlinks)
    except KGraphError as exc:
        raise _fail(exc) from None
    if not quiet:
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    for name in report.needs_extraction:
        click.echo(f"note: {name}: raw article (no visits key): needs extraction, skipped",
                   err=True)
    for failure in report.failed:
        click.echo(f"error: {failure}", err=True)
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@cli.command()
@store_option
@click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line.")
def validate(store: str, quiet: bool) -> None:
    """Check the store against the SHACL shapes of the ontology.

    Exit codes follow pySHACL: 0 the store conforms, 1 it has violations (listed),
    2 the store could not be read.

    \b
    Example:
        kgraph validate --store kgraph.ttl
    """
    from .validate import validate as run_validate

    try:
        report = run_validate(store=store)
    except KGraphError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(2)
    if report.conforms:
        click.echo(f"{store}: conforms to the kgraph shapes")
        return
    if not quiet:
        click.echo(report.text)
    click.echo(f"{store}: {report.violations} violation(s) of the kgraph shapes")
    sys.exit(1)


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
