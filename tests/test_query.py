"""kgraph query: presets against golden rows, W3C result formats, safety, errors.

Golden files are ``tests/data/query/<preset>.tsv`` (the W3C TSV output of each preset on
the ``examples/`` store); regenerate them with ``KGRAPH_REGEN_GOLDEN=1 pytest tests/test_query.py``.
"""
from __future__ import annotations

import csv
import io
import os
import re
import shlex
import shutil
import time

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result

from kgraph.query.checks import (
    BOUND_PREFIXES, ParameterError, QueryError, QuerySyntaxError, QueryTimeout, check_safe,
)
from kgraph.query.render import CELL_WIDTH, FORMATS, render
from kgraph.query.presets import presets
from kgraph.query.runner import query, run_preset
from kgraph.rdf.sparql_text import blank_opaque

from conftest import DATA, ROOT

GOLDEN = DATA / "query"
REGEN = bool(os.environ.get("KGRAPH_REGEN_GOLDEN"))
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
#: Parameters each preset is run with for its golden file.
PRESET_PARAMS = {"region": {"region": "Kota Malang"}}
#: Cells that join several values (GROUP_CONCAT, whose order SPARQL leaves open).
JOINED = {"leader": "; ", "receiver": "; ", "agreement": "; ", "topics": "; ", "method": "; ",
          "roles": "; ", "government": "; ", "sources": " "}
EXPENSIVE = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture
def store_here(example_store, invoke, tmp_path):
    """A copy of the example store as ./kgraph.ttl in the CLI's working directory."""
    shutil.copy(example_store, tmp_path / "kgraph.ttl")
    return tmp_path / "kgraph.ttl"


def _tsv_rows(text: str) -> tuple[list[str], list[list[str]]]:
    lines = text.split("\n")
    assert lines[-1] == "", "TSV must end with a newline"
    header, *rows = (line.split("\t") for line in lines[:-1])
    return header, rows


def _normalised(header: list[str], rows: list[list[str]]) -> list[list[str]]:
    out = []
    for row in rows:
        cells = []
        for name, cell in zip(header, row):
            sep = JOINED.get(name.lstrip("?"))
            if sep and cell.startswith('"') and cell.endswith('"'):
                cell = '"' + sep.join(sorted(cell[1:-1].split(sep))) + '"'
            cells.append(cell)
        out.append(cells)
    return out


# ---------------------------------------------------------------------------- presets


def test_every_preset_file_has_a_description_first():
    names = set(presets())
    assert {"visits", "pairs", "hosts", "visitors", "agreements", "topics", "region",
            "people"} <= names
    for item in presets().values():
        assert item.path.read_text(encoding="utf-8").startswith("# description: ")
        assert item.description and "\n" not in item.description
    assert [p.name for p in presets()["region"].params] == ["region"]
    assert presets()["region"].params[0].type == "region"


@pytest.mark.parametrize("name", sorted(presets()))
def test_preset_rows_match_golden(example_store, name):
    result = run_preset(name, store=example_store, params=PRESET_PARAMS.get(name))
    text = render(result, "tsv").decode("utf-8")
    path = GOLDEN / f"{name}.tsv"
    if REGEN:
        GOLDEN.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="")
    assert path.exists(), f"no golden file {path}; run with KGRAPH_REGEN_GOLDEN=1"
    got_header, got = _tsv_rows(text)
    want_header, want = _tsv_rows(path.read_text(encoding="utf-8"))
    assert got_header == want_header
    assert _normalised(got_header, got) == _normalised(want_header, want)
    assert got, f"preset {name} returns no rows on the examples"


