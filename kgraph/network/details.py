"""What a network's visits carry beyond their pair and date: topics, people, agreements,
sources and how each was read; from the store by SPARQL, or (topics and agreements)
from the index's visit table, as visits or as compact rows."""
from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Iterable, Iterator

from ..rdf.tsv import finite_number, term_value
from ..store.views import AGREEMENT, TOPIC, VisitTable
from .pairs import _Dated
from .sparql import _WORKERS, _blocks_rows, _local, _value_rows, _values

# Read for the people and articles found above (%s: VALUES ?p / VALUES ?a).
_Q_PEOPLE = """
SELECT ?p ?name ?role WHERE {
  %s
  OPTIONAL { ?p rdfs:label ?name }
  OPTIONAL { ?p kg:role ?role }
}
"""
_Q_ARTICLES = """
SELECT ?a ?url ?title ?label WHERE {
  %s
  OPTIONAL { ?a schema:url ?url }
  OPTIONAL { ?a schema:headline ?title }
  OPTIONAL { ?a rdfs:label ?label }
}
"""
_ALL_VISITS = "?v kg:visitor [] ."  # every visit (faster than "?v a kg:Visit")
#: The details a network can carry for each visit; :func:`build_network` reads them all
#: by default.
DETAILS = ("topics", "people", "agreements", "sources", "trust")
#: Details read only for the visits a tooltip lists (see ``tip_visits``).
_TIP_DETAILS = {"people", "sources", "trust"}


@dataclass(slots=True)
class _Visit:
    iri: str
    visitor: str
    host: str
    date: str | None
    topics: list[str] = field(default_factory=list)
    leaders: list[dict[str, str]] = field(default_factory=list)
    receivers: list[dict[str, str]] = field(default_factory=list)
    agreements: list[str] = field(default_factory=list)
    sources: list[dict[str, str]] = field(default_factory=list)
    methods: list[str] = field(default_factory=list)
    confidence: float | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"iri": self.iri, "date": self.date, "topics": self.topics,
                "leaders": self.leaders, "receivers": self.receivers,
                "agreements": self.agreements, "sources": self.sources,
                "methods": self.methods, "confidence": self.confidence}


#: A visit in compact form: IRI, date (ISO, or None), agreements signed, topic labels.
Row = tuple[str, "str | None", int, tuple[str, ...]]


def _recency(v: _Visit) -> tuple[bool, str, str]:
    """Sort key of a pair's visits, reversed: latest first, undated last."""
    return (v.date is not None, v.date or "", v.iri)


def _table_rows(pairs: dict[tuple[str, str], list[_Dated]], which: list[tuple[str, str]],
                table: "VisitTable", kinds: set[int], labels: dict[str, str]
                ) -> dict[tuple[str, str], list[Row]]:
    """The visits of the pairs ``which`` as compact rows, latest first, from the visit
    table's details (``kinds``: the detail kinds wanted): the topics and agreements that
    :func:`_table_topics` gives visits, without a Python object per visit. A line of
    details is read once (visits with the same topics have the same line)."""
    assert table.details is not None
    want_topics, want_agreements = TOPIC in kinds, AGREEMENT in kinds
    label_of: dict[str, str] = {}  # topic term → label
    read: dict[str, tuple[int, tuple[str, ...]]] = {}  # a line → (agreements, topics)

    def summary(line: str) -> tuple[int, tuple[str, ...]]:
        cells = line.split("\t") if line else []
        kind = [int(k) for k in cells[0::2]]
        terms = {x for k, x in zip(kind, cells[1::2]) if k == TOPIC} if want_topics else ()
        for x in terms:
            if x not in label_of:
                value = term_value(x)
                label_of[x] = labels.get(value) or _local(value)
        found = read[line] = (kind.count(AGREEMENT) if want_agreements else 0,
                              tuple(sorted({label_of[x] for x in terms})))
        return found

    lines = iter(table.details.lines([f"<{iri}>" for pair in which
                                      for iri, _date in pairs[pair]]))
    out: dict[tuple[str, str], list[Row]] = {}
    for pair in which:
        rows = []
        for iri, date in pairs[pair]:
            line = next(lines)
            rows.append((iri, date, *(read.get(line) or summary(line))))
        out[pair] = _latest_first(rows)
    return out


def _table_topics(visits: dict[str, _Visit], table: "VisitTable", kinds: set[int],
                  labels: dict[str, str]) -> list[tuple[str, int, str]]:
    """Give ``visits`` their topics from the visit table (directly: a hundred thousand
    visits carry a few dozen topics); returns the other rows of ``kinds`` (agreements)
    as (visit, kind, value) for :func:`_add_details`."""
    assert table.details is not None
    topic_label: dict[str, str] = {}
    rest = []
    for iri, visit in visits.items():
        for k, x in table.details.get(f"<{iri}>"):
            if k == TOPIC and k in kinds:
                label = topic_label.get(x)
                if label is None:
                    value = term_value(x)
                    label = topic_label[x] = labels.get(value) or _local(value)
                visit.topics.append(label)
            elif k in kinds:
                rest.append((iri, k, term_value(x)))
        if len(visit.topics) > 1:
            visit.topics = sorted(set(visit.topics))
    return rest


def _latest_first(rows: list[Row]) -> list[Row]:
    """Rows in the order of :func:`_recency`, reversed: latest first, undated last."""
    if len(rows) == 1:
        return rows
    return sorted(rows, key=lambda r: (r[1] is not None, r[1] or "", r[0]), reverse=True)


