"""The index beside the Turtle store is never stale and never needed for correctness."""
from __future__ import annotations

import json
import os
import shutil

import pytest
import rdflib

from kgraph import ingest
from kgraph.errors import KGraphWarning
from kgraph.export import export_chunks
from kgraph.store.index import Index
from kgraph.network.build import build_network
from kgraph.query.runner import query, run_preset
from kgraph.store.graph import load_graph, open_graph
from kgraph.store.turtle_store import serialize

from conftest import EXAMPLES, write_article

ARTICLE = """---
title: T
url: https://example.org/a/{n}
visits:
  - visitor: Pemkot Jambi
    host: {host}
    date: 2026-01-{n:02d}
    topics: [{topic}]
---
body
"""

COUNT_VISITS = "SELECT (COUNT(?v) AS ?n) WHERE { ?v a <https://w3id.org/kgraph/ns#Visit> }"
HOSTS = """SELECT ?label WHERE {
  ?v <https://w3id.org/kgraph/ns#hostedBy>/<http://www.w3.org/2000/01/rdf-schema#label> ?label
} ORDER BY ?label"""


def visits(store) -> int:
    return int(next(iter(open_graph(store).query(COUNT_VISITS)))["n"].value)


def hosts(store) -> list[str]:
    return [row["label"].value for row in open_graph(store).query(HOSTS)]


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "kgraph.ttl"
    ingest([EXAMPLES], store=path)
    return path


def test_queries_come_from_a_snapshot_of_the_index(store):
    assert visits(store) == 14  # 11 annotated visits, 3 extracted from examples/raw/
    stamp = json.loads((store.parent / ".kgraph.ttl.index" / "stamp.json").read_text())
    assert stamp["snapshot"].startswith("snap-") and stamp["primary_clean"] is True


def test_a_hand_edit_is_seen_by_the_next_query(store):
    text = store.read_text(encoding="utf-8")
    edited = text.replace('"Pemerintah Kota Malang"', '"Pemerintah Kota Malang (edited)"')
    assert edited != text
    store.write_text(edited, encoding="utf-8")
    assert "Pemerintah Kota Malang (edited)" in hosts(store)


