"""A SPARQL 1.1 server as kgraph's store: endpoints, and an HTTP client for them.

kgraph speaks only the W3C standards, so any server works (Oxigraph, Fuseki, GraphDB,
Virtuoso ...): the SPARQL 1.1 Protocol for queries, SPARQL 1.1 Update for changes and the
Graph Store HTTP Protocol for whole graphs.

Credentials come from the environment only, never from a command-line argument (which
``ps`` shows to every user): ``KGRAPH_USER`` and ``KGRAPH_PASSWORD``, else the netrc entry
of the host (``NETRC`` or ``~/.netrc``); ``KGRAPH_AUTH=digest`` selects HTTP digest
instead of basic authentication. TLS certificates are verified; ``KGRAPH_CA_BUNDLE`` (or
``REQUESTS_CA_BUNDLE``) names the CA file of a private certificate authority.

Idempotent requests (queries, graph reads and replacements, updates marked idempotent)
are retried with exponential backoff on network failures and on HTTP 408, 429, 502, 503
and 504, honouring ``Retry-After``. Every call to the server has a total deadline
(:attr:`Endpoint.timeout`, ``--timeout``), retries and the whole answer included: a
server that stalls, or sends one byte every few seconds, fails the call when it passes.
Every failure is a :class:`RemoteError` whose one-line message names the URL, and the
HTTP status when there is one.
"""
from __future__ import annotations

import tempfile
import threading
import time
import weakref
from contextlib import contextmanager
from typing import IO, BinaryIO, Callable, Iterable, Iterator
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import requests
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ...read.httputil import failure_reason as _reason
from ...read.httputil import media_type as _media_type
from ...read.httputil import retry_after as _retry_after
from .endpoint import Endpoint, RemoteError
from .transport import (
    _attempts, _auth_kind, _credentials, _http_error, _not_sent, _redirected, _shut,
    _tracking_adapter, _verify, count_value,
)

#: HTTP statuses after which an idempotent request is tried again.
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
#: No wait between two attempts is longer than this (seconds), whatever Retry-After says.
MAX_DELAY = 60.0
#: Queries whose URL-encoded text is longer are POSTed (a form) instead of sent by GET.
MAX_GET_QUERY = 2000
CHUNK = 1 << 16
NTRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"


