"""The Turtle store: load, edit under a lock, save atomically.

Writes go to a temporary file in the store's folder, are fsynced, then renamed over the
store, so a crash leaves either the old or the new file, never a half-written one. A lock
file in the store's index folder (``.<store>.index/writer.lock``, ignored by git like the
rest of the folder) serialises writers. The store is written sorted (:mod:`kgraph.turtle`),
so an ingest that changes nothing leaves the bytes identical. A store path that is a
symbolic link is written through to its target; anything but a regular file is refused.
"""
from __future__ import annotations

import errno
import glob
import os
import re
import shutil
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Generator, Iterable, Iterator, TypeVar

import pyoxigraph as ox
from filelock import FileLock, Timeout

from ..read.files import file_kind
from ..errors import StoreError
from ..map.mapping import ArticleGraph
from ..rdf.namespace import DATA_PREFIXES, KG, KG_NS, PREFIXES, RDF, RDFS
from .index import FileState, Index, count_triples, damaged, lock_exclusive
from ..rdf.turtle import TurtleWriter, subject_key
from .views import VisitTable

if TYPE_CHECKING:
    from .remote.client import Endpoint
    from .remote.graph import RemoteGraph

DEFAULT_STORE = "kgraph.ttl"
LOCK_TIMEOUT = 120.0
#: A temporary file of an atomic write older than this (seconds) and locked by nobody
#: was left by a killed writer, and is removed by the next write of the same file.
STALE_TEMP_AGE = 60.0
_DG = ox.DefaultGraph()
# Nodes that stay even when nothing points to them: articles (an article with
# ``visits: []`` is a fact too) and the classes of the ontology.
_KEPT = (DATA_PREFIXES["article"], KG_NS)

# What a visit carries as the union of its reports.
_VISIT_DERIVED = (
    KG.source, KG.method, KG.confidence, KG.ledBy, KG.receivedBy, KG.topic,
    KG.signedAgreement, KG.place, KG.evidence,
)


def writer() -> TurtleWriter:
    return TurtleWriter({**PREFIXES, **DATA_PREFIXES})


def parse_into(graph: ox.Store, path: Path, *, display: str | None = None) -> FileState:
    """Load the Turtle file at ``path`` into ``graph``; returns the state of the file read
    (so that it is never confused with a file put at ``path`` later). Raises
    :class:`StoreError` naming the file as ``display`` (default: ``path``)."""
    try:
        with open(path, "rb") as handle:
            state = FileState.from_stat(os.fstat(handle.fileno()))
            graph.bulk_load(handle, ox.RdfFormat.TURTLE, to_graph=_DG)
    except SyntaxError as exc:
        raise StoreError(
            f"not valid Turtle: {exc}", file=display or str(path),
            hint="fix the file or restore it from version control",
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror or exc}", file=display or str(path)) from None
    return state


def store_file(path: "str | os.PathLike[str]") -> Path:
    """The Turtle file a store path names: the target of a symbolic link (so that writes
    go through the link rather than replace it), else the path itself. Raises
    :class:`StoreError` when it exists and is not a regular file (a folder, a FIFO, a
    device: reading one could hang, replacing one would destroy it)."""
    given = Path(path)
    target = Path(os.path.realpath(given)) if os.path.islink(given) else given
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return target
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror or exc}", file=str(given)) from None
    kind = file_kind(mode)
    if kind == "a directory":
        raise StoreError("is a directory, not a Turtle file", file=str(given))
    if kind is not None:
        raise StoreError(f"not a regular file ({kind})", file=str(given))
    return target


def _missing(path: Path) -> StoreError:
    return StoreError(f"no store at {path} — run kgraph ingest first")


def require_folder(path: str | os.PathLike[str]) -> None:
    """Refuse a store path whose folder does not exist (a typo must not make a new, empty
    store somewhere else); raises :class:`StoreError`."""
    folder = Path(path).parent
    if not folder.is_dir():
        raise StoreError(f"no folder {folder} to hold the store", file=os.fspath(path),
                         hint="create the folder first, or check the path")


def is_endpoint(store: object) -> bool:
    """Whether ``store`` (a ``--store`` value) names a server rather than a Turtle file."""
    if not isinstance(store, (str, os.PathLike)):
        return False
    text = os.fspath(store)
    return isinstance(text, str) and text[:8].lower().startswith(("http://", "https://"))


