"""SPARQL over the store: read-only, time-limited, with parameters bound safely.

>>> result = query("SELECT ?v WHERE { ?v a kg:Visit }", store="kgraph.ttl")   # doctest: +SKIP
>>> result.variables, len(result.rows)                                         # doctest: +SKIP
(['v'], 11)
>>> print(render(result, "csv").decode())                                      # doctest: +SKIP

The prefixes of :data:`BOUND_PREFIXES` (``kg rdf rdfs xsd owl skos schema prov sem org``,
``kgt`` and the data prefixes ``region gov person visit ...``) need no declaration; a
query's own ``PREFIX`` wins. Ready-made queries live in ``kgraph/queries/*.rq``
(:func:`presets`). Results render through the :data:`FORMATS` registry.

With a ``timeout`` the query runs in a child process (forked where the platform allows,
so it starts in milliseconds) that is killed when the time is up: pyoxigraph cannot
cancel a running query, and a killed process frees its memory and CPU at once.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import sys
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Union

import pyoxigraph as ox

from .errors import KGraphError, KGraphWarning
from .namespace import DATA_PREFIXES, PREFIXES
from .index import Index, damaged
from .store import DEFAULT_STORE, open_graph, recovering, remote_endpoint
from .turtle import TurtleWriter

if TYPE_CHECKING:
    from .remote import Endpoint

Term = Union[ox.NamedNode, ox.BlankNode, ox.Literal, ox.Triple]

#: Prefixes usable in every query without a PREFIX declaration.
BOUND_PREFIXES: dict[str, str] = {**PREFIXES, **DATA_PREFIXES}
#: The ``--timeout`` of ``kgraph query`` (seconds).
DEFAULT_TIMEOUT = 30.0
PRESET_DIR = Path(__file__).parent / "queries"


class QueryError(KGraphError):
    """A query that cannot run: an update, a SERVICE call, a failure while evaluating."""


class QuerySyntaxError(QueryError):
    """The query does not parse; the message shows the line, the column and the line."""


class QueryTimeout(QueryError):
    """The query ran longer than its timeout and was stopped."""


class ParameterError(QueryError):
    """Bad use of parameters or formats: an unknown preset, parameter or format, a value
    that does not fit its type, an ambiguous region. (The CLI exits 2 on it.)"""


# ---------------------------------------------------------------------------- the text

# String literals, IRIs and comments: the parts of a query where keywords are not keywords.
_OPAQUE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n\r]|\\.)*"'
    r"|'(?:[^'\\\n\r]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.S,
)
_PROLOGUE = re.compile(r"\s*(?:BASE\b\s*|PREFIX\s+[^\s:]*:\s*)", re.I)
_WORD = re.compile(r"\s*([A-Za-z]+)")
_UPDATE_WORDS = frozenset(
    "INSERT DELETE LOAD CLEAR CREATE DROP COPY MOVE ADD WITH".split())
# SERVICE as a keyword: not part of a prefixed name (ex:SERVICE), a variable or a word.
_SERVICE = re.compile(r"(?<![\w:?$\-])SERVICE(?![\w:\-])", re.I)
_PREFIX_DECL = re.compile(r"PREFIX\s+([A-Za-z][\w.\-]*)?:\s*<([^<>\"{}|^`\\\x00-\x20]*)>",
                          re.I)


def blank_opaque(text: str) -> str:
    """``text`` with string literals, IRIs and comments replaced by spaces (line breaks
    kept), so that what remains can be searched for keywords at the same positions."""
    return _OPAQUE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def query_form(text: str) -> str:
    """The first keyword after the prologue, upper-cased ("SELECT", "INSERT", ...)."""
    blanked = blank_opaque(text)
    pos = 0
    while True:
        m = _PROLOGUE.match(blanked, pos)
        if not m or m.end() == pos:
            break
        pos = m.end()
    m = _WORD.match(blanked, pos)
    return m.group(1).upper() if m else ""


def check_safe(text: str, *, allow_service: bool = False) -> None:
    """Refuse SPARQL UPDATE, and SERVICE unless ``allow_service``; raises :class:`QueryError`."""
    if query_form(text) in _UPDATE_WORDS:
        raise QueryError("SPARQL UPDATE is not allowed: kgraph query is read-only")
    if not allow_service and _SERVICE.search(blank_opaque(text)):
        raise QueryError(
            "SERVICE is not allowed: it would send the query to another endpoint over "
            "the network", hint="use --allow-service to permit it")


def declared_prefixes(text: str) -> dict[str, str]:
    """The PREFIX declarations of a query (name → namespace)."""
    blanked = blank_opaque(text)
    return {m.group(1) or "": m.group(2) for m in _PREFIX_DECL.finditer(text)
            if blanked[m.start():m.start() + 6].upper() == "PREFIX"}


# A prefixed name (ex:local, :local) outside strings and IRIs; not _:blank, ?var or a:b:c.
_PREFIXED = re.compile(r"(?<![\w?$:\-.])([A-Za-z][\w.\-]*)?:(?=[\w%\\]|[\s;,.)\]}]|$)")


def _undeclared_prefix(text: str) -> tuple[str, int] | None:
    """The first prefix a query uses without declaring it (nor being bound), and where."""
    blanked = blank_opaque(text)
    known = {**BOUND_PREFIXES, **declared_prefixes(text)}
    for m in _PREFIXED.finditer(blanked):
        prefix = m.group(1) or ""
        before = blanked[:m.start()].rstrip()
        if prefix not in known and not before.upper().endswith("PREFIX"):
            return prefix, m.start()
    return None


_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.S)


def _syntax_error(text: str, exc: SyntaxError) -> QuerySyntaxError:
    message = " ".join(str(exc).split())
    m = _POSITION.match(message)
    if not m:
        return QuerySyntaxError(f"syntax error: {message}")
    line, column = int(m.group(1)), int(m.group(2))
    reason = message[m.end():]
    lines = text.splitlines() or [""]
    undeclared = _undeclared_prefix(text)
    if undeclared is not None:
        prefix, offset = undeclared
        line = text.count("\n", 0, offset) + 1
        column = offset - (text.rfind("\n", 0, offset) + 1) + 1
        reason = f"undeclared prefix {prefix}: (declare it with PREFIX {prefix}: <...>)"
    source = lines[min(line, len(lines)) - 1]
    if len(reason) > 160:
        reason = reason[:159] + "…"
    caret = " " * (min(column, len(source) + 1) - 1) + "^"
    return QuerySyntaxError(
        f"syntax error at line {line}, column {column}: {reason}\n  {source}\n  {caret}")


# ---------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Param:
    """A parameter a query declares with ``# param: NAME (TYPE) description``."""

    name: str
    type: str = "string"
    description: str = ""


