"""The HTTP client of a SPARQL server: a real Oxigraph server for the protocols, a small
in-test HTTP server for authentication, retries and failures."""
from __future__ import annotations

import hashlib
import io
import re
import time
from typing import Callable

import pyoxigraph as ox
import pytest

from kgraph.store.remote.client import Client
from kgraph.store.remote.endpoint import Endpoint, RemoteError
from kgraph.store.graph import is_endpoint
from tests.helpers.httpfake import ASK_TRUE, OK, Reply
from tests.helpers.oxserver import free_port

NAME = "Wali Kota Malang Wahyu Hidayat"
PLACE = "Ruang Sidang Balai Kota Malang — “Ngalam” ✓"
NT = (f'<http://example.org/person/wahyu> <http://www.w3.org/2000/01/rdf-schema#label> "{NAME}" .\n'
      f'<http://example.org/visit/1> <http://example.org/place> "{PLACE}" .\n').encode("utf-8")
pytestmark = pytest.mark.usefixtures("clean_remote_env")


def client_for(url: str, **options) -> Client:
    client = Client(Endpoint.resolve(url), backoff=0.001, **options)
    client._sleep = lambda _seconds: None
    return client


# ---------------------------------------------------------------------- endpoints


def test_is_endpoint():
    assert is_endpoint("http://127.0.0.1:7878")
    assert is_endpoint("HTTPS://kg.example.org/repositories/kgraph")
    assert not is_endpoint("kgraph.ttl")
    assert not is_endpoint("http.ttl")
    assert not is_endpoint(None)


def test_endpoint_defaults_are_oxigraphs_layout():
    e = Endpoint.resolve("http://127.0.0.1:7878")
    assert (e.url, e.query, e.update, e.graph_store) == (
        "http://127.0.0.1:7878", "http://127.0.0.1:7878/query",
        "http://127.0.0.1:7878/update", "http://127.0.0.1:7878/store")


def test_endpoint_overrides_relative_absolute_and_from_env(monkeypatch):
    monkeypatch.setenv("KGRAPH_GRAPH_STORE_ENDPOINT", "sparql-graph-crud")
    e = Endpoint.resolve("http://localhost:8890/", query="/sparql",
                         update="https://other.example.org/sparql-auth")
    assert e.url == "http://localhost:8890/"
    assert e.query == "http://localhost:8890/sparql"
    assert e.update == "https://other.example.org/sparql-auth"
    assert e.graph_store == "http://localhost:8890/sparql-graph-crud"
    assert Endpoint.resolve("http://h/ds", graph_store="data").graph_store == "http://h/ds/data"


def test_credentials_in_url_are_refused_without_showing_them():
    with pytest.raises(RemoteError) as info:
        Endpoint.resolve("http://admin:s3cret@127.0.0.1:7878")
    message = str(info.value)
    assert "s3cret" not in message and "admin" not in message
    assert "KGRAPH_USER" in message and "127.0.0.1:7878" in message
    with pytest.raises(RemoteError, match="credentials"):
        Endpoint.resolve("http://127.0.0.1:7878", update="http://u:p@127.0.0.1:7878/update")


@pytest.mark.parametrize("url, words", [
    ("ftp://example.org", "http or https"),
    ("localhost:7878", "http or https"),
    ("http://", "no host"),
    ("http://example.org:99999", "valid"),
])
def test_bad_urls_are_refused_clearly(url, words):
    with pytest.raises(RemoteError, match=re.escape(words)):
        Endpoint.resolve(url)


# ---------------------------------------------------------------------- a real server


def test_graph_store_round_trip_keeps_non_ascii_text(oxigraph_server):
    with client_for(oxigraph_server.url) as client:
        client.graph_put(NT)
        out = io.BytesIO()
        written = client.graph_get(out)
        assert written == len(out.getvalue())
        assert set(out.getvalue().splitlines()) == set(NT.splitlines())

        client.graph_post(iter([b'<http://example.org/a> <http://example.org/p> "Kota Malang" .\n']),
                          graph="urn:test:g")
        client.graph_post(b'<http://example.org/b> <http://example.org/p> "Pemkot Jambi" .\n',
                          graph="urn:test:g")
        named = io.BytesIO()
        client.graph_get(named, graph="urn:test:g")
        assert len(named.getvalue().splitlines()) == 2
        client.graph_put(b"", graph="urn:test:g")
        emptied = io.BytesIO()
        client.graph_get(emptied, graph="urn:test:g")
        assert emptied.getvalue().strip() == b""
        again = io.BytesIO()
        client.graph_get(again)
        assert set(again.getvalue().splitlines()) == set(NT.splitlines())  # untouched


