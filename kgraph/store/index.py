"""A persistent index beside the Turtle store, so reads need not re-parse it.

The Turtle file stays the store users see, edit and commit. Beside it, in
``.<store>.index/``, kgraph keeps a pyoxigraph (RocksDB) copy of it:

- ``db/``: the primary database, opened read-write only by a writer holding the store's
  lock;
- ``snap-N/``: immutable snapshots of ``db`` (RocksDB checkpoints: hard links, made in
  milliseconds), which readers open read-only. A reader holds a shared ``flock`` on the
  snapshot's lock file; writers delete old snapshots only when no reader holds them, so
  readers and writers never wait for each other;
- ``stamp.json``: which snapshot matches which version of the Turtle file (its size,
  inode, modification and change times). An index whose stamp does not match the file,
  because someone edited it by hand or checked out another version, is never used: it is
  rebuilt from the Turtle file first.

If the index cannot be used at all (a read-only folder, say), readers parse the Turtle
file into memory instead: slower, never wrong.
"""
from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import pyoxigraph as ox

from ..errors import KGraphWarning
from .files import FileState, atomic_write, lock_exclusive, parse_into
from .views import VisitTable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no shared locks, snapshots are kept
    fcntl = None  # type: ignore[assignment]

STAMP_VERSION = 1
#: The list of a snapshot's database files, made with it (see Index.changed_files).
FILES = "files.json"
_DATABASE_FILES = ("MANIFEST-", "CURRENT", "OPTIONS-")
_DG = ox.DefaultGraph()
#: Read locks kept open by :func:`open_snapshot`, per snapshot folder.
_HELD: dict[str, int] = {}
_MAX_HELD = 32


