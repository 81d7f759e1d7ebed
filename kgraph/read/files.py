"""Article files: reading one (a file, or ``-`` for standard input), the readers of
each kind of file (article text, saved web pages), and finding them in folders.

Every problem is an :class:`ArticleError` naming the file (``examples/x.md: no such file``).
"""
from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from ..errors import ArticleError, printable
from .article import Article
from .frontmatter import parse_article

#: Default largest article accepted, in bytes (``--max-size`` changes it).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

STDIN = "-"

# --------------------------------------------------------------------------- reading


def read_article(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> Article:
    """Read one article file (``"-"`` is standard input).

    Raises :class:`ArticleError` for unreadable files, non-UTF-8 text, invalid front
    matter or annotations.
    """
    data, source = read_bytes(path, max_bytes=max_bytes)
    article = parse_article(article_text(data, str(path), source), source=source)
    if str(path) != STDIN:
        article.file_name = os.path.basename(os.path.normpath(str(path)))
    return article


def read_bytes(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES
               ) -> tuple[bytes, str]:
    """The bytes of an article file (``"-"``: standard input) and the name to report it by.

    Raises :class:`ArticleError` for a missing, unreadable or too large file.
    """
    name = str(path)
    if name == STDIN:
        data = sys.stdin.buffer.read(max_bytes + 1)
        source = "<stdin>"
    else:
        source = _display_path(Path(name))
        try:
            # Without blocking: opening a FIFO for reading would wait for a writer.
            fd = os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        except FileNotFoundError:
            raise ArticleError("no such file", file=source) from None
        except OSError as exc:
            raise ArticleError(f"cannot read: {exc.strerror or exc}", file=source) from None
        try:
            kind = file_kind(os.fstat(fd).st_mode)
            if kind == "a directory":
                raise ArticleError("is a directory", file=source)
            if kind is not None:
                raise ArticleError(f"not a regular file ({kind}): not read", file=source)
            with os.fdopen(os.dup(fd), "rb") as handle:
                data = handle.read(max_bytes + 1)
        except OSError as exc:
            raise ArticleError(f"cannot read: {exc.strerror or exc}", file=source) from None
        finally:
            os.close(fd)
    if len(data) > max_bytes:
        raise ArticleError(
            f"larger than the limit of {max_bytes} bytes",
            file=source,
            hint="raise it with --max-size if the file really is one article",
        )
    return data, source



# --------------------------------------------------------------------------- finding files

def _text(data: bytes, source: str) -> bytes:
    """An article file is article text already."""
    return data


def _web_page(data: bytes, source: str) -> str:
    """A saved web page: its main text and metadata, as article text."""
    from .webpage import article_text as page_text

    return page_text(data, source=source)


#: Readers by file suffix: each turns a file's bytes into article text (front matter and
#: body). Every registered suffix is read as an article, in folders too (a folder's other
#: files are skipped and counted, :attr:`ArticleFiles.other`); a named file of another
#: suffix is read as article text.
READERS: dict[str, Callable[[bytes, str], bytes | str]] = {
    ".md": _text,
    ".markdown": _text,
    ".txt": _text,
    ".html": _web_page,
    ".htm": _web_page,
}


def article_text(data: bytes, name: str, source: str) -> bytes | str:
    """The article text of the file ``name`` whose bytes are ``data`` (see :data:`READERS`).
    Raises :class:`ArticleError` naming ``source``."""
    return READERS.get(os.path.splitext(name)[1].lower(), _text)(data, source)


def is_converted(name: str) -> bool:
    """Whether the file ``name`` is not article text itself (a web page) but read into it."""
    return READERS.get(os.path.splitext(name)[1].lower(), _text) is not _text


#: Files that document a folder of articles rather than being one (skipped in folders).
_NOT_ARTICLES = ("README", "LICENSE", "CHANGELOG")
_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a FIFO"),
          (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"))


def file_kind(mode: int) -> str | None:
    """What a file of this ``st_mode`` is when it is not a regular file ("a FIFO" ...);
    ``None`` for a regular file."""
    if stat.S_ISREG(mode):
        return None
    return next((kind for test, kind in _KINDS if test(mode)), "not a regular file")


@dataclass
class ArticleFiles:
    """What some paths hold: the article files to read (files given as they are, folders
    expanded), and what reading the folders left out."""

    files: list[str] = field(default_factory=list)
    other: list[str] = field(default_factory=list)
    """Files of other kinds in the folders (by suffix), skipped."""
    skipped: list[str] = field(default_factory=list)
    """``path: reason`` for entries with an article's suffix that were not read:
    FIFOs, devices, unfollowed or broken symbolic links."""
    empty: list[str] = field(default_factory=list)
    """Folders given that hold no article file at all."""


def find_article_files(paths: Iterable[str | os.PathLike[str]], *,
                       follow_symlinks: bool = False) -> ArticleFiles:
    """Expand ``paths``: files as given, directories recursively (registered suffixes only,
    sorted; hidden entries and README/LICENSE/CHANGELOG files skipped), ``"-"`` for stdin.
    Symbolic links inside a directory are followed only with ``follow_symlinks``; a
    folder or a file reached twice (a link loop, two links to one file) is read once."""
    found = ArticleFiles()
    seen: set[tuple[int, int]] = set()  # (device, inode) of folders entered, files listed
    for raw in paths:
        name = str(raw)
        if name == STDIN or not os.path.isdir(name):
            found.files.append(name)
            continue
        if not _walk(name, follow_symlinks, seen, found):
            found.empty.append(name)
    return found


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _walk(folder: str, follow_symlinks: bool, seen: set[tuple[int, int]],
          found: ArticleFiles) -> bool:
    """Add the article files under ``folder`` to ``found``; whether it holds any."""
    any_article = False
    for root, dirs, files in os.walk(folder, followlinks=follow_symlinks):
        here = _identity(root)
        if here is None or here in seen:  # a loop of links, or a folder read already
            any_article = any_article or here is not None and root == folder
            dirs[:] = []
            continue
        seen.add(here)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        if not follow_symlinks:
            found.skipped.extend(f"{printable(os.path.join(root, d))}: a symbolic link, not "
                                 "followed" for d in dirs if os.path.islink(os.path.join(root, d)))
        for file in sorted(files):
            if file.startswith(".") or file.upper().startswith(_NOT_ARTICLES):
                continue
            full = os.path.join(root, file)
            if os.path.splitext(file)[1].lower() not in READERS:
                found.other.append(full)
                continue
            reason = _not_readable(full, follow_symlinks)
            if reason is not None:
                found.skipped.append(f"{printable(full)}: {reason}")
                continue
            any_article = True
            identity = _identity(full)
            if identity not in seen:
                seen.add(identity)  # type: ignore[arg-type]
                found.files.append(full)
    return any_article


def _not_readable(path: str, follow_symlinks: bool) -> str | None:
    """Why a folder's entry with an article's suffix is not read, if it is not."""
    if not follow_symlinks and os.path.islink(path):
        return "a symbolic link, not followed (--follow-symlinks follows it)"
    try:
        mode = os.stat(path).st_mode
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    kind = file_kind(mode)
    return None if kind is None else f"{kind}, not read"


def iter_article_paths(
    paths: Iterable[str | os.PathLike[str]], *, follow_symlinks: bool = False
) -> Iterator[str]:
    """The files of :func:`find_article_files`, one by one."""
    yield from find_article_files(paths, follow_symlinks=follow_symlinks).files


def _display_path(path: Path) -> str:
    """The path relative to the working directory when it is inside it, else absolute
    (normalised, symbolic links not resolved: the name the user sees)."""
    absolute = os.path.abspath(path)
    cwd = os.getcwd()
    if absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return Path(absolute).as_posix()