def test_select_ask_construct_update(oxigraph_server):
    with client_for(oxigraph_server.url) as client:
        client.graph_put(NT)
        rows = client.select("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o")
        assert isinstance(rows, ox.QuerySolutions)
        assert [r["o"].value for r in rows] == [PLACE, NAME]
        assert bool(client.select(f'ASK {{ ?s ?p "{NAME}" }}')) is True
        assert bool(client.select('ASK { ?s ?p "Kabupaten Malang" }')) is False
        triples = client.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        assert all(isinstance(t, ox.Triple) for t in triples)
        assert {t.object.value for t in triples} == {NAME, PLACE}
        client.update('INSERT DATA { <http://example.org/x> <http://example.org/p> "Kabupaten Sleman" }')
        client.update('DELETE DATA { <http://example.org/x> <http://example.org/p> "Kabupaten Sleman" }',
                      idempotent=False)
        assert len(list(client.select("SELECT * WHERE { ?s ?p ?o }"))) == 2
        csv = client.query_bytes("SELECT ?o WHERE { ?s ?p ?o } ORDER BY ?o", "text/csv")
        assert csv.decode("utf-8").splitlines() == ["o", PLACE, NAME]


def test_long_queries_are_posted(oxigraph_server):
    values = " ".join(f'"{NAME} {i}"' for i in range(400))
    with client_for(oxigraph_server.url) as client:
        rows = client.select(f"SELECT ?v WHERE {{ VALUES ?v {{ {values} }} }}")
        assert len(list(rows)) == 400


def test_errors_of_the_server_name_the_url_and_status(oxigraph_server):
    with client_for(oxigraph_server.url) as client:
        with pytest.raises(RemoteError) as info:
            client.select("SELEKT nothing")
        assert str(info.value).startswith(f"{oxigraph_server.url}/query answered HTTP 400 Bad Request: ")
        assert info.value.status == 400 and "\n" not in str(info.value)
        with pytest.raises(RemoteError, match=re.escape(f"{oxigraph_server.url}/update answered HTTP 400")):
            client.update("INSERT DATA { nonsense }")


# ---------------------------------------------------------------------- a scripted server

def basic_guard(user: str, password: str) -> Callable[[dict], Reply]:
    import base64

    expected = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()

    def reply(request: dict) -> Reply:
        if request["headers"].get("Authorization") == expected:
            return ASK_TRUE
        return 401, {"WWW-Authenticate": 'Basic realm="kgraph"'}, b"Unauthorized\n"
    return reply


def digest_guard(user: str, password: str) -> Callable[[dict], Reply]:
    """RFC 7616 digest (MD5, qop=auth), checked as a server would."""
    realm, nonce = "kgraph", "5f2c1a"

    def md5(text: str) -> str:
        return hashlib.md5(text.encode()).hexdigest()

    def reply(request: dict) -> Reply:
        header = request["headers"].get("Authorization", "")
        fields = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
        if header.startswith("Digest ") and fields.get("username") == user:
            ha1 = md5(f"{user}:{realm}:{password}")
            ha2 = md5(f"{request['method']}:{fields['uri']}")
            expected = md5(f"{ha1}:{nonce}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}")
            if fields.get("response") == expected:
                return ASK_TRUE
        challenge = f'Digest realm="{realm}", nonce="{nonce}", qop="auth", algorithm=MD5'
        return 401, {"WWW-Authenticate": challenge}, b"Unauthorized\n"
    return reply


def test_basic_auth_from_environment(fake, monkeypatch):
    server = fake(basic_guard("alice", "rahasia"))
    monkeypatch.setenv("KGRAPH_USER", "alice")
    monkeypatch.setenv("KGRAPH_PASSWORD", "rahasia")
    assert bool(client_for(server.url).select("ASK {}")) is True


def test_basic_auth_from_netrc(fake, monkeypatch, tmp_path):
    server = fake(basic_guard("alice", "rahasia"))
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login alice password rahasia\n", encoding="utf-8")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    assert bool(client_for(server.url).select("ASK {}")) is True


