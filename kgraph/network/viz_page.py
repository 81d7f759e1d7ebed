"""The visit network as one self-contained, offline HTML page.

The page inlines the vis-network library shipped inside the ``pyvis`` package and loads
nothing from the network (a Content-Security-Policy forbids it too). The graph goes into
the page as JSON (:func:`kgraph.network.viz.page_data`) in a ``<script
type="application/json">`` block; the page's script (``templates/graph.js``) builds
tooltips and labels as DOM text (never HTML), and only ``http``/``https`` sources become
links.
"""
from __future__ import annotations

import base64
import functools
import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import KGraphError
from .viz import DEFAULT_MAX_EDGES, page_data
from .viz_words import say

if TYPE_CHECKING:  # networkx is imported when used: kgraph starts faster
    import networkx as nx

_TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class VizReport:
    """What :func:`write_html` wrote: the network's totals, and what the page draws at
    first (``shown_*``, at most ``max_edges`` pairs)."""

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
            most = (f"{self.shown_pairs} most visited pairs" if self.shown_pairs != 1
                    else "most visited pair")
            return (f"{_n(self.regions, 'region')}, {_n(self.visits, 'visit')} in "
                    f"{_n(self.pairs, 'pair')} → {self.path}; the page draws the {most} "
                    f"at a time ({_n(self.shown_visits, 'visit')} at first; --max-edges 0 "
                    "draws them all)")
        return (f"{_n(self.shown_regions, 'region')}, {_n(self.visits, 'visit')} in "
                f"{_n(self.pairs, 'pair')} → {self.path}")


def _n(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


@functools.lru_cache(maxsize=1)
def _vis_assets() -> tuple[str, str]:
    """The JS and CSS of the newest vis-network bundled in pyvis (found without importing
    pyvis, whose imports take a third of a second)."""
    import importlib.util

    spec = importlib.util.find_spec("pyvis")
    if spec is None or spec.origin is None:
        raise KGraphError("the pyvis package is missing", hint="reinstall kgraph")
    lib = Path(spec.origin).resolve().parent / "lib"

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
    # allow_nan=False: NaN is not JSON, and the page's JSON.parse would fail on it.
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
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


def _render(net: nx.DiGraph, **options: Any) -> tuple[str, dict[str, Any]]:
    from .build import paused_gc

    with paused_gc():
        return _render_page(net, **options)


def _render_page(net: nx.DiGraph, **options: Any) -> tuple[str, dict[str, Any]]:
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
        lang=data["lang"],
        w=data["words"],
        csp=csp,
        vis_css=Markup(vis_css.replace("</", "<\\/")),
        vis_js=Markup(scripts[0]),
        app_js=Markup(scripts[1]),
        data_json=Markup(_json_for_html(data)),
        summary=data["summary"],
        filters=say(data["words"], "filters", filters="; ".join(data["filters"]))
        if data["filters"] else None,
        notes=data["notes"],
        budget_note=data["budget_note"],
        legend=data["legend"],
    )
    return html, data


def render_html(net: nx.DiGraph, *, title: str | None = None, color_by: str = "type",
                layout: str = "force", max_edges: int = DEFAULT_MAX_EDGES,
                lang: str = "en") -> str:
    """The page for ``net`` (a network from :func:`kgraph.network.build.build_network`);
    ``lang`` (``en`` or ``id``) is the language of the page's own words, ``title``
    defaults to that language's.

    Raises :class:`KGraphError` for an unknown layout, colouring or language.
    """
    return _render(net, title=title, color_by=color_by, layout=layout, max_edges=max_edges,
                   lang=lang)[0]


def write_html(net: nx.DiGraph, path: str | os.PathLike[str] = "kgraph.html", *,
               title: str | None = None, color_by: str = "type", layout: str = "force",
               max_edges: int = DEFAULT_MAX_EDGES, lang: str = "en") -> VizReport:
    """Render ``net`` (see :func:`render_html`) and write the page to ``path`` atomically.

    Raises :class:`KGraphError` for bad options or when the file cannot be written.
    """
    from ..store.files import atomic_write

    html, data = _render(net, title=title, color_by=color_by, layout=layout,
                         max_edges=max_edges, lang=lang)
    encoded = html.encode("utf-8")
    target = Path(path)
    try:
        atomic_write(target, encoded)
    except OSError as exc:
        raise KGraphError(f"cannot write: {exc.strerror or exc}", file=str(target)) from None
    drawn = data["edges"][:max_edges] if max_edges else data["edges"]
    return VizReport(
        path=str(target), regions=net.graph.get("regions", net.number_of_nodes()),
        pairs=net.graph.get("pairs", net.number_of_edges()),
        visits=net.graph.get("visits", 0),
        shown_regions=len({n for e in drawn for n in (e["f"], e["t"])}),
        shown_pairs=len(drawn), bytes=len(encoded),
        shown_visits=sum(len(e["v"]) for e in drawn),
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
