"""Commands on articles: ``ingest`` (into the store), ``annotate`` (extracted visits
written back for review), ``evaluate`` (the extractor against gold facts), and
``topics`` (the topic scheme an article's topics are resolved against)."""
from __future__ import annotations

import sys

import click

from ..errors import KGraphError
from ..read.files import DEFAULT_MAX_BYTES, find_article_files, iter_article_paths
from .fetch import echo_fetch_outcomes, web_options
from .options import fetch_options, store_options
from .output import _fail, _terminal_width

#: Progress bars appear on a terminal from this many files on.
PROGRESS_MIN_FILES = 20


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@store_options
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
@fetch_options
def ingest(paths: tuple[str, ...], store: str, max_size: int, follow_symlinks: bool,
           quiet: bool, delay: float, timeout: float, retries: int) -> None:
    """Add articles to the store.

    PATHS are article files (.md, .txt), saved web pages (.html, .htm), directories
    (read recursively; other files in them are skipped and counted), - for standard
    input, or http(s) URLs of news pages: those are fetched as by kgraph fetch into a
    folder beside the store (kgraph.articles/ for kgraph.ttl), so that every source can
    be read again. Raw articles (no visits key) go through the extractor: their visits
    are marked kg:method "extracted" with a kg:confidence. An article ingested again
    replaces what it said before; ingesting the same files twice leaves the store
    byte-identical. A file or page that fails is reported and skipped, the others are
    stored (exit 1). --timeout bounds each request to a news site and, with --store URL,
    each call to the SPARQL server.

    \b
    Example:
        kgraph ingest examples/articles/
        kgraph ingest --store visits.ttl article.md
        cat article.md | kgraph ingest -
        kgraph ingest https://news.example.id/daerah/2026/01/13/studi-banding
    """
    from ..ingest import ingest as run_ingest

    from ..read.webpage import is_url

    web = web_options(delay, timeout, retries)
    if any(is_url(p) for p in paths):  # fetched first: no bar of files
        found = None
    else:
        found = find_article_files(paths, follow_symlinks=follow_symlinks)
    show_bar = found is not None and len(found.files) >= PROGRESS_MIN_FILES and \
        sys.stderr.isatty()
    try:
        if show_bar:
            with click.progressbar(length=len(found.files), label="ingesting",  # type: ignore[union-attr]
                                   file=sys.stderr) as bar:
                report = run_ingest(found, store=store, max_bytes=max_size,  # type: ignore[arg-type]
                                    on_file=lambda _name: bar.update(1))
        else:
            report = run_ingest(found if found is not None else list(paths), store=store,
                                max_bytes=max_size, follow_symlinks=follow_symlinks,
                                web_options=web)
    except KGraphError as exc:
        raise _fail(exc) from None
    if not quiet:
        for note in report.unread:
            click.echo(f"note: {note}", err=True)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    if report.fetch is not None:
        echo_fetch_outcomes(report.fetch, failures=False)  # they are in report.failed
    for failure in report.failed:
        click.echo(f"Error: {failure}", err=True)
    if report.fetch is not None:
        click.echo(report.fetch.summary())
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--output", "-o", "output", default=None, metavar="DIR|-",
              help="Write the annotated articles into this folder (same file names), or - "
                   "for standard output (several articles one after another, each under a "
                   "line '==> FILE <==', as head writes them). Default: standard output "
                   "for one file.")
@click.option("--in-place", is_flag=True, help="Overwrite each input file with its annotation.")
@click.option("--force", is_flag=True,
              help="Also re-annotate articles that already have a visits key (their visits "
                   "are replaced by extracted ones).")
@click.option("--follow-symlinks", is_flag=True,
              help="Follow symbolic links found inside directories.")
