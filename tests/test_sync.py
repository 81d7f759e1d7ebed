"""push and pull against a real Oxigraph server: exact copies, resumed pushes, refusals."""
from __future__ import annotations

import io
import os
import shutil

import pytest
import rdflib
from click.testing import CliRunner
from rdflib.compare import graph_diff, isomorphic

from kgraph.errors import StoreError
from kgraph.store.index import Index
from kgraph.store.remote.client import Client
from kgraph.store.remote.endpoint import Endpoint, RemoteError
from kgraph.store.remote.sync import push, pull
from kgraph.cli.sync import pull_command, push_command
from tests.helpers.oxserver import OxigraphServer

pytestmark = pytest.mark.usefixtures("clean_remote_env")


@pytest.fixture
def store(example_store, tmp_path):
    """A private copy of the examples' store."""
    target = tmp_path / "local" / "kgraph.ttl"
    target.parent.mkdir()
    shutil.copyfile(example_store, target)
    return target


def client_for(url: str) -> Client:
    client = Client(Endpoint.resolve(url), backoff=0.001, retries=2)
    client._sleep = lambda _seconds: None
    return client


class CountingClient(Client):
    """A client that counts its uploads and can run a hook after each."""

    def __init__(self, url: str, after_post=None) -> None:
        super().__init__(Endpoint.resolve(url), backoff=0.001, retries=2)
        self._sleep = lambda _seconds: None
        self.posts = 0
        self.after_post = after_post

    def graph_post(self, data, *, graph=None) -> None:
        super().graph_post(data, graph=graph)
        self.posts += 1
        if self.after_post:
            self.after_post(self.posts)


def server_graph(url: str) -> rdflib.Graph:
    out = io.BytesIO()
    client_for(url).graph_get(out)
    return rdflib.Graph().parse(data=out.getvalue().decode("utf-8"), format="nt")


def file_graph(path) -> rdflib.Graph:
    return rdflib.Graph().parse(str(path), format="turtle")


def assert_same(expected: rdflib.Graph, got: rdflib.Graph) -> None:
    if not isomorphic(expected, got):
        _, only_expected, only_got = graph_diff(expected, got)
        pytest.fail(f"graphs differ:\nonly expected:\n{only_expected.serialize(format='nt')}"
                    f"\nonly on the server:\n{only_got.serialize(format='nt')}")


def named_graphs(url: str) -> list[str]:
    rows = client_for(url).select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    return [row["g"].value for row in rows]


