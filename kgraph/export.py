"""Export the whole store: as RDF (Turtle, N-Triples, JSON-LD, RDF/XML), as the GraphML of
the region → region visit network, or as the CSV of the ``visits`` preset.

>>> export("graphml", store="kgraph.ttl", output="visits.graphml")   # doctest: +SKIP
"""
from __future__ import annotations

import io
import itertools
import os
import sys
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pyoxigraph as ox

from .errors import KGraphError, UsageError
from .rdf.namespace import DATA_PREFIXES, PREFIXES
from .store.graph import DEFAULT_STORE, open_graph, recovering
from .store.files import atomic_write
from .store.turtle_store import sorted_nt_lines, writer
from .rdf.tsv import finite_number

_DG = ox.DefaultGraph()
_PREFIXES = {**PREFIXES, **DATA_PREFIXES}


class ExportError(KGraphError):
    """The export cannot be made or written."""


class ExportFormatError(ExportError, UsageError):
    """An unknown format, a file extension that names none, or a ``--level`` the format
    has not (bad usage)."""


def _sorted_lines(graph: ox.Store) -> Iterator[str]:
    """:func:`~kgraph.store.turtle_store.sorted_nt_lines` with the graph read and sorted now, so that
    a store (or server) that fails does so before anything is written out."""
    lines = sorted_nt_lines(graph)
    first = next(lines, None)
    return itertools.chain([first] if first is not None else [], lines)


def _turtle(graph: ox.Store) -> Iterator[bytes]:
    """Sorted Turtle, as kgraph writes its store."""
    return (chunk.encode("utf-8")
            for chunk in writer().serialize_nt_lines(_sorted_lines(graph)))


def _ntriples(graph: ox.Store) -> Iterator[bytes]:
    """N-Triples, one triple a line, sorted (the same store gives the same bytes)."""
    return (line.encode("utf-8") for line in _sorted_lines(graph))


def _rdf(fmt: ox.RdfFormat) -> Callable[[ox.Store], Iterable[bytes]]:
    def export(graph: ox.Store) -> Iterable[bytes]:
        data = graph.dump(format=fmt, from_graph=_DG, prefixes=_PREFIXES)
        return [data if data.endswith(b"\n") else data + b"\n"]
    return export


# %s: how a visit's regions (?r1, ?r2) become the nodes ?from and ?to, by level.
_NETWORK = """
SELECT ?from ?to ?visits ?first ?last WHERE {
  SELECT ?from ?to (COUNT(?visit) AS ?visits) (MIN(?date) AS ?first) (MAX(?date) AS ?last)
  WHERE {
    ?visit a kg:Visit ; kg:visitor/kg:region ?r1 ; kg:hostedBy/kg:region ?r2 .
    %s
    OPTIONAL { ?visit kg:date ?date }
  }
  GROUP BY ?from ?to
}"""
_REGIONS = """
SELECT ?region ?label ?code ?type ?province ?latitude ?longitude WHERE {
  { SELECT DISTINCT ?region WHERE { ?visit a kg:Visit ;
      kg:visitor/kg:region ?r1 ; kg:hostedBy/kg:region ?r2 .
      %s
      VALUES ?side { 1 2 } BIND(IF(?side = 1, ?from, ?to) AS ?region) } }
  OPTIONAL { ?region rdfs:label ?label }
  OPTIONAL { ?region kg:code ?code }
  OPTIONAL { ?region kg:regionType ?type }
  OPTIONAL { ?region kg:province/rdfs:label ?province }
  OPTIONAL { ?region schema:latitude ?latitude }
  OPTIONAL { ?region schema:longitude ?longitude }
}"""


#: The levels of the network (see :mod:`kgraph.network.levels`): a region as itself, or as its
#: province (a province and an unresolved region, which have none, stand for themselves).
_LEVEL_NODES = {
    "region": "BIND(?r1 AS ?from) BIND(?r2 AS ?to)",
    "province": "OPTIONAL { ?r1 kg:province ?p1 } OPTIONAL { ?r2 kg:province ?p2 } "
                "BIND(COALESCE(?p1, ?r1) AS ?from) BIND(COALESCE(?p2, ?r2) AS ?to)",
}


def visit_network(graph: ox.Store, level: str = "region"):  # type: ignore[no-untyped-def]
    """The region → region visit network as a ``networkx.DiGraph``: nodes are region IRIs
    (label, code, type, province, latitude, longitude), edges carry ``visits`` (the
    number of visits between the pair) and the ``first`` and ``last`` known dates. At
    ``level="province"`` the nodes are provinces. Nodes and edges come in the order of
    their IRIs, whatever the order the store answers in."""
    import networkx as nx

    from .network.levels import check_level

    check_level(level)
    network = nx.DiGraph()
    nodes = []
    for row in graph.query(_REGIONS % _LEVEL_NODES[level], prefixes=_PREFIXES):
        attributes = {}
        for name in ("label", "code", "type", "province", "latitude", "longitude"):
            term = row[name]
            if term is None:
                continue
            if name in ("latitude", "longitude"):
                value = finite_number(term.value)
                if value is not None:
                    attributes[name] = value
            else:
                attributes[name] = term.value
        nodes.append((row["region"].value, attributes))
    network.add_nodes_from(sorted(nodes, key=lambda n: n[0]))
    edges = []
    for row in graph.query(_NETWORK % _LEVEL_NODES[level], prefixes=_PREFIXES):
        attributes = {"visits": _number(row["visits"], graph)}
        for name in ("first", "last"):
            if row[name] is not None:
                attributes[name] = row[name].value
        edges.append((row["from"].value, row["to"].value, attributes))
    network.add_edges_from(sorted(edges, key=lambda e: (e[0], e[1])))
    return network


