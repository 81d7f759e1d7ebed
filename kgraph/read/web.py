"""Polite HTTP for news pages and feeds.

robots.txt is honoured (user agent ``kgraph``; its ``Crawl-delay`` too); requests to one
host are at least ``delay`` seconds apart (one a second by default), while several hosts
are read in parallel by the caller; every request names kgraph and its version in its
User-Agent, has connect and read timeouts, and is tried again with exponential backoff
after HTTP 429 or 5xx or a failed connection, waiting at least what ``Retry-After`` asks.
Only http and https are fetched (a redirect to another scheme is refused), answers are
read up to a size limit, and an answer that is not of an expected type (a PDF, an image)
is skipped, not read.
"""
from __future__ import annotations

import re
import threading
import time
import urllib.robotparser
from dataclasses import dataclass
from typing import Callable
from urllib.parse import urljoin, urlsplit

import requests

from .. import __version__
from .httputil import failure_reason, media_type, retry_after, status_text

USER_AGENT = f"kgraph/{__version__} (news reader for a knowledge graph of regional visits)"
#: The name kgraph answers to in robots.txt.
ROBOTS_AGENT = "kgraph"
#: Default largest page read, in bytes (``--max-size`` changes it).
DEFAULT_MAX_PAGE_BYTES = 10 * 1024 * 1024
#: Answers after which a request is tried again.
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_BYTES = 512 * 1024
_CHUNK = 1 << 16
_CHARSET = re.compile(r";\s*charset\s*=\s*[\"']?([^\"';\s]+)", re.I)


class Skipped(Exception):
    """A page that is not fetched on purpose (robots.txt, not HTML): ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class FetchFailed(Exception):
    """A page that could not be fetched: ``reason`` says why in a few words."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class WebOptions:
    """How politely and patiently pages are fetched."""

    delay: float = 1.0
    """Seconds between two requests to the same host (more if robots.txt asks)."""
    timeout: float = 30.0
    """Seconds to connect (at most 10), and to wait for each part of an answer."""
    retries: int = 3
    """Further attempts after HTTP 429/5xx or a failed connection."""
    max_bytes: int = DEFAULT_MAX_PAGE_BYTES
    max_redirects: int = 10
    max_wait: float = 120.0
    """The longest ``Retry-After`` waited for; a server asking more fails the page."""
    jobs: int = 4
    """Hosts read in parallel."""
    user_agent: str = USER_AGENT


@dataclass(frozen=True)
class Answer:
    """A page as received: its URL after redirects, media type, charset and bytes."""

    url: str
    media_type: str
    charset: str | None
    data: bytes