def remote_endpoint(store: object) -> "Endpoint | None":
    """The SPARQL server ``store`` names (an :class:`~kgraph.remote.Endpoint`, or an
    ``http(s)://`` URL), or ``None`` when it is a Turtle file."""
    if isinstance(store, (str, os.PathLike)) and not is_endpoint(store):
        return None
    from .remote.client import Endpoint  # imported only for servers: kgraph starts faster

    if isinstance(store, Endpoint):
        return store
    return Endpoint.resolve(os.fspath(store)) if is_endpoint(store) else None


def _remote_graph(endpoint: "Endpoint") -> "RemoteGraph":
    from .remote.client import Client
    from .remote.graph import RemoteGraph

    return RemoteGraph(Client(endpoint))


def load_graph(path: "str | os.PathLike[str] | Endpoint", *,
               missing_ok: bool = False) -> ox.Store:
    """Parse the Turtle store at ``path`` (or download the default graph of a SPARQL
    server) into a new in-memory pyoxigraph store.

    Raises :class:`StoreError` when it is missing (unless ``missing_ok``) or invalid.
    """
    graph = ox.Store()
    endpoint = remote_endpoint(path)
    if endpoint is not None:
        graph.bulk_load(_remote_graph(endpoint).dump(format=ox.RdfFormat.N_TRIPLES),
                        format=ox.RdfFormat.N_TRIPLES)
        return graph
    p = store_file(path)  # type: ignore[arg-type]
    if not p.exists():
        if missing_ok:
            return graph
        raise _missing(Path(path))  # type: ignore[arg-type]
    parse_into(graph, p, display=str(path))
    return graph


def open_graph(path: "str | os.PathLike[str] | Endpoint") -> ox.Store:
    """The store's graph for reading (queries, visualisation, statistics).

    It comes from the store's index when the index matches the Turtle file (opening it
    takes milliseconds whatever the size); a stale or missing index is rebuilt first,
    and where no index can be written the Turtle file is parsed into memory. Callers must
    not modify the result. Raises :class:`StoreError` when the store is missing
    (``no store at kgraph.ttl — run kgraph ingest first``) or invalid.

    For a SPARQL server, the result is a :class:`~kgraph.remote_graph.RemoteGraph`: it
    answers the same calls through the SPARQL 1.1 Protocol.
    """
    endpoint = remote_endpoint(path)
    if endpoint is not None:
        return _remote_graph(endpoint)  # type: ignore[return-value]
    p = store_file(path)  # type: ignore[arg-type]
    if not p.exists():
        raise _missing(Path(path))  # type: ignore[arg-type]
    index = Index(p, display=str(path))
    graph = index.open_snapshot()
    if graph is not None:
        return graph
    try:
        with locked(p, timeout=0.5):
            if index.fresh_snapshot() is None:
                primary = index.open_primary()
                index.publish(primary, canonical=index.canonical(), turtle=index.described)
                del primary
    except StoreError as exc:
        if "not valid Turtle" in exc.message:
            raise
        return load_graph(p)  # locked by a writer, or not writable: read the file itself
    except OSError:
        return load_graph(p)
    graph = index.open_snapshot()
    return graph if graph is not None else load_graph(p)


T = TypeVar("T")


def recovering(store: "str | os.PathLike[str] | Endpoint", action: Callable[[], T]) -> T:
    """Run ``action``, a read or edit of ``store`` through its index; when the index turns
    out to be damaged (RocksDB reports a checksum that does not match), discard it, say
    so (:class:`~kgraph.errors.KGraphWarning`) and run ``action`` once more: the index,
    a cache, is rebuilt from the Turtle file."""
    try:
        return action()
    except (OSError, RuntimeError) as exc:
        if remote_endpoint(store) is not None or not damaged(exc):
            raise
        exc.__traceback__ = None  # its frames may hold the damaged database open
        Index(store_file(store), display=os.fspath(store)).discard(exc)  # type: ignore[arg-type]
    return action()


def serialize(graph: ox.Store) -> str:
    return writer().serialize(graph.quads_for_pattern(None, None, None, _DG))


