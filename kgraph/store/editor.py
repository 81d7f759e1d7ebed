"""Editing the graph of a store: an article's triples replaced, derived ones kept true."""
from __future__ import annotations

from typing import Iterable, Iterator

import pyoxigraph as ox

from ..map.mapping import ArticleGraph
from ..rdf.namespace import DATA_PREFIXES, KG, KG_NS, RDF, RDFS
from .index import count_triples

_DG = ox.DefaultGraph()
# Nodes that stay even when nothing points to them: articles (an article with
# ``visits: []`` is a fact too) and the classes of the ontology.
_KEPT = (DATA_PREFIXES["article"], KG_NS)

# What a visit carries as the union of its reports.
_VISIT_DERIVED = (
    KG.source, KG.method, KG.confidence, KG.ledBy, KG.receivedBy, KG.topic,
    KG.signedAgreement, KG.place, KG.evidence,
)


#: What the visit table of the index (kgraph.store.views) is made of.
_TABLE_PREDICATES = {KG.visitor: 0, KG.hostedBy: 0, KG.date: 0, KG.region: 0,
                     KG.topic: 1, KG.signedAgreement: 1}


class GraphEditor:
    """Replaces what articles said, keeping derived triples and references consistent.

    Derived triples (a visit's union of its reports, people's roles) and the removal of
    nodes nothing refers to any more are computed once, in :meth:`finish`, for all the
    articles of an ingest. Every subject touched is recorded in :attr:`changed`.
    """

    #: Beyond this many changed triples, only changed subjects are remembered (memory).
    TRACK_LIMIT = 300_000

    def __init__(self, graph: ox.Store, count: int | None = 0) -> None:
        self.graph = graph
        self._count = count
        self.saved = False
        self._added: set = set()
        self._removed: set = set()
        self._touched: set | None = None  # subjects, once the limit is passed
        self._visits: set = set()
        self._people: set = set()
        self._orphans: set = set()
        #: Subjects whose triples the index's visit table reads (kgraph.store.views) changed.
        self.table_subjects: set = set()
        #: Subjects whose topics or agreements (the table's details) changed.
        self.detail_subjects: set = set()
        self._table_changes = (self.table_subjects, self.detail_subjects)

    def __len__(self) -> int:
        """Triples in the graph (as counted when it was opened, plus the net change)."""
        if self._count is None:
            self._count = count_triples(self.graph)
            return self._count
        return self._count + len(self._added) - len(self._removed)

    def _overflow(self) -> None:
        """Stop remembering triples: keep their subjects, and count the net change (every
        addition and removal is of a triple that was absent or present)."""
        if self._touched is None and len(self._added) + len(self._removed) > self.TRACK_LIMIT:
            self._touched = {q.subject for q in self._added} | {q.subject for q in self._removed}
            if self._count is not None:
                self._count += len(self._added) - len(self._removed)
            self._added, self._removed = set(), set()

    # ------------------------------------------------------------------ helpers

    @property
    def changed(self) -> set:
        """Subjects whose triples differ from what the store held before the edit (or,
        after very large edits, every subject touched)."""
        if self._touched is not None:
            return self._touched
        return {q.subject for q in self._added} | {q.subject for q in self._removed}

    def _note(self, quad: ox.Quad, added: bool) -> None:
        """Record that ``quad`` was just added to (or removed from) the graph."""
        kind = _TABLE_PREDICATES.get(quad.predicate)
        if kind is not None:
            self._table_changes[kind].add(quad.subject)
        same, opposite = (self._added, self._removed) if added else (self._removed, self._added)
        if self._touched is not None:
            self._touched.add(quad.subject)
            if self._count is not None:
                self._count += 1 if added else -1
        elif quad in opposite:
            opposite.discard(quad)
        else:
            same.add(quad)

    def _add(self, s, p, o) -> None:  # type: ignore[no-untyped-def]
        quad = ox.Quad(s, p, o, _DG)
        if quad not in self.graph:
            self.graph.add(quad)
            self._note(quad, added=True)

    def _remove(self, quad: ox.Quad) -> None:
        self.graph.remove(quad)
        self._note(quad, added=False)

    def _objects(self, s, p) -> list:  # type: ignore[no-untyped-def]
        return [q.object for q in self.graph.quads_for_pattern(s, p, None, _DG)]

    def _subjects(self, p, o) -> list:  # type: ignore[no-untyped-def]
        return [q.subject for q in self.graph.quads_for_pattern(None, p, o, _DG)]

    def _remove_subject(self, s) -> list:  # type: ignore[no-untyped-def]
        quads = list(self.graph.quads_for_pattern(s, None, None, _DG))
        for quad in quads:
            self._remove(quad)
        return quads

    def _referenced(self, node) -> bool:  # type: ignore[no-untyped-def]
        return next(iter(self.graph.quads_for_pattern(None, None, node, _DG)), None) is not None

    # ------------------------------------------------------------------ editing

    def replace_article(self, new: ArticleGraph) -> None:
        """Retract what the article said before, then add what it says now."""
        self.replace_articles([new])

    def replace_articles(self, graphs: Iterable[ArticleGraph]) -> None:
        """:meth:`replace_article` for many articles at once (one write transaction).

        When two of them are the same article, the later one wins.
        """
        latest = {g.article: g for g in graphs}
        for article in latest:
            self._retract(article)
        for g in latest.values():  # what earlier versions called the same article
            for old in g.replaces:
                if old not in latest:
                    self._retract(old)
        triples: set = set()  # articles repeat the same reference triples: dedupe first
        pending: set = set()
        labels: dict = {}
        for g in latest.values():
            triples.update(g.reference)
            triples.update(g.owned)
            pending.update(self._derived_additions(g))
            for person, label in g.person_labels.items():
                labels.setdefault(person, label)
        pending.update(ox.Quad(s, p, o, _DG) for s, p, o in triples)
        for person, label in labels.items():
            if not self._objects(person, RDFS.label):
                pending.add(ox.Quad(person, RDFS.label, label, _DG))
        missing = getattr(self.graph, "missing", None)  # a remote graph: one request
        fresh = missing(pending) if missing else self._missing(pending)
        self.graph.extend(fresh)
        for quad in fresh:
            self._note(quad, added=True)
        self._overflow()

    def _missing(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """Those of ``quads`` the graph lacks: for a subject the graph does not know (a new
        article's reports, visits ...), all of its quads, after one lookup."""
        by_subject: dict = {}
        for quad in quads:
            by_subject.setdefault(quad.subject, []).append(quad)
        found: list[ox.Quad] = []
        for subject, group in by_subject.items():
            if len(group) > 1 and next(iter(self.graph.quads_for_pattern(
                    subject, None, None, _DG)), None) is None:
                found.extend(group)
            else:
                found.extend(q for q in group if q not in self.graph)
        return found

    def _derived_additions(self, g: ArticleGraph) -> Iterator[ox.Quad]:
        """What a new article adds to its visits and people. Unions only grow when
        reports are added, so this is exact; retractions are recomputed in finish()."""
        visit_of: dict = {}
        parties: dict = {}
        for s, p, o in g.reference:
            if p in (KG.visitor, KG.hostedBy):
                parties[(s, p)] = o
        for s, p, o in g.owned:
            if p == KG.visit:
                visit_of[s] = o
        roles: dict = {}
        for s, p, o in g.owned:
            if p in (KG.leaderRole, KG.receiverRole):
                roles[(s, p)] = o
        for s, p, o in g.owned:
            v = visit_of.get(s)
            if v is None:
                continue
            if p == KG.confidence:
                self._visits.add(v)  # a maximum, not a union: recompute
            elif p in _VISIT_DERIVED:
                yield ox.Quad(v, p, o, _DG)
            if p in (KG.ledBy, KG.receivedBy):
                lead = p == KG.ledBy
                role = roles.get((s, KG.leaderRole if lead else KG.receiverRole))
                if role is not None:
                    yield ox.Quad(o, KG.role, role, _DG)
                government = parties.get((v, KG.visitor if lead else KG.hostedBy))
                if government is not None:
                    yield ox.Quad(o, KG.affiliation, government, _DG)

    def remove_article(self, article: ox.NamedNode) -> None:
        """Retract everything an article said."""
        self._retract(article)

    def finish(self) -> None:
        """Recompute derived triples and drop orphans for everything edited so far."""
        self._derive(self._visits, self._people)
        self._collect(self._orphans | self._visits | self._people)
        self._overflow()
        self._visits, self._people, self._orphans = set(), set(), set()

    def _retract(self, article: ox.NamedNode) -> None:
        for report in self._subjects(KG.source, article):
            if ox.Quad(report, RDF.type, KG.VisitReport, _DG) not in self.graph:
                continue
            for quad in self._remove_subject(report):
                if quad.predicate == KG.visit:
                    self._visits.add(quad.object)
                elif quad.predicate in (KG.ledBy, KG.receivedBy):
                    self._people.add(quad.object)
                elif isinstance(quad.object, ox.NamedNode) and quad.predicate != KG.source:
                    self._orphans.add(quad.object)
        self._remove_subject(article)

    def _replace_values(self, s, predicates, values: set) -> None:  # type: ignore[no-untyped-def]
        """Make the (p, o) pairs of ``s`` over ``predicates`` exactly ``values``."""
        current = {(q.predicate, q.object)
                   for p in predicates for q in self.graph.quads_for_pattern(s, p, None, _DG)}
        for p, o in current - values:
            self._remove(ox.Quad(s, p, o, _DG))
        for p, o in values - current:
            self._add(s, p, o)

    def _derive(self, visits: set, people: set) -> None:
        """Recompute each visit's union of its reports, and people's roles/affiliations."""
        for v in visits:
            values: set = set()
            confidences = []
            for report in self._subjects(KG.visit, v):
                for quad in self.graph.quads_for_pattern(report, None, None, _DG):
                    if quad.predicate == KG.confidence:
                        confidences.append(quad.object)
                    elif quad.predicate in _VISIT_DERIVED:
                        values.add((quad.predicate, quad.object))
            if confidences:
                values.add((KG.confidence, max(confidences, key=lambda lit: float(lit.value))))
            self._replace_values(v, _VISIT_DERIVED, values)
        for person in people:
            values = set()
            for link, role_prop, party in (
                (KG.ledBy, KG.leaderRole, KG.visitor),
                (KG.receivedBy, KG.receiverRole, KG.hostedBy),
            ):
                for report in self._subjects(link, person):
                    for role in self._objects(report, role_prop):
                        values.add((KG.role, role))
                    for visit in self._objects(report, KG.visit):
                        for government in self._objects(visit, party):
                            values.add((KG.affiliation, government))
            self._replace_values(person, (KG.role, KG.affiliation), values)

    def _collect(self, candidates: set) -> None:
        """Delete nodes no longer referenced by anything (visits, people, governments,
        regions, topics, agreements), following what they referenced in turn."""
        work = [c for c in candidates if isinstance(c, ox.NamedNode)]
        while work:
            node = work.pop()
            if node.value.startswith(_KEPT) or self._referenced(node):
                continue
            if node.value.startswith(DATA_PREFIXES["visit"]) and self._subjects(KG.visit, node):
                continue
            removed = self._remove_subject(node)
            work.extend(q.object for q in removed if isinstance(q.object, ox.NamedNode)
                        and q.predicate != RDF.type)