def test_a_same_size_edit_with_the_old_mtime_is_seen(store):
    # Like a checkout that restores timestamps: size and mtime equal, content differs.
    text = store.read_text(encoding="utf-8")
    edited = text.replace('"Pemerintah Kota Malang"', '"Pemerintah Kota Malanx"')
    assert len(edited) == len(text)
    st = os.stat(store)
    store.write_text(edited, encoding="utf-8")
    os.utime(store, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert "Pemerintah Kota Malanx" in hosts(store)


def test_a_deleted_or_broken_index_is_rebuilt(store):
    before = hosts(store)
    shutil.rmtree(store.parent / ".kgraph.ttl.index")
    assert hosts(store) == before
    stamp = store.parent / ".kgraph.ttl.index" / "stamp.json"
    stamp.write_text("{not json", encoding="utf-8")
    assert hosts(store) == before
    for snap in (store.parent / ".kgraph.ttl.index").glob("snap-*"):
        if snap.is_dir():
            shutil.rmtree(snap)
    assert hosts(store) == before


def test_ingest_after_a_hand_edit_keeps_the_edit_and_rewrites_canonically(store, tmp_path):
    graph = rdflib.Graph().parse(store, format="turtle")
    extra = (rdflib.URIRef("https://example.org/note"), rdflib.RDFS.comment,
             rdflib.Literal("added by hand"))
    graph.add(extra)
    store.write_text(graph.serialize(format="turtle"), encoding="utf-8")  # rdflib's layout
    path = write_article(tmp_path, "a.md", ARTICLE.format(n=1, host="Pemkot Bandung",
                                                         topic="kesehatan"))
    ingest([path], store=store)
    text = store.read_text(encoding="utf-8")
    assert "added by hand" in text
    assert text == serialize(load_graph(store))  # kgraph's own sorted layout again


def test_patched_file_equals_a_full_write(tmp_path):
    store = tmp_path / "kgraph.ttl"
    ingest([EXAMPLES], store=store)
    for n, host, topic in [(1, "Pemkot Bandung", "kesehatan"), (2, "Pemkab Sleman", "PAD"),
                           (1, "Pemkot Bandung", "pariwisata"), (3, "Pemkot Medan", "UMKM")]:
        path = write_article(tmp_path, f"a{n}.md", ARTICLE.format(n=n, host=host, topic=topic))
        ingest([path], store=store)
        assert store.read_text(encoding="utf-8") == serialize(load_graph(store))
    gone = write_article(tmp_path, "a2.md", "---\nurl: https://example.org/a/2\nvisits: []\n---\n")
    ingest([gone], store=store)
    assert store.read_text(encoding="utf-8") == serialize(load_graph(store))
    assert "Pemerintah Kabupaten Sleman" not in store.read_text(encoding="utf-8")


def test_many_ingests_keep_the_index_and_the_file_in_step(tmp_path):
    store = tmp_path / "kgraph.ttl"
    for n in range(1, 6):
        path = write_article(tmp_path, f"a{n}.md", ARTICLE.format(
            n=n, host="Pemkot Malang" if n % 2 else "Pemkab Malang", topic="kesehatan"))
        ingest([path], store=store)
        assert store.read_text(encoding="utf-8") == serialize(load_graph(store))
    assert visits(store) == 5


def test_old_snapshots_go_unless_a_reader_holds_them(tmp_path):
    store = tmp_path / "kgraph.ttl"
    folder = tmp_path / ".kgraph.ttl.index"

    def snapshots() -> set[str]:
        return {p.name for p in folder.glob("snap-*") if p.is_dir()}

    for n in range(1, 4):
        ingest([write_article(tmp_path, f"a{n}.md", ARTICLE.format(
            n=n, host="Pemkot Malang", topic="kesehatan"))], store=store)
    assert snapshots() == {"snap-3"}
    held = open_graph(store)  # this reader keeps snap-3
    ingest([write_article(tmp_path, "a4.md", ARTICLE.format(
        n=4, host="Pemkot Malang", topic="kesehatan"))], store=store)
    assert snapshots() == {"snap-3", "snap-4"}
    assert int(next(iter(held.query(COUNT_VISITS)))["n"].value) == 3  # its old view
    assert visits(store) == 4


def test_unwritable_folder_falls_back_to_parsing(store, monkeypatch):
    from kgraph.store import index

    def refuse(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    shutil.rmtree(store.parent / ".kgraph.ttl.index")
    monkeypatch.setattr(index.Index, "ensure_folder", refuse)
    assert visits(store) == 14


def _checkout(store, text: str) -> None:
    """Replace the store by another version, as `git checkout` does (a new file renamed
    over it), without going through os.replace (which the tests intercept)."""
    other = store.parent / "other.ttl"
    other.write_text(text, encoding="utf-8")
    os.rename(other, store)


def test_a_file_replaced_right_after_kgraph_wrote_it_is_not_taken_for_it(store, tmp_path,
                                                                          monkeypatch):
    """Another program replaces the Turtle file between kgraph's rename and its stamp:
    the index is stamped for the file kgraph wrote, so it is not used for the other."""
    other = store.read_text(encoding="utf-8").replace(
        '"Pemerintah Kota Malang"', '"Pemerintah Kota Malang (checked out)"')
    real_replace = os.replace

    def replace_then_checkout(src, dst, *args, **kwargs):
        real_replace(src, dst, *args, **kwargs)
        if os.path.basename(dst) == store.name:
            _checkout(store, other)

    path = write_article(tmp_path, "a.md", ARTICLE.format(n=1, host="Pemkot Medan",
                                                         topic="kesehatan"))
    with monkeypatch.context() as patch:
        patch.setattr(os, "replace", replace_then_checkout)
        ingest([path], store=store)
    assert store.read_text(encoding="utf-8") == other
    assert "Pemerintah Kota Malang (checked out)" in hosts(store)
    assert "Pemerintah Kota Medan" not in hosts(store)
    # The next ingest starts from the file as it is, and keeps what was checked out.
    ingest([path], store=store)
    assert "Pemerintah Kota Malang (checked out)" in hosts(store)
    assert "Pemerintah Kota Medan" in hosts(store)
    assert store.read_text(encoding="utf-8") == serialize(load_graph(store))


def test_a_file_replaced_while_the_index_is_rebuilt_is_not_taken_for_it(store, monkeypatch):
    import kgraph.store.index

    shutil.rmtree(store.parent / ".kgraph.ttl.index")
    other = store.read_text(encoding="utf-8").replace(
        '"Pemerintah Kota Malang"', '"Pemerintah Kota Malang (checked out)"')
    real_parse = kgraph.store.index.parse_into

    def parse_then_checkout(*args, **kwargs):
        state = real_parse(*args, **kwargs)
        _checkout(store, other)
        return state

    with monkeypatch.context() as patch:
        patch.setattr(kgraph.store.index, "parse_into", parse_then_checkout)
        assert "Pemerintah Kota Malang (checked out)" in hosts(store)
    assert "Pemerintah Kota Malang (checked out)" in hosts(store)
    assert "Pemerintah Kota Malang" not in hosts(store)


def _damage(store, *, keep_mtime: bool = False) -> None:
    """Flip bytes in the middle of the snapshot's larger database files (shared with the
    primary database by hard links), as a bad disk or a careless hand would; with
    ``keep_mtime``, as bit rot does, leaving the files' times as they were."""
    snapshot = Index(store).fresh_snapshot()
    for sst in snapshot.glob("*.sst"):
        size = sst.stat().st_size
        if size < 8000:
            continue
        st = sst.stat()
        with open(sst, "r+b") as handle:
            handle.seek(size // 2)
            data = handle.read(64)
            handle.seek(size // 2)
            handle.write(bytes(b ^ 0xFF for b in data))
        if keep_mtime:
            os.utime(sst, ns=(st.st_atime_ns, st.st_mtime_ns))


READS = {
    "hosts": lambda store: run_preset("hosts", store=store, timeout=20).rows,
    "pairs": lambda store: run_preset("pairs", store=store, timeout=20).rows,
    "network": lambda store: sorted(build_network(store).edges(data=False)),
    "export": lambda store: b"".join(export_chunks("nt", store=store)),
    "ingest": lambda store: ingest([EXAMPLES / "raw"], store=store).new_triples,
}


@pytest.mark.parametrize("read", sorted(READS))
def test_a_damaged_index_is_rebuilt_and_said_so(store, read):
    expected = READS[read](store)
    _damage(store)
    with pytest.warns(KGraphWarning, match="its index was damaged .*; it is rebuilt from the "
                                           "Turtle file"):
        assert READS[read](store) == expected
    assert READS[read](store) == expected  # and the rebuilt index serves the next read


@pytest.mark.parametrize("read", ["export", "triples"])
def test_a_damaged_index_with_its_file_times_kept_is_rebuilt(store, read):
    """Bit rot leaves no trace in the files' times: RocksDB's checksums report it when a
    damaged block is read."""
    reads = {**READS, "triples": lambda store: sorted(map(str, query(
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o }", store=store, timeout=20).rows))}
    expected = reads[read](store)
    _damage(store, keep_mtime=True)
    with pytest.warns(KGraphWarning, match="its index was damaged \\(Corruption"):
        assert reads[read](store) == expected


def test_the_cli_says_the_index_was_rebuilt(store, monkeypatch):
    from click.testing import CliRunner

    from kgraph.cli import cli

    monkeypatch.chdir(store.parent)
    expected = CliRunner().invoke(cli, ["query", "--preset", "hosts"]).stdout
    _damage(store)
    result = CliRunner().invoke(cli, ["query", "--preset", "hosts", "--timeout", "20"])
    assert result.exit_code == 0, result.output
    assert result.stdout == expected
    (line,) = result.stderr.splitlines()
    assert line.startswith("warning: kgraph.ttl: its index was damaged (changed or missing: ")
