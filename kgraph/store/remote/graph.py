"""kgraph's graph on a SPARQL 1.1 server, read as if it were a pyoxigraph ``Store``.

:class:`RemoteGraph` answers what kgraph's readers (``query``, ``viz``, ``stats``,
``export``) ask of a pyoxigraph ``Store`` — ``query``, ``quads_for_pattern``, ``len``,
``in`` and ``dump`` — through the SPARQL 1.1 Protocol and the Graph Store HTTP Protocol.
Only the server's default graph is kgraph's. Editing it is :mod:`kgraph.store.remote.editor`.
"""
from __future__ import annotations

import os
import re
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import IO, Mapping, Union

import pyoxigraph as ox

from ...rdf.sparql_text import blank_opaque, declared_prefixes, query_form
from .client import Client
from .endpoint import RemoteError

_DG = ox.DefaultGraph()
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]

#: N-Triples held in memory while re-serialising a dump; larger ones spill to disk.
SPOOL_BYTES = 64 << 20


def _term(term: Term, url: str) -> str:
    """``term`` in SPARQL syntax (N-Triples is a subset of it). Blank nodes are refused:
    a query cannot name one, and inserting one twice would make two nodes."""
    if isinstance(term, (ox.NamedNode, ox.Literal)):
        return str(term)
    raise RemoteError(f"{url}: cannot send {term} to a SPARQL server: kgraph addresses only "
                      "IRIs and literals (blank nodes and quoted triples are refused)", url=url)


# ---------------------------------------------------------------------------- queries


def _variable(name: ox.Variable | str) -> ox.Variable:
    return name if isinstance(name, ox.Variable) else ox.Variable(name.lstrip("?$"))


def _prefixed(text: str, prefixes: Mapping[str, str] | None) -> str:
    """``text`` with PREFIX declarations for the ``prefixes`` it does not declare."""
    declared = declared_prefixes(text)
    lines = [f"PREFIX {name}: <{ns}>\n" for name, ns in (prefixes or {}).items()
             if name not in declared]
    return "".join(lines) + text


# The prologue (IRIs blanked), then the query form.
_FORM = re.compile(r"(?:\s*(?:BASE\b|PREFIX\s+[^\s:]*:))*\s*(SELECT|ASK|CONSTRUCT|DESCRIBE)\b",
                   re.I)


def _group_start(text: str) -> int | None:
    """Where the ``{`` opening the query's outermost WHERE group is; ``None`` when the
    query has none a VALUES block may open (``DESCRIBE <x>``, ``CONSTRUCT WHERE {...}``)."""
    blanked = blank_opaque(text)
    form = _FORM.match(blanked)
    if form is None:
        return None
    brace = blanked.find("{", form.end())
    if brace < 0:
        return None
    if form.group(1).upper() != "CONSTRUCT":
        return brace
    if blanked[form.end():brace].strip():  # CONSTRUCT WHERE { ... }: the short form
        return None
    depth = 0
    for i in range(brace, len(blanked)):  # skip the template
        depth += {"{": 1, "}": -1}.get(blanked[i], 0)
        if depth == 0:
            following = blanked.find("{", i + 1)
            return following if following >= 0 else None
    return None


def _bound(text: str, substitutions: Mapping[ox.Variable, Term], url: str) -> str:
    """``text`` with ``substitutions`` as a VALUES block.

    pyoxigraph binds substituted variables before evaluating the outermost scope of the
    query; a server is sent the same values as a one-row VALUES block, the first
    element of the outermost WHERE group. The rows are the same for kgraph's presets
    and parameters (FILTERs and OPTIONALs of that group see the values; subqueries are
    evaluated without them in both, and joined). Differences remain in corners: a
    FILTER in a nested group ``{ { ... FILTER(?v) } }`` runs before the join and does
    not see ``?v``, and ``BIND(... AS ?v)`` becomes an error. Where the query has no
    such group (``DESCRIBE <x>``, ``CONSTRUCT WHERE``) the block is appended to the
    query instead, joined with its solutions after grouping.
    """
    names = " ".join(str(v) for v in substitutions)
    values = " ".join(_term(t, url) for t in substitutions.values())
    block = f"VALUES ({names}) {{ ({values}) }}"
    start = _group_start(text)
    if start is None:
        return f"{text}\n{block}\n"
    return f"{text[:start + 1]} {block}\n{text[start + 1:]}"


@lru_cache(maxsize=1)
def _empty_store() -> ox.Store:
    return ox.Store()


def _check_locally(text: str, prefixes: Mapping[str, str] | None,
                   substitutions: Mapping[ox.Variable, Term] | None) -> frozenset[str] | None:
    """Parse the query with pyoxigraph (nothing is evaluated: its results are lazy), so
    a remote store raises the same :class:`SyntaxError`, and the same error for a
    parameter the query does not select, as a local one. Returns the variables a SELECT
    selects (what the server's answer must have), ``None`` for other forms."""
    result = _empty_store().query(text, prefixes=dict(prefixes) if prefixes else None,
                                  substitutions=dict(substitutions) if substitutions else None)
    # Plain names, not the lazy result: pyoxigraph's objects must not outlive this thread.
    if isinstance(result, ox.QuerySolutions):
        return frozenset(v.value for v in result.variables)
    return None


def _same_shape(expected: frozenset[str] | None, got: object, url: str) -> None:
    """Refuse an answer of another kind (a boolean for a SELECT, solutions for an ASK) or
    with other variables than the query selects: kgraph's readers would misread it."""
    if expected is None:
        if isinstance(got, ox.QuerySolutions):
            raise RemoteError(f"{url} sent solutions for an ASK query", url=url)
        return
    sent = {v.value for v in got.variables} if isinstance(got, ox.QuerySolutions) else None
    if sent == expected:
        return
    shown = "a boolean" if sent is None else \
        "the variables " + (" ".join(f"?{n}" for n in sorted(sent)) or "(none)")
    raise RemoteError(f"{url} sent {shown} for a query that selects "
                      + " ".join(f"?{n}" for n in sorted(expected)), url=url)


