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
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping

import pyoxigraph as ox

from ..errors import KGraphError, KGraphWarning
from ..rdf.sparql_text import declared_prefixes, star_order
from ..store.graph import DEFAULT_STORE, open_graph, recovering, remote_endpoint
from ..store.index import Index, damaged
from .checks import (
    BOUND_PREFIXES, ParameterError, QueryError, QueryTimeout, _syntax_error, check_safe,
)
from .params import Param, Term, _substitutions, declared_params
from .presets import preset

if TYPE_CHECKING:
    from ..store.remote.endpoint import Endpoint

#: The ``--timeout`` of ``kgraph query`` (seconds).
DEFAULT_TIMEOUT = 30.0


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