def test_digest_auth_from_environment_and_netrc(fake, monkeypatch, tmp_path):
    server = fake(digest_guard("alice", "rahasia"))
    monkeypatch.setenv("KGRAPH_AUTH", "digest")
    monkeypatch.setenv("KGRAPH_USER", "alice")
    monkeypatch.setenv("KGRAPH_PASSWORD", "rahasia")
    assert bool(client_for(server.url).select("ASK {}")) is True
    monkeypatch.delenv("KGRAPH_USER")
    monkeypatch.delenv("KGRAPH_PASSWORD")
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login alice password rahasia\n", encoding="utf-8")
    monkeypatch.setenv("NETRC", str(netrc))
    with client_for(server.url) as client:
        assert bool(client.select("ASK {}")) is True
        client.graph_put(iter([NT]))  # a streamed body is sent again after the challenge


def test_wrong_credentials_say_where_to_look_and_hide_the_password(fake, monkeypatch):
    server = fake(basic_guard("alice", "rahasia"))
    monkeypatch.setenv("KGRAPH_USER", "alice")
    monkeypatch.setenv("KGRAPH_PASSWORD", "salah-sekali")
    with pytest.raises(RemoteError) as info:
        client_for(server.url).select("ASK {}")
    message = str(info.value)
    assert message.startswith(f"{server.url}/query answered HTTP 401 Unauthorized")
    assert "KGRAPH_USER" in message and "netrc" in message
    assert "salah-sekali" not in message
    assert len(server.requests) == 1  # not retried


def test_half_configured_credentials_are_an_error(monkeypatch):
    monkeypatch.setenv("KGRAPH_USER", "alice")
    with pytest.raises(RemoteError, match="KGRAPH_PASSWORD is not set"):
        client_for("http://127.0.0.1:7878").select("ASK {}")
    monkeypatch.setenv("KGRAPH_AUTH", "kerberos")
    with pytest.raises(RemoteError, match="KGRAPH_AUTH"):
        client_for("http://127.0.0.1:7878")


def test_a_missing_ca_bundle_is_an_error(monkeypatch, tmp_path):
    monkeypatch.setenv("KGRAPH_CA_BUNDLE", str(tmp_path / "ca.pem"))
    with pytest.raises(RemoteError, match="CA bundle"):
        client_for("https://127.0.0.1:7878")


def test_idempotent_requests_are_retried_with_backoff(fake):
    server = fake((503, {}, b"busy"), (503, {}, b"busy"), ASK_TRUE)
    client = Client(Endpoint.resolve(server.url), backoff=0.25)
    delays: list[float] = []
    client._sleep = delays.append
    assert bool(client.select("ASK {}")) is True
    assert len(server.requests) == 3
    assert delays == [0.25, 0.5]


def test_retry_after_is_honoured(fake):
    server = fake((429, {"Retry-After": "7"}, b"slow down"), OK)
    client = Client(Endpoint.resolve(server.url), backoff=0.25)
    delays: list[float] = []
    client._sleep = delays.append
    client.update("CLEAR SILENT GRAPH <urn:x>")
    assert delays == [7.0]
    assert len(server.requests) == 2


def test_retries_give_up_with_the_status(fake):
    server = fake((502, {}, b"Bad gateway from the proxy\nmore detail"))
    with pytest.raises(RemoteError) as info:
        client_for(server.url, retries=2).select("ASK {}")
    assert str(info.value) == f"{server.url}/query answered HTTP 502 Bad Gateway: Bad gateway from the proxy"
    assert info.value.status == 502
    assert len(server.requests) == 3


def test_non_idempotent_requests_are_not_retried(fake):
    server = fake((503, {}, b"busy"), OK)
    with pytest.raises(RemoteError, match="HTTP 503"):
        client_for(server.url).graph_post(NT)
    assert len(server.requests) == 1
    server = fake("drop", OK)
    with pytest.raises(RemoteError) as info:
        client_for(server.url).update("INSERT DATA { [] <http://example.org/p> 1 }", idempotent=False)
    assert "may or may not have been applied" in str(info.value)
    assert len(server.requests) == 1


def test_a_dropped_connection_is_retried_when_idempotent(fake):
    server = fake("drop", OK)
    client_for(server.url).update("CLEAR SILENT GRAPH <urn:x>")
    assert len(server.requests) == 2
    assert server.requests[0]["body"] == server.requests[1]["body"] == b"CLEAR SILENT GRAPH <urn:x>"
    assert server.requests[0]["headers"]["Content-Type"].startswith("application/sparql-update")


def test_a_broken_download_starts_again(fake):
    nt = {"Content-Type": "application/n-triples"}
    body = NT * 2000  # several chunks arrive before the connection breaks
    server = fake((200, {**nt, "Content-Length": str(len(body) + 500)}, body), (200, nt, body))
    out = io.BytesIO()
    out.write(b"kept\n")
    assert client_for(server.url).graph_get(out) == len(body)
    assert out.getvalue() == b"kept\n" + body
    assert len(server.requests) == 2
    assert server.requests[0]["path"] == "/store?default"


