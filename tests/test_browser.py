"""kgraph viz pages in a real browser: Debian's chromium, headless, driven by Playwright.

The pages must draw the graph, request nothing from any host, show article text as text
(no script from the data runs), and link only http(s) sources. Skipped only where
/usr/bin/chromium (or Playwright) is missing and CI is not set; in CI they fail instead.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from kgraph import build_network, write_html
from kgraph.network import viz as viz_module

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

    def node_ids(self) -> dict[str, int]:
        return {n["label"]: n["id"] for n in self.evaluate("() => window.kgraph.data.nodes")}

    def positions(self) -> dict[str, dict]:
        """Canvas positions of the drawn regions, by name."""
        return self.evaluate("""() => {
            const k = window.kgraph, pos = k.network.getPositions(k.visibleNodes()), out = {};
            k.visibleNodes().forEach(id => { out[k.data.nodes[id].label] = pos[id]; });
            return out; }""")

    def labels(self) -> list[dict]:
        """The labels shown, as the browser lays them out (text and box)."""
        return self.evaluate("""() => [...document.querySelectorAll('.kg-label')]
            .filter(e => !e.hidden).map(e => {
                const r = e.getBoundingClientRect();
                return {text: e.textContent, left: r.left, top: r.top, right: r.right,
                        bottom: r.bottom, font: getComputedStyle(e).fontSize}; })""")

    def drawn_pairs(self) -> set[tuple[str, str]]:
        """(visitor, host) names of the pairs drawn."""
        return {tuple(p) for p in self.evaluate("""() => {
            const k = window.kgraph;
            return k.edges.getIds().map(id => [k.data.nodes[k.data.edges[id].f].label,
                                               k.data.nodes[k.data.edges[id].t].label]); }""")}

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
    from kgraph.store.graph import open_graph

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
        drawn = page.evaluate("() => [window.kgraph.visibleNodes().length, window.kgraph.edges.length,"
                              " Object.keys(window.kgraph.network.getPositions()).length]")
        assert drawn == [regions, pairs, regions]
        assert page.foreign_requests() == []
        assert page.errors == []
    finally:
        page.close()


def test_annotated_examples_draw_20_regions_and_11_pairs(annotated_page):
    assert annotated_page.evaluate(
        "() => [window.kgraph.visibleNodes().length, window.kgraph.edges.length]") == [20, 11]
    labels = annotated_page.evaluate("() => window.kgraph.data.nodes.map(n => n.label)")
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
    nodes = annotated_page.node_ids()
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
    edges = page.evaluate("() => window.kgraph.data.edges.map((e, i) => [i, window.kgraph.data.nodes[e.f].label])")
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
        urls = page.evaluate("() => window.kgraph.data.edges.flatMap(e => e.tip"
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
        pos = page.positions()
        assert pos["Kota Padang"]["x"] < pos["Kota Malang"]["x"]
        assert pos["Kota Pekanbaru"]["y"] < pos["Kota Malang"]["y"]
        assert page.evaluate("() => window.kgraph.network.physics.physicsEnabled") is False
        assert page.foreign_requests() == [] and page.errors == []
    finally:
        page.close()


# ---------------------------------------------------------------- the map and its labels


def _overlaps(a: dict, b: dict) -> bool:
    return a["left"] < b["right"] and b["left"] < a["right"] and a["top"] < b["bottom"] \
        and b["top"] < a["bottom"]


def _assert_legible(page: Page, labels: list[dict]) -> None:
    """No two labels overlap, and none leaves the graph's area."""
    area = page.evaluate("() => { const r = document.getElementById('kg-main')"
                         ".getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }")
    for i, a in enumerate(labels):
        assert area[0] <= a["left"] and a["right"] <= area[2], a
        assert area[1] <= a["top"] and a["bottom"] <= area[3], a
        for b in labels[i + 1:]:
            assert not _overlaps(a, b), (a, b)


@pytest.fixture(scope="module")
def geo_page(browser, example_store, tmp_path_factory):
    out = tmp_path_factory.mktemp("browser-geo") / "geo.html"
    write_html(build_network(example_store), out, layout="geo")
    page = Page(browser, out)
    yield page
    page.close()


