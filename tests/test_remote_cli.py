"""The whole command-line path against a real Oxigraph server equals the Turtle file's.

``kgraph ingest → query → viz → stats → export → validate`` run with ``--store URL``
(a server started by the ``oxigraph_server`` fixture) and with ``--store FILE`` on the
same articles must give the same graph and the same answers.
"""
from __future__ import annotations

import time

import pytest
from click.testing import CliRunner

from kgraph import ingest
from kgraph.store.remote import editor as remote_editor
from kgraph.cli import cli
from kgraph.network.build import build_network
from kgraph.query.presets import presets

from conftest import EXAMPLES
from tests.helpers.oxserver import OxigraphServer

pytestmark = pytest.mark.usefixtures("clean_remote_env")


def run(*args: str, env: dict | None = None):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, env=env)


@pytest.fixture
def both(oxigraph_server, tmp_path, monkeypatch):
    """(server URL, local store) holding the examples, both ingested by the CLI."""
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    local = str(tmp_path / "kgraph.ttl")
    url = oxigraph_server.url
    for store in (local, url):
        result = run("ingest", "--store", store, str(EXAMPLES))
        assert result.exit_code == 0, result.output
    return url, local


def test_ingest_reports_the_server(oxigraph_server, monkeypatch):
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    result = run("ingest", "--store", oxigraph_server.url, str(EXAMPLES))
    assert result.exit_code == 0
    assert f"→ {oxigraph_server.url}" in result.output
    again = run("ingest", "--store", oxigraph_server.url, str(EXAMPLES))
    assert "(+0)" in again.output


def test_the_server_holds_the_same_graph_as_the_file(both):
    url, local = both
    remote_nt = run("export", "--store", url, "--format", "nt").stdout_bytes
    local_nt = run("export", "--store", local, "--format", "nt").stdout_bytes
    assert remote_nt == local_nt  # sorted N-Triples: equal graphs (no blank nodes)
    assert remote_nt.count(b"\n") > 900


@pytest.mark.parametrize("name", sorted(presets()))
def test_every_preset_gives_the_same_rows(both, name):
    url, local = both
    extra = ["--param", "region=Kota Malang"] if name == "region" else []
    outputs = [run("query", "--store", store, "--preset", name, "--format", "csv", *extra)
               for store in (url, local)]
    assert outputs[0].exit_code == 0, outputs[0].output
    assert outputs[0].stdout == outputs[1].stdout
    assert outputs[0].stdout.count("\n") > 1


def test_sparql_with_every_output_format(both):
    url, local = both
    text = "SELECT ?v ?date WHERE { ?v a kg:Visit ; kg:date ?date } ORDER BY ?date ?v"
    for fmt in ("table", "csv", "tsv", "json"):
        a = run("query", "--store", url, "--format", fmt, text)
        b = run("query", "--store", local, "--format", fmt, text)
        assert a.exit_code == 0 and a.stdout == b.stdout


def test_viz_stats_and_network_are_the_same(both, tmp_path):
    url, local = both
    assert list(build_network(url).edges(data=True)) == \
        list(build_network(local).edges(data=True))
    pages = []
    for store in (url, local):
        page = tmp_path / f"graph-{len(pages)}.html"
        result = run("viz", "--store", store, "-o", str(page))
        assert result.exit_code == 0, result.output
        pages.append(page.read_text(encoding="utf-8"))
    assert "Kota Malang" in pages[0]
    assert pages[0] == pages[1]
    assert run("stats", "--store", url).stdout == run("stats", "--store", local).stdout
    assert run("export", "--store", url, "--format", "csv").stdout == \
        run("export", "--store", local, "--format", "csv").stdout


def test_validate_and_the_store_from_the_environment(both):
    url, _local = both
    result = run("validate", env={"KGRAPH_STORE": url})
    assert result.exit_code == 0
    assert url in result.output and "conforms" in result.output


def test_endpoint_overrides_name_other_paths(both):
    url, _local = both
    result = run("query", "--store", url, "--query-endpoint", "/no-such-endpoint", "ASK {}")
    assert result.exit_code == 1
    assert f"{url}/no-such-endpoint" in result.output  # the error names it
    good = run("query", "--store", url, "--query-endpoint", f"{url}/query", "ASK { ?s ?p ?o }")
    assert good.exit_code == 0 and "true" in good.output


