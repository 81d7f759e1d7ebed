"""Concurrency: four processes ingesting at the same time into one store lose nothing, and
a reader running meanwhile never fails and never sees the store go back in time."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from kgraph import ingest
from kgraph.store.remote import editor as remote_editor, lock as remote_lock
from kgraph.errors import StoreError
from kgraph.export import export_chunks
from kgraph.store.remote.client import Client
from kgraph.store.remote.endpoint import Endpoint
from kgraph.store.remote.lock import LOCK_GRAPH
from kgraph.store.graph import load_graph, open_graph

from helpers.corpus import cli_env, url_of, urls_in, urls_in_file, write_articles

WRITERS = 4
PER_WRITER = 50

# One article per ingest call: 50 separate lock acquisitions per writer process.
WRITER = textwrap.dedent("""
    import sys
    from kgraph import ingest
    store, *paths = sys.argv[1:]
    for path in paths:
        report = ingest([path], store=store)
        assert report.ok and report.articles == 1, report.failed
""")

# open_graph + COUNT in a loop until told to stop; prints each count.
READER = textwrap.dedent("""
    import os, sys
    from kgraph.rdf.namespace import KG_NS
    from kgraph.store.graph import open_graph
    store, stop = sys.argv[1:]
    QUERY = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{KG_NS}Article> }}"
    while True:
        last = os.path.exists(stop)
        graph = open_graph(store)
        count = int(next(iter(graph.query(QUERY)))["n"].value)
        del graph
        print(count, flush=True)
        if last:
            break
""")


def test_four_writers_and_a_reader_at_the_same_time(tmp_path):
    store = tmp_path / "kgraph.ttl"
    stop = tmp_path / "stop"
    seed = write_articles(tmp_path / "seed", "seed", range(5))
    assert ingest(seed, store=store).ok
    env = cli_env()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store), str(stop)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    writers = []
    for w in range(WRITERS):
        paths = write_articles(tmp_path / f"w{w}", f"w{w}", range(PER_WRITER))
        writers.append(subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store), *map(str, paths)],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    start = time.monotonic()
    for proc in writers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    stop.touch()
    out, err = reader.communicate(timeout=120)
    elapsed = time.monotonic() - start
    assert reader.returncode == 0, err
    assert not err

    expected = {url_of(f"w{w}", n) for w in range(WRITERS) for n in range(PER_WRITER)}
    expected |= {url_of("seed", n) for n in range(5)}
    assert urls_in_file(store) == expected
    assert urls_in(open_graph(store)) == expected
    assert len(load_graph(store)) > 0

    counts = [int(line) for line in out.split()]
    assert len(counts) >= 5, f"the reader ran only {len(counts)} times in {elapsed:.1f} s"
    assert counts == sorted(counts), f"the count went back: {counts}"
    assert counts[0] >= 5 and counts[-1] == len(expected)
    assert len(set(counts)) > 2, "the reader never ran during the ingests"


# ------------------------------------------------------------- writers to one server


def test_two_remote_ingests_take_turns(oxigraph_server, tmp_path, monkeypatch):
    """A second writer to a server waits for the first (here: gives up after its short
    wait, clearly), then does what it would have done alone: the server ends up with the
    graph of the two ingests made one after the other."""
    for name in ("KGRAPH_USER", "KGRAPH_PASSWORD", "KGRAPH_STORE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    url = oxigraph_server.url
    first = write_articles(tmp_path / "first", "first", range(8))
    second = write_articles(tmp_path / "second", "second", range(8))
    # Articles about the same visits, so that the two edits touch the same nodes.
    for path in second:
        text = path.read_text(encoding="utf-8").replace("/second/", "/first-again/")
        path.write_text(text, encoding="utf-8")
    holding, go_on = threading.Event(), threading.Event()
    real_commit = remote_editor.RemoteEditor.commit

    def slow_commit(self):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "first":
            holding.set()
            go_on.wait(60)
        real_commit(self)

    monkeypatch.setattr(remote_editor.RemoteEditor, "commit", slow_commit)
    monkeypatch.setattr(remote_lock, "LOCK_WAIT", 1.0)
    results = {}
    writer = threading.Thread(name="first", target=lambda: results.update(
        first=ingest(first, store=url)))
    writer.start()
    try:
        assert holding.wait(60)
        with pytest.raises(StoreError) as info:
            ingest(second, store=url)
        message = str(info.value)
        assert message.startswith(f"cannot write to {url}/update: another writer holds the "
                                  "server's kgraph lock (kgraph on ")
    finally:
        go_on.set()
        writer.join(120)
    assert results["first"].ok
    assert ingest(second, store=url).ok
    local = tmp_path / "kgraph.ttl"
    ingest(first, store=local)
    ingest(second, store=local)
    remote_nt = b"".join(export_chunks("nt", store=url))
    assert remote_nt == b"".join(export_chunks("nt", store=local))


def test_a_lease_left_by_a_dead_writer_ends(oxigraph_server, tmp_path, monkeypatch):
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    url = oxigraph_server.url
    client = Client(Endpoint.resolve(url))
    client.update(f'INSERT DATA {{ GRAPH <{LOCK_GRAPH}> {{ <urn:kgraph:lock:dead> '
                  '<urn:kgraph:lock#holder> "kgraph on elsewhere, process 1" ; '
                  '<urn:kgraph:lock#expires> "2000-01-01T00:00:00Z"^^'
                  '<http://www.w3.org/2001/XMLSchema#dateTime> } }')
    assert ingest(write_articles(tmp_path / "a", "a", range(2)), store=url).ok
    assert urls_in(load_graph(url)) == {url_of("a", 0), url_of("a", 1)}
    left = client.select(f"SELECT * WHERE {{ GRAPH <{LOCK_GRAPH}> {{ ?s ?p ?o }} }}")
    assert list(left) == []  # the dead lease was removed, and this ingest's released



def test_a_writer_that_outlived_its_lease_stops(oxigraph_server, tmp_path, monkeypatch):
    from kgraph.store.remote.endpoint import RemoteError
    from kgraph.store.remote.lock import ServerLock

    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    client = Client(Endpoint.resolve(oxigraph_server.url))
    slow = ServerLock(client, lease=0.5)
    slow.acquire()
    slow.renew()  # within the first half of its lease: nothing to do
    time.sleep(0.7)
    other = ServerLock(client, wait=5)
    other.owner = "another machine"
    other.acquire()  # the lease has expired: taken over
    with pytest.raises(RemoteError, match="lock on the server expired and was taken"):
        slow.renew()
    other.release()
