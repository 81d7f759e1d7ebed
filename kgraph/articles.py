"""Reading article files: YAML front matter with annotations, or raw text.

The format is the contract in DESIGN.md: a UTF-8 text file, optional YAML front matter
between ``---`` lines, then the body. Every problem is an :class:`ArticleError` naming the
file and the field (``examples/x.md: visits[1].host: missing``).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import stat
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Iterator
from urllib.parse import urlsplit

import yaml

from .errors import ArticleError, printable
from .resolve.names import name_key

try:  # the C loader is much faster; both are safe loaders
    from yaml import CSafeLoader as _SafeLoader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _SafeLoader  # type: ignore[assignment]


class _YamlLoader(_SafeLoader):  # type: ignore[misc,valid-type]
    """A safe loader that leaves dates as text, so that kgraph checks them itself and an
    invalid date is reported with its field rather than as a YAML error."""


_YamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _SafeLoader.yaml_implicit_resolvers.items()
}


class _Mapping(dict):
    """A mapping of the front matter that remembers the keys given more than once
    (``duplicates``: key → the line of its second occurrence), which YAML would
    silently resolve as "the last one wins"."""

    duplicates: dict[str, int] = {}


def _construct_mapping(loader: _YamlLoader, node: yaml.MappingNode) -> Iterator[_Mapping]:
    data = _Mapping()
    yield data
    seen: set[str] = set()
    duplicates: dict[str, int] = {}
    for key_node, _value in node.value:
        if isinstance(key_node, yaml.ScalarNode) and key_node.tag != "tag:yaml.org,2002:merge":
            if key_node.value in seen:
                duplicates.setdefault(key_node.value, key_node.start_mark.line + 2)
            seen.add(key_node.value)
    data.duplicates = duplicates
    data.update(loader.construct_mapping(node))


_YamlLoader.add_constructor("tag:yaml.org,2002:map", _construct_mapping)

#: Default largest article accepted, in bytes (``--max-size`` changes it).
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

STDIN = "-"

ARTICLE_KEYS = ("title", "url", "published", "publisher", "author", "fetched", "language",
                "visits")
VISIT_KEYS = (
    "visitor", "host", "date", "led_by", "received_by", "topics", "agreement", "place",
    "evidence", "confidence", "method", "spans",
)
METHODS = ("annotated", "extracted")
SPAN_KEYS = ("start", "end", "text")
_SPAN_FIELD_RE = re.compile(
    r"(?:visitor|host|date|led_by|received_by|agreement|place|evidence|topics\[\d+\])")
PERSON_KEYS = ("name", "role")
AGREEMENT_KEYS = ("type", "subject")


@dataclass(frozen=True)
class PersonRef:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class AgreementRef:
    type: str
    subject: str | None = None


@dataclass(frozen=True)
class VisitAnnotation:
    """One visit as an article states it (the ``visits`` entries of the front matter)."""

    visitor: str
    host: str
    date: dt.date | None = None
    led_by: PersonRef | None = None
    received_by: PersonRef | None = None
    topics: tuple[str, ...] = ()
    agreement: AgreementRef | None = None
    place: str | None = None
    evidence: str | None = None
    method: str = "annotated"
    confidence: float | None = None


@dataclass
class Article:
    """An article: where it came from, its metadata, body and visits.

    ``visits`` is ``None`` for a raw article (no ``visits`` key): it needs extraction.
    """

    source: str
    body: str
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    publisher: str | None = None
    language: str = "id"
    visits: list[VisitAnnotation] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    file_name: str | None = None
    """The name of the file it was read from, without its folder (``None`` for standard
    input): provenance, not identity."""

    @property
    def is_raw(self) -> bool:
        return self.visits is None

    @property
    def key(self) -> str:
        """What identifies the article across ingests: its URL, else its text (a hash of
        the body with Unicode and whitespace normalised), wherever it is read from."""
        if self.url:
            return self.url
        text = unicodedata.normalize("NFC", " ".join(self.body.split()))
        return "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def path_key(self) -> str | None:
        """The key kgraph 0.x gave an article without a URL read from a file: its path
        as displayed (see :func:`kgraph.mapping.legacy_iri`)."""
        return self.source if self.url is None and self.file_name is not None else None


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


def parse_article(data: bytes | str, *, source: str = "<string>") -> Article:
    """Parse an article from its bytes (UTF-8) or text."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            raise ArticleError(
                f"not valid UTF-8 (byte {exc.start}, line {line})",
                file=source,
                hint="convert the file to UTF-8",
            ) from None
    else:
        text = data
    text = text.lstrip("\ufeff")
    if "\x00" in text:
        raise ArticleError("contains NUL bytes: not a text file", file=source)
    if not text.strip():
        raise ArticleError("empty file: not an article", file=source)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    front, body = _split_front_matter(text, source)
    if front is None:
        return Article(source=source, body=body)
    meta = _load_yaml(front, source)
    article = _article_from_mapping(meta, body, source)
    if article.url is None and not body.strip():
        raise ArticleError("no url and no text: nothing identifies the article", file=source,
                           hint="add its url, or the article's text after the front matter")
    return article