def atomic_write(path: str | os.PathLike[str], data: bytes | Iterable[bytes], *,
                 unchanged: "FileState | None" = None) -> FileState:
    """Write ``data`` to ``path`` through a fsynced temporary file and a rename.

    Returns the state of the file written, read from the open file after the rename: it
    describes what this call wrote even if another program has replaced ``path`` since.
    With ``unchanged``, the rename happens only while ``path`` is still in that state
    (else :class:`StoreError`). The temporary file is locked while it is written, so the
    next write of ``path`` removes those of killed writers (:data:`STALE_TEMP_AGE`).
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    _remove_stale_temps(folder, target.name)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        lock_exclusive(fd, wait=False)
        with os.fdopen(fd, "wb") as handle:
            if isinstance(data, (bytes, bytearray, memoryview)):
                handle.write(data)
            else:
                for chunk in data:
                    handle.write(chunk)
            handle.flush()
            os.fsync(handle.fileno())
            if target.exists():
                os.chmod(tmp, target.stat().st_mode & 0o7777)
            else:
                os.chmod(tmp, 0o644)
            if unchanged is not None and FileState.of(target) != unchanged:
                raise StoreError(
                    "changed on disk while kgraph was writing it (another program replaced "
                    "it); not overwritten", file=str(path), hint="run the command again")
            os.replace(tmp, target)
            written = FileState.from_stat(os.fstat(handle.fileno()))
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return written
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)
    return written


def _remove_stale_temps(folder: Path, name: str) -> None:
    """Remove the temporary files a killed :func:`atomic_write` of ``name`` left: old
    enough, and locked by no process (a live writer holds its lock)."""
    cutoff = time.time() - STALE_TEMP_AGE
    for temp in folder.glob(f".{glob.escape(name)}.*.tmp"):
        try:
            if temp.lstat().st_mtime > cutoff:
                continue
            fd = os.open(temp, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            continue
        try:
            if lock_exclusive(fd, wait=False):
                temp.unlink()
        except OSError:
            pass
        finally:
            os.close(fd)


@contextmanager
def locked(path: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT,
           name: str = "writer") -> Iterator[None]:
    """Hold a lock of the store ``path``: its writer lock, or the one called ``name``.
    The lock file is in the store's index folder, which git ignores."""
    index = Index(Path(path))
    lock_path = index.folder / f"{name}.lock"
    try:
        index.ensure_folder()
        lock = FileLock(lock_path, timeout=timeout)
        lock.acquire()
    except Timeout:
        raise StoreError(
            f"the store is locked by another kgraph process (waited {timeout:.0f} s)",
            file=index.display, hint=f"if no kgraph is running, delete {lock_path}",
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot lock the store: {exc.strerror or exc}", file=index.display,
        ) from None
    try:
        yield
    finally:
        lock.release()


def _write_error(path: str, exc: OSError, *, written: bool = False) -> StoreError:
    """The error of a failed edit, saying what is true of the store: intact, or (after
    the rename) written, with only its index, a cache, left behind."""
    # Drop the frames of the failed write: they hold the open index database, and
    # RocksDB allows one open per process, so a caller keeping the error could not
    # write again.
    exc.__traceback__ = None
    reason = exc.strerror or str(exc)
    # pyoxigraph's (RocksDB's) I/O errors carry no errno, only their text.
    if exc.errno == errno.ENOSPC or "No space left on device" in reason:
        reason = "no space left on the device"
    if written:
        return StoreError(f"the store was written, but its index could not be updated: "
                          f"{reason} (the index is rebuilt from the store on next use)",
                          file=path)
    return StoreError(f"cannot write the store: {reason}; the old store is intact", file=path)


def remove_leftovers(index: Index) -> None:
    """Delete the temporary files of writers (ingests, pulls) killed mid-write: each can be
    as large as the store. Writers make them only while holding the lock, so under the
    lock any that exist are orphans."""
    leftovers = list(index.store.parent.glob(f".{glob.escape(index.store.name)}.*.tmp"))
    if index.folder.is_dir():
        leftovers += index.folder.glob(".stamp.json.*.tmp")
        leftovers += (p for p in index.folder.glob("tmp*") if p.is_dir())
    for path in leftovers:
        try:
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink()
        except OSError:
            pass


