"""``kgraph ingest``: articles → the Turtle store."""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from .read.files import DEFAULT_MAX_BYTES, READERS, ArticleFiles, find_article_files, read_article
from .read.article import Article
from .errors import ArticleError, printable
from .resolve.gazetteer import Gazetteer
from .map.mapping import Mapper
from .store.graph import DEFAULT_STORE, recovering, remote_endpoint, require_folder
from .store.turtle_store import TurtleStore
from .resolve.topics import default_scheme

if TYPE_CHECKING:
    from .fetch import FetchReport
    from .store.remote.endpoint import Endpoint
    from .store.remote.editor import RemoteStore
    from .read.web import WebOptions


#: Articles written to the index in one transaction.
BATCH_SIZE = 1000


@dataclass
class IngestReport:
    """What an ingest did. ``failed`` holds one line per file that was skipped."""

    store: "Path | Endpoint"
    articles: int = 0
    visits: int = 0
    triples_before: int = 0
    triples_after: int = 0
    written: bool = False
    failed: list[str] = field(default_factory=list)
    extracted: list[str] = field(default_factory=list)
    """Raw articles whose visits the extractor found (``kg:method "extracted"``)."""
    extracted_visits: int = 0
    """Of :attr:`visits`, those the extractor found in raw articles."""
    raw_without_visits: int = 0
    """Raw articles in which the extractor found no visit."""
    warnings: list[str] = field(default_factory=list)
    fetch: "FetchReport | None" = None
    """What fetching the URLs among the paths did (``None``: no URL was given)."""
    skipped: list[str] = field(default_factory=list)
    """Entries of the folders read that are not article files (other suffixes), or
    ``path: reason`` for those that could not be read as one (FIFOs, devices, links)."""
    files: int = 0
    """How many article files were read (or tried)."""
    unread: list[str] = field(default_factory=list)
    """``path: reason`` for the entries of :attr:`skipped` that have an article's suffix
    but could not be read as one (FIFOs, devices, links)."""

    @property
    def needs_extraction(self) -> list[str]:
        """Always empty since raw articles are extracted (kept for callers of 0.x)."""
        return []

    @property
    def new_triples(self) -> int:
        return self.triples_after - self.triples_before

    @property
    def ok(self) -> bool:
        return not self.failed

    def summary(self) -> str:
        extracted = f" ({self.extracted_visits} extracted)" if self.extracted_visits else ""
        parts = [
            f"{self.articles} article{'s' if self.articles != 1 else ''}",
            f"{self.visits} visit{'s' if self.visits != 1 else ''}{extracted}",
            f"{self.triples_after} triples ({self.new_triples:+d})",
            f"{len(self.warnings)} warning{'s' if len(self.warnings) != 1 else ''}",
        ]
        if not self.files:  # the store was not opened
            parts = ["nothing to ingest"]
        if self.raw_without_visits:
            n = self.raw_without_visits
            parts.append(f"{n} raw article{'s' if n != 1 else ''} without a visit")
        if self.skipped:
            parts.append(f"{len(self.skipped)} other file{'s' if len(self.skipped) != 1 else ''}"
                         " skipped")
        if self.failed:
            parts.append(f"{len(self.failed)} failed")
        state = "" if self.written else " (unchanged)"
        verb = "ingested " if self.files else ""
        return f"{verb}{', '.join(parts)} → {self.store}{state}"