def test_other_rdf_formats_are_converted_to_ntriples(fake):
    turtle = f'@prefix ex: <http://example.org/> .\nex:wahyu ex:name "{NAME}" .\n'.encode()
    server = fake((200, {"Content-Type": "text/turtle; charset=utf-8"}, turtle))
    out = io.BytesIO()
    client_for(server.url).graph_get(out, graph="http://example.org/g")
    assert out.getvalue().decode() == f'<http://example.org/wahyu> <http://example.org/name> "{NAME}" .\n'
    assert server.requests[0]["path"] == "/store?graph=http%3A%2F%2Fexample.org%2Fg"


def test_invalid_answers_name_the_url(fake):
    server = fake((200, {"Content-Type": "application/sparql-results+json"}, b'{"head": {"vars": ["x"]}, "res'),
                  (200, {"Content-Type": "application/n-triples"}, b"<http://a> <http://b> oops .\n"))
    client = client_for(server.url)
    with pytest.raises(RemoteError, match=re.escape(f"{server.url}/query sent invalid SPARQL results")):
        client.select("SELECT * WHERE { ?s ?p ?o }")
    with pytest.raises(RemoteError, match=re.escape(f"{server.url}/query sent invalid")):
        client.construct("CONSTRUCT WHERE { ?s ?p ?o }")


def test_connection_refused_names_the_url_and_attempts():
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RemoteError) as info:
        client_for(url, retries=3).update("CLEAR DEFAULT")
    assert str(info.value) == f"cannot reach {url}/update: connection refused (4 attempts)"
    with pytest.raises(RemoteError, match=re.escape(f"cannot reach {url}/store: connection refused")):
        client_for(url, retries=1).graph_post(NT)  # never sent: safe to try again


# ---------------------------------------------------------------------- deadlines


@pytest.mark.parametrize("call", ["select", "construct", "update", "graph_get", "graph_post"])
@pytest.mark.parametrize("reply", ["trickle", "silent"])
def test_every_call_has_a_total_deadline(fake, call, reply):
    """A socket timeout alone never fires against a server that sends a byte now and
    then: the deadline covers the whole call, the answer included."""
    from tests.helpers.httpfake import Trickle

    server = fake(Trickle(ASK_TRUE, 0.2) if reply == "trickle" else "silent")
    client = Client(Endpoint.resolve(server.url, timeout=0.8), backoff=0.01)
    calls = {
        "select": lambda: client.select("ASK {}"),
        "construct": lambda: client.construct("CONSTRUCT WHERE { ?s ?p ?o }"),
        "update": lambda: client.update("CLEAR SILENT GRAPH <urn:x>"),
        "graph_get": lambda: client.graph_get(io.BytesIO()),
        "graph_post": lambda: client.graph_post(NT),
    }
    start = time.monotonic()
    with pytest.raises(RemoteError) as info:
        calls[call]()
    elapsed = time.monotonic() - start
    assert "no complete answer within 0.8 s" in str(info.value)
    assert server.url in str(info.value)
    assert elapsed < 10, f"{call} took {elapsed:.1f} s with a deadline of 0.8 s"
    assert len(server.requests) == 1  # no retry after the deadline


def test_retries_stop_at_the_deadline(fake):
    server = fake((503, {"Retry-After": "30"}, b"busy"), ASK_TRUE)
    client = Client(Endpoint.resolve(server.url, timeout=2))
    delays: list[float] = []
    client._sleep = delays.append
    with pytest.raises(RemoteError, match="HTTP 503"):
        client.select("ASK {}")
    assert delays == [] and len(server.requests) == 1  # a 30 s wait would pass the deadline
    server = fake((503, {"Retry-After": "30"}, b"busy"), ASK_TRUE)
    again = Client(Endpoint.resolve(server.url, timeout=0), backoff=0.01)
    again._sleep = delays.append
    assert bool(again.select("ASK {}")) is True  # timeout 0: no deadline, waits as asked
    assert delays == [30.0]


def test_a_deadline_is_per_call_not_per_client(fake):
    server = fake(ASK_TRUE)
    client = Client(Endpoint.resolve(server.url, timeout=0.3))
    for _ in range(3):
        assert bool(client.select("ASK {}")) is True
        time.sleep(0.2)  # 0.6 s in all: more than one deadline, less than each