def _number(term: ox.Literal, graph: ox.Store) -> int:
    """A count of ``graph``'s answer (which a SPARQL server may have sent wrong)."""
    try:
        return int(term.value)
    except ValueError:
        client = getattr(graph, "client", None)  # a SPARQL server's graph
        where = client.endpoint.query if client is not None else "the store"
        raise ExportError(f"{where} sent a count that is not a number: "
                          f"{term.value[:40]!r}") from None


def _graphml(graph: ox.Store, level: str = "region") -> Iterable[bytes]:
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(visit_network(graph, level), buffer, named_key_ids=True)
    data = buffer.getvalue()
    return [data if data.endswith(b"\n") else data + b"\n"]


def _visits_csv(graph: ox.Store) -> Iterable[bytes]:
    from .query.checks import BOUND_PREFIXES
    from .query.presets import preset

    result = graph.query(preset("visits").text, prefixes=BOUND_PREFIXES)
    return [result.serialize(format=ox.QueryResultsFormat.CSV)]


#: Export formats by name: what each writes, and the file extensions that select it.
EXPORTERS: dict[str, tuple[Callable[[ox.Store], Iterable[bytes]], tuple[str, ...], str]] = {
    "ttl": (_turtle, (".ttl",), "Turtle, sorted as the store"),
    "nt": (_ntriples, (".nt",), "N-Triples, sorted"),
    "jsonld": (_rdf(ox.RdfFormat.JSON_LD), (".jsonld", ".json"), "JSON-LD"),
    "xml": (_rdf(ox.RdfFormat.RDF_XML), (".rdf", ".xml", ".owl"), "RDF/XML"),
    "graphml": (_graphml, (".graphml",), "GraphML of the region → region visit network"),
    "csv": (_visits_csv, (".csv",), "CSV of the visits preset (W3C SPARQL results CSV)"),
}


def guess_format(output: str | os.PathLike[str] | None) -> str:
    """The export format an output file name implies: ``ttl`` for standard output or a
    name without extension. Raises :class:`ExportFormatError` for an extension that no
    format has (``x.tsv``, ``x.txt``): give the format instead."""
    if output is None or os.fspath(output) == "-":
        return "ttl"
    suffix = Path(output).suffix.lower()
    if not suffix:
        return "ttl"
    for name, (_, suffixes, _) in EXPORTERS.items():
        if suffix in suffixes:
            return name
    known = " ".join(e for _, suffixes, _ in EXPORTERS.values() for e in suffixes)
    raise ExportFormatError(f"{os.fspath(output)}: cannot tell the export format from the "
                            f"extension {suffix}", hint=f"use one of {known}, or give --format")


#: The formats that draw the network at a level (``level=`` of :func:`export_chunks`).
LEVELLED = ("graphml",)


def export_chunks(fmt: str, *, store: str | os.PathLike[str] = DEFAULT_STORE,
                  level: str = "region") -> Iterable[bytes]:
    """The export of the store in ``fmt`` (an :data:`EXPORTERS` name), as byte chunks;
    ``level`` (``region`` or ``province``) for the formats in :data:`LEVELLED`.

    Raises :class:`ExportError` for an unknown format or a level the format has not,
    and :class:`~kgraph.errors.StoreError` when the store is missing or invalid.
    """
    try:
        exporter = EXPORTERS[fmt][0]
    except KeyError:
        raise ExportFormatError(f"unknown export format {fmt!r}; formats: "
                          f"{', '.join(EXPORTERS)}") from None
    if fmt in LEVELLED:
        from .network.levels import check_level

        check_level(level)
        # a damaged index is rebuilt
        return recovering(store, lambda: exporter(open_graph(store), level=level))  # type: ignore[call-arg]
    if level != "region":
        raise ExportFormatError(f"--level {level} applies to the {', '.join(LEVELLED)} export "
                          f"only, not to {fmt}")
    return recovering(store, lambda: exporter(open_graph(store)))  # a damaged index is rebuilt


def export(fmt: str | None = None, *, store: str | os.PathLike[str] = DEFAULT_STORE,
           output: str | os.PathLike[str] = "-", level: str = "region") -> str:
    """Write the store in ``fmt`` (default: guessed from ``output``'s extension, else
    Turtle) to ``output``, a file written atomically or ``-`` for standard output;
    ``level`` as for :func:`export_chunks`. Returns the format used. Raises
    :class:`ExportError` or :class:`~kgraph.errors.StoreError`."""
    fmt = fmt or guess_format(output)
    chunks = export_chunks(fmt, store=store, level=level)
    if os.fspath(output) == "-":
        out = sys.stdout.buffer
        for chunk in chunks:
            out.write(chunk)
        out.flush()
        return fmt
    try:
        atomic_write(output, chunks)
    except OSError as exc:
        raise ExportError(f"cannot write: {exc.strerror or exc}", file=os.fspath(output)) from None
    return fmt