def test_credentials_in_the_url_are_refused():
    result = run("query", "--store", "http://me:secret@127.0.0.1:9/", "ASK {}")
    assert result.exit_code == 2
    assert "secret" not in result.output and "KGRAPH_USER" in result.output


def test_an_unreachable_server_is_one_line_naming_it(monkeypatch):
    from tests.helpers.oxserver import free_port

    monkeypatch.setattr("kgraph.store.remote.client.Client.__init__.__defaults__", (60.0, 1, 0.01))
    url = f"http://127.0.0.1:{free_port()}"
    result = run("query", "--store", url, "--timeout", "0", "--preset", "pairs")
    assert result.exit_code == 1
    assert result.output.count("\n") == 1
    assert f"cannot reach {url}/query" in result.output


def test_a_server_killed_mid_ingest_fails_clearly_and_a_rerun_completes(tmp_path, monkeypatch):
    monkeypatch.delenv("KGRAPH_STORE", raising=False)
    monkeypatch.setattr(remote_editor, "COMMIT_SIZE", 4)
    monkeypatch.setattr("kgraph.store.remote.client.Client.__init__.__defaults__", (60.0, 1, 0.01))
    server = OxigraphServer(tmp_path / "db").start()
    commits = []
    real_commit = remote_editor.RemoteEditor.commit

    def commit_then_die(self):  # type: ignore[no-untyped-def]
        real_commit(self)
        commits.append(1)
        if len(commits) == 1:
            server.kill()

    try:
        with monkeypatch.context() as patch:
            patch.setattr(remote_editor.RemoteEditor, "commit", commit_then_die)
            failed = run("ingest", "--store", server.url, str(EXAMPLES))
        assert failed.exit_code != 0
        assert f"cannot reach {server.url}/" in failed.output
        assert "Traceback" not in failed.output
        server = OxigraphServer(tmp_path / "db", port=server.port).start()
        partial = run("export", "--store", server.url, "--format", "nt").stdout_bytes
        rerun = run("ingest", "--store", server.url, str(EXAMPLES))
        assert rerun.exit_code == 0, rerun.output
        local = str(tmp_path / "kgraph.ttl")
        run("ingest", "--store", local, str(EXAMPLES))
        complete = run("export", "--store", server.url, "--format", "nt").stdout_bytes
        assert complete == run("export", "--store", local, "--format", "nt").stdout_bytes
        assert 0 < len(partial) < len(complete)  # the first batch, whole, and no more
    finally:
        server.stop()


# ---------------------------------------------------------------- failing servers

#: Every command that talks to a server, with what it needs besides --store URL.
REMOTE_COMMANDS = {
    "ingest": ["ingest", str(EXAMPLES / "raw" / "bontang-kutim.txt")],
    "query": ["query", "--preset", "hosts"],
    "viz": ["viz", "-o", "graph.html"],
    "stats": ["stats"],
    "export": ["export"],
    "validate": ["validate"],
}


def in_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)


def one_line_naming(result, url: str, exit_code: int = 1) -> str:
    assert result.exit_code == exit_code, result.output
    assert "internal error" not in result.output and "Traceback" not in result.output
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ") and url in line, line
    return line


@pytest.mark.parametrize("name", sorted(REMOTE_COMMANDS) + ["push", "pull"])
@pytest.mark.parametrize("reply", ["trickle", "silent"])
def test_a_stalled_server_fails_every_command_at_its_deadline(fake, name, reply, tmp_path,
                                                              monkeypatch):
    """A server that never answers, or sends one byte every 0.4 s (so no socket timeout
    ever fires), fails the command when --timeout passes: one line naming the endpoint."""
    from tests.helpers.httpfake import Trickle, count_reply

    in_folder(tmp_path, monkeypatch)
    server = fake(Trickle(count_reply("5"), 0.4) if reply == "trickle" else "silent")
    if name == "push":
        ingest([EXAMPLES], store=tmp_path / "kgraph.ttl")
        args = ["push", "--to", server.url]
    elif name == "pull":
        args = ["pull", "--from", server.url]
    else:
        args = [*REMOTE_COMMANDS[name], "--store", server.url]
    start = time.monotonic()
    result = run(*args, "--timeout", "1")
    elapsed = time.monotonic() - start
    line = one_line_naming(result, server.url, 2 if name == "validate" else 1)
    assert "no complete answer within 1 s" in line
    assert elapsed < 20, f"{name} took {elapsed:.0f} s with a deadline of 1 s"