def test_geo_labels_do_not_overlap_at_first_view(geo_page):
    labels = geo_page.labels()
    texts = {label["text"] for label in labels}
    # The busiest regions are labelled; none of the labels overlaps another or is cut.
    assert {"Kota Malang", "Prov. DKI Jakarta"} <= texts and len(labels) >= 12
    _assert_legible(geo_page, labels)
    assert geo_page.foreign_requests() == [] and geo_page.errors == []


def test_zooming_shows_more_labels_at_the_same_size(geo_page):
    page = geo_page
    before = page.labels()
    scale = page.evaluate("() => window.kgraph.network.getScale()")
    jakarta = page.node_ids()["Provinsi DKI Jakarta"]
    x, y = next((x, y) for i, x, y in page.node_points() if i == jakarta)
    page.page.mouse.move(x + 2, y + 2)
    for _ in range(24):  # the mouse wheel, as a reader zooms in on Jakarta
        page.page.mouse.wheel(0, -200)
        page.page.wait_for_timeout(30)
    page.page.wait_for_timeout(200)
    assert page.evaluate("() => window.kgraph.network.getScale()") > 4 * scale
    page.page.mouse.move(3, 3)
    page.page.wait_for_timeout(100)
    after = page.labels()
    new = {label["text"] for label in after} - {label["text"] for label in before}
    assert {"Kota Depok", "Kab. Bogor"} & new, new  # neighbours of Jakarta, apart now
    assert {label["font"] for label in before + after} == {"12px"}
    _assert_legible(page, after)
    # Circles keep their size on screen: the map zooms, the symbols do not.
    radii = page.evaluate("() => window.kgraph.visibleNodes().map("
                          "id => window.kgraph.nodes.get(id).size * window.kgraph.network.getScale())")
    assert all(2 < r < 13 for r in radii)
    page.page.click("#kg-clear")  # "Show all": back to the first view
    assert page.labels() == before


def test_the_coastline_is_drawn_under_the_map(geo_page):
    """A pixel of land (inner Kalimantan) has the land's colour; the sea (South China
    Sea) is the canvas left clear over the sea-coloured background."""
    pixels = geo_page.evaluate("""() => {
        const k = window.kgraph, g = k.data.geo, net = k.network;
        const canvas = document.querySelector('#kg-graph canvas');
        const ctx = canvas.getContext('2d'), ratio = canvas.width / canvas.clientWidth;
        const at = (lon, lat) => {
            const p = net.canvasToDOM({x: (lon - g.lon0) * g.scale, y: -lat * g.scale});
            return Array.from(ctx.getImageData(Math.round(p.x * ratio), Math.round(p.y * ratio), 1, 1).data);
        };
        return {land: at(116.0, 1.0), sea: at(106.0, 3.0)};
    }""")
    assert pixels["land"] == [244, 241, 232, 255]
    assert pixels["sea"][3] == 0
    background = geo_page.evaluate(
        "() => getComputedStyle(document.getElementById('kg-graph')).backgroundColor")
    assert background == "rgb(227, 237, 244)"


def test_force_labels_do_not_overlap(annotated_page):
    labels = annotated_page.labels()
    assert len(labels) >= 15
    _assert_legible(annotated_page, labels)


def test_non_finite_coordinates_still_draw_a_map(browser, tmp_path):
    """A store with NaN/INF coordinates (hand-edited) gives a map, not a blank page."""
    from test_viz import test_non_finite_coordinates_do_not_blank_the_map as make

    make(tmp_path)  # builds tmp_path / "s.ttl" and checks the page data
    out = tmp_path / "nan.html"
    write_html(build_network(tmp_path / "s.ttl"), out, layout="geo")
    page = Page(browser, out)
    try:
        assert page.evaluate("() => window.kgraph.visibleNodes().length") == 2
        points = page.node_points()
        assert all(0 <= x <= 1200 and 0 <= y <= 800 for _id, x, y in points)
        assert page.errors == []
    finally:
        page.close()


# ---------------------------------------------------------------- exploring in the page


@pytest.fixture
def explore_page(browser, annotated_store_path, tmp_path):
    out = tmp_path / "explore.html"
    write_html(build_network(annotated_store_path), out, layout="geo")
    page = Page(browser, out)
    yield page
    page.close()


