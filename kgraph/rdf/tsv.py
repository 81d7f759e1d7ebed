"""SPARQL results read as text, and VALUES blocks written as text.

For many rows, SPARQL TSV results are far cheaper to read than pyoxigraph's Python
objects: :func:`select_tsv` asks for them, :func:`tsv_rows` splits them, and
:func:`term_value`, :func:`date_value` and :func:`string_value` read their terms.
"""
from __future__ import annotations

import json
import math
import re
from typing import Any, Iterator

import pyoxigraph as ox

_CHUNK = 4000
_MIN_PART = 500  # terms worth a query of their own
_DATE = re.compile(r'"(\d{4}-\d\d-\d\d)"\^\^<http://www\.w3\.org/2001/XMLSchema#date>')
_DATES: dict[str, str | None] = {}  # date_value's answers (a few thousand distinct dates)
_SIMPLE_STRING = re.compile(r'"(?:[^"\\]|\\["\\nrt])*"')


def select_tsv(graph: Any, query: str) -> bytes:
    """A SELECT's answer as SPARQL TSV results: for many rows, far cheaper to read than
    pyoxigraph's Python objects (see :func:`tsv_rows`, :func:`term_value`)."""
    return graph.query(query).serialize(format=ox.QueryResultsFormat.TSV)


def tsv_rows(data: bytes) -> Iterator[list[str]]:
    """The rows of SPARQL TSV results as lists of terms ("" for unbound)."""
    for line in data.decode("utf-8").split("\n")[1:]:
        if line:
            yield line.split("\t")


def date_value(term: str) -> str | None:
    """The ISO text of an ``xsd:date`` TSV term (comparable as text), else ``None``."""
    value = _DATES.get(term)
    if value is None and term not in _DATES:
        m = _DATE.fullmatch(term)
        value = _DATES[term] = m.group(1) if m else None
    return value


def finite_number(text: str) -> float | None:
    """The number written in ``text`` (a confidence, a coordinate); ``None`` for one that
    is not a finite number (a hand edit may leave NaN or INF)."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def string_value(term: str) -> str | None:
    """The text of a plain string literal TSV term, else ``None``."""
    if not _SIMPLE_STRING.fullmatch(term):
        return None
    return json.loads(term)


def term_value(term: str) -> str:
    """The value of a SPARQL TSV results term: an IRI without its brackets, a literal's
    lexical form (escapes decoded), a number or boolean as written, a blank node's id."""
    if term.startswith("<"):
        return term[1:-1]
    if term.startswith('"'):
        end = term.rindex('"')
        body = term[1:end]
        if "\\" not in body:
            return body
        return _unescape(body)
    return term[2:] if term.startswith("_:") else term


def _unescape(body: str) -> str:
    out, i = [], 0
    while i < len(body):
        c = body[i]
        if c == "\\" and i + 1 < len(body):
            e = body[i + 1]
            if e in "uU":
                width = 4 if e == "u" else 8
                out.append(chr(int(body[i + 2:i + 2 + width], 16)))
                i += 2 + width
                continue
            out.append(_ESCAPES.get(e, e))
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


_ESCAPES = {"t": "\t", "n": "\n", "r": "\r", "b": "\b", "f": "\f", '"': '"', "'": "'",
            "\\": "\\"}


def blocks(terms: list[str], parts: int = 1) -> Iterator[str]:
    """``terms`` (written as in SPARQL) joined by spaces, a few thousand at a time: the
    bodies of ``VALUES`` blocks; in at least ``parts`` blocks of even size when there
    are enough terms (for queries run side by side)."""
    count = max(-(-len(terms) // _CHUNK), parts if len(terms) >= parts * _MIN_PART else 1)
    size = max(-(-len(terms) // count), 1)
    for i in range(0, len(terms), size):
        yield " ".join(terms[i:i + size])
