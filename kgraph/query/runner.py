"""SPARQL over the store: read-only, time-limited, with parameters bound safely.

>>> result = query("SELECT ?v WHERE { ?v a kg:Visit }", store="kgraph.ttl")   # doctest: +SKIP
>>> result.variables, len(result.rows)                                         # doctest: +SKIP
(['v'], 11)
>>> print(render(result, "csv").decode())                                      # doctest: +SKIP

The prefixes of :data:`BOUND_PREFIXES` (``kg rdf rdfs xsd owl skos schema prov sem org``,
``kgt`` and the data prefixes ``region gov person visit ...``) need no declaration; a
query's own ``PREFIX`` wins. Ready-made queries live in ``kgraph/query/queries/*.rq``
(:func:`presets`). Results render through the :data:`FORMATS` registry.

With a ``timeout`` the query runs in a child process (forked where that is safe, so it
starts in milliseconds; else a fresh interpreter, which never imports the caller's
``__main__``) that is killed when the time is up: pyoxigraph cannot cancel a running
query, and a killed process frees its memory and CPU at once.
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

from ..errors import KGraphError, KGraphWarning, UsageError
from ..rdf.namespace import DATA_PREFIXES, PREFIXES
from ..store.index import Index, damaged
from ..rdf.sparql_text import (
    UPDATE_WORDS, SparqlTextError, blank_opaque, calls_service, declared_prefixes, line_column,
    misspelt_keyword, prefixed_names, query_form, star_order, tokens,
)
from ..store.graph import DEFAULT_STORE, open_graph, recovering, remote_endpoint
from .table import render as text_table
from ..rdf.turtle import TurtleWriter

if TYPE_CHECKING:
    from ..store.remote.endpoint import Endpoint

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


class ParameterError(QueryError, UsageError):
    """Bad use of parameters or formats: an unknown preset, parameter or format, a value
    that does not fit its type, an ambiguous region. (The CLI exits 2 on it.)"""


# ---------------------------------------------------------------------------- the text

_POSITION = re.compile(r"^error at (\d+):(\d+): ", re.S)


def check_safe(text: str, *, allow_service: bool = False) -> None:
    """Refuse SPARQL UPDATE, and SERVICE unless ``allow_service``, as the query's tokens
    say (:mod:`kgraph.sparql_text`); raises :class:`QueryError`, or
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


# ---------------------------------------------------------------------------- presets


@dataclass(frozen=True)
class Param:
    """A parameter a query declares with ``# param: NAME (TYPE) description``."""

    name: str
    type: str = "string"
    description: str = ""


@dataclass(frozen=True)
class Preset:
    """A ready-made query shipped in ``kgraph/query/queries/NAME.rq``."""

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
    substitutions = _substitutions(graph, params, declared, strict, declared_prefixes(text))
    try:
        result = graph.query(text, prefixes=BOUND_PREFIXES, substitutions=substitutions or None)
        if isinstance(result, ox.QueryBoolean):
            return "ask", result.serialize(format=ox.QueryResultsFormat.JSON)
        if isinstance(result, ox.QuerySolutions):
            data = result.serialize(format=ox.QueryResultsFormat.JSON)
            order = star_order(text)
            return "select", _in_order(data, order) if order else data
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


