"""The ``kgraph`` command line: one thin function per command over the library.

Owns the click group and :func:`main`, the commands, their shared options (``options``)
and the fetch, push and pull commands (``fetch``, ``sync``). Only this package imports
click.

May import: errors, rdf, resolve, read, extract, map, store, query, network, ingest,
annotate, evaluate, export, validate, fetch
"""
from __future__ import annotations

import os
import sys
import warnings

import click

from .. import __version__
from ..read.files import DEFAULT_MAX_BYTES, find_article_files, iter_article_paths
from ..errors import KGraphError, KGraphWarning, UsageError
from .fetch import echo_fetch_outcomes, fetch_command, web_options
from .options import (
    RegistryChoice, fetch_options, level_option, network_filter_options, output_option,
    store_options,
)
from .sync import pull_command, push_command

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
    warnings.simplefilter("always", KGraphWarning)
    warnings.showwarning = _show_warning


def _show_warning(message, category, filename, lineno, file=None, line=None):  # type: ignore[no-untyped-def]
    """kgraph's own warnings (a damaged index rebuilt ...) as ``warning: ...`` lines."""
    if issubclass(category, KGraphWarning):
        click.echo(f"warning: {message}", err=True)
    else:
        _SHOW_WARNING(message, category, filename, lineno, file, line)


_SHOW_WARNING = warnings.showwarning


def _fail(exc: KGraphError) -> click.ClickException:
    """The click error for ``exc``: bad usage (exit 2) for a :class:`UsageError`, a value
    the user typed that names nothing or does not fit; else a failure (exit 1)."""
    if isinstance(exc, UsageError):
        return click.UsageError(str(exc))
    return click.ClickException(str(exc))


@cli.command()
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


@cli.command()
@store_options
@click.option("--quiet", "-q", is_flag=True, help="Print only the verdict line.")
def validate(store: str, quiet: bool) -> None:
    """Check the store against the SHACL shapes of the ontology.

    Exit codes follow pySHACL: 0 the store conforms, 1 it has violations (listed),
    2 the store could not be read.

    \b
    Example:
        kgraph validate --store kgraph.ttl
    """
    from ..validate import validate as run_validate

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


def _emit(chunks, output: str) -> None:  # type: ignore[no-untyped-def]
    """Write byte chunks to standard output (``-``) or atomically to a file."""
    from ..store.files import atomic_write

    if output != "-":
        try:
            atomic_write(output, chunks)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
        return
    stream = sys.stdout.buffer
    try:
        for chunk in chunks:
            stream.write(chunk)
        stream.flush()
    except KGraphError as exc:  # raised while the chunks are made (a server failing)
        stream.flush()
        raise _fail(exc) from None
    except BrokenPipeError:  # `kgraph query ... | head`: the reader has enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


def _terminal_width(output: str) -> int | None:
    """The width of the terminal standard output is, when that is where output goes."""
    if output != "-" or not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Read the query from FILE.rq (- for standard input).")
@click.option("--preset", "-p", metavar="NAME", help="Run a ready-made query (see --list-presets).")
@click.option("--list-presets", is_flag=True, help="List the ready-made queries and exit.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind the variable ?NAME to VALUE before the query runs (repeatable); "
                   "--param region=\"Kota Malang\" or region=35.73 for the region preset. A "
                   "value must fit the type its # param: line declares; an undeclared value "
                   "that reads as a date, a number or a prefixed name (2025-10-14, 12, "
                   "region:35.73) is bound as that, <IRI> as an IRI, anything else as a "
                   "string.")
@click.option("--format", "fmt", type=RegistryChoice("..query.render:FORMATS"),
              help="Output format [default: from the -o FILE extension, else table on a "
                   "terminal and csv when piped; ttl for CONSTRUCT and DESCRIBE].")
@click.option("--full", is_flag=True,
              help="Keep every character of the table format: do not cut long cells nor "
                   "fit the table to the terminal's width.")
@click.option("--timeout", type=click.FloatRange(min=0), default=30.0, show_default=True,
              metavar="SECONDS", help="Stop a query that runs longer (0: no limit); with a "
                                      "SPARQL server, also the deadline of each request.")
@click.option("--allow-service", is_flag=True,
              help="Allow SERVICE, which sends (part of) the query to other endpoints.")
