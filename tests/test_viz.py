"""kgraph viz: the network read from the store, its filters, and the HTML page (parsed)."""
from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from kgraph import KGraphError, build_network, render_html, write_html
from kgraph.network.regions import find_region
from kgraph.network.viz import edge_width, is_safe_url, node_size, page_data

from conftest import EXAMPLES, write_article

REGION = "https://w3id.org/kgraph/id/region/"
KOTA_MALANG = REGION + "35.73"

XSS_IMG = '<img src=x onerror="window.__xss=1">'
XSS_SCRIPT = "<script>window.__xss=1</script>"
JS_URL = "javascript:window.__xss=1"

HOSTILE = f"""---
title: '{XSS_SCRIPT} Judul {XSS_IMG}'
url: "https://example.org/berita/x?q=</script><script>window.__xss=1</script>"
visits:
  - visitor: 'Pemkot {XSS_IMG}'
    host: Pemkot Malang
    date: 2025-01-02
    led_by: {{name: "{XSS_SCRIPT}", role: "Wali <b onmouseover=window.__xss=1>Kota</b>"}}
    received_by: "<img src=x onerror=window.__xss=1>"
    topics: ['{XSS_IMG}', pelayanan publik, "</script><!--"]
    agreement: {{type: "{XSS_SCRIPT}", subject: "<iframe src=javascript:window.__xss=1>"}}
    place: "<svg onload=window.__xss=1>"
---
Body.
"""

# A second, harmless visit, given (by hand, below) a second source with a javascript: URL
# and a topic whose label is markup: the reader refuses such a URL and ingest normalises
# new topic labels, but a store can be edited by hand or come from elsewhere.
PLAIN = """---
title: Pemkot Jambi ke Pemkot Malang
url: https://example.org/berita/plain
visits:
  - visitor: Pemkot Jambi
    host: Pemkot Malang
    date: 2025-03-04
    topics: [PAD]
---
Body.
"""
EVIL_ARTICLE = "https://w3id.org/kgraph/id/article/evil"
EVIL_TOPIC = "https://w3id.org/kgraph/id/topic/evil"


def make_hostile_store(folder: Path) -> Path:
    """A store whose labels, topics and names carry HTML/JS payloads, and one visit
    whose source has a ``javascript:`` URL (appended to the Turtle file)."""
    from kgraph import ingest

    folder.mkdir(parents=True, exist_ok=True)
    store = folder / "hostile.ttl"
    hostile = write_article(folder / "articles", "hostile.md", HOSTILE)
    plain = write_article(folder / "articles", "plain.md", PLAIN)
    report = ingest([hostile, plain], store=store)
    assert report.ok, report.failed
    visit = "https://w3id.org/kgraph/id/visit/2025-03-04_15.71-pemerintah_35.73-pemerintah"
    with open(store, "a", encoding="utf-8") as handle:
        handle.write(
            f"\n<{EVIL_ARTICLE}> a <https://w3id.org/kgraph/ns#Article> ;\n"
            f'    <https://schema.org/headline> "Click me" ;\n'
            f'    <https://schema.org/url> "{JS_URL}" .\n'
            f"<{visit}> <https://w3id.org/kgraph/ns#source> <{EVIL_ARTICLE}> .\n"
            f"<{EVIL_TOPIC}> a <https://w3id.org/kgraph/ns#Topic> ;\n"
            f"    <http://www.w3.org/2000/01/rdf-schema#label> {json.dumps(XSS_IMG)} .\n"
            f"<{visit}> <https://w3id.org/kgraph/ns#topic> <{EVIL_TOPIC}> .\n"
        )
    return store


@pytest.fixture(scope="module")
def annotated_store(tmp_path_factory) -> Path:
    """The store of the annotated examples (examples/articles): 11 visits in 11 pairs
    among 20 regions. (The raw examples' visits depend on the extractor.)"""
    from kgraph import ingest

    store = tmp_path_factory.mktemp("annotated") / "kgraph.ttl"
    report = ingest([EXAMPLES / "articles"], store=store)
    assert report.ok, report.failed
    return store


