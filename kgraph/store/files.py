"""The files of a store: written atomically, read as Turtle, identified, locked.

Writes go to a temporary file in the target's folder, are fsynced, then renamed over the
target, so a crash leaves either the old or the new file, never a half-written one.
A :class:`FileState` identifies one version of a file without reading it.
"""
from __future__ import annotations

import glob
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import pyoxigraph as ox

from ..errors import StoreError

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no shared locks, snapshots are kept
    fcntl = None  # type: ignore[assignment]

#: A temporary file of an atomic write older than this (seconds) and locked by nobody
#: was left by a killed writer, and is removed by the next write of the same file.
STALE_TEMP_AGE = 60.0
_DG = ox.DefaultGraph()


@dataclass(frozen=True)
class FileState:
    """What identifies one version of a file without reading it."""

    size: int
    ino: int
    mtime_ns: int
    ctime_ns: int

    @classmethod
    def of(cls, path: Path) -> "FileState | None":
        try:
            st = os.stat(path)
        except FileNotFoundError:
            return None
        return cls.from_stat(st)

    @classmethod
    def from_stat(cls, st: os.stat_result) -> "FileState":
        return cls(st.st_size, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


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


def lock_exclusive(fd: int, *, wait: bool = True) -> bool:
    """Take an exclusive ``flock`` on an open file (released when it is closed, or when
    its process dies); whether it was taken (``False`` without flock)."""
    if fcntl is None:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        return True
    except OSError:
        return False
