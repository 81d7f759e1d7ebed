"""kgraph's graph on a real Oxigraph server (kgraph.store.remote): ingesting through SPARQL
Update gives the graph a local ingest gives, presets and the visit network read the same,
and a server killed in the middle of an ingest leaves whole batches and recovers."""
from __future__ import annotations

import importlib
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kgraph.read.files import iter_article_paths
from kgraph.rdf.namespace import DATA_PREFIXES
from kgraph.network.build import network_from_graph
from kgraph.query.checks import BOUND_PREFIXES
from kgraph.query.presets import presets
from kgraph.store.remote.client import Client
from kgraph.store.remote.endpoint import Endpoint, RemoteError
from kgraph.store.remote.graph import RemoteGraph
from kgraph.store.remote.editor import RemoteStore
from kgraph.store.turtle_store import TurtleStore, sorted_nt_lines
from kgraph.store.graph import open_graph
from conftest import EXAMPLES

# No skip when the server binary is missing: it comes with the test extra, and CI must
# not pass without running these.
pytestmark = pytest.mark.usefixtures("clean_remote_env")
ingest_module = importlib.import_module("kgraph.ingest")
MALANG = ox.NamedNode(DATA_PREFIXES["region"] + "35.73")


def ingest_remote(paths, client: Client, monkeypatch, *, batch: int | None = None):
    """kgraph.ingest.ingest into the RemoteStore of the test's ``client`` (its retries
    and backoff; ``ingest(store=URL)`` would make its own), ``batch`` articles per
    ``replace_articles`` call."""
    with monkeypatch.context() as patch:
        patch.setattr(ingest_module, "TurtleStore", lambda _store: RemoteStore(client))
        if batch is not None:
            patch.setattr(ingest_module, "BATCH_SIZE", batch)
        return ingest_module.ingest(paths, store="remote")


def remote_lines(client: Client) -> list[str]:
    return list(sorted_nt_lines(RemoteGraph(client)))  # type: ignore[arg-type]


def local_lines(store: Path) -> list[str]:
    return list(sorted_nt_lines(open_graph(store)))


@pytest.fixture
def client(oxigraph_server):
    with Client(Endpoint.resolve(oxigraph_server.url), retries=1, backoff=0.01) as c:
        yield c


@pytest.fixture
def requests_sent(monkeypatch):
    """How many HTTP requests were made (a list with one count, reset by the test)."""
    sent = [0]
    real = requests.Session.request

    def counting(self, *args, **kwargs):
        sent[0] += 1
        return real(self, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "request", counting)
    return sent


def modify(folder: Path) -> None:
    """Change three articles: one says it saw no visit, one changes its visit's host, one
    loses its agreement, a topic and its leader's role."""
    padang = folder / "articles" / "padang-pekanbaru-mou.md"
    text = padang.read_text(encoding="utf-8")
    padang.write_text(re.sub(r"visits:\n.*?\n---\n", "visits: []\n---\n", text, count=1,
                             flags=re.S), encoding="utf-8")
    radar = folder / "articles" / "serang-malang-radar.md"
    text = radar.read_text(encoding="utf-8")
    radar.write_text(text.replace("    host: Pemkot Malang\n", "    host: Pemkot Batu\n"),
                     encoding="utf-8")
    jambi = folder / "articles" / "jambi-malang-kesepakatan.md"
    text = jambi.read_text(encoding="utf-8")
    jambi.write_text(re.sub(r"    agreement: .*\n", "", text)
                     .replace(", infrastruktur,", ",")
                     .replace("role: Wali Kota Jambi", "role: Walikota Jambi"),
                     encoding="utf-8")


@pytest.fixture
def modified(tmp_path) -> tuple[Path, Path]:
    """The examples with three articles changed (see :func:`modify`), and a local store of
    the examples ingested, then the changed ones."""
    folder = shutil.copytree(EXAMPLES, tmp_path / "examples")
    modify(folder)
    local = tmp_path / "local.ttl"
    ingest_module.ingest([EXAMPLES], store=local)
    ingest_module.ingest([folder], store=local)
    return folder, local