class Client:
    """HTTP access to one SPARQL server: queries, updates and whole graphs.

    One connection pool per client; usable as a context manager (``close`` on exit); not
    for use by several threads at once. ``timeout`` (default: the endpoint's) is the
    deadline of each call, in seconds (0 or ``None``: none), its retries and the whole
    answer included. ``retries`` is how many times an idempotent request is tried again
    after a failure (so ``retries + 1`` attempts in all); the n-th wait is
    ``backoff * 2**n`` seconds, at most :data:`MAX_DELAY`, or what the server's
    ``Retry-After`` asks. Raises :class:`RemoteError` when the environment's credentials
    or CA bundle are unusable.
    """

    def __init__(self, endpoint: Endpoint, *, timeout: float | None = None, retries: int = 4,
                 backoff: float = 0.25) -> None:
        self.endpoint = endpoint
        self.timeout = endpoint.timeout if timeout is None else timeout
        self.retries = max(0, retries)
        self.backoff = backoff
        self._kind = _auth_kind()
        self._verify = _verify()
        self._auths: dict[str, AuthBase | None] = {}
        self._sleep: Callable[[float], None] = time.sleep
        self._session = requests.Session()
        self._live: weakref.WeakSet = weakref.WeakSet()
        adapter = _tracking_adapter(self._live)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._expires: float | None = None  # monotonic time of the current call's deadline
        self._call = 0
        self._expired = False

    def close(self) -> None:
        self._session.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ deadline

    @contextmanager
    def _deadline(self) -> Iterator[None]:
        """The scope of one call: when its deadline passes, the connections in use are
        shut down, and the call fails with :meth:`_too_slow` (see :meth:`_check`)."""
        if self._expires is not None or not self.timeout:  # inside a call, or no deadline
            yield
            return
        self._call += 1
        self._expired = False
        self._expires = time.monotonic() + self.timeout
        timer = threading.Timer(self.timeout, self._expire, args=(self._call,))
        timer.daemon = True
        timer.start()
        try:
            yield
        finally:
            timer.cancel()
            self._expires = None

    def _expire(self, call: int) -> None:
        if call != self._call or self._expires is None:
            return  # that call has ended
        self._expired = True
        for connection in list(self._live):
            _shut(connection)

    def _remaining(self) -> float | None:
        """Seconds left before the current call's deadline (``None``: no deadline)."""
        if self._expires is None:
            return None
        return self._expires - time.monotonic()

    def _check(self, url: str) -> None:
        """Raise :meth:`_too_slow` when the current call's deadline has passed."""
        left = self._remaining()
        if self._expired or (left is not None and left <= 0):
            raise self._too_slow(url)

    def _too_slow(self, url: str) -> RemoteError:
        return RemoteError(f"cannot reach {url}: no complete answer within {self.timeout:g} s",
                           url=url, hint="--timeout sets this deadline of each request")

    def _wait(self, delay: float) -> bool:
        """Wait ``delay`` seconds before another attempt, unless that passes the deadline."""
        left = self._remaining()
        if left is not None and delay >= left:
            return False
        self._sleep(delay)
        return True

    # ------------------------------------------------------------------ SPARQL

    def select(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean:
        """Run a SELECT or ASK query; its solutions (or boolean), checked as received."""
        with self._deadline():
            response = self._query(sparql,
                                   f"{RESULTS_JSON}, application/sparql-results+xml;q=0.8")
        media = _media_type(response)
        fmt = ox.QueryResultsFormat.from_media_type(media) if media else None
        fmt = fmt or ox.QueryResultsFormat.JSON
        body = response.content
        try:
            results = ox.parse_query_results(body, fmt)
            if isinstance(results, ox.QuerySolutions):
                for _ in results:  # parsed lazily: find any error now, then parse again
                    pass
                results = ox.parse_query_results(body, fmt)
        except (SyntaxError, ValueError) as exc:
            raise self.invalid(self.endpoint.query, "SPARQL results", exc) from None
        return results

    def query_bytes(self, sparql: str, accept: str) -> bytes:
        """The answer to a query, as the server sent it in the media type ``accept``."""
        with self._deadline():
            return self._query(sparql, accept).content

    def construct(self, sparql: str) -> list[ox.Triple]:
        """Run a CONSTRUCT or DESCRIBE query; its triples."""
        with self._deadline():
            response = self._query(sparql, f"{NTRIPLES}, text/turtle;q=0.9, */*;q=0.1")
        return [q.triple for q in self._parse_rdf(response, self.endpoint.query)]

    def count(self, pattern: str) -> int:
        """How many solutions the graph pattern ``pattern`` has on the server; a
        :class:`RemoteError` when the answer is not a count."""
        results = self.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ {pattern} }}")
        try:
            term = next(iter(results))["n"]  # type: ignore[call-overload, index]
        except (StopIteration, TypeError, KeyError):
            term = None
        del results  # not kept by the error's traceback: only this thread may free it
        return count_value(term, self.endpoint.query)

    def update(self, sparql: str, *, idempotent: bool = True) -> None:
        """Run a SPARQL Update. Retried after failures only when ``idempotent``: pass
        ``False`` for an update whose second application would differ (INSERT DATA of
        blank nodes, MOVE ...)."""
        with self._deadline():
            self._send("POST", self.endpoint.update, idempotent=idempotent,
                       headers={"Content-Type": "application/sparql-update; charset=utf-8"},
                       body=sparql.encode("utf-8")).close()

    def _query(self, sparql: str, accept: str) -> requests.Response:
        url = self.endpoint.query
        headers = {"Accept": accept}
        if len(quote(sparql, safe="")) <= MAX_GET_QUERY:
            return self._send("GET", url, idempotent=True, headers=headers,
                              params={"query": sparql})
        headers["Content-Type"] = "application/x-www-form-urlencoded"
        return self._send("POST", url, idempotent=True, headers=headers,
                          body=urlencode({"query": sparql}).encode("ascii"))

    # ------------------------------------------------------------------ graphs

    def graph_get(self, out: BinaryIO, *, graph: str | None = None) -> int:
        """Stream the default graph (or the named graph ``graph``) into ``out`` as
        N-Triples; returns the number of bytes written. A transfer broken midway is
        started again when ``out`` is seekable, else raises :class:`RemoteError`."""
        with self._deadline():
            return self._graph_get(out, graph)

    def _graph_get(self, out: BinaryIO, graph: str | None) -> int:
        url = self.endpoint.graph_store
        attempt = 0
        start = out.tell() if out.seekable() else None
        while True:
            attempt += 1
            response = self._send("GET", self._graph_url(graph), idempotent=True, stream=True,
                                  headers={"Accept": f"{NTRIPLES}, text/plain;q=0.9, */*;q=0.1"},
                                  display=url)
            try:
                with response:
                    written = self._receive(response, out, url)
                self._check(url)  # a stalled answer cut short at the deadline
                return written
            except requests.RequestException as exc:
                self._check(url)
                if start is None or attempt > self.retries \
                        or not self._wait(self._delay(attempt, None)):
                    raise RemoteError(f"cannot read from {url}: {_reason(exc, self.timeout)} "
                                      f"({_attempts(attempt)})", url=url) from None
                out.seek(start)
                out.truncate()

    def graph_put(self, data: bytes | Iterable[bytes], *, graph: str | None = None) -> None:
        """Replace the default graph (or the named graph ``graph``) by the N-Triples
        ``data``."""
        self._upload("PUT", data, graph, idempotent=True)

    def graph_post(self, data: bytes | Iterable[bytes], *, graph: str | None = None) -> None:
        """Add the N-Triples ``data`` to the default graph (or the named graph ``graph``).
        Not retried once the request may have reached the server."""
        self._upload("POST", data, graph, idempotent=False)

    def _graph_url(self, graph: str | None) -> str:
        base = self.endpoint.graph_store
        sep = "&" if "?" in base else "?"
        if graph is None:
            return f"{base}{sep}default"
        return f"{base}{sep}graph={quote(graph, safe='')}"

    def _upload(self, method: str, data: bytes | Iterable[bytes], graph: str | None, *,
                idempotent: bool) -> None:
        headers = {"Content-Type": NTRIPLES}
        url = self._graph_url(graph)
        if isinstance(data, (bytes, bytearray, memoryview)):
            with self._deadline():
                self._send(method, url, idempotent=idempotent, headers=headers,
                           body=bytes(data), display=self.endpoint.graph_store).close()
            return
        with tempfile.TemporaryFile() as spool:  # replayable, for retries and digest auth
            for chunk in data:
                spool.write(chunk)
            spool.flush()
            with self._deadline():
                self._send(method, url, idempotent=idempotent, headers=headers, body=spool,
                           display=self.endpoint.graph_store).close()

    def _receive(self, response: requests.Response, out: BinaryIO, url: str) -> int:
        """Copy an answer into ``out`` as N-Triples (converting other RDF formats)."""
        media = _media_type(response)
        if media in ("", NTRIPLES, "text/plain"):
            written = 0
            for chunk in response.iter_content(CHUNK):
                out.write(chunk)
                written += len(chunk)
            return written
        triples = self._parse_rdf(response, url)
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        out.write(data)
        return len(data)

    def _parse_rdf(self, response: requests.Response, url: str) -> list[ox.Quad]:
        media = _media_type(response)
        fmt = (ox.RdfFormat.from_media_type(media) if media else None) or ox.RdfFormat.N_TRIPLES
        try:
            return list(ox.parse(response.content, fmt, without_named_graphs=True))
        except (SyntaxError, ValueError) as exc:
            raise self.invalid(url, fmt.name, exc) from None

    @staticmethod
    def invalid(url: str, what: str, exc: Exception) -> RemoteError:
        """The error of ``url`` sending ``what`` (a format) that does not parse."""
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        return RemoteError(f"{url} sent invalid {what}: {detail[:200]}", url=url)

    # ------------------------------------------------------------------ HTTP

    def _auth(self, url: str) -> AuthBase | None:
        """The authentication for ``url``'s host (one object per host: digest keeps
        its nonce)."""
        host = urlsplit(url).netloc
        if host not in self._auths:
            credentials = _credentials(url)
            if credentials is None:
                self._auths[host] = None
            elif self._kind == "digest":
                self._auths[host] = HTTPDigestAuth(*credentials)
            else:
                self._auths[host] = HTTPBasicAuth(*credentials)
        return self._auths[host]

    def _delay(self, attempt: int, asked: float | None) -> float:
        """How long to wait after failed attempt number ``attempt`` (1, 2 ...)."""
        delay = asked if asked is not None else self.backoff * 2 ** (attempt - 1)
        return min(max(0.0, delay), MAX_DELAY)

    def _send(self, method: str, url: str, *, idempotent: bool, headers: dict[str, str],
              params: dict[str, str] | None = None, body: bytes | IO[bytes] | None = None, stream: bool = False,
              display: str | None = None) -> requests.Response:
        """One request, tried again as the retry policy allows; a 2xx answer or
        :class:`RemoteError` naming ``display`` (default: ``url``)."""
        shown = display or url
        auth = self._auth(url)
        attempt = 0
        while True:
            attempt += 1
            self._check(shown)
            if body is not None and not isinstance(body, bytes):
                body.seek(0)
            left = self._remaining()
            try:
                response = self._session.request(
                    method, url, params=params, data=body, headers=headers, auth=auth,
                    verify=self._verify, timeout=max(left, 0.001) if left is not None else None,
                    stream=stream)
            except requests.exceptions.SSLError as exc:
                self._check(shown)
                raise RemoteError(
                    f"cannot reach {shown}: TLS failed: {_reason(exc, self.timeout)}", url=shown,
                    hint="for a private certificate authority, set KGRAPH_CA_BUNDLE to its CA file",
                ) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                self._check(shown)
                may_retry = idempotent or _not_sent(exc)
                if not may_retry or attempt > self.retries \
                        or not self._wait(self._delay(attempt, None)):
                    raise self._unreachable(shown + _redirected(url, exc), exc, attempt,
                                            may_retry) from None
                continue
            except requests.RequestException as exc:
                self._check(shown)
                raise RemoteError(f"cannot send to {shown}: {_reason(exc, self.timeout)}",
                                  url=shown) from None
            if not stream:
                self._check(shown)  # an answer cut short at the deadline
            if response.ok:
                return response
            if idempotent and response.status_code in RETRY_STATUSES \
                    and attempt <= self.retries:
                delay = self._delay(attempt, _retry_after(response))
                response.close()
                if self._wait(delay):
                    continue
            error = _http_error(shown, response)
            response.close()
            raise error

    def _unreachable(self, url: str, exc: BaseException, attempt: int,
                     retried: bool) -> RemoteError:
        reason = _reason(exc, self.timeout)
        if retried:
            return RemoteError(f"cannot reach {url}: {reason} ({_attempts(attempt)})", url=url)
        return RemoteError(
            f"cannot reach {url}: {reason}; the request may or may not have been applied",
            url=url, hint="not retried automatically: it is not idempotent",
        )
