"""The Turtle store: idempotent, byte-stable, replaces changed articles, never corrupted."""
from __future__ import annotations

import os

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kgraph import ingest
from kgraph.errors import StoreError
from kgraph.namespace import KG_NS
from kgraph.store import load_graph, serialize

from conftest import EXAMPLES, write_article

KG = rdflib.Namespace(KG_NS)

ARTICLE = """---
title: Pemkot Malang terima Pemkot Jambi
url: https://example.org/a/1
visits:
  - visitor: Pemkot Jambi
    host: Pemkot Malang
    date: 2026-01-12
    led_by: {{name: Maulana, role: Wali Kota Jambi}}
    topics: [{topics}]
---
Pemkot Malang menerima kunjungan kerja Pemkot Jambi.
"""


def rdf(path) -> rdflib.Graph:
    return rdflib.Graph().parse(path, format="turtle")


def visit_topics(graph: rdflib.Graph) -> set[str]:
    return {str(t).rsplit("/", 1)[1] for t in graph.objects(None, KG.topic)
            if (None, rdflib.RDF.type, KG.Visit)}


def test_reingest_is_byte_identical(tmp_path):
    store = tmp_path / "kgraph.ttl"
    first = ingest([EXAMPLES], store=store)
    data = store.read_bytes()
    second = ingest([EXAMPLES], store=store)
    assert store.read_bytes() == data
    assert first.written and not second.written
    assert second.new_triples == 0 and second.triples_after == first.triples_after


def test_output_does_not_depend_on_ingest_order(tmp_path):
    files = sorted((EXAMPLES / "articles").glob("*.md"))
    a, b = tmp_path / "a.ttl", tmp_path / "b.ttl"
    ingest(files, store=a)
    for path in reversed(files):
        ingest([path], store=b)
    assert a.read_bytes() == b.read_bytes()


def test_turtle_round_trips_to_an_isomorphic_graph(example_store):
    text = example_store.read_text(encoding="utf-8")
    graph = rdflib.Graph().parse(data=text, format="turtle")
    again = rdflib.Graph().parse(data=serialize(load_graph(example_store)), format="turtle")
    assert isomorphic(graph, again)