def _detail_rows(graph: Any, query: str, visits: dict[str, "_Visit"],
                 every: bool) -> Iterator[tuple[str, int, str]]:
    """(visit IRI, kind of detail, value) rows. They come as SPARQL TSV results, split
    here: over twice as fast as pyoxigraph's Python objects for these many rows."""
    queries = [query % _ALL_VISITS] if every else \
        [query % block for block in _values("v", list(visits), _WORKERS)]
    for v, k, x in _blocks_rows(graph, queries):
        yield v, int(k), x  # type: ignore[arg-type]


# One query for every kind of detail: each VALUES block is parsed and matched once.
_BRANCHES = {
    "dates": ["{ ?v kg:date ?x BIND(0 AS ?k) }"],
    "topics": ["{ ?v kg:topic ?x BIND(1 AS ?k) }"],
    "people": ["{ ?v kg:ledBy ?x BIND(2 AS ?k) }", "{ ?v kg:receivedBy ?x BIND(3 AS ?k) }"],
    "agreements": ["{ ?v kg:signedAgreement ?x BIND(4 AS ?k) }"],
    "sources": ["{ ?v kg:source ?x BIND(5 AS ?k) }"],
    "trust": ["{ ?v kg:method ?x BIND(6 AS ?k) }", "{ ?v kg:confidence ?x BIND(7 AS ?k) }"],
}
_Q_AGREEMENT_LABELS = """
SELECT ?a ?label WHERE { %s ?a rdfs:label ?label }
"""


def _add_details(graph: Any, visits: dict[str, _Visit], labels: dict[str, str],
                 wanted: set[str], *, every: bool,
                 known: Iterable[tuple[str, int, str]] = ()) -> None:
    """Read the details of ``visits`` (and their dates when ``dates`` is wanted): every
    visit of the store by scanning (``every``), else by VALUES blocks over their IRIs;
    ``known`` rows (visit, kind, value), read elsewhere, are added to them."""
    branches = [b for name in ("dates", *DETAILS) if name in wanted for b in _BRANCHES[name]]
    query = "SELECT ?v ?k ?x WHERE { %s " + " UNION ".join(branches) + " }"
    rows = _detail_rows(graph, query, visits, every) if branches else iter(())
    found: dict[int, list[tuple[_Visit, str]]] = defaultdict(list)
    touched: dict[str, _Visit] = {}
    for v, k, x in itertools.chain(known, rows):
        visit = visits.get(v)
        if visit is not None:
            found[k].append((visit, x))
            touched[v] = visit

    for visit, date in found[0]:
        visit.date = max(visit.date or "", date)
    for visit, topic in found[1]:
        visit.topics.append(labels.get(topic) or _local(topic))

    people: dict[str, dict[str, Any]] = {}
    blocks = _values("p", sorted({p for k in (2, 3) for _v, p in found[k]}), _WORKERS)
    for p, name, role in _blocks_rows(graph, [_Q_PEOPLE % b for b in blocks]):
        person = people.setdefault(p, {
            "name": name if name is not None else _local(p), "roles": set()})
        if role is not None:
            person["roles"].add(role)
    for k, attr in ((2, "leaders"), (3, "receivers")):
        for visit, p in found[k]:
            person = people.get(p, {"name": _local(p), "roles": set()})
            getattr(visit, attr).append(
                {"name": person["name"], "role": " / ".join(sorted(person["roles"]))})

    agreement_labels: dict[str, str] = {}
    for block in _values("a", sorted({a for _v, a in found[4]})):
        for a, label in _value_rows(graph, _Q_AGREEMENT_LABELS % block):
            agreement_labels.setdefault(a, label)
    for visit, a in found[4]:
        visit.agreements.append(agreement_labels.get(a) or _local(a))

    articles: dict[str, dict[str, str]] = {}
    blocks = _values("a", sorted({a for _v, a in found[5]}), _WORKERS)
    for a, url, title, label in _blocks_rows(graph, [_Q_ARTICLES % b for b in blocks]):
        if a not in articles:
            text = title if title is not None else label
            articles[a] = {"url": url if url is not None else "",
                           "title": text if text is not None else _local(a)}
    for visit, a in found[5]:
        visit.sources.append(articles.get(a, {"url": "", "title": _local(a)}))
    for visit, method in found[6]:
        visit.methods.append(method)
    for visit, value in found[7]:
        confidence = finite_number(value)
        if confidence is not None and (visit.confidence is None or confidence > visit.confidence):
            visit.confidence = confidence

    for visit in touched.values():  # sorted, and once each (a row can come twice)
        if len(visit.topics) > 1:
            visit.topics = sorted(set(visit.topics))
        if visit.leaders:
            visit.leaders = _unique_people(visit.leaders)
        if visit.receivers:
            visit.receivers = _unique_people(visit.receivers)
        if len(visit.agreements) > 1:
            visit.agreements = sorted(set(visit.agreements))
        if len(visit.methods) > 1:
            visit.methods = sorted(set(visit.methods))
        if visit.sources:
            visit.sources = [dict(t) for t in sorted(
                {tuple(sorted(x.items())) for x in visit.sources},
                key=lambda t: (dict(t)["url"], dict(t)["title"]))]


def _unique_people(people: list[dict[str, str]]) -> list[dict[str, str]]:
    return [{"name": n, "role": r} for n, r in sorted({(p["name"], p["role"]) for p in people})]