def batches_of(store, size: int) -> int:
    """How many batches of ``size`` a store without blank nodes makes."""
    return -(-len(file_graph(store)) // size)


# ---------------------------------------------------------------------- push


def test_push_makes_the_default_graph_exactly_the_store(store, oxigraph_server):
    url = oxigraph_server.url
    client_for(url).graph_put(b'<http://example.org/old> <http://example.org/p> "dibuang" .\n')
    report = push(store, client_for(url), batch_size=100)
    expected = file_graph(store)
    assert report.triples == len(expected) > 1000
    assert report.batches == report.sent == batches_of(store, 100)
    assert report.summary() == f"pushed {len(expected)} triples to {url} (default graph replaced)"
    assert_same(expected, server_graph(url))
    assert named_graphs(url) == []  # the staging graph was moved, not copied
    assert not list(Index(store).folder.glob("push-*.json"))


def test_push_then_pull_gives_the_same_bytes(store, oxigraph_server, tmp_path):
    push(store, client_for(oxigraph_server.url), batch_size=300)
    pulled = tmp_path / "elsewhere" / "pulled.ttl"
    pulled.parent.mkdir()
    report = pull(pulled, client_for(oxigraph_server.url))
    assert report.changed and report.triples == len(file_graph(store))
    assert pulled.read_bytes() == store.read_bytes()


def test_a_pulled_store_answers_queries(store, oxigraph_server, tmp_path):
    from kgraph.query.runner import query

    push(store, client_for(oxigraph_server.url))
    pulled = tmp_path / "pulled.ttl"
    pull(pulled, client_for(oxigraph_server.url))
    ask = "ASK { ?v a kg:Visit ; kg:receivedBy/rdfs:label 'Wahyu Hidayat' }"
    assert bool(query(ask, store=pulled)) == bool(query(ask, store=store)) is True


def test_an_interrupted_push_resumes_with_the_missing_batches(store, tmp_path):
    location = tmp_path / "server-db"
    server = OxigraphServer(location).start()
    try:
        killer = CountingClient(server.url, after_post=lambda n: n == 3 and server.kill())
        # The next request after the third upload (the lock's renewal) finds no server.
        with pytest.raises(RemoteError, match=f"cannot reach {server.url}/(store|update): "
                                              "connection refused"):
            push(store, killer, batch_size=100)
        assert killer.posts == 3
        server = OxigraphServer(location, port=server.port).start()
        resumer = CountingClient(server.url)
        report = push(store, resumer, batch_size=100)
        total = batches_of(store, 100)
        assert resumer.posts == report.sent == total - 3
        assert "resumed: " in report.summary()
        assert_same(file_graph(store), server_graph(server.url))
        assert named_graphs(server.url) == []
    finally:
        server.stop()


def test_a_store_changed_since_the_failed_push_is_pushed_again_in_full(store, oxigraph_server):
    url = oxigraph_server.url

    def fail_after_two(n: int) -> None:
        if n == 2:
            raise RemoteError("simulated network failure")

    with pytest.raises(RemoteError, match="simulated"):
        push(store, CountingClient(url, after_post=fail_after_two), batch_size=100)
    assert len(named_graphs(url)) == 1  # the staging graph, half full
    text = store.read_text(encoding="utf-8")
    store.write_text(text + '\n<http://example.org/new> <http://example.org/p> "Kota Baru" .\n',
                     encoding="utf-8")
    again = CountingClient(url)
    report = push(store, again, batch_size=100)
    assert again.posts == report.sent == report.batches
    assert_same(file_graph(store), server_graph(url))
    assert named_graphs(url) == []  # the old staging graph was dropped


def test_blank_nodes_stay_one_node_across_batches(tmp_path, oxigraph_server):
    store = tmp_path / "blank.ttl"
    store.write_text(
        "@prefix ex: <http://example.org/> .\n"
        'ex:visit ex:party [ ex:name "Pemkot Malang" ; ex:role "host" ] , '
        '[ ex:name "Pemkot Jambi" ; ex:role "visitor" ] .\n'
        'ex:a ex:b "c" .\n', encoding="utf-8")
    push(store, client_for(oxigraph_server.url), batch_size=1)
    assert_same(file_graph(store), server_graph(oxigraph_server.url))


def test_an_empty_store_empties_the_default_graph(tmp_path, oxigraph_server):
    client_for(oxigraph_server.url).graph_put(b'<http://example.org/a> <http://example.org/b> "c" .\n')
    store = tmp_path / "empty.ttl"
    store.write_text("", encoding="utf-8")
    report = push(store, client_for(oxigraph_server.url))
    assert report.triples == 0
    assert len(server_graph(oxigraph_server.url)) == 0


def test_push_of_a_missing_store_is_a_store_error(tmp_path, oxigraph_server):
    with pytest.raises(StoreError, match="no store"):
        push(tmp_path / "nothing.ttl", client_for(oxigraph_server.url))


# ---------------------------------------------------------------------- pull


def test_pull_refuses_to_overwrite_a_different_store_without_force(store, oxigraph_server, tmp_path):
    push(store, client_for(oxigraph_server.url))
    mine = tmp_path / "mine.ttl"
    mine.write_text('<http://example.org/a> <http://example.org/b> "punyaku" .\n', encoding="utf-8")
    before = mine.read_bytes()
    with pytest.raises(StoreError, match="--force") as info:
        pull(mine, client_for(oxigraph_server.url))
    assert oxigraph_server.url in str(info.value) and str(mine) in str(info.value)
    assert mine.read_bytes() == before
    assert pull(mine, client_for(oxigraph_server.url), force=True).changed
    assert mine.read_bytes() == store.read_bytes()
    stat = os.stat(mine)
    again = pull(mine, client_for(oxigraph_server.url))
    assert not again.changed and again.summary().endswith("(unchanged)")
    assert os.stat(mine).st_mtime_ns == stat.st_mtime_ns


def test_invalid_data_from_the_server_leaves_the_store_untouched(store, oxigraph_server, monkeypatch):
    client = client_for(oxigraph_server.url)
    monkeypatch.setattr(client, "graph_get", lambda out, graph=None: out.write(b"<http://a> oops\n"))
    before = store.read_bytes()
    with pytest.raises(RemoteError, match=f"{oxigraph_server.url}/store sent invalid N-Triples"):
        pull(store, client, force=True)
    assert store.read_bytes() == before
    assert not [p for p in store.parent.iterdir() if p.name.endswith(".tmp")]
    assert not list(Index(store).folder.glob("tmp*"))


def test_pull_from_an_unreachable_server_names_it(tmp_path):
    from tests.helpers.oxserver import free_port

    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RemoteError, match=f"cannot reach {url}/query"):
        pull(tmp_path / "x.ttl", client_for(url))
    assert not (tmp_path / "x.ttl").exists()