_FRONT_END_RE = re.compile(r"^(?:---|\.\.\.)[ \t]*$", re.M)


def _split_front_matter(text: str, source: str) -> tuple[str | None, str]:
    if not re.match(r"---[ \t]*\n", text):
        return None, text
    start = text.index("\n") + 1
    end = _FRONT_END_RE.search(text, start)
    if end is None:
        raise ArticleError(
            "front matter has no closing '---' line", file=source, field="front matter"
        )
    body = text[end.end():]
    if body.startswith("\n"):
        body = body[1:]
    return text[start:end.start()], body


def _load_yaml(front: str, source: str) -> Any:
    try:
        return yaml.load(front, Loader=_YamlLoader)  # noqa: S506 - a safe loader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise ArticleError(
            f"invalid YAML{where}: {exc.problem or exc}", file=source, field="front matter"
        ) from None
    except (yaml.YAMLError, RecursionError, ValueError) as exc:
        raise ArticleError(f"invalid YAML: {exc}", file=source, field="front matter") from None


# --------------------------------------------------------------------------- validation


class _Fields:
    """Typed access to one mapping of the front matter, with error paths."""

    def __init__(self, mapping: Any, source: str, path: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(mapping, dict):
            raise ArticleError(
                f"expected a mapping of keys, got {_kind(mapping)}",
                file=source,
                field=path or "front matter",
            )
        for key in mapping:
            if key not in allowed:
                raise ArticleError(
                    f"unknown key (allowed: {', '.join(allowed)})",
                    file=source,
                    field=self._join(path, str(key)),
                )
        _check_duplicates(mapping, source, path)
        self.mapping, self.source, self.path = mapping, source, path

    @staticmethod
    def _join(path: str, key: str) -> str:
        return f"{path}.{key}" if path else key

    def error(self, key: str, message: str) -> ArticleError:
        return ArticleError(message, file=self.source, field=self._join(self.path, key))

    def text(self, key: str, *, required: bool = False) -> str | None:
        value = self.mapping.get(key)
        if value is None:
            if required:
                raise self.error(key, "missing")
            return None
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise self.error(key, f"expected text, got {_kind(value)}")
        value = " ".join(str(value).split())
        if not value:
            if required:
                raise self.error(key, "empty")
            return None
        return value

    def date(self, key: str) -> dt.date | None:
        value = self.mapping.get(key)
        if value is None:
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise self.error(key, f"invalid date {value!r} (expected YYYY-MM-DD)")

    def nested(self, key: str, allowed: tuple[str, ...]) -> "_Fields | None":
        value = self.mapping.get(key)
        if value is None:
            return None
        return _Fields(value, self.source, self._join(self.path, key), allowed)


def _check_duplicates(mapping: Any, source: str, path: str) -> None:
    """Refuse a key given twice in one mapping (YAML would keep the last silently)."""
    for key, line in getattr(mapping, "duplicates", {}).items():
        raise ArticleError(f"given twice (again at line {line}); keep one",
                           file=source, field=f"{path}.{key}" if path else key)


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false"}.get(
        type(value), type(value).__name__
    )


_NOT_IN_URL = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


