"""Commands over the store's RDF: ``validate`` (against the SHACL shapes), ``query``
(SPARQL, read-only) and ``export`` (RDF, GraphML or CSV)."""
from __future__ import annotations

import sys

import click

from ..errors import KGraphError
from .options import RegistryChoice, level_option, output_option, store_options
from .output import _emit, _fail, _terminal_width


@click.command()
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


@click.command()
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


@click.command()
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