# ---------------------------------------------------------------------- commands


def test_push_and_pull_commands(store, oxigraph_server, tmp_path):
    runner = CliRunner()
    pushed = runner.invoke(push_command, ["--to", oxigraph_server.url, "--store", str(store),
                                          "--batch-size", "500"], catch_exceptions=False)
    assert pushed.exit_code == 0, pushed.output
    assert pushed.stdout.strip() == (f"pushed {len(file_graph(store))} triples to "
                                     f"{oxigraph_server.url} (default graph replaced)")
    target = tmp_path / "copy.ttl"
    target.write_text("# mine\n", encoding="utf-8")
    refused = runner.invoke(pull_command, ["--from", oxigraph_server.url, "--store", str(target)],
                            catch_exceptions=False)
    assert refused.exit_code == 1
    assert refused.output.count("\n") == 1 and "use --force" in refused.output
    pulled = runner.invoke(pull_command, ["--from", oxigraph_server.url, "--store", str(target),
                                          "--force"], catch_exceptions=False)
    assert pulled.exit_code == 0, pulled.output
    assert target.read_bytes() == store.read_bytes()


def test_commands_refuse_bad_urls_and_a_remote_store(store):
    runner = CliRunner()
    bad = runner.invoke(push_command, ["--to", "http://admin:s3cret@127.0.0.1:1", "--store", str(store)],
                        catch_exceptions=False)
    assert bad.exit_code == 1 and "s3cret" not in bad.output and "KGRAPH_USER" in bad.output
    remote = runner.invoke(pull_command, ["--from", "http://127.0.0.1:1", "--store", "http://127.0.0.1:2"],
                           catch_exceptions=False)
    assert remote.exit_code == 2 and "local Turtle file" in remote.output


def test_a_push_stopped_after_its_move_is_finished_by_the_next(store, oxigraph_server,
                                                                monkeypatch):
    """Killed (or its answer lost) after the server's MOVE, before the progress file was
    removed: the next push sees the server has the store, and says so."""
    url = oxigraph_server.url
    real_update = Client.update

    def update_then_die(self, sparql, **options):
        real_update(self, sparql, **options)
        if sparql.startswith("MOVE"):
            raise KeyboardInterrupt  # the process stops here

    with monkeypatch.context() as patch:
        patch.setattr(Client, "update", update_then_die)
        with pytest.raises(KeyboardInterrupt):
            push(store, client_for(url), batch_size=300)
    assert list(Index(store).folder.glob("push-*.json"))  # the progress file stayed
    assert_same(file_graph(store), server_graph(url))  # but the server has the store
    report = push(store, client_for(url), batch_size=300)
    assert report.moved_before and report.sent == 0
    assert "replaced by the interrupted push" in report.summary()
    assert_same(file_graph(store), server_graph(url))
    assert named_graphs(url) == [] and not list(Index(store).folder.glob("push-*.json"))
