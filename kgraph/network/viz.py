"""What the page of the visit network draws: its data, as the page's script reads it.

The layout is computed by vis-network's physics, which stops once the graph has
stabilised; ``layout="geo"`` pins each region at its longitude/latitude over a coastline
of Indonesia instead (:mod:`kgraph.network.geo`). The HTML page around the data is
:mod:`kgraph.network.viz_page`.

The page carries every pair of the network, each with its visits in a compact form (day,
agreements, topics), so that its year range, topic picker and region search filter the
graph in the browser. It draws at most ``max_edges`` pairs at a time, the most visited
under the current filters, and says what it leaves out. Tooltips of the ``TIP_PAIRS``
most visited pairs list their latest visits with leaders, sources and how each visit was
read (reviewed, or extracted with a confidence); the others show counts and topics.
"""
from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from typing import TYPE_CHECKING, Any

from . import geo
from ..errors import KGraphError
from .viz_words import LANGS, describe_filter, say, words

if TYPE_CHECKING:  # networkx is imported when used: kgraph starts faster
    import networkx as nx

    from .details import Row

DEFAULT_TITLE = "kgraph: visits between regions"
#: Pairs drawn at a time by default: a thousand arrows are a hairball, two hundred a map.
DEFAULT_MAX_EDGES = 200
LAYOUTS = ("force", "geo")
COLOR_BY = ("type", "province")
#: Latest visits listed in a pair's tooltip, and list lengths inside it.
TIP_VISITS = 5
TIP_TOPICS = 5
TIP_PARTNERS = 5
TIP_ITEMS = 4
#: Pairs whose tooltips list their latest visits in full (the most visited ones).
TIP_PAIRS = 1000

_TYPE_COLORS = {
    "kota": "#2b6cb0",
    "kabupaten": "#2f855a",
    "provinsi": "#c05621",
    None: "#8a8a8a",
}
_TYPE_GROUP = {"kota": "kota", "kota administrasi": "kota", "kabupaten": "kabupaten",
               "kabupaten administrasi": "kabupaten", "provinsi": "provinsi"}
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.I)
_EPOCH = dt.date(1970, 1, 1).toordinal()


def is_safe_url(url: str | None) -> bool:
    """True for an absolute http(s) URL without spaces or control characters."""
    return bool(url) and _SAFE_URL.match(url) is not None  # type: ignore[arg-type]


def _province_colors() -> dict[str, str]:
    from ..resolve.gazetteer import Gazetteer

    codes = sorted(r.code for r in Gazetteer.default().provinces)
    colors = {}
    for i, code in enumerate(codes):
        hue = (i * 137.508) % 360  # golden angle: neighbours in the list differ most
        light = 38 + (i % 3) * 8
        colors[code] = f"hsl({hue:.0f}, 62%, {light}%)"
    return colors


def _group(data: dict[str, Any], color_by: str, table: dict[str, Any]
           ) -> tuple[str | None, str, str]:
    """(key, legend label, colour) of a node."""
    if color_by == "province":
        code = data.get("province_code")
        if not code:
            return None, table["province_none"], _TYPE_COLORS[None]
        color = _province_colors().get(code, _TYPE_COLORS[None])
        return code, data.get("province") or code, color
    kind = _TYPE_GROUP.get(data.get("type") or "")
    return kind, table[f"type_{kind or 'none'}"], _TYPE_COLORS[kind]


def _person(p: dict[str, str]) -> str:
    return f"{p['name']} ({p['role']})" if p.get("role") else p["name"]


def _source(s: dict[str, str]) -> dict[str, str]:
    url, title = s.get("url") or "", s.get("title") or ""
    if is_safe_url(url):
        return {"url": url, "text": title or url}
    # Not a link: show the text, and the address as plain text after it.
    return {"text": f"{title} <{url}>" if url and title else (title or url)}


def _trust(v: dict[str, Any]) -> dict[str, Any] | None:
    """How a visit was read: reviewed when any report of it was annotated (written or
    checked by a person), else extracted with the extractor's confidence."""
    methods = v.get("methods") or []
    if "annotated" in methods:
        return {"method": "reviewed"}
    if "extracted" in methods:
        confidence = v.get("confidence")
        return {"method": "extracted",
                "confidence": None if confidence is None else round(float(confidence), 2)}
    return None


