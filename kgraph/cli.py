"""The ``kgraph`` command line: one thin function per command over the library."""
from __future__ import annotations

import os
import sys
import warnings

import click

from . import __version__
from .articles import DEFAULT_MAX_BYTES, find_article_files, iter_article_paths
from .errors import KGraphError, KGraphWarning
from .options import RegistryChoice, network_filter_options, output_option, store_options
from .sync_cli import pull_command, push_command

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
def ingest(paths: tuple[str, ...], store: str, max_size: int, follow_symlinks: bool,
           quiet: bool) -> None:
    """Add articles to the store.

    PATHS are article files (.md, .txt), directories (read recursively; other files
    in them are skipped and counted) or - for standard input. Raw articles (no visits key) go through the extractor: their
    visits are marked kg:method "extracted" with a kg:confidence. An article ingested again replaces what it said before; ingesting
    the same files twice leaves the store byte-identical. A file that fails is reported
    and skipped, the others are stored (exit 1).

    \b
    Example:
        kgraph ingest examples/articles/
        kgraph ingest --store visits.ttl article.md
        cat article.md | kgraph ingest -
    """
    from .ingest import ingest as run_ingest

    found = find_article_files(paths, follow_symlinks=follow_symlinks)
    show_bar = len(found.files) >= PROGRESS_MIN_FILES and sys.stderr.isatty()
    try:
        if show_bar:
            with click.progressbar(length=len(found.files), label="ingesting",
                                   file=sys.stderr) as bar:
                report = run_ingest(found, store=store, max_bytes=max_size,
                                    on_file=lambda _name: bar.update(1))
        else:
            report = run_ingest(found, store=store, max_bytes=max_size)
    except KGraphError as exc:
        raise _fail(exc) from None
    if not quiet:
        for note in found.skipped:
            click.echo(f"note: {note}", err=True)
        for warning in report.warnings:
            click.echo(f"warning: {warning}", err=True)
    for failure in report.failed:
        click.echo(f"error: {failure}", err=True)
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


def _emit(chunks, output: str) -> None:  # type: ignore[no-untyped-def]
    """Write byte chunks to standard output (``-``) or atomically to a file."""
    from .store import atomic_write

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


@cli.command()
@click.argument("sparql", required=False)
@click.option("--file", "-f", "query_file", type=click.Path(dir_okay=False, allow_dash=True),
              help="Read the query from FILE.rq (- for standard input).")
@click.option("--preset", "-p", metavar="NAME", help="Run a ready-made query (see --list-presets).")
@click.option("--list-presets", is_flag=True, help="List the ready-made queries and exit.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind the variable ?NAME to VALUE before the query runs (repeatable); "
                   "--param region=\"Kota Malang\" or region=35.73 for the region preset.")
@click.option("--format", "fmt", type=RegistryChoice(".query:FORMATS"),
              help="Output format [default: table on a terminal, csv when piped; "
                   "ttl for CONSTRUCT and DESCRIBE].")
@click.option("--full", is_flag=True, help="Do not cut long cells in the table format.")
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
    from .query import ParameterError, presets, render, run_preset
    from .query import query as run_query

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
        if preset is not None:
            result = run_preset(preset, store=store, params=bound, timeout=timeout)
        else:
            result = run_query(text or "", store=store, params=bound,
                               allow_service=allow_service, timeout=timeout)
        tty = output == "-" and sys.stdout.isatty()
        data = render(result, fmt, tty=tty, full=full)
    except ParameterError as exc:
        raise click.UsageError(str(exc)) from None
    except KGraphError as exc:
        raise _fail(exc) from None
    _emit([data], output)


@cli.command()
@click.option("--format", "fmt", type=RegistryChoice(".export:EXPORTERS"),
              help="ttl, nt, jsonld, xml (RDF/XML), graphml (the region → region visit "
                   "network) or csv (the visits preset) [default: from the -o extension, "
                   "else ttl].")
@output_option("Write to FILE (atomically) instead of standard output.")
@store_options
def export(fmt: str | None, output: str, store: str) -> None:
    """Export the whole store as RDF, as a visit network, or as a table of visits.

    ttl is sorted like the store itself; nt is sorted N-Triples; graphml has one node
    per region (label, code, type, province, coordinates) and one edge per visitor →
    host pair (visits, first and last date), for Gephi, Cytoscape or networkx.

    \b
    Example:
        kgraph export --format nt -o kgraph.nt
        kgraph export -o network.graphml
        kgraph export --format csv -o - | head
    """
    from .export import export as run_export
    from .export import export_chunks, guess_format

    try:
        if output != "-":
            run_export(fmt, store=store, output=output)
            return
        chunks = export_chunks(fmt or guess_format(output), store=store)
    except KGraphError as exc:
        raise _fail(exc) from None
    _emit(chunks, output)


def _network_filters(topics, since, until, region_types, min_visits, around) -> dict:  # type: ignore[no-untyped-def]
    return {"topics": topics, "since": since.date() if since else None,
            "until": until.date() if until else None, "region_types": region_types,
            "min_visits": min_visits, "around": around}


@cli.command()
@network_filter_options
@click.option("--layout", type=click.Choice(["force", "geo"]), default="force", show_default=True,
              help="force: arranged by a physics simulation; geo: each region at its "
                   "longitude/latitude, a map of Indonesia.")
