"""The Turtle store: load, edit under a lock, save atomically.

Writes go to a temporary file in the store's folder, are fsynced, then renamed over the
store, so a crash leaves either the old or the new file, never a half-written one. A lock
file (``<store>.lock``) serialises writers. The store is written sorted
(:mod:`kgraph.turtle`), so an ingest that changes nothing leaves the bytes identical.
"""
from __future__ import annotations

import errno
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pyoxigraph as ox
from filelock import FileLock, Timeout

from .errors import StoreError
from .mapping import ArticleGraph
from .namespace import DATA_PREFIXES, KG, KG_NS, PREFIXES, RDF, RDFS
from .turtle import TurtleWriter

DEFAULT_STORE = "kgraph.ttl"
LOCK_TIMEOUT = 120.0
_DG = ox.DefaultGraph()
# Nodes that stay even when nothing points to them: articles (an article with
# ``visits: []`` is a fact too) and the classes of the ontology.
_KEPT = (DATA_PREFIXES["article"], KG_NS)

# What a visit carries as the union of its reports.
_VISIT_DERIVED = (
    KG.source, KG.method, KG.confidence, KG.ledBy, KG.receivedBy, KG.topic,
    KG.signedAgreement, KG.place, KG.evidence,
)


def writer() -> TurtleWriter:
    return TurtleWriter({**PREFIXES, **DATA_PREFIXES})


def load_graph(path: str | os.PathLike[str], *, missing_ok: bool = False) -> ox.Store:
    """Parse the Turtle store at ``path`` into an in-memory pyoxigraph store.

    Raises :class:`StoreError` when it is missing (unless ``missing_ok``) or invalid.
    """
    graph = ox.Store()
    p = Path(path)
    if not p.exists():
        if missing_ok:
            return graph
        raise StoreError(f"no store at {p}", hint="run kgraph ingest first")
    try:
        with open(p, "rb") as handle:
            graph.bulk_load(handle, ox.RdfFormat.TURTLE, to_graph=_DG)
    except SyntaxError as exc:
        raise StoreError(
            f"not valid Turtle: {exc}", file=str(p),
            hint="fix the file or restore it from version control",
        ) from None
    except OSError as exc:
        raise StoreError(f"cannot read: {exc.strerror or exc}", file=str(p)) from None
    return graph


def open_graph(path: str | os.PathLike[str]) -> ox.Store:
    """The store's graph for reading (queries, visualisation, statistics).

    Callers must not modify it. Raises :class:`StoreError` when the store is missing
    (``no store at kgraph.ttl (run kgraph ingest first)``) or invalid.
    """
    return load_graph(path)


def serialize(graph: ox.Store) -> str:
    return writer().serialize(graph.quads_for_pattern(None, None, None, _DG))