def _pattern(s: Term | None, p: Term | None, o: Term | None, url: str) -> str:
    return " ".join(_term(t, url) if t is not None else f"?{n}"
                    for t, n in ((s, "s"), (p, "p"), (o, "o")))


def _graph_name(graph: ox.NamedNode | ox.DefaultGraph | None) -> str | None:
    """The Graph Store name of ``graph`` (``None``: the default graph)."""
    if graph is None or isinstance(graph, ox.DefaultGraph):
        return None
    if isinstance(graph, ox.NamedNode):
        return graph.value
    raise ValueError(f"cannot name the graph {graph} on a SPARQL server")


class RemoteGraph:
    """The default graph of a SPARQL server, read through ``client`` (a
    :class:`kgraph.store.remote.client.Client`) with the calls kgraph makes on a pyoxigraph ``Store``.

    Read-only. Failures are :class:`~kgraph.store.remote.endpoint.RemoteError` naming the endpoint.
    """

    def __init__(self, client: Client) -> None:
        self.client = client

    @property
    def url(self) -> str:
        return self.client.endpoint.url

    def query(self, query: str, *, prefixes: Mapping[str, str] | None = None,
              substitutions: Mapping[ox.Variable | str, Term] | None = None,
              ) -> ox.QuerySolutions | ox.QueryBoolean | list[ox.Triple]:
        """Run a SPARQL query on the server, as ``Store.query`` does locally: solutions
        for SELECT, a boolean for ASK, triples for CONSTRUCT and DESCRIBE.

        ``prefixes`` become PREFIX declarations (a prefix the query declares keeps its
        own); ``substitutions`` (variable or name → term) a VALUES block (see
        :func:`_bound`). Raises :class:`SyntaxError` like pyoxigraph for a query that
        does not parse, before anything is sent.
        """
        bound = {_variable(v): t for v, t in (substitutions or {}).items()}
        expected = _check_locally(query, prefixes, bound)
        text = _prefixed(query, prefixes)
        if bound:
            text = _bound(text, bound, self.url)
        if query_form(text) in ("CONSTRUCT", "DESCRIBE"):
            return self.client.construct(text)
        result = self.client.select(text)
        _same_shape(expected, result, self.client.endpoint.query)
        return result

    def _select(self, text: str) -> ox.QuerySolutions:
        result = self.client.select(text)
        _same_shape(_check_locally(text, None, None), result, self.client.endpoint.query)
        return result  # type: ignore[return-value]

    def quads_for_pattern(self, subject: Term | None, predicate: Term | None,
                          object: Term | None,  # noqa: A002 - pyoxigraph's name
                          graph_name: ox.NamedNode | ox.DefaultGraph | None = None,
                          ) -> list[ox.Quad]:
        """The triples matching the pattern (``None`` matches anything), as quads of the
        default graph; ``graph_name`` ``None`` means the default graph here."""
        name = _graph_name(graph_name)
        where = _pattern(subject, predicate, object, self.url)
        if name is not None:
            where = f"GRAPH <{name}> {{ {where} }}"
        graph = _DG if name is None else ox.NamedNode(name)
        return [ox.Quad(row["s"] if subject is None else subject,
                        row["p"] if predicate is None else predicate,
                        row["o"] if object is None else object, graph)
                for row in self._select(f"SELECT * WHERE {{ {where} }}")]

    def __len__(self) -> int:
        """The exact number of triples in the default graph."""
        return self.client.count("?s ?p ?o")

    def __contains__(self, quad: ox.Quad | ox.Triple) -> bool:
        graph = getattr(quad, "graph_name", _DG)
        name = _graph_name(graph)
        where = _pattern(quad.subject, quad.predicate, quad.object, self.url)
        if name is not None:
            where = f"GRAPH <{name}> {{ {where} }}"
        return bool(self.client.select(f"ASK {{ {where} }}"))

    def dump(self, output: str | os.PathLike[str] | IO[bytes] | None = None,
             format: ox.RdfFormat | None = None,  # noqa: A002 - pyoxigraph's name
             *, from_graph: ox.NamedNode | ox.DefaultGraph | None = None,
             prefixes: Mapping[str, str] | None = None) -> bytes | None:
        """Write the default graph (or ``from_graph``) to ``output`` (a path, a binary
        file, or ``None`` for the bytes returned) in ``format`` (default: guessed from the
        path's extension). The server sends N-Triples; other formats are re-serialised
        by pyoxigraph from a spooled copy."""
        name = _graph_name(from_graph)
        if format is None:
            format = self._guess(output)
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES) as spool:
            self.client.graph_get(spool, graph=name)  # type: ignore[arg-type]
            spool.seek(0)
            # Parsed and written again even as N-Triples: what the server sent is checked,
            # and comes out in pyoxigraph's canonical form, one triple a line.
            triples = ox.parse(spool, format=ox.RdfFormat.N_TRIPLES)
            try:
                return ox.serialize(triples, output, format,
                                    prefixes=dict(prefixes) if prefixes else None)
            except SyntaxError as exc:
                raise self.client.invalid(self.client.endpoint.graph_store, "N-Triples",
                                          exc) from None

    @staticmethod
    def _guess(output: object) -> ox.RdfFormat:
        if isinstance(output, (str, os.PathLike)):
            found = ox.RdfFormat.from_extension(Path(output).suffix.lstrip("."))
            if found is not None:
                return found
        raise ValueError("the dump format is required when the output has no known extension")
