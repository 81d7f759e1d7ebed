from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kgraph.cli import cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def invoke(runner, tmp_path, monkeypatch):
    """Run the CLI in a temporary working directory; returns the click Result."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("KGRAPH_STORE", raising=False)

    def run(*args: str, input: str | None = None):
        return runner.invoke(cli, list(args), input=input, catch_exceptions=False)

    return run


@pytest.fixture(scope="session")
def example_store(tmp_path_factory) -> Path:
    """The store made from examples/ (built once per test session)."""
    from kgraph import ingest

    folder = tmp_path_factory.mktemp("example-store")
    store = folder / "kgraph.ttl"
    report = ingest([EXAMPLES], store=store)
    assert report.ok, report.failed
    return store


def write_article(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def copy_examples(target: Path) -> Path:
    shutil.copytree(EXAMPLES, target / "examples")
    return target / "examples"


@pytest.fixture
def oxigraph_server(tmp_path):
    """A running, empty Oxigraph server on a free loopback port (its ``.url``)."""
    from tests.helpers.oxserver import OxigraphServer

    with OxigraphServer(tmp_path / "oxigraph-db") as server:
        yield server


@pytest.fixture
def fake():
    """Start scripted HTTP servers (``fake(reply, ...)``, see tests/helpers/httpfake.py),
    closed at the end of the test."""
    import gc

    from tests.helpers.httpfake import FakeServer

    # Earlier tests' garbage (CliRunner keeps tracebacks in cycles) is collected here, in
    # this thread: pyoxigraph's objects may not be freed by the servers' threads.
    gc.collect()
    servers: list[FakeServer] = []

    def start(*replies) -> FakeServer:
        servers.append(FakeServer(list(replies)))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


#: Environment variables that would let the machine running the tests reach into them.
REMOTE_ENV = ("KGRAPH_USER", "KGRAPH_PASSWORD", "KGRAPH_AUTH", "KGRAPH_CA_BUNDLE",
              "REQUESTS_CA_BUNDLE", "KGRAPH_QUERY_ENDPOINT", "KGRAPH_UPDATE_ENDPOINT",
              "KGRAPH_GRAPH_STORE_ENDPOINT", "KGRAPH_STORE")


@pytest.fixture
def clean_remote_env(monkeypatch, tmp_path):
    """No credentials, CA bundle, endpoints, store, proxy or netrc from the machine."""
    for name in REMOTE_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "no-netrc"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@pytest.fixture
def news_site(monkeypatch):
    """The test news site (``tests/helpers/newssite.py``) on a free loopback port, reached
    without any proxy of the machine; its slow page answers after 4 s."""
    from helpers.newssite import NewsSite

    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    with NewsSite(slow_seconds=4.0) as site:
        yield site