def test_serializer_escapes_and_types(tmp_path):
    graph = ox.Store()
    s = ox.NamedNode("https://w3id.org/kgraph/id/visit/a/b?c=d&e")
    tricky = ox.Literal('quote " backslash \\ newline \n tab \t <script>')
    graph.add(ox.Quad(s, ox.NamedNode(KG_NS + "evidence"), tricky))
    graph.add(ox.Quad(s, ox.NamedNode(KG_NS + "confidence"),
                      ox.Literal("0.75", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal"))))
    graph.add(ox.Quad(s, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label"),
                      ox.Literal("kunjungan", language="id")))
    path = tmp_path / "t.ttl"
    path.write_text(serialize(graph), encoding="utf-8")
    back = load_graph(path)
    assert set(back) == set(graph)


def test_two_articles_about_one_visit_give_one_visit_with_two_sources(example_store):
    graph = rdf(example_store)
    visits = [v for v in graph.subjects(rdflib.RDF.type, KG.Visit)
              if str(v).endswith("2025-10-06_36.73-pemerintah_35.73-pemerintah")]
    assert len(visits) == 1
    assert len(set(graph.objects(visits[0], KG.source))) == 2
    assert len(set(graph.subjects(KG.visit, visits[0]))) == 2  # one report per article


def test_changed_article_replaces_what_it_said(tmp_path):
    store = tmp_path / "kgraph.ttl"
    path = write_article(tmp_path, "a.md", ARTICLE.format(topics="pelayanan publik, PAD"))
    ingest([path], store=store)
    assert visit_topics(rdf(store)) == {"pelayanan-publik", "pendapatan-asli-daerah"}
    write_article(tmp_path, "a.md", ARTICLE.format(topics="kesehatan"))
    ingest([path], store=store)
    graph = rdf(store)
    assert visit_topics(graph) == {"kesehatan"}
    # Topics no longer used anywhere are gone too.
    assert not list(graph.subjects(rdflib.RDFS.label, rdflib.Literal("public service", lang="en")))


def test_changing_a_shared_visit_keeps_the_other_article(tmp_path):
    store = tmp_path / "kgraph.ttl"
    one = write_article(tmp_path, "one.md", ARTICLE.format(topics="kesehatan"))
    other = ARTICLE.format(topics="pendidikan").replace("/a/1", "/a/2")
    two = write_article(tmp_path, "two.md", other)
    ingest([one, two], store=store)
    assert visit_topics(rdf(store)) == {"kesehatan", "pendidikan"}
    write_article(tmp_path, "one.md", ARTICLE.format(topics="pariwisata"))
    ingest([one], store=store)
    assert visit_topics(rdf(store)) == {"pariwisata", "pendidikan"}


def test_article_that_now_has_no_visit_removes_its_visit(tmp_path):
    store = tmp_path / "kgraph.ttl"
    path = write_article(tmp_path, "a.md", ARTICLE.format(topics="kesehatan"))
    ingest([path], store=store)
    empty = ("---\ntitle: Pemkot Malang terima Pemkot Jambi\nurl: https://example.org/a/1\n"
             "visits: []\n---\nNo visit after all.\n")
    write_article(tmp_path, "a.md", empty)
    ingest([path], store=store)
    graph = rdf(store)
    assert not list(graph.subjects(rdflib.RDF.type, KG.Visit))
    assert not list(graph.subjects(rdflib.RDF.type, KG.Person))
    assert not list(graph.subjects(rdflib.RDF.type, KG.Region))
    assert len(list(graph.subjects(rdflib.RDF.type, KG.Article))) == 1


def test_removing_then_restoring_gives_the_same_bytes(tmp_path):
    store = tmp_path / "kgraph.ttl"
    path = write_article(tmp_path, "a.md", ARTICLE.format(topics="kesehatan"))
    ingest([EXAMPLES, path], store=store)
    before = store.read_bytes()
    original = path.read_text(encoding="utf-8")
    write_article(tmp_path, "a.md", original.replace("kesehatan", "pariwisata"))
    ingest([path], store=store)
    assert store.read_bytes() != before
    write_article(tmp_path, "a.md", original)
    ingest([path], store=store)
    assert store.read_bytes() == before


def test_broken_article_is_skipped_and_the_others_stored(tmp_path):
    store = tmp_path / "kgraph.ttl"
    good = write_article(tmp_path, "in/good.md", ARTICLE.format(topics="kesehatan"))
    write_article(tmp_path, "in/broken.md", ARTICLE.format(topics="x").replace(
        "    host: Pemkot Malang\n", ""))
    report = ingest([tmp_path / "in"], store=store)
    assert report.articles == 1 and len(report.failed) == 1
    assert report.failed[0].endswith("broken.md: visits[0].host: missing")
    assert str(good) and len(list(rdf(store).subjects(rdflib.RDF.type, KG.Visit))) == 1


def test_invalid_store_is_refused_and_left_untouched(tmp_path):
    store = tmp_path / "kgraph.ttl"
    store.write_text("@prefix kg: <x#> .\nthis is not turtle", encoding="utf-8")
    before = store.read_bytes()
    path = write_article(tmp_path, "a.md", ARTICLE.format(topics="kesehatan"))
    with pytest.raises(StoreError, match="not valid Turtle"):
        ingest([path], store=store)
    assert store.read_bytes() == before


def test_no_temporary_files_are_left_behind(tmp_path):
    store = tmp_path / "kgraph.ttl"
    ingest([EXAMPLES], store=store)
    expected = {"kgraph.ttl", "kgraph.ttl.lock", ".kgraph.ttl.index"}
    assert set(os.listdir(tmp_path)) == expected
    index = tmp_path / ".kgraph.ttl.index"
    assert not [p for p in os.listdir(index) if p.endswith(".tmp")]


def test_failed_write_keeps_the_old_store(tmp_path, monkeypatch):
    store = tmp_path / "kgraph.ttl"
    path = write_article(tmp_path, "a.md", ARTICLE.format(topics="kesehatan"))
    ingest([path], store=store)
    before = store.read_bytes()
    write_article(tmp_path, "a.md", ARTICLE.format(topics="pariwisata"))

    def fail(*_args, **_kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", fail)
    with pytest.raises(StoreError, match="no space left on the device; the old store is intact"):
        ingest([path], store=store)
    assert store.read_bytes() == before
    assert sorted(os.listdir(tmp_path)) == [".kgraph.ttl.index", "a.md", "kgraph.ttl",
                                            "kgraph.ttl.lock"]
    monkeypatch.undo()
    assert ingest([path], store=store).written  # the next ingest works and applies it
    assert visit_topics(rdf(store)) == {"pariwisata"}


def test_example_store_contents(example_store):
    graph = rdf(example_store)
    visits = set(graph.subjects(rdflib.RDF.type, KG.Visit))
    # 12 annotated visits (one reported twice) and 3 extracted from examples/raw/
    assert len(visits) == 14
    agreements = set(graph.objects(None, KG.signedAgreement))
    assert len(agreements) == 3  # two annotated, one extracted (Gresik → Semarang)
    codes = {str(c) for c in graph.objects(None, KG.code)}
    assert {"35.73", "35.07", "36.73", "36.04", "15.71", "15"} <= codes
    diff = graph_diff(to_isomorphic(graph), to_isomorphic(rdf(example_store)))
    assert not list(diff[1]) and not list(diff[2])
