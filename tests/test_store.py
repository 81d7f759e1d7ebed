"""The Turtle store: idempotent, byte-stable, replaces changed articles, never corrupted."""
from __future__ import annotations

import os
import shutil
import subprocess

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from kgraph import ingest
from kgraph.errors import StoreError
from kgraph.rdf.namespace import KG_NS
from kgraph.store.graph import load_graph
from kgraph.store.turtle_store import serialize

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
    expected = {"kgraph.ttl", ".kgraph.ttl.index"}  # the lock is in the index folder
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
    assert sorted(os.listdir(tmp_path)) == [".kgraph.ttl.index", "a.md", "kgraph.ttl"]
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


# ------------------------------------------------------------ articles without a URL

RAW = "Pemkot {host} menerima kunjungan kerja Pemkot {visitor}, Senin (12/1/2026).\n"


def articles_in(path) -> dict[str, set[str]]:
    """Article IRI → its kg:fileName values, read from the Turtle file."""
    graph = rdf(path)
    return {str(a): {str(f) for f in graph.objects(a, KG.fileName)}
            for a in graph.subjects(rdflib.RDF.type, KG.Article)}


def test_urlless_articles_piped_one_after_another_are_all_kept(invoke):
    texts = [RAW.format(host=h, visitor=v) for h, v in
             [("Malang", "Jambi"), ("Bandung", "Serang"), ("Semarang", "Gresik")]]
    for text in texts:
        result = invoke("ingest", "-", input=text)
        assert result.exit_code == 0, result.output
    assert len(articles_in("kgraph.ttl")) == 3
    assert len(list(rdf("kgraph.ttl").subjects(rdflib.RDF.type, KG.Visit))) == 3
    again = invoke("ingest", "-", input=texts[1])  # the same text again: the same article
    assert "(+0)" in again.stdout


def test_urlless_identity_does_not_depend_on_the_working_directory(tmp_path, monkeypatch):
    store = tmp_path / "kgraph.ttl"
    raw = tmp_path / "raw"
    write_article(raw, "x.txt", RAW.format(host="Malang", visitor="Jambi"))
    monkeypatch.chdir(tmp_path)
    ingest(["raw/x.txt"], store=store)
    before = store.read_bytes()
    monkeypatch.chdir(raw)
    report = ingest(["x.txt"], store=store)
    assert report.new_triples == 0 and store.read_bytes() == before
    (names,) = articles_in(store).values()
    assert names == {"x.txt"}  # the file name, as provenance, without its folder
    assert len(list(rdf(store).subjects(rdflib.RDF.type, KG.Visit))) == 1  # one undated visit


def test_two_files_of_one_name_in_two_folders_are_two_articles(tmp_path):
    store = tmp_path / "kgraph.ttl"
    one = write_article(tmp_path / "a", "news.txt", RAW.format(host="Malang", visitor="Jambi"))
    two = write_article(tmp_path / "b", "news.txt", RAW.format(host="Bandung", visitor="Serang"))
    ingest([one], store=store)
    ingest([two], store=store)
    assert sorted(articles_in(store).values()) == [{"news.txt"}, {"news.txt"}]


def test_the_examples_make_the_same_store_from_any_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ingest([EXAMPLES], store=tmp_path / "here.ttl")
    monkeypatch.chdir(EXAMPLES / "raw")
    ingest([EXAMPLES], store=tmp_path / "there.ttl")
    assert (tmp_path / "here.ttl").read_bytes() == (tmp_path / "there.ttl").read_bytes()


def test_a_store_that_keyed_urlless_articles_by_path_is_migrated(tmp_path, monkeypatch):
    """kgraph 0.x identified an article without a URL by its path: ingesting the same file
    again (from the same folder) retracts that article, so no stale duplicate stays."""
    import importlib

    from kgraph.read.article import Article

    ingest_module = importlib.import_module("kgraph.ingest")  # kgraph.ingest is the function

    def read_as_before(*args, **kwargs):  # no file name: a label and key from the path
        article = real_read(*args, **kwargs)
        article.file_name = None
        return article

    real_read = ingest_module.read_article
    monkeypatch.chdir(tmp_path)
    path = write_article(tmp_path, "raw/x.txt", RAW.format(host="Malang", visitor="Jambi"))
    write_article(tmp_path, "raw/y.md", "---\nvisits:\n  - visitor: Pemkot Bandung\n"
                  "    host: Pemkot Medan\n---\nPemkot Medan menerima Pemkot Bandung.\n")
    old, new = tmp_path / "old.ttl", tmp_path / "new.ttl"
    with monkeypatch.context() as patch:  # what kgraph 0.x wrote
        patch.setattr(Article, "key", property(lambda self: self.url or self.source))
        patch.setattr(ingest_module, "read_article", read_as_before)
        ingest(["raw/x.txt", "raw/y.md"], store=old)
    assert len(articles_in(old)) == 2
    report = ingest(["raw/x.txt", "raw/y.md"], store=old)
    assert report.articles == 2
    ingest(["raw/x.txt", "raw/y.md"], store=new)
    assert old.read_bytes() == new.read_bytes()
    assert len(list(rdf(old).subjects(rdflib.RDF.type, KG.Visit))) == 2
    assert articles_in(old) == articles_in(new) and path.name in str(articles_in(new))


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_git_status_shows_the_store_only(tmp_path):
    env = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_SYSTEM": os.devnull}
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True, env=env)
    ingest([EXAMPLES], store=tmp_path / "kgraph.ttl")
    status = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"],
                            cwd=tmp_path, capture_output=True, text=True, check=True, env=env)
    assert status.stdout == "?? kgraph.ttl\n"