def test_golden_files_are_plausible():
    """Spot checks written by hand, so a wrong regeneration cannot go unnoticed."""
    hosts = (GOLDEN / "hosts.tsv").read_text(encoding="utf-8").splitlines()
    assert hosts[1].startswith('"Kota Malang"\t"35.73"\t2\t2')
    visits = (GOLDEN / "visits.tsv").read_text(encoding="utf-8").splitlines()
    # At least the eleven kg:Visit nodes of the twelve annotated visits (raw articles
    # add what the extractor finds in them).
    assert len(visits) >= 1 + 11
    serang = next(line for line in visits if '"Pemerintah Kota Serang"' in line)
    assert "wawali-serang-studi-tiru-malang" in serang and "pemkot-serang-benchmarking" in serang
    # How each visit was read: the three raw examples are extracted, with a confidence.
    header = visits[0].split("\t")
    method, confidence = header.index("?method"), header.index("?confidence")
    rows = [line.split("\t") for line in visits[1:]]
    assert sum(r[method] == '"extracted"' for r in rows) == 3
    assert all(r[confidence] for r in rows if r[method] == '"extracted"')
    assert all(not r[confidence] for r in rows if r[method] == '"annotated"')
    jambi = next(r for r in rows if r[0].startswith('"2026-01-12"'))
    assert "kesehatan" in jambi[header.index("?topics")]
    region = (GOLDEN / "region.tsv").read_text(encoding="utf-8").splitlines()
    assert len(region) == 3 and all('"host"' in line for line in region[1:])
    agreements = (GOLDEN / "agreements.tsv").read_text(encoding="utf-8")
    assert "Kesepakatan Bersama" in agreements and "Nota Kesepahaman" in agreements


@pytest.mark.parametrize("value", ["35.73", "Pemkot Malang", "kota malang"])
def test_region_by_code_or_mention_gives_the_same_rows(example_store, value):
    expected = run_preset("region", store=example_store, params={"region": "Kota Malang"})
    got = run_preset("region", store=example_store, params={"region": value})
    assert got.variables == expected.variables
    assert len(got.rows) == len(expected.rows) == 2
    assert [r[-1] for r in got.rows] == [r[-1] for r in expected.rows]


def test_region_parameter_errors_exit_2(invoke, store_here):
    ambiguous = invoke("query", "--preset", "region", "--param", "region=Malang")
    assert ambiguous.exit_code == 2
    assert "ambiguous: Kabupaten Malang (35.07), Kota Malang (35.73)" in ambiguous.stderr
    missing = invoke("query", "--preset", "region")
    assert missing.exit_code == 2 and "missing parameter region" in missing.stderr
    unknown = invoke("query", "--preset", "hosts", "--param", "x=1")
    assert unknown.exit_code == 2 and "unknown parameter 'x'" in unknown.stderr
    nowhere = invoke("query", "--preset", "region", "--param", "region=Atlantis")
    assert nowhere.exit_code == 2 and "no region called 'Atlantis'" in nowhere.stderr
    bad = invoke("query", "--preset", "nope")
    assert bad.exit_code == 2 and "no preset called 'nope'" in bad.stderr
    form = invoke("query", "--preset", "hosts", "--param", "novalue")
    assert form.exit_code == 2 and "NAME=VALUE" in form.stderr


def test_list_presets(invoke):
    result = invoke("query", "--list-presets")
    assert result.exit_code == 0
    for item in presets().values():
        assert f"{item.name:<11} {item.description}" in result.stdout
    assert "--param region=" in result.stdout


# ---------------------------------------------------------------------------- injection


@pytest.mark.parametrize("value", [
    'x" } ; DROP ALL ; INSERT DATA { <a:b> <a:b> <a:b> } #',
    "x' } } ; CLEAR DEFAULT",
    '"""\n} DELETE WHERE { ?s ?p ?o }',
    "<http://evil/> } UNION { ?s ?p ?o",
])
def test_parameters_cannot_inject_sparql(invoke, store_here, value):
    before = store_here.read_bytes()
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    triples = invoke("query", count).stdout
    query_text = "SELECT ?name ?length WHERE { BIND(STRLEN(?name) AS ?length) }"
    result = invoke("query", query_text, "--param", f"name={value}", "--format", "json")
    assert result.exit_code == 0, result.output
    parsed = Result.parse(io.StringIO(result.stdout), format="json")
    rows = list(parsed)
    assert len(rows) == 1
    name, length = rows[0]
    assert isinstance(name, rdflib.Literal)
    assert str(name) == value and int(length) == len(value)
    for preset_value in (value, "35.73" + value):
        refused = invoke("query", "--preset", "region", "--param", f"region={preset_value}")
        assert refused.exit_code == 2, refused.output
    assert store_here.read_bytes() == before
    assert invoke("query", count).stdout == triples


def test_typed_parameters_from_param_lines(example_store):
    text = ("# param: day (date) a day\n"
            "SELECT ?day ?visit WHERE { ?visit kg:date ?day }")
    result = query(text, store=example_store, params={"day": "2025-11-25"})
    assert len(result.rows) == 2
    with pytest.raises(ParameterError, match="SELECT clause"):
        query("SELECT ?visit WHERE { ?visit kg:date ?day }", store=example_store,
              params={"day": "2025-11-25"})


