"""The network's SPARQL over the store: the prefixes every query declares, its rows as
pyoxigraph terms or as values read from TSV results (faster for many rows, and several
queries run side by side on a local store), VALUES blocks of IRIs."""
from __future__ import annotations

import os
from typing import Any, Iterator

import pyoxigraph as ox

from ..errors import KGraphError
from ..rdf.namespace import PREFIXES
from ..rdf.tsv import blocks, select_tsv, term_value, tsv_rows

_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())


def _rows(graph: Any, query: str) -> Iterator[Any]:
    return iter(graph.query(_HEADER + query))


#: Queries run side by side (see :func:`_blocks_rows`).
_WORKERS = min(4, os.cpu_count() or 1)


def _values(var: str, iris: list[str], parts: int = 1) -> Iterator[str]:
    """``VALUES ?var`` blocks of ``iris`` (see :func:`kgraph.rdf.tsv.blocks`)."""
    for block in blocks([f"<{iri}>" for iri in iris], parts):
        yield f"VALUES ?{var} {{ {block} }}"


def _sparql_iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n\t'):
        raise KGraphError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _blocks_rows(graph: Any, queries: list[str]) -> Iterator[list[str | None]]:
    """The rows of several SELECTs (see :func:`_value_rows`), in order."""
    if len(queries) > 1 and isinstance(graph, ox.Store):
        # pyoxigraph releases the GIL while it evaluates: use the machine's cores.
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
            results = list(pool.map(lambda text: _tsv(graph, text), queries))
    else:
        results = [_tsv(graph, text) for text in queries]
    for data in results:
        yield from _tsv_values(data)


def _tsv(graph: Any, query: str) -> bytes:
    return select_tsv(graph, _HEADER + query)


def _tsv_values(data: bytes) -> Iterator[list[str | None]]:
    for row in tsv_rows(data):
        yield [term_value(cell) if cell else None for cell in row]


def _value_rows(graph: Any, query: str) -> Iterator[list[str | None]]:
    """The rows of a SELECT as the values of their terms (``None`` when unbound), read
    from SPARQL TSV results: much faster than pyoxigraph's objects for many rows."""
    return _tsv_values(_tsv(graph, query))
