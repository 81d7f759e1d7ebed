"""The URLs of a SPARQL 1.1 server used as kgraph's store, and the error of any call to it.

An :class:`Endpoint` is what ``--store URL`` (with ``--query-endpoint`` ...) names: the
query, update and Graph Store endpoints, and the deadline of each call. Defining it loads
no HTTP library: the client (:mod:`kgraph.store.remote.client`) does.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from ...errors import StoreError
from ...read.httputil import redacted as _redacted

#: Environment variables that override the endpoints' default paths.
QUERY_ENV = "KGRAPH_QUERY_ENDPOINT"
UPDATE_ENV = "KGRAPH_UPDATE_ENDPOINT"
GRAPH_STORE_ENV = "KGRAPH_GRAPH_STORE_ENDPOINT"
#: The deadline of one call to a server (seconds), retries included: ``--timeout``.
DEFAULT_TIMEOUT = 60.0


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
