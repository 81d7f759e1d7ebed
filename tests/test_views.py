"""The index's visit table (kgraph.store.views) answers exactly as SPARQL over the graph would.

The table is what makes ``--preset pairs`` and ``viz`` fast on big stores; these tests
check that it is kept exact through ingests, re-ingests that retract visits, hand
edits of the Turtle file, and that without it the same answers come from SPARQL.
"""
from __future__ import annotations

import itertools
import re

import pyoxigraph as ox
import pytest

from kgraph import ingest
from kgraph.store.index import Index
from kgraph.network.pairs import NetworkFilter
from kgraph.network.build import network_from_graph
from kgraph.query.presets import preset
from kgraph.query.runner import query, run_preset
from kgraph.store.graph import open_graph
from kgraph.store.views import DETAILS_FILE, FILE_NAME, VisitTable
from kgraph.rdf.tsv import blocks, term_value

from conftest import write_article

HEAD = """---
title: Kunjungan {n}
url: https://berita.example/kunjungan/{n}
visits:
"""
VISIT = """  - visitor: {visitor}
    host: {host}
{date}    topics: [{topic}]
    led_by: {leader}
{agreement}"""
PAIRS = [("Pemkot Jambi", "Pemkot Malang"), ("Pemkot Serang", "Pemkot Malang"),
         ("Pemkab Banyuwangi", "Pemkab Tolitoli"), ("DPRD Kota Depok", "Pemkot Malang"),
         ("Pemprov Jawa Timur", "Pemkot Jambi")]
TOPICS = ["pelayanan publik", "pendapatan asli daerah", "pengelolaan sampah"]


def article(folder, n: int, visits: list[tuple[str, str, str | None]]):
    text = HEAD.format(n=n)
    for i, (visitor, host, date) in enumerate(visits):
        text += VISIT.format(visitor=visitor, host=host,
                             date=f"    date: {date}\n" if date else "",
                             topic=TOPICS[(n + i) % len(TOPICS)], leader=f"Pejabat {n} {i}",
                             agreement="    agreement: {type: Kesepakatan Bersama, subject: "
                                       f"kerja sama {n}}}\n" if n % 3 == 0 else "")
    return write_article(folder, f"a{n:03d}.md", text + "---\nIsi berita.\n")


@pytest.fixture
def store(tmp_path):
    folder = tmp_path / "articles"
    for n in range(12):
        pair = PAIRS[n % len(PAIRS)]
        date = None if n == 7 else f"2025-{n % 12 + 1:02d}-{n + 3:02d}"
        article(folder, n, [(*pair, date)])
    assert ingest([folder], store=tmp_path / "kgraph.ttl").ok
    return tmp_path / "kgraph.ttl"


def sparql_pairs(store) -> list[tuple]:
    return query(preset("pairs").text, store=store).rows


def shortcut_pairs(store) -> list[tuple]:
    result = run_preset("pairs", store=store)
    assert result.results_format == ox.QueryResultsFormat.TSV, "the table was not used"
    return result.rows


def assert_table_exact(store) -> None:
    table = Index(store).snapshot_table(details=True)
    assert table is not None and table.details is not None
    full = VisitTable.compute(open_graph(store))
    assert table.visits == full.visits
    assert table.labels == full.labels
    assert table.details.visits() == full.details.visits()
    for visit in full.details.visits():
        assert sorted(table.details.get(visit)) == sorted(full.details.get(visit))
    assert {k for v in table.details.visits() for k, _x in table.details.get(v)} == {1, 4}
    assert shortcut_pairs(store) == sparql_pairs(store)


def test_pairs_from_the_table_equal_the_sparql_rows(store):
    rows = shortcut_pairs(store)
    assert rows == sparql_pairs(store)
    assert len(rows) == len(PAIRS)
    by_pair = {(r[0].value, r[1].value): r for r in rows}
    jambi_malang = by_pair[("Kota Jambi", "Kota Malang")]
    assert jambi_malang[2].value == "3"
    assert (jambi_malang[3].value, jambi_malang[4].value) == ("2025-01-03", "2025-11-13")


