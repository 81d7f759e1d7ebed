"""Query results rendered: the :data:`FORMATS` registry (``--format``), the format a
file's extension asks for, and the aligned table of a terminal."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pyoxigraph as ox

from ..rdf.namespace import PREFIXES
from ..rdf.turtle import TurtleWriter
from .checks import ParameterError
from .params import Term
from .runner import QueryResult
from .table import render as text_table

_NUMERIC = {PREFIXES["xsd"] + t for t in (
    "integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
#: Longest cell of the table format, unless ``full``.
CELL_WIDTH = 48


def _cell(term: Term | None, writer: TurtleWriter) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = writer.iri(term.value)
        return term.value if text.startswith("<") else text
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _table(result: QueryResult, *, full: bool = False, width: int | None = None,
           **_: object) -> bytes:
    """Aligned columns: IRIs shortened, line breaks as spaces, control characters
    escaped; cells cut at :data:`CELL_WIDTH`, or with a ``width`` (a terminal's) the
    widest columns cut to fit it; ``full`` cuts nothing."""
    if result.kind == "ask":
        return b"true\n" if result.boolean else b"false\n"
    writer = TurtleWriter(result.prefixes)
    names = result.variables
    rows = result.rows
    cells = [[" ".join(_cell(term, writer).split()) for term in row] for row in rows]
    numeric = [bool(rows) and all(
        r[i] is None or (isinstance(r[i], ox.Literal) and r[i].datatype.value in _NUMERIC)
        for r in rows) for i in range(len(names))]
    lines = text_table(names, cells, right=numeric, width=None if full else width,
                       cell_width=None if full or width else CELL_WIDTH)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def ending_line(data: bytes) -> bytes:
    """``data`` ending with a line break (pyoxigraph's JSON and XML end without one)."""
    return data if not data or data.endswith(b"\n") else data + b"\n"


def _results(fmt: ox.QueryResultsFormat) -> Callable[..., bytes]:
    def render(result: QueryResult, **_: object) -> bytes:
        if result.kind == "ask" and fmt in (ox.QueryResultsFormat.CSV,
                                           ox.QueryResultsFormat.TSV):
            return b"true\n" if result.boolean else b"false\n"
        if fmt == result.results_format:
            return ending_line(result.data)  # pyoxigraph's W3C SPARQL Results, as they came
        return ending_line(result.solutions().serialize(format=fmt))
    return render


def _graph(fmt: ox.RdfFormat | None) -> Callable[..., bytes]:
    def render(result: QueryResult, **_: object) -> bytes:
        if fmt is None:  # Turtle, sorted, the way the store is written
            return TurtleWriter(result.prefixes).serialize(result.triples).encode("utf-8")
        if fmt == ox.RdfFormat.N_TRIPLES:
            lines = sorted(result.data.decode("utf-8").splitlines(keepends=True))
            return "".join(lines).encode("utf-8")
        return ending_line(ox.serialize(result.triples, format=fmt, prefixes=result.prefixes))
    return render


@dataclass(frozen=True)
class Format:
    """A result format: what it renders, for which kinds of query, and the extensions of
    the files (``-o FILE``) it is chosen for."""

    render: Callable[..., bytes]
    kinds: frozenset[str]
    description: str
    extensions: tuple[str, ...] = ()


_TABLE = frozenset({"select", "ask"})
_GRAPH = frozenset({"graph"})

#: Result formats by name (``--format``).
FORMATS: dict[str, Format] = {
    "table": Format(_table, _TABLE, "aligned columns for reading (IRIs shortened)",
                    (".txt",)),
    "csv": Format(_results(ox.QueryResultsFormat.CSV), _TABLE, "W3C SPARQL results CSV",
                  (".csv",)),
    "tsv": Format(_results(ox.QueryResultsFormat.TSV), _TABLE, "W3C SPARQL results TSV",
                  (".tsv",)),
    "json": Format(_results(ox.QueryResultsFormat.JSON), _TABLE, "W3C SPARQL results JSON",
                   (".json", ".srj")),
    "xml": Format(_results(ox.QueryResultsFormat.XML), _TABLE | _GRAPH,
                  "W3C SPARQL results XML; RDF/XML for CONSTRUCT and DESCRIBE",
                  (".xml", ".srx", ".rdf")),
    "ttl": Format(_graph(None), _GRAPH, "Turtle", (".ttl",)),
    "nt": Format(_graph(ox.RdfFormat.N_TRIPLES), _GRAPH, "N-Triples", (".nt",)),
    "jsonld": Format(_graph(ox.RdfFormat.JSON_LD), _GRAPH, "JSON-LD", (".jsonld", ".json")),
}
_XML_GRAPH = _graph(ox.RdfFormat.RDF_XML)


def file_format(output: str | os.PathLike[str], kind: str | None = None) -> str | None:
    """The format a file name's extension asks for (``None`` for ``-`` or no extension):
    the first of :data:`FORMATS` that lists it and fits ``kind`` ("select", "ask",
    "graph"; ``None``: any). Raises :class:`ParameterError` for an extension that no
    format has."""
    name = os.fspath(output)
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if not suffix:
        return None
    named = [n for n, f in FORMATS.items() if suffix in f.extensions]
    if not named:
        known = " ".join(sorted({e for f in FORMATS.values() for e in f.extensions}))
        raise ParameterError(f"{name}: cannot tell the format from the extension {suffix}",
                             hint=f"use one of {known}, or give --format")
    fitting = [n for n in named if kind is None or kind in FORMATS[n].kinds]
    if not fitting:
        what = {"select": "SELECT", "ask": "ASK"}.get(kind or "", "CONSTRUCT and DESCRIBE")
        usable = " ".join(e for f in FORMATS.values() if kind in f.kinds for e in f.extensions)
        raise ParameterError(f"{name}: a {suffix} file cannot hold {what} results",
                             hint=f"use {usable}, or give --format")
    return fitting[0]


def default_format(kind: str, *, tty: bool) -> str:
    """``table`` for SELECT and ASK on a terminal, ``csv`` when piped; ``ttl`` for graphs."""
    if kind == "graph":
        return "ttl"
    return "table" if tty else "csv"


def render(result: QueryResult, fmt: str | None = None, *, tty: bool = False,
           full: bool = False, width: int | None = None) -> bytes:
    """The result in format ``fmt`` (a :data:`FORMATS` name; ``None``: :func:`default_format`).
    The table fits ``width`` characters (a terminal's) unless ``full``.

    Raises :class:`ParameterError` when the format does not fit the kind of query.
    """
    name = fmt or default_format(result.kind, tty=tty)
    entry = FORMATS.get(name)
    if entry is None:
        raise ParameterError(f"unknown format {name!r}; formats: {', '.join(FORMATS)}")
    if result.kind not in entry.kinds:
        fitting = ", ".join(n for n, f in FORMATS.items() if result.kind in f.kinds)
        what = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT and DESCRIBE"}[result.kind]
        raise ParameterError(f"--format {name} does not fit {what} results; use {fitting}")
    if name == "xml" and result.kind == "graph":
        return _XML_GRAPH(result)
    return entry.render(result, full=full, width=width)
