"""A materialised table of visits, kept with each snapshot of the store's index.

Whole-store aggregates (``kgraph query --preset pairs``, the visit network drawn by
``kgraph viz``) need every visit's visitor region, host region and date. The on-disk
index answers that in seconds at 100k visits, mostly decoding some 300k terms; this
table answers it in a fraction of a second. It is a file in each index snapshot
(``visits.tsv``), written by the writer that made the snapshot:

- in full (a few scans) when the index was rebuilt from the Turtle file;
- otherwise by re-reading only the visits whose triples changed (and the visits of
  governments whose region changed), so one more article costs milliseconds.

Each line holds one combination the SPARQL pattern
``?visit kg:visitor/kg:region ?from ; kg:hostedBy/kg:region ?to . OPTIONAL { ?visit
kg:date ?date }`` matches, terms written as in SPARQL TSV results::

    V <visit> <from> <to> "2021-05-03"^^<...#date>      (empty when undated)
    L <region> "Kota Malang"                            (the labels of the regions)

Each file starts with a header carrying the SHA-256 of the rest, so that a table edited
by hand is noticed. A table that is missing, unreadable, edited or from another version is
simply not used: the readers fall back to SPARQL over the index, which is slower and gives
the same answer (a table from an earlier kgraph is computed again, once).
"""
from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import pyoxigraph as ox

from ..rdf.namespace import PREFIXES
from ..rdf.tsv import blocks, date_value, select_tsv, string_value, tsv_rows
from .files import atomic_write

FILE_NAME = "visits.tsv"
#: The visits' topics and agreements (read by the network, not by ``--preset pairs``).
DETAILS_FILE = "visit-details.tsv"
_HEADER = "# kgraph visit table 2 sha256="
_DETAILS_HEADER = "# kgraph visit details 3 sha256="
#: Detail kinds, numbered as :mod:`kgraph.network.details` numbers them, and their predicates.
TOPIC, AGREEMENT = 1, 4
_DETAIL_PREDICATES = {TOPIC: "topic", AGREEMENT: "signedAgreement"}
_PREFIX = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in PREFIXES.items())
_Q_GOVERNMENTS = _PREFIX + "SELECT ?g ?r WHERE { ?g kg:region ?r }"
_Q_LABELS = _PREFIX + ("SELECT ?r ?l WHERE { { SELECT DISTINCT ?r WHERE { ?g kg:region ?r } }"
                       " ?r rdfs:label ?l }")
_Q_ALL = _PREFIX + "SELECT ?v ?o WHERE { ?v kg:%s ?o }"
_Q_SOME = _PREFIX + """SELECT ?v ?vg ?hg ?d WHERE {
  VALUES ?v { %s }
  ?v kg:visitor ?vg ; kg:hostedBy ?hg .
  OPTIONAL { ?v kg:date ?d }
}"""
_Q_DETAILS = _PREFIX + """SELECT ?v ?k ?x WHERE {
  VALUES ?v { %s }
  { ?v kg:topic ?x BIND(1 AS ?k) } UNION { ?v kg:signedAgreement ?x BIND(4 AS ?k) }
}"""
_Q_VISITS_OF = _PREFIX + """SELECT DISTINCT ?v WHERE {
  VALUES ?g { %s }
  { ?v kg:visitor ?g } UNION { ?v kg:hostedBy ?g }
}"""

Combo = tuple[str, str, str]  # (from region, to region, date or "") as TSV terms


def _tsv(graph: Any, query: str) -> Iterator[list[str]]:
    return tsv_rows(select_tsv(graph, query))


def _grouped(graph: Any, query: str) -> dict[str, list[str]]:
    """The rows (two terms each) of a SELECT grouped: first term → the second ones."""
    out: dict[str, list[str]] = defaultdict(list)
    for key, value in _tsv(graph, query):
        out[key].append(value)
    return dict(out)


