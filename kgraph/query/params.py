"""Parameters of a query: its ``# param: NAME (TYPE) description`` lines, and each
``--param`` value bound as the RDF term its type says (never pasted into the text)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Mapping, Union

import pyoxigraph as ox

from ..rdf.namespace import DATA_PREFIXES, PREFIXES
from .checks import BOUND_PREFIXES, ParameterError

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]


@dataclass(frozen=True)
class Param:
    """A parameter a query declares with ``# param: NAME (TYPE) description``."""

    name: str
    type: str = "string"
    description: str = ""


_PARAM_LINE = re.compile(r"^#\s*param:\s*(\w+)\s*(?:\((\w+)\))?\s*(.*?)\s*$")


def declared_params(text: str) -> tuple[Param, ...]:
    """The ``# param:`` lines at the top of a query."""
    params = []
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        m = _PARAM_LINE.match(line)
        if m:
            kind = (m.group(2) or "string").lower()
            if kind not in PARAM_TYPES:
                raise ParameterError(
                    f"parameter {m.group(1)} has unknown type {kind!r}; "
                    f"expected one of {', '.join(sorted(PARAM_TYPES))}")
            params.append(Param(m.group(1), kind, m.group(3)))
    return tuple(params)



_INTEGER = re.compile(r"[+-]?\d+")
_DECIMAL = re.compile(r"[+-]?(?:\d+\.\d*|\.?\d+)")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_date(value: str) -> bool:
    import datetime as dt

    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


#: What a value of each literal type must look like, and how the error says it.
_LEXICAL: dict[str, tuple[Callable[[str], bool], str]] = {
    "integer": (lambda v: bool(_INTEGER.fullmatch(v)), "an integer such as 12"),
    "decimal": (lambda v: bool(_DECIMAL.fullmatch(v)), "a decimal number such as 0.75"),
    "date": (_is_date, "a date written YYYY-MM-DD, such as 2025-10-14"),
}


def _literal(datatype: str | None) -> Callable[[str, ox.Store], Term]:
    def convert(value: str, graph: ox.Store) -> Term:
        if datatype is None:
            return ox.Literal(value)
        value = value.strip()
        fits, expected = _LEXICAL[datatype]
        if not fits(value):
            raise ParameterError(f"{value!r} is not {expected}")
        return ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + datatype))
    return convert


def _iri(value: str, graph: ox.Store) -> Term:
    value = value.strip()
    if value.startswith("<") and value.endswith(">"):
        value = value[1:-1]
    prefix, colon, local = value.partition(":")
    if colon and prefix in BOUND_PREFIXES and not local.startswith("//"):
        value = BOUND_PREFIXES[prefix] + local
    try:
        return ox.NamedNode(value)
    except ValueError as exc:
        raise ParameterError(f"{value!r} is not an IRI: {exc}") from None


_CODE = re.compile(r"^\d{2}(?:\.\d{2}(?:\.\d+)*)?$")
_REGION_BY_LABEL = """SELECT ?name ?region WHERE {
  ?body kg:region ?region . ?region rdfs:label ?label .
  FILTER(LCASE(STR(?label)) = LCASE(STR(?name)))
}"""


def _region(value: str, graph: ox.Store) -> Term:
    """A region by code ("35.73"), official name ("Kota Malang"), a mention the gazetteer
    resolves ("Pemkot Malang", "Jatim"), or the label of an unresolved region in the store."""
    from ..resolve.gazetteer import Gazetteer

    value = value.strip()
    gazetteer = Gazetteer.default()
    if _CODE.match(value):
        if value not in gazetteer:
            raise ParameterError(f"no region has the code {value!r}")
        return ox.NamedNode(DATA_PREFIXES["region"] + value)
    candidates = gazetteer.find(value) or list(gazetteer.resolve_government(value).candidates)
    if len(candidates) == 1:
        return ox.NamedNode(DATA_PREFIXES["region"] + candidates[0].code)
    if len(candidates) > 1:
        options = ", ".join(f"{r.name} ({r.code})" for r in candidates)
        raise ParameterError(f"{value!r} is ambiguous: {options}; give the name "
                             "or the code of one")
    found = {s["region"] for s in graph.query(
        _REGION_BY_LABEL, prefixes=BOUND_PREFIXES,
        substitutions={ox.Variable("name"): ox.Literal(value)})}
    if len(found) == 1:
        return found.pop()
    raise ParameterError(f"no region called {value!r} in the gazetteer or the store")


#: Parameter types of ``# param:`` lines: how a ``--param`` value becomes an RDF term.
PARAM_TYPES: dict[str, Callable[[str, ox.Store], Term]] = {
    "string": _literal(None),
    "integer": _literal("integer"),
    "decimal": _literal("decimal"),
    "date": _literal("date"),
    "iri": _iri,
    "region": _region,
}


def _untyped(value: str, graph: ox.Store, prefixes: Mapping[str, str] | None = None) -> Term:
    """A value for a parameter the query does not declare: an IRI when written ``<...>``
    or as a prefixed name whose prefix is bound (``region:35.73``), an ``xsd:date`` when
    it reads as one (``2025-10-14``), an ``xsd:integer`` or ``xsd:decimal`` when it reads
    as a number, else a plain string."""
    if value.startswith("<") and value.endswith(">"):
        return _iri(value, graph)
    prefix, colon, local = value.partition(":")
    known = {**BOUND_PREFIXES, **(prefixes or {})}
    if colon and prefix in known and local and not local.startswith("//") \
            and not any(c.isspace() for c in local):
        return _iri(known[prefix] + local, graph)
    for datatype in ("date", "integer", "decimal"):
        if _LEXICAL[datatype][0](value):
            return ox.Literal(value, datatype=ox.NamedNode(PREFIXES["xsd"] + datatype))
    return ox.Literal(value)


def _substitutions(graph: ox.Store, params: Mapping[str, object],
                   declared: tuple[Param, ...], strict: bool,
                   prefixes: Mapping[str, str] | None = None) -> dict[ox.Variable, Term]:
    types = {p.name: p.type for p in declared}
    for p in declared:
        if p.name not in params:
            raise ParameterError(f"missing parameter {p.name}: {p.description}",
                                 hint=f"add --param {p.name}=VALUE")
    bound: dict[ox.Variable, Term] = {}
    for name, value in params.items():
        if not re.fullmatch(r"[A-Za-z_]\w*", name):
            raise ParameterError(f"{name!r} is not a parameter name (letters, digits, _)")
        if strict and name not in types:
            known = ", ".join(types) or "none"
            raise ParameterError(f"unknown parameter {name!r} (this query takes: {known})")
        if isinstance(value, (ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple)):
            term: Term = value
        elif name in types:
            try:
                term = PARAM_TYPES[types[name]](str(value), graph)
            except ParameterError as exc:
                raise ParameterError(f"parameter {name} ({types[name]}): {exc.message}",
                                     hint=exc.hint) from None
        else:
            term = _untyped(str(value), graph, prefixes)
        bound[ox.Variable(name)] = term
    return bound