def test_a_pair_with_an_undated_visit_has_no_first_or_last_like_sparql(store):
    rows = shortcut_pairs(store)
    undated = [r for r in rows if r[0].value == "Kabupaten Banyuwangi"]  # article 7's pair
    assert len(undated) == 1 and undated[0][2].value == "2"
    assert undated[0][3] is None and undated[0][4] is None
    assert all(r[3] is not None for r in rows if r is not undated[0])


def test_the_table_follows_ingests_that_add_change_and_retract_visits(store, tmp_path):
    folder = tmp_path / "articles"
    steps = [
        [(3, [("Pemkot Jambi", "Pemkot Malang", "2026-02-01")])],  # host and date change
        [(1, []), (20, [("Pemkot Serang", "Pemkot Jambi", "2026-03-03"),
                        ("Pemkot Malang", "Pemkot Serang", None)])],  # retract, add two
        [(7, [("Pemkot Serang", "Pemkot Malang", "2025-08-10")])],  # now dated
        [(20, [("Pemkot Serang", "Pemkot Jambi", "2026-03-03")])],  # one of two retracted
    ]
    for step in steps:
        for n, visits in step:
            article(folder, n, visits)
        assert ingest([folder], store=store).ok
        assert_table_exact(store)


def test_a_hand_edit_of_the_turtle_file_is_seen_through_the_table(store):
    text = store.read_text(encoding="utf-8")
    assert '"Kota Jambi"' in text
    store.write_text(text.replace('"Kota Jambi"', '"Kota Jambi (edited)"'), encoding="utf-8")
    rows = shortcut_pairs(store)
    assert any(r[0].value == "Kota Jambi (edited)" for r in rows)
    assert rows == sparql_pairs(store)
    assert_table_exact(store)


def test_without_a_table_the_preset_runs_its_sparql(store, monkeypatch):
    expected = shortcut_pairs(store)
    snapshot = Index(store).fresh_snapshot()
    (snapshot / FILE_NAME).unlink()
    def unreadable(*_args):  # type: ignore[no-untyped-def]
        raise OSError("the snapshot cannot be read")

    monkeypatch.setattr(VisitTable, "compute", unreadable)
    result = run_preset("pairs", store=store)
    assert result.results_format == ox.QueryResultsFormat.JSON
    assert result.rows == expected


def test_a_corrupt_table_is_not_used(store):
    snapshot = Index(store).fresh_snapshot()
    path = snapshot / FILE_NAME
    path.write_text(path.read_text(encoding="utf-8") + "garbage line\n", encoding="utf-8")
    assert VisitTable.load(snapshot) is None
    assert run_preset("pairs", store=store).results_format == ox.QueryResultsFormat.JSON


def edges(net) -> dict:
    return {(a, b): d for a, b, d in net.edges(data=True)}


FILTERS = [
    NetworkFilter(),
    NetworkFilter(since=__import__("datetime").date(2025, 4, 1)),
    NetworkFilter(until=__import__("datetime").date(2025, 6, 30), min_visits=1),
    NetworkFilter(topics=("pengelolaan sampah",)),
    NetworkFilter(region_types=("kota",)),
    NetworkFilter(around="Kota Malang", min_visits=2),
]


@pytest.mark.parametrize("with_details", [True, False])
@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ";".join(f.describe()) or "all")
def test_the_network_from_the_table_equals_the_network_from_the_graph(store, flt, with_details):
    graph = open_graph(store)
    table = Index(store).snapshot_table(details=with_details)
    assert table is not None and table.simple()
    assert (table.details is not None) == with_details
    fast = network_from_graph(graph, flt, table=table)
    slow = network_from_graph(graph, flt)
    assert list(fast.edges(data=True)) == list(slow.edges(data=True))
    assert dict(fast.nodes(data=True)) == dict(slow.nodes(data=True))
    assert fast.graph == slow.graph
    assert fast.number_of_edges() > 0
    assert any(d["topics"] for _a, _b, d in fast.edges(data=True))
    assert any(d["agreements"] for _a, _b, d in fast.edges(data=True)) or flt.topics