def annotate(paths: tuple[str, ...], output: str | None, in_place: bool, force: bool,
             follow_symlinks: bool) -> None:
    """Extract visits from raw articles and write them back with front matter.

    Each article is written with its visits filled in (visitor, host, date, leader,
    receiver, topics, agreement, place, evidence, confidence, method: extracted and the
    spans of text each fact was read from); the body is unchanged. Review the visits,
    delete "method: extracted", then ingest the file. Inputs are never overwritten
    unless --in-place is given. Articles that already have visits are skipped unless
    --force.

    \b
    Example:
        kgraph annotate examples/raw/gresik-semarang-mou.txt
        kgraph annotate examples/raw/ -o annotated/
        kgraph annotate --in-place article.txt
    """
    from ..annotate import annotate as run_annotate

    files = list(iter_article_paths(paths, follow_symlinks=follow_symlinks))
    if in_place and output is not None:
        raise click.UsageError("give either --in-place or -o, not both")
    to_stdout = output == "-" or (output is None and not in_place)
    if to_stdout and len(files) != 1 and output is None:
        raise click.UsageError("several articles: give -o DIR, -o - or --in-place")
    try:
        report = run_annotate(files, out_dir=None if to_stdout else output,
                              in_place=in_place, force=force,
                              write_stdout=lambda text: click.echo(text, nl=False))
    except KGraphError as exc:
        raise _fail(exc) from None
    for name in report.skipped:
        click.echo(f"note: {name}: already annotated, skipped (--force re-annotates)",
                   err=True)
    for failure in report.failed:
        click.echo(f"Error: {failure}", err=True)
    if not to_stdout:
        visits = sum(n for _, _, n in report.written)
        click.echo(f"annotated {len(report.written)} article(s), {visits} visit(s) → "
                   f"{output if output else 'the input files'}", err=True)
    if report.failed:
        sys.exit(1)


@click.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--texts", type=click.Path(exists=True, file_okay=False), metavar="DIR",
              help="Folder of the article texts of gold JSON files (default: beside them).")
@click.option("--verbose", "-v", is_flag=True, help="Also list each article's differences.")
def evaluate(gold: tuple[str, ...], texts: str | None, verbose: bool) -> None:
    """Measure the extractor on gold facts.

    GOLD is annotated articles (the extractor runs on each as if it were raw and is
    compared with its visits) or gold JSON files of real reports (NNN.json, with the
    text as NNN.txt beside it or in --texts DIR), or folders of either. Prints
    precision, recall and F1 of visits (matched on the region and body of both sides),
    the accuracy of date, leader, receiver and agreement on matched visits, the share
    of gold topics found, the visits found in articles without visits, and for each
    band of confidence how many extracted visits were right.

    \b
    Example:
        kgraph evaluate tests/data/extraction/
        kgraph evaluate -v my-annotated-articles/
        kgraph evaluate ../shared/realdev/gold --texts .realdev/articles
    """
    from ..evaluate import evaluate as run_evaluate

    try:
        report = run_evaluate(gold, texts=texts)
    except KGraphError as exc:
        raise _fail(exc) from None
    for name in report.skipped:
        click.echo(f"note: {name}: raw article (no visits key), skipped", err=True)
    click.echo("\n".join(report.lines(verbose=verbose)))


@click.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True, help="A readable table or JSON.")
@click.option("--full", is_flag=True, help="Do not fit the table to the terminal's width.")
def topics(fmt: str, full: bool) -> None:
    """List the topic scheme: each topic's name (kgt:...), its labels in Indonesian and
    English, and its alternative labels (PAD, BUMD, perda ...). Any of them names the
    topic in --topic and in an article's topics; another topic is kept as a new one.

    \b
    Example:
        kgraph topics
        kgraph topics --format json
    """
    from ..rdf.namespace import TOPIC_NS
    from ..query.table import render as text_table
    from ..resolve.topics import default_scheme

    listing = default_scheme().listing()
    if fmt == "json":
        import json

        click.echo(json.dumps(listing, ensure_ascii=False, indent=2))
        return
    rows = [["kgt:" + str(r["iri"])[len(TOPIC_NS):], str(r["id"]), str(r["en"]),
             "; ".join(r["alternative"])] for r in listing]  # type: ignore[arg-type]
    width = None if full else _terminal_width("-")
    lines = text_table(("topic", "Indonesian", "English", "alternative labels"), rows,
                       width=width)
    click.echo("\n".join(lines))
