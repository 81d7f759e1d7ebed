"""The store named by a path or a URL, and its graph opened for reading.

A store is a Turtle file (read through its index, :mod:`kgraph.store.index`) or a SPARQL
1.1 server (read through :class:`~kgraph.store.remote.graph.RemoteGraph`). Its lock
(:func:`locked`) serialises writers.
"""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator, TypeVar

import pyoxigraph as ox
from filelock import FileLock, Timeout

from ..errors import StoreError
from ..read.files import file_kind
from .files import parse_into
from .index import Index, damaged

if TYPE_CHECKING:
    from .remote.endpoint import Endpoint
    from .remote.graph import RemoteGraph

DEFAULT_STORE = "kgraph.ttl"
LOCK_TIMEOUT = 120.0


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
    """The SPARQL server ``store`` names (an :class:`~kgraph.store.remote.endpoint.Endpoint`, or an
    ``http(s)://`` URL), or ``None`` when it is a Turtle file."""
    if isinstance(store, (str, os.PathLike)) and not is_endpoint(store):
        return None
    from .remote.endpoint import Endpoint  # imported only for servers: kgraph starts faster

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

    For a SPARQL server, the result is a :class:`~kgraph.store.remote.graph.RemoteGraph`: it
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