def test_tip_visits_read_people_and_sources_of_the_latest_visits_only(store):
    graph = open_graph(store)
    full = edges(network_from_graph(graph))
    tips = edges(network_from_graph(graph, tip_visits=1))
    assert full.keys() == tips.keys()
    for key, data in tips.items():
        latest, *older = data["visits"]
        assert latest == full[key]["visits"][0]
        assert all(not v["leaders"] and not v["sources"] for v in older)
        assert [v["topics"] for v in data["visits"]] == [v["topics"] for v in full[key]["visits"]]
    assert any(len(d["visits"]) > 1 for d in tips.values())


@pytest.mark.parametrize("term, value", [
    ("<https://w3id.org/kgraph/id/region/35.73>", "https://w3id.org/kgraph/id/region/35.73"),
    ('"Kota Malang"', "Kota Malang"),
    ('"say \\"hi\\"\\tand\\\\go"@id', 'say "hi"\tand\\go'),
    ('"caf\\u00E9 \\U0001F600"', "café 😀"),
    ('"2025-01-03"^^<http://www.w3.org/2001/XMLSchema#date>', "2025-01-03"),
    ("42", "42"),
])
def test_term_value_decodes_sparql_tsv_terms(term, value):
    assert term_value(term) == value


def test_term_value_agrees_with_pyoxigraph_on_awkward_literals():
    texts = ["tab\there", "new\nline", 'quote " and \\ backslash', "ünïcödé ✓", ""]
    graph = ox.Store()
    s, p = ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p")
    for text, lang in itertools.product(texts, (None, "id")):
        graph.add(ox.Quad(s, p, ox.Literal(text, language=lang)))
    data = graph.query("SELECT ?o WHERE { ?s ?p ?o }").serialize(
        format=ox.QueryResultsFormat.TSV).decode("utf-8")
    decoded = sorted(term_value(line) for line in data.split("\n")[1:] if line)
    assert decoded == sorted(t for t in texts for _ in range(2))


def test_large_edits_that_stop_tracking_triples_keep_the_count_and_the_table(
        store, tmp_path, monkeypatch):
    from kgraph.store.index import count_triples
    from kgraph.store.editor import GraphEditor

    monkeypatch.setattr(GraphEditor, "TRACK_LIMIT", 20)  # overflow after a few triples
    folder = tmp_path / "articles"
    for n in range(30, 40):
        article(folder, n, [("Pemkot Malang", "Pemkot Jambi", f"2026-04-{n - 20:02d}")])
    article(folder, 1, [])  # and a retraction
    report = ingest([folder], store=store)
    assert report.ok
    assert report.triples_after == count_triples(open_graph(store))
    assert_table_exact(store)


def test_build_network_reads_the_table_of_a_fresh_index(store, monkeypatch):
    from kgraph.network import build as network

    expected = edges(network.build_network(store))

    def not_called(*_args):  # type: ignore[no-untyped-def]
        raise AssertionError("read every visit from the graph")

    monkeypatch.setattr(network, "_pairs_from_graph", not_called)
    assert edges(network.build_network(store)) == expected
    store.write_text(store.read_text(encoding="utf-8") + "\n", encoding="utf-8")  # stale
    with pytest.raises(AssertionError, match="every visit"):
        network.build_network(store)  # rebuilt meanwhile: the graph is read, not the table


def test_a_snapshot_from_an_earlier_kgraph_gets_its_table_on_first_read(store):
    expected = shortcut_pairs(store)
    snapshot = Index(store).fresh_snapshot()
    (snapshot / FILE_NAME).unlink()  # as an index made before tables existed
    assert Index(store).snapshot_table() is not None
    assert (snapshot / FILE_NAME).exists()
    assert shortcut_pairs(store) == expected


def test_a_table_edited_by_hand_is_not_used(store):
    """A hand edit that keeps the file's format (a visit's date, a region's label) is
    caught by the table's checksum: the answers come from SPARQL, and stay right."""
    expected = sparql_pairs(store)
    snapshot = Index(store).fresh_snapshot()
    path = snapshot / FILE_NAME
    text = path.read_text(encoding="utf-8")
    edited = re.sub(r'"20(\d\d)-', r'"19\1-', text, count=3)
    assert edited != text and edited.count("\n") == text.count("\n")
    path.write_text(edited, encoding="utf-8")
    assert VisitTable.load(snapshot) is None
    result = run_preset("pairs", store=store)
    assert result.results_format == ox.QueryResultsFormat.JSON  # the SPARQL, not the table
    assert result.rows == expected
    details = snapshot / DETAILS_FILE
    details.write_text(details.read_text(encoding="utf-8").replace("\t1\t", "\t4\t", 1),
                       encoding="utf-8")
    table = VisitTable.load(Index(store).fresh_snapshot())
    assert table is None or not table.load_details(snapshot)


