"""kgraph's graph on a SPARQL 1.1 server, edited article by article.

:class:`RemoteStore` is the remote counterpart of :class:`kgraph.store.turtle_store.TurtleStore`:
``with RemoteStore(client).edit() as editor: editor.replace_articles(graphs)``. The
editor (:class:`RemoteEditor`, a :class:`~kgraph.store.editor.GraphEditor`) works on a local
view of the server's triples, fetched a block of subjects at a time, with the edit's
changes applied to it; every batch of articles is committed as one SPARQL Update
request (``DELETE DATA {...} ; INSERT DATA {...}`` of the exact change), so the server
never holds a half-replaced article. Several kgraph processes must not edit the same
server at once: there is no lock, and each computes its change from what it read.
"""
from __future__ import annotations

from collections import Counter
from contextlib import contextmanager
from itertools import chain
from typing import Iterable, Iterator

import pyoxigraph as ox

from ...map.mapping import ArticleGraph
from ...rdf.namespace import KG, RDF
from ..editor import GraphEditor
from .client import Client
from .endpoint import Endpoint
from .graph import RemoteGraph, Term, _graph_name, _term
from .lock import ServerLock
from .transport import count_value

_DG = ox.DefaultGraph()
_TYPE = RDF.type

#: Articles committed to the server in one SPARQL Update request.
COMMIT_SIZE = 100
#: Terms (or rows) per VALUES block: larger prefetches are split into several queries.
VALUES_CHUNK = 1000


class _EditGraph(RemoteGraph):
    """The server's default graph with one edit's uncommitted changes, for a
    :class:`~kgraph.store.editor.GraphEditor`.

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
    """A :class:`~kgraph.store.editor.GraphEditor` over a SPARQL server: each call of
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
    :class:`~kgraph.store.turtle_store.TurtleStore`: ``with RemoteStore(endpoint).edit() as editor``.

    Given an :class:`~kgraph.store.remote.endpoint.Endpoint` (or its URL), each edit opens and closes
    its own :class:`~kgraph.store.remote.client.Client`; a client given is used and left open.
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
