"""Annotations → triples: deterministic IRIs, resolution, provenance."""
from __future__ import annotations

import pytest
from pyoxigraph import Literal, NamedNode

from kgraph.read.frontmatter import parse_article
from kgraph.errors import ArticleError
from kgraph.resolve.gazetteer import Gazetteer
from kgraph.map.mapping import Mapper
from kgraph.rdf.namespace import DATA_PREFIXES, KG, RDF, RDFS, TOPIC_NS
from kgraph.resolve.topics import default_scheme


@pytest.fixture(scope="module")
def mapper() -> Mapper:
    return Mapper(Gazetteer.default(), default_scheme())


def article(visits: str, url: str = "https://example.org/a/1") -> str:
    return f"---\ntitle: T\nurl: {url}\nvisits:\n{visits}---\nbody text\n"


def triples(graph):
    return set(graph.reference) | set(graph.owned)


def objects(graph, s, p):
    return {o for (s2, p2, o) in triples(graph) if s2 == s and p2 == p}


def region(code: str) -> NamedNode:
    return NamedNode(DATA_PREFIXES["region"] + code)


def gov(code: str, body: str = "pemerintah") -> NamedNode:
    return NamedNode(f"{DATA_PREFIXES['gov']}{code}-{body}")


@pytest.mark.parametrize(
    "visitor, host, visitor_code, host_code",
    [
        ("Pemkot Jambi", "Pemkot Malang", "15.71", "35.73"),
        ("Pemkab Malang", "Pemkot Malang", "35.07", "35.73"),
        ("Pemerintah Kabupaten Serang", "Pemerintah Kota Serang", "36.04", "36.73"),
        ("Pemprov Jambi", "Pemkot Jambi", "15", "15.71"),
        ("Kabupaten Bandung", "Kota Bandung", "32.04", "32.73"),
        ("Pemko Padang", "Pemko Pekanbaru", "13.71", "14.71"),
    ],
)
def test_namesakes_resolve_to_different_codes(mapper, visitor, host, visitor_code, host_code):
    text = article(f"  - visitor: {visitor}\n    host: {host}\n    date: 2026-01-12\n")
    graph = mapper.map_article(parse_article(text, source="a.md"))
    (visit,) = graph.visits
    assert objects(graph, visit, KG.visitor) == {gov(visitor_code)}
    assert objects(graph, visit, KG.hostedBy) == {gov(host_code)}
    assert objects(graph, gov(visitor_code), KG.region) == {region(visitor_code)}
    assert objects(graph, region(host_code), KG.code) == {Literal(host_code)}
    assert not graph.warnings


def test_iris_are_deterministic_and_follow_the_design(mapper):
    text = article(
        "  - visitor: DPRD Kota Palangka Raya\n    host: DPRD Kota Surabaya\n"
        "    date: 2025-11-03\n    led_by: {name: 'H. Budi Santoso, S.Sos', role: Ketua Komisi I}\n"
    )
    first = mapper.map_article(parse_article(text, source="a.md"))
    again = mapper.map_article(parse_article(text, source="elsewhere.md"))
    assert triples(first) == triples(again)  # the URL identifies the article, not the path
    (visit,) = first.visits
    assert visit.value == DATA_PREFIXES["visit"] + "2025-11-03_62.71-dprd_35.78-dprd"
    person = NamedNode(DATA_PREFIXES["person"] + "62.71-budi-santoso")
    assert first.person_labels[person] == Literal("Budi Santoso")
    assert (gov("62.71", "dprd"), RDF.type, KG.RegionalCouncil) in triples(first)
    assert objects(first, gov("62.71", "dprd"), RDFS.label) == {Literal("DPRD Kota Palangka Raya")}


def test_visit_without_date_is_keyed_by_article(mapper):
    text = article("  - visitor: Pemkot Jambi\n    host: Pemkot Malang\n")
    one = mapper.map_article(parse_article(text, source="a.md"))
    two = mapper.map_article(parse_article(text.replace("/a/1", "/a/2"), source="b.md"))
    assert one.visits != two.visits
    assert one.visits[0].value.startswith(DATA_PREFIXES["visit"] + "15.71-pemerintah_35.73-pemerintah_")


