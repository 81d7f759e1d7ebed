"""The visit network: regions as nodes, "visited" as directed edges, read from the store.

:func:`build_network` runs a few SPARQL queries over the store (one per kind of fact, each
a scan of one predicate, no self-joins) and joins them in Python into a
:class:`networkx.DiGraph`:

- a node per region (its IRI): ``label`` (official name), ``code`` (None when unresolved),
  ``type`` (kota, kabupaten, provinsi, kota administrasi; None when unresolved),
  ``province``/``province_code`` (a province is its own), ``latitude``/``longitude``,
  ``resolved``, ``visits_made``/``visits_received``/``visits`` counted in the network, and
  ``partners`` (its ten main partners: ``region``, ``label``, ``visited``, ``visited_by``);
- an edge visitor-region → host-region per pair: ``count``, ``first``/``last`` (dates),
  ``dates``, ``topics`` (label → number of visits, most frequent first), ``leaders``,
  ``agreements``, ``sources`` (URLs) and ``visits``: one dict per visit, latest first, with
  ``iri``, ``date``, ``topics``, ``leaders``/``receivers`` (``{"name", "role"}``),
  ``agreements``, ``sources`` (``{"url", "title"}``), ``methods`` (``kg:method``:
  "annotated", "extracted") and ``confidence`` (the highest ``kg:confidence``, or None);
  ``details`` is False for a pair whose people, sources and methods were not read (see
  ``tip_pairs``); ``rank`` is the pair's place in the order of the most visited first
  (then those of the busiest regions, then by the regions' names), counted from 0;
- with ``compact`` (what ``kgraph viz`` draws from), the pairs beyond the ``tip_pairs``
  most visited carry only ``count``, ``first``, ``last``, ``details`` (False), ``rank``
  and ``compact``: their visits as ``(iri, date, agreements, topics)`` tuples, latest
  first (the ISO date or None, the number of agreements signed, the sorted topic labels).

Filters select visits (``topics``, ``since``, ``until``, ``region_types``), then pairs
(``min_visits``), then a neighbourhood (``around``); ``max_edges`` keeps the most visited
pairs. ``level="province"`` draws each region as its province (see :mod:`kgraph.levels`).
The graph's attributes: ``filters`` (in words), ``filter`` (the :class:`NetworkFilter`),
``level``, and ``regions``, ``pairs`` and ``visits`` of the network before ``max_edges``.

Reading is planned for a large store on disk (100k visits): one scan of the visits
(visitor, host), one of their dates, and the details only of the visits kept (by VALUES
blocks when they are a minority); people and articles are read once each. With the
index's visit table and ``compact``, the compact pairs are read from the table alone,
without a Python object per visit.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import gc
import heapq
import itertools
import math
import os
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterable, Iterator

import pyoxigraph as ox

from ..errors import KGraphError, UsageError
from .levels import at_level, check_level
from ..rdf.namespace import DATA_PREFIXES, PREFIXES
from ..store.views import AGREEMENT, TOPIC, VisitTable
from ..rdf.tsv import blocks, date_value, finite_number, select_tsv, term_value, tsv_rows

if TYPE_CHECKING:  # networkx is imported when used: kgraph starts faster
    import networkx as nx

#: Region types a filter can name; "kota" also covers "kota administrasi" (as in the gazetteer).
REGION_TYPES = ("kota", "kabupaten", "provinsi")
_TYPE_GROUP = {"kota": "kota", "kota administrasi": "kota", "kabupaten": "kabupaten",
               "kabupaten administrasi": "kabupaten", "provinsi": "provinsi"}

_HEADER = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())

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
_Q_REGIONS = """
SELECT ?r ?label ?code ?type ?lat ?lon ?prov ?provLabel ?provCode WHERE {
  { SELECT DISTINCT ?r WHERE { ?g kg:region ?r } }
  OPTIONAL { ?r rdfs:label ?label }
  OPTIONAL { ?r kg:code ?code }
  OPTIONAL { ?r kg:regionType ?type }
  OPTIONAL { ?r schema:latitude ?lat ; schema:longitude ?lon }
  OPTIONAL { ?r kg:province ?prov
             OPTIONAL { ?prov rdfs:label ?provLabel }
             OPTIONAL { ?prov kg:code ?provCode } }
}
"""
_Q_TOPIC_LABELS = """
SELECT ?t ?label WHERE { ?t a kg:Topic ; rdfs:label ?label }
"""
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


def _as_date(value: dt.date | str | None, name: str) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value.date() if isinstance(value, dt.datetime) else value
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise KGraphError(f"{name}: not a date (YYYY-MM-DD): {value!r}") from None


def build_network(
    store: str | os.PathLike[str],
    *,
    topics: Iterable[str] = (),
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    region_types: Iterable[str] = (),
    min_visits: int = 1,
    around: str | None = None,
    max_edges: int = 0,
    details: Iterable[str] = DETAILS,
    tip_visits: int = 0,
    tip_pairs: int = 0,
    level: str = "region",
    compact: bool = False,
) -> "nx.DiGraph":
    """The visit network of the store at ``store`` (see the module docstring).

    ``topics`` keeps visits with any of these topics (a label in Indonesian or English,
    an alternative label such as "PAD", or the topic's IRI); ``since``/``until`` keep
    dated visits in that range (inclusive); ``region_types`` keeps visits whose both
    regions are of these types; ``min_visits`` keeps pairs with at least that many
    visits; ``around`` keeps one region (a code, name or mention such as "Pemkot
    Malang"), the regions it visited or was visited by, and those visits. ``max_edges``
    (0: no limit) then keeps the most visited pairs only; the graph attributes
    ``regions``, ``pairs`` and ``visits`` still count the network before that cut, and
    the regions' visit counts are not cut either. ``details`` chooses which of
    :data:`DETAILS` the visits carry (fewer is faster on a large store); with
    ``tip_visits`` (N > 0), people, sources and methods are read only for the N latest
    visits of each pair, as a tooltip lists them (so the pair's ``leaders`` and ``sources``
    come from those visits only), and with ``tip_pairs`` (M > 0) only for the M most
    visited pairs. ``level`` is ``"region"`` or ``"province"`` (:data:`kgraph.levels.LEVELS`).
    ``compact`` (with ``tip_pairs``) gives the other pairs in compact form only (see the
    module docstring): the fastest network to draw from a large store.

    Raises :class:`~kgraph.errors.StoreError` for a missing or invalid store and
    :class:`~kgraph.errors.KGraphError` for an unknown topic, region type or region.
    """
    from ..store.index import Index
    from ..store.graph import open_graph, recovering, remote_endpoint

    flt = NetworkFilter(
        topics=tuple(topics), since=_as_date(since, "since"), until=_as_date(until, "until"),
        region_types=tuple(region_types), min_visits=int(min_visits), around=around,
    )
    for kind in flt.region_types:
        if kind not in REGION_TYPES:
            raise KGraphError(f"unknown region type {kind!r}; expected one of "
                              + ", ".join(REGION_TYPES))
    if flt.min_visits < 1:
        raise KGraphError("min_visits must be at least 1")
    if max_edges < 0:
        raise KGraphError("max_edges must be 0 (no limit) or more")
    check_level(level)
    wanted = tuple(details)
    for name in wanted:
        if name not in DETAILS:
            raise KGraphError(f"unknown detail {name!r}; expected some of {', '.join(DETAILS)}")

    def build() -> "nx.DiGraph":
        index = Index(store) if remote_endpoint(store) is None else None
        before = index.fresh_snapshot() if index is not None else None
        table = index.snapshot_table(details=True) \
            if index is not None and before is not None else None
        graph = open_graph(store)
        if index is not None and index.fresh_snapshot() != before:
            table = None  # a writer published meanwhile: the table may not be the graph's
        return network_from_graph(graph, flt, max_edges=max_edges, details=wanted,
                                  table=table, tip_visits=tip_visits, tip_pairs=tip_pairs,
                                  level=level, compact=compact)

    endpoint = remote_endpoint(store)
    with paused_gc():
        if endpoint is None:
            return recovering(store, build)  # a damaged index is rebuilt
        try:
            return build()
        except (ValueError, TypeError, KeyError, IndexError) as exc:  # values of the wrong kind
            from ..store.remote.endpoint import RemoteError

            raise RemoteError(f"{endpoint.query} sent results kgraph cannot read: {exc}",
                              url=endpoint.query) from None


@contextlib.contextmanager
def paused_gc() -> Iterator[None]:
    """Python's cycle collector paused: building a hundred thousand small objects that
    are all kept would otherwise run it again and again over every object (a third of
    the time of a network of 100k visits), to find nothing. Reference counting still
    frees what is dropped."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _rows(graph: Any, query: str) -> Iterator[Any]:
    return iter(graph.query(_HEADER + query))


#: Queries run side by side (see :func:`_blocks_rows`).
_WORKERS = min(4, os.cpu_count() or 1)


def _values(var: str, iris: list[str], parts: int = 1) -> Iterator[str]:
    """``VALUES ?var`` blocks of ``iris`` (see :func:`kgraph.views.blocks`)."""
    for block in blocks([f"<{iri}>" for iri in iris], parts):
        yield f"VALUES ?{var} {{ {block} }}"


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


def _sparql_iri(iri: str) -> str:
    if any(c in iri for c in '<>"{}|^`\\ \n\t'):
        raise KGraphError(f"not a usable IRI: {iri!r}")
    return f"<{iri}>"


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


def _regions(graph: Any) -> dict[str, dict[str, Any]]:
    regions: dict[str, dict[str, Any]] = {}
    for r, label, code, kind, lat, lon, prov, prov_label, prov_code in _rows(graph, _Q_REGIONS):
        if r.value in regions:
            continue
        node = {
            "label": label.value if label is not None else _local(r.value),
            "code": code.value if code is not None else None,
            "type": kind.value if kind is not None else None,
            "latitude": _float(lat, 90), "longitude": _float(lon, 180),
            "province": None, "province_code": None,
        }
        node["resolved"] = node["code"] is not None
        if prov is not None:
            node["province"] = prov_label.value if prov_label is not None else None
            node["province_code"] = prov_code.value if prov_code is not None else None
        elif node["type"] == "provinsi":
            node["province"], node["province_code"] = node["label"], node["code"]
        regions[r.value] = node
    return regions


def _local(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1]


def _float(term: Any, limit: float = math.inf) -> float | None:
    """The number a literal holds; None when it holds none, or NaN, infinity or a value
    beyond ``limit`` (a hand-edited store must not break a map)."""
    if term is None:
        return None
    try:
        value = float(term.value)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= limit else None


def network_from_graph(graph: Any, flt: NetworkFilter = NetworkFilter(), *,
                       max_edges: int = 0, details: Iterable[str] = DETAILS,
                       table: "VisitTable | None" = None, tip_visits: int = 0,
                       tip_pairs: int = 0, level: str = "region",
                       compact: bool = False) -> "nx.DiGraph":
    """The visit network of an open pyoxigraph store (see :func:`build_network`).

    ``table``, the visit table of the index snapshot ``graph`` is (see
    :mod:`kgraph.views`), saves reading every visit from the graph.
    """
    import networkx as nx

    labels = _topic_labels(graph)
    regions = _regions(graph)
    allowed = {t for t, group in _TYPE_GROUP.items() if group in flt.region_types}
    dated = bool(flt.since or flt.until)
    dates_known = table is not None and table.simple()
    if dates_known:
        pairs, read = _pairs_from_table(graph, table, flt, labels)  # type: ignore[arg-type]
    else:
        pairs, read = _pairs_from_graph(graph, flt, labels)
    if allowed:
        pairs = {(a, b): vs for (a, b), vs in pairs.items()
                 if regions.get(a, {}).get("type") in allowed
                 and regions.get(b, {}).get("type") in allowed}

    node_of = None
    if level != "region":
        pairs, regions, node_of = at_level(level, pairs, regions)
    if flt.min_visits > 1:
        pairs = {k: vs for k, vs in pairs.items() if len(vs) >= flt.min_visits}
    notes = []
    if flt.around:
        center = find_region(None, flt.around, regions=regions)
        center = node_of(center) if node_of is not None else center
        pairs = {k: vs for k, vs in pairs.items() if center in k}
        if not pairs:
            name = regions.get(center, {}).get("label") or _gazetteer_name(center)
            kept = " that the other filters keep" if flt.describe()[:-1] else ""
            notes.append(f"{name} has no visits{kept} in the store")

    # Counts of the whole (filtered) network, before keeping the top pairs.
    made: Counter[str] = Counter()
    received: Counter[str] = Counter()
    # region → partner → [visits made to it, visits received from it]
    partners: dict[str, dict[str, list[int]]] = defaultdict(dict)
    for (a, b), vs in pairs.items():
        n = len(vs)
        made[a] += n
        received[b] += n
        if a != b:  # a visit inside one province (--level province) is no partnership
            out = partners[a].get(b)
            if out is None:
                out = partners[a][b] = [0, 0]
            out[0] += n
            inc = partners[b].get(a)
            if inc is None:
                inc = partners[b][a] = [0, 0]
            inc[1] += n
    totals = {"regions": len(set(made) | set(received)), "pairs": len(pairs),
              "visits": sum(made.values())}

    # The most visited pairs first, then those of the busiest regions; the same order
    # whichever way the visits were read (kgraph.viz.ranked_edges draws them in it).
    busy = {r: made[r] + received[r] for r in set(made) | set(received)}
    names = {r: regions.get(r, {}).get("label", "") for r in busy}
    kept = [k for *_key, k in sorted(
        (-len(vs), -(busy[a] + busy[b]), names[a], names[b], (a, b))
        for (a, b), vs in pairs.items())]
    if max_edges and len(kept) > max_edges:
        kept = kept[:max_edges]
    tipped = kept[:tip_pairs] if tip_pairs else kept
    with_table = dates_known and table is not None and table.details is not None
    wanted = set(details) | (set() if dated or dates_known else {"dates"})
    kinds = {k for name, k in (("topics", TOPIC), ("agreements", AGREEMENT)) if name in wanted}
    # Compact pairs are only summed up, in rows: read from the table when there is one
    # (below), else from their visits' details.
    summed = kept[len(tipped):] if compact else []
    in_rows = set(summed) if with_table else set()
    # (IRI, date) pairs become visits, to carry details, for the other pairs.
    edges = {(a, b): [_Visit(iri, a, b, date) for iri, date in pairs[(a, b)]]
             for a, b in kept if (a, b) not in in_rows}
    visits = {v.iri: v for vs in edges.values() for v in vs}
    # Scanning reads every visit of the store; VALUES blocks cost more per visit.
    every = 2 * len(visits) >= read
    later = _TIP_DETAILS & wanted if tip_visits else set()
    if compact:  # no compact pair shows them: read for the tooltips' pairs only
        later |= _TIP_DETAILS & wanted
    known: list[tuple[str, int, str]] = []
    if with_table:
        wanted -= {"topics", "agreements"}
        known = _table_topics(visits, table, kinds, labels)  # type: ignore[arg-type]
    if visits:
        _add_details(graph, visits, labels, wanted - later, every=every, known=known)
    rows = {pair: [(v.iri, v.date, len(v.agreements), tuple(v.topics))
                   for v in sorted(edges.pop(pair), key=_recency, reverse=True)]
            for pair in summed if pair not in in_rows}
    tips = None
    if visits and later:
        latest = {v.iri: v for pair in tipped
                  for v in sorted(edges[pair], key=_recency, reverse=True)[:tip_visits or None]}
        # Read in the background (the store's queries let go of the GIL) while the nodes
        # and the compact pairs are made; only their visits are touched meanwhile.
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1)
        tips = pool.submit(_add_details, graph, latest, labels, later, every=False)
        pool.shutdown(wait=False)
    if in_rows:
        rows.update(_table_rows(pairs, summed, table, kinds, labels))  # type: ignore[arg-type]

    net = nx.DiGraph(filters=flt.describe(), filter=flt, level=level, notes=notes, **totals)
    for node in dict.fromkeys(node for pair in kept for node in pair):  # in order, once
        data = dict(regions.get(node) or _unknown_region(node))
        data["visits_made"], data["visits_received"] = made[node], received[node]
        data["visits"] = made[node] + received[node]
        data["partners"] = _partners(partners[node], regions)
        net.add_node(node, **data)
    for rank, (a, b) in enumerate(summed, start=len(kept) - len(summed)):
        net.add_edge(a, b, **_summed_data(rows[(a, b)]), details=False, rank=rank)
    if tips is not None:
        tips.result()
    detailed = set(tipped) if later else None
    for rank, (a, b) in enumerate(kept[:len(kept) - len(summed)]):
        vs = edges[(a, b)]
        vs.sort(key=_recency, reverse=True)
        net.add_edge(a, b, **_edge_data(vs), rank=rank,
                     details=detailed is None or (a, b) in detailed)
    return net


_Dated = tuple[str, "str | None"]  # a visit's IRI and date, before it gets details
#: A visit in compact form: IRI, date (ISO, or None), agreements signed, topic labels.
Row = tuple[str, "str | None", int, tuple[str, ...]]


def _recency(v: _Visit) -> tuple[bool, str, str]:
    """Sort key of a pair's visits, reversed: latest first, undated last."""
    return (v.date is not None, v.date or "", v.iri)


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


def _summed_data(rows: list[Row]) -> dict[str, Any]:
    """The data of a compact pair (its rows latest first, undated last)."""
    if len(rows) == 1:
        return {"count": 1, "first": rows[0][1], "last": rows[0][1], "compact": rows}
    dates = [r[1] for r in rows if r[1]]
    return {"count": len(rows), "first": dates[-1] if dates else None,
            "last": dates[0] if dates else None, "compact": rows}


def _partners(both: dict[str, list[int]], regions: dict[str, dict[str, Any]],
              top: int = 10) -> list[dict[str, Any]]:
    """A region's ``top`` partners, from its partner → [visits made, received]: the
    most visits first, then by name."""
    items: Iterable[tuple[str, list[int]]] = both.items()
    if len(both) > top:  # only those with as many visits as the top-th can be in the top
        least = heapq.nlargest(top, [out + inc for out, inc in both.values()])[-1]
        items = [(k, v) for k, v in both.items() if v[0] + v[1] >= least]
    ranked = heapq.nsmallest(top, items, key=lambda kv: (
        -kv[1][0] - kv[1][1], regions.get(kv[0], {}).get("label", kv[0])))
    return [{"region": other, "label": regions.get(other, {}).get("label", _local(other)),
             "visited": out, "visited_by": inc} for other, (out, inc) in ranked]


def _unknown_region(iri: str) -> dict[str, Any]:
    return {"label": _local(iri), "code": None, "type": None, "latitude": None,
            "longitude": None, "province": None, "province_code": None, "resolved": False}


def _detail_rows(graph: Any, query: str, visits: dict[str, "_Visit"],
                 every: bool) -> Iterator[tuple[str, int, str]]:
    """(visit IRI, kind of detail, value) rows. They come as SPARQL TSV results, split
    here: over twice as fast as pyoxigraph's Python objects for these many rows."""
    queries = [query % _ALL_VISITS] if every else \
        [query % block for block in _values("v", list(visits), _WORKERS)]
    for v, k, x in _blocks_rows(graph, queries):
        yield v, int(k), x  # type: ignore[arg-type]


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


def _edge_data(pair: list[_Visit]) -> dict[str, Any]:
    # ``pair`` is sorted latest first, undated visits last.
    if len(pair) == 1:  # most pairs of a large store: the same, without the sorting
        v = pair[0]
        return {
            "count": 1, "first": v.date, "last": v.date, "dates": [v.date] if v.date else [],
            "topics": dict.fromkeys(v.topics, 1),
            "leaders": sorted({p["name"] for p in v.leaders}) if v.leaders else [],
            "agreements": list(v.agreements),
            "sources": sorted({s["url"] for s in v.sources if s["url"]}) if v.sources else [],
            "visits": [v.as_dict()],
        }
    dates = sorted(v.date for v in pair if v.date)
    topics: dict[str, int] = {}
    for v in pair:
        for t in v.topics:
            topics[t] = topics.get(t, 0) + 1
    leaders: set[str] = set()
    agreements: list[str] = []
    sources: set[str] = set()
    for v in pair:
        if v.leaders:
            leaders.update(p["name"] for p in v.leaders)
        agreements += v.agreements
        if v.sources:
            sources.update(s["url"] for s in v.sources if s["url"])
    return {
        "count": len(pair),
        "first": dates[0] if dates else None,
        "last": dates[-1] if dates else None,
        "dates": dates,
        "topics": dict(sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))),
        "leaders": sorted(leaders),
        "agreements": agreements,
        "sources": sorted(sources),
        "visits": [v.as_dict() for v in pair],
    }


