"""Copy the Turtle store to a SPARQL server's default graph (push), and back (pull).

``push`` uploads the store in batches (Graph Store Protocol POST) into a staging named
graph, ``urn:kgraph:push:<hash>``, then switches it in with one SPARQL Update
``MOVE <staging> TO DEFAULT``: readers of the server never see a half-pushed graph, and
the default graph ends up exactly the store. The batches acknowledged so far are
recorded in the store's index folder, so a push that failed midway continues where it
stopped when run again, as long as the Turtle file did not change.

``pull`` downloads the server's default graph (Graph Store Protocol GET) and writes it as
the store, in kgraph's sorted Turtle, atomically and under the store's lock: a failed pull
leaves the old store as it was. A pull that fails midway starts over when run again.
"""
from __future__ import annotations

import filecmp
import hashlib
import io
import json
import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

import pyoxigraph as ox

from ...errors import StoreError
from ..files import FileState
from ..index import Index, count_triples
from .client import Client
from .endpoint import RemoteError
from .lock import ServerLock
from ..files import atomic_write
from ..graph import locked, open_graph, recovering, require_folder, store_file
from ..turtle_store import remove_leftovers, sorted_nt_lines, writer

DEFAULT_BATCH_SIZE = 50_000
STAGING_PREFIX = "urn:kgraph:push:"
STATE_VERSION = 1
_DG = ox.DefaultGraph()
#: An N-Triples line whose subject or object is a blank node.
_BLANK = re.compile(r'^_:|\s_:\S+\s*\.\s*$')

#: ``on_progress(done, total)``: triples sent or received so far, out of ``total``.
Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class PushReport:
    """What a push did: ``sent`` of the ``batches`` were uploaded by this run (the
    others by an earlier run that failed)."""

    url: str
    triples: int
    batches: int
    sent: int
    moved_before: bool = False
    """The run that failed had already made the staging graph the default graph."""

    def summary(self) -> str:
        if self.moved_before:
            return (f"pushed {self.triples} triples to {self.url} (default graph replaced "
                    "by the interrupted push, which could not record it)")
        note = ""
        if self.sent < self.batches:
            note = f"; resumed: {self.sent} of {self.batches} batches sent by this run"
        return f"pushed {self.triples} triples to {self.url} (default graph replaced{note})"


@dataclass(frozen=True)
class PullReport:
    """What a pull did: the store now holds the server's ``triples``; ``changed`` says
    whether its file was rewritten."""

    url: str
    store: str
    triples: int
    changed: bool

    def summary(self) -> str:
        note = "" if self.changed else " (unchanged)"
        return f"pulled {self.triples} triples from {self.url} → {self.store}{note}"


# ---------------------------------------------------------------------- push


def push(store: str | os.PathLike[str], client: Client, *,
         batch_size: int = DEFAULT_BATCH_SIZE, on_progress: Progress | None = None) -> PushReport:
    """Make the default graph of ``client``'s server exactly the Turtle store ``store``.

    Raises :class:`StoreError` when the store is missing, invalid or changes while it is
    read, and :class:`RemoteError` when the server fails; running push again then
    continues from the first batch the server did not acknowledge.
    """
    if batch_size < 1:
        raise ValueError("batch_size must be at least 1")
    path = store_file(store)
    before = FileState.of(path)
    graph, total = recovering(path, lambda: _opened(path))  # a damaged index is rebuilt
    if before is None or FileState.of(path) != before:
        raise StoreError("the store changed while it was read; run push again", file=str(path))
    index = Index(path)
    try:
        index.ensure_folder()
    except OSError as exc:
        raise StoreError(f"cannot write the push state: {exc.strerror or exc}",
                         file=str(index.folder)) from None
    job = _PushJob(client, index, before, total, batch_size)
    with locked(path, timeout=1, name=job.state_path.stem), ServerLock(client) as lock:
        job.lock = lock
        done = job.start()
        lines = sorted_nt_lines(graph)
        try:
            batches = job.upload(lines, done, on_progress or _ignore)
        finally:
            lines.close()  # removes the sorted dump's temporary files
        moved_before = job.switch(batches)
    return PushReport(client.endpoint.url, total, batches, batches - done, moved_before)


