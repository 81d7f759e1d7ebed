"""A sorted, byte-stable Turtle writer.

The same set of triples always gives the same bytes (subjects, predicates and objects in
a fixed order, a fixed prefix header), so the store diffs well in git and an idempotent
ingest leaves the file byte-identical. pyoxigraph's own serialiser writes in store order.

Terms are handled in their N-Triples form (``str()`` of a pyoxigraph term, or a line of
pyoxigraph's N-Triples dump): sorting and escaping then come from one place, whether a
single block is patched or a whole store of millions of triples is written.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Iterator, Mapping

import pyoxigraph as ox

from .namespace import RDF_NS, RDFS_NS, XSD_NS

_LOCAL_RE = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?$")
_TYPE = f"<{RDF_NS}type>"
_LABEL = f"<{RDFS_NS}label>"
_BARE = {
    XSD_NS + "integer": re.compile(r"^[+-]?[0-9]+$"),
    XSD_NS + "decimal": re.compile(r"^[+-]?[0-9]*\.[0-9]+$"),
    XSD_NS + "boolean": re.compile(r"^(?:true|false)$"),
}


class TurtleWriter:
    """Formats terms and whole graphs with a fixed set of prefixes."""

    def __init__(self, prefixes: Mapping[str, str]) -> None:
        self.prefixes = dict(prefixes)
        # Longest namespace first, so "…/id/region/" wins over "…/id/".
        self._by_length = sorted(
            ((ns, prefix) for prefix, ns in self.prefixes.items()),
            key=lambda item: (-len(item[0]), item[1]),
        )
        self._cache: dict[str, str] = {}

    def iri(self, value: str) -> str:
        """An IRI as a prefixed name when one fits, else ``<...>``."""
        cached = self._cache.get(value)
        if cached is not None:
            return cached
        text = None
        for ns, prefix in self._by_length:
            if value.startswith(ns) and _LOCAL_RE.match(value[len(ns):]):
                text = f"{prefix}:{value[len(ns):]}"
                break
        if text is None:
            text = "<" + value.replace("\\", "\\u005C").replace(">", "\\u003E") + ">"
        if len(self._cache) < 200_000:
            self._cache[value] = text
        return text

    def nt(self, term: str) -> str:
        """The Turtle form of a term given in N-Triples form."""
        first = term[0]
        if first == "<":
            return self.iri(term[1:-1])
        if first == "_":
            return term
        end = term.rindex('"')
        suffix = term[end + 1:]
        if not suffix or suffix[0] == "@":
            return term
        datatype = suffix[3:-1]  # ^^<...>
        bare = _BARE.get(datatype)
        if bare is not None and bare.match(term[1:end]):
            return term[1:end]
        return term[:end + 1] + "^^" + self.iri(datatype)

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        """The Turtle form of a pyoxigraph term."""
        return self.nt(str(term))

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items())

    def block(self, subject: str, pairs: Iterable[tuple[str, str]]) -> str:
        """The statement of one subject (``s p o ; p o .`` and a newline), from the
        N-Triples forms of the subject and of its (predicate, object) pairs."""
        predicates: dict[str, set[str]] = defaultdict(set)
        for p, o in pairs:
            predicates[p].add(o)
        lines = []
        for p in sorted(predicates, key=_predicate_order):
            verb = "a" if p == _TYPE else self.nt(p)
            lines.append(verb + " " + ", ".join(self.nt(o) for o in sorted(predicates[p])))
        return self.nt(subject) + " " + " ;\n    ".join(lines) + " .\n"

    def serialize(self, triples: Iterable[ox.Triple | ox.Quad]) -> str:
        """The Turtle text of ``triples``: the header, then one block per subject in
        :func:`subject_key` order, each preceded by an empty line."""
        subjects: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for t in triples:
            subjects[str(t.subject)].append((str(t.predicate), str(t.object)))
        return self.header() + "".join(
            "\n" + self.block(s, subjects[s]) for s in sorted(subjects))

    def serialize_nt_lines(self, lines: Iterable[str]) -> Iterator[str]:
        """Turtle chunks from N-Triples lines sorted by subject (``sort`` order)."""
        yield self.header()
        subject = None
        pairs: list[tuple[str, str]] = []
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                continue
            s, _, rest = line.partition(" ")
            p, _, o = rest.partition(" ")
            o = o[:-2] if o.endswith(" .") else o
            if s != subject:
                if subject is not None:
                    yield "\n" + self.block(subject, pairs)
                subject, pairs = s, []
            pairs.append((p, o))
        if subject is not None:
            yield "\n" + self.block(subject, pairs)

    def token_key(self, token: str) -> str:
        """The :func:`subject_key` of a subject as this writer printed it."""
        if token.startswith("<"):
            return "<" + token[1:-1].replace("\\u003E", ">").replace("\\u005C", "\\") + ">"
        if token.startswith("_:"):
            return token
        prefix, _, local = token.partition(":")
        return "<" + self.prefixes[prefix] + local + ">"


def subject_key(term: ox.NamedNode | ox.BlankNode) -> str:
    """Sort key of subjects in the store: their N-Triples form (``<iri>``, ``_:id``)."""
    return str(term)


def _predicate_order(p: str) -> tuple[int, str]:
    return (0 if p == _TYPE else 1 if p == _LABEL else 2, p)