def _visit_lines(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The latest visits of a pair, as its tooltip lists them."""
    lines = []
    for v in data["visits"][:TIP_VISITS]:
        lines.append({
            "date": v["date"],
            "leaders": [_person(p) for p in v["leaders"][:TIP_ITEMS]],
            "receivers": [_person(p) for p in v["receivers"][:TIP_ITEMS]],
            "topics": v["topics"][:TIP_TOPICS + 1],
            "agreements": v["agreements"][:TIP_ITEMS],
            "sources": [_source(s) for s in v["sources"][:TIP_ITEMS]],
            "trust": _trust(v),
        })
    return lines


def _node_tip(net: "nx.DiGraph", node: str, data: dict[str, Any]) -> dict[str, Any]:
    partners = data.get("partners")
    if partners is None:  # a network made elsewhere: its partners among its edges
        counts: dict[str, list[int]] = {}
        for _a, b, d in net.out_edges(node, data=True):
            counts.setdefault(b, [0, 0])[0] += d["count"]
        for a, _b, d in net.in_edges(node, data=True):
            counts.setdefault(a, [0, 0])[1] += d["count"]
        partners = [{"label": net.nodes[p]["label"], "visited": out, "visited_by": inc}
                    for p, (out, inc) in counts.items()]
        partners.sort(key=lambda p: (-(p["visited"] + p["visited_by"]), p["label"]))
    return {
        "name": data["label"],
        "code": data.get("code"),
        "type": data.get("type"),
        "province": data.get("province") if data.get("type") != "provinsi" else None,
        "made": data.get("visits_made", 0),
        "received": data.get("visits_received", 0),
        "partners": [[p["label"], p["visited"], p["visited_by"]] for p in partners[:TIP_PARTNERS]],
    }


def node_size(visits: int) -> float:
    """Radius of a region's circle: grows with the log of its visits, so one hub with
    thousands of visits does not dwarf everything else. (The page's script computes the
    same when its filters change the visits.)"""
    return round(min(48.0, 9.0 + 6.0 * math.log1p(max(visits, 0))), 1)


def edge_width(count: int) -> float:
    """Width of a pair's arrow: 1.5 for one visit, growing with the log of the count."""
    return round(min(12.0, 1.5 + 1.8 * math.log(max(count, 1))), 2)


def ranked_edges(net: "nx.DiGraph") -> list[tuple[str, str, dict[str, Any]]]:
    """The pairs of ``net`` in the order the page draws them: most visited first, then
    those of the busiest regions, then by the regions' names (the ``rank`` that
    :func:`kgraph.network.build.build_network` gives its pairs in this order)."""
    edges = list(net.edges(data=True))
    if all("rank" in d for _a, _b, d in edges):
        return sorted(edges, key=lambda e: e[2]["rank"])
    label = {n: d.get("label", n) for n, d in net.nodes(data=True)}
    busy = {n: d.get("visits", 0) for n, d in net.nodes(data=True)}
    return sorted(edges, key=lambda e: (
        -e[2]["count"], -(busy[e[0]] + busy[e[1]]), label[e[0]], label[e[1]]))


_SHORT = (("Kabupaten Administrasi ", "Kab. Adm. "), ("Kota Administrasi ", "Kota Adm. "),
          ("Kabupaten ", "Kab. "), ("Provinsi ", "Prov. "))


def short_label(label: str) -> str:
    """A region's name as its label on the graph: "Kab. Malang", "Prov. Jambi" (the
    tooltip gives the full name)."""
    for long, short in _SHORT:
        if label.startswith(long):
            return short + label[len(long):]
    return label


def _day(date: str | None) -> int | None:
    """Days since 1970-01-01 of an ISO date (None for none or a malformed one)."""
    try:
        return dt.date.fromisoformat(date).toordinal() - _EPOCH if date else None
    except ValueError:
        return None


def _rows(data: dict[str, Any]) -> list[Row]:
    """A pair's visits as (IRI, date, agreements, topics) rows: its ``compact`` form (see
    :func:`kgraph.network.build.build_network`), else read from its visits."""
    rows = data.get("compact")
    if rows is None:
        rows = [(v.get("iri", ""), v.get("date"), len(v.get("agreements", ())),
                 tuple(v.get("topics", ()))) for v in data["visits"]]
    return rows


_UNSEEN: Any = object()


def _compact(pairs: list[list[Row]], topic_ids: dict[str, int]
             ) -> tuple[list[list[list[Any]]], set[int]]:
    """Each pair's visits as ``[day, agreements, topic ids...]``, what the page's filters
    read, and the days seen; the day of a date and the ids of a set of topics are worked
    out once (a hundred thousand visits have a few thousand dates)."""
    days: dict[str | None, int | None] = {}
    ids: dict[tuple[str, ...], list[int]] = {}
    out = []
    for rows in pairs:
        visits = []
        for _iri, date, agreements, topics in rows:
            day = days.get(date, _UNSEEN)
            if day is _UNSEEN:
                day = days[date] = _day(date)
            found = ids.get(topics)
            if found is None:
                found = ids[topics] = sorted({topic_ids[t] for t in topics})
            visits.append([day, agreements, *found])
        out.append(visits)
    return out, {day for day in days.values() if day is not None}


def _check(layout: str, color_by: str, max_edges: int, lang: str) -> None:
    for value, allowed, what in ((layout, LAYOUTS, "layout"), (color_by, COLOR_BY, "colouring"),
                                 (lang, LANGS, "language")):
        if value not in allowed:
            raise KGraphError(f"unknown {what} {value!r}; expected one of {', '.join(allowed)}")
    if max_edges < 0:
        raise KGraphError("max_edges must be 0 (no limit) or more")


def page_data(net: nx.DiGraph, *, title: str | None = None, color_by: str = "type",
              layout: str = "force", max_edges: int = DEFAULT_MAX_EDGES,
              lang: str = "en") -> dict[str, Any]:
    """The JSON the page draws: nodes, edges (each ``{"f": from, "t": to, "v": visits}``
    with ``tip`` for the most visited), topics, years, words, legend and notes."""
    _check(layout, color_by, max_edges, lang)
    table = words(lang)
    edges = ranked_edges(net)
    shown = sorted({n for a, b, _d in edges for n in (a, b)},
                   key=lambda n: (net.nodes[n].get("code") or "~", net.nodes[n]["label"]))
    ids = {n: i for i, n in enumerate(shown)}
    rows = [_rows(d) for _a, _b, d in edges]
    topic_sets: Counter[tuple[str, ...]] = Counter(r[3] for pair in rows for r in pair)
    topic_count: Counter[str] = Counter()
    for labels, n in topic_sets.items():
        for t in set(labels):
            topic_count[t] += n
    topics = sorted(topic_count, key=lambda t: (-topic_count[t], t))
    topic_ids = {t: i for i, t in enumerate(topics)}
    compact, days = _compact(rows, topic_ids)

    legend: dict[Any, tuple[str, str]] = {}
    places, unplaced = geo.places(net, shown) if layout == "geo" else ({}, [])
    nodes = []
    for n in shown:
        data = net.nodes[n]
        key, label, color = _group(data, color_by, table)
        legend[key] = (label, color)
        node: dict[str, Any] = {
            "id": ids[n], "label": data["label"], "short": short_label(data["label"]),
            "size": node_size(data.get("visits", 0)),
            "color": color, "tip": _node_tip(net, n, data),
        }
        if layout == "geo":
            node["x"], node["y"] = places[n]
        nodes.append(node)

    out_edges = []
    for rank, (a, b, d) in enumerate(edges):
        edge: dict[str, Any] = {"f": ids[a], "t": ids[b], "v": compact[rank]}
        if rank < TIP_PAIRS and d.get("details", True) and "visits" in d:
            edge["tip"] = _visit_lines(d)
        out_edges.append(edge)

    drawn = edges[:max_edges] if max_edges else edges
    drawn_regions = len({n for a, b, _d in drawn for n in (a, b)})
    drawn_visits = sum(d["count"] for _a, _b, d in drawn)
    visits = sum(d["count"] for _a, _b, d in edges)
    total_pairs = net.graph.get("pairs", len(edges))
    total_visits = net.graph.get("visits", visits)
    notes, budget_note = [], None
    if len(edges) < total_pairs:
        notes.append(say(table, "cut_note", shown=len(edges), total=total_pairs,
                         shown_visits=visits, visits=total_visits))
    if len(drawn) < len(edges):
        budget_note = (say(table, "budget_note", shown=len(drawn), total=len(edges),
                           shown_visits=drawn_visits, visits=visits, left=len(edges) - len(drawn)))
    if unplaced:
        notes.append(say(table, "unplaced_note", len(unplaced)))
    if net.graph.get("level") == "province":
        notes.append(say(table, "level_note"))
    flt = net.graph.get("filter")
    legend_items = sorted(legend.values(),
                          key=lambda lc: (lc[1] == _TYPE_COLORS[None], lc[0]))
    years = sorted({dt.date.fromordinal(day + _EPOCH).year for day in days})
    return {
        "title": title or str(table["title"]),
        "lang": lang,
        "words": table,
        "layout": layout,
        "level": net.graph.get("level", "region"),
        "budget": max_edges,
        "summary": (say(table, "summary", regions=drawn_regions, visits=drawn_visits,
                        pairs=len(drawn)) if drawn else str(table["summary_none"])),
        "filters": describe_filter(table, flt) if flt is not None
        else list(net.graph.get("filters", [])),
        "notes": notes,
        "budget_note": budget_note,
        "legend": [{"label": label, "color": color} for label, color in legend_items],
        "topics": [[t, topic_count[t]] for t in topics],
        "years": [years[0], years[-1]] if years else None,
        "tip_pairs": TIP_PAIRS,
        "geo": ({"lon0": geo.LON0, "scale": geo.SCALE, "outline": geo.outline()}
                if layout == "geo" else None),
        "nodes": nodes,
        "edges": out_edges,
    }
