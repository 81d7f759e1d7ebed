"""The visit network as one self-contained, offline HTML page.

The page inlines the vis-network library shipped inside the ``pyvis`` package and loads
nothing from the network (a Content-Security-Policy forbids it too). The graph goes into
the page as JSON in a ``<script type="application/json">`` block; the page's script builds
tooltips as DOM text (never HTML), and only ``http``/``https`` sources become links. The
layout is computed by vis-network's physics, which stops once the graph has stabilised;
``layout="geo"`` pins each region at its longitude/latitude instead.

Large networks keep their ``max_edges`` most visited pairs (the page says what was left
out) and tooltips summarise a pair: its count, date range, top topics and latest visits.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any


from .errors import KGraphError

if TYPE_CHECKING:  # networkx is imported when used: kgraph starts faster
    import networkx as nx

DEFAULT_TITLE = "kgraph: visits between regions"
DEFAULT_MAX_EDGES = 2000
LAYOUTS = ("force", "geo")
COLOR_BY = ("type", "province")
#: Latest visits listed in a pair's tooltip, and list lengths inside it.
TIP_VISITS = 5
TIP_TOPICS = 5
TIP_PARTNERS = 5
TIP_ITEMS = 4

_TEMPLATES = Path(__file__).resolve().parent / "templates"
_TYPE_COLORS = {
    "kota": "#2b6cb0",
    "kabupaten": "#2f855a",
    "provinsi": "#c05621",
    None: "#8a8a8a",
}
_TYPE_GROUP = {"kota": "kota", "kota administrasi": "kota", "kabupaten": "kabupaten",
               "kabupaten administrasi": "kabupaten", "provinsi": "provinsi"}
_TYPE_LEGEND = {"kota": "kota (city)", "kabupaten": "kabupaten (regency)",
                "provinsi": "provinsi (province)", None: "unresolved region"}
_GEO_SCALE = 60.0  # pixels per degree
_SAFE_URL = re.compile(r"https?://[^\s\x00-\x1f\x7f]+\Z", re.I)


@dataclass(frozen=True)
class VizReport:
    """What :func:`write_html` wrote."""

    path: str
    regions: int
    pairs: int
    visits: int
    shown_regions: int
    shown_pairs: int
    bytes: int

    shown_visits: int = 0

    def summary(self) -> str:
        if self.shown_pairs < self.pairs:
            return (f"{_n(self.shown_regions, 'region')}, {self.shown_pairs} of "
                    f"{_n(self.pairs, 'pair')} ({self.shown_visits} of {_n(self.visits, 'visit')}) "
                    f"→ {self.path}; the least visited pairs are left out (--max-edges 0 "
                    "draws them all)")
        return (f"{_n(self.shown_regions, 'region')}, {_n(self.visits, 'visit')} in "
                f"{_n(self.pairs, 'pair')} → {self.path}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def is_safe_url(url: str | None) -> bool:
    """True for an absolute http(s) URL without spaces or control characters."""
    return bool(url) and _SAFE_URL.match(url) is not None  # type: ignore[arg-type]


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """The JS and CSS of the newest vis-network bundled in pyvis."""
    import pyvis

    lib = Path(pyvis.__file__).resolve().parent / "lib"

    def version(path: Path) -> tuple[int, ...]:
        return tuple(int(p) for p in re.findall(r"\d+", path.name))

    folders = sorted(lib.glob("vis-*"), key=version, reverse=True)
    for folder in folders:
        js, css = folder / "vis-network.min.js", folder / "vis-network.css"
        if js.is_file() and css.is_file():
            return js.read_text(encoding="utf-8"), css.read_text(encoding="utf-8")
    raise KGraphError(f"vis-network is missing from the pyvis package ({lib})",
                      hint="reinstall pyvis")


def _script_safe(code: str) -> str:
    """JS text that cannot end its <script> element early."""
    return re.sub(r"</(script)", r"<\\/\1", code, flags=re.I).replace("<!--", "<\\!--")


def _json_for_html(data: Any) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode() + "'"


@functools.lru_cache(maxsize=1)
def _environment() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(_TEMPLATES)),
        autoescape=True,
        keep_trailing_newline=True,
    )


def _province_colors() -> dict[str, str]:
    from .gazetteer import Gazetteer

    codes = sorted(r.code for r in Gazetteer.default().provinces)
    colors = {}
    for i, code in enumerate(codes):
        hue = (i * 137.508) % 360  # golden angle: neighbours in the list differ most
        light = 38 + (i % 3) * 8
        colors[code] = f"hsl({hue:.0f}, 62%, {light}%)"
    return colors


def _group(data: dict[str, Any], color_by: str) -> tuple[str | None, str, str]:
    """(key, legend label, colour) of a node."""
    if color_by == "province":
        code = data.get("province_code")
        if not code:
            return None, "no province (unresolved)", _TYPE_COLORS[None]
        color = _province_colors().get(code, _TYPE_COLORS[None])
        return code, data.get("province") or code, color
    kind = _TYPE_GROUP.get(data.get("type") or "")
    return kind, _TYPE_LEGEND[kind], _TYPE_COLORS[kind]


def _person(p: dict[str, str]) -> str:
    return f"{p['name']} ({p['role']})" if p.get("role") else p["name"]


def _source(s: dict[str, str]) -> dict[str, str]:
    url, title = s.get("url") or "", s.get("title") or ""
    if is_safe_url(url):
        return {"url": url, "text": title or url}
    # Not a link: show the text, and the address as plain text after it.
    return {"text": f"{title} <{url}>" if url and title else (title or url)}


def _edge_tip(a: dict[str, Any], b: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
    visits = []
    for v in data["visits"][:TIP_VISITS]:
        visits.append({
            "date": v["date"],
            "leaders": [_person(p) for p in v["leaders"][:TIP_ITEMS]],
            "receivers": [_person(p) for p in v["receivers"][:TIP_ITEMS]],
            "topics": v["topics"][:TIP_TOPICS + 1],
            "agreements": v["agreements"][:TIP_ITEMS],
            "sources": [_source(s) for s in v["sources"][:TIP_ITEMS]],
        })
    return {
        "from": a["label"], "to": b["label"], "count": data["count"],
        "first": data["first"], "last": data["last"],
        "topics": list(data["topics"].items())[:TIP_TOPICS],
        "agreements": len(data["agreements"]),
        "visits": visits,
        "more": data["count"] - len(visits),
    }


def _node_tip(net: "nx.DiGraph", node: str, data: dict[str, Any]) -> dict[str, Any]:
    partners = data.get("partners")
    if partners is None:  # a network made elsewhere: its partners among the edges drawn
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
    thousands of visits does not dwarf everything else."""
    return round(min(48.0, 9.0 + 6.0 * math.log1p(max(visits, 0))), 1)


