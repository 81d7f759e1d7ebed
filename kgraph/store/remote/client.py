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

import os
import re
import socket
import tempfile
import threading
import time
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, BinaryIO, Callable, Iterable, Iterator
from urllib.parse import quote, urlencode, urlsplit

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from ...errors import StoreError
from ...read.httputil import chain as _chain
from ...read.httputil import failure_reason as _reason
from ...read.httputil import media_type as _media_type
from ...read.httputil import redacted as _redacted
from ...read.httputil import retry_after as _retry_after
from ...read.httputil import status_text
from ..turtle_store import is_endpoint  # noqa: F401 - defined where no HTTP library is loaded

#: Environment variables that override the endpoints' default paths.
QUERY_ENV = "KGRAPH_QUERY_ENDPOINT"
UPDATE_ENV = "KGRAPH_UPDATE_ENDPOINT"
GRAPH_STORE_ENV = "KGRAPH_GRAPH_STORE_ENDPOINT"
#: HTTP statuses after which an idempotent request is tried again.
RETRY_STATUSES = frozenset({408, 429, 502, 503, 504})
#: No wait between two attempts is longer than this (seconds), whatever Retry-After says.
MAX_DELAY = 60.0
#: The deadline of one call to a server (seconds), retries included: ``--timeout``.
DEFAULT_TIMEOUT = 60.0
#: Queries whose URL-encoded text is longer are POSTed (a form) instead of sent by GET.
MAX_GET_QUERY = 2000
CHUNK = 1 << 16
NTRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"
AUTH_HINT = "check KGRAPH_USER and KGRAPH_PASSWORD, or the host's entry in ~/.netrc"


class RemoteError(StoreError):
    """A SPARQL server cannot be reached, refused a request or sent invalid data.

    ``url`` is the endpoint concerned (never with credentials) and ``status`` the HTTP
    status, when there is one; the message names both.
    """

    def __init__(self, message: str, *, url: str | None = None, status: int | None = None,
                 hint: str | None = None, file: str | None = None,
                 field: str | None = None) -> None:
        super().__init__(message, hint=hint, file=file, field=field)
        self.url = url
        self.status = status


def _check_url(url: str, what: str) -> str:
    """``url`` when it is a usable http(s) URL without credentials; else RemoteError."""
    shown = _redacted(url)
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError as exc:
        raise RemoteError(f"{shown}: not a valid {what} URL: {exc}", url=shown) from None
    if parts.scheme.lower() not in ("http", "https"):
        raise RemoteError(f"{shown}: not a valid {what} URL: the scheme must be http or https",
                          url=shown)
    if parts.username is not None or parts.password is not None:
        raise RemoteError(
            f"{shown}: credentials in the {what} URL are refused: a command line shows in `ps`",
            url=shown, hint="set KGRAPH_USER and KGRAPH_PASSWORD, or use ~/.netrc",
        )
    if not parts.hostname:
        raise RemoteError(f"{shown}: not a valid {what} URL: no host", url=shown)
    return url


def _join(base: str, override: str) -> str:
    """``override`` when it is an absolute URL, else a path appended to ``base``."""
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*://", override):
        return override
    return base.rstrip("/") + "/" + override.lstrip("/")


@dataclass(frozen=True)
class Endpoint:
    """The URLs of one SPARQL server, and the deadline of each call to it (seconds; 0 or
    ``None``: none)."""

    url: str
    query: str
    update: str
    graph_store: str
    timeout: float | None = field(default=DEFAULT_TIMEOUT, compare=False)

    def __str__(self) -> str:
        return self.url

    def urls(self) -> dict[str, str]:
        """The endpoint's URLs by name (what identifies the server)."""
        return {"url": self.url, "query": self.query, "update": self.update,
                "graph_store": self.graph_store}

    @classmethod
    def resolve(cls, url: str, *, query: str | None = None, update: str | None = None,
                graph_store: str | None = None,
                timeout: float | None = DEFAULT_TIMEOUT) -> "Endpoint":
        """The endpoints of the server at ``url``.

        Each override is an absolute URL or a path relative to ``url`` (``/sparql``);
        when it is ``None``, ``KGRAPH_QUERY_ENDPOINT``, ``KGRAPH_UPDATE_ENDPOINT`` or
        ``KGRAPH_GRAPH_STORE_ENDPOINT`` is used, else Oxigraph's layout (``/query``,
        ``/update``, ``/store``). ``timeout`` is the deadline of each call (0: none).
        Raises :class:`RemoteError` for a URL that is not http(s), has no host, or
        carries credentials.
        """
        _check_url(url, "server")
        chosen = {
            "query": query or os.environ.get(QUERY_ENV) or "query",
            "update": update or os.environ.get(UPDATE_ENV) or "update",
            "graph store": graph_store or os.environ.get(GRAPH_STORE_ENV) or "store",
        }
        full = {what: _check_url(_join(url, value), f"{what} endpoint")
                for what, value in chosen.items()}
        return cls(url, full["query"], full["update"], full["graph store"], timeout)


# ---------------------------------------------------------------------- environment