@pytest.mark.parametrize("kind, value", [
    ("date", "14/10/2025"), ("date", "hello"), ("date", "2025-02-30"),
    ("integer", "abc"), ("integer", "1.5"), ("decimal", "1,5"),
])
def test_a_value_that_does_not_fit_its_type_is_bad_usage(invoke, store_here, tmp_path,
                                                         kind, value):
    (tmp_path / "q.rq").write_text(f"# param: d ({kind}) a value\n"
                                   "SELECT ?d ?v WHERE { ?v kg:date ?d }", encoding="utf-8")
    result = invoke("query", "-f", "q.rq", "--param", f"d={value}")
    assert result.exit_code == 2, result.output
    assert f"parameter d ({kind}): {value!r} is not " in result.stderr
    assert result.stderr.strip().splitlines()[-1].startswith("Error: parameter d ")


@pytest.mark.parametrize("value, datatype", [
    ("2025-10-14", "http://www.w3.org/2001/XMLSchema#date"),
    ("12", "http://www.w3.org/2001/XMLSchema#integer"),
    ("-0.75", "http://www.w3.org/2001/XMLSchema#decimal"),
    ("14/10/2025", XSD_STRING),
    ("hello", XSD_STRING),
    ("nobody:35.73", XSD_STRING),
    ("region:35.73", None),
    ("<https://example.org/x>", None),
])
def test_an_undeclared_value_is_bound_as_what_it_reads_as(example_store, value, datatype):
    result = query("SELECT ?x ?type ?iri WHERE { BIND(DATATYPE(?x) AS ?type) "
                   "BIND(isIRI(?x) AS ?iri) }", store=example_store, params={"x": value})
    (x, kind, iri), = result.rows
    if datatype is None:
        assert iri.value == "true" and isinstance(x, ox.NamedNode)
    else:
        assert kind.value == datatype and x.value == value


def test_undeclared_dates_and_prefixed_names_match_the_store(example_store):
    dated = query("SELECT ?d ?v WHERE { ?v kg:date ?d }", store=example_store,
                  params={"d": "2025-11-25"})
    assert len(dated.rows) == 2
    governed = query("SELECT ?r ?g WHERE { ?g kg:region ?r }", store=example_store,
                     params={"r": "region:35.73"})
    assert governed.rows and all(r[0].value.endswith("/35.73") for r in governed.rows)


def test_help_says_how_undeclared_values_are_read(invoke):
    text = " ".join(invoke("query", "--help").stdout.split())
    assert "a date, a number or a prefixed name" in text


# ---------------------------------------------------------------------------- formats


def _as_tuple(term):  # type: ignore[no-untyped-def]
    """A term of pyoxigraph or rdflib as (kind, value, language, datatype)."""
    if term is None:
        return None
    if isinstance(term, (ox.NamedNode, rdflib.URIRef)):
        return ("uri", str(term.value if isinstance(term, ox.NamedNode) else term))
    if isinstance(term, (ox.BlankNode, rdflib.BNode)):
        return ("bnode",)
    if isinstance(term, ox.Literal):
        return ("literal", term.value, term.language, term.datatype.value)
    datatype = str(term.datatype) if term.datatype else (
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString" if term.language
        else XSD_STRING)
    return ("literal", str(term), term.language, datatype)


SPECIAL = """SELECT ?iri ?lang ?typed ?blank ?unbound ?text WHERE {
  VALUES (?iri ?lang ?typed ?text) {
    (<http://example.org/a> "kota"@id "2025-01-01"^^xsd:date "a, \\"b\\"\\nc\\td")
  }
  BIND(BNODE() AS ?blank)
}"""


@pytest.mark.parametrize("name", sorted(presets()) + ["special"])
def test_json_round_trips_through_rdflib(example_store, name):
    if name == "special":
        result = query(SPECIAL, store=example_store)
    else:
        result = run_preset(name, store=example_store, params=PRESET_PARAMS.get(name))
    data = render(result, "json").decode("utf-8")
    parsed = Result.parse(io.StringIO(data), format="json")
    assert [str(v) for v in parsed.vars] == result.variables
    got = [tuple(_as_tuple(row[i]) for i in range(len(parsed.vars))) for row in parsed]
    want = [tuple(_as_tuple(t) for t in row) for row in result.rows]
    assert got == want and want