def _opened(path: Path) -> tuple[ox.Store, int]:
    graph = open_graph(path)
    return graph, count_triples(graph)


def _ignore(_done: int, _total: int) -> None:
    pass


class _PushJob:
    """One push of one version of the store to one server, and its saved progress."""

    def __init__(self, client: Client, index: Index, state: FileState, total: int,
                 batch_size: int) -> None:
        self.client = client
        self.total = total
        self.batch_size = batch_size
        endpoint = client.endpoint.urls()  # not the deadline: a push resumes with another
        server = hashlib.sha256(json.dumps(endpoint, sort_keys=True).encode()).hexdigest()[:16]
        self.state_path = index.folder / f"push-{server}.json"
        self.key = {"version": STATE_VERSION, "endpoint": endpoint, "turtle": state.__dict__,
                    "triples": total, "batch_size": batch_size}
        digest = hashlib.sha256(json.dumps(self.key, sort_keys=True).encode()).hexdigest()
        self.staging = STAGING_PREFIX + digest[:32]
        #: The server's writer lock, renewed after each batch.
        self.lock: ServerLock | None = None

    def start(self) -> int:
        """How many batches an earlier run already uploaded (0 for a fresh start, after
        dropping the staging graph a run for another version of the store left)."""
        saved = self._read()
        if saved.get("key") == self.key and isinstance(saved.get("batches_done"), int):
            return saved["batches_done"]
        old = saved.get("staging")
        if isinstance(old, str) and old.startswith(STAGING_PREFIX) and old != self.staging:
            self._drop(old)
        self._drop(self.staging)
        self._save(0)
        return 0

    def upload(self, lines: Iterable[str], done: int, on_progress: Progress) -> int:
        """Send the batches after the first ``done``; returns how many batches there are."""
        sent = 0
        count = 0
        for count, batch in enumerate(_batches(lines, self.batch_size), start=1):
            if count > done:
                self.client.graph_post("".join(batch).encode("utf-8"), graph=self.staging)
                self._save(count)
                if self.lock is not None:
                    self.lock.renew()
            sent += len(batch)
            on_progress(sent, self.total)
        return count

    def switch(self, batches: int) -> bool:
        """Check the staging graph, then make it the default graph in one update. Returns
        whether an earlier run had done so already (it stopped, or lost the server's
        answer, after its MOVE and before it could forget its progress)."""
        if self.total == 0:
            self.client.update("CLEAR DEFAULT")
            self._forget()
            return False
        found = self.client.count(f"GRAPH <{self.staging}> {{ ?s ?p ?o }}")
        if found != self.total:
            if found == 0 and self._moved():
                self._forget()
                return True
            self._drop(self.staging)
            self._forget()
            raise RemoteError(
                f"{self.client.endpoint.graph_store} holds {found} of the {self.total} triples "
                "pushed; the upload was discarded, run push again",
                url=self.client.endpoint.graph_store)
        self._save(batches, moving=True)
        # Not retried by the client: applied twice, the second MOVE would find no source.
        self.client.update(f"MOVE <{self.staging}> TO DEFAULT", idempotent=False)
        self._forget()
        return False

    def _moved(self) -> bool:
        """Whether this push's MOVE was sent before (by a run that stopped) and the
        default graph now holds what it moved."""
        saved = self._read()
        return saved.get("key") == self.key and saved.get("moving") is True \
            and self.client.count("?s ?p ?o") == self.total

    def _drop(self, graph: str) -> None:
        self.client.update(f"DROP SILENT GRAPH <{graph}>")

    def _read(self) -> dict:
        try:
            saved = json.loads(self.state_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return saved if isinstance(saved, dict) else {}

    def _save(self, batches_done: int, *, moving: bool = False) -> None:
        state = {"key": self.key, "staging": self.staging, "batches_done": batches_done,
                 "moving": moving}
        atomic_write(self.state_path, json.dumps(state, sort_keys=True).encode("utf-8"))

    def _forget(self) -> None:
        try:
            self.state_path.unlink()
        except FileNotFoundError:
            pass


def _batches(lines: Iterable[str], size: int) -> Iterator[list[str]]:
    """Lines in batches of ``size``, in order; the triples with blank nodes all in one
    last batch, since a blank node label means one node only within one upload."""
    batch: list[str] = []
    blank: list[str] = []
    for line in lines:
        if _BLANK.search(line):
            blank.append(line)
            continue
        batch.append(line)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
    if blank:
        yield blank


# ---------------------------------------------------------------------- pull


def pull(store: str | os.PathLike[str], client: Client, *, force: bool = False,
         on_progress: Progress | None = None) -> PullReport:
    """Replace the Turtle store ``store`` by the default graph of ``client``'s server,
    written in kgraph's sorted Turtle. An existing store that differs is replaced only
    with ``force``.

    Raises :class:`StoreError` when the store is locked, differs (without ``force``) or
    cannot be written, and :class:`RemoteError` when the server fails or sends invalid
    N-Triples; the store is then untouched.
    """
    path = store_file(store)
    require_folder(path)
    shown = os.fspath(store)
    expected = client.count("?s ?p ?o")  # for the progress bar only
    index = Index(path, display=shown)
    with locked(path):
        try:
            remove_leftovers(index)  # the temporary folders of killed pulls
            with tempfile.TemporaryDirectory(dir=index.folder) as name:
                return _pull_into(path, shown, client, Path(name), force,
                                  lambda n: (on_progress or _ignore)(n, expected))
        except OSError as exc:
            raise StoreError(f"cannot write the store: {exc.strerror or exc}; "
                             "the old store is intact", file=shown) from None


def _pull_into(path: Path, shown: str, client: Client, tmp: Path, force: bool,
               on_lines: Callable[[int], None]) -> PullReport:
    """Download into ``tmp``, write the canonical Turtle there, then replace the store."""
    download = tmp / "pulled.nt"
    with open(download, "wb") as handle:
        client.graph_get(_LineCounter(handle, on_lines))
    turtle = tmp / "pulled.ttl"
    triples = _canonical_turtle(download, turtle, tmp, client.endpoint.graph_store)
    url = client.endpoint.url
    if path.exists() and filecmp.cmp(turtle, path, shallow=False):
        return PullReport(url, shown, triples, changed=False)
    if path.exists() and not force:
        raise StoreError(
            f"differs from the default graph of {url}; not replaced", file=shown,
            hint="use --force to replace it, or pull into another --store",
        )
    atomic_write(path, _read_chunks(turtle))
    return PullReport(url, shown, triples, changed=True)


def _canonical_turtle(source: Path, target: Path, tmp: Path, url: str) -> int:
    """Write the N-Triples file ``source`` as kgraph's sorted Turtle into ``target``;
    returns the number of triples."""
    graph = ox.Store(str(tmp / "db"))
    try:
        graph.bulk_load(path=str(source), format=ox.RdfFormat.N_TRIPLES, to_graph=_DG)
    except SyntaxError as exc:
        detail = str(exc).splitlines()[0] if str(exc) else "syntax error"
        raise RemoteError(f"{url} sent invalid N-Triples: {detail[:200]}", url=url) from None
    triples = count_triples(graph)
    with open(target, "wb") as out:
        for chunk in writer().serialize_nt_lines(sorted_nt_lines(graph, tmp_dir=tmp)):
            out.write(chunk.encode("utf-8"))
    return triples


def _read_chunks(path: Path, size: int = 1 << 20) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        while chunk := handle.read(size):
            yield chunk


class _LineCounter:
    """A file being downloaded into that reports how many lines (triples) it holds.

    It can be rewound to its start only (what a restarted download does)."""

    def __init__(self, handle: BinaryIO, on_lines: Callable[[int], None]) -> None:
        self._handle = handle
        self._on_lines = on_lines
        self.lines = 0

    def write(self, data: bytes) -> int:
        written = self._handle.write(data)
        self.lines += data.count(b"\n")
        self._on_lines(self.lines)
        return written

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._handle.tell()

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if (offset, whence) != (0, io.SEEK_SET):
            raise io.UnsupportedOperation("a download can only be rewound to its start")
        self.lines = 0
        self._on_lines(0)
        return self._handle.seek(0)

    def truncate(self) -> int:
        return self._handle.truncate()
