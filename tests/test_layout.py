"""The layout shows the pipeline, and imports run one way down it (README, "How the code
is laid out").

Every module's imports are read with ``ast``: those at the top, those inside functions,
those under ``TYPE_CHECKING``, the registries that ``--format`` names by string
(``RegistryChoice("..query.render:FORMATS")``) and the code a child interpreter runs
(``python -c "from kgraph... import ..."``). Then:

- a package (or a verb, a top-level module) imports only what its row of :data:`ALLOWED`
  names, and the table itself has no circle;
- no module imports another that imports it back, through any chain;
- no module is over 400 lines;
- each package's docstring says what it may import (``May import: ...``), as the table.
"""
from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

from conftest import ROOT

PACKAGE = ROOT / "kgraph"
MAX_LINES = 400

STAGES = ("rdf", "resolve", "read", "extract", "map", "store", "query", "network")
VERBS = ("fetch", "annotate", "evaluate", "export", "validate", "ingest")

#: Which package (a stage, the cli, or a top-level module: a verb, errors, the public
#: API ``kgraph`` and ``__main__``) may import which. ``__version__`` is the first line of
#: kgraph/__init__.py, readable while kgraph is being imported (see
#: test_the_version_is_set_before_the_public_api_is_imported).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "rdf": {"errors"},
    "resolve": {"errors", "rdf"},
    "read": {"errors", "resolve", "__version__"},
    "extract": {"errors", "resolve", "read"},
    "map": {"errors", "rdf", "resolve", "read"},
    "store": {"errors", "rdf", "read", "map"},
    "query": {"errors", "rdf", "resolve", "store"},
    "network": {"errors", "rdf", "resolve", "store", "query"},
    "fetch": {"errors", "read", "store"},
    "annotate": {"errors", "read", "extract", "store"},
    "evaluate": {"errors", "resolve", "read", "extract"},
    "export": {"errors", "rdf", "store", "query", "network"},
    "validate": {"errors", "rdf", "store"},
    "ingest": {"errors", "resolve", "read", "extract", "map", "store", "fetch"},
    "cli": {"errors", *STAGES, *VERBS, "__version__"},
    "kgraph": {"errors", "ingest", "validate", "export", "query", "network"},
    "__main__": {"cli"},
    "__version__": set(),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def package_of(name: str) -> str:
    """The node of the table a module belongs to: kgraph.store.remote.client → store."""
    parts = name.split(".")
    if name == "kgraph.__version__":
        return "__version__"
    return parts[1] if len(parts) > 1 else "kgraph"


def resolve(importer: str, level: int, module: str | None) -> str:
    """The absolute name of ``from <level dots><module> import ...`` in ``importer``."""
    if not level:
        return module or ""
    base = importer.split(".") if is_package(importer) else importer.split(".")[:-1]
    base = base[:len(base) - (level - 1)]
    return ".".join(base + ([module] if module else []))


def imported(importer: str, base: str, names: list[str]) -> list[str]:
    """The modules ``from base import names`` reads: a name that is a module is one."""
    found = []
    for name in names:
        if base == "kgraph" and name == "__version__":
            found.append("kgraph.__version__")
        elif f"{base}.{name}" in MODULES:
            found.append(f"{base}.{name}")
        else:
            found.append(base)
    return found


def _docstrings(tree: ast.Module) -> set[int]:
    """The ids of the string constants that are docstrings (not code)."""
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


def imports_of(name: str) -> list[tuple[str, int]]:
    """(module imported, line) for every import the module ``name`` makes."""
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    docstrings = _docstrings(tree)
    out: list[tuple[str, int]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names if a.name.split(".")[0] == "kgraph"]
        elif isinstance(node, ast.ImportFrom):
            base = resolve(name, node.level, node.module)
            if base.split(".")[0] == "kgraph":
                out += [(m, node.lineno) for m in imported(name, base, [a.name for a in node.names])]
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RegistryChoice":
            registry = node.args[0].value  # type: ignore[attr-defined]
            module = registry.partition(":")[0]
            level = len(module) - len(module.lstrip("."))
            out.append((resolve(name, level, module.lstrip(".") or None), node.lineno))
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings:
            for m in re.finditer(r"\bfrom (kgraph[\w.]*) import (\w+)", node.value):
                out += [(t, node.lineno) for t in imported(name, m.group(1), [m.group(2)])]
    return out


GRAPH = {name: imports_of(name) for name in MODULES}