def test_json_is_the_w3c_shape(example_store):
    import json

    data = json.loads(render(query(SPECIAL, store=example_store), "json"))
    assert data["head"]["vars"] == ["iri", "lang", "typed", "blank", "unbound", "text"]
    (row,) = data["results"]["bindings"]
    assert row["iri"] == {"type": "uri", "value": "http://example.org/a"}
    assert row["lang"] == {"type": "literal", "value": "kota", "xml:lang": "id"}
    assert row["typed"] == {"type": "literal", "value": "2025-01-01",
                            "datatype": "http://www.w3.org/2001/XMLSchema#date"}
    assert row["blank"]["type"] == "bnode"
    assert "unbound" not in row
    assert row["text"] == {"type": "literal", "value": 'a, "b"\nc\td'}
    ask = json.loads(render(query("ASK { ?v a kg:Visit }", store=example_store), "json"))
    assert ask == {"head": {}, "boolean": True}


@pytest.mark.parametrize("name", sorted(presets()))
def test_csv_parses_with_the_csv_module(example_store, name):
    result = run_preset(name, store=example_store, params=PRESET_PARAMS.get(name))
    data = render(result, "csv").decode("utf-8")
    assert data.endswith("\r\n") and "\n" not in data.replace("\r\n", "")
    header, *rows = list(csv.reader(io.StringIO(data, newline="")))
    assert header == result.variables
    plain = [["" if t is None else t.value for t in row] for row in result.rows]
    assert rows == plain


def test_csv_quotes_and_tsv_terms(example_store):
    result = query(SPECIAL, store=example_store)
    (row,) = list(csv.reader(io.StringIO(render(result, "csv").decode(), newline="")))[1:]
    assert row[0] == "http://example.org/a" and row[1] == "kota" and row[4] == ""
    assert row[5] == 'a, "b"\nc\td' and row[3].startswith("_:")
    header, (cells,) = _tsv_rows(render(result, "tsv").decode())
    assert header == ["?iri", "?lang", "?typed", "?blank", "?unbound", "?text"]
    assert cells[:3] == ["<http://example.org/a>", '"kota"@id',
                         '"2025-01-01"^^<http://www.w3.org/2001/XMLSchema#date>']
    assert cells[4] == "" and cells[5] == '"a, \\"b\\"\\nc\\td"'


def test_table_shortens_iris_aligns_and_cuts(example_store):
    result = run_preset("visits", store=example_store)
    table = render(result, "table").decode("utf-8")
    lines = table.splitlines()
    assert lines[0].split() == result.variables
    assert set(lines[1].replace(" ", "")) == {"-"}
    long_name = "visit:2025-10-06_36.73-pemerintah_35.73-pemerintah"
    assert len(long_name) > CELL_WIDTH
    assert long_name[:CELL_WIDTH - 1] + "…" in table and long_name not in table
    assert "https://w3id.org/kgraph/id/visit/" not in table
    column = lines[0].index("host")
    assert all(line[column - 2:column] == "  " for line in lines[2:])
    full = render(result, "table", full=True).decode("utf-8")
    assert "…" not in full and "visit:2025-10-06_36.73-pemerintah_35.73-pemerintah" in full
    counts = render(run_preset("hosts", store=example_store), "table").decode().splitlines()
    assert counts[2].endswith("      2         2")  # numbers right-aligned


ESCAPES_ARTICLE = """---
title: "A title \\e]0;retitled\\a"
url: https://example.org/escapes/1
visits:
  - visitor: "Pemkot \\e[2JNowhere"
    host: Pemkot Malang
    date: 2025-05-05
    led_by: "Someone \\e[31mRed\\e[0m"
    topics: ["a topic \\e[5m blinking"]
---
A body written for this test.
"""


@pytest.fixture
def escapes_store(tmp_path):
    """A store whose text holds terminal escape sequences (clear screen, OSC title, bell)."""
    from kgraph import ingest

    from conftest import write_article

    store = tmp_path / "escapes.ttl"
    assert ingest([write_article(tmp_path, "esc.md", ESCAPES_ARTICLE)], store=store).ok
    return store