def _auth_kind() -> str:
    kind = os.environ.get("KGRAPH_AUTH", "basic").strip().lower() or "basic"
    if kind not in ("basic", "digest"):
        raise RemoteError(f"KGRAPH_AUTH={kind!r}: expected basic or digest")
    return kind


def _credentials(url: str) -> tuple[str, str] | None:
    """The user and password for ``url``: from KGRAPH_USER/KGRAPH_PASSWORD, else netrc."""
    user = os.environ.get("KGRAPH_USER")
    password = os.environ.get("KGRAPH_PASSWORD")
    if user or password:
        if not (user and password is not None):
            missing = "KGRAPH_PASSWORD" if user else "KGRAPH_USER"
            raise RemoteError(f"{missing} is not set (KGRAPH_USER and KGRAPH_PASSWORD go together)")
        return user, password
    try:
        return requests.utils.get_netrc_auth(url, raise_errors=True)
    except Exception as exc:  # netrc.NetrcParseError, OSError
        raise RemoteError(f"cannot read the netrc file: {exc}") from None


def _verify() -> bool | str:
    """What requests verifies TLS certificates against."""
    bundle = os.environ.get("KGRAPH_CA_BUNDLE") or os.environ.get("REQUESTS_CA_BUNDLE")
    if not bundle:
        return True
    if not os.path.isfile(bundle):
        raise RemoteError(f"the CA bundle {bundle} does not exist",
                          hint="fix KGRAPH_CA_BUNDLE or REQUESTS_CA_BUNDLE")
    return bundle


# ---------------------------------------------------------------------- failures


def _attempts(n: int) -> str:
    return f"{n} attempt" if n == 1 else f"{n} attempts"


def _not_sent(exc: BaseException) -> bool:
    """Whether the request surely never reached the server (no connection was made)."""
    from urllib3.exceptions import NewConnectionError

    return isinstance(exc, requests.exceptions.ConnectTimeout) or any(
        isinstance(e, NewConnectionError) for e in _chain(exc))


def _redirected(url: str, exc: BaseException) -> str:
    """`` (redirected to URL)`` when the request that failed was a redirect's, not ``url``."""
    request = getattr(exc, "request", None)
    failed = getattr(request, "url", None)
    if not failed or urlsplit(failed)[:3] == urlsplit(url)[:3]:
        return ""
    return f" (redirected to {_redacted(urlsplit(failed)._replace(query='').geturl())})"


def _body_line(response: requests.Response) -> str:
    """The first meaningful line of an error answer, shortened."""
    try:
        text = response.content[:4000].decode("utf-8", "replace")
    except requests.RequestException:
        return ""
    text = re.sub(r"<[^>]*>", " ", text)
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    return line if len(line) <= 200 else line[:199] + "…"


def _http_error(url: str, response: requests.Response) -> RemoteError:
    status = response.status_code
    message = f"{url} answered {status_text(status, response.reason)}"
    detail = _body_line(response)
    if detail:
        message += f": {detail}"
    hint = AUTH_HINT if status in (401, 403) else None
    return RemoteError(message, url=url, status=status, hint=hint)


def count_value(term: object, url: str) -> int:
    """The number a server sent as a count (a literal of digits); a
    :class:`RemoteError` naming ``url`` for anything else."""
    value = getattr(term, "value", None)
    if isinstance(term, ox.Literal) and isinstance(value, str) \
            and re.fullmatch(r"[0-9]{1,18}", value):
        return int(value)
    shown = f": {str(value)[:40]!r}" if value is not None else ""
    raise RemoteError(f"{url} sent a count that is not a number{shown}", url=url)


# ---------------------------------------------------------------------- connections


def _tracking_adapter(live: "weakref.WeakSet") -> HTTPAdapter:
    """A requests adapter whose connections, once connected, are added to ``live``: the
    deadline of a call shuts their sockets down, which ends a read blocked on a server
    that stalls (a socket timeout alone does not, when a byte arrives now and then)."""
    from urllib3.connection import HTTPConnection, HTTPSConnection
    from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

    def tracked(base: type) -> type:
        def connect(self) -> None:  # type: ignore[no-untyped-def]
            base.connect(self)
            live.add(self)
        return type(f"Tracked{base.__name__}", (base,), {"connect": connect})

    pools = {
        "http": type("TrackedPool", (HTTPConnectionPool,),
                     {"ConnectionCls": tracked(HTTPConnection)}),
        "https": type("TrackedTLSPool", (HTTPSConnectionPool,),
                      {"ConnectionCls": tracked(HTTPSConnection)}),
    }

    class Adapter(HTTPAdapter):
        def init_poolmanager(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            super().init_poolmanager(*args, **kwargs)
            self.poolmanager.pool_classes_by_scheme = pools

        def proxy_manager_for(self, proxy, **kwargs):  # type: ignore[no-untyped-def]
            manager = super().proxy_manager_for(proxy, **kwargs)
            manager.pool_classes_by_scheme = pools
            return manager

    return Adapter()


def _shut(connection: object) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


# ---------------------------------------------------------------------- client


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