@pytest.fixture(scope="module")
def annotated_store_path(tmp_path_factory):
    from kgraph import ingest

    from conftest import EXAMPLES

    store = tmp_path_factory.mktemp("explore") / "kgraph.ttl"
    assert ingest([EXAMPLES / "articles"], store=store).ok
    return store


def _pairs(net) -> set[tuple[str, str]]:
    return {(net.nodes[a]["label"], net.nodes[b]["label"]) for a, b in net.edges}


def test_year_slider_keeps_the_visits_of_those_years(explore_page, annotated_store_path):
    page = explore_page
    everything = _pairs(build_network(annotated_store_path))
    assert page.drawn_pairs() == everything
    page.page.focus("#kg-year-from")
    page.page.keyboard.press("ArrowRight")  # from 2025 to 2026
    assert page.evaluate("() => document.getElementById('kg-years-out').textContent") == "2026"
    assert page.drawn_pairs() == _pairs(build_network(annotated_store_path, since="2026-01-01"))
    page.page.keyboard.press("ArrowLeft")
    page.page.focus("#kg-year-to")
    page.page.keyboard.press("ArrowLeft")  # until 2025: the undated visit is left out too
    assert page.drawn_pairs() == _pairs(build_network(annotated_store_path, until="2025-12-31"))
    summary = page.evaluate("() => document.getElementById('kg-summary').textContent")
    assert summary.endswith(f"· {len(page.drawn_pairs())} pairs")
    page.page.keyboard.press("ArrowRight")
    assert page.drawn_pairs() == everything  # the whole range again: undated visits too
    assert page.errors == []


def test_topic_picker_keeps_the_visits_of_that_topic(explore_page, annotated_store_path):
    page = explore_page
    option = page.evaluate("""() => [...document.querySelectorAll('#kg-topic option')]
        .map(o => o.textContent).find(t => t.startsWith('pengelolaan sampah'))""")
    page.page.select_option("#kg-topic", label=option)
    expected = build_network(annotated_store_path, topics=["pengelolaan sampah"])
    assert page.drawn_pairs() == _pairs(expected)
    visible = page.evaluate("() => window.kgraph.visibleNodes().map(i => window.kgraph.data.nodes[i].label)")
    assert set(visible) == {d["label"] for _n, d in expected.nodes(data=True)}
    # A tooltip counts what the filter keeps.
    surabaya = page.node_ids()["Kota Surabaya"]
    page.evaluate("(i) => window.kgraph.show('node', i)", surabaya)
    text = page.evaluate("() => document.getElementById('kg-tip').textContent")
    assert "(in the years and topic chosen)" in text
    page.page.click("#kg-clear")
    assert page.drawn_pairs() == _pairs(build_network(annotated_store_path))
    assert page.errors == []


def test_region_search_focuses_the_region(browser, annotated_store_path, tmp_path):
    out = tmp_path / "budget.html"
    write_html(build_network(annotated_store_path), out, layout="geo", max_edges=3)
    page = Page(browser, out)
    try:
        assert len(page.drawn_pairs()) == 3
        assert ("Kota Palangka Raya", "Kota Surabaya") not in page.drawn_pairs()
        page.page.fill("#kg-find", "palangka")
        page.page.keyboard.press("Enter")
        # Its pair is drawn (beyond the budget), it is in the middle, its tooltip is open.
        assert ("Kota Palangka Raya", "Kota Surabaya") in page.drawn_pairs()
        found = page.node_ids()["Kota Palangka Raya"]
        x, y = next((x, y) for i, x, y in page.node_points() if i == found)
        width = page.evaluate("() => document.getElementById('kg-graph').clientWidth")
        assert abs(x - width / 2) < 5 and abs(y - 400) < 5
        assert page.evaluate("() => document.querySelector('#kg-tip h3').textContent") == "Kota Palangka Raya"
        opacity = page.evaluate("() => Object.fromEntries(window.kgraph.nodes.get()"
                                ".filter(n => !n.hidden).map(n => [window.kgraph.data.nodes[n.id].label, n.opacity]))")
        assert opacity["Kota Palangka Raya"] == opacity["Kota Surabaya"] == 1
        assert opacity["Kota Malang"] < 0.5
        page.page.fill("#kg-find", "Atlantis")
        page.page.keyboard.press("Enter")
        assert page.evaluate("() => document.getElementById('kg-find-msg').textContent") == \
            "No region “Atlantis” in this graph."
        assert page.errors == []
    finally:
        page.close()


