"""Which visits a network keeps (:class:`NetworkFilter`), read from the store and grouped
by (visitor region, host region): by SPARQL, or from the index's visit table."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ..errors import UsageError
from ..rdf.tsv import date_value
from ..store.views import VisitTable
from .sparql import _rows, _sparql_iri, _values

_Q_GOVERNMENTS = """
SELECT ?g ?r WHERE { ?g kg:region ?r }
"""
# Only visits have kg:visitor (its domain), so no "?v a kg:Visit" is needed; the date
# is read only to filter on it (an OPTIONAL date costs almost as much as the rest).
# Only visits have kg:visitor (its domain), so "?v a kg:Visit" is not needed.
_Q_VISITS = """
SELECT ?v ?vg ?hg %s WHERE {
  ?v kg:visitor ?vg ; kg:hostedBy ?hg .
  %s
}
"""
_Q_TOPIC_LABELS = """
SELECT ?t ?label WHERE { ?t a kg:Topic ; rdfs:label ?label }
"""


@dataclass(frozen=True)
class NetworkFilter:
    """Which visits, pairs and regions a network keeps (all of them by default)."""

    topics: tuple[str, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None
    region_types: tuple[str, ...] = ()
    min_visits: int = 1
    around: str | None = None

    def describe(self) -> list[str]:
        """The active filters in words, for a page or a report."""
        out = []
        if self.topics:
            out.append("topic " + " or ".join(self.topics))
        if self.since:
            out.append(f"since {self.since.isoformat()}")
        if self.until:
            out.append(f"until {self.until.isoformat()}")
        if self.region_types:
            out.append("region type " + " or ".join(self.region_types))
        if self.min_visits > 1:
            out.append(f"pairs with at least {self.min_visits} visits")
        if self.around:
            out.append(f"around {self.around}")
        return out


def _topic_labels(graph: Any) -> dict[str, str]:
    """Each topic's label: Indonesian, else untagged, else English, else any."""
    rank = {"id": 0, "": 1, "en": 2}
    best: dict[str, tuple[int, str]] = {}
    for t, label in _rows(graph, _Q_TOPIC_LABELS):
        score = (rank.get(label.language or "", 3), label.value)
        if t.value not in best or score < best[t.value]:
            best[t.value] = score
    return {iri: text for iri, (_r, text) in best.items()}


def _topic_iris(graph: Any, wanted: tuple[str, ...], labels: dict[str, str]) -> list[str]:
    from ..resolve.topics import default_scheme, topic_key

    by_key: dict[str, set[str]] = defaultdict(set)
    for t, label in _rows(graph, _Q_TOPIC_LABELS):
        by_key[topic_key(label.value)].add(t.value)
    scheme = default_scheme()
    iris: set[str] = set()
    for text in wanted:
        found = set(by_key.get(topic_key(text), ()))
        topic = scheme.resolve(text)
        if topic is not None:
            found.add(topic.iri)
        if text in labels or text in scheme.topics:
            found.add(text)
        if not found:
            raise UsageError(f"unknown topic {text!r}: not in the store nor in the topic scheme",
                             hint="kgraph topics lists the topics and their labels")
        iris |= found
    return sorted(iris)


def _visit_filter(graph: Any, flt: NetworkFilter, labels: dict[str, str]) -> str:
    parts = []
    if flt.topics:
        iris = ", ".join(_sparql_iri(i) for i in _topic_iris(graph, flt.topics, labels))
        parts.append(f"FILTER EXISTS {{ ?v kg:topic ?ft FILTER(?ft IN ({iris})) }}")
    if flt.since or flt.until:
        parts.append("?v kg:date ?fdate .")
    if flt.since:
        parts.append(f'FILTER(?fdate >= "{flt.since.isoformat()}"^^xsd:date)')
    if flt.until:
        parts.append(f'FILTER(?fdate <= "{flt.until.isoformat()}"^^xsd:date)')
    return "\n  ".join(parts)


_Dated = tuple[str, "str | None"]  # a visit's IRI and date, before it gets details


def _pairs_from_graph(graph: Any, flt: NetworkFilter, labels: dict[str, str]
                      ) -> tuple[dict[tuple[str, str], list[_Dated]], int]:
    """The filtered visits grouped by (visitor region, host region), read from the graph
    in one pass; and how many visits were read."""
    region_of = {g.value: r.value for g, r in _rows(graph, _Q_GOVERNMENTS)}
    where = _visit_filter(graph, flt, labels)
    dated = bool(flt.since or flt.until)
    pairs: dict[tuple[str, str], list[_Dated]] = defaultdict(list)
    seen: set[str] = set()
    for row in _rows(graph, _Q_VISITS % ("?fdate" if dated else "", where)):
        iri = row[0].value
        if iri in seen:
            continue  # a hand-edited visit with two visitors or hosts: keep the first
        seen.add(iri)
        a, b = region_of.get(row[1].value), region_of.get(row[2].value)
        if a is None or b is None:
            continue  # a government without a region: nothing to draw
        pairs[(a, b)].append((iri, row[3].value if dated else None))
    return pairs, len(seen)


def _pairs_from_table(graph: Any, table: "VisitTable", flt: NetworkFilter,
                      labels: dict[str, str]) -> tuple[dict[tuple[str, str], list[_Dated]], int]:
    """:func:`_pairs_from_graph` from the index's visit table (every visit with one
    visitor region, one host region, at most one date, which the visits carry); only a
    topic filter asks the graph, for the visits of those topics."""
    dates = {d: date_value(d) for d in {c[0][2] for c in table.visits.values()} if d}
    keep: set[str] | None = None
    if flt.topics:
        iris = _topic_iris(graph, flt.topics, labels)
        keep = set()
        for block in _values("t", iris):
            keep.update(f"<{v.value}>" for (v,) in _rows(
                graph, "SELECT DISTINCT ?v WHERE { %s ?v kg:topic ?t }" % block))
    since = flt.since.isoformat() if flt.since else None
    until = flt.until.isoformat() if flt.until else None
    dated = bool(since or until)
    pairs: dict[tuple[str, str], list[_Dated]] = defaultdict(list)
    for visit, ((a, b, d),) in table.visits.items():
        if keep is not None and visit not in keep:
            continue
        date = dates.get(d)
        if dated and (date is None or (since and date < since) or (until and date > until)):
            continue
        pairs[(a, b)].append((visit[1:-1], date))
    iri = {r: r[1:-1] for pair in pairs for r in pair}
    return {(iri[a], iri[b]): vs for (a, b), vs in pairs.items()}, len(table.visits)