def test_a_table_of_an_earlier_version_is_computed_again(store):
    expected = shortcut_pairs(store)
    snapshot = Index(store).fresh_snapshot()
    path = snapshot / FILE_NAME
    body = path.read_text(encoding="utf-8").partition("\n")[2]
    path.write_text("# kgraph visit table 1\n" + body, encoding="utf-8")  # kgraph 0.x's
    assert VisitTable.load(snapshot) is None
    assert shortcut_pairs(store) == expected
    assert VisitTable.load(snapshot) is not None


def _rows_of(data: dict) -> list[tuple]:
    """A full pair's visits as the compact rows of kgraph.network (IRI, date, agreements,
    topics)."""
    return [(v["iri"], v["date"], len(v["agreements"]), tuple(v["topics"]))
            for v in data["visits"]]


@pytest.mark.parametrize("flt", FILTERS, ids=lambda f: ";".join(f.describe()) or "all")
def test_the_compact_network_sums_up_the_visits_of_the_full_one(store, flt):
    """``compact`` (what kgraph viz draws from) keeps the most visited pairs in full and
    sums up the others in rows: read from the visit table, they equal the rows of the
    full network's visits and the rows read from the graph without the table."""
    graph = open_graph(store)
    table = Index(store).snapshot_table(details=True)
    full = edges(network_from_graph(graph, flt, table=table))
    fast = network_from_graph(graph, flt, table=table, compact=True, tip_visits=1, tip_pairs=1)
    slow = network_from_graph(graph, flt, compact=True, tip_visits=1, tip_pairs=1)
    assert list(fast.edges(data=True)) == list(slow.edges(data=True))
    assert dict(fast.nodes(data=True)) == dict(slow.nodes(data=True))
    assert fast.graph == slow.graph
    summed = {k: d for k, d in edges(fast).items() if "compact" in d}
    assert fast.number_of_edges() == len(full) == len(summed) + 1
    for key, data in summed.items():
        assert set(data) == {"count", "first", "last", "compact", "details", "rank"}
        assert data["compact"] == _rows_of(full[key])
        assert [data[k] for k in ("count", "first", "last", "rank")] == \
            [full[key][k] for k in ("count", "first", "last", "rank")]
    (top,) = [k for k in edges(fast) if k not in summed]
    assert edges(fast)[top]["visits"][0]["leaders"]  # the tooltip's details
    assert any(r[2] for d in summed.values() for r in d["compact"]) or flt.topics or flt.around


def test_details_lines_are_the_same_read_or_parsed(store):
    table = Index(store).snapshot_table(details=True)
    assert table is not None and table.details is not None
    visits = sorted(table.details.visits())
    lines = {v: table.details.line(v) for v in visits}
    assert all(lines.values()) and table.details.line("<https://example.org/none>") == ""
    for v in visits[::2]:
        table.details.get(v)  # now parsed
    assert {v: table.details.line(v) for v in visits} == lines
    assert table.details.lines(visits) == [lines[v] for v in visits]


@pytest.mark.parametrize("count, parts, sizes", [
    (0, 1, []), (10, 2, [10]), (1000, 2, [500, 500]), (5000, 2, [2500, 2500]),
    (4001, 1, [2001, 2000]), (9000, 2, [3000, 3000, 3000]), (12000, 4, [3000] * 4),
])
def test_values_blocks_are_even_and_keep_every_term_in_order(count, parts, sizes):
    """Queries run side by side take as long as their largest block: blocks of even
    size, at most 4000 terms, in as many parts as asked when each has 500 terms."""
    terms = [f"<https://example.org/{i}>" for i in range(count)]
    found = [block.split(" ") for block in blocks(terms, parts)]
    assert [len(b) for b in found] == sizes
    assert [t for b in found for t in b] == terms