def _article_from_mapping(meta: Any, body: str, source: str) -> Article:
    if meta is None:
        meta = {}
    fields = _Fields(meta, source, "", ARTICLE_KEYS)
    given = meta.get("url")
    if isinstance(given, str) and _NOT_IN_URL.search(given.strip()):
        # Collapsing it would make URLs that differ by a newline or a tab one article.
        raise fields.error("url", f"not a URL: it contains whitespace or control "
                                  f"characters: {given.strip()!r}")
    url = fields.text("url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise fields.error("url", f"not an http(s) URL: {url!r}")
    article = Article(
        source=source,
        body=body,
        title=fields.text("title"),
        url=url,
        published=fields.date("published"),
        publisher=fields.text("publisher"),
        language=fields.text("language") or "id",
    )
    for key, value in (("author", fields.text("author")), ("fetched", _fetched(fields))):
        if value is not None:
            article.extra[key] = value
    if "visits" in meta:
        visits = meta["visits"]
        if visits is None:
            visits = []
        if not isinstance(visits, list):
            raise fields.error("visits", f"expected a list of visits, got {_kind(visits)}")
        article.visits = [
            _visit(item, source, f"visits[{index}]", body) for index, item in enumerate(visits)
        ]
    return article


def _fetched(fields: _Fields) -> dt.datetime | None:
    """When a web page was fetched (``kgraph fetch`` writes it): an ISO date and time."""
    value = fields.mapping.get("fetched")
    if value is None or isinstance(value, dt.datetime):
        return value
    try:
        return dt.datetime.fromisoformat(str(value).strip())
    except ValueError:
        raise fields.error("fetched", f"invalid date and time {value!r} "
                           "(expected YYYY-MM-DD HH:MM:SS+HH:MM)") from None


def _visit(item: Any, source: str, path: str, body: str) -> VisitAnnotation:
    fields = _Fields(item, source, path, VISIT_KEYS)
    visitor = fields.text("visitor", required=True)
    host = fields.text("host", required=True)
    evidence = fields.text("evidence")
    if evidence is not None and evidence not in " ".join(body.split()):
        raise fields.error("evidence", "does not occur in the article body")
    _check_spans(fields, body)
    return VisitAnnotation(
        visitor=visitor,  # type: ignore[arg-type]
        host=host,  # type: ignore[arg-type]
        date=fields.date("date"),
        led_by=_person(fields, "led_by"),
        received_by=_person(fields, "received_by"),
        topics=_topics(fields),
        agreement=_agreement(fields),
        place=fields.text("place"),
        evidence=evidence,
        method=_method(fields),
        confidence=_confidence(fields),
    )


def _method(fields: _Fields) -> str:
    method = fields.text("method") or "annotated"
    if method not in METHODS:
        raise fields.error("method", f"expected one of {', '.join(METHODS)}, got {method!r}")
    return method


def _confidence(fields: _Fields) -> float | None:
    value = fields.mapping.get("confidence")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise fields.error("confidence", f"expected a number from 0 to 1, got {value!r}")
    return float(value)


def _check_spans(fields: _Fields, body: str) -> None:
    """``spans`` say where each fact was read: ``{field: {start, end, text}}``, offsets into
    the body; the text must still be there (so an edited body shows stale spans)."""
    value = fields.mapping.get("spans")
    if value is None:
        return
    if not isinstance(value, dict):
        raise fields.error("spans", f"expected a mapping of fields, got {_kind(value)}")
    path = fields._join(fields.path, "spans")
    _check_duplicates(value, fields.source, path)
    for key, item in value.items():
        if not isinstance(key, str) or not _SPAN_FIELD_RE.fullmatch(key):
            raise ArticleError("not a field of a visit", file=fields.source,
                               field=f"{path}.{key}")
        span = _Fields(item, fields.source, f"{path}.{key}", SPAN_KEYS)
        start, end = span.mapping.get("start"), span.mapping.get("end")
        if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)) \
                or not 0 <= start <= end <= len(body):
            raise span.error("start", f"expected offsets within the body, got {start!r}..{end!r}")
        text = span.mapping.get("text")
        if text is not None and body[start:end] != str(text):
            raise span.error("text", "does not match the body at these offsets "
                             "(update or remove the span)")


def _person(fields: _Fields, key: str) -> PersonRef | None:
    value = fields.mapping.get(key)
    if isinstance(value, str):
        name = fields.text(key)
        if name and not name_key(name):
            raise fields.error(key, f"not a person's name: {name!r}")
        return PersonRef(name) if name else None
    nested = fields.nested(key, PERSON_KEYS)
    if nested is None:
        return None
    name = nested.text("name", required=True)
    if not name_key(name):  # type: ignore[arg-type]
        raise nested.error("name", f"not a person's name: {name!r}")
    return PersonRef(name, nested.text("role"))  # type: ignore[arg-type]


def _agreement(fields: _Fields) -> AgreementRef | None:
    value = fields.mapping.get("agreement")
    if isinstance(value, str):
        kind = fields.text("agreement")
        return AgreementRef(kind) if kind else None
    nested = fields.nested("agreement", AGREEMENT_KEYS)
    if nested is None:
        return None
    return AgreementRef(nested.text("type", required=True), nested.text("subject"))  # type: ignore[arg-type]


def _topics(fields: _Fields) -> tuple[str, ...]:
    value = fields.mapping.get("topics")
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        raise fields.error("topics", f"expected a list of topics, got {_kind(value)}")
    topics: list[str] = []
    for index, item in enumerate(value):
        if isinstance(item, bool) or not isinstance(item, (str, int, float)):
            raise fields.error(f"topics[{index}]", f"expected text, got {_kind(item)}")
        text = " ".join(str(item).split())
        if text and text not in topics:
            topics.append(text)
    return tuple(topics)


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