@pytest.mark.parametrize("reply, words", [
    ((500, {"Content-Type": "text/html"}, b"<html><h1>Internal Server Error</h1></html>"),
     "answered HTTP 500 Internal Server Error: Internal Server Error"),
    ((200, {"Content-Type": "text/html"}, b"<html><body>Welcome to nginx</body></html>"),
     "/store sent invalid N-Triples"),
    ((200, {"Content-Type": "application/n-triples"}, b"<http://a> <http://b> oops .\n"),
     "/store sent invalid N-Triples"),
    ("drop", "the server closed the connection"),
], ids=["500-html", "html-page", "bad-ntriples", "closed"])
@pytest.mark.parametrize("args", [["export"], ["export", "--format", "jsonld"],
                                  ["export", "-o", "out.nt"], ["validate"]])
def test_export_and_validate_report_what_the_server_did(fake, reply, words, args, tmp_path,
                                                        monkeypatch):
    in_folder(tmp_path, monkeypatch)
    monkeypatch.setattr("kgraph.store.remote.client.Client.__init__.__kwdefaults__",
                        {"timeout": None, "retries": 1, "backoff": 0.01})
    server = fake(reply)
    result = run(*args, "--store", server.url)
    line = one_line_naming(result, server.url, 2 if args == ["validate"] else 1)
    assert words in line
    assert result.stdout == ""  # nothing half-written to standard output
    assert not list(tmp_path.iterdir())  # nor to a file


def test_export_from_an_unreachable_server_is_one_line(tmp_path, monkeypatch):
    from tests.helpers.oxserver import free_port

    in_folder(tmp_path, monkeypatch)
    monkeypatch.setattr("kgraph.store.remote.client.Client.__init__.__kwdefaults__",
                        {"timeout": None, "retries": 1, "backoff": 0.01})
    url = f"http://127.0.0.1:{free_port()}"
    line = one_line_naming(run("export", "--store", url), url)
    assert line.endswith("/store: connection refused (2 attempts)")


def test_a_count_that_is_not_a_number_is_an_error_naming_the_endpoint(oxigraph_server, fake,
                                                                      tmp_path, monkeypatch):
    """A server (here a proxy in front of Oxigraph) that answers COUNT with text."""
    import re

    from tests.helpers.httpfake import proxy, sparql_text

    in_folder(tmp_path, monkeypatch)
    assert run("ingest", "--store", oxigraph_server.url, str(EXAMPLES)).exit_code == 0

    def words_for_counts(request, reply):
        status, headers, body = reply
        if "COUNT" in sparql_text(request):
            body = re.sub(rb'"value":"\d+"', b'"value":"many"', body)
        return status, headers, body

    server = fake(proxy(oxigraph_server.url, words_for_counts))
    expected = f"{server.url}/query sent a count that is not a number: 'many'"
    for args in (REMOTE_COMMANDS["ingest"], ["export", "--format", "graphml"]):
        line = one_line_naming(run(*args, "--store", server.url), server.url)
        assert line == f"Error: {expected}"


def test_a_redirect_to_a_dead_port_names_where_it_failed(fake, tmp_path, monkeypatch):
    from tests.helpers.oxserver import free_port

    in_folder(tmp_path, monkeypatch)
    monkeypatch.setattr("kgraph.store.remote.client.Client.__init__.__kwdefaults__",
                        {"timeout": None, "retries": 1, "backoff": 0.01})
    dead = f"http://127.0.0.1:{free_port()}"
    server = fake((307, {"Location": f"{dead}/sparql"}, b""))
    line = one_line_naming(run("stats", "--store", server.url), server.url)
    assert line == (f"Error: cannot reach {server.url}/query (redirected to {dead}/sparql): "
                    "connection refused (2 attempts)")


@pytest.mark.parametrize("name", ["ingest", "query", "viz", "stats"])
def test_answers_kgraph_cannot_read_are_one_line_errors(fake, name, tmp_path, monkeypatch):
    """A server answering every query with one count (of text, or of the wrong
    variables), as a misconfigured endpoint or a proxy might."""
    from tests.helpers.httpfake import count_reply

    in_folder(tmp_path, monkeypatch)
    server = fake(count_reply("many"))
    line = one_line_naming(run(*REMOTE_COMMANDS[name], "--store", server.url), server.url)
    assert line.startswith(f"Error: {server.url}/query sent ")
    asked = run("query", "--store", server.url, "ASK { ?s ?p ?o }")
    assert one_line_naming(asked, server.url) == \
        f"Error: {server.url}/query sent solutions for an ASK query"
