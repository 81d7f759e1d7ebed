"""The visit network in numbers: sizes, top hosts and visitors, reciprocity, communities."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..query.table import cut, visible
from ..query.table import render as text_table

if TYPE_CHECKING:  # networkx is imported when used: kgraph starts faster
    import networkx as nx


#: Result formats of :func:`format_stats`, name → renderer (of the stats and a width).
FORMATS: dict[str, Callable[["NetworkStats", "int | None"], str]] = {}


@dataclass(frozen=True)
class RegionCount:
    region: str
    code: str | None
    visits: int


@dataclass(frozen=True)
class Pair:
    a: str
    b: str
    a_to_b: int
    b_to_a: int


@dataclass(frozen=True)
class NetworkStats:
    """Figures of a visit network (see :func:`network_stats`)."""

    regions: int
    unresolved_regions: int
    visits: int
    pairs: int
    agreements: int
    first_date: str | None
    last_date: str | None
    filters: list[str] = field(default_factory=list)
    top_hosts: list[RegionCount] = field(default_factory=list)
    top_visitors: list[RegionCount] = field(default_factory=list)
    reciprocated: list[Pair] = field(default_factory=list)
    reciprocated_pairs: int = 0
    communities: list[list[str]] = field(default_factory=list)
    community_count: int = 0
    modularity: float | None = None
    top_topics: list[tuple[str, int]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["top_topics"] = [{"topic": t, "visits": n} for t, n in self.top_topics]
        return data


def network_stats(net: nx.DiGraph, *, top: int = 10) -> NetworkStats:
    """Figures of ``net`` (from :func:`kgraph.network.build.build_network`); lists keep ``top``
    entries (``reciprocated_pairs`` counts them all). Communities come from networkx's
    greedy modularity on the undirected network weighted by visits; regions alone in
    their community are left out of the list."""
    from collections import Counter

    label = {n: d["label"] for n, d in net.nodes(data=True)}
    code = {n: d.get("code") for n, d in net.nodes(data=True)}
    order = lambda n: (label[n], n)  # noqa: E731

    def ranked(attr: str) -> list[RegionCount]:
        nodes = [n for n, d in net.nodes(data=True) if d.get(attr, 0) > 0]
        nodes.sort(key=lambda n: (-net.nodes[n][attr], *order(n)))
        return [RegionCount(label[n], code[n], net.nodes[n][attr]) for n in nodes[:top]]

    dates = [d for _a, _b, e in net.edges(data=True) for d in (e["first"], e["last"]) if d]
    topics: Counter[str] = Counter()
    for _a, _b, e in net.edges(data=True):
        topics.update(e["topics"])
    pairs = []
    for a, b, e in net.edges(data=True):
        if a != b and net.has_edge(b, a) and order(a) < order(b):
            pairs.append(Pair(label[a], label[b], e["count"], net.edges[b, a]["count"]))
    pairs.sort(key=lambda p: (-(p.a_to_b + p.b_to_a), p.a, p.b))

    communities, modularity = _communities(net)
    return NetworkStats(
        regions=net.number_of_nodes(),
        unresolved_regions=sum(1 for _n, d in net.nodes(data=True) if not d.get("code")),
        visits=sum(e["count"] for _a, _b, e in net.edges(data=True)),
        pairs=net.number_of_edges(),
        agreements=sum(len(e["agreements"]) for _a, _b, e in net.edges(data=True)),
        first_date=min(dates) if dates else None,
        last_date=max(dates) if dates else None,
        filters=list(net.graph.get("filters", [])),
        top_hosts=ranked("visits_received"),
        top_visitors=ranked("visits_made"),
        reciprocated=pairs[:top],
        reciprocated_pairs=len(pairs),
        communities=[[label[n] for n in sorted(c, key=order)] for c in communities][:top],
        community_count=len(communities),
        modularity=modularity,
        top_topics=sorted(topics.items(), key=lambda kv: (-kv[1], kv[0]))[:top],
    )


def _communities(net: nx.DiGraph) -> tuple[list[set[str]], float | None]:
    import networkx as nx

    undirected = nx.Graph()
    undirected.add_nodes_from(net.nodes)
    for a, b, e in net.edges(data=True):
        if a == b:
            continue
        weight = e["count"] + (undirected.edges[a, b]["weight"] if undirected.has_edge(a, b) else 0)
        undirected.add_edge(a, b, weight=weight)
    if undirected.number_of_edges() == 0:
        return [], None
    found = nx.community.greedy_modularity_communities(undirected, weight="weight")
    modularity = nx.community.modularity(undirected, found, weight="weight")
    label = nx.get_node_attributes(net, "label")
    kept = [c for c in found if len(c) > 1]
    kept.sort(key=lambda c: (-len(c), min(label[n] for n in c)))
    return kept, round(modularity, 4)


# ---------------------------------------------------------------------- formats

def _table(rows: list[tuple[str | int, ...]], headers: tuple[str, ...],
           width: int | None) -> list[str]:
    right = [bool(rows) and all(isinstance(r[i], int) for r in rows)
             for i in range(len(headers))]
    return text_table(headers, [[str(c) for c in row] for row in rows], right=right,
                      width=width)


def _format_table(s: NetworkStats, width: int | None = None) -> str:
    """The figures as text; a ``width`` (a terminal's) fits the tables and cuts the long
    lines to it. Control characters in names are shown escaped."""
    out = []
    if s.filters:
        line = "filters: " + "; ".join(visible(f) for f in s.filters)
        out.append(cut(line, width) if width else line)
    span = f"{s.first_date} – {s.last_date}" if s.first_date else "no dated visits"
    summary = [
        ("regions", s.regions), ("  unresolved", s.unresolved_regions),
        ("visits", s.visits), ("pairs (visitor → host)", s.pairs),
        ("reciprocated pairs", s.reciprocated_pairs), ("agreements signed", s.agreements),
        ("communities (2+ regions)", s.community_count), ("dates", span),
    ]
    key_width = max(len(k) for k, _v in summary)
    out += [f"{k.ljust(key_width)}  {v}" for k, v in summary]

    def regions(title: str, rows: list[RegionCount]) -> None:
        if rows:
            out.extend(["", title])
            out.extend(_table([(r.region, r.code or "-", r.visits) for r in rows],
                              ("region", "code", "visits"), width))

    regions("Most visited hosts", s.top_hosts)
    regions("Most active visitors", s.top_visitors)
    if s.reciprocated:
        out.extend(["", "Reciprocated pairs"])
        out.extend(_table([(p.a, p.b, p.a_to_b, p.b_to_a) for p in s.reciprocated],
                          ("region A", "region B", "A → B", "B → A"), width))
    if s.top_topics:
        out.extend(["", "Top topics"])
        out.extend(_table([(t, n) for t, n in s.top_topics], ("topic", "visits"), width))
    if s.communities:
        out.extend(["", f"Communities (greedy modularity {s.modularity})"])
        for i, members in enumerate(s.communities, 1):
            line = f"{i:>3}. ({len(members)}) " + ", ".join(visible(m) for m in members)
            out.append(cut(line, width) if width else line)
    return "\n".join(out)


def _format_json(s: NetworkStats, width: int | None = None) -> str:
    import json

    return json.dumps(s.as_dict(), ensure_ascii=False, indent=2)


FORMATS["table"] = _format_table
FORMATS["json"] = _format_json


def format_stats(stats: NetworkStats, fmt: str = "table", *, width: int | None = None) -> str:
    """``stats`` as text in one of :data:`FORMATS`; the table fits ``width`` if given."""
    return FORMATS[fmt](stats, width)