def _in_order(data: bytes, order: list[str]) -> bytes:
    """JSON results whose columns follow ``order`` (``SELECT *``: the order in which the
    query names its variables; pyoxigraph sorts them by name)."""
    import json

    results = json.loads(data)
    rank = {name: i for i, name in enumerate(order)}
    names = results["head"]["vars"]
    results["head"]["vars"] = sorted(names, key=lambda n: (rank.get(n, len(rank)), n))
    return json.dumps(results, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


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


def _fork_is_safe() -> bool:
    """fork starts a child in milliseconds, but is safe only in a process with one thread
    (a fork copies locks that other threads may hold, such as those of an open RocksDB
    store), and not on macOS, whose frameworks are not fork-safe."""
    return ("fork" in multiprocessing.get_all_start_methods() and sys.platform != "darwin"
            and _os_threads() == 1)


#: With a SPARQL server, the child gets this much longer (seconds) than the timeout, so
#: that a server passing the deadline of its requests is named in the error.
_REMOTE_GRACE = 2.0


def _in_child(args: tuple, timeout: float) -> tuple[str, bytes]:
    """Run :func:`_execute` in a child process killed after ``timeout`` seconds: a fork
    where that is safe, else a fresh interpreter (never multiprocessing's spawn or
    forkserver, which import the caller's ``__main__`` again: a plain script calling
    :func:`query` would run once more in the child)."""
    if _fork_is_safe():
        message = _in_fork(args, timeout)
    else:
        message = _in_interpreter(args, timeout)
    *message, notes = message
    for note in notes:
        warnings.warn(note, KGraphWarning, stacklevel=3)
    if message[0] == "ok":
        return message[1], message[2]
    if message[0] == "error":
        cls, text, file, field_, hint = message[1:]
        raise cls(text, file=file, field=field_, hint=hint)
    raise QueryError(f"the query failed: {message[1]}")


def _timed_out(timeout: float) -> QueryTimeout:
    return QueryTimeout(f"query timed out after {timeout:g} s",
                        hint="simplify the query or raise --timeout")


def _in_fork(args: tuple, timeout: float) -> tuple:
    ctx = multiprocessing.get_context("fork")
    receiver, sender = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(sender, args), daemon=True)
    process.start()
    sender.close()
    remote = not isinstance(args[0], str)  # an Endpoint (see _store_arg)
    try:
        if not receiver.poll(timeout + (_REMOTE_GRACE if remote else 0)):
            raise _timed_out(timeout)
        return receiver.recv()
    except EOFError:
        process.join()
        raise QueryError(f"the query process died (exit code {process.exitcode})") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()


class _Sender:
    """The end of a pipe :func:`_child` writes to, as standard output (pickled)."""

    def __init__(self, stream) -> None:  # type: ignore[no-untyped-def]
        self.stream = stream

    def send(self, message: tuple) -> None:
        import pickle

        self.stream.write(pickle.dumps(message))
        self.stream.flush()

    def close(self) -> None:
        pass


def _serve() -> None:
    """The body of the fresh interpreter of :func:`_in_interpreter`: arguments in
    (pickled, on standard input), the message of :func:`_child` out."""
    import pickle

    args = pickle.loads(sys.stdin.buffer.read())
    _child(_Sender(sys.stdout.buffer), args)


