"""A sorted, byte-stable Turtle writer.

The same set of triples always gives the same bytes (subjects, predicates and objects in
a fixed order, a fixed prefix header), so the store diffs well in git and an idempotent
ingest leaves the file byte-identical. pyoxigraph's own serialiser writes in store order.
"""
from __future__ import annotations

import re
from collections import defaultdict
from typing import Iterable, Mapping

import pyoxigraph as ox

from .namespace import RDF_NS, RDFS_NS, XSD_NS

_LOCAL_RE = re.compile(r"^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?$")
_TYPE = RDF_NS + "type"
_LABEL = RDFS_NS + "label"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
            "\f": "\\f"}
_ESCAPE_RE = re.compile(r'[\\"\n\r\t\b\f]')
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

    def term(self, term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
        if isinstance(term, ox.NamedNode):
            return self.iri(term.value)
        if isinstance(term, ox.BlankNode):
            return "_:" + term.value
        return self.literal(term)

    def literal(self, literal: ox.Literal) -> str:
        value = literal.value
        if literal.language:
            return f"{_quote(value)}@{literal.language}"
        datatype = literal.datatype.value
        if datatype == XSD_NS + "string":
            return _quote(value)
        bare = _BARE.get(datatype)
        if bare is not None and bare.match(value):
            return value
        return f"{_quote(value)}^^{self.iri(datatype)}"

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in self.prefixes.items())

    def block(self, subject: ox.NamedNode | ox.BlankNode,
              pairs: Iterable[tuple[ox.NamedNode, ox.NamedNode | ox.BlankNode | ox.Literal]]) -> str:
        """The Turtle statement of one subject (``s p o ; p o .``), ending in a newline."""
        predicates: dict[str, list[tuple]] = defaultdict(list)
        for p, o in pairs:
            predicates[p.value].append((_object_key(o), o))
        lines = []
        for p in sorted(predicates, key=_predicate_order):
            objects = sorted(set(predicates[p]), key=lambda item: item[0])
            verb = "a" if p == _TYPE else self.iri(p)
            lines.append(f"{verb} " + ", ".join(self.term(o) for _, o in objects))
        return f"{self.term(subject)} " + " ;\n    ".join(lines) + " .\n"

    def serialize(self, triples: Iterable[ox.Triple | ox.Quad]) -> str:
        """The Turtle text of ``triples``: the header, then one block per subject in
        :func:`subject_key` order, each preceded by an empty line."""
        subjects: dict[str, tuple] = {}
        for t in triples:
            key = subject_key(t.subject)
            entry = subjects.get(key)
            if entry is None:
                entry = subjects[key] = (t.subject, [])
            entry[1].append((t.predicate, t.object))
        chunks = [self.header()]
        for key in sorted(subjects):
            subject, pairs = subjects[key]
            chunks.append("\n" + self.block(subject, pairs))
        return "".join(chunks)

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
    if isinstance(term, ox.NamedNode):
        return "<" + term.value + ">"
    return "_:" + term.value


def _predicate_order(p: str) -> tuple[int, str]:
    return (0 if p == _TYPE else 1 if p == _LABEL else 2, p)


def _object_key(o: ox.NamedNode | ox.BlankNode | ox.Literal) -> tuple:
    if isinstance(o, ox.NamedNode):
        return (0, o.value, "", "")
    if isinstance(o, ox.BlankNode):
        return (1, o.value, "", "")
    return (2, o.value, o.datatype.value if o.datatype else "", o.language or "")


def _quote(value: str) -> str:
    return '"' + _ESCAPE_RE.sub(lambda m: _ESCAPES[m.group()], value) + '"'
