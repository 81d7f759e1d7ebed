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
pairs. ``level="province"`` draws each region as its province (see :mod:`kgraph.network.levels`).
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
import os
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from ..errors import KGraphError
from ..store.views import AGREEMENT, TOPIC, VisitTable
from .details import (
    DETAILS, _TIP_DETAILS, Row, _add_details, _recency, _table_rows,
    _table_topics, _Visit,
)
from .levels import at_level, check_level
from .pairs import NetworkFilter, _pairs_from_graph, _pairs_from_table, _topic_labels
from .regions import (
    REGION_TYPES, _TYPE_GROUP, _gazetteer_name, _regions, _unknown_region, find_region,
)
from .sparql import _local

if TYPE_CHECKING:  # networkx is imported when used: kgraph starts faster
    import networkx as nx


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
    visited pairs. ``level`` is ``"region"`` or ``"province"`` (:data:`kgraph.network.levels.LEVELS`).
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


def network_from_graph(graph: Any, flt: NetworkFilter = NetworkFilter(), *,
                       max_edges: int = 0, details: Iterable[str] = DETAILS,
                       table: "VisitTable | None" = None, tip_visits: int = 0,
                       tip_pairs: int = 0, level: str = "region",
                       compact: bool = False) -> "nx.DiGraph":
    """The visit network of an open pyoxigraph store (see :func:`build_network`).

    ``table``, the visit table of the index snapshot ``graph`` is (see
    :mod:`kgraph.store.views`), saves reading every visit from the graph.
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
    # whichever way the visits were read (kgraph.network.viz.ranked_edges draws them in it).
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
