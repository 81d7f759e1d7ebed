"""Small HTTP helpers shared by the SPARQL client and the web fetcher: why a request
failed in a few words, the wait a server asks for, the media type of an answer."""
from __future__ import annotations

import email.utils
import errno
import http
import http.client
import os
import re
import socket
import time
from typing import Iterator

import requests


def redacted(url: str) -> str:
    """``url`` without the user and password it may carry, for messages."""
    return re.sub(r"(?<=://)[^/@]*@", "", url)


def chain(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, its causes and contexts, and the reasons urllib3 wraps in its errors."""
    seen: set[int] = set()
    work: list[BaseException] = [exc]
    while work:
        item = work.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        yield item
        for inner in (item.__cause__, item.__context__, getattr(item, "reason", None),
                      *(a for a in item.args if isinstance(a, BaseException))):
            if isinstance(inner, BaseException):
                work.append(inner)


def failure_reason(exc: BaseException, timeout: float | None) -> str:
    """A few words on why a request failed, without urllib3's internals."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return f"no connection within {timeout or 0:g} s"
    if isinstance(exc, requests.exceptions.Timeout):
        return f"no answer within {timeout or 0:g} s"
    for e in chain(exc):
        if isinstance(e, socket.gaierror):
            return "host not found"
        if isinstance(e, OSError) and e.errno in (errno.ECONNREFUSED, errno.ECONNRESET,
                                                  errno.EHOSTUNREACH, errno.ENETUNREACH):
            return os.strerror(e.errno).lower()
        if isinstance(e, http.client.RemoteDisconnected):
            return "the server closed the connection"
    if isinstance(exc, requests.exceptions.ChunkedEncodingError):
        return "the connection broke while receiving the answer"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return redacted(text)[:200]


def status_text(status: int, reason: str | None = None) -> str:
    """``HTTP 404 Not Found``."""
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = reason or ""
    return f"HTTP {status} {phrase}".rstrip()


def retry_after(response: requests.Response) -> float | None:
    """The wait the server asked for in ``Retry-After`` (seconds), if any."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def media_type(response: requests.Response) -> str:
    """The media type of an answer, lower case, without its parameters."""
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()
