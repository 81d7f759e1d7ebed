"""An article's text parsed: YAML front matter with annotations, or raw text.

The format is the contract in DESIGN.md: a UTF-8 text file, optional YAML front matter
between ``---`` lines, then the body. Every problem is an :class:`ArticleError` naming the
file and the field (``examples/x.md: visits[1].host: missing``).
"""
from __future__ import annotations

import datetime as dt
import re
from typing import Any, Iterator
from urllib.parse import urlsplit

import yaml

from ..errors import ArticleError
from ..resolve.names import name_key
from .article import AgreementRef, Article, PersonRef, VisitAnnotation

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