def find_region(net: "nx.DiGraph | None", text: str, *,
                regions: dict[str, dict[str, Any]] | None = None) -> str:
    """The region IRI that ``text`` names among ``regions`` (default: the nodes of
    ``net``): a code ("35.73"), an official name ("Kota Malang"), the label of an
    unresolved region, or a mention the gazetteer resolves ("Pemkot Malang"); a region
    of the gazetteer that is not among them is still its IRI (it has no visits). Raises
    :class:`~kgraph.errors.UsageError` when no region or several match."""
    from ..resolve.gazetteer import Gazetteer, normalize

    pool = regions if regions is not None else dict(net.nodes(data=True)) if net is not None else {}
    wanted = text.strip()
    key = normalize(wanted)
    for iri, data in sorted(pool.items()):
        if data.get("code") == wanted or iri == wanted:
            return iri
    by_label = [iri for iri, data in sorted(pool.items()) if normalize(data["label"]) == key]
    if len(by_label) == 1:
        return by_label[0]
    if wanted in Gazetteer.default():  # the code of a region without visits
        return DATA_PREFIXES["region"] + wanted
    mention = Gazetteer.default().resolve_government(wanted)
    codes = {data.get("code"): iri for iri, data in pool.items() if data.get("code")}
    if mention.region is not None:
        if mention.region.code in codes:
            return codes[mention.region.code]
        return DATA_PREFIXES["region"] + mention.region.code  # a real region, no visits
    if mention.candidates:
        options = " or ".join(f"{c.name} ({c.code})" for c in mention.candidates)
        raise UsageError(f"{wanted!r} is ambiguous: {options}", field="around",
                         hint="give the code or the official name")
    raise UsageError(f"no region {wanted!r} in the store", field="around",
                     hint="give a code such as 35.73 or an official name such as 'Kota Malang'")


def _gazetteer_name(iri: str) -> str:
    """The official name and code of a region IRI of the gazetteer ("Kota Medan (12.71)")."""
    from ..resolve.gazetteer import Gazetteer

    code = iri.rpartition("/")[2]
    region = Gazetteer.default().by_code(code)
    return f"{region.name} ({code})" if region is not None else iri
