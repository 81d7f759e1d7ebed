"""The HTTP side of the SPARQL client: credentials and TLS from the environment, failures
in one line, and connections that a call's deadline can shut."""
from __future__ import annotations

import os
import re
import socket
import weakref
from urllib.parse import urlsplit

import pyoxigraph as ox
import requests
from requests.adapters import HTTPAdapter

from ...read.httputil import chain as _chain
from ...read.httputil import redacted as _redacted
from ...read.httputil import status_text
from .endpoint import RemoteError

AUTH_HINT = "check KGRAPH_USER and KGRAPH_PASSWORD, or the host's entry in ~/.netrc"


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