def test_tables_show_control_characters_escaped(invoke, escapes_store):
    for args in (["query", "--preset", "visits", "--format", "table"],
                 ["query", "--preset", "visits", "--format", "table", "--full"],
                 ["stats"], ["query", "SELECT ?l WHERE { ?x rdfs:label ?l }", "--format",
                             "table"]):
        result = invoke(*args, "--store", str(escapes_store))
        assert result.exit_code == 0, result.output
        assert "\x1b" not in result.stdout and "\x07" not in result.stdout, args
        assert "\\x1b[2JNowhere" in result.stdout, args
    csv_text = invoke("query", "--preset", "visits", "--store", str(escapes_store)).stdout
    assert "\x1b[2JNowhere" in csv_text  # CSV is data: kept as it is


def test_table_fits_a_width_by_cutting_the_widest_columns(example_store):
    result = run_preset("visits", store=example_store)
    lines = render(result, "table", width=80).decode().splitlines()
    assert all(len(line) <= 80 for line in lines), max(map(len, lines))
    assert "…" in "".join(lines)
    hosts = render(run_preset("hosts", store=example_store), "table", width=40).decode()
    assert all(len(line) <= 40 for line in hosts.splitlines())
    assert "Provinsi DKI J…  31          2         2" in hosts  # numbers stay whole
    wide = render(result, "table", width=80, full=True).decode().splitlines()
    assert max(map(len, wide)) > 200 and "…" not in "".join(wide)


def test_a_terminal_gets_a_table_that_fits_it(store_here, tmp_path):
    """A real terminal (a pseudo-terminal) of 80 columns: no line is longer."""
    import pty
    import subprocess
    import sys

    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "80", "LINES": "24"}
    env.pop("KGRAPH_STORE", None)
    process = subprocess.run([sys.executable, "-m", "kgraph", "query", "--preset", "visits"],
                             stdout=follower, stderr=subprocess.PIPE, cwd=tmp_path, env=env,
                             timeout=120)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.returncode == 0, process.stderr
    lines = b"".join(chunks).decode("utf-8").splitlines()
    assert lines[0].startswith("date") and len(lines) > 12
    assert all(len(line) <= 80 for line in lines), max(map(len, lines))


def test_default_format_table_on_a_terminal_csv_when_piped(example_store):
    result = run_preset("hosts", store=example_store)
    assert render(result, tty=True) == render(result, "table")
    assert render(result, tty=False) == render(result, "csv")


def test_ask_prints_true_or_false(invoke, store_here):
    yes = invoke("query", "ASK { ?v a kg:Visit }")
    assert yes.exit_code == 0 and yes.stdout == "true\n"
    no = invoke("query", "ASK { ?v a kg:Nothing }", "--format", "table")
    assert no.exit_code == 0 and no.stdout == "false\n"


def test_construct_prints_turtle_and_other_rdf_formats(invoke, store_here):
    text = "CONSTRUCT { ?v kg:hostedBy ?h } WHERE { ?v a kg:Visit ; kg:hostedBy ?h }"
    graphs = {}
    visits = len(invoke("query", "SELECT ?v WHERE { ?v a kg:Visit }").stdout.splitlines()) - 1
    assert visits >= 11
    for fmt, parser in (("ttl", "turtle"), ("nt", "nt"), ("jsonld", "json-ld"),
                        ("xml", "xml")):
        args = ["query", text] + ([] if fmt == "ttl" else ["--format", fmt])
        result = invoke(*args)
        assert result.exit_code == 0, result.output
        graphs[fmt] = rdflib.Graph().parse(data=result.stdout, format=parser)
        assert len(graphs[fmt]) == visits
    assert "@prefix gov: <https://w3id.org/kgraph/id/gov/> ." in invoke("query", text).stdout
    assert all(isomorphic(graphs["ttl"], g) for g in graphs.values())
    wrong = invoke("query", text, "--format", "csv")
    assert wrong.exit_code == 2 and "does not fit CONSTRUCT" in wrong.stderr


# ---------------------------------------------------------------------------- input


