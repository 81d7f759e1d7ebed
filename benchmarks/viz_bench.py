"""Time `kgraph viz` on a large store: network + HTML, and stabilisation in headless Chromium.

Usage:
    python benchmarks/viz_bench.py --visits 100000            # makes the store if missing
    python benchmarks/viz_bench.py --store benchmarks/.work/store-100k/kgraph.ttl --layout geo
    python benchmarks/viz_bench.py --screenshot docs/map.png    # the README's picture
    python benchmarks/viz_bench.py --store S --layout geo --shot out.png  # a page as a reader sees it

The store is made by benchmarks/generate.py (visits among the 552 regions with a skewed
popularity). Figures are printed; nothing is asserted.
"""
from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgraph.network.viz import DEFAULT_MAX_EDGES, TIP_PAIRS, TIP_VISITS  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def browse(html: Path, *, screenshot: Path | None = None, width: int = 1280,
           height: int = 800, hover_from: str | None = None,
           hover_to: str | None = None) -> dict:
    """Open ``html`` in headless Chromium; seconds until drawn and stable, and counts."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height},
                                device_scale_factor=1)
        start = time.perf_counter()
        page.goto(html.resolve().as_uri())
        loaded = time.perf_counter() - start
        page.wait_for_function("() => window.kgraph && window.kgraph.state.stable",
                               timeout=120_000)
        # From the start of navigation to the end of stabilisation, timed by the page.
        stable = page.evaluate("() => window.kgraph.state.stableAt") / 1000
        counts = page.evaluate("[window.kgraph.nodes.length, window.kgraph.edges.length]")
        if screenshot is not None:
            if hover_from:  # show the tooltip of one pair, as a reader would see it
                x, y = page.evaluate("""([origin, target]) => {
                    const k = window.kgraph, net = k.network, name = i => k.data.nodes[i].label;
                    const id = k.data.edges.findIndex(e => name(e.f) === origin &&
                                                           (!target || name(e.t) === target));
                    const edge = net.body.edges[id];
                    const p = net.canvasToDOM(edge.edgeType.getPoint(0.5, edge.edgeType.via));
                    return [p.x, p.y]; }""", [hover_from, hover_to])
                page.mouse.move(x - 40, y - 40)
                page.mouse.move(x, y, steps=4)
            page.wait_for_timeout(300)
            page.screenshot(path=str(screenshot))
        browser.close()
    return {"loaded_s": loaded, "stable_s": stable, "nodes": counts[0], "edges": counts[1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--store", type=Path, help="a store to draw")
    parser.add_argument("--visits", type=int, default=100_000,
                        help="size of the generated store when --store is not given")
    parser.add_argument("--max-edges", type=int, default=DEFAULT_MAX_EDGES,
                        help="the page's edge budget (as kgraph viz --max-edges)")
    parser.add_argument("--layout", default="force", choices=["force", "geo"])
    parser.add_argument("--screenshot", type=Path,
                        help="draw the examples' map and save a PNG of it instead")
    parser.add_argument("--shot", type=Path, help="also save a PNG of the page drawn")
    args = parser.parse_args()

    from kgraph import build_network, ingest, write_html

    work = Path(tempfile.mkdtemp(prefix="kgraph-viz-bench-"))
    if args.screenshot:
        store = work / "kgraph.ttl"
        report = ingest([ROOT / "examples"], store=store)
        assert report.ok, report.failed
        html = work / "graph.html"
        write_html(build_network(store), html, title="kgraph: visits in the examples",
                   layout="geo")
        # The pair read by the extractor in East Kalimantan: its tooltip (trust included)
        # covers the empty middle of Borneo, not Java.
        figures = browse(html, screenshot=args.screenshot, width=1280, height=760,
                         hover_from="Kabupaten Kutai Timur", hover_to="Kota Bontang")
        print(f"{args.screenshot}: {figures['nodes']} regions, {figures['edges']} pairs, "
              f"{args.screenshot.stat().st_size // 1024} KB")
        return

    store = args.store or Path(tempfile.gettempdir()) / f"kgraph-bench-{args.visits}.ttl"
    if not store.exists():
        print(f"generating {store} ({args.visits} visits) ...", flush=True)
        subprocess.run([sys.executable, str(ROOT / "benchmarks" / "generate.py"), "store",
                        "--visits", str(args.visits), "--out", str(store)], check=True)
    build_network(store, max_edges=1)  # builds the store's index once, outside the timing

    start = time.perf_counter()
    net = build_network(store, tip_visits=TIP_VISITS, tip_pairs=TIP_PAIRS,
                        compact=True)  # as kgraph viz
    built = time.perf_counter() - start
    html = work / "graph.html"
    start = time.perf_counter()
    report = write_html(net, html, layout=args.layout, max_edges=args.max_edges)
    rendered = time.perf_counter() - start
    print(f"store: {store} ({store.stat().st_size / 1e6:.0f} MB), "
          f"{net.graph['visits']} visits, {net.graph['pairs']} pairs, "
          f"{net.graph['regions']} regions")
    print(f"network (SPARQL + networkx), every pair: {built:.2f} s")
    print(f"HTML: {rendered:.2f} s, {report.bytes / 1e6:.2f} MB, "
          f"{report.shown_regions} regions, {report.shown_pairs} pairs drawn")
    figures = browse(html, screenshot=args.shot)
    print(f"chromium ({args.layout}): loaded in {figures['loaded_s']:.2f} s, "
          f"stable in {figures['stable_s']:.2f} s "
          f"({figures['nodes']} nodes, {figures['edges']} edges)")


if __name__ == "__main__":
    main()