@dataclass(frozen=True)
class Preset:
    """A ready-made query shipped in ``kgraph/queries/NAME.rq``."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path


_PARAM_LINE = re.compile(r"^#\s*param:\s*(\w+)\s*(?:\((\w+)\))?\s*(.*?)\s*$")
_DESCRIPTION_LINE = re.compile(r"^#\s*description:\s*(.*?)\s*$")


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


@lru_cache(maxsize=1)
def presets() -> dict[str, Preset]:
    """The ready-made queries, by name."""
    found = {}
    for path in sorted(PRESET_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = _DESCRIPTION_LINE.match(text.splitlines()[0]) if text else None
        found[path.stem] = Preset(path.stem, first.group(1) if first else "",
                                  declared_params(text), text, path)
    return found


def preset(name: str) -> Preset:
    """The preset called ``name``; raises :class:`ParameterError` when there is none."""
    try:
        return presets()[name]
    except KeyError:
        raise ParameterError(f"no preset called {name!r}; presets: "
                             f"{', '.join(presets())} (see kgraph query --list-presets)") from None


# ---------------------------------------------------------------------------- parameters


def _literal(datatype: str | None) -> Callable[[str, ox.Store], Term]:
    def convert(value: str, graph: ox.Store) -> Term:
        if datatype is None:
            return ox.Literal(value)
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
    from .gazetteer import Gazetteer

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
        raise ParameterError(f"region {value!r} is ambiguous: {options}; give the name "
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


def _untyped(value: str, graph: ox.Store) -> Term:
    """A value for a parameter the query does not declare: ``<iri>`` or a string."""
    if value.startswith("<") and value.endswith(">"):
        return _iri(value, graph)
    return ox.Literal(value)


def _substitutions(graph: ox.Store, params: Mapping[str, object],
                   declared: tuple[Param, ...], strict: bool) -> dict[ox.Variable, Term]:
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
        else:
            term = PARAM_TYPES[types[name]](str(value), graph) if name in types \
                else _untyped(str(value), graph)
        bound[ox.Variable(name)] = term
    return bound


# ---------------------------------------------------------------------------- running


@dataclass
class QueryResult:
    """The outcome of a query: ``kind`` is "select", "ask" or "graph" (CONSTRUCT, DESCRIBE).

    ``data`` is the result as W3C SPARQL Results (select, ask; JSON unless
    ``results_format`` says otherwise) or as N-Triples (graph); :attr:`variables`,
    :attr:`rows`, :attr:`boolean` and :attr:`triples` decode it.
    """

    kind: str
    data: bytes
    prefixes: dict[str, str] = field(default_factory=lambda: dict(BOUND_PREFIXES))
    _rows: list | None = field(default=None, repr=False)
    results_format: ox.QueryResultsFormat = ox.QueryResultsFormat.JSON

    def solutions(self) -> ox.QuerySolutions:
        return ox.parse_query_results(self.data, format=self.results_format)

    @property
    def variables(self) -> list[str]:
        return [v.value for v in self.solutions().variables] if self.kind == "select" else []

    @property
    def rows(self) -> list[tuple[Term | None, ...]]:
        """One tuple per solution, in :attr:`variables` order; ``None`` for unbound."""
        if self.kind != "select":
            return []
        if self._rows is None:
            solutions = self.solutions()
            names = solutions.variables
            self._rows = [tuple(s[v] for v in names) for s in solutions]
        return self._rows

    @property
    def boolean(self) -> bool | None:
        return bool(self.solutions()) if self.kind == "ask" else None

    @property
    def triples(self) -> list[ox.Triple]:
        if self.kind != "graph":
            return []
        return list(ox.parse(self.data, format=ox.RdfFormat.N_TRIPLES))


def _execute(store: str, text: str, params: Mapping[str, object],
             declared: tuple[Param, ...], strict: bool) -> tuple[str, bytes]:
    """Run the query (in the calling process); returns (kind, data). A damaged index is
    rebuilt, and the query run again."""
    return recovering(store, lambda: _execute_once(store, text, params, declared, strict))


def _execute_once(store: str, text: str, params: Mapping[str, object],
                  declared: tuple[Param, ...], strict: bool) -> tuple[str, bytes]:
    graph = open_graph(store)
    substitutions = _substitutions(graph, params, declared, strict)
    try:
        result = graph.query(text, prefixes=BOUND_PREFIXES, substitutions=substitutions or None)
        if isinstance(result, ox.QueryBoolean):
            return "ask", result.serialize(format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QuerySolutions):
            return "select", result.serialize(format=ox.QueryResultsFormat.JSON)
        return "graph", ox.serialize(result, format=ox.RdfFormat.N_TRIPLES)
    except SyntaxError as exc:
        raise _syntax_error(text, exc) from None
    except RuntimeError as exc:
        if damaged(exc):
            raise  # for recovering()
        if "SELECT projection" in str(exc):
            name = re.search(r"\?(\w+)", str(exc))
            raise ParameterError(
                f"a parameter must be a variable the query selects: add "
                f"?{name.group(1) if name else 'NAME'} to the SELECT clause") from None
        raise QueryError(f"the query failed: {exc}") from None
    except (OSError, ValueError) as exc:
        if damaged(exc):
            raise  # for recovering()
        raise QueryError(f"the query failed: {exc}") from None


def _child(conn, args: tuple) -> None:  # type: ignore[no-untyped-def]
    with warnings.catch_warnings(record=True) as caught:  # sent to the parent to show
        warnings.simplefilter("always", KGraphWarning)
        try:
            message = ("ok", *_execute(*args))
        except KGraphError as exc:
            message = ("error", type(exc), exc.message, exc.file, exc.field, exc.hint)
        except BaseException as exc:  # noqa: BLE001 - reported by the parent as a failure
            message = ("crash", f"{type(exc).__name__}: {exc}")
    try:
        conn.send((*message, [str(w.message) for w in caught
                              if issubclass(w.category, KGraphWarning)]))
    finally:
        conn.close()


def _os_threads() -> int:
    """Threads of this process, native ones (RocksDB's) included; 2 when unknown."""
    try:
        with open("/proc/self/status", encoding="ascii", errors="replace") as status:
            for line in status:
                if line.startswith("Threads:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 2


def _context():  # type: ignore[no-untyped-def]
    """fork when it is safe, because it starts in milliseconds: only in a process with
    one thread (a fork copies locks that other threads may hold, such as those of an
    open RocksDB store), and not on macOS, whose frameworks are not fork-safe. Else
    forkserver (a clean server process, started once) or spawn."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform != "darwin" and _os_threads() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


#: With a SPARQL server, the child gets this much longer (seconds) than the timeout, so
#: that a server passing the deadline of its requests is named in the error.
_REMOTE_GRACE = 2.0


def _in_child(args: tuple, timeout: float) -> tuple[str, bytes]:
    ctx = _context()
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, args), daemon=True)
    process.start()
    sender.close()
    remote = not isinstance(args[0], str)  # an Endpoint (see _store_arg)
    try:
        if not receiver.poll(timeout + (_REMOTE_GRACE if remote else 0)):
            raise QueryTimeout(f"query timed out after {timeout:g} s",
                               hint="simplify the query or raise --timeout")
        message = receiver.recv()
    except EOFError:
        process.join()
        raise QueryError(f"the query process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    *message, notes = message
    for note in notes:
        warnings.warn(note, KGraphWarning, stacklevel=3)
    if message[0] == "ok":
        return message[1], message[2]
    if message[0] == "error":
        cls, text, file, field_, hint = message[1:]
        raise cls(text, file=file, field=field_, hint=hint)
    raise QueryError(f"the query failed: {message[1]}")


def query(
    sparql: str,
    *,
    store: str | os.PathLike[str] = DEFAULT_STORE,
    params: Mapping[str, object] | None = None,
    allow_service: bool = False,
    timeout: float | None = None,
) -> QueryResult:
    """Run a read-only SPARQL query on the store.

    ``params`` bind variables before the query runs (never pasted into its text): a
    value is an RDF term, or a string converted by the type its ``# param:`` line
    declares (a plain literal, or an IRI when written ``<...>``, when it declares none).
    A parameter must be a variable the query selects. With ``timeout`` (seconds) the
    query runs in a child process stopped when the time is up.

    Raises :class:`QueryError` (an update, SERVICE without ``allow_service``, a
    failure), :class:`QuerySyntaxError`, :class:`QueryTimeout`, :class:`ParameterError`,
    or :class:`~kgraph.errors.StoreError` when the store is missing or invalid.
    """
    check_safe(sparql, allow_service=allow_service)
    declared = declared_params(sparql)
    args = (_store_arg(store), sparql, dict(params or {}), declared, False)
    if timeout is None or timeout <= 0:
        kind, data = _execute(*args)
    else:
        kind, data = _in_child(args, timeout)
    return QueryResult(kind, data, {**BOUND_PREFIXES, **declared_prefixes(sparql)})


def run_preset(name: str, *, store: str | os.PathLike[str] = DEFAULT_STORE,
               params: Mapping[str, object] | None = None,
               timeout: float | None = None) -> QueryResult:
    """Run the preset ``name`` (see :func:`presets`); its parameters are checked strictly."""
    p = preset(name)
    if name in _SHORTCUTS and not params:
        shortcut = _SHORTCUTS[name]
        data = recovering(store, lambda: shortcut(_store_arg(store)))
        if data is not None:
            return QueryResult("select", data, results_format=ox.QueryResultsFormat.TSV)
    args = (_store_arg(store), p.text, dict(params or {}), p.params, True)
    if timeout is None or timeout <= 0:
        kind, data = _execute(*args)
    else:
        kind, data = _in_child(args, timeout)
    return QueryResult(kind, data)


def _store_arg(store: "str | os.PathLike[str] | Endpoint") -> "str | Endpoint":
    """``store`` as a picklable argument (for a child process): a path or a server."""
    return store if remote_endpoint(store) is not None else os.fspath(store)


def _pairs_from_table(store: str) -> bytes | None:
    """The ``pairs`` preset's result (as SPARQL TSV results) read from the index's visit
    table (a fraction of a second at 100k visits, where the SPARQL takes seconds);
    ``None`` when there is no table to read (then the preset's SPARQL runs).
    tests/test_views.py checks both give the same rows."""
    if remote_endpoint(store) is not None:
        return None  # a server has no visit table
    open_graph(store)  # brings the index up to date with the Turtle file
    table = Index(store).snapshot_table()
    rows = table.pairs_rows() if table is not None else None
    if rows is None:
        return None
    lines = ["?visitor\t?host\t?visits\t?first\t?last"]
    lines.extend(f"{a}\t{b}\t{n}\t{first}\t{last}" for a, b, n, first, last in rows)
    return "\n".join(lines).encode("utf-8") + b"\n"  # SPARQL TSV results


#: Presets (without parameters) that have a faster, equivalent way to their result.
_SHORTCUTS: dict[str, Callable[[str], bytes | None]] = {"pairs": _pairs_from_table}


# ---------------------------------------------------------------------------- rendering

_NUMERIC = {PREFIXES["xsd"] + t for t in (
    "integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}
#: Longest cell of the table format, unless ``full``.
CELL_WIDTH = 48


def _cell(term: Term | None, writer: TurtleWriter) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        text = writer.iri(term.value)
        return term.value if text.startswith("<") else text
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Literal):
        return term.value
    return str(term)


def _table(result: QueryResult, *, full: bool = False) -> bytes:
    if result.kind == "ask":
        return b"true\n" if result.boolean else b"false\n"
    writer = TurtleWriter(result.prefixes)
    names = result.variables
    rows = result.rows
    cells = []
    for row in rows:
        line = []
        for term in row:
            text = " ".join(_cell(term, writer).split()) if term is not None else ""
            if not full and len(text) > CELL_WIDTH:
                text = text[:CELL_WIDTH - 1] + "…"
            line.append(text)
        cells.append(line)
    numeric = [bool(rows) and all(
        r[i] is None or (isinstance(r[i], ox.Literal) and r[i].datatype.value in _NUMERIC)
        for r in rows) for i in range(len(names))]
    widths = [max([len(n)] + [len(c[i]) for c in cells]) for i, n in enumerate(names)]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if num else v.ljust(w)
                 for v, w, num in zip(values, widths, numeric)]
        return "  ".join(parts).rstrip() + "\n"

    out = [line(names), line(["-" * w for w in widths])]
    out.extend(line(c) for c in cells)
    return "".join(out).encode("utf-8")


def _results(fmt: ox.QueryResultsFormat) -> Callable[..., bytes]:
    def render(result: QueryResult, **_: object) -> bytes:
        if result.kind == "ask" and fmt in (ox.QueryResultsFormat.CSV,
                                           ox.QueryResultsFormat.TSV):
            return b"true\n" if result.boolean else b"false\n"
        if fmt == result.results_format:
            return result.data  # pyoxigraph's W3C SPARQL Results, as they came
        return result.solutions().serialize(format=fmt)
    return render


def _graph(fmt: ox.RdfFormat | None) -> Callable[..., bytes]:
    def render(result: QueryResult, **_: object) -> bytes:
        if fmt is None:  # Turtle, sorted, the way the store is written
            return TurtleWriter(result.prefixes).serialize(result.triples).encode("utf-8")
        if fmt == ox.RdfFormat.N_TRIPLES:
            lines = sorted(result.data.decode("utf-8").splitlines(keepends=True))
            return "".join(lines).encode("utf-8")
        return ox.serialize(result.triples, format=fmt, prefixes=result.prefixes)
    return render


@dataclass(frozen=True)
class Format:
    """A result format: what it renders, and for which kinds of query."""

    render: Callable[..., bytes]
    kinds: frozenset[str]
    description: str


_TABLE = frozenset({"select", "ask"})
_GRAPH = frozenset({"graph"})

#: Result formats by name (``--format``).
FORMATS: dict[str, Format] = {
    "table": Format(_table, _TABLE, "aligned columns for reading (IRIs shortened)"),
    "csv": Format(_results(ox.QueryResultsFormat.CSV), _TABLE, "W3C SPARQL results CSV"),
    "tsv": Format(_results(ox.QueryResultsFormat.TSV), _TABLE, "W3C SPARQL results TSV"),
    "json": Format(_results(ox.QueryResultsFormat.JSON), _TABLE, "W3C SPARQL results JSON"),
    "xml": Format(_results(ox.QueryResultsFormat.XML), _TABLE | _GRAPH,
                  "W3C SPARQL results XML; RDF/XML for CONSTRUCT and DESCRIBE"),
    "ttl": Format(_graph(None), _GRAPH, "Turtle"),
    "nt": Format(_graph(ox.RdfFormat.N_TRIPLES), _GRAPH, "N-Triples"),
    "jsonld": Format(_graph(ox.RdfFormat.JSON_LD), _GRAPH, "JSON-LD"),
}
_XML_GRAPH = _graph(ox.RdfFormat.RDF_XML)


def default_format(kind: str, *, tty: bool) -> str:
    """``table`` for SELECT and ASK on a terminal, ``csv`` when piped; ``ttl`` for graphs."""
    if kind == "graph":
        return "ttl"
    return "table" if tty else "csv"


def render(result: QueryResult, fmt: str | None = None, *, tty: bool = False,
           full: bool = False) -> bytes:
    """The result in format ``fmt`` (a :data:`FORMATS` name; ``None``: :func:`default_format`).

    Raises :class:`ParameterError` when the format does not fit the kind of query.
    """
    name = fmt or default_format(result.kind, tty=tty)
    entry = FORMATS.get(name)
    if entry is None:
        raise ParameterError(f"unknown format {name!r}; formats: {', '.join(FORMATS)}")
    if result.kind not in entry.kinds:
        fitting = ", ".join(n for n, f in FORMATS.items() if result.kind in f.kinds)
        what = {"select": "SELECT", "ask": "ASK", "graph": "CONSTRUCT and DESCRIBE"}[result.kind]
        raise ParameterError(f"--format {name} does not fit {what} results; use {fitting}")
    if name == "xml" and result.kind == "graph":
        return _XML_GRAPH(result)
    return entry.render(result, full=full)