@pytest.fixture(scope="module")
def hostile_store(tmp_path_factory) -> Path:
    return make_hostile_store(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def example_net(annotated_store):
    return build_network(annotated_store)


def edge_from(data: dict, origin: str) -> dict:
    """The page's edge whose visitor is ``origin`` (a label)."""
    labels = [n["label"] for n in data["nodes"]]
    return next(e for e in data["edges"] if labels[e["f"]] == origin)


def page_json(html: str) -> dict:
    soup = BeautifulSoup(html, "html.parser")
    block = soup.find("script", id="kg-data")
    assert block is not None and block.get("type") == "application/json"
    return json.loads(block.string)


# ---------------------------------------------------------------- the network


def test_example_network_has_every_region_and_pair(example_net):
    assert example_net.number_of_nodes() == 20
    assert example_net.number_of_edges() == 11
    assert example_net.graph["visits"] == 11
    malang = example_net.nodes[KOTA_MALANG]
    assert malang["label"] == "Kota Malang" and malang["code"] == "35.73"
    assert malang["type"] == "kota" and malang["province"] == "Provinsi Jawa Timur"
    assert malang["visits_received"] == 2 and malang["visits_made"] == 0
    assert malang["latitude"] == pytest.approx(-7.977788)


def test_edge_aggregates_the_visits_of_a_pair(example_net):
    edge = example_net.edges[REGION + "15.71", KOTA_MALANG]
    assert edge["count"] == 1 and edge["first"] == edge["last"] == "2026-01-12"
    assert "pendapatan asli daerah" in edge["topics"]
    assert edge["leaders"] == ["Maulana"]
    assert edge["agreements"] == ["Kesepakatan Bersama: penyelenggaraan urusan pemerintahan"]
    (visit,) = edge["visits"]
    assert visit["receivers"] == [{"name": "Wahyu Hidayat", "role": "Wali Kota Malang"}]
    assert visit["sources"][0]["url"].startswith("https://example.org/berita/2026/01/12/")


def test_two_articles_on_one_visit_count_once_with_two_sources(example_net):
    edge = example_net.edges[REGION + "36.73", KOTA_MALANG]
    assert edge["count"] == 1
    assert len(edge["sources"]) == 2


def test_pairs_aggregate_several_visits(tmp_path):
    from kgraph import ingest

    texts = []
    for i, date in enumerate(["2024-05-01", "2025-02-03", "2025-07-08"]):
        texts.append(write_article(tmp_path, f"a{i}.md", PLAIN.replace("2025-03-04", date)
                                   .replace("berita/plain", f"berita/{i}")))
    store = tmp_path / "s.ttl"
    assert ingest(texts, store=store).ok
    net = build_network(store)
    edge = net.edges[REGION + "15.71", KOTA_MALANG]
    assert edge["count"] == 3
    assert (edge["first"], edge["last"]) == ("2024-05-01", "2025-07-08")
    assert [v["date"] for v in edge["visits"]] == ["2025-07-08", "2025-02-03", "2024-05-01"]
    assert edge["topics"] == {"pendapatan asli daerah": 3}
    assert build_network(store, min_visits=4).number_of_edges() == 0
    assert build_network(store, since="2025-01-01").edges[REGION + "15.71", KOTA_MALANG]["count"] == 2
    assert build_network(store, until="2025-01-01").edges[REGION + "15.71", KOTA_MALANG]["count"] == 1


@pytest.mark.parametrize("topic", ["pengelolaan sampah", "waste management", "Pengelolaan Sampah",
                                   "https://w3id.org/kgraph/topic/pengelolaan-sampah"])
def test_topic_filter_accepts_labels_in_both_languages_and_iris(annotated_store, topic):
    net = build_network(annotated_store, topics=[topic])
    assert {net.nodes[n]["label"] for n in net} == {
        "Kota Palangka Raya", "Kota Surabaya", "Provinsi Jambi", "Kota Bandung"}


def test_topic_filter_alternative_label_and_new_topic(annotated_store):
    pad = build_network(annotated_store, topics=["PAD"])
    assert list(pad.edges) == [(REGION + "15.71", KOTA_MALANG)]
    market = build_network(annotated_store, topics=["pengelolaan pasar tradisional"])
    assert market.graph["visits"] == 1


def test_unknown_topic_is_an_error(annotated_store):
    with pytest.raises(KGraphError, match="unknown topic 'no such thing'"):
        build_network(annotated_store, topics=["no such thing"])


def test_date_filters_drop_undated_visits(annotated_store):
    everything = build_network(annotated_store)
    dated = build_network(annotated_store, since="2000-01-01")
    assert dated.graph["visits"] == everything.graph["visits"] - 1  # Pesawaran → Salatiga
    assert build_network(annotated_store, since="2026-01-01").graph["visits"] == 1
    assert build_network(annotated_store, until="2025-10-31").graph["visits"] == 2
    with pytest.raises(KGraphError, match="not a date"):
        build_network(annotated_store, since="last year")


def test_region_type_filter(annotated_store):
    provinces = build_network(annotated_store, region_types=["provinsi"])
    assert {provinces.nodes[n]["label"] for n in provinces} == {
        "Provinsi Kalimantan Selatan", "Provinsi Jawa Timur"}
    mixed = build_network(annotated_store, region_types=["kota", "provinsi"])
    assert ("https://w3id.org/kgraph/id/region/15", REGION + "32.73") in mixed.edges
    with pytest.raises(KGraphError, match="unknown region type"):
        build_network(annotated_store, region_types=["desa"])


@pytest.mark.parametrize("name", ["Kota Malang", "35.73", "Pemkot Malang", "kota malang"])
def test_around_keeps_the_neighbourhood(annotated_store, name):
    net = build_network(annotated_store, around=name)
    assert {net.nodes[n]["label"] for n in net} == {"Kota Malang", "Kota Jambi", "Kota Serang"}
    assert net.graph["visits"] == 2
    assert net.nodes[KOTA_MALANG]["visits_received"] == 2


def test_around_errors(annotated_store, example_net):
    with pytest.raises(KGraphError, match="ambiguous: Kabupaten Malang .35.07. or Kota Malang"):
        build_network(annotated_store, around="Malang")
    with pytest.raises(KGraphError, match="no region 'Atlantis'"):
        build_network(annotated_store, around="Atlantis")
    # A real region without visits is no error: its IRI, and an empty network.
    assert find_region(example_net, "Kota Medan").endswith("/region/12.71")
    # In the store, but not among the visits the other filters keep: an empty network.
    assert build_network(annotated_store, around="Kota Malang", since="2027-01-01").number_of_nodes() == 0


def test_unresolved_regions_are_nodes_without_code(hostile_store):
    net = build_network(hostile_store)
    unresolved = [d for _n, d in net.nodes(data=True) if not d["resolved"]]
    assert len(unresolved) == 1
    assert unresolved[0]["code"] is None and unresolved[0]["label"] == f"Kota {XSS_IMG}"


def test_max_edges_keeps_the_most_visited_pairs_and_the_totals(tmp_path):
    from kgraph import ingest

    paths = [write_article(tmp_path, f"j{i}.md", PLAIN.replace("2025-03-04", f"2025-03-0{i + 1}")
                           .replace("berita/plain", f"berita/j{i}")) for i in range(3)]
    paths.append(write_article(tmp_path, "s.md", PLAIN.replace("Pemkot Jambi", "Pemkot Serang")
                               .replace("berita/plain", "berita/s")))
    store = tmp_path / "s.ttl"
    assert ingest(paths, store=store).ok
    net = build_network(store, max_edges=1)
    assert list(net.edges) == [(REGION + "15.71", KOTA_MALANG)]
    assert (net.graph["regions"], net.graph["pairs"], net.graph["visits"]) == (3, 2, 4)
    malang = net.nodes[KOTA_MALANG]
    assert malang["visits_received"] == 4  # counted before the cut
    assert [(p["label"], p["visited_by"]) for p in malang["partners"]] == [
        ("Kota Jambi", 3), ("Kota Serang", 1)]
    bare = build_network(store, details=())
    assert bare.edges[REGION + "15.71", KOTA_MALANG]["topics"] == {}
    assert bare.edges[REGION + "15.71", KOTA_MALANG]["last"] == "2025-03-03"
    with pytest.raises(KGraphError, match="unknown detail"):
        build_network(store, details=["gossip"])


def test_missing_store_is_an_error(tmp_path):
    with pytest.raises(KGraphError, match="no store at"):
        build_network(tmp_path / "none.ttl")


# ---------------------------------------------------------------- the page


def test_page_is_self_contained(example_net):
    html = render_html(example_net)
    soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(["script", "img", "iframe", "audio", "video", "source", "embed"]):
        assert not tag.get("src"), tag
    for tag in soup.find_all("link"):
        href = tag.get("href", "")
        assert not re.match(r"(https?:)?//", href), tag
        assert href.startswith("data:"), tag
    for style in soup.find_all("style"):
        assert not re.search(r"url\(\s*(?!['\"]?data:)", style.string or ""), "CSS loads a file"
        assert "@import" not in (style.string or "")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    assert "default-src 'none'" in csp and "connect-src 'none'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    scripts = [s for s in soup.find_all("script") if s.get("type") != "application/json"]
    assert len(scripts) == 2  # vis-network, then the page's own code
    assert "vis.Network" in scripts[1].string


def test_script_hashes_match_the_scripts(example_net):
    import base64
    import hashlib

    html = render_html(example_net)
    soup = BeautifulSoup(html, "html.parser")
    csp = soup.find("meta", attrs={"http-equiv": "Content-Security-Policy"})["content"]
    allowed = set(re.findall(r"'sha256-([^']+)'", csp))
    for script in soup.find_all("script"):
        if script.get("type") == "application/json":
            continue
        digest = base64.b64encode(hashlib.sha256(script.string.encode()).digest()).decode()
        assert digest in allowed


def test_page_data_counts_and_tooltips(example_net):
    data = page_data(example_net)
    assert len(data["nodes"]) == 20 and len(data["edges"]) == 11
    assert data["summary"] == "20 regions · 11 visits · 11 pairs"
    assert not data["notes"]
    malang = next(n for n in data["nodes"] if n["label"] == "Kota Malang")
    assert malang["tip"]["code"] == "35.73" and malang["tip"]["received"] == 2
    assert {p[0] for p in malang["tip"]["partners"]} == {"Kota Jambi", "Kota Serang"}
    edge = edge_from(data, "Kota Jambi")
    assert data["nodes"][edge["t"]]["label"] == "Kota Malang"
    # The visit in the compact form the page's filters read: day, agreements, topics.
    ((day, agreements, *topics),) = edge["v"]
    assert day == (dt.date(2026, 1, 12) - dt.date(1970, 1, 1)).days and agreements == 1
    assert sorted(data["topics"][t][0] for t in topics) == sorted(
        example_net.edges[REGION + "15.71", KOTA_MALANG]["visits"][0]["topics"])
    (visit,) = edge["tip"]
    assert visit["leaders"] == ["Maulana (Wali Kota Jambi)"]
    assert visit["sources"][0]["url"].startswith("https://example.org/")
    assert visit["trust"] == {"method": "reviewed"}
    legend = [item["label"] for item in data["legend"]]
    assert legend == ["kabupaten (regency)", "kota (city)", "provinsi (province)"]


def test_hostile_text_is_escaped_in_the_html(hostile_store, tmp_path):
    title = '</title><script>window.__xss=1</script>'
    html = render_html(build_network(hostile_store), title=title)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.string == title  # text, not markup
    assert soup.find("h1").get_text() == title
    # The only scripts are the two of the page and the JSON block; every payload stayed
    # inside the JSON as escaped text.
    assert len(soup.find_all("script")) == 3
    assert not soup.find_all(["img", "iframe", "svg", "b"])
    block = soup.find("script", id="kg-data").string
    assert "<" not in block and ">" not in block
    data = page_json(html)
    labels = {n["label"] for n in data["nodes"]}
    assert f"Kota {XSS_IMG}" in labels
    # Kept verbatim, to be shown as text.
    edge = edge_from(data, "Kota Jambi")
    assert [XSS_IMG, 1] in data["topics"]
    assert [t for t, _n in data["topics"]].index(XSS_IMG) in edge["v"][0][2:]
    hostile = edge_from(data, f"Kota {XSS_IMG}")
    (visit,) = hostile["tip"]
    assert visit["leaders"][0].startswith(XSS_SCRIPT)
    assert visit["sources"][0]["text"] == f"{XSS_SCRIPT} Judul {XSS_IMG}"


def test_only_http_sources_become_links(hostile_store):
    data = page_data(build_network(hostile_store))
    sources = [s for e in data["edges"] for v in e["tip"] for s in v["sources"]]
    assert any(s.get("url", "").startswith("https://example.org/berita/plain") for s in sources)
    evil = [s for s in sources if JS_URL in s["text"]]
    assert evil and all("url" not in s for s in evil)
    assert evil[0]["text"] == f"Click me <{JS_URL}>"


@pytest.mark.parametrize("url,safe", [
    ("https://example.org/a", True), ("http://example.org", True), ("HTTPS://X.ORG/", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), (" https://x.org", False),
    ("data:text/html,hi", False), ("//example.org", False), ("https://x.org/a b", False),
    ("https://x.org/\njavascript:1", False), ("", False), (None, False), ("ftp://x.org", False),
])
def test_is_safe_url(url, safe):
    assert is_safe_url(url) is safe


def test_geo_layout_places_regions_by_coordinates(example_net):
    data = page_data(example_net, layout="geo")
    pos = {n["label"]: (n["x"], n["y"]) for n in data["nodes"]}
    assert pos["Kota Padang"][0] < pos["Kota Malang"][0]  # west of
    assert pos["Kota Pekanbaru"][1] < pos["Kota Malang"][1]  # north of (y grows downwards)
    assert "x" not in page_data(example_net)["nodes"][0]


def test_geo_layout_puts_unresolved_regions_in_a_row(hostile_store):
    data = page_data(build_network(hostile_store), layout="geo")
    assert any("without coordinates" in note for note in data["notes"])


def test_colour_by_province(example_net):
    data = page_data(example_net, color_by="province")
    legend = {item["label"]: item["color"] for item in data["legend"]}
    assert "Provinsi Jawa Timur" in legend and len(legend) == 12
    colours = {n["label"]: n["color"] for n in data["nodes"]}
    assert colours["Kota Malang"] == colours["Kabupaten Banyuwangi"] == legend["Provinsi Jawa Timur"]
    assert colours["Kota Malang"] != colours["Kota Bandung"]


def test_bad_options_are_errors(example_net):
    with pytest.raises(KGraphError, match="unknown layout"):
        render_html(example_net, layout="circle")
    with pytest.raises(KGraphError, match="unknown colouring"):
        render_html(example_net, color_by="mood")


def test_max_edges_is_a_budget_and_the_page_says_so(example_net):
    data = page_data(example_net, max_edges=3)
    # Every pair is in the page (its filters choose among them); three are drawn.
    assert len(data["edges"]) == 11 and data["budget"] == 3
    assert data["summary"].endswith("· 3 pairs")
    assert data["budget_note"].startswith(
        "Drawing the 3 most visited of 11 pairs (3 of 11 visits); the other 8 pairs are left out")
    assert not data["notes"]
    assert page_data(example_net, max_edges=0)["budget_note"] is None


def test_sizes_grow_slowly():
    assert node_size(1) < node_size(2) < node_size(100) <= node_size(10**6) == 48.0
    assert edge_width(1) == 1.5 and edge_width(10) < edge_width(100) <= 12.0


def test_empty_network_renders(annotated_store):
    net = build_network(annotated_store, since="2030-01-01")
    data = page_json(render_html(net))
    assert data["nodes"] == [] and data["summary"] == "No visits match."


def test_write_html_is_atomic_and_reports(example_net, tmp_path):
    out = tmp_path / "g.html"
    report = write_html(example_net, out, title="T")
    assert out.read_bytes().startswith(b"<!DOCTYPE html>")
    assert report.bytes == out.stat().st_size and report.shown_pairs == 11
    assert report.summary() == f"20 regions, 11 visits in 11 pairs → {out}"
    budget = write_html(example_net, out, max_edges=4)
    assert (budget.shown_pairs, budget.pairs, budget.shown_visits) == (4, 11, 4)
    assert budget.summary() == (f"20 regions, 11 visits in 11 pairs → {out}; the page draws "
                                "the 4 most visited pairs at a time (4 visits at first; "
                                "--max-edges 0 draws them all)")
    assert [p.name for p in tmp_path.iterdir()] == ["g.html"]  # no temporary file left
    with pytest.raises(KGraphError, match="cannot write"):
        write_html(example_net, tmp_path / "no" / "such" / "dir.html")


# ---------------------------------------------------------------- the command


def test_viz_command(invoke, annotated_store, tmp_path):
    result = invoke("viz", "--store", str(annotated_store))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "20 regions, 11 visits in 11 pairs → kgraph.html"
    assert (tmp_path / "kgraph.html").is_file()
    result = invoke("viz", "--store", str(annotated_store), "-o", "map.html", "--layout", "geo",
                    "--color-by", "province", "--title", "Peta", "--since", "2025-11-01",
                    "--region-type", "kota", "--max-edges", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == (
        "6 regions, 3 visits in 3 pairs → map.html; the page draws the most visited pair "
        "at a time (1 visit at first; --max-edges 0 draws them all)")
    soup = BeautifulSoup((tmp_path / "map.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title.string == "Peta"
    assert "since 2025-11-01" in soup.find(class_="kg-filters").get_text()


def test_viz_to_stdout(invoke, annotated_store):
    result = invoke("viz", "--store", str(annotated_store), "-o", "-", "--around", "35.73")
    assert result.exit_code == 0
    assert page_json(result.stdout)["summary"] == "3 regions · 2 visits · 2 pairs"


def test_viz_draws_the_page_of_the_full_network(invoke, example_store, monkeypatch):
    """The command reads the network in compact form beyond the tooltips' pairs (here
    two of them) and draws the same page as from the full network."""
    from kgraph.network import viz

    monkeypatch.setattr(viz, "TIP_PAIRS", 2)
    result = invoke("viz", "--store", str(example_store), "-o", "-", "--layout", "geo")
    assert result.exit_code == 0
    expected = render_html(build_network(example_store), layout="geo")
    assert result.stdout == expected
    assert sum("tip" in e for e in page_json(expected)["edges"]) == 2


def test_viz_open_launches_the_page(annotated_store, tmp_path):
    """--open hands the page to the browser $BROWSER names (here a script that notes it)."""
    import subprocess
    import sys

    seen = tmp_path / "seen.txt"
    browser = tmp_path / "browser.sh"
    browser.write_text(f'#!/bin/sh\necho "$1" > {seen}\n', encoding="utf-8")
    browser.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(BROWSER=str(browser), KGRAPH_STORE=str(annotated_store))
    out = subprocess.run([sys.executable, "-m", "kgraph", "viz", "--open"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert seen.read_text(encoding="utf-8").strip() == (tmp_path / "kgraph.html").as_uri()


def test_viz_open_without_a_browser_says_so(annotated_store, tmp_path):
    """No display, no console browser, no $BROWSER: one line saying so and where the page
    is, exit 1, and no noise of a helper such as xdg-open."""
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "BROWSER")}
    env.update(PATH=str(tmp_path / "no-programs-here"), KGRAPH_STORE=str(annotated_store))
    out = subprocess.run([sys.executable, "-m", "kgraph", "viz", "--open"], cwd=tmp_path,
                         env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    page = tmp_path / "kgraph.html"
    assert out.stderr == f"Error: no web browser found to open the page; it is at {page}\n"
    assert page.exists() and "→ kgraph.html" in out.stdout


def test_viz_errors_are_one_line(invoke, annotated_store):
    missing = invoke("viz")
    assert missing.exit_code == 1
    assert missing.stderr.strip() == "Error: no store at kgraph.ttl — run kgraph ingest first"
    for args in (["--topic", "nothing at all"], ["--around", "Malang"]):
        bad = invoke("viz", "--store", str(annotated_store), *args)
        assert bad.exit_code == 2 and bad.stderr.strip().splitlines()[-1].startswith("Error: ")
        assert "Traceback" not in bad.output
    usage = invoke("viz", "--store", str(annotated_store), "--since", "2025-13-01")
    assert usage.exit_code == 2
    assert invoke("viz", "--layout", "circle").exit_code == 2


# ---------------------------------------------------------------- the map, levels, words


def test_non_finite_coordinates_do_not_blank_the_map(tmp_path):
    """NaN and INF coordinates in a store (a hand edit) leave the region without a place;
    the page's JSON stays valid JSON, which a NaN would break."""
    from kgraph import ingest

    store = tmp_path / "s.ttl"
    assert ingest([write_article(tmp_path, "plain.md", PLAIN)], store=store).ok
    text = store.read_text(encoding="utf-8")
    text = re.sub(r"(region:15\.71 a kg:City ;\n(?:.*\n)*?    schema:latitude )[^ ;]+",
                  r'\1"NaN"^^xsd:double', text)
    text = re.sub(r"(region:15\.71 a kg:City ;\n(?:.*\n)*?    schema:longitude )[^ ;]+",
                  r'\1"INF"^^xsd:double', text)
    assert '"NaN"^^xsd:double' in text and '"INF"^^xsd:double' in text
    store.write_text(text, encoding="utf-8")
    net = build_network(store)
    jambi = net.nodes[REGION + "15.71"]
    assert jambi["latitude"] is None and jambi["longitude"] is None

    def no_constant(name: str) -> None:
        raise AssertionError(f"{name} in the page's JSON")

    html = render_html(net, layout="geo")
    block = BeautifulSoup(html, "html.parser").find("script", id="kg-data").string
    data = json.loads(block, parse_constant=no_constant)
    assert all(math.isfinite(n["x"]) and math.isfinite(n["y"]) for n in data["nodes"])
    assert any("without coordinates" in note for note in data["notes"])


def test_geo_page_carries_the_coastline_and_the_force_page_not(example_net):
    geo = page_data(example_net, layout="geo")["geo"]
    assert geo["scale"] > 0 and geo["outline"]["unit"] == 0.01
    assert len(geo["outline"]["rings"]) > 100
    assert page_data(example_net)["geo"] is None


def _land_rings() -> list[list[tuple[float, float]]]:
    from kgraph.network.geo import outline

    data = outline()
    rings = []
    for ring in data["rings"]:
        x = y = 0
        points = []
        for i in range(0, len(ring), 2):
            x, y = x + ring[i], y + ring[i + 1]
            points.append((x * data["unit"], y * data["unit"]))
        rings.append(points)
    return rings


def _on_land(rings, lon: float, lat: float) -> bool:
    inside = False  # even-odd rule over every ring
    for ring in rings:
        for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1]):
            if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def test_the_coastline_is_indonesia():
    """The gazetteer's regions (their seats, often on the coast) lie on the outline's land,
    and the seas between the islands are not land."""
    from kgraph.resolve.gazetteer import Gazetteer

    rings = _land_rings()
    frame = (84.0, -22.0, 152.0, 18.0)
    assert all(frame[0] <= x <= frame[2] and frame[1] <= y <= frame[3] for r in rings for x, y in r)
    regions = [r for r in Gazetteer.default() if r.latitude is not None]
    on_land = [r for r in regions if _on_land(rings, r.longitude, r.latitude)]
    assert len(on_land) >= 0.9 * len(regions), len(on_land)
    for lon, lat in ((112.0, -5.0), (107.0, 3.0), (125.0, -6.0), (135.0, -10.0)):  # seas
        assert not _on_land(rings, lon, lat)


def test_regions_sharing_a_place_are_set_apart(example_net):
    nodes = {n["label"]: n for n in page_data(example_net, layout="geo")["nodes"]}
    city, province = nodes["Kota Jambi"], nodes["Provinsi Jambi"]
    gap = math.hypot(city["x"] - province["x"], city["y"] - province["y"])
    from kgraph.network.geo import SCALE
    assert 0.1 * SCALE < gap < 0.5 * SCALE  # apart, by a fraction of a degree
    assert example_net.nodes[REGION + "15.71"]["latitude"] == pytest.approx(
        example_net.nodes[REGION + "15"]["latitude"], abs=0.05)


def test_short_labels():
    from kgraph.network.viz import short_label

    assert short_label("Kabupaten Malang") == "Kab. Malang"
    assert short_label("Provinsi Jawa Timur") == "Prov. Jawa Timur"
    assert short_label("Kota Administrasi Jakarta Utara") == "Kota Adm. Jakarta Utara"
    assert short_label("Kota Malang") == "Kota Malang"


def test_pairs_are_drawn_most_visited_first(tmp_path):
    """Three Jambi → Malang visits come first; among one-visit pairs, those of busier
    regions (Kota Malang) before the others."""
    from kgraph import ingest
    from kgraph.network.viz import ranked_edges

    paths = [write_article(tmp_path, f"j{i}.md", PLAIN.replace("2025-03-04", f"2025-03-0{i + 1}")
                           .replace("berita/plain", f"berita/j{i}")) for i in range(3)]
    for name, visitor, host in (("s", "Pemkot Serang", "Pemkot Malang"),
                                ("p", "Pemko Padang", "Pemko Pekanbaru")):
        paths.append(write_article(tmp_path, f"{name}.md", PLAIN.replace(
            "Pemkot Jambi", visitor).replace("host: Pemkot Malang", f"host: {host}")
            .replace("berita/plain", f"berita/{name}")))
    store = tmp_path / "s.ttl"
    assert ingest(paths, store=store).ok
    net = build_network(store)
    order = [(net.nodes[a]["label"], net.nodes[b]["label"]) for a, b, _d in ranked_edges(net)]
    assert order == [("Kota Jambi", "Kota Malang"), ("Kota Serang", "Kota Malang"),
                     ("Kota Padang", "Kota Pekanbaru")]
    data = page_data(net, max_edges=2)
    labels = [n["label"] for n in data["nodes"]]
    assert [(labels[e["f"]], len(e["v"])) for e in data["edges"]] == [
        ("Kota Jambi", 3), ("Kota Serang", 1), ("Kota Padang", 1)]


def test_tooltips_list_details_of_the_most_visited_pairs_only(annotated_store):
    net = build_network(annotated_store, tip_visits=5, tip_pairs=2)
    detailed = [d["details"] for _a, _b, d in net.edges(data=True)]
    assert detailed.count(True) == 2 and len(detailed) == 11
    plain = next(d for _a, _b, d in net.edges(data=True) if not d["details"])
    assert plain["leaders"] == [] and plain["visits"][0]["sources"] == []
    assert plain["visits"][0]["topics"]  # what the page's filters read is always there
    data = page_data(net)
    assert sum("tip" in e for e in data["edges"]) == 2
    assert all(len(e["v"]) == 1 for e in data["edges"])


@pytest.mark.parametrize("layout", ["force", "geo"])
def test_the_compact_network_draws_the_same_page(tmp_path, layout):
    """kgraph viz reads the pairs beyond the tooltips' in compact form: the page is the
    same as from the full network (pairs, visits, topics, years, notes, tooltips)."""
    from kgraph import ingest
    from kgraph.network.viz import ranked_edges

    paths = [write_article(tmp_path, f"j{i}.md", PLAIN.replace("2025-03-04", f"202{i}-03-0{i + 1}")
                           .replace("berita/plain", f"berita/j{i}")
                           .replace("topics: [PAD]", "topics: [PAD, pajak daerah]\n    agreement: "
                                    f"{{type: Nota Kesepahaman, subject: pajak {i}}}"))
             for i in range(3)]
    for name, visitor, host, date in (("s", "Pemkot Serang", "Pemkot Malang", "2024-05-06"),
                                      ("p", "Pemko Padang", "Pemko Pekanbaru", "2023-01-02"),
                                      ("q", "Pemko Padang", "Pemko Pekanbaru", None)):
        text = PLAIN.replace("Pemkot Jambi", visitor).replace("host: Pemkot Malang",
                                                               f"host: {host}")
        text = text.replace("date: 2025-03-04", f"date: {date}" if date else "")
        paths.append(write_article(tmp_path, f"{name}.md", text.replace("berita/plain",
                                                                        f"berita/{name}")))
    store = tmp_path / "s.ttl"
    assert ingest(paths + [EXAMPLES / "articles"], store=store).ok
    full = build_network(store, tip_visits=5, tip_pairs=2)
    compact = build_network(store, tip_visits=5, tip_pairs=2, compact=True)
    assert sum("compact" in d for _a, _b, d in compact.edges(data=True)) == \
        compact.number_of_edges() - 2 > 0
    data = page_data(compact, layout=layout, max_edges=3)
    assert data == page_data(full, layout=layout, max_edges=3)
    assert sum("tip" in e for e in data["edges"]) == 2
    assert data["years"] == [2020, 2026]
    from collections import Counter

    visits = [v for _a, _b, d in full.edges(data=True) for v in d["visits"]]
    assert dict(data["topics"]) == Counter(t for v in visits for t in v["topics"])
    assert sum(v[1] for e in data["edges"] for v in e["v"]) == \
        sum(len(v["agreements"]) for v in visits) >= 3
    # A network made elsewhere, without ranks, is drawn in the same order.
    for _a, _b, d in full.edges(data=True):
        del d["rank"]
    assert [e[:2] for e in ranked_edges(full)] == [e[:2] for e in ranked_edges(compact)]


def test_tooltips_say_how_each_visit_was_read(example_store):
    """Extracted visits carry the extractor's confidence; annotated ones are reviewed."""
    data = page_data(build_network(example_store))
    lines = [v for e in data["edges"] for v in e["tip"]]
    extracted = [v["trust"] for v in lines if v["trust"]["method"] == "extracted"]
    reviewed = [v for v in lines if v["trust"] == {"method": "reviewed"}]
    assert len(extracted) == 3 and len(reviewed) == len(lines) - 3
    assert all(0 < t["confidence"] <= 1 for t in extracted)


def test_province_level(annotated_store, example_store):
    regions = build_network(annotated_store)
    provinces = build_network(annotated_store, level="province")
    assert provinces.graph["level"] == "province"
    assert all(d["type"] == "provinsi" for _n, d in provinces.nodes(data=True))
    # The region network's pairs, summed by their regions' provinces.
    expected: dict = {}
    for a, b, d in regions.edges(data=True):
        key = (regions.nodes[a]["province_code"], regions.nodes[b]["province_code"])
        expected[key] = expected.get(key, 0) + d["count"]
    got = {(provinces.nodes[a]["code"], provinces.nodes[b]["code"]): d["count"]
           for a, b, d in provinces.edges(data=True)}
    assert got == expected and provinces.graph["visits"] == regions.graph["visits"]
    east_java = provinces.nodes[REGION + "35"]
    assert east_java["label"] == "Provinsi Jawa Timur" and east_java["latitude"] is not None
    assert east_java["visits_received"] == sum(
        d["count"] for a, b, d in regions.edges(data=True)
        if regions.nodes[b]["province_code"] == "35")
    # Kabupaten Kutai Timur → Kota Bontang (a raw example) is inside Kalimantan Timur: a
    # loop of one visit, counted as made and received, but no partner of itself.
    whole = build_network(example_store, level="province")
    kaltim = REGION + "64"
    assert whole.edges[kaltim, kaltim]["count"] == 1
    assert kaltim not in {p["region"] for p in whole.nodes[kaltim]["partners"]}
    around = build_network(annotated_store, level="province", around="Kota Malang")
    assert REGION + "35" in around and REGION + "35.73" not in around
    data = page_data(provinces, layout="geo")
    assert any("--level province" in note for note in data["notes"])
    with pytest.raises(KGraphError, match="unknown level"):
        build_network(annotated_store, level="island")


def test_the_page_speaks_indonesian(example_net):
    from kgraph.network.viz_words import WORDS

    html = render_html(example_net, lang="id")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "id"
    assert soup.title.string == "kgraph: kunjungan antardaerah"
    assert soup.find("section", id="kg-legend").h2.get_text() == "Keterangan"
    data = page_json(html)
    assert [item["label"] for item in data["legend"]] == ["kabupaten", "kota", "provinsi"]
    assert data["words"]["reviewed"] == "ditinjau"
    english = BeautifulSoup(render_html(example_net), "html.parser")
    assert english.html["lang"] == "en" and english.find("section", id="kg-legend").h2.get_text() == "Legend"
    # Both languages have every word, with the same {values} to fill in.
    assert WORDS["en"].keys() == WORDS["id"].keys()
    for key, word in WORDS["en"].items():
        def slots(w):
            return set(re.findall(r"\{\w+\}", " ".join(w) if isinstance(w, list) else w))
        assert slots(word) == slots(WORDS["id"][key]), key
    with pytest.raises(KGraphError, match="unknown language"):
        render_html(example_net, lang="fr")


def test_viz_level_and_lang_options(invoke, annotated_store, tmp_path):
    result = invoke("viz", "--store", str(annotated_store), "--level", "province", "--lang",
                    "id", "--since", "2025-01-01", "-o", "p.html")
    assert result.exit_code == 0, result.output
    data = page_json((tmp_path / "p.html").read_text(encoding="utf-8"))
    assert data["level"] == "province" and data["lang"] == "id"
    assert data["filters"] == ["sejak 2025-01-01"]
    assert {n["label"] for n in data["nodes"]} >= {"Provinsi Jawa Timur", "Provinsi Jambi"}
    assert invoke("viz", "--store", str(annotated_store), "--lang", "fr").exit_code == 2
    stats = invoke("stats", "--store", str(annotated_store), "--level", "province",
                   "--format", "json")
    assert stats.exit_code == 0, stats.output
    assert json.loads(stats.stdout)["top_hosts"][0] == {
        "region": "Provinsi Jawa Timur", "code": "35", "visits": 6}  # README: hosts