@click.option("--color-by", type=click.Choice(["type", "province"]), default="type",
              show_default=True, help="Colour regions by type (kota/kabupaten/provinsi) or by province.")
@click.option("--max-edges", type=click.IntRange(min=0), default=2000, show_default=True,
              help="Draw only this many pairs, the most visited (0: all); the page says "
                   "what was left out.")
@click.option("--title", default="kgraph: visits between regions", show_default=True,
              help="Title of the page.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, allow_dash=True),
              default="kgraph.html", show_default=True,
              help="Write the page to FILE (atomically); - for standard output.")
@click.option("--open", "open_page", is_flag=True, help="Open the page in the default browser.")
@store_options
def viz(topics: tuple[str, ...], since, until, region_types: tuple[str, ...],  # type: ignore[no-untyped-def]
        min_visits: int, around: str | None, layout: str, color_by: str, max_edges: int,
        title: str, output: str, open_page: bool, store: str) -> None:
    """Draw the network of visits as an interactive HTML page that works offline.

    Regions are circles (size: visits made and received; colour: type or province),
    an arrow goes from visitor to host (width: visits of the pair). Hovering shows
    a region's code, visits and top partners, or a pair's dates, topics, leaders,
    agreements and sources. The page is one file with no network access at all.

    \b
    Example:
        kgraph viz --open
        kgraph viz --layout geo --color-by province -o map.html
        kgraph viz --topic "pengelolaan sampah" --since 2025-01-01
        kgraph viz --around "Kota Malang" --title "Who visits Malang"
    """
    from .network import build_network
    from .viz import TIP_VISITS, render_html, write_html

    try:
        net = build_network(store, max_edges=max_edges, tip_visits=TIP_VISITS,
                            **_network_filters(topics, since, until, region_types,
                                               min_visits, around))
        options = {"title": title, "color_by": color_by, "layout": layout,
                   "max_edges": max_edges}
        if output == "-":
            _emit([render_html(net, **options).encode("utf-8")], output)
            return
        report = write_html(net, output, **options)
    except KGraphError as exc:
        raise _fail(exc) from None
    click.echo(report.summary())
    if open_page:
        click.launch(os.path.abspath(output))


@cli.command()
@network_filter_options
@click.option("--format", "fmt", type=RegistryChoice(".stats:FORMATS"), default="table",
              show_default=True, help="A readable table or JSON.")
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="Entries in each ranked list.")
@store_options
def stats(topics: tuple[str, ...], since, until, region_types: tuple[str, ...],  # type: ignore[no-untyped-def]
          min_visits: int, around: str | None, fmt: str, top: int, store: str) -> None:
    """Figures of the visit network: regions, visits, pairs, agreements, the most
    visited hosts and most active visitors, reciprocated pairs, top topics and
    communities of regions that visit each other (networkx greedy modularity).

    Takes the same filters as kgraph viz.

    \b
    Example:
        kgraph stats
        kgraph stats --since 2025-01-01 --top 5
        kgraph stats --region-type kota --format json
    """
    from .network import build_network
    from .stats import format_stats, network_stats

    try:
        net = build_network(store, details=("topics", "agreements"),
                            **_network_filters(topics, since, until, region_types,
                                               min_visits, around))
    except KGraphError as exc:
        raise _fail(exc) from None
    click.echo(format_stats(network_stats(net, top=top), fmt))


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(allow_dash=True))
@click.option("--output", "-o", "output", default=None, metavar="DIR|-",
              help="Write the annotated articles into this folder (same file names), or - "
                   "for standard output. Default: standard output for one file.")
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
    from .annotate import annotate as run_annotate

    files = list(iter_article_paths(paths, follow_symlinks=follow_symlinks))
    if in_place and output is not None:
        raise click.UsageError("give either --in-place or -o, not both")
    to_stdout = output == "-" or (output is None and not in_place)
    if to_stdout and len(files) != 1:
        raise click.UsageError("several articles: give -o DIR or --in-place")
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
        click.echo(f"error: {failure}", err=True)
    if not to_stdout:
        visits = sum(n for _, _, n in report.written)
        click.echo(f"annotated {len(report.written)} article(s), {visits} visit(s) → "
                   f"{output if output else 'the input files'}", err=True)
    if report.failed:
        sys.exit(1)


@cli.command()
@click.argument("gold", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--verbose", "-v", is_flag=True, help="Also list each article's differences.")
def evaluate(gold: tuple[str, ...], verbose: bool) -> None:
    """Measure the extractor on hand-annotated articles.

    Runs the extractor on each annotated article as if it were raw and compares with
    its visits: precision, recall and F1 of visits (matched on visitor region, host
    region and body kind), then the accuracy of date, leader, receiver and agreement
    on matched visits, the topic overlap, and the visits found in articles annotated
    as having none. Raw articles are skipped.

    \b
    Example:
        kgraph evaluate tests/data/extraction/
        kgraph evaluate -v my-annotated-articles/
    """
    from .evaluate import evaluate as run_evaluate

    try:
        report = run_evaluate(gold)
    except KGraphError as exc:
        raise _fail(exc) from None
    for name in report.skipped:
        click.echo(f"note: {name}: raw article (no visits key), skipped", err=True)
    click.echo("\n".join(report.lines(verbose=verbose)))


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