@dataclass
class VisitTable:
    """Visit → the (from, to, date) combinations it contributes; region → labels; and,
    when loaded, visit → its (kind, topic or agreement) details."""

    visits: dict[str, list[Combo]] = field(default_factory=dict)
    labels: dict[str, list[str]] = field(default_factory=dict)
    details: "Details | None" = None

    # ------------------------------------------------------------------ building

    @classmethod
    def compute(cls, graph: Any) -> "VisitTable":
        """The table of the whole graph, from four scans."""
        region_of = cls._regions(graph)
        visitors, hosts, dates = (cls._scan(graph, p) for p in ("visitor", "hostedBy", "date"))
        table = cls(labels=cls._labels(graph))
        for visit, vgs in visitors.items():
            combos = cls._combos(vgs, hosts.get(visit, ()), dates.get(visit, ()), region_of)
            if combos:
                table.visits[visit] = combos
        table.compute_details(graph)
        return table

    def compute_details(self, graph: Any) -> None:
        """Read every visit's topics and agreements from ``graph``."""
        details: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for kind, predicate in _DETAIL_PREDICATES.items():
            for s, o in _tsv(graph, _Q_ALL % predicate):
                if s in self.visits:  # reports have topics too
                    details[s].append((kind, o))
        self.details = Details(details)

    def update(self, graph: Any, changed: Iterable[Any],
               details_changed: Iterable[Any] = ()) -> None:
        """Re-read what ``changed`` subjects now contribute: at least every subject
        whose ``kg:visitor``, ``kg:hostedBy``, ``kg:date`` or ``kg:region`` changed; and
        the details of those and of ``details_changed`` (whose ``kg:topic`` or
        ``kg:signedAgreement`` changed)."""
        subjects = sorted({f"<{s.value}>" for s in changed if isinstance(s, ox.NamedNode)})
        region_of = self._regions(graph)
        governments = [s for s in subjects if s in region_of]
        candidates = set(subjects)
        for block in blocks(governments):
            candidates.update(row[0] for row in _tsv(graph, _Q_VISITS_OF % block))
        found: dict[str, tuple[set, set, set]] = {}
        for block in blocks(sorted(candidates)):
            for v, vg, hg, d in _tsv(graph, _Q_SOME % block):
                vgs, hgs, ds = found.setdefault(v, (set(), set(), set()))
                vgs.add(vg)
                hgs.add(hg)
                if d:
                    ds.add(d)
        for visit in candidates:
            entry = found.get(visit)
            combos = self._combos(*entry, region_of) if entry else []
            if combos:
                self.visits[visit] = combos
            else:
                self.visits.pop(visit, None)
        self.labels = self._labels(graph)
        if self.details is None:
            self.compute_details(graph)
            return
        candidates.update(f"<{s.value}>" for s in details_changed
                          if isinstance(s, ox.NamedNode))
        visits = sorted(v for v in candidates if v in self.visits)  # not reports
        found_details: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for block in blocks(visits):
            for v, k, x in _tsv(graph, _Q_DETAILS % block):
                found_details[v].append((int(k), x))
        for visit in candidates:  # a visit gone loses its details too
            self.details.set(visit, found_details.get(visit, []))

    @staticmethod
    def _scan(graph: Any, predicate: str) -> dict[str, list[str]]:
        return _grouped(graph, _Q_ALL % predicate)

    @staticmethod
    def _regions(graph: Any) -> dict[str, list[str]]:
        return _grouped(graph, _Q_GOVERNMENTS)

    @staticmethod
    def _labels(graph: Any) -> dict[str, list[str]]:
        return _grouped(graph, _Q_LABELS)

    @staticmethod
    def _combos(visitors: Iterable[str], hosts: Iterable[str], dates: Iterable[str],
                region_of: dict[str, list[str]]) -> list[Combo]:
        when = sorted(set(dates)) or [""]
        return [(a, b, d)
                for vg in sorted(set(visitors)) for a in region_of.get(vg, ())
                for hg in sorted(set(hosts)) for b in region_of.get(hg, ())
                for d in when]

    # ------------------------------------------------------------------ file

    def dumps(self) -> bytes:
        lines = []
        for region in sorted(self.labels):
            lines.extend(f"L\t{region}\t{label}\n" for label in self.labels[region])
        for visit in sorted(self.visits):
            lines.extend(f"V\t{visit}\t{a}\t{b}\t{d}\n" for a, b, d in self.visits[visit])
        return _signed(_HEADER, "".join(lines))

    def dumps_details(self) -> bytes:
        assert self.details is not None
        return _signed(_DETAILS_HEADER, self.details.dumps())

    @staticmethod
    def current(folder: Path) -> bool:
        """Whether the table file in ``folder`` is of this kgraph's version (intact or
        not): one of an earlier version, or none, is computed again by readers."""
        try:
            with open(folder / FILE_NAME, encoding="utf-8") as handle:
                return handle.read(len(_HEADER)) == _HEADER
        except (OSError, UnicodeDecodeError):
            return False

    def save(self, folder: Path) -> None:
        """Write the table into a snapshot folder (before the snapshot is published)."""
        if self.details is not None:
            atomic_write(folder / DETAILS_FILE, self.dumps_details())
        atomic_write(folder / FILE_NAME, self.dumps())

    def load_details(self, folder: Path) -> bool:
        """Read the visits' details saved beside the table; whether they could be."""
        try:
            text = _verified(_DETAILS_HEADER, (folder / DETAILS_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return False
        if text is None:
            return False
        details = Details.loads(text)
        if details is None:
            return False
        self.details = details
        return True

    @classmethod
    def load(cls, folder: Path | None) -> "VisitTable | None":
        """The table saved in a snapshot folder; ``None`` if absent or unreadable."""
        if folder is None:
            return None
        try:
            text = _verified(_HEADER, (folder / FILE_NAME).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            return None
        if text is None:
            return None
        table = cls()
        visits: dict[str, list[Combo]] = defaultdict(list)
        labels: dict[str, list[str]] = defaultdict(list)
        # Regions and dates repeat: one string each (a third less memory at 100k visits).
        term = {"": ""}.setdefault
        for line in text.split("\n"):
            cells = line.split("\t")
            if cells[0] == "V" and len(cells) == 5:
                visits[cells[1]].append((term(cells[2], cells[2]), term(cells[3], cells[3]),
                                         term(cells[4], cells[4])))
            elif cells[0] == "L" and len(cells) == 3:
                labels[cells[1]].append(cells[2])
            elif line:
                return None
        table.visits, table.labels = dict(visits), dict(labels)
        return table

    # ------------------------------------------------------------------ reading

    def simple(self) -> bool:
        """Whether every visit has one visitor region, one host region and at most one
        date, an ``xsd:date`` (what the network reader's shortcut assumes)."""
        if any(len(c) != 1 for c in self.visits.values()):
            return False
        return all(date_value(d) for d in {c[0][2] for c in self.visits.values()} if d)

    def pairs_rows(self) -> list[tuple[str, str, int, str, str]] | None:
        """The rows of the ``pairs`` preset (visitor label, host label, visits, first,
        last, as TSV terms; "" for unbound) in its order; ``None`` when a date or label
        is of a kind this shortcut does not compare like SPARQL (then run the query)."""
        groups: dict[tuple[str, str], list[str]] = defaultdict(list)
        for combos in self.visits.values():
            for a, b, d in combos:
                groups[(a, b)].append(d)
        text: dict[str, str] = {}
        for terms in self.labels.values():
            for term in terms:
                value = string_value(term)
                if value is None:
                    return None
                text[term] = value
        order: dict[str, str | None] = {}
        for d in {d for dates in groups.values() for d in dates}:
            order[d] = date_value(d) if d else ""
            if order[d] is None:
                return None
        rows = []
        for (a, b), dates in groups.items():
            if "" in dates:  # SPARQL's MIN/MAX of a group with an unbound value: unbound
                first = last = ""
            else:
                first = min(dates, key=order.__getitem__)
                last = max(dates, key=order.__getitem__)
            for la in self.labels.get(a, ()):
                for lb in self.labels.get(b, ()):
                    rows.append((la, lb, len(dates), first, last))
        rows.sort(key=lambda r: (-r[2], text[r[0]], text[r[1]]))
        return rows


class Details:
    """Visit → its (kind, term) details, kept as the text of their line until asked."""

    def __init__(self, parsed: dict[str, list[tuple[int, str]]] | None = None,
                 raw: dict[str, str] | None = None) -> None:
        self._parsed = {v: d for v, d in (parsed or {}).items() if d}
        self._raw = raw or {}

    @classmethod
    def loads(cls, text: str) -> "Details | None":
        """One line a visit: ``<visit> TAB kind TAB term [TAB kind TAB term ...]``."""
        raw: dict[str, str] = {}
        for line in text.split("\n"):
            if not line:
                continue
            visit, tab, rest = line.partition("\t")
            if not tab or not visit.startswith("<") or rest.count("\t") % 2 == 0:
                return None
            raw[visit] = rest
        return cls(raw=raw)

    def get(self, visit: str) -> list[tuple[int, str]]:
        found = self._parsed.get(visit)
        if found is None and visit in self._raw:
            cells = self._raw.pop(visit).split("\t")
            found = self._parsed[visit] = [(int(cells[i]), cells[i + 1])
                                           for i in range(0, len(cells), 2)]
        return found or []

    def line(self, visit: str) -> str:
        """A visit's details as the text of its line after the visit (kind TAB term TAB
        kind TAB term ...; "" for none), without keeping them parsed: for reading many
        visits once (visits with the same topics have the same line)."""
        raw = self._raw.get(visit)
        if raw is not None:
            return raw
        return "\t".join(f"{k}\t{x}" for k, x in self._parsed.get(visit, ()))

    def lines(self, visits: list[str]) -> list[str]:
        """:meth:`line` of each of ``visits``."""
        raw = self._raw
        return [raw[v] if v in raw else self.line(v) for v in visits]

    def set(self, visit: str, details: list[tuple[int, str]]) -> None:
        self._raw.pop(visit, None)
        self._parsed.pop(visit, None)
        if details:
            self._parsed[visit] = details

    def visits(self) -> set[str]:
        return set(self._parsed) | set(self._raw)

    def dumps(self) -> str:
        lines = []
        for visit in sorted(self.visits()):
            raw = self._raw.get(visit)
            if raw is None:
                raw = "\t".join(f"{k}\t{x}" for k, x in self._parsed[visit])
            lines.append(f"{visit}\t{raw}\n")
        return "".join(lines)


def _signed(header: str, body: str) -> bytes:
    """A table file: ``header``, the SHA-256 of ``body``, a newline, then ``body``."""
    data = body.encode("utf-8")
    return f"{header}{hashlib.sha256(data).hexdigest()}\n".encode("ascii") + data


def _verified(header: str, text: str) -> str | None:
    """The body of a table file written by :func:`_signed`, or ``None`` when the file is
    of another version or its body does not match its checksum (edited by hand)."""
    first, newline, body = text.partition("\n")
    if not newline or not first.startswith(header):
        return None
    if hashlib.sha256(body.encode("utf-8")).hexdigest() != first[len(header):]:
        return None
    return body