def test_query_from_file_stdin_and_output_file(invoke, store_here, tmp_path):
    text = "SELECT ?visit WHERE { ?visit a kg:Visit } ORDER BY ?visit"
    (tmp_path / "q.rq").write_text(text, encoding="utf-8")
    direct = invoke("query", text)
    from_file = invoke("query", "-f", "q.rq")
    from_stdin = invoke("query", "-", input=text)
    assert direct.exit_code == from_file.exit_code == from_stdin.exit_code == 0
    assert direct.stdout == from_file.stdout == from_stdin.stdout
    assert len(direct.stdout.splitlines()) >= 12
    written = invoke("query", text, "-o", "out.csv")
    assert written.exit_code == 0 and written.stdout == ""
    assert (tmp_path / "out.csv").read_bytes() == direct.stdout_bytes
    assert direct.stdout_bytes.endswith(b"\r\n")
    neither = invoke("query")
    assert neither.exit_code == 2 and "exactly one of" in neither.stderr
    both = invoke("query", text, "--preset", "hosts")
    assert both.exit_code == 2


@pytest.mark.parametrize("name, first", [
    ("visits.json", b'{"head":'), ("visits.csv", b"date,visitor"), ("visits.tsv", b"?date\t"),
    ("visits.xml", b"<?xml"), ("visits.srj", b'{"head":'), ("visits.txt", b"date  "),
])
def test_output_format_follows_the_file_extension(invoke, store_here, tmp_path, name, first):
    result = invoke("query", "--preset", "visits", "-o", name)
    assert result.exit_code == 0, result.output
    assert (tmp_path / name).read_bytes().startswith(first)
    forced = invoke("query", "--preset", "visits", "-o", name, "--format", "csv")
    assert forced.exit_code == 0 and (tmp_path / name).read_bytes().startswith(b"date,")


def test_graph_results_follow_the_extension_too(invoke, store_here, tmp_path):
    text = "CONSTRUCT { ?v kg:hostedBy ?h } WHERE { ?v kg:hostedBy ?h }"
    for name, parser in (("g.json", "json-ld"), ("g.nt", "nt"), ("g.rdf", "xml"),
                         ("g.ttl", "turtle")):
        assert invoke("query", text, "-o", name).exit_code == 0, name
        assert len(rdflib.Graph().parse(tmp_path / name, format=parser)) >= 11


@pytest.mark.parametrize("name, args, message", [
    ("answer.pdf", [], "cannot tell the format from the extension .pdf"),
    ("answer.ttl", [], "a .ttl file cannot hold SELECT results"),
])
def test_an_extension_that_fits_no_format_is_bad_usage(invoke, store_here, tmp_path, name,
                                                      args, message):
    result = invoke("query", "--preset", "hosts", "-o", name, *args)
    assert result.exit_code == 2
    assert message in result.stderr and not (tmp_path / name).exists()


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv", "table"])
def test_every_result_format_ends_with_a_line_break(example_store, fmt):
    for text in ("SELECT ?v WHERE { ?v a kg:Visit } LIMIT 2", "ASK { ?v a kg:Visit }"):
        assert render(query(text, store=example_store), fmt).endswith(b"\n")
    graph = query("CONSTRUCT WHERE { ?v kg:date ?d } LIMIT 2", store=example_store)
    for name in ("ttl", "nt", "jsonld", "xml"):
        assert render(graph, name).endswith(b"\n"), name


def test_bound_prefixes_and_own_prefix_wins(example_store):
    count = "SELECT (COUNT(?v) AS ?n) WHERE { ?v a kg:Visit }"
    assert int(query(count, store=example_store).rows[0][0].value) >= 11
    own = "PREFIX kg: <http://example.org/other#>\n" + count
    assert query(own, store=example_store).rows[0][0].value == "0"
    for name in ("kg", "rdf", "rdfs", "xsd", "owl", "skos", "schema", "prov", "sem", "org",
                 "kgt", "region", "gov", "person", "visit"):
        assert name in BOUND_PREFIXES
    shortened = render(query("PREFIX v: <https://w3id.org/kgraph/id/visit/>\n"
                             "SELECT ?v WHERE { ?v a kg:Visit } LIMIT 1",
                             store=example_store), "table").decode()
    assert shortened.splitlines()[2].startswith("v:")


def test_in_process_and_child_process_agree(example_store):
    for name in presets():
        params = PRESET_PARAMS.get(name)
        inline = run_preset(name, store=example_store, params=params, timeout=None)
        child = run_preset(name, store=example_store, params=params, timeout=10)
        assert inline.variables == child.variables
        assert len(inline.rows) == len(child.rows)