class Index:
    """The index folder of one Turtle store."""

    def __init__(self, store: Path, *, display: str | None = None) -> None:
        self.display = display or str(store)  # the path as the user gave it, for messages
        # Absolute, links resolved: RocksDB refuses a second open of the same path string
        # in a process, and a store reached through a link has its index beside its target.
        store = Path(os.path.realpath(store))
        self.store = store
        self.folder = store.parent / f".{store.name}.index"
        self.db = self.folder / "db"
        self.stamp_path = self.folder / "stamp.json"
        #: The version of the Turtle file ``db`` holds, once :meth:`open_primary` opened
        #: it: the file kgraph read or wrote, never re-read by path (another program may
        #: have replaced the file since).
        self.described: FileState | None = None

    # ------------------------------------------------------------------ stamp

    def read_stamp(self) -> dict:
        try:
            stamp = json.loads(self.stamp_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return stamp if isinstance(stamp, dict) and stamp.get("version") == STAMP_VERSION else {}

    def write_stamp(self, **fields: object) -> None:
        stamp = {"version": STAMP_VERSION, **fields}
        atomic_write(self.stamp_path, json.dumps(stamp, sort_keys=True).encode("utf-8"))

    def fresh_snapshot(self) -> Path | None:
        """The snapshot that matches the Turtle file as it is now, if there is one."""
        stamp = self.read_stamp()
        state = FileState.of(self.store)
        if not stamp or state is None or stamp.get("turtle") != state.__dict__:
            return None
        snapshot = self.folder / str(stamp.get("snapshot", ""))
        return snapshot if stamp.get("snapshot") and snapshot.is_dir() else None

    def primary_matches(self) -> bool:
        """Whether ``db`` holds exactly the Turtle file as it is now."""
        stamp = self.read_stamp()
        state = FileState.of(self.store)
        return bool(stamp) and stamp.get("primary_clean") is True and state is not None \
            and stamp.get("turtle") == state.__dict__ and self.db.is_dir()

    def discard(self, problem: BaseException | str) -> None:
        """Forget an index found damaged (``problem``: RocksDB's report, or what changed):
        stamped as matching no version of the Turtle file, nothing of it is used, and the
        next use rebuilds it (into a snapshot of a new name: the damaged one may still be
        open)."""
        self._note_damage(problem)
        self.write_stamp(snapshot=self.read_stamp().get("snapshot", "snap-0"),
                         primary_clean=False)

    def _note_damage(self, problem: BaseException | str) -> None:
        reason = " ".join(str(problem).split())
        warnings.warn(f"{self.display}: its index was damaged ({reason[:120]}); it is rebuilt "
                      "from the Turtle file", KGraphWarning, stacklevel=3)

    def changed_files(self, snapshot: Path) -> list[str]:
        """The database files of ``snapshot`` changed, added or removed since it was made
        (RocksDB never rewrites one: a difference is damage, even where reading would not
        report it; pyoxigraph's aggregates can loop on a damaged block)."""
        try:
            made = json.loads((snapshot / FILES).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []  # made by an earlier kgraph: nothing to compare with
        now = _database_files(snapshot)
        return sorted(name for name in set(made) | set(now) if made.get(name) != now.get(name))

    def canonical(self) -> bool:
        """Whether the Turtle file is exactly as kgraph wrote it (so it can be patched)."""
        return self.primary_matches() and self.read_stamp().get("canonical") is True

    # ------------------------------------------------------------------ writing side

    def ensure_folder(self) -> None:
        self.folder.mkdir(exist_ok=True)
        ignore = self.folder / ".gitignore"
        if not ignore.exists():
            ignore.write_text("# kgraph's index of the Turtle store: a cache, not data\n*\n",
                              encoding="utf-8")

    def rebuild_primary(self) -> ox.Store:
        """Replace ``db`` by a fresh parse of the Turtle file; returns it open."""
        self.ensure_folder()
        self.write_stamp(primary_clean=False)
        if self.db.exists():
            shutil.rmtree(self.db)
        graph = ox.Store(str(self.db))
        self.described = None
        if self.store.exists():
            self.described = parse_into(graph, self.store, display=self.display)
            graph.flush()
        return graph

    def open_primary(self) -> ox.Store:
        """Open ``db`` read-write, rebuilding it first when it does not match the file.

        The caller holds the store's writer lock.
        """
        if self.primary_matches():
            # The database shares its files with the snapshot made from it.
            changed = self.changed_files(self.folder / str(self.read_stamp().get("snapshot")))
            if changed:
                self._note_damage(f"changed or missing: {', '.join(changed[:3])}")
            else:
                try:
                    graph = ox.Store(str(self.db))
                    self.described = FileState(**self.read_stamp()["turtle"])
                    return graph
                except (OSError, RuntimeError, TypeError, KeyError) as exc:
                    if damaged(exc):  # else unreadable: rebuilt all the same
                        self._note_damage(exc)
        return self.rebuild_primary()

    def mark_dirty(self) -> None:
        """Record that ``db`` is about to diverge from the Turtle file."""
        stamp = self.read_stamp()
        stamp.pop("version", None)
        stamp["primary_clean"] = False
        self.write_stamp(**stamp)

    def count(self, graph: ox.Store) -> int:
        """How many triples ``graph`` (the primary) holds: from the stamp when it matches,
        else counted (``len()`` of an on-disk store is only an estimate)."""
        stamp = self.read_stamp()
        if self.primary_matches() and isinstance(stamp.get("triples"), int):
            return stamp["triples"]
        return count_triples(graph)

    def publish(self, graph: ox.Store, *, canonical: bool, turtle: FileState | None,
                triples: int | None = None, table: VisitTable | None = None) -> None:
        """After the Turtle file was written from ``graph``: snapshot it (with its visit
        ``table``, computed here when not given), stamp it as matching the version
        ``turtle`` of the file (the one written or read, as :attr:`described`), tidy up."""
        stamp = self.read_stamp()
        number = int(str(stamp.get("snapshot", "snap-0")).rsplit("-", 1)[-1] or 0) + 1
        name = f"snap-{number}"
        target = self.folder / name
        if target.exists():
            shutil.rmtree(target)
        graph.flush()
        graph.backup(str(target))
        atomic_write(target / FILES, json.dumps(_database_files(target)).encode("utf-8"))
        (table if table is not None else VisitTable.compute(graph)).save(target)
        self.write_stamp(
            turtle=turtle.__dict__ if turtle else None,
            snapshot=name,
            primary_clean=True,
            canonical=canonical,
            triples=triples if triples is not None else self.count(graph),
        )
        self.remove_old_snapshots(keep=name)

    def remove_old_snapshots(self, *, keep: str) -> None:
        for entry in self.folder.glob("snap-*"):
            if entry.name == keep or entry.name.endswith(".lock"):
                continue
            lock_path = self.folder / f"{entry.name}.lock"
            if not _try_exclusive(lock_path):
                continue  # a reader still uses it
            shutil.rmtree(entry, ignore_errors=True)
            try:
                lock_path.unlink()
            except OSError:
                pass

    # ------------------------------------------------------------------ reading side

    def snapshot_table(self, *, details: bool = False) -> VisitTable | None:
        """The visit table of the fresh snapshot (held under a shared lock), if any; with
        ``details``, only one whose details could be read too."""
        snapshot = self.fresh_snapshot()
        if snapshot is None or not _hold_shared(self.folder / f"{snapshot.name}.lock"):
            return None
        table = VisitTable.load(snapshot)
        # A snapshot made by an earlier kgraph lacks the table (or has one of an earlier
        # version), or its details: add them, once (a table file of this version that is
        # unreadable or was edited by hand is not used, nor remade: the next ingest does).
        lacking = table is None and snapshot.is_dir() and not VisitTable.current(snapshot)
        lacking_details = details and table is not None and not table.load_details(snapshot)
        if lacking or lacking_details:
            try:
                graph = ox.Store.read_only(str(snapshot))
                if table is None:
                    table = VisitTable.compute(graph)
                else:
                    table.compute_details(graph)
                table.save(snapshot)
            except OSError:
                pass  # a read-only folder: use what was computed, if anything, this time
        if details and table is not None and table.details is None:
            return None
        return table

    def open_snapshot(self) -> ox.Store | None:
        """The fresh snapshot, opened read-only under a shared lock; ``None`` if stale."""
        for _ in range(3):
            snapshot = self.fresh_snapshot()
            if snapshot is None:
                return None
            if not _hold_shared(self.folder / f"{snapshot.name}.lock"):
                return None
            if not snapshot.is_dir():  # removed between the stamp and the lock: retry
                continue
            changed = self.changed_files(snapshot)
            if changed:
                self.discard(f"changed or missing: {', '.join(changed[:3])}")
                return None
            try:
                return ox.Store.read_only(str(snapshot))
            except (OSError, RuntimeError) as exc:
                if damaged(exc):
                    self.discard(exc)
                return None
        return None


def _database_files(folder: Path) -> dict[str, list[int]]:
    """RocksDB's files in ``folder`` (never rewritten once made), by name: size, mtime."""
    found = {}
    for entry in os.scandir(folder):
        if entry.name.endswith(".sst") or entry.name.startswith(_DATABASE_FILES):
            st = entry.stat()
            found[entry.name] = [st.st_size, st.st_mtime_ns]
    return found


def damaged(exc: BaseException) -> bool:
    """Whether ``exc`` is RocksDB reporting a damaged index (a checksum that does not
    match, a table file missing), as opposed to a failure of the disk or the query."""
    text = str(exc)
    return isinstance(exc, (OSError, RuntimeError)) and (
        "Corruption" in text or (".sst" in text and "No such file" in text))


def count_triples(graph: ox.Store) -> int:
    """The exact number of triples in ``graph`` (``len()`` of an on-disk store is only
    RocksDB's estimate)."""
    result = graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return int(next(iter(result))["n"].value)  # type: ignore[index]


def _try_exclusive(lock_path: Path) -> bool:
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        return lock_exclusive(fd, wait=False)
    finally:
        os.close(fd)  # closing releases the lock


def _hold_shared(lock_path: Path) -> bool:
    """Take (and keep, for this process) a shared lock on a snapshot."""
    key = str(lock_path)
    if key in _HELD:
        return True
    if fcntl is None:
        return True
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
    except OSError:
        os.close(fd)
        return False
    if len(_HELD) >= _MAX_HELD:  # forget the oldest: their stores are long gone
        oldest = next(iter(_HELD))
        os.close(_HELD.pop(oldest))
    _HELD[key] = fd
    return True