class TurtleStore:
    """A Turtle file edited through its index: ``with store.edit() as editor: ...``."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE) -> None:
        self.display = str(path)
        self.path = Path(path)

    @contextmanager
    def edit(self) -> Iterator["GraphEditor"]:
        """Lock the store, yield an editor over its index, then write the Turtle file
        (atomically) if anything changed, and publish a new snapshot for readers.

        When the block raises, the Turtle file is not touched (the index is rebuilt from
        it on next use).
        """
        self.path = store_file(self.display)
        with locked(self.path):
            index = Index(self.path, display=self.display)
            remove_leftovers(index)
            try:
                canonical = index.canonical()
                # The snapshot the primary matches: its visit table is updated below.
                matched = index.read_stamp().get("snapshot") if index.primary_matches() else None
                graph = index.open_primary()
                count = index.count(graph)
                stamp = index.read_stamp()
                index.mark_dirty()
            except OSError as exc:
                graph = None  # close the database (see below)
                raise _write_error(self.display, exc) from None
            editor = GraphEditor(graph, count)
            try:
                try:
                    yield editor
                    editor.finish()
                except OSError as exc:  # the index database could not be written
                    raise _write_error(self.display, exc) from None
                try:
                    changed = editor.changed
                    if not changed and self.path.exists() and stamp.get("primary_clean"):
                        stamp.pop("version", None)
                        index.write_stamp(**stamp)  # nothing changed: the old snapshot stands
                        return
                    turtle = index.described
                    if changed or not self.path.exists():
                        canonical, turtle = self._write(graph, changed if canonical else None,
                                                        index.described)
                        editor.saved = True
                    table = VisitTable.load(index.folder / str(matched)) if matched else None
                    if table is not None:
                        table.load_details(index.folder / str(matched))
                    if table is not None:
                        table.update(graph, editor.table_subjects, editor.detail_subjects)
                    index.publish(graph, canonical=canonical, triples=len(editor), table=table,
                                  turtle=turtle)
                except OSError as exc:
                    raise _write_error(self.display, exc, written=editor.saved) from None
            finally:
                # Close the database now (RocksDB allows one open per process), even
                # when a traceback keeps this frame alive.
                editor.graph = None  # type: ignore[assignment]
                del graph

    def _write(self, graph: ox.Store, changed: set | None,
               described: FileState | None) -> tuple[bool, FileState]:
        """Write the Turtle file from ``graph``: patch the blocks of ``changed`` subjects
        into the current file when it is kgraph's own output, else write it all. The file
        on disk must still be the one ``graph`` was read from (``described``). Returns
        whether the result is canonical (no blank nodes), and the state of the file."""
        w = writer()
        if changed is not None and self.path.exists():
            with open(self.path, "rb") as handle:
                if FileState.from_stat(os.fstat(handle.fileno())) != described:
                    raise StoreError("changed on disk since kgraph read it (another program "
                                     "replaced it); not overwritten", file=self.display,
                                     hint="run the command again")
                old = handle.read()
            state = atomic_write(self.path, _patch(old, changed, graph, w), unchanged=described)
            return not any(isinstance(s, ox.BlankNode) for s in changed), state
        lines = sorted_nt_lines(graph, tmp_dir=Index(self.path).folder)
        has_blank = False

        def chunks() -> Iterator[bytes]:
            nonlocal has_blank
            for chunk in w.serialize_nt_lines(lines):
                if chunk.startswith("\n_:"):
                    has_blank = True
                yield chunk.encode("utf-8")

        try:
            state = atomic_write(self.path, chunks(),
                                 unchanged=described if self.path.exists() else None)
        finally:
            lines.close()  # removes its temporary files even when the write failed
        return not has_blank, state


def sorted_nt_lines(graph: ox.Store, *, tmp_dir: Path | None = None) -> Generator[str, None, None]:
    """All triples of ``graph`` as N-Triples lines sorted by subject, with bounded memory:
    pyoxigraph dumps them, the system's ``sort`` (bytewise, as Python compares UTF-8)
    sorts them; without a usable ``sort`` they are sorted in memory. Temporary files go
    to ``tmp_dir`` (default: the system's) and are removed when the generator ends."""
    with tempfile.TemporaryDirectory(dir=tmp_dir) as name:
        tmp = Path(name)
        dump = tmp / "all.nt"
        graph.dump(str(dump), ox.RdfFormat.N_TRIPLES, from_graph=_DG)
        out = tmp / "sorted.nt"
        sort = shutil.which("sort")
        if sort is not None:
            env = {**os.environ, "LC_ALL": "C"}
            done = subprocess.run([sort, "-S", "25%", "-T", str(tmp), "-o", str(out), str(dump)],
                                  env=env, capture_output=True)
            if done.returncode == 0:
                yield from _lines(out)
                return
        with open(dump, encoding="utf-8") as handle:  # no usable sort(1): sort in memory
            lines = handle.readlines()
        lines.sort()
        yield from lines


def _lines(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8") as handle:
        yield from handle


def _patch(old: bytes, changed: set, graph: ox.Store, w: TurtleWriter) -> Iterator[bytes]:
    """Chunks of the new file: ``old`` with the blocks of ``changed`` subjects replaced,
    inserted or removed, everything else copied as it is (blocks are sorted by subject)."""
    starts = [m.end() for m in re.finditer(rb"\n\n", old)]
    keys: dict[int, str] = {}

    def key_at(i: int) -> str:
        if i not in keys:
            start = starts[i]
            token = old[start:old.index(b" ", start)].decode("utf-8")
            keys[i] = w.token_key(token)
        return keys[i]

    header_end = starts[0] - 1 if starts else len(old)
    yield old[:header_end]
    position = header_end  # bytes of old copied so far
    for s in sorted(changed, key=subject_key):
        key = subject_key(s)
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if key_at(mid) < key:
                lo = mid + 1
            else:
                hi = mid
        begin = starts[lo] - 1 if lo < len(starts) else len(old)
        if begin > position:
            yield old[position:begin]
            position = begin
        if lo < len(starts) and key_at(lo) == key:  # skip the old block
            position = starts[lo + 1] - 1 if lo + 1 < len(starts) else len(old)
        pairs = [(str(q.predicate), str(q.object))
                 for q in graph.quads_for_pattern(s, None, None, _DG)]
        if pairs:
            yield ("\n" + w.block(key, pairs)).encode("utf-8")
    yield old[position:]


#: What the visit table of the index (kgraph.views) is made of.
_TABLE_PREDICATES = {KG.visitor: 0, KG.hostedBy: 0, KG.date: 0, KG.region: 0,
                     KG.topic: 1, KG.signedAgreement: 1}


class GraphEditor:
    """Replaces what articles said, keeping derived triples and references consistent.

    Derived triples (a visit's union of its reports, people's roles) and the removal of
    nodes nothing refers to any more are computed once, in :meth:`finish`, for all the
    articles of an ingest. Every subject touched is recorded in :attr:`changed`.
    """

    #: Beyond this many changed triples, only changed subjects are remembered (memory).
    TRACK_LIMIT = 300_000

    def __init__(self, graph: ox.Store, count: int | None = 0) -> None:
        self.graph = graph
        self._count = count
        self.saved = False
        self._added: set = set()
        self._removed: set = set()
        self._touched: set | None = None  # subjects, once the limit is passed
        self._visits: set = set()
        self._people: set = set()
        self._orphans: set = set()
        #: Subjects whose triples the index's visit table reads (kgraph.views) changed.
        self.table_subjects: set = set()
        #: Subjects whose topics or agreements (the table's details) changed.
        self.detail_subjects: set = set()
        self._table_changes = (self.table_subjects, self.detail_subjects)

    def __len__(self) -> int:
        """Triples in the graph (as counted when it was opened, plus the net change)."""
        if self._count is None:
            self._count = count_triples(self.graph)
            return self._count
        return self._count + len(self._added) - len(self._removed)

    def _overflow(self) -> None:
        """Stop remembering triples: keep their subjects, and count the net change (every
        addition and removal is of a triple that was absent or present)."""
        if self._touched is None and len(self._added) + len(self._removed) > self.TRACK_LIMIT:
            self._touched = {q.subject for q in self._added} | {q.subject for q in self._removed}
            if self._count is not None:
                self._count += len(self._added) - len(self._removed)
            self._added, self._removed = set(), set()

    # ------------------------------------------------------------------ helpers

    @property
    def changed(self) -> set:
        """Subjects whose triples differ from what the store held before the edit (or,
        after very large edits, every subject touched)."""
        if self._touched is not None:
            return self._touched
        return {q.subject for q in self._added} | {q.subject for q in self._removed}

    def _note(self, quad: ox.Quad, added: bool) -> None:
        """Record that ``quad`` was just added to (or removed from) the graph."""
        kind = _TABLE_PREDICATES.get(quad.predicate)
        if kind is not None:
            self._table_changes[kind].add(quad.subject)
        same, opposite = (self._added, self._removed) if added else (self._removed, self._added)
        if self._touched is not None:
            self._touched.add(quad.subject)
            if self._count is not None:
                self._count += 1 if added else -1
        elif quad in opposite:
            opposite.discard(quad)
        else:
            same.add(quad)

    def _add(self, s, p, o) -> None:  # type: ignore[no-untyped-def]
        quad = ox.Quad(s, p, o, _DG)
        if quad not in self.graph:
            self.graph.add(quad)
            self._note(quad, added=True)

    def _remove(self, quad: ox.Quad) -> None:
        self.graph.remove(quad)
        self._note(quad, added=False)

    def _objects(self, s, p) -> list:  # type: ignore[no-untyped-def]
        return [q.object for q in self.graph.quads_for_pattern(s, p, None, _DG)]

    def _subjects(self, p, o) -> list:  # type: ignore[no-untyped-def]
        return [q.subject for q in self.graph.quads_for_pattern(None, p, o, _DG)]

    def _remove_subject(self, s) -> list:  # type: ignore[no-untyped-def]
        quads = list(self.graph.quads_for_pattern(s, None, None, _DG))
        for quad in quads:
            self._remove(quad)
        return quads

    def _referenced(self, node) -> bool:  # type: ignore[no-untyped-def]
        return next(iter(self.graph.quads_for_pattern(None, None, node, _DG)), None) is not None

    # ------------------------------------------------------------------ editing

    def replace_article(self, new: ArticleGraph) -> None:
        """Retract what the article said before, then add what it says now."""
        self.replace_articles([new])

    def replace_articles(self, graphs: Iterable[ArticleGraph]) -> None:
        """:meth:`replace_article` for many articles at once (one write transaction).

        When two of them are the same article, the later one wins.
        """
        latest = {g.article: g for g in graphs}
        for article in latest:
            self._retract(article)
        for g in latest.values():  # what earlier versions called the same article
            for old in g.replaces:
                if old not in latest:
                    self._retract(old)
        triples: set = set()  # articles repeat the same reference triples: dedupe first
        pending: set = set()
        labels: dict = {}
        for g in latest.values():
            triples.update(g.reference)
            triples.update(g.owned)
            pending.update(self._derived_additions(g))
            for person, label in g.person_labels.items():
                labels.setdefault(person, label)
        pending.update(ox.Quad(s, p, o, _DG) for s, p, o in triples)
        for person, label in labels.items():
            if not self._objects(person, RDFS.label):
                pending.add(ox.Quad(person, RDFS.label, label, _DG))
        missing = getattr(self.graph, "missing", None)  # a remote graph: one request
        fresh = missing(pending) if missing else self._missing(pending)
        self.graph.extend(fresh)
        for quad in fresh:
            self._note(quad, added=True)
        self._overflow()

    def _missing(self, quads: Iterable[ox.Quad]) -> list[ox.Quad]:
        """Those of ``quads`` the graph lacks: for a subject the graph does not know (a new
        article's reports, visits ...), all of its quads, after one lookup."""
        by_subject: dict = {}
        for quad in quads:
            by_subject.setdefault(quad.subject, []).append(quad)
        found: list[ox.Quad] = []
        for subject, group in by_subject.items():
            if len(group) > 1 and next(iter(self.graph.quads_for_pattern(
                    subject, None, None, _DG)), None) is None:
                found.extend(group)
            else:
                found.extend(q for q in group if q not in self.graph)
        return found

    def _derived_additions(self, g: ArticleGraph) -> Iterator[ox.Quad]:
        """What a new article adds to its visits and people. Unions only grow when
        reports are added, so this is exact; retractions are recomputed in finish()."""
        visit_of: dict = {}
        parties: dict = {}
        for s, p, o in g.reference:
            if p in (KG.visitor, KG.hostedBy):
                parties[(s, p)] = o
        for s, p, o in g.owned:
            if p == KG.visit:
                visit_of[s] = o
        roles: dict = {}
        for s, p, o in g.owned:
            if p in (KG.leaderRole, KG.receiverRole):
                roles[(s, p)] = o
        for s, p, o in g.owned:
            v = visit_of.get(s)
            if v is None:
                continue
            if p == KG.confidence:
                self._visits.add(v)  # a maximum, not a union: recompute
            elif p in _VISIT_DERIVED:
                yield ox.Quad(v, p, o, _DG)
            if p in (KG.ledBy, KG.receivedBy):
                lead = p == KG.ledBy
                role = roles.get((s, KG.leaderRole if lead else KG.receiverRole))
                if role is not None:
                    yield ox.Quad(o, KG.role, role, _DG)
                government = parties.get((v, KG.visitor if lead else KG.hostedBy))
                if government is not None:
                    yield ox.Quad(o, KG.affiliation, government, _DG)

    def remove_article(self, article: ox.NamedNode) -> None:
        """Retract everything an article said."""
        self._retract(article)

    def finish(self) -> None:
        """Recompute derived triples and drop orphans for everything edited so far."""
        self._derive(self._visits, self._people)
        self._collect(self._orphans | self._visits | self._people)
        self._overflow()
        self._visits, self._people, self._orphans = set(), set(), set()

    def _retract(self, article: ox.NamedNode) -> None:
        for report in self._subjects(KG.source, article):
            if ox.Quad(report, RDF.type, KG.VisitReport, _DG) not in self.graph:
                continue
            for quad in self._remove_subject(report):
                if quad.predicate == KG.visit:
                    self._visits.add(quad.object)
                elif quad.predicate in (KG.ledBy, KG.receivedBy):
                    self._people.add(quad.object)
                elif isinstance(quad.object, ox.NamedNode) and quad.predicate != KG.source:
                    self._orphans.add(quad.object)
        self._remove_subject(article)

    def _replace_values(self, s, predicates, values: set) -> None:  # type: ignore[no-untyped-def]
        """Make the (p, o) pairs of ``s`` over ``predicates`` exactly ``values``."""
        current = {(q.predicate, q.object)
                   for p in predicates for q in self.graph.quads_for_pattern(s, p, None, _DG)}
        for p, o in current - values:
            self._remove(ox.Quad(s, p, o, _DG))
        for p, o in values - current:
            self._add(s, p, o)

    def _derive(self, visits: set, people: set) -> None:
        """Recompute each visit's union of its reports, and people's roles/affiliations."""
        for v in visits:
            values: set = set()
            confidences = []
            for report in self._subjects(KG.visit, v):
                for quad in self.graph.quads_for_pattern(report, None, None, _DG):
                    if quad.predicate == KG.confidence:
                        confidences.append(quad.object)
                    elif quad.predicate in _VISIT_DERIVED:
                        values.add((quad.predicate, quad.object))
            if confidences:
                values.add((KG.confidence, max(confidences, key=lambda lit: float(lit.value))))
            self._replace_values(v, _VISIT_DERIVED, values)
        for person in people:
            values = set()
            for link, role_prop, party in (
                (KG.ledBy, KG.leaderRole, KG.visitor),
                (KG.receivedBy, KG.receiverRole, KG.hostedBy),
            ):
                for report in self._subjects(link, person):
                    for role in self._objects(report, role_prop):
                        values.add((KG.role, role))
                    for visit in self._objects(report, KG.visit):
                        for government in self._objects(visit, party):
                            values.add((KG.affiliation, government))
            self._replace_values(person, (KG.role, KG.affiliation), values)

    def _collect(self, candidates: set) -> None:
        """Delete nodes no longer referenced by anything (visits, people, governments,
        regions, topics, agreements), following what they referenced in turn."""
        work = [c for c in candidates if isinstance(c, ox.NamedNode)]
        while work:
            node = work.pop()
            if node.value.startswith(_KEPT) or self._referenced(node):
                continue
            if node.value.startswith(DATA_PREFIXES["visit"]) and self._subjects(KG.visit, node):
                continue
            removed = self._remove_subject(node)
            work.extend(q.object for q in removed if isinstance(q.object, ox.NamedNode)
                        and q.predicate != RDF.type)
