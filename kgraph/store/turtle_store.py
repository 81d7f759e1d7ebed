"""The Turtle store: load, edit under a lock, save atomically.

Writes go to a temporary file in the store's folder, are fsynced, then renamed over the
store, so a crash leaves either the old or the new file, never a half-written one. A lock
file in the store's index folder (``.<store>.index/writer.lock``, ignored by git like the
rest of the folder) serialises writers. The store is written sorted (:mod:`kgraph.rdf.turtle`),
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
from contextlib import contextmanager
from pathlib import Path
from typing import Generator, Iterator

import pyoxigraph as ox

from ..errors import StoreError
from ..rdf.namespace import DATA_PREFIXES, PREFIXES
from ..rdf.turtle import TurtleWriter, subject_key
from .editor import GraphEditor
from .files import FileState, atomic_write
from .graph import DEFAULT_STORE, locked, store_file
from .index import Index
from .views import VisitTable

_DG = ox.DefaultGraph()


def writer() -> TurtleWriter:
    return TurtleWriter({**PREFIXES, **DATA_PREFIXES})


def serialize(graph: ox.Store) -> str:
    return writer().serialize(graph.quads_for_pattern(None, None, None, _DG))


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