def atomic_write(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` through a fsynced temporary file and a rename."""
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if target.exists():
            os.chmod(tmp, target.stat().st_mode & 0o7777)
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


@contextmanager
def locked(path: str | os.PathLike[str], *, timeout: float = LOCK_TIMEOUT) -> Iterator[None]:
    """Hold the store's writer lock (``<store>.lock``)."""
    lock_path = f"{path}.lock"
    try:
        lock = FileLock(lock_path, timeout=timeout)
        with lock:
            yield
    except Timeout:
        raise StoreError(
            f"the store is locked by another kgraph process (waited {timeout:.0f} s)",
            file=str(path), hint=f"if no kgraph is running, delete {lock_path}",
        ) from None
    except OSError as exc:
        raise StoreError(
            f"cannot lock the store: {exc.strerror or exc}", file=str(path),
        ) from None


class TurtleStore:
    """A Turtle file edited as a whole: ``with store.edit() as editor: ...``."""

    def __init__(self, path: str | os.PathLike[str] = DEFAULT_STORE) -> None:
        self.path = Path(path)

    @contextmanager
    def edit(self) -> Iterator["GraphEditor"]:
        """Lock, load, yield an editor; save atomically if the content changed.

        Nothing is written when the block raises.
        """
        if self.path.is_dir():
            raise StoreError("is a directory, not a Turtle file", file=str(self.path))
        with locked(self.path):
            graph = load_graph(self.path, missing_ok=True)
            before = self.path.read_bytes() if self.path.exists() else None
            editor = GraphEditor(graph)
            yield editor
            data = serialize(graph).encode("utf-8")
            editor.saved = data != before
            if editor.saved:
                try:
                    atomic_write(self.path, data)
                except OSError as exc:
                    reason = exc.strerror or str(exc)
                    if exc.errno == errno.ENOSPC:
                        reason = "no space left on the device"
                    raise StoreError(
                        f"cannot write the store: {reason}; the old store is intact",
                        file=str(self.path),
                    ) from None


def _q(s, p, o) -> ox.Quad:  # type: ignore[no-untyped-def]
    return ox.Quad(s, p, o, _DG)


class GraphEditor:
    """Replaces what articles said, keeping derived triples and references consistent."""

    def __init__(self, graph: ox.Store) -> None:
        self.graph = graph
        self.saved = False

    def __len__(self) -> int:
        return len(self.graph)

    # ------------------------------------------------------------------ helpers

    def _objects(self, s, p) -> list:  # type: ignore[no-untyped-def]
        return [q.object for q in self.graph.quads_for_pattern(s, p, None, _DG)]

    def _subjects(self, p, o) -> list:  # type: ignore[no-untyped-def]
        return [q.subject for q in self.graph.quads_for_pattern(None, p, o, _DG)]

    def _remove_subject(self, s) -> list:  # type: ignore[no-untyped-def]
        quads = list(self.graph.quads_for_pattern(s, None, None, _DG))
        for quad in quads:
            self.graph.remove(quad)
        return quads

    def _referenced(self, node) -> bool:  # type: ignore[no-untyped-def]
        return next(iter(self.graph.quads_for_pattern(None, None, node, _DG)), None) is not None

    # ------------------------------------------------------------------ editing

    def replace_article(self, new: ArticleGraph) -> None:
        """Retract what the article said before, then add what it says now."""
        visits, people, orphans = self._retract(new.article)
        for triple in new.reference:
            self.graph.add(_q(*triple))
        for triple in new.owned:
            self.graph.add(_q(*triple))
        for person, label in new.person_labels.items():
            if not self._objects(person, RDFS.label):
                self.graph.add(_q(person, RDFS.label, label))
        visits.update(new.visits)
        for triple in new.owned:
            if triple[1] in (KG.ledBy, KG.receivedBy):
                people.add(triple[2])
        self._derive(visits, people)
        self._collect(orphans | visits | people)

    def remove_article(self, article: ox.NamedNode) -> None:
        """Retract everything an article said."""
        visits, people, orphans = self._retract(article)
        self._derive(visits, people)
        self._collect(orphans | visits | people)

    def _retract(self, article: ox.NamedNode) -> tuple[set, set, set]:
        visits: set = set()
        people: set = set()
        orphans: set = set()
        for report in self._subjects(KG.source, article):
            if not any(True for _ in self.graph.quads_for_pattern(
                    report, RDF.type, KG.VisitReport, _DG)):
                continue
            for quad in self._remove_subject(report):
                if quad.predicate == KG.visit:
                    visits.add(quad.object)
                elif quad.predicate in (KG.ledBy, KG.receivedBy):
                    people.add(quad.object)
                elif isinstance(quad.object, ox.NamedNode):
                    orphans.add(quad.object)
        self._remove_subject(article)
        return visits, people, orphans

    def _derive(self, visits: set, people: set) -> None:
        """Recompute each visit's union of its reports, and people's roles/affiliations."""
        for v in visits:
            for p in _VISIT_DERIVED:
                for quad in list(self.graph.quads_for_pattern(v, p, None, _DG)):
                    self.graph.remove(quad)
            confidences = []
            for report in self._subjects(KG.visit, v):
                for quad in self.graph.quads_for_pattern(report, None, None, _DG):
                    if quad.predicate == KG.confidence:
                        confidences.append(quad.object)
                    elif quad.predicate in _VISIT_DERIVED:
                        self.graph.add(_q(v, quad.predicate, quad.object))
            if confidences:
                best = max(confidences, key=lambda lit: float(lit.value))
                self.graph.add(_q(v, KG.confidence, best))
        for person in people:
            for p in (KG.role, KG.affiliation):
                for quad in list(self.graph.quads_for_pattern(person, p, None, _DG)):
                    self.graph.remove(quad)
            for link, role_prop, party in (
                (KG.ledBy, KG.leaderRole, KG.visitor),
                (KG.receivedBy, KG.receiverRole, KG.hostedBy),
            ):
                for report in self._subjects(link, person):
                    for role in self._objects(report, role_prop):
                        self.graph.add(_q(person, KG.role, role))
                    for visit in self._objects(report, KG.visit):
                        for government in self._objects(visit, party):
                            self.graph.add(_q(person, KG.affiliation, government))

    def _collect(self, candidates: set) -> None:
        """Delete nodes no longer referenced by anything (visits, people, governments,
        regions, topics, agreements), following what they referenced in turn."""
        work = [c for c in candidates if isinstance(c, ox.NamedNode)]
        while work:
            node = work.pop()
            if node.value.startswith(_KEPT) or self._referenced(node):
                continue
            if node.value.startswith(DATA_PREFIXES["visit"]) and self._subjects(KG.visit, node):
                continue
            removed = self._remove_subject(node)
            work.extend(q.object for q in removed if isinstance(q.object, ox.NamedNode)
                        and q.predicate != RDF.type)