def test_ingest_equals_local_and_retractions_reach_the_server(
        client, example_store, modified, monkeypatch, requests_sent):
    requests_sent[0] = 0
    report = ingest_remote([EXAMPLES], client, monkeypatch)
    assert report.ok and report.written and report.articles == 15
    # count, 2 prefetches, 1 update (+ spare); the server's writer lock: take, read, release
    assert requests_sent[0] <= 8
    lines = remote_lines(client)
    assert lines == local_lines(example_store)
    assert report.triples_after == len(lines) == len(RemoteGraph(client))
    assert not any(line.startswith("_:") or " _:" in line for line in lines)

    again = ingest_remote([EXAMPLES], client, monkeypatch)
    assert not again.written and again.new_triples == 0

    folder, local = modified
    changed = ingest_remote([folder], client, monkeypatch, batch=4)
    assert changed.ok and changed.written
    lines = remote_lines(client)
    assert lines == local_lines(local)
    assert lines != local_lines(example_store)
    assert changed.triples_after == len(lines)


def test_a_commit_sent_twice_changes_nothing_more(client, modified, monkeypatch):
    """What a retry after a lost answer does: the exact delta, applied again."""
    real_update = client.update

    def twice(sparql: str, **options: object) -> None:
        assert options == {"idempotent": True}
        real_update(sparql, **options)
        real_update(sparql, **options)

    monkeypatch.setattr(client, "update", twice)
    folder, local = modified
    ingest_remote([EXAMPLES], client, monkeypatch, batch=4)
    ingest_remote([folder], client, monkeypatch, batch=4)
    assert remote_lines(client) == local_lines(local)


def test_one_article_per_batch_costs_few_requests(client, example_store, monkeypatch,
                                                  requests_sent):
    requests_sent[0] = 0
    ingest_remote([EXAMPLES], client, monkeypatch, batch=1)
    assert remote_lines(client) == local_lines(example_store)
    assert requests_sent[0] <= 1 + 15 * 3 + 1  # count; prefetch, prefetch, update; dump


@pytest.fixture
def graphs(client, example_store, monkeypatch):
    """The examples on the server and in the local store: (remote, local)."""
    ingest_remote([EXAMPLES], client, monkeypatch)
    return RemoteGraph(client), open_graph(example_store)


def rows(result) -> list[tuple]:  # type: ignore[no-untyped-def]
    return [tuple(solution) for solution in result]


def test_presets_read_the_same_rows(graphs):
    remote, local = graphs
    params = {"region": {ox.Variable("region"): MALANG}}
    for name, p in presets().items():
        substitutions = params.get(name)
        got = remote.query(p.text, prefixes=BOUND_PREFIXES, substitutions=substitutions)
        want = local.query(p.text, prefixes=BOUND_PREFIXES, substitutions=substitutions)
        assert got.variables == want.variables, name
        expected = rows(want)
        assert expected, name
        assert rows(got) == expected, name


def test_substitutions_reach_filters_and_other_forms(graphs):
    remote, local = graphs
    by_label = """SELECT ?name ?region WHERE {
      ?body kg:region ?region . ?region rdfs:label ?label .
      FILTER(LCASE(STR(?label)) = LCASE(STR(?name))) }"""
    name = {"name": ox.Literal("kota malang")}
    got = remote.query(by_label, prefixes=BOUND_PREFIXES, substitutions=name)
    assert {r["region"] for r in got} == {MALANG}
    ask = "ASK { ?g kg:region ?r }"
    assert bool(remote.query(ask, prefixes=BOUND_PREFIXES, substitutions={"r": MALANG}))
    own = "PREFIX kg: <urn:not-kgraph#> " + ask  # the query's own prefix wins
    assert not remote.query(own, prefixes=BOUND_PREFIXES)
    assert not local.query(own, prefixes=BOUND_PREFIXES)
    construct = "CONSTRUCT { ?r rdfs:label ?l } WHERE { ?r rdfs:label ?l }"
    got = remote.query(construct, prefixes=BOUND_PREFIXES, substitutions={"r": MALANG})
    want = local.query(construct, prefixes=BOUND_PREFIXES,
                       substitutions={ox.Variable("r"): MALANG})
    assert sorted(map(str, got)) == sorted(map(str, want)) and len(got) == 1
    assert ox.serialize(got, format=ox.RdfFormat.N_TRIPLES)
    describe = remote.query("DESCRIBE region:35.73", prefixes=BOUND_PREFIXES)
    assert {str(t.subject) for t in describe} == {str(MALANG)}


def test_query_errors_come_before_any_request(graphs, requests_sent):
    remote, _ = graphs
    requests_sent[0] = 0
    with pytest.raises(SyntaxError):
        remote.query("SELECT ?x WHERE { ?x ?p ")
    with pytest.raises(RuntimeError, match="SELECT projection"):
        remote.query("SELECT ?x WHERE { ?x ?p ?o }", substitutions={"o": MALANG})
    assert requests_sent[0] == 0


