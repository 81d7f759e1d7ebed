"""kgraph's graph on a SPARQL 1.1 server: read it as if it were a pyoxigraph ``Store``,
and edit it article by article.

:class:`RemoteGraph` answers what kgraph's readers (``query``, ``viz``, ``stats``,
``export``) ask of a pyoxigraph ``Store`` — ``query``, ``quads_for_pattern``, ``len``,
``in`` and ``dump`` — through the SPARQL 1.1 Protocol and the Graph Store HTTP Protocol.
Only the server's default graph is kgraph's.

:class:`RemoteStore` is the remote counterpart of :class:`kgraph.store.TurtleStore`:
``with RemoteStore(client).edit() as editor: editor.replace_articles(graphs)``. The
editor (:class:`RemoteEditor`, a :class:`~kgraph.store.GraphEditor`) works on a local
view of the server's triples, fetched a block of subjects at a time, with the edit's
changes applied to it; every batch of articles is committed as one SPARQL Update
request (``DELETE DATA {...} ; INSERT DATA {...}`` of the exact change), so the server
never holds a half-replaced article. Several kgraph processes must not edit the same
server at once: there is no lock, and each computes its change from what it read.
"""
from __future__ import annotations

import os
import re
import tempfile
from collections import Counter
from contextlib import contextmanager
from functools import lru_cache
from itertools import chain
from pathlib import Path
from typing import IO, Iterable, Iterator, Mapping, Union

import pyoxigraph as ox

from ...map.mapping import ArticleGraph
from ...rdf.namespace import KG, RDF
from .client import Client, Endpoint, RemoteError, count_value
from .lock import ServerLock
from ..turtle_store import GraphEditor

_DG = ox.DefaultGraph()
_TYPE = RDF.type
Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]

#: Articles committed to the server in one SPARQL Update request.
COMMIT_SIZE = 100
#: Terms (or rows) per VALUES block: larger prefetches are split into several queries.
VALUES_CHUNK = 1000
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
    from ...query import declared_prefixes

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
    from ...query import blank_opaque

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
    :class:`kgraph.remote.Client`) with the calls kgraph makes on a pyoxigraph ``Store``.

    Read-only. Failures are :class:`~kgraph.remote.RemoteError` naming the endpoint.
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
        from ...query import query_form

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


# ---------------------------------------------------------------------------- editing