def edge_width(count: int) -> float:
    """Width of a pair's arrow: 1.5 for one visit, growing with the log of the count."""
    return round(min(12.0, 1.5 + 1.8 * math.log(max(count, 1))), 2)


def _top_edges(net: nx.DiGraph, max_edges: int) -> list[tuple[str, str, dict[str, Any]]]:
    edges = list(net.edges(data=True))
    if max_edges and len(edges) > max_edges:
        edges.sort(key=lambda e: (-e[2]["count"], -_date_rank(e[2]["last"]),
                                  net.nodes[e[0]]["label"], net.nodes[e[1]]["label"]))
        edges = edges[:max_edges]
    return edges


def _date_rank(date: str | None) -> int:
    return int(date.replace("-", "")) if date else 0


def page_data(net: nx.DiGraph, *, title: str = DEFAULT_TITLE, color_by: str = "type",
              layout: str = "force", max_edges: int = DEFAULT_MAX_EDGES) -> dict[str, Any]:
    """The JSON the page draws: nodes, edges, tooltips, legend and notes."""
    if layout not in LAYOUTS:
        raise KGraphError(f"unknown layout {layout!r}; expected one of {', '.join(LAYOUTS)}")
    if color_by not in COLOR_BY:
        raise KGraphError(f"unknown colouring {color_by!r}; expected one of {', '.join(COLOR_BY)}")
    if max_edges < 0:
        raise KGraphError("max_edges must be 0 (no limit) or more")
    edges = _top_edges(net, max_edges)
    shown = sorted({n for a, b, _d in edges for n in (a, b)},
                   key=lambda n: (net.nodes[n].get("code") or "~", net.nodes[n]["label"]))
    ids = {n: i for i, n in enumerate(shown)}
    legend: dict[Any, tuple[str, str]] = {}
    nodes = []
    unplaced = 0
    for n in shown:
        data = net.nodes[n]
        key, label, color = _group(data, color_by)
        legend[key] = (label, color)
        node: dict[str, Any] = {
            "id": ids[n], "label": data["label"], "size": node_size(data.get("visits", 0)),
            "color": color, "tip": _node_tip(net, n, data),
        }
        if layout == "geo":
            lat, lon = data.get("latitude"), data.get("longitude")
            if lat is None or lon is None:
                # No coordinates: a row under the map, left to right.
                node["x"], node["y"] = (95 + 2.5 * unplaced - 118) * _GEO_SCALE, 14 * _GEO_SCALE
                unplaced += 1
            else:
                node["x"], node["y"] = (lon - 118) * _GEO_SCALE, -lat * _GEO_SCALE
        nodes.append(node)
    out_edges = []
    for i, (a, b, d) in enumerate(edges):
        out_edges.append({"id": i, "from": ids[a], "to": ids[b], "width": edge_width(d["count"]),
                          "tip": _edge_tip(net.nodes[a], net.nodes[b], d)})
    total_pairs = net.graph.get("pairs", net.number_of_edges())
    visits = net.graph.get("visits", sum(d["count"] for _a, _b, d in net.edges(data=True)))
    total_regions = net.graph.get("regions", net.number_of_nodes())
    shown_visits = sum(d["count"] for _a, _b, d in edges)
    notes = []
    if len(edges) < total_pairs:
        hidden_regions = total_regions - len(shown)
        note = (f"Showing the {len(edges)} most visited of {total_pairs} pairs "
                f"({shown_visits} of {visits} visits); {total_pairs - len(edges)} pairs left out")
        if hidden_regions:
            note += f", and {hidden_regions} regions that appear only in them"
        notes.append(note + ". Use --max-edges 0 to show every pair, or filters to narrow it.")
    if unplaced:
        notes.append(f"{unplaced} regions without coordinates (unresolved) are in the bottom row.")
    legend_items = sorted(legend.values(), key=lambda lc: (lc[0].startswith(("no ", "unres")), lc[0]))
    return {
        "title": title,
        "layout": layout,
        "summary": (f"{len(shown)} regions · {shown_visits} visits · {len(edges)} pairs"
                    if edges else "No visits match."),
        "filters": list(net.graph.get("filters", [])),
        "notes": notes,
        "legend": [{"label": label, "color": color} for label, color in legend_items],
        "nodes": nodes,
        "edges": out_edges,
    }