def test_without_fork_the_child_is_a_fresh_interpreter(example_store, monkeypatch):
    """Where fork is unsafe (threads, macOS) the query runs in a new interpreter: the same
    rows, the same errors, the same timeout."""
    import importlib

    module = importlib.import_module("kgraph.query.runner")  # the module, not the function
    monkeypatch.setattr(module, "_fork_is_safe", lambda: False)
    forked = []
    monkeypatch.setattr(module, "_in_fork", lambda *a: forked.append(a))
    inline = run_preset("visits", store=example_store, timeout=None)
    child = run_preset("visits", store=example_store, timeout=30)
    assert child.variables == inline.variables and len(child.rows) == len(inline.rows)
    with pytest.raises(ParameterError, match="parameter d .date."):
        query("# param: d (date) a day\nSELECT ?d WHERE {}", store=example_store,
              params={"d": "soon"}, timeout=30)
    with pytest.raises(QueryTimeout):
        query(EXPENSIVE, store=example_store, timeout=1)
    assert not forked


# ---------------------------------------------------------------------------- safety


@pytest.mark.parametrize("text", [
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "PREFIX ex: <http://example.org/>\nDELETE WHERE { ?s ?p ?o }",
    "# a comment\ndrop all",
    "BASE <http://example.org/> LOAD <http://example.org/data.ttl>",
    "WITH <http://g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
])
def test_update_is_refused(invoke, store_here, text):
    before = store_here.read_bytes()
    result = invoke("query", text)
    assert result.exit_code == 1
    assert result.stderr == "Error: SPARQL UPDATE is not allowed: kgraph query is read-only\n"
    assert store_here.read_bytes() == before


def test_service_is_refused_unless_allowed(invoke, store_here):
    text = "SELECT * WHERE { service <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = invoke("query", text)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SERVICE is not allowed")
    assert "--allow-service" in result.stderr
    allowed = invoke("query", text, "--allow-service")
    assert allowed.exit_code == 1  # the endpoint is not reachable, but it was tried
    assert "not allowed" not in allowed.stderr.split("port")[0]
    assert "the query failed" in allowed.stderr
    assert len(allowed.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("text", [
    'SELECT ?x WHERE { BIND("SERVICE <http://a> {}" AS ?x) }',
    "SELECT ?x WHERE { BIND('''\nSERVICE\n''' AS ?x) } # SERVICE <http://a> { }",
    "PREFIX ex: <http://example.org/SERVICE/>\nSELECT ?x WHERE { ?x ex:SERVICE ?service }",
])
def test_service_inside_strings_comments_iris_and_names_is_not_refused(example_store, text):
    check_safe(text)
    query(text, store=example_store)


@pytest.mark.parametrize("name", ["ex:a\\#", "ex:a\\'", "ex:it\\'s", "ex:b\\#c"])
def test_service_after_an_escaped_name_is_refused(invoke, store_here, name):
    """PN_LOCAL escapes (\\# and \\') are part of the name: neither a comment nor a
    string starts there, so a SERVICE later on the line is seen."""
    text = ("PREFIX ex: <http://example.org/>\n"
            f"SELECT * WHERE {{ ?s {name} ?o . SERVICE <http://127.0.0.1:9/sparql> {{ ?s ?p ?o }} }}")
    result = invoke("query", text)
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: SERVICE is not allowed"), result.stderr


def test_blank_opaque_keeps_positions():
    text = 'SELECT ?x # SERVICE\nWHERE { ?x ?p "SERVICE" . ?x ?q <http://s/SERVICE> }'
    blanked = blank_opaque(text)
    assert len(blanked) == len(text) and blanked.count("\n") == 1
    assert "SERVICE" not in blanked and "WHERE" in blanked


def test_syntax_error_shows_line_column_and_line(invoke, store_here):
    result = invoke("query", "SELECT ?s\nWHERE {\n  ?s ?p ?o ]\n}\n")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert re.match(r"Error: syntax error at line \d+, column \d+: ", lines[0])
    assert len(lines) == 3 and lines[2].strip() == "^"
    assert "Traceback" not in result.output
    prefix = invoke("query", "SELECT * WHERE {\n  ?s foo:bar ?o\n}")
    assert prefix.exit_code == 1
    assert prefix.stderr.splitlines() == [
        "Error: syntax error at line 2, column 6: undeclared prefix foo: "
        "(declare it with PREFIX foo: <...>)",
        "    ?s foo:bar ?o",
        "       ^",
    ]


def test_syntax_error_from_the_library(example_store):
    with pytest.raises(QuerySyntaxError, match=r"line 1, column"):
        query("SELEC * WHERE {}", store=example_store)


@pytest.mark.parametrize("text, first_line", [
    ("", "Error: syntax error: empty query (give a SELECT, ASK, CONSTRUCT or DESCRIBE query)"),
    ("  # only a comment\n", "Error: syntax error: empty query (give a SELECT, ASK, "
                             "CONSTRUCT or DESCRIBE query)"),
    ("SELEC * WHERE { ?s ?p ?o }",
     "Error: syntax error at line 1, column 1: unknown keyword SELEC (did you mean SELECT?)"),
    ("SELECT ?s WHER { ?s ?p ?o }",
     "Error: syntax error at line 1, column 11: unknown keyword WHER (did you mean WHERE?)"),
    ("SELECT ?s\nWHERE { ?s ?p 'open\n}\n#\n#\n#\n",
     "Error: syntax error at line 2, column 15: unclosed string starting at line 2"),
    ('SELECT ?s WHERE {\n ?s ?p """long\n\n}',
     "Error: syntax error at line 2, column 8: unclosed string starting at line 2"),
])
def test_syntax_errors_name_the_problem(invoke, store_here, text, first_line):
    result = invoke("query", text)
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0] == first_line
    assert "expected" not in result.stderr


