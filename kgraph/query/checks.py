"""The text of a query checked before it runs, and the errors of the query layer.

SPARQL UPDATE is refused, and SERVICE unless allowed, as the query's tokens say
(:mod:`kgraph.rdf.sparql_text`); a query that does not parse is told in words (an empty
query, a misspelt keyword, an undeclared prefix) at its line and column.
"""
from __future__ import annotations

import re

from ..errors import KGraphError, UsageError
from ..rdf.namespace import DATA_PREFIXES, PREFIXES
from ..rdf.sparql_text import (
    UPDATE_WORDS, SparqlTextError, calls_service, declared_prefixes, line_column,
    misspelt_keyword, prefixed_names, query_form, tokens,
)

#: Prefixes usable in every query without a PREFIX declaration.
BOUND_PREFIXES: dict[str, str] = {**PREFIXES, **DATA_PREFIXES}


class QueryError(KGraphError):
    """A query that cannot run: an update, a SERVICE call, a failure while evaluating."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message shows the line, the column and the line."""


class QueryTimeout(QueryError):
    """The query ran longer than its timeout and was stopped."""


class ParameterError(QueryError, UsageError):
    """Bad use of parameters or formats: an unknown preset, parameter or format, a value
    that does not fit its type, an ambiguous region. (The CLI exits 2 on it.)"""


# ---------------------------------------------------------------------------- the text

_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.S)


def check_safe(text: str, *, allow_service: bool = False) -> None:
    """Refuse SPARQL UPDATE, and SERVICE unless ``allow_service``, as the query's tokens
    say (:mod:`kgraph.rdf.sparql_text`); raises :class:`QueryError`, or
    :class:`QuerySyntaxError` for a text that cannot be a query (an unclosed string)."""
    try:
        if query_form(text) in UPDATE_WORDS:
            raise QueryError("SPARQL UPDATE is not allowed: kgraph query is read-only")
        if not allow_service and calls_service(text):
            raise QueryError(
                "SERVICE is not allowed: it would send the query to another endpoint over "
                "the network", hint="use --allow-service to permit it")
    except SparqlTextError as exc:
        raise _located(text, exc.offset, exc.message) from None


def _located(text: str, offset: int, reason: str) -> QuerySyntaxError:
    line, column = line_column(text, offset)
    return _at(text, line, column, reason)


def _at(text: str, line: int, column: int, reason: str) -> QuerySyntaxError:
    lines = text.splitlines() or [""]
    source = lines[min(line, len(lines)) - 1]
    if len(reason) > 160:
        reason = reason[:159] + "…"
    caret = " " * (min(column, len(source) + 1) - 1) + "^"
    return QuerySyntaxError(
        f"syntax error at line {line}, column {column}: {reason}\n  {source}\n  {caret}")


def _undeclared_prefix(text: str) -> tuple[str, int] | None:
    """The first prefix a query uses without declaring it (nor being bound), and where."""
    known = {**BOUND_PREFIXES, **declared_prefixes(text)}
    for tok in prefixed_names(text):
        prefix = tok.text.partition(":")[0]
        if prefix not in known:
            return prefix, tok.start
    return None


def _syntax_error(text: str, exc: SyntaxError) -> QuerySyntaxError:
    """The parser's error in words: an empty query, a misspelt keyword, an undeclared
    prefix, else the parser's own message, at its line and column."""
    message = " ".join(str(exc).split())
    try:
        toks = list(tokens(text))
    except SparqlTextError as unclosed:
        return _located(text, unclosed.offset, unclosed.message)
    if not toks:
        return QuerySyntaxError("syntax error: empty query (give a SELECT, ASK, CONSTRUCT "
                                "or DESCRIBE query)")
    m = _POSITION.match(message)
    if not m:
        return QuerySyntaxError(f"syntax error: {message}")
    line, column = int(m.group(1)), int(m.group(2))
    undeclared = _undeclared_prefix(text)
    if undeclared is not None:
        prefix, offset = undeclared
        return _located(text, offset, f"undeclared prefix {prefix}: (declare it with "
                                      f"PREFIX {prefix}: <...>)")
    lines = text.splitlines() or [""]
    error_at = sum(len(x) + 1 for x in lines[:line - 1]) + column - 1
    unknown = misspelt_keyword(text, error_at)
    if unknown is not None:
        word, offset, close = unknown
        meant = f" (did you mean {close}?)" if close else ""
        return _located(text, offset, f"unknown keyword {word}{meant}")
    return _at(text, line, column, message[m.end():])
