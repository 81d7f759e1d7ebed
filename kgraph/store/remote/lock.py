"""kgraph's writer lock on a SPARQL server, so that two writers (ingests, pushes) to one
server never interleave: each computes its change from what it read, and a change made
meanwhile by another would be lost or doubled.

The lock is a *lease*: a node in the named graph ``<urn:kgraph:lock>`` (never kgraph's
default graph) naming its holder and when it expires. A writer takes it with one SPARQL
Update that removes expired leases and adds its own only if no other is left, then reads
the leases back: it holds the lock when its own is the only one (two writers that both
added theirs see each other, and both let go). The holder renews the lease with each
commit; a writer that crashed holds it until it expires (:data:`LEASE`), and one that
waits does so for longer (:data:`LOCK_WAIT`). A lease left by an earlier edit of the same
thread (which could not release it: the server was down) is taken over at once. Only
standard SPARQL 1.1 is used; times are the writers' clocks, in UTC.
"""
from __future__ import annotations

import datetime as dt
import os
import random
import socket
import threading
import time
import uuid
from typing import Callable

from .client import Client
from .endpoint import RemoteError

LOCK_GRAPH = "urn:kgraph:lock"
_HOLDER = "urn:kgraph:lock#holder"
_OWNER = "urn:kgraph:lock#owner"
_EXPIRES = "urn:kgraph:lock#expires"
_XSD_DATETIME = "http://www.w3.org/2001/XMLSchema#dateTime"
#: How long a lease lasts without renewal (seconds): a writer renews it with each commit.
LEASE = 120.0
#: How long a writer waits for another to finish before giving up (seconds): longer than
#: a lease, so that the lease of a writer that died ends first.
LOCK_WAIT = 150.0


def _time(seconds_from_now: float = 0.0) -> str:
    moment = dt.datetime.now(dt.timezone.utc) + dt.timedelta(seconds=seconds_from_now)
    return f'"{moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")}"^^<{_XSD_DATETIME}>'


def _literal(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ServerLock:
    """The writer lock of ``client``'s server: ``with ServerLock(client): ...``.

    :meth:`acquire` waits up to ``wait`` seconds for another writer's lease to end, then
    raises :class:`~kgraph.store.remote.endpoint.RemoteError` naming the holder; :meth:`renew` extends
    the lease, and raises when it was lost (held past its expiry and taken over).
    """

    def __init__(self, client: Client, *, lease: float | None = None,
                 wait: float | None = None) -> None:
        self.client = client
        self.lease = LEASE if lease is None else lease
        self.wait = LOCK_WAIT if wait is None else wait
        self.node = f"urn:kgraph:lock:{uuid.uuid4()}"
        self.holder = f"kgraph on {socket.gethostname()}, process {os.getpid()}"
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
        self._sleep: Callable[[float], None] = time.sleep
        self._since = 0.0  # when the lease was last dated (monotonic)

    def __enter__(self) -> "ServerLock":
        self.acquire()
        return self

    def __exit__(self, exc_type: object, *exc: object) -> None:
        try:
            self.release()
        except RemoteError:
            if exc_type is None:
                raise  # else the server's failure is already being reported

    @property
    def _url(self) -> str:
        return self.client.endpoint.update

    def acquire(self) -> None:
        end = time.monotonic() + self.wait
        delay = 0.1
        while True:
            self._since = time.monotonic()  # before the lease is dated: never later than it
            others = self._try()
            if not others:
                return
            if time.monotonic() + delay > end:
                holder, expires = others[0]
                raise RemoteError(
                    f"cannot write to {self._url}: another writer holds the server's kgraph "
                    f"lock ({holder}, until {expires} UTC; waited {self.wait:g} s)",
                    url=self._url,
                    hint="run one ingest or push at a time; a lock whose writer died ends "
                         "by itself when its lease expires")
            self._sleep(delay * random.uniform(0.5, 1.5))
            delay = min(delay * 2, 5.0)

    def _try(self) -> list[tuple[str, str]]:
        """Add this writer's lease unless another is live; the other leases left (empty
        when this writer holds the lock)."""
        g, me = LOCK_GRAPH, f"<{self.node}>"
        self.client.update(
            f"DELETE {{ GRAPH <{g}> {{ ?l ?p ?o }} }} WHERE {{ GRAPH <{g}> {{ "
            f"?l <{_EXPIRES}> ?e ; ?p ?o OPTIONAL {{ ?l <{_OWNER}> ?w }} "
            f"FILTER(?e < {_time()} || ?w = {_literal(self.owner)}) }} }} ;\n"
            f"INSERT {{ GRAPH <{g}> {{ {me} <{_HOLDER}> {_literal(self.holder)} ; "
            f"<{_OWNER}> {_literal(self.owner)} ; <{_EXPIRES}> {_time(self.lease)} }} }} "
            f"WHERE {{ FILTER NOT EXISTS {{ GRAPH <{g}> {{ ?l <{_EXPIRES}> ?e }} }} }}",
            idempotent=True)  # applied twice, the second puts the same lease back
        rows = self.client.select(
            f"SELECT ?l ?h ?e WHERE {{ GRAPH <{g}> {{ ?l <{_EXPIRES}> ?e "
            f"OPTIONAL {{ ?l <{_HOLDER}> ?h }} }} }}")
        try:
            leases = [(row["l"].value, row["h"].value if row["h"] is not None  # type: ignore[index]
                       else "an unknown writer", row["e"].value) for row in rows]  # type: ignore[union-attr]
        except (KeyError, TypeError, AttributeError):
            leases = None
        del rows  # pyoxigraph's results may be freed by this thread only
        if leases is None:
            url = self.client.endpoint.query
            raise RemoteError(f"{url} sent an answer that is not the list of kgraph's leases",
                              url=url)
        mine = any(node == self.node for node, _holder, _expires in leases)
        others = [(holder, expires) for node, holder, expires in leases if node != self.node]
        if mine and others:  # added at the same moment as another: both let go
            self.release()
        return others

    def renew(self) -> None:
        """Extend the lease once half of it has passed; :class:`~kgraph.store.remote.endpoint.RemoteError`
        when it was lost."""
        if time.monotonic() - self._since < self.lease / 2:
            return  # still well within the lease: spare the server two requests
        g, me = LOCK_GRAPH, f"<{self.node}>"
        self._since = time.monotonic()
        self.client.update(
            f"DELETE {{ GRAPH <{g}> {{ {me} <{_EXPIRES}> ?e }} }} "
            f"INSERT {{ GRAPH <{g}> {{ {me} <{_EXPIRES}> {_time(self.lease)} }} }} "
            f"WHERE {{ GRAPH <{g}> {{ {me} <{_EXPIRES}> ?e }} }}", idempotent=True)
        if not bool(self.client.select(f"ASK {{ GRAPH <{g}> {{ {me} <{_EXPIRES}> ?e }} }}")):
            raise RemoteError(
                f"cannot write to {self._url}: this writer's lock on the server expired and "
                "was taken by another; the batches sent so far are whole, run it again",
                url=self._url)

    def release(self) -> None:
        self.client.update(f"DELETE WHERE {{ GRAPH <{LOCK_GRAPH}> {{ <{self.node}> ?p ?o }} }}",
                           idempotent=True)