@output_option("Write the results to FILE (atomically) instead of standard output.")
@store_options
def query(sparql: str | None, query_file: str | None, preset: str | None, list_presets: bool,
          params: tuple[str, ...], fmt: str | None, full: bool, timeout: float,
          allow_service: bool, output: str, store: str) -> None:
    """Ask the store a SPARQL question (read-only).

    The query comes from the SPARQL argument (- for standard input), from -f FILE.rq,
    or from a ready-made --preset. The prefixes kg rdf rdfs xsd owl skos schema prov
    sem org kgt, and region gov person visit report article agreement topic for
    kgraph's own IRIs, need no PREFIX line. SELECT prints a table on a terminal and
    W3C CSV when piped (--format csv, tsv, json, xml, table); ASK prints true or
    false; CONSTRUCT and DESCRIBE print Turtle (--format nt, jsonld, xml). UPDATE is
    refused, SERVICE too unless --allow-service.

    \b
    Example:
        kgraph query --list-presets
        kgraph query --preset hosts
        kgraph query --preset region --param region="Kota Malang"
        kgraph query 'SELECT ?visit ?date WHERE { ?visit a kg:Visit ; kg:date ?date }'
        kgraph query -f my-question.rq --format json -o answer.json
    """
    from ..query.render import file_format, render
    from ..query.presets import presets
    from ..query.runner import run_preset
    from ..query.runner import query as run_query

    if list_presets:
        for item in presets().values():
            click.echo(f"{item.name:<11} {item.description}")
            for p in item.params:
                click.echo(f"{'':<11}   --param {p.name}=…  {p.description}")
        return
    given = [s for s in (sparql, query_file, preset) if s is not None]
    if len(given) != 1:
        raise click.UsageError("give exactly one of: a SPARQL query, -f FILE.rq, --preset NAME")
    bound = {}
    for item in params:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        bound[name.strip()] = value
    text = sparql
    if query_file is not None or sparql == "-":
        source = query_file if query_file is not None else "-"
        try:
            with click.open_file(source, encoding="utf-8") as handle:
                text = handle.read()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or exc
            raise click.ClickException(f"{source}: cannot read the query: {reason}") from None
    try:
        if fmt is None:
            file_format(output)  # an extension no format has is refused before the query runs
        if preset is not None:
            result = run_preset(preset, store=store, params=bound, timeout=timeout)
        else:
            result = run_query(text or "", store=store, params=bound,
                               allow_service=allow_service, timeout=timeout)
        width = _terminal_width(output)
        data = render(result, fmt or file_format(output, result.kind), tty=width is not None,
                      full=full, width=width)
        if preset == "region" and not result.rows:
            click.echo(f"note: {bound.get('region', '').strip()} has no visits in the store",
                       err=True)
    except KGraphError as exc:
        raise _fail(exc) from None
    _emit([data], output)


@cli.command()
@click.option("--format", "fmt", type=RegistryChoice("..export:EXPORTERS"),
              help="ttl, nt, jsonld, xml (RDF/XML), graphml (the region → region visit "
                   "network) or csv (the visits preset) [default: from the -o extension, "
                   "else ttl].")
@output_option("Write to FILE (atomically) instead of standard output.")
@level_option
@store_options
def export(fmt: str | None, output: str, level: str, store: str) -> None:
    """Export the whole store as RDF, as a visit network, or as a table of visits.

    ttl is sorted like the store itself; nt is sorted N-Triples; graphml has one node
    per region (label, code, type, province, coordinates) and one edge per visitor →
    host pair (visits, first and last date), for Gephi, Cytoscape or networkx;
    --level province makes it the network of provinces.

    \b
    Example:
        kgraph export --format nt -o kgraph.nt
        kgraph export -o network.graphml
        kgraph export --level province -o provinces.graphml
        kgraph export --format csv -o - | head
    """
    from ..export import export as run_export
    from ..export import export_chunks, guess_format

    try:
        if output != "-":
            run_export(fmt, store=store, output=output, level=level)
            return
        chunks = export_chunks(fmt or guess_format(output), store=store, level=level)
    except KGraphError as exc:
        raise _fail(exc) from None
    _emit(chunks, output)


def _network_filters(topics, since, until, region_types, min_visits, around) -> dict:  # type: ignore[no-untyped-def]
    return {"topics": topics, "since": since.date() if since else None,
            "until": until.date() if until else None, "region_types": region_types,
            "min_visits": min_visits, "around": around}


def _notes(net) -> None:  # type: ignore[no-untyped-def]
    """Print the network's notes (an empty result, and why) on standard error."""
    for note in net.graph.get("notes", []):
        click.echo(f"note: {note}", err=True)


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


cli.add_command(fetch_command)
cli.add_command(push_command)
cli.add_command(pull_command)


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
