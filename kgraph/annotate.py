"""``kgraph annotate``: raw articles → annotated articles for a person to review.

Each article is written back with its front matter filled in (``visits`` with evidence,
confidence, ``method: extracted`` and the ``spans`` each fact was read from); the body is
written unchanged. A reviewer corrects the visits, deletes ``method: extracted`` (or sets
it to ``annotated``) and ingests the file as annotated.
"""
from __future__ import annotations

import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

import yaml

from .read.files import (
    DEFAULT_MAX_BYTES, STDIN, article_text, is_converted, iter_article_paths, read_bytes,
)
from .read.article import Article
from .read.frontmatter import _split_front_matter, parse_article
from .errors import ArticleError, KGraphError
from .extract import ExtractedVisit, extract, headline
from .store.files import atomic_write


#: The line before each article when several go to standard output (as ``head`` does).
STREAM_HEADER = "==> {} <=="


@dataclass
class AnnotateReport:
    """What an annotate run did: one entry per article written or skipped."""

    written: list[tuple[str, str, int]] = field(default_factory=list)  # (source, target, visits)
    skipped: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def annotate_text(data: bytes | str, *, source: str = "<string>", force: bool = False) -> tuple[str, list[ExtractedVisit]] | None:
    """The annotated text of one article, and its visits; ``None`` when the article is
    already annotated (unless ``force``: then its visits are extracted again).

    Raises :class:`ArticleError` for an article that cannot be read.
    """
    article = parse_article(data, source=source)
    if article.visits is not None and not force:
        return None
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    front, body = _split_front_matter(text, source)
    if article.visits is not None:
        article.visits = None
    visits = extract(article)
    head = _front_matter(article, front, visits)
    return f"---\n{head}---\n{body}", visits


def annotate(
    paths: Iterable[str | os.PathLike[str]],
    *,
    out_dir: str | os.PathLike[str] | None = None,
    in_place: bool = False,
    force: bool = False,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_symlinks: bool = False,
    write_stdout: Callable[[str], None] | None = None,
) -> AnnotateReport:
    """Annotate articles: to ``out_dir`` (same file names), over the inputs with
    ``in_place``, or else to ``write_stdout`` (standard output by default).

    An unreadable article is reported in ``failed`` and skipped. Raises
    :class:`KGraphError` when the output folder cannot be written.
    """
    report = AnnotateReport()
    write_stdout = write_stdout or sys.stdout.write
    target_dir = Path(out_dir) if out_dir is not None else None
    if target_dir is not None:
        if not target_dir.parent.is_dir():  # the folder is made, not a path to it
            raise KGraphError(f"no folder {target_dir.parent} to hold the output folder",
                              file=str(target_dir), hint="create it first, or check the path")
        try:
            target_dir.mkdir(exist_ok=True)
        except OSError as exc:
            raise KGraphError(f"cannot create the output folder: {exc.strerror or exc}",
                              file=str(target_dir)) from None
    files = list(iter_article_paths(paths, follow_symlinks=follow_symlinks))
    several = len(files) > 1 and target_dir is None and not in_place
    for name in files:
        converted = is_converted(name)  # a web page: its article is written as .txt
        try:
            data, source = read_bytes(name, max_bytes=max_bytes)
            if converted and in_place:
                raise ArticleError("a web page cannot be annotated in place; give -o DIR",
                                   file=source)
            result = annotate_text(article_text(data, name, source), source=source,
                                   force=force)
        except ArticleError as exc:
            report.failed.append(str(exc))
            continue
        if result is None:
            report.skipped.append(source)
            continue
        text, visits = result
        if in_place and name != STDIN:
            target = name
            _write_atomic(Path(name), text)
        elif target_dir is not None:
            base = "stdin.md" if name == STDIN else os.path.basename(name)
            if converted:
                base = os.path.splitext(base)[0] + ".txt"
            target = str(target_dir / base)
            _write_atomic(Path(target), text)
        else:
            target = "-"
            if several:  # one after another, each under a header line as head(1) writes
                write_stdout(f"{chr(10) if report.written else ''}{STREAM_HEADER.format(source)}\n")
            write_stdout(text)
        report.written.append((source, target, len(visits)))
    return report


def _write_atomic(path: Path, text: str) -> None:
    try:
        atomic_write(path, text.encode("utf-8"))
    except OSError as exc:
        raise KGraphError(f"cannot write: {exc.strerror or exc}", file=str(path)) from None


# --------------------------------------------------------------------------- YAML


def _front_matter(article: Article, front: str | None, visits: list[ExtractedVisit]) -> str:
    if front is None or not front.strip():
        lines = []
        title = headline(article)
        if title:
            lines.append(f"title: {_scalar(title)}")
        if article.published:
            lines.append(f"published: {article.published.isoformat()}")
        head = "".join(line + "\n" for line in lines)
    else:
        mapping = yaml.safe_load(front) or {}
        if isinstance(mapping, dict) and "visits" in mapping:  # --force: replace the visits
            mapping.pop("visits")
            head = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False, width=100)
            if not mapping:
                head = ""
        else:
            head = front if front.endswith("\n") else front + "\n"
    return head + _visits_yaml(visits)


def _visits_yaml(visits: list[ExtractedVisit]) -> str:
    if not visits:
        return "visits: []\n"
    out = ["visits:"]
    for v in visits:
        rows: list[tuple[str, str]] = [("visitor", _scalar(v.visitor)), ("host", _scalar(v.host))]
        if v.date:
            rows.append(("date", v.date.isoformat()))
        for key, person in (("led_by", v.led_by), ("received_by", v.received_by)):
            if person:
                inner = [f"name: {_scalar(person.name)}"]
                if person.role:
                    inner.append(f"role: {_scalar(person.role)}")
                rows.append((key, "{" + ", ".join(inner) + "}"))
        if v.topics:
            rows.append(("topics", "[" + ", ".join(_scalar(t) for t in v.topics) + "]"))
        if v.agreement:
            inner = [f"type: {_scalar(v.agreement.type)}"]
            if v.agreement.subject:
                inner.append(f"subject: {_scalar(v.agreement.subject)}")
            rows.append(("agreement", "{" + ", ".join(inner) + "}"))
        if v.place:
            rows.append(("place", _scalar(v.place)))
        if v.evidence:
            rows.append(("evidence", _quoted(v.evidence)))
        rows.append(("confidence", f"{v.confidence:.2f}"))
        rows.append(("method", "extracted"))
        for i, (key, value) in enumerate(rows):
            out.append(("  - " if i == 0 else "    ") + f"{key}: {value}")
        if v.spans:
            out.append("    spans:")
            for key, span in v.spans.items():
                out.append(f"      {key}: {{start: {span.start}, end: {span.end}, "
                           f"text: {_quoted(span.text)}}}")
    return "\n".join(out) + "\n"


_PLAIN_RE = re.compile(r"[A-Za-z][A-Za-z0-9 .'’()/-]*[A-Za-z0-9.)]|[A-Za-z]")
_YAML_WORDS = frozenset("yes no true false null on off y n ~".split())


def _scalar(value: str) -> str:
    """A YAML scalar safe in block and flow context: plain when it can be, else quoted."""
    if _PLAIN_RE.fullmatch(value) and value.lower() not in _YAML_WORDS and ": " not in value \
            and " #" not in value:
        return value
    return _quoted(value)


def _quoted(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)
