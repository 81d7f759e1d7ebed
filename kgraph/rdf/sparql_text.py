"""SPARQL text read as tokens, by the terminals of the SPARQL 1.1 grammar (section 19.8).

What the safety checks of :mod:`kgraph.query.checks` decide (is this an update? does it call
SERVICE?) is decided on these tokens, never on a regular expression over the raw text:
``ex:a\\#`` is one prefixed name (``\\#`` is an escape of PN_LOCAL), not the start of a
comment, and ``ex:it\\'s`` holds no string. The tokenizer also finds what a parser's
message would hide (an unclosed string, an empty query, a misspelt keyword) and the
order in which a query names its variables.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterator

# Terminals of the grammar (section 19.8), with Python's \w standing for PN_CHARS_U
# plus digits. Long strings before short ones, prefixed names before bare words.
_PN_CHARS = r"[\w\-\u00B7\u0300-\u036F\u203F-\u2040]"
_PLX = r"(?:%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%])"
_PN_PREFIX = rf"[^\W\d_](?:(?:{_PN_CHARS}|\.)*{_PN_CHARS})?"
_PN_LOCAL = rf"(?:[\w:]|{_PLX})(?:(?:{_PN_CHARS}|[.:]|{_PLX})*(?:{_PN_CHARS}|:|{_PLX}))?"
_TOKEN = re.compile(
    r"(?P<space>\s+)"
    r"|(?P<comment>\#[^\n\r]*)"
    r'|(?P<iri><[^<>"{}|^`\\\x00-\x20]*>)'
    r'|(?P<string>"""(?:(?:"|"")?(?:[^"\\]|\\.))*"""'
    r"|'''(?:(?:'|'')?(?:[^'\\]|\\.))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*')"
    r"|(?P<bnode>_:[\w](?:(?:[\w\-.\u00B7])*[\w\-\u00B7])?)"
    rf"|(?P<pname>(?:{_PN_PREFIX})?:(?:{_PN_LOCAL})?)"
    r"|(?P<var>[?$][\w\u00B7\u0300-\u036F\u203F-\u2040]+)"
    r"|(?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)"
    r"|(?P<number>\d+\.\d*[eE][+-]?\d+|\.?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)"
    r"|(?P<word>[A-Za-z_]\w*)"
    r"|(?P<punct>\^\^|\|\||&&|!=|<=|>=|.)",
    re.S,
)

#: The query forms kgraph runs, and the words that start a SPARQL UPDATE.
QUERY_FORMS = frozenset({"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"})
UPDATE_WORDS = frozenset("INSERT DELETE LOAD CLEAR CREATE DROP COPY MOVE ADD WITH".split())
#: Keywords and built-in function names of SPARQL 1.1 (and SPARQL-star's), upper-cased.
KEYWORDS = QUERY_FORMS | UPDATE_WORDS | frozenset("""
    BASE PREFIX WHERE FROM NAMED DISTINCT REDUCED AS ORDER BY ASC DESC LIMIT OFFSET GROUP
    HAVING VALUES UNDEF OPTIONAL UNION MINUS GRAPH SERVICE SILENT FILTER BIND EXISTS NOT IN
    A TRUE FALSE DATA DEFAULT ALL INTO TO USING
    COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR
    STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT
    STRLEN UCASE LCASE ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR
    MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ NOW UUID STRUUID MD5 SHA1 SHA256 SHA384
    SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL ISNUMERIC
    REGEX SUBSTR REPLACE TRIPLE SUBJECT PREDICATE OBJECT ISTRIPLE LATERAL ADJUST
""".split())


@dataclass(frozen=True)
class Token:
    """One terminal of the query: its kind (``iri``, ``string``, ``pname``, ``var``,
    ``bnode``, ``lang``, ``number``, ``word``, ``punct``, ``comment``), text and offset."""

    kind: str
    text: str
    start: int

    @property
    def keyword(self) -> str:
        """The upper-cased word ("" for any other kind of token)."""
        return self.text.upper() if self.kind == "word" else ""


class SparqlTextError(ValueError):
    """The text cannot be a query: ``message`` says why, ``offset`` where."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def line_column(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of ``offset`` in ``text``."""
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def tokens(text: str, *, comments: bool = False) -> Iterator[Token]:
    """The tokens of ``text`` (whitespace left out; comments only when ``comments``).

    Raises :class:`SparqlTextError` at a string that is never closed.
    """
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        assert m is not None  # the last alternative matches any character
        kind = m.lastgroup or "punct"
        opens_long = kind == "string" and text.startswith(m.group()[0] * 3, pos) \
            and len(m.group()) == 2  # '""' before an unclosed '"""'
        if opens_long or kind == "punct" and m.group() in "\"'":
            line, _ = line_column(text, pos)
            raise SparqlTextError(f"unclosed string starting at line {line}", pos)
        if kind != "space" and (comments or kind != "comment"):
            yield Token(kind, m.group(), pos)
        pos = m.end()