class WebClient:
    """Fetches pages politely (see the module's docstring); safe to share between threads."""

    def __init__(self, options: WebOptions | None = None) -> None:
        self.options = options or WebOptions()
        self._sleep: Callable[[float], None] = time.sleep
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}
        self._delays: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | FetchFailed | None] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    def close(self) -> None:
        for session in self._sessions:
            session.close()

    def __enter__(self) -> "WebClient":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def _timeouts(self) -> tuple[float, float]:
        return (min(self.options.timeout, 10.0), self.options.timeout)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.headers["User-Agent"] = self.options.user_agent
            with self._lock:
                self._sessions.append(session)
        return session

    # ------------------------------------------------------------------ fetching

    def get(self, url: str, *, types: tuple[str, ...] | None = HTML_TYPES) -> Answer:
        """The answer at ``url``, redirects followed. ``types`` are the media types read
        (``None``: any). Raises :class:`Skipped` or :class:`FetchFailed`."""
        current = url
        for _ in range(self.options.max_redirects + 1):
            parts = urlsplit(current)
            if parts.scheme.lower() not in ("http", "https"):
                how = "redirected to" if current != url else "not"
                raise FetchFailed(f"refused: {how} an http(s) URL ({parts.scheme or 'no'} "
                                  "scheme); only http and https are fetched")
            if not parts.hostname:
                raise FetchFailed("not a valid URL: no host")
            self._check_robots(current)
            response = self._request(current)
            if response.status_code in _REDIRECTS and response.headers.get("Location"):
                response.close()
                current = urljoin(current, response.headers["Location"].strip())
                continue
            try:
                return self._answer(current, response, types)
            finally:
                response.close()
        raise FetchFailed(f"more than {self.options.max_redirects} redirects")

    def _answer(self, url: str, response: requests.Response,
                types: tuple[str, ...] | None) -> Answer:
        if not 200 <= response.status_code < 300:
            raise FetchFailed(status_text(response.status_code, response.reason))
        media = media_type(response)
        if types is not None and media and media not in types:
            raise Skipped(f"not an HTML page ({media})")
        data = self._body(response)
        if types is not None and not media and not re.match(
                rb"\s*(?:<!doctype html|<html)", data[:512], re.I):
            raise Skipped("not an HTML page (no Content-Type)")
        charset = _CHARSET.search(response.headers.get("Content-Type", ""))
        return Answer(url, media, charset.group(1) if charset else None, data)

    def _body(self, response: requests.Response, limit: int | None = None) -> bytes:
        limit = self.options.max_bytes if limit is None else limit
        too_large = f"larger than the limit of {limit} bytes (--max-size)"
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > limit:
            raise FetchFailed(too_large)
        chunks, size = [], 0
        try:
            for chunk in response.iter_content(_CHUNK):
                size += len(chunk)
                if size > limit:
                    raise FetchFailed(too_large)
                chunks.append(chunk)
        except requests.RequestException as exc:
            raise FetchFailed(failure_reason(exc, self.options.timeout)) from None
        return b"".join(chunks)

    def _request(self, url: str) -> requests.Response:
        """One GET (redirects not followed), tried again as the retry policy allows."""
        host = urlsplit(url).netloc.lower()
        attempt = 0
        while True:
            attempt += 1
            self._turn(host)
            try:
                response = self._session().get(url, stream=True, allow_redirects=False,
                                               timeout=self._timeouts)
            except requests.exceptions.ReadTimeout as exc:  # a slow server: not hammered
                raise FetchFailed(failure_reason(exc, self.options.timeout)) from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt > self.options.retries:
                    raise FetchFailed(f"{failure_reason(exc, self.options.timeout)} "
                                      f"({attempt} attempts)") from None
                self._sleep(self._backoff(attempt))
                continue
            except requests.RequestException as exc:
                raise FetchFailed(failure_reason(exc, self.options.timeout)) from None
            finally:
                self._answered(host)
            if response.status_code not in RETRY_STATUSES or attempt > self.options.retries:
                return response
            asked = retry_after(response)
            response.close()
            if asked is not None and asked > self.options.max_wait:
                raise FetchFailed(f"{status_text(response.status_code, response.reason)}: "
                                  f"the server asks to wait {asked:.0f} s")
            self._sleep(max(asked or 0.0, self._backoff(attempt)))

    def _backoff(self, attempt: int) -> float:
        return self.options.delay * 2 ** (attempt - 1)

    def _turn(self, host: str) -> None:
        """Wait until ``host`` may be asked again, and book the next turn."""
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next.get(host, now))
            self._next[host] = start + self._delays.get(host, self.options.delay)
        if start > now:
            self._sleep(start - now)

    def _answered(self, host: str) -> None:
        """The next request to ``host`` waits the delay from this answer on, not from the
        question: a server slow to read a request is never asked twice within the delay."""
        with self._lock:
            later = time.monotonic() + self._delays.get(host, self.options.delay)
            self._next[host] = max(self._next.get(host, later), later)

    # ------------------------------------------------------------------ robots.txt

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            lock = self._robots_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._robots:
                self._robots[origin] = self._read_robots(origin)
        rules = self._robots[origin]
        if isinstance(rules, FetchFailed):
            raise rules
        if rules is not None and not rules.can_fetch(ROBOTS_AGENT, url):
            raise Skipped("disallowed by robots.txt")

    def _read_robots(self, origin: str
                     ) -> urllib.robotparser.RobotFileParser | FetchFailed | None:
        """The rules of ``origin``, ``None`` when it has none (a 4xx answer), or the
        failure that makes the whole host off limits (5xx, no answer: RFC 9309)."""
        host = urlsplit(origin).netloc
        self._turn(host)
        try:
            response = self._session().get(origin + "/robots.txt", stream=True,
                                           timeout=self._timeouts)
        except requests.RequestException as exc:
            return FetchFailed(f"robots.txt could not be read: "
                               f"{failure_reason(exc, self.options.timeout)}")
        with response:
            if 400 <= response.status_code < 500:
                return None
            if response.status_code != 200:
                return FetchFailed("robots.txt could not be read: "
                                   + status_text(response.status_code, response.reason))
            try:
                text = self._body(response, _ROBOTS_MAX_BYTES).decode("utf-8", "replace")
            except FetchFailed as exc:
                return FetchFailed(f"robots.txt could not be read: {exc.reason}")
        rules = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        rules.parse(text.splitlines())
        crawl_delay = rules.crawl_delay(ROBOTS_AGENT)
        if crawl_delay:
            with self._lock:
                self._delays[host] = max(self.options.delay,
                                         min(float(crawl_delay), self.options.max_wait))
        return rules