def test_select_star_keeps_the_order_of_the_query(invoke, example_store):
    text = "SELECT * WHERE { ?zebra kg:date ?date ; kg:visitor ?alpha } LIMIT 2"
    result = query(text, store=example_store)
    assert result.variables == ["zebra", "date", "alpha"]
    assert render(result, "csv").decode().splitlines()[0] == "zebra,date,alpha"
    child = query(text, store=example_store, timeout=10)
    assert child.variables == ["zebra", "date", "alpha"]
    explicit = query("SELECT ?date ?zebra WHERE { ?zebra kg:date ?date } LIMIT 1",
                     store=example_store)
    assert explicit.variables == ["date", "zebra"]


def test_missing_store(invoke):
    result = invoke("query", "--preset", "hosts")
    assert result.exit_code == 1
    assert result.stderr == "Error: no store at kgraph.ttl — run kgraph ingest first\n"
    direct = invoke("query", "ASK {}", "--store", "elsewhere.ttl", "--timeout", "0")
    assert direct.exit_code == 1
    assert direct.stderr == "Error: no store at elsewhere.ttl — run kgraph ingest first\n"


def test_timeout_stops_a_runaway_query(invoke, store_here):
    started = time.monotonic()
    result = invoke("query", EXPENSIVE, "--timeout", "1")
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: query timed out after 1 s")
    assert elapsed < 10


def test_timeout_from_the_library(example_store):
    with pytest.raises(QueryTimeout, match="timed out after 0.5 s"):
        query(EXPENSIVE, store=example_store, timeout=0.5)


def test_errors_are_query_errors():
    assert issubclass(QueryTimeout, QueryError) and issubclass(QuerySyntaxError, QueryError)
    with pytest.raises(QueryError, match="read-only"):
        check_safe("insert data { <a:b> <a:b> <a:b> }")


def test_formats_registry_names_the_format_choices(invoke):
    help_text = invoke("query", "--help").stdout
    for name in FORMATS:
        assert name in help_text


# ---------------------------------------------------------------------------- README


def _readme_examples() -> list[tuple[str, str]]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Querying", 1)[1].split("\n## ", 1)[0]
    examples = []
    for block in re.findall(r"```console\n(.*?)```", section, re.S):
        for chunk in block.split("$ ")[1:]:
            command, _, output = chunk.partition("\n")
            examples.append((command, output))
    return examples


def test_readme_query_examples_are_real(invoke, store_here):
    examples = _readme_examples()
    assert len(examples) >= 3
    for command, output in examples:
        args = shlex.split(command)
        assert args[:2] == ["kgraph", "query"], command
        if "--format" not in args:
            args += ["--format", "table"]  # what a terminal shows
        result = invoke(*args[1:])
        assert result.exit_code == 0, (command, result.output)
        assert result.stdout == output, command