def test_hovering_a_region_highlights_its_partners(explore_page):
    page = explore_page
    ids = page.node_ids()
    points = {i: (x, y) for i, x, y in page.node_points()}
    page.hover(*points[ids["Kota Malang"]])
    state = page.evaluate("""() => {
        const k = window.kgraph, name = id => k.data.nodes[id].label;
        return {nodes: Object.fromEntries(k.nodes.get().filter(n => !n.hidden)
                                          .map(n => [name(n.id), n.opacity])),
                edges: k.edges.get().map(e => [name(e.from), name(e.to), e.color.opacity])}; }""")
    partners = {"Kota Malang", "Kota Jambi", "Kota Serang"}
    assert {n for n, o in state["nodes"].items() if o == 1} == partners
    assert all(o < 0.5 for n, o in state["nodes"].items() if n not in partners)
    for a, b, opacity in state["edges"]:
        assert (opacity > 0.5) == ("Kota Malang" in (a, b)), (a, b, opacity)
    assert {label["text"] for label in page.labels()} <= partners
    page.page.mouse.move(3, 3)
    page.page.wait_for_timeout(60)
    after = page.evaluate("() => window.kgraph.nodes.get().filter(n => !n.hidden).map(n => n.opacity)")
    assert set(after) == {1}


def test_tooltips_say_reviewed_or_extracted(browser, example_store, tmp_path):
    out = tmp_path / "trust.html"
    write_html(build_network(example_store), out, lang="id")
    page = Page(browser, out)
    try:
        texts = []
        for i in range(page.evaluate("() => window.kgraph.data.edges.length")):
            page.evaluate("(i) => window.kgraph.show('edge', i)", i)
            texts.append(page.evaluate("() => document.getElementById('kg-tip').textContent"))
        assert sum(re.search(r"diekstraksi, 0\.\d\d", t) is not None for t in texts) == 3
        assert sum("ditinjau" in t for t in texts) == len(texts) - 3
        legend = page.evaluate("() => document.getElementById('kg-legend').textContent")
        assert "“ditinjau”" in legend and "“diekstraksi, 0.82”" in legend
        page.evaluate("() => window.kgraph.show('node', 0)")
        assert "Kunjungan diterima" in page.evaluate("() => document.getElementById('kg-tip').textContent")
        assert page.errors == []
    finally:
        page.close()


def test_a_thousand_visits_stay_legible(browser, tmp_path):
    """1,000 visits among 300 regions: the page draws the budget's pairs with a note on
    what it leaves out, faint lines for the fewest visits, and labels that never overlap."""
    from kgraph import ingest
    from kgraph.resolve.gazetteer import Gazetteer

    import random

    rng = random.Random(3)
    regions = sorted((r for r in Gazetteer.default() if not r.is_province), key=lambda r: r.code)[:300]
    hubs = regions[:12]
    folder = tmp_path / "articles"
    folder.mkdir()
    for n in range(10):
        lines = ["---", f"title: t{n}", f"url: https://example.org/k/{n}", "visits:"]
        for i in range(100):
            host = rng.choice(hubs) if i % 2 else rng.choice(regions)
            visitor = rng.choice([r for r in regions if r.code != host.code])
            lines += [f"  - visitor: {visitor.name}", f"    host: {host.name}",
                      f"    date: 20{rng.randint(19, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"]
        (folder / f"a{n}.md").write_text("\n".join(lines + ["---", "body", ""]), encoding="utf-8")
    store = tmp_path / "kgraph.ttl"
    assert ingest([folder], store=store).ok
    for layout in ("geo", "force"):
        out = tmp_path / f"{layout}.html"
        write_html(build_network(store), out, layout=layout)
        page = Page(browser, out)
        try:
            assert page.evaluate("() => window.kgraph.edges.length") == 200
            note = page.evaluate("() => document.getElementById('kg-budget').textContent")
            assert note.startswith("Drawing the 200 most visited of ")
            opacities = page.evaluate("() => window.kgraph.edges.get().map(e => e.color.opacity)")
            assert min(opacities) < 0.3 < 0.8 < max(opacities)
            labels = page.labels()
            assert len(labels) >= 20
            _assert_legible(page, labels)
            assert page.errors == []
        finally:
            page.close()