def test_topics_resolve_against_the_scheme(mapper):
    text = article(
        "  - visitor: Pemkot Jambi\n    host: Pemkot Malang\n"
        "    topics: [PAD, Pelayanan  Publik, pengelolaan pasar tradisional]\n"
    )
    graph = mapper.map_article(parse_article(text, source="a.md"))
    report = next(s for (s, p, o) in graph.owned if p == RDF.type and o == KG.VisitReport)
    topics = objects(graph, report, KG.topic)
    new = NamedNode(DATA_PREFIXES["topic"] + "pengelolaan-pasar-tradisional")
    assert topics == {
        NamedNode(TOPIC_NS + "pendapatan-asli-daerah"),
        NamedNode(TOPIC_NS + "pelayanan-publik"),
        new,
    }
    assert (new, RDF.type, KG.Topic) in triples(graph)
    assert objects(graph, new, RDFS.label) == {Literal("pengelolaan pasar tradisional")}
    assert any("not in the topic scheme" in w for w in graph.warnings)


@pytest.mark.parametrize("mention", ["Pemkot Atlantis", "Malang"])
def test_unresolved_regions_are_kept_and_reported(mapper, mention):
    text = article(f"  - visitor: {mention}\n    host: Pemkot Surabaya\n")
    graph = mapper.map_article(parse_article(text, source="a.md"))
    (visit,) = graph.visits
    (visitor,) = objects(graph, visit, KG.visitor)
    (place,) = objects(graph, visitor, KG.region)
    assert (place, RDF.type, KG.Region) in triples(graph)
    assert not objects(graph, place, KG.code)
    assert len(graph.warnings) == 1
    assert graph.warnings[0].startswith("a.md: visits[0].visitor: ")
    assert "unresolved" in graph.warnings[0]


def test_ambiguous_mention_names_the_candidates(mapper):
    text = article("  - visitor: Malang\n    host: Pemkot Surabaya\n")
    graph = mapper.map_article(parse_article(text, source="a.md"))
    assert "Kota Malang (35.73)" in graph.warnings[0]
    assert "Kabupaten Malang (35.07)" in graph.warnings[0]


def test_contradictions_are_errors(mapper):
    same = article("  - visitor: Pemkot Malang\n    host: Kota Malang\n")
    with pytest.raises(ArticleError, match=r"^a.md: visits\[0\]: visitor and host are the same"):
        mapper.map_article(parse_article(same, source="a.md"))
    twice = article(
        "  - visitor: Pemkot Jambi\n    host: Pemkot Malang\n    date: 2026-01-12\n"
        "  - visitor: Pemerintah Kota Jambi\n    host: Kota Malang\n    date: 2026-01-12\n"
    )
    with pytest.raises(ArticleError, match=r"visits\[1\]: the same visit as visits\[0\]"):
        mapper.map_article(parse_article(twice, source="a.md"))


def test_provenance_and_article_metadata(mapper):
    text = article(
        "  - visitor: Pemkot Jambi\n    host: Pemkot Malang\n    evidence: body text\n"
        "    agreement: {type: Kesepakatan Bersama, subject: urusan pemerintahan}\n"
    )
    graph = mapper.map_article(parse_article(text, source="a.md"))
    report = next(s for (s, p, o) in graph.owned if p == RDF.type and o == KG.VisitReport)
    assert objects(graph, report, KG.source) == {graph.article}
    assert objects(graph, report, KG.method) == {Literal("annotated")}
    assert objects(graph, report, KG.evidence) == {Literal("body text")}
    (agreement,) = objects(graph, report, KG.signedAgreement)
    assert objects(graph, agreement, KG.agreementType) == {Literal("Kesepakatan Bersama")}
    assert (graph.article, RDF.type, KG.Article) in triples(graph)