def test_every_import_names_a_module_of_kgraph():
    unknown = [f"{MODULES[src].relative_to(ROOT)}:{line}: {dst}"
               for src, targets in GRAPH.items() for dst, line in targets
               if dst not in MODULES and dst != "kgraph.__version__"]
    assert not unknown, "imports of modules that do not exist:\n" + "\n".join(unknown)


def test_imports_run_down_the_pipeline():
    wrong = []
    for src, targets in GRAPH.items():
        here = package_of(src)
        for dst, line in targets:
            there = package_of(dst)
            if there != here and there not in ALLOWED[here]:
                wrong.append(f"{MODULES[src].relative_to(ROOT)}:{line}: {here} imports "
                             f"{there} ({dst}); {here} may import: "
                             f"{', '.join(sorted(ALLOWED[here])) or 'nothing'}")
    assert not wrong, "imports against the pipeline's direction:\n" + "\n".join(wrong)


def test_every_package_and_module_has_a_row():
    assert {package_of(name) for name in MODULES} <= set(ALLOWED)
    assert {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()} \
        == {*STAGES, "cli"}


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A circle of ``graph`` (node → nodes), as the path around it; ``None`` if none."""
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path[path.index(nxt):] + [nxt]
            if nxt not in state:
                found = visit(nxt)
                if found:
                    return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_the_table_has_no_circle():
    circle = _cycle(ALLOWED)
    assert circle is None, "ALLOWED runs in a circle: " + " → ".join(circle)


def test_no_module_imports_itself_through_others():
    graph = {src: {dst for dst, _line in targets if dst != src}
             for src, targets in GRAPH.items()}
    circle = _cycle(graph)
    assert circle is None, "an import circle: " + " → ".join(circle)


def test_no_module_is_over_400_lines():
    long = {str(path.relative_to(ROOT)): n for path in MODULES.values()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert not long, f"modules over {MAX_LINES} lines (split them along their jobs): {long}"


@pytest.mark.parametrize("package", sorted(p for p in MODULES if is_package(p) and p != "kgraph"))
def test_each_package_says_what_it_may_import(package):
    doc = ast.get_docstring(ast.parse(MODULES[package].read_text(encoding="utf-8"))) or ""
    m = re.search(r"^May import: (.*?)(?:\n\n|\Z)", doc, re.M | re.S)
    assert m, f"{package}: its docstring has no 'May import:' paragraph"
    said = {w for w in re.split(r"[,\s]+", m.group(1)) if w}
    assert said == ALLOWED[package_of(package)] - {"__version__"}


def test_the_version_is_set_before_the_public_api_is_imported():
    """Modules read ``kgraph.__version__`` while kgraph is being imported: it must be set
    before kgraph/__init__.py imports anything of its own."""
    body = ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8")).body
    version = next(i for i, node in enumerate(body) if isinstance(node, ast.Assign)
                   and any(getattr(t, "id", None) == "__version__" for t in node.targets))
    first = next(i for i, node in enumerate(body) if isinstance(node, ast.ImportFrom)
                 and node.level)
    assert version < first


def test_the_registries_named_by_string_exist():
    for src, path in MODULES.items():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "RegistryChoice":
                module, _, attribute = node.args[0].value.partition(":")  # type: ignore[attr-defined]
                package = src if is_package(src) else src.rpartition(".")[0]
                assert isinstance(getattr(importlib.import_module(module, package), attribute),
                                  dict)


def test_the_circle_finder_finds_circles():
    """The two circle tests can fail: the finder sees a circle of two and one of three."""
    assert _cycle({"a": {"b"}, "b": {"a"}}) == ["a", "b", "a"]
    assert _cycle({"x": {"y"}, "y": {"z"}, "z": {"x"}, "w": {"x"}}) == ["x", "y", "z", "x"]
    assert _cycle({"a": {"b"}, "b": set()}) is None


def test_the_readme_shows_this_table():
    """README's "How the code is laid out" table says what each stage may import, as here."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## How the code is laid out", 1)[1].split("\n## ", 1)[0]
    rows = {m.group(1): {w for w in re.findall(r"`(\w+)`", m.group(2))}
            for m in re.finditer(r"^\| `(\w+)/` \|.*\| (.*) \|$", section, re.M)}
    assert set(rows) == set(STAGES)
    for stage, said in rows.items():
        assert said == ALLOWED[stage] - {"errors", "__version__"}, stage
