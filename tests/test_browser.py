"""kgraph viz pages in a real browser: Debian's chromium, headless, driven by Playwright.

The pages must draw the graph, request nothing from any host, show article text as text
(no script from the data runs), and link only http(s) sources. Skipped only where
/usr/bin/chromium (or Playwright) is missing and CI is not set; in CI they fail instead.
"""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from kgraph import build_network, write_html
from kgraph import viz as viz_module

from test_viz import JS_URL, XSS_IMG, XSS_SCRIPT, make_hostile_store

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _unavailable(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI is set: the browser tests must run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        _unavailable(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: pip install '.[test]'")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Page:
    """A page opened from a file, with every request and console error recorded."""

    def __init__(self, browser, path: Path) -> None:
        self.context = browser.new_context(viewport={"width": 1200, "height": 800})
        self.page = self.context.new_page()
        self.url = path.resolve().as_uri()
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.route("**/*", self._route)
        self.page.goto(self.url)
        self.page.wait_for_function("() => window.kgraph && window.kgraph.state.stable",
                                    timeout=30000)

    def _route(self, route) -> None:
        url = route.request.url
        if url == self.url or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def foreign_requests(self) -> list[str]:
        return [u for u in self.requests if u != self.url and not u.startswith("data:")]

    def evaluate(self, script: str, arg=None):
        return self.page.evaluate(script, arg)

    def close(self) -> None:
        self.context.close()

    def node_points(self) -> list[tuple[int, float, float]]:
        return self.evaluate("""() => {
            const net = window.kgraph.network, pos = net.getPositions();
            return Object.keys(pos).map(id => {
                const p = net.canvasToDOM(pos[id]); return [Number(id), p.x, p.y]; });
        }""")

    def edge_points(self) -> list[tuple[int, float, float]]:
        # The middle of each (curved) edge, from vis-network's own geometry.
        return self.evaluate("""() => {
            const net = window.kgraph.network;
            return window.kgraph.edges.getIds().map(id => {
                const e = net.body.edges[id];
                const c = e.edgeType.getPoint(0.5, e.edgeType.via);
                const p = net.canvasToDOM(c); return [id, p.x, p.y]; });
        }""")

    def hover(self, x: float, y: float) -> dict:
        self.page.mouse.move(x - 30, y - 30)
        self.page.mouse.move(x, y, steps=3)
        self.page.wait_for_timeout(60)
        return self.evaluate("""() => {
            const tip = document.getElementById('kg-tip');
            return {hidden: tip.hidden, text: tip.textContent,
                    title: tip.querySelector('h3') ? tip.querySelector('h3').textContent : null};
        }""")


@pytest.fixture(scope="module")
def annotated_page(browser, tmp_path_factory):
    from kgraph import ingest

    from conftest import EXAMPLES

    folder = tmp_path_factory.mktemp("browser-annotated")
    store = folder / "kgraph.ttl"
    assert ingest([EXAMPLES / "articles"], store=store).ok
    out = folder / "graph.html"
    write_html(build_network(store), out)
    page = Page(browser, out)
    yield page
    page.close()


@pytest.fixture(scope="module")
def hostile_page(browser, tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser-hostile")
    store = make_hostile_store(folder)
    out = folder / "hostile.html"
    write_html(build_network(store), out, title=f"{XSS_SCRIPT}{XSS_IMG}")
    page = Page(browser, out)
    yield page
    page.close()


def _independent_counts(store: Path) -> tuple[int, int]:
    """Regions and region pairs of the store's visits, by one plain SPARQL query."""
    from kgraph.store import open_graph

    rows = open_graph(store).query(
        "PREFIX kg: <https://w3id.org/kgraph/ns#> "
        "SELECT DISTINCT ?a ?b WHERE { ?v a kg:Visit ; kg:visitor/kg:region ?a ; "
        "kg:hostedBy/kg:region ?b }")
    pairs = {(r[0].value, r[1].value) for r in rows}
    return len({x for p in pairs for x in p}), len(pairs)


def test_examples_graph_draws_every_region_and_pair(browser, example_store, tmp_path):
    out = tmp_path / "examples.html"
    write_html(build_network(example_store), out)
    page = Page(browser, out)
    try:
        regions, pairs = _independent_counts(example_store)
        assert regions >= 20 and pairs >= 11
        drawn = page.evaluate("() => [window.kgraph.nodes.length, window.kgraph.edges.length,"
                              " Object.keys(window.kgraph.network.getPositions()).length]")
        assert drawn == [regions, pairs, regions]
        assert page.foreign_requests() == []
        assert page.errors == []
    finally:
        page.close()


def test_annotated_examples_draw_20_regions_and_11_pairs(annotated_page):
    assert annotated_page.evaluate(
        "() => [window.kgraph.nodes.length, window.kgraph.edges.length]") == [20, 11]
    labels = annotated_page.evaluate("() => window.kgraph.nodes.get().map(n => n.label)")
    assert "Kota Malang" in labels and "Kabupaten Malang" in labels


def test_physics_stops_after_stabilising(annotated_page):
    enabled = annotated_page.evaluate("() => window.kgraph.network.physics.physicsEnabled")
    assert enabled is False
    positions = annotated_page.evaluate("() => window.kgraph.network.getPositions()")
    annotated_page.page.wait_for_timeout(300)
    assert annotated_page.evaluate("() => window.kgraph.network.getPositions()") == positions


def test_no_request_leaves_the_page(annotated_page, hostile_page):
    for page in (annotated_page, hostile_page):
        assert page.foreign_requests() == []
        assert page.errors == []


def test_tooltips_show_region_and_pair_details(annotated_page):
    nodes = {n["label"]: n["id"] for n in annotated_page.evaluate("() => window.kgraph.nodes.get()")}
    points = {i: (x, y) for i, x, y in annotated_page.node_points()}
    tip = annotated_page.hover(*points[nodes["Kota Malang"]])
    assert not tip["hidden"] and tip["title"] == "Kota Malang"
    assert "code 35.73" in tip["text"] and "Visits received: 2" in tip["text"]
    edges = annotated_page.edge_points()
    titles = set()
    for _id, x, y in edges:
        tip = annotated_page.hover(x, y)
        if not tip["hidden"]:
            titles.add(tip["title"])
    assert "Kota Jambi → Kota Malang" in titles
    assert len(titles) >= len(edges) - 2  # an edge's middle may lie under a node
    annotated_page.page.mouse.move(5, 5)


def test_pinned_tooltip_has_https_links(annotated_page):
    annotated_page.evaluate("() => window.kgraph.show('edge', 0)")
    links = annotated_page.evaluate(
        "() => [...document.querySelectorAll('#kg-tip a')].map(a => [a.href, a.rel, a.target])")
    assert links and all(h.startswith("https://") for h, _r, _t in links)
    assert all(r == "noopener noreferrer" and t == "_blank" for _h, r, t in links)
    annotated_page.page.keyboard.press("Escape")
    assert annotated_page.evaluate("() => document.getElementById('kg-tip').hidden")


def test_hostile_text_is_shown_as_text_and_runs_nothing(hostile_page):
    page = hostile_page
    texts = []
    for _id, x, y in page.node_points() + page.edge_points():
        tip = page.hover(x, y)
        if not tip["hidden"]:
            texts.append(tip["text"])
    assert len(texts) >= 4
    joined = "\n".join(texts)
    assert f"Kota {XSS_IMG}" in joined  # the unresolved region's name, as text
    assert XSS_SCRIPT in joined and XSS_IMG in joined
    for kind, n in (("node", 3), ("edge", 2)):
        for i in range(n):
            page.evaluate("([k, i]) => window.kgraph.show(k, i)", [kind, i])
            injected = page.evaluate(
                "() => document.querySelectorAll('#kg-tip img, #kg-tip script, #kg-tip iframe,"
                " #kg-tip svg, #kg-tip b').length")
            assert injected == 0
    assert page.evaluate("() => document.title") == f"{XSS_SCRIPT}{XSS_IMG}"
    assert page.evaluate("() => document.querySelectorAll('body img, body iframe, body svg').length") == 0
    assert page.evaluate("() => typeof window.__xss") == "undefined"
    assert page.errors == []


def test_javascript_source_is_not_a_link(hostile_page):
    page = hostile_page
    edges = page.evaluate("() => window.kgraph.data.edges.map(e => [e.id, e.tip.from])")
    (plain,) = [i for i, origin in edges if origin == "Kota Jambi"]
    page.evaluate("(i) => window.kgraph.show('edge', i)", plain)
    text = page.evaluate("() => document.getElementById('kg-tip').textContent")
    assert f"Click me <{JS_URL}>" in text
    hrefs = page.evaluate("() => [...document.querySelectorAll('#kg-tip a')].map(a => a.getAttribute('href'))")
    assert hrefs == ["https://example.org/berita/plain"]
    assert page.evaluate("() => document.querySelectorAll('a[href^=\"javascript\" i]').length") == 0
    page.page.keyboard.press("Escape")


def test_the_page_itself_refuses_unsafe_links(browser, tmp_path, monkeypatch):
    """Even if Python let a javascript: URL through, the page's script makes no link."""
    monkeypatch.setattr(viz_module, "is_safe_url", lambda url: bool(url))
    store = make_hostile_store(tmp_path / "store")
    out = tmp_path / "unsafe.html"
    write_html(build_network(store), out)
    page = Page(browser, out)
    try:
        urls = page.evaluate("() => window.kgraph.data.edges.flatMap(e => e.tip.visits"
                             ".flatMap(v => v.sources.map(s => s.url || '')))")
        assert JS_URL in urls  # the data does carry it as a URL this time
        for i in range(len(urls)):
            page.evaluate("(i) => window.kgraph.show('edge', i)", i % 2)
            hrefs = page.evaluate("() => [...document.querySelectorAll('#kg-tip a')]"
                                  ".map(a => a.getAttribute('href'))")
            assert all(h.startswith("https://") for h in hrefs)
        assert page.evaluate("() => typeof window.__xss") == "undefined"
    finally:
        page.close()


def test_geo_layout_draws_without_physics(browser, example_store, tmp_path):
    out = tmp_path / "geo.html"
    write_html(build_network(example_store), out, layout="geo", color_by="province")
    page = Page(browser, out)
    try:
        pos = page.evaluate("""() => {
            const net = window.kgraph.network, pos = net.getPositions(), out = {};
            window.kgraph.nodes.get().forEach(n => { out[n.label] = pos[n.id]; });
            return out; }""")
        assert pos["Kota Padang"]["x"] < pos["Kota Malang"]["x"]
        assert pos["Kota Pekanbaru"]["y"] < pos["Kota Malang"]["y"]
        assert page.evaluate("() => window.kgraph.network.physics.physicsEnabled") is False
        assert page.foreign_requests() == [] and page.errors == []
    finally:
        page.close()