def blank_opaque(text: str) -> str:
    """``text`` with string literals, IRIs and comments replaced by spaces (line breaks
    kept), so that what remains can be searched for braces at the same positions. An
    unclosed string blanks the rest of the text."""
    out = list(text)
    try:
        for tok in tokens(text, comments=True):
            if tok.kind in ("string", "iri", "comment"):
                for i in range(tok.start, tok.start + len(tok.text)):
                    if out[i] != "\n":
                        out[i] = " "
    except SparqlTextError as exc:
        for i in range(exc.offset, len(text)):
            if out[i] != "\n":
                out[i] = " "
    return "".join(out)


def _after_prologue(toks: list[Token]) -> int:
    """The index of the first token after ``BASE <iri>`` and ``PREFIX p: <iri>`` lines."""
    i = 0
    while i < len(toks):
        if toks[i].keyword == "BASE":
            i += 2
        elif toks[i].keyword == "PREFIX":
            i += 3
        else:
            break
    return i


def query_form(text: str) -> str:
    """The first keyword after the prologue, upper-cased ("SELECT", "INSERT", ...); ""
    when there is none. Raises :class:`SparqlTextError` for an unclosed string."""
    toks = list(tokens(text))
    i = _after_prologue(toks)
    return toks[i].keyword if i < len(toks) else ""


def calls_service(text: str) -> bool:
    """Whether the query has the keyword SERVICE (as a token: not in a string, an IRI, a
    comment, a prefixed name or a variable). Raises :class:`SparqlTextError`."""
    return any(tok.keyword == "SERVICE" for tok in tokens(text))


def declared_prefixes(text: str) -> dict[str, str]:
    """The PREFIX declarations of a query (name → namespace)."""
    found: dict[str, str] = {}
    try:
        toks = list(tokens(text))
    except SparqlTextError:
        return found
    for i, tok in enumerate(toks[:-2]):
        name, iri = toks[i + 1], toks[i + 2]
        if tok.keyword == "PREFIX" and name.kind == "pname" and name.text.endswith(":") \
                and iri.kind == "iri":
            found[name.text[:-1]] = iri.text[1:-1]
    return found


def prefixed_names(text: str) -> Iterator[Token]:
    """The prefixed names the query uses (those of PREFIX declarations left out)."""
    toks = list(tokens(text))
    for i, tok in enumerate(toks):
        if tok.kind == "pname" and not (i and toks[i - 1].keyword == "PREFIX"):
            yield tok


def star_order(text: str) -> list[str] | None:
    """For ``SELECT *`` (DISTINCT, REDUCED), the variables in the order the query first
    names them; ``None`` for any other query."""
    try:
        toks = list(tokens(text))
    except SparqlTextError:
        return None
    i = _after_prologue(toks)
    if i >= len(toks) or toks[i].keyword != "SELECT":
        return None
    i += 1
    if i < len(toks) and toks[i].keyword in ("DISTINCT", "REDUCED"):
        i += 1
    if i >= len(toks) or toks[i].text != "*":
        return None
    order: list[str] = []
    for tok in toks[i + 1:]:
        if tok.kind == "var" and tok.text[1:] not in order:
            order.append(tok.text[1:])
    return order


def misspelt_keyword(text: str, before: int) -> tuple[str, int, str | None] | None:
    """The first bare word at or before offset ``before`` that is no SPARQL keyword or
    function: (the word, its offset, the keyword it is closest to, if any)."""
    try:
        toks = list(tokens(text))
    except SparqlTextError:
        return None
    for tok in toks:
        if tok.start > before:
            break
        if tok.kind == "word" and tok.keyword not in KEYWORDS:
            close = difflib.get_close_matches(tok.keyword, sorted(KEYWORDS), n=1, cutoff=0.75)
            return tok.text, tok.start, close[0] if close else None
    return None