class _EditGraph(RemoteGraph):
    """The server's default graph with one edit's uncommitted changes, for a
    :class:`~kgraph.store.GraphEditor`.

    ``view`` is a local pyoxigraph store holding what was read from the server, with the
    edit's changes applied: everything in it is in the edited graph. A pattern is
    answered from ``view`` only when its bound subject, object or (predicate, object)
    pair is *complete* (every server triple with it was read); else the missing block
    is fetched first. ``added`` and ``removed`` are the exact change to send.
    """

    def __init__(self, client: Client) -> None:
        super().__init__(client)
        self._clear()

    def _clear(self) -> None:
        self.view = ox.Store()
        self.added: set[ox.Quad] = set()
        self.removed: set[ox.Quad] = set()
        self._removed_to: Counter = Counter()  # removed triples by object
        self._subjects: set = set()
        self._objects: set = set()
        self._pairs: set = set()
        self._references: dict = {}  # object → server triples pointing to it
        self._expanded: set = set()

    # ------------------------------------------------------------------ reading

    def prefetch(self, *, subjects: Iterable[Term] = (),
                 pairs: Iterable[tuple[Term, Term]] = (),
                 hops: Iterable[tuple[Term, Term, Term]] = (),
                 objects: Iterable[Term] = (), references: Iterable[Term] = (),
                 expand: Iterable[Term] = ()) -> None:
        """Read in one query (per :data:`VALUES_CHUNK` terms) what is not complete yet:
        the triples of ``subjects``; the triples of every subject having a (predicate,
        object) of ``pairs``; for ``hops`` ``(p, o, q)``, the triples of every ``?x``
        with ``?r p o . ?r q ?x``; the triples pointing to ``objects``; how many
        triples point to each of ``references`` (for :meth:`referenced`); and, for the
        IRIs that the nodes of ``expand`` point to (but their classes), both their
        triples and how many triples point to them: what collecting orphans asks next."""
        wanted = {
            "s": [s for s in dict.fromkeys(subjects) if s not in self._subjects],
            "pair": [po for po in dict.fromkeys(pairs)
                     if po[1] not in self._objects and po not in self._pairs],
            "hop": list(dict.fromkeys(hops)),
            "o": [o for o in dict.fromkeys(objects) if o not in self._objects],
            "n": [o for o in dict.fromkeys(references) if o not in self._references],
            "x": [n for n in dict.fromkeys(expand) if n not in self._expanded],
        }
        longest = max(len(v) for v in wanted.values())
        for start in range(0, longest, VALUES_CHUNK):
            part = {k: v[start:start + VALUES_CHUNK] for k, v in wanted.items()}
            if any(part.values()):
                self._fetch(part)

    def _values(self, rows: list) -> str:
        return " ".join(_term(r, self.url) if not isinstance(r, tuple)
                        else "(" + " ".join(_term(t, self.url) for t in r) + ")" for r in rows)

    def _fetch(self, part: dict[str, list]) -> None:
        branches = []
        if part["s"]:
            branches.append(f"VALUES ?s {{ {self._values(part['s'])} }} ?s ?p ?o BIND(1 AS ?all)")
        if part["pair"]:
            branches.append(f"VALUES (?lp ?lo) {{ {self._values(part['pair'])} }} "
                            "?s ?lp ?lo . ?s ?p ?o BIND(1 AS ?all)")
        if part["hop"]:
            branches.append(f"VALUES (?hp ?ho ?hq) {{ {self._values(part['hop'])} }} "
                            "?r ?hp ?ho ; ?hq ?s . ?s ?p ?o BIND(1 AS ?all)")
        if part["o"]:
            branches.append(f"VALUES ?o {{ {self._values(part['o'])} }} ?s ?p ?o")
        if part["n"]:
            branches.append(f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ VALUES ?o "
                            f"{{ {self._values(part['n'])} }} ?s ?p ?o }} GROUP BY ?o")
        if part["x"]:
            targets = (f"SELECT DISTINCT ?t WHERE {{ VALUES ?x {{ {self._values(part['x'])} }} "
                       f"?x ?xp ?t FILTER(isIRI(?t) && ?xp != {_term(_TYPE, self.url)}) }}")
            branches.append(f"{{ {targets} }} BIND(?t AS ?s) ?s ?p ?o BIND(1 AS ?all)")
            branches.append(f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ {{ {targets} }} "
                            "BIND(?t AS ?o) ?s ?p ?o } GROUP BY ?o")
        union = " UNION ".join(f"{{ {b} }}" for b in branches)
        complete = set(part["s"])
        for row in self._select(f"SELECT ?s ?p ?o ?all ?n WHERE {{ {union} }}"):
            if row["n"] is not None:
                self._references[row["o"]] = count_value(row["n"], self.client.endpoint.query)
                continue
            quad = ox.Quad(row["s"], row["p"], row["o"], _DG)
            if quad not in self.removed:
                self.view.add(quad)
            if row["all"] is not None:
                complete.add(row["s"])
        self._subjects |= complete
        self._pairs.update(part["pair"])
        self._objects.update(part["o"])
        for o in part["n"]:
            self._references.setdefault(o, 0)
        self._expanded.update(part["x"])

    def _complete(self, quad: ox.Quad) -> bool:
        return (quad.subject in self._subjects or quad.object in self._objects
                or (quad.predicate, quad.object) in self._pairs)

    def quads_for_pattern(self, subject: Term | None, predicate: Term | None,
                          object: Term | None,  # noqa: A002 - pyoxigraph's name
                          graph_name: ox.NamedNode | ox.DefaultGraph | None = None,
                          ) -> list[ox.Quad]:
        if _graph_name(graph_name) is not None:
            raise ValueError("kgraph edits only the default graph of a SPARQL server")
        if subject is not None:
            self.prefetch(subjects=[subject])
        elif object is not None and predicate is not None:
            self.prefetch(pairs=[(predicate, object)])
        elif object is not None:
            self.prefetch(objects=[object])
        else:  # a scan of a predicate, or of everything: read it, don't keep it
            found = [q for q in super().quads_for_pattern(None, predicate, None)
                     if q not in self.removed]
            return found + [q for q in self.added if predicate in (None, q.predicate)]
        return list(self.view.quads_for_pattern(subject, predicate, object, _DG))

    def __contains__(self, quad: ox.Quad | ox.Triple) -> bool:  # type: ignore[override]
        quad = ox.Quad(quad.subject, quad.predicate, quad.object, _DG)
        if quad in self.added:
            return True
        if quad in self.removed:
            return False
        if not self._complete(quad):
            self.prefetch(subjects=[quad.subject])
        return quad in self.view

    def missing(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """Those of ``quads`` the graph lacks; the blocks of their subjects not read yet
        are fetched in one query."""
        quads = list(quads)
        self.prefetch(subjects=[q.subject for q in quads
                                if q not in self.added and not self._complete(q)])
        return [q for q in quads if q not in self]

    def referenced(self, node: Term) -> bool:
        """Whether any triple of the edited graph has ``node`` as its object."""
        if next(iter(self.view.quads_for_pattern(None, None, node, _DG)), None) is not None:
            return True
        if node in self._objects:
            return False
        if node not in self._references:  # read ahead what collecting it would ask next
            self.prefetch(subjects=[node], references=[node], expand=[node])
        return self._references[node] > self._removed_to[node]

    def __len__(self) -> int:
        return super().__len__() + len(self.added) - len(self.removed)

    # ------------------------------------------------------------------ changing

    def add(self, quad: ox.Quad) -> None:
        if quad in self:
            return
        self.view.add(quad)
        if quad in self.removed:
            self.removed.discard(quad)
            self._removed_to[quad.object] -= 1
        else:
            self.added.add(quad)

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        for quad in quads:
            self.add(quad)

    def remove(self, quad: ox.Quad) -> None:
        if quad not in self:
            return
        self.view.remove(quad)
        if quad in self.added:
            self.added.discard(quad)
        else:
            self.removed.add(quad)
            self._removed_to[quad.object] += 1

    def commit(self) -> bool:
        """Send the change as one SPARQL Update request and start afresh; returns whether
        there was anything to send. The request carries the exact change (DELETE DATA of
        triples the server has, INSERT DATA of triples it lacks), so sending it again
        after a lost answer changes nothing: it is retried as idempotent."""
        parts = []
        for keyword, quads in (("DELETE", self.removed), ("INSERT", self.added)):
            if quads:
                lines = sorted(" ".join(_term(t, self.url) for t in (q.subject, q.predicate,
                                                                     q.object)) + " ."
                               for q in quads)
                parts.append(f"{keyword} DATA {{\n" + "\n".join(lines) + "\n}")
        if parts:
            self.client.update(" ;\n".join(parts), idempotent=True)
        self._clear()  # the view could stay valid; dropping it bounds the memory
        return bool(parts)


def _needs(batch: list[ArticleGraph]) -> dict[str, list]:
    """What replacing ``batch`` reads: the articles and every report and visit citing them,
    and the subjects the new triples describe or derive (reports, visits, people ...)."""
    subjects: dict = {}
    articles = [a for g in batch for a in (g.article, *g.replaces)]
    for g in batch:
        subjects.update(dict.fromkeys((g.article, *g.replaces)))
        subjects.update(dict.fromkeys(g.person_labels))
        for s, p, o in chain(g.owned, g.reference):
            subjects[s] = None
            if p in (KG.visit, KG.ledBy, KG.receivedBy):
                subjects[o] = None
    return {"subjects": list(subjects), "pairs": [(KG.source, a) for a in articles]}


class RemoteEditor(GraphEditor):
    """A :class:`~kgraph.store.GraphEditor` over a SPARQL server: each call of
    :meth:`replace_articles` is committed to the server, :data:`COMMIT_SIZE` articles per
    SPARQL Update request, before it returns."""

    graph: _EditGraph
    lock: ServerLock | None = None

    def replace_articles(self, graphs: Iterable[ArticleGraph]) -> None:
        """Replace the articles and commit them, a batch per request (see the class)."""
        graphs = list(graphs)
        for start in range(0, len(graphs), COMMIT_SIZE):
            batch = graphs[start:start + COMMIT_SIZE]
            self.graph.prefetch(**_needs(batch))
            super().replace_articles(batch)
            self.finish()
            self.commit()

    def finish(self) -> None:
        """Read in one query what recomputing the touched visits and people and collecting
        orphans will ask, then do it (:meth:`GraphEditor.finish`)."""
        links = (KG.ledBy, KG.receivedBy)
        self.graph.prefetch(
            subjects=self._visits | self._people | self._orphans,
            pairs=[(KG.visit, v) for v in self._visits]
            + [(link, p) for p in self._people for link in links],
            hops=[(link, p, KG.visit) for p in self._people for link in links],
            references=self._orphans | self._visits | self._people,
            expand=self._orphans | self._visits | self._people,
        )
        super().finish()

    def commit(self) -> None:
        """Send what is not on the server yet (after :meth:`finish`), while this edit
        still holds the server's lock."""
        if self.lock is not None and (self.graph.added or self.graph.removed):
            self.lock.renew()
        if self.graph.commit():
            self.saved = True

    def _referenced(self, node) -> bool:  # type: ignore[no-untyped-def]
        return self.graph.referenced(node)


class RemoteStore:
    """A SPARQL server as kgraph's store, edited like a
    :class:`~kgraph.store.TurtleStore`: ``with RemoteStore(endpoint).edit() as editor``.

    Given an :class:`~kgraph.remote.Endpoint` (or its URL), each edit opens and closes
    its own :class:`~kgraph.remote.Client`; a client given is used and left open.
    """

    def __init__(self, target: Client | Endpoint | str) -> None:
        self.target = target

    @property
    def url(self) -> str:
        target = self.target
        if isinstance(target, Client):
            return target.endpoint.url
        return target.url if isinstance(target, Endpoint) else target

    @contextmanager
    def _client(self) -> Iterator[Client]:
        if isinstance(self.target, Client):
            yield self.target
            return
        endpoint = self.target if isinstance(self.target, Endpoint) \
            else Endpoint.resolve(self.target)
        with Client(endpoint) as client:
            yield client

    @contextmanager
    def edit(self) -> Iterator[RemoteEditor]:
        """Yield an editor whose batches of articles are committed as they are replaced;
        on a normal exit, what else changed (:meth:`GraphEditor.remove_article`) is
        committed too. When the block raises, the uncommitted rest is dropped: the server
        holds the batches committed before, each whole. ``editor.saved`` tells whether
        anything was written."""
        with self._client() as client, ServerLock(client) as lock:
            graph = _EditGraph(client)
            editor = RemoteEditor(graph, len(graph))
            editor.lock = lock
            yield editor
            editor.finish()
            editor.commit()