def _render(net: nx.DiGraph, **options: Any) -> tuple[str, dict[str, Any]]:
    data = page_data(net, **options)
    vis_js, vis_css = _vis_assets()
    app_js = (_TEMPLATES / "graph.js").read_text(encoding="utf-8")
    scripts = [_script_safe(vis_js), _script_safe(app_js)]
    csp = ("default-src 'none'; script-src " + " ".join(_csp_hash(s) for s in scripts)
           + "; style-src 'unsafe-inline'; img-src data:; font-src data:; connect-src 'none'; "
             "base-uri 'none'; form-action 'none'")
    from markupsafe import Markup

    html = _environment().get_template("graph.html").render(
        title=data["title"],
        csp=csp,
        vis_css=Markup(vis_css.replace("</", "<\\/")),
        vis_js=Markup(scripts[0]),
        app_js=Markup(scripts[1]),
        data_json=Markup(_json_for_html(data)),
        summary=data["summary"],
        filters=data["filters"],
        notes=data["notes"],
        legend=data["legend"],
    )
    return html, data


def render_html(net: nx.DiGraph, *, title: str = DEFAULT_TITLE, color_by: str = "type",
                layout: str = "force", max_edges: int = DEFAULT_MAX_EDGES) -> str:
    """The page for ``net`` (a network from :func:`kgraph.network.build_network`).

    Raises :class:`KGraphError` for an unknown layout or colouring.
    """
    return _render(net, title=title, color_by=color_by, layout=layout, max_edges=max_edges)[0]


def write_html(net: nx.DiGraph, path: str | os.PathLike[str] = "kgraph.html", *,
               title: str = DEFAULT_TITLE, color_by: str = "type", layout: str = "force",
               max_edges: int = DEFAULT_MAX_EDGES) -> VizReport:
    """Render ``net`` and write the page to ``path`` atomically.

    Raises :class:`KGraphError` for bad options or when the file cannot be written.
    """
    from .store import atomic_write

    html, data = _render(net, title=title, color_by=color_by, layout=layout,
                         max_edges=max_edges)
    encoded = html.encode("utf-8")
    target = Path(path)
    try:
        atomic_write(target, encoded)
    except OSError as exc:
        raise KGraphError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None
    return VizReport(
        path=str(target), regions=net.graph.get("regions", net.number_of_nodes()),
        pairs=net.graph.get("pairs", net.number_of_edges()),
        visits=net.graph.get("visits", 0), shown_regions=len(data["nodes"]),
        shown_pairs=len(data["edges"]), bytes=len(encoded),
        shown_visits=sum(e["tip"]["count"] for e in data["edges"]),
    )


def open_in_browser(path: str | os.PathLike[str]) -> bool:
    """Open the page at ``path`` in the default web browser (Python's :mod:`webbrowser`:
    ``$BROWSER``, the desktop's browser, or a console one); ``False`` when the machine
    has none (no display and no console browser), so the caller can say so."""
    import pathlib
    import webbrowser

    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    return bool(browser.open(pathlib.Path(path).resolve().as_uri()))