def test_network_and_dumps_equal_local(graphs, tmp_path):
    remote, local = graphs
    got, want = network_from_graph(remote), network_from_graph(local)
    assert dict(got.nodes(data=True)) == dict(want.nodes(data=True))
    assert {(a, b): d for a, b, d in got.edges(data=True)} == \
        {(a, b): d for a, b, d in want.edges(data=True)}
    assert got.graph == want.graph and got.number_of_edges() > 0

    turtle = remote.dump(format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
                         prefixes=BOUND_PREFIXES)
    assert turtle.startswith(b"@prefix")
    parsed = sorted(str(t) for t in ox.parse(turtle, format=ox.RdfFormat.TURTLE))
    assert parsed == sorted(str(q.triple) for q in local.quads_for_pattern(None, None, None))
    remote.dump(tmp_path / "all.nt")
    assert sorted((tmp_path / "all.nt").read_text(encoding="utf-8").splitlines(True)) == \
        list(sorted_nt_lines(local))


def test_pattern_length_and_membership(graphs):
    remote, local = graphs
    assert len(remote) == len(list(local.quads_for_pattern(None, None, None)))
    label = ox.NamedNode(BOUND_PREFIXES["rdfs"] + "label")
    got = remote.quads_for_pattern(MALANG, label, None, ox.DefaultGraph())
    assert got == list(local.quads_for_pattern(MALANG, label, None, ox.DefaultGraph()))
    assert got[0] in remote and ox.Quad(MALANG, label, ox.Literal("Kota Batu")) not in remote
    assert len(remote.quads_for_pattern(None, None, MALANG)) == \
        len(list(local.quads_for_pattern(None, None, MALANG)))


def test_blank_nodes_are_refused(client, oxigraph_server, requests_sent):
    requests_sent[0] = 0
    with pytest.raises(RemoteError, match=re.escape(oxigraph_server.url)):
        with RemoteStore(client).edit() as editor:
            editor.graph.add(ox.Quad(ox.BlankNode(), MALANG, MALANG))
    # The server's lock taken (an update, a read), the count, the lock released: nothing
    # else was sent.
    assert requests_sent[0] == 4
    assert len(RemoteGraph(client)) == 0


def test_killed_server_leaves_whole_batches_and_a_rerun_completes(
        oxigraph_server, client, example_store, tmp_path, monkeypatch):
    files = list(iter_article_paths([EXAMPLES]))
    real_update = client.update
    commits = []

    def update_then_die(sparql: str, **options: object) -> None:
        real_update(sparql, **options)
        if "GRAPH <urn:kgraph:lock>" in sparql:
            return  # the server's writer lock, not a commit
        commits.append(sparql)
        if len(commits) == 1:
            oxigraph_server.kill()

    monkeypatch.setattr(client, "update", update_then_die)
    with pytest.raises(RemoteError) as failure:
        ingest_remote([EXAMPLES], client, monkeypatch, batch=2)
    assert oxigraph_server.url in str(failure.value)
    assert "\n" not in str(failure.value)

    oxigraph_server.start()
    first_batch = tmp_path / "first.ttl"
    ingest_module.ingest(files[:2], store=first_batch)
    assert remote_lines(client) == local_lines(first_batch)

    report = ingest_remote([EXAMPLES], client, monkeypatch, batch=2)
    assert report.ok and len(commits) == 1 + 7  # the first batch stood: 7 more of 8
    assert remote_lines(client) == local_lines(example_store)


def test_a_store_named_by_url_commits_removals_on_exit(graphs, oxigraph_server, example_store,
                                                       tmp_path):
    remote, local = graphs
    find = """SELECT ?a WHERE { ?a schema:url ?url
              FILTER(CONTAINS(STR(?url), "pemko-padang-pemko-pekanbaru-mou")) }"""
    article = next(iter(local.query(find, prefixes=BOUND_PREFIXES)))["a"]
    copy = tmp_path / "copy.ttl"
    shutil.copyfile(example_store, copy)
    with TurtleStore(copy).edit() as editor:
        editor.remove_article(article)
    with RemoteStore(oxigraph_server.url).edit() as editor:
        editor.remove_article(article)
    assert editor.saved
    assert list(sorted_nt_lines(remote)) == local_lines(copy) != local_lines(example_store)