def ingest(
    paths: "Iterable[str | os.PathLike[str]] | ArticleFiles",
    *,
    store: str | os.PathLike[str] = DEFAULT_STORE,
    max_bytes: int = DEFAULT_MAX_BYTES,
    follow_symlinks: bool = False,
    on_file: Callable[[str], None] | None = None,
    web_options: "WebOptions | None" = None,
) -> IngestReport:
    """Read, map and store articles; each article replaces what it said before.

    Raw articles (no ``visits`` key) go through the extractor first; their visits are
    marked ``kg:method "extracted"`` with a ``kg:confidence``. http(s) URLs among
    ``paths`` are fetched first (:func:`kgraph.fetch.fetch`, with ``web_options``) into
    the folder beside the store (``kgraph.articles/`` for ``kgraph.ttl``), and their
    article files are ingested; a page that cannot be fetched is reported in ``failed``.

    ``paths`` are files, folders (read recursively) and ``"-"`` (standard input), or
    what :func:`~kgraph.read.files.find_article_files` found in them. A file that cannot be
    read or mapped, and a folder without article files, is reported in ``failed`` and
    skipped; the others are stored. Files of other kinds in folders are counted in
    ``skipped``. When there is no article file at all, the store is not touched. Raises
    :class:`~kgraph.errors.StoreError` when the store itself cannot be read, locked or
    written (then nothing is written).
    """
    endpoint = remote_endpoint(store)
    if endpoint is None:
        require_folder(store)
    where = endpoint if endpoint is not None else Path(store)
    fetched = IngestReport(store=where)  # what fetching the URLs among the paths did
    if not isinstance(paths, ArticleFiles):
        paths = _fetch_urls(list(paths), store, fetched, web_options)
    found = paths if isinstance(paths, ArticleFiles) \
        else find_article_files(paths, follow_symlinks=follow_symlinks)
    suffixes = ", ".join(READERS)

    def attempt() -> IngestReport:
        report = IngestReport(
            store=where, files=len(found.files), fetch=fetched.fetch, unread=found.skipped,
            skipped=[*found.skipped, *map(printable, found.other)],
            failed=[*fetched.failed, *(f"{printable(folder)}: no article files found "
                                       f"({suffixes})" for folder in found.empty)])
        if found.files:
            _store_articles(found.files, _open_store(store, endpoint), report,
                            max_bytes=max_bytes, on_file=on_file)
        return report

    return recovering(store, attempt)  # a damaged index is rebuilt, and the ingest redone


def _store_articles(files: list[str], target: "TurtleStore | RemoteStore",
                    report: IngestReport, *, max_bytes: int,
                    on_file: Callable[[str], None] | None) -> None:
    """Read, map and store ``files`` into ``target``, recording what happened."""
    mapper = Mapper(Gazetteer.default(), default_scheme())
    seen: dict[str, str] = {}
    batch: list = []
    with target.edit() as editor:
        report.triples_before = len(editor)
        for name in files:
            if on_file is not None:
                on_file(name)
            try:
                article = read_article(name, max_bytes=max_bytes)
                raw = article.is_raw
                if raw:
                    _extract_into(article)
                    report.extracted.append(article.source)
                graph = mapper.map_article(article)
            except ArticleError as exc:
                report.failed.append(printable(str(exc)))
                continue
            if article.key in seen:
                same = f"same url {article.url}" if article.url else "same text"
                report.warnings.append(printable(
                    f"{article.source}: same article as {seen[article.key]} ({same}); "
                    "the later file wins"))
            seen[article.key] = article.source
            batch.append(graph)
            if len(batch) >= BATCH_SIZE:
                editor.replace_articles(batch)
                batch.clear()
            report.articles += 1
            report.visits += len(graph.visits)
            if raw:
                report.extracted_visits += len(graph.visits)
                report.raw_without_visits += not graph.visits
            report.warnings.extend(map(printable, graph.warnings))
        editor.replace_articles(batch)
    report.triples_after = len(editor)  # after the edit: derived triples included
    report.written = editor.saved


def _fetch_urls(paths: list, store: "str | os.PathLike[str] | Endpoint", report: IngestReport,
                web_options: "WebOptions | None") -> list:
    """``paths`` with each http(s) URL replaced by the article file fetched from it."""
    from .read.webpage import is_url

    urls = [str(p) for p in paths if is_url(str(p))]
    if not urls:
        return paths
    from .fetch import articles_dir, fetch

    report.fetch = fetch(urls, out_dir=articles_dir(store), options=web_options)
    files = {o.source: o.file for o in report.fetch.outcomes}
    report.failed.extend(f"{o.source}: {o.reason}" for o in report.fetch.having("failed"))
    out: list = []
    for path in paths:
        name = files.get(str(path)) if is_url(str(path)) else path
        if name is not None and name not in out:
            out.append(name)
    return out


def _open_store(store: "str | os.PathLike[str] | Endpoint",
                endpoint: "Endpoint | None") -> "TurtleStore | RemoteStore":
    """The Turtle file, or the SPARQL server whose updates replace each batch of
    articles atomically (see :mod:`kgraph.store.remote.editor`)."""
    if endpoint is None:
        return TurtleStore(store)  # type: ignore[arg-type]
    from .store.remote.editor import RemoteStore

    return RemoteStore(endpoint)


def _extract_into(article: Article) -> None:
    """Fill a raw article's visits (and a missing title) from the extractor."""
    from .extract import extract, headline

    if not article.title:
        article.title = headline(article)
    article.visits = [visit.annotation() for visit in extract(article)]