def _in_interpreter(args: tuple, timeout: float) -> tuple:
    import pickle
    import subprocess

    env = dict(os.environ)  # kgraph importable in the child as it is here
    root = str(Path(__file__).resolve().parents[2])  # the folder holding kgraph/
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
    process = subprocess.Popen(
        [sys.executable, "-c", "from kgraph.query.runner import _serve; _serve()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    try:
        remote = not isinstance(args[0], str)  # an Endpoint (see _store_arg)
        out, err = process.communicate(pickle.dumps(args),
                                       timeout=timeout + (_REMOTE_GRACE if remote else 0))
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        raise _timed_out(timeout) from None
    try:
        return pickle.loads(out)
    except Exception:  # noqa: BLE001 - nothing (or garbage) came back: the child died
        last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise QueryError(f"the query process died (exit code {process.returncode}) "
                         f"{last[0]}".strip()) from None


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


def _table(result: QueryResult, *, full: bool = False, width: int | None = None,
           **_: object) -> bytes:
    """Aligned columns: IRIs shortened, line breaks as spaces, control characters
    escaped; cells cut at :data:`CELL_WIDTH`, or with a ``width`` (a terminal's) the
    widest columns cut to fit it; ``full`` cuts nothing."""
    if result.kind == "ask":
        return b"true\n" if result.boolean else b"false\n"
    writer = TurtleWriter(result.prefixes)
    names = result.variables
    rows = result.rows
    cells = [[" ".join(_cell(term, writer).split()) for term in row] for row in rows]
    numeric = [bool(rows) and all(
        r[i] is None or (isinstance(r[i], ox.Literal) and r[i].datatype.value in _NUMERIC)
        for r in rows) for i in range(len(names))]
    lines = text_table(names, cells, right=numeric, width=None if full else width,
                       cell_width=None if full or width else CELL_WIDTH)
    return "".join(line + "\n" for line in lines).encode("utf-8")


def ending_line(data: bytes) -> bytes:
    """``data`` ending with a line break (pyoxigraph's JSON and XML end without one)."""
    return data if not data or data.endswith(b"\n") else data + b"\n"


def _results(fmt: ox.QueryResultsFormat) -> Callable[..., bytes]:
    def render(result: QueryResult, **_: object) -> bytes:
        if result.kind == "ask" and fmt in (ox.QueryResultsFormat.CSV,
                                           ox.QueryResultsFormat.TSV):
            return b"true\n" if result.boolean else b"false\n"
        if fmt == result.results_format:
            return ending_line(result.data)  # pyoxigraph's W3C SPARQL Results, as they came
        return ending_line(result.solutions().serialize(format=fmt))
    return render


def _graph(fmt: ox.RdfFormat | None) -> Callable[..., bytes]:
    def render(result: QueryResult, **_: object) -> bytes:
        if fmt is None:  # Turtle, sorted, the way the store is written
            return TurtleWriter(result.prefixes).serialize(result.triples).encode("utf-8")
        if fmt == ox.RdfFormat.N_TRIPLES:
            lines = sorted(result.data.decode("utf-8").splitlines(keepends=True))
            return "".join(lines).encode("utf-8")
        return ending_line(ox.serialize(result.triples, format=fmt, prefixes=result.prefixes))
    return render


@dataclass(frozen=True)
class Format:
    """A result format: what it renders, for which kinds of query, and the extensions of
    the files (``-o FILE``) it is chosen for."""

    render: Callable[..., bytes]
    kinds: frozenset[str]
    description: str
    extensions: tuple[str, ...] = ()


_TABLE = frozenset({"select", "ask"})
_GRAPH = frozenset({"graph"})

#: Result formats by name (``--format``).
FORMATS: dict[str, Format] = {
    "table": Format(_table, _TABLE, "aligned columns for reading (IRIs shortened)",
                    (".txt",)),
    "csv": Format(_results(ox.QueryResultsFormat.CSV), _TABLE, "W3C SPARQL results CSV",
                  (".csv",)),
    "tsv": Format(_results(ox.QueryResultsFormat.TSV), _TABLE, "W3C SPARQL results TSV",
                  (".tsv",)),
    "json": Format(_results(ox.QueryResultsFormat.JSON), _TABLE, "W3C SPARQL results JSON",
                   (".json", ".srj")),
    "xml": Format(_results(ox.QueryResultsFormat.XML), _TABLE | _GRAPH,
                  "W3C SPARQL results XML; RDF/XML for CONSTRUCT and DESCRIBE",
                  (".xml", ".srx", ".rdf")),
    "ttl": Format(_graph(None), _GRAPH, "Turtle", (".ttl",)),
    "nt": Format(_graph(ox.RdfFormat.N_TRIPLES), _GRAPH, "N-Triples", (".nt",)),
    "jsonld": Format(_graph(ox.RdfFormat.JSON_LD), _GRAPH, "JSON-LD", (".jsonld", ".json")),
}
_XML_GRAPH = _graph(ox.RdfFormat.RDF_XML)


def file_format(output: str | os.PathLike[str], kind: str | None = None) -> str | None:
    """The format a file name's extension asks for (``None`` for ``-`` or no extension):
    the first of :data:`FORMATS` that lists it and fits ``kind`` ("select", "ask",
    "graph"; ``None``: any). Raises :class:`ParameterError` for an extension that no
    format has."""
    name = os.fspath(output)
    suffix = Path(name).suffix.lower() if name != "-" else ""
    if not suffix:
        return None
    named = [n for n, f in FORMATS.items() if suffix in f.extensions]
    if not named:
        known = " ".join(sorted({e for f in FORMATS.values() for e in f.extensions}))
        raise ParameterError(f"{name}: cannot tell the format from the extension {suffix}",
                             hint=f"use one of {known}, or give --format")
    fitting = [n for n in named if kind is None or kind in FORMATS[n].kinds]
    if not fitting:
        what = {"select": "SELECT", "ask": "ASK"}.get(kind or "", "CONSTRUCT and DESCRIBE")
        usable = " ".join(e for f in FORMATS.values() if kind in f.kinds for e in f.extensions)
        raise ParameterError(f"{name}: a {suffix} file cannot hold {what} results",
                             hint=f"use {usable}, or give --format")
    return fitting[0]


def default_format(kind: str, *, tty: bool) -> str:
    """``table`` for SELECT and ASK on a terminal, ``csv`` when piped; ``ttl`` for graphs."""
    if kind == "graph":
        return "ttl"
    return "table" if tty else "csv"


def render(result: QueryResult, fmt: str | None = None, *, tty: bool = False,
           full: bool = False, width: int | None = None) -> bytes:
    """The result in format ``fmt`` (a :data:`FORMATS` name; ``None``: :func:`default_format`).
    The table fits ``width`` characters (a terminal's) unless ``full``.

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
    return entry.render(result, full=full, width=width)
