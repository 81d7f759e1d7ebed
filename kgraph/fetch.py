"""``kgraph fetch``: news pages (URLs, RSS/Atom feeds, saved ``.html`` files) → raw
article files in a folder, the user's reproducible corpus.

Each page becomes one file named after its canonical URL (:func:`kgraph.read.webpage.file_name`)
with front matter ``url``, ``title``, ``published``, ``publisher``, ``author`` and
``fetched``, then the report's text. The folder remembers what was fetched
(:data:`STATE_FILE`), so a URL or feed entry fetched before is not asked for again, and an
article file already there is never overwritten (it may have been reviewed or annotated).
Files are written atomically.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import threading
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from .read.files import _display_path, is_converted, iter_article_paths, read_bytes
from .errors import ArticleError, KGraphError
from .store.files import atomic_write
from .read.web import FetchFailed, Skipped, WebClient, WebOptions
from .read.webpage import PageHints, WebArticle, file_name, is_url, read_page, url_key

#: What a folder of fetched articles remembers: URL keys → file names.
STATE_FILE = ".kgraph-fetched.json"
STATUSES = ("fetched", "already", "skipped", "failed")
def articles_dir(store: object) -> Path:
    """The folder beside a store that keeps the pages ``kgraph ingest URL`` fetched:
    ``kgraph.articles/`` for ``kgraph.ttl`` (in the working directory for a server)."""
    if not isinstance(store, (str, os.PathLike)) or is_url(str(store)):
        return Path("kgraph.articles")
    path = Path(store)
    stem = path.stem if path.suffix.lower() == ".ttl" else path.name
    return path.with_name(stem + ".articles")


@dataclass
class Outcome:
    """What became of one URL, feed or saved page asked for."""

    source: str
    status: str  # one of STATUSES
    file: str | None = None
    reason: str | None = None


@dataclass
class FetchReport:
    """What a fetch did, one :class:`Outcome` per source in the order given."""

    out_dir: Path
    outcomes: list[Outcome] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def having(self, status: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == status]

    @property
    def files(self) -> list[str]:
        """The article files of the pages fetched now or before, in order."""
        return [o.file for o in self.outcomes if o.file is not None]

    @property
    def ok(self) -> bool:
        return not self.having("failed")

    def summary(self) -> str:
        counts = {s: len(self.having(s)) for s in STATUSES}
        return (f"fetched {counts['fetched']} page{'s' if counts['fetched'] != 1 else ''}, "
                f"{counts['already']} already fetched, {counts['skipped']} skipped, "
                f"{counts['failed']} failed → {_display_path(self.out_dir)}/")


@dataclass(frozen=True)
class _Item:
    index: int
    url: str
    hints: PageHints = PageHints()


def fetch(
    sources: Iterable[str] = (),
    *,
    feeds: Iterable[str] = (),
    out_dir: str | os.PathLike[str] = "articles",
    since: dt.date | None = None,
    options: WebOptions | None = None,
    follow_symlinks: bool = False,
    on_total: Callable[[int], None] | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> FetchReport:
    """Fetch ``sources`` (http(s) URLs, or saved ``.html`` pages and folders of them) and
    the entries of ``feeds`` published on or after ``since`` into ``out_dir``.

    A source that cannot be fetched or read is reported in the outcomes (``failed``,
    with its reason) and the others are still written. Raises :class:`KGraphError`
    when the folder cannot be created or written.
    """
    options = options or WebOptions()
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise KGraphError(f"cannot create the folder: {exc.strerror or exc}",
                          file=str(out)) from None
    run = _Run(out, options, on_outcome)
    run.load_state()
    try:
        with WebClient(options) as client:
            run.client = client
            items, paths = run.plan(list(sources), list(feeds), since, follow_symlinks)
            if on_total is not None:
                on_total(len(items) + len(paths))
            for index, path in paths:
                run.settle(index, path, run.convert, path)
            run.fetch_all(items)
            run.settle_twins()
    finally:
        run.save_state()
    run.report.outcomes = [run.outcomes[i] for i in sorted(run.outcomes)]
    return run.report


class _Run:
    """One fetch: its folder, its memory of what was fetched, and its outcomes."""

    def __init__(self, out: Path, options: WebOptions,
                 on_outcome: Callable[[Outcome], None] | None) -> None:
        self.out, self.options, self.on_outcome = out, options, on_outcome
        self.report = FetchReport(out)
        self.outcomes: dict[int, Outcome] = {}
        self.state: dict[str, str] = {}
        self.changed = False
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.client: WebClient | None = None
        self.twins: list[tuple[int, str, int]] = []  # (index, URL, index of its first twin)

    # ------------------------------------------------------------------ memory

    def load_state(self) -> None:
        path = self.out / STATE_FILE
        try:
            state = json.loads(path.read_text(encoding="utf-8"))
            self.state = {str(k): str(v) for k, v in state["urls"].items()}
        except FileNotFoundError:
            pass
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            self.report.warnings.append(
                f"{_display_path(path)}: unreadable ({type(exc).__name__}); pages are "
                "fetched again, existing article files are kept")

    def save_state(self) -> None:
        if not self.changed:
            return
        data = json.dumps({"urls": dict(sorted(self.state.items()))}, indent=1,
                          ensure_ascii=False)
        try:
            atomic_write(self.out / STATE_FILE, data.encode("utf-8"))
        except OSError as exc:
            raise KGraphError(f"cannot write: {exc.strerror or exc}",
                              file=str(self.out / STATE_FILE)) from None

    def known(self, url: str) -> str | None:
        """The article file of a URL fetched before, if it is still there."""
        name = self.state.get(url_key(url))
        return name if name and (self.out / name).is_file() else None

    # ------------------------------------------------------------------ planning

    def plan(self, sources: list[str], feeds: list[str], since: dt.date | None,
             follow_symlinks: bool) -> tuple[list[_Item], list[tuple[int, str]]]:
        """The pages to fetch and the saved pages to convert, numbered in order; feeds
        are read here (a feed that fails is an outcome of its own)."""
        items: list[_Item] = []
        paths: list[tuple[int, str]] = []
        seen: dict[str, int] = {}
        index = 0

        def add(url: str, hints: PageHints = PageHints()) -> None:
            nonlocal index
            key = url_key(url) if url.lower().startswith(("http://", "https://")) else url
            if key in seen:
                self.twins.append((index, url, seen[key]))
            else:
                seen[key] = index
                items.append(_Item(index, url, hints))
            index += 1

        for feed in feeds:
            entries = self.read_feed(index, feed)
            if entries is None:
                index += 1
                continue
            for entry in entries:
                if since is None or entry.published is None or entry.published >= since:
                    add(entry.url, PageHints(title=entry.title, published=entry.published))
        for source in sources:
            if is_url(source):
                add(source)
                continue
            folder = os.path.isdir(source)
            for name in iter_article_paths([source], follow_symlinks=follow_symlinks):
                if folder and not is_converted(name):
                    continue  # article files in a folder of saved pages: not web pages
                paths.append((index, name))
                index += 1
        return items, paths

    def read_feed(self, index: int, url: str):  # type: ignore[no-untyped-def]
        from .read.feeds import read_feed

        assert self.client is not None
        try:
            answer = self.client.get(url, types=None)
            return read_feed(answer.data, url=answer.url, media_type=answer.media_type)
        except (FetchFailed, Skipped) as exc:
            self.record(index, Outcome(url, "failed", reason=exc.reason))
        except ArticleError as exc:
            self.record(index, Outcome(url, "failed", reason=exc.message))
        return None

    # ------------------------------------------------------------------ doing

    def fetch_all(self, items: list[_Item]) -> None:
        todo: dict[str, list[_Item]] = defaultdict(list)
        for item in items:
            known = self.known(item.url) if item.url.lower().startswith("http") else None
            if known is not None:
                self.record(item.index, Outcome(item.url, "already", self.path_of(known)))
            else:
                todo[url_key(item.url).split("/", 1)[0]].append(item)
        if not todo:
            return
        with ThreadPoolExecutor(max_workers=max(1, min(self.options.jobs, len(todo)))) as pool:
            try:
                for _ in pool.map(self.fetch_host, todo.values()):
                    pass
            except BaseException:  # Ctrl-C, a folder that cannot be written: stop them all
                self.stop.set()
                raise

    def settle_twins(self) -> None:
        """A URL asked for twice in one run (or an AMP twin of another): the first's file."""
        for index, url, first in self.twins:
            done = self.outcomes[first]
            if done.file is not None:
                self.record(index, Outcome(url, "already", done.file, f"same as {done.source}"))
            else:
                self.record(index, Outcome(url, done.status, reason=done.reason))

    def fetch_host(self, items: list[_Item]) -> None:
        """One host's pages, one after the other (the client spaces them)."""
        for item in items:
            if self.stop.is_set():
                return
            self.settle(item.index, item.url, self.download, item)

    def settle(self, index: int, source: str, work: Callable, arg) -> None:  # type: ignore[type-arg,no-untyped-def]
        try:
            outcome = work(arg)
        except Skipped as exc:
            outcome = Outcome(source, "skipped", reason=exc.reason)
        except FetchFailed as exc:
            outcome = Outcome(source, "failed", reason=exc.reason)
        except ArticleError as exc:
            outcome = Outcome(source, "failed", reason=exc.message)
        self.record(index, outcome)

    def download(self, item: _Item) -> Outcome:
        assert self.client is not None
        answer = self.client.get(item.url)
        hints = PageHints(url=answer.url, charset=answer.charset, title=item.hints.title,
                          published=item.hints.published,
                          fetched=dt.datetime.now(dt.timezone.utc))
        article = read_page(answer.data, source=answer.url, hints=hints)
        name = file_name(article.url or answer.url)
        return self.save(item.url, article, name, keys=(item.url, answer.url, article.url))

    def convert(self, path: str) -> Outcome:
        if not is_converted(path):
            return Outcome(path, "skipped", reason="already an article file: ingest it as it is")
        data, source = read_bytes(path, max_bytes=self.options.max_bytes)
        article = read_page(data, source=source)
        if article.url:
            name = file_name(article.url)
        else:
            stem = re.sub(r"[^a-z0-9]+", "-", Path(path).stem.lower()).strip("-") or "page"
            name = f"{stem[:60]}_{hashlib.sha1(data).hexdigest()[:8]}.txt"
        return self.save(source, article, name, keys=(article.url,))

    def save(self, source: str, article: WebArticle, name: str,
             keys: Iterable[str | None]) -> Outcome:
        target = self.out / name
        with self.lock:
            status = "already" if target.exists() else "fetched"
            if status == "fetched":
                try:
                    atomic_write(target, article.text().encode("utf-8"))
                except OSError as exc:
                    raise KGraphError(f"cannot write: {exc.strerror or exc}",
                                      file=str(target)) from None
            for key in keys:
                if key:
                    self.state[url_key(key)] = name
            self.changed = True
        reason = None if status == "fetched" else "the same article is already there"
        return Outcome(source, status, self.path_of(name), reason)

    def path_of(self, name: str) -> str:
        return _display_path(self.out / name)

    def record(self, index: int, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes[index] = outcome
        if self.on_outcome is not None:
            with self.lock:
                self.on_outcome(outcome)
