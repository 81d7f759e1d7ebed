"""kgraph export: RDF formats equal to the store, the GraphML network, the visits CSV."""
from __future__ import annotations

import csv
import io
import shutil

import networkx as nx
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic

from kgraph.export import EXPORTERS, guess_format


@pytest.fixture
def store_here(example_store, invoke, tmp_path):
    shutil.copy(example_store, tmp_path / "kgraph.ttl")
    return tmp_path / "kgraph.ttl"


def _store_graph(path) -> rdflib.Graph:  # type: ignore[no-untyped-def]
    return rdflib.Graph().parse(path, format="turtle")


@pytest.mark.parametrize("fmt, parser", [("ttl", "turtle"), ("nt", "nt"),
                                         ("jsonld", "json-ld"), ("xml", "xml")])
def test_rdf_exports_hold_the_whole_store(invoke, store_here, fmt, parser):
    result = invoke("export", "--format", fmt)
    assert result.exit_code == 0, result.output
    exported = rdflib.Graph().parse(data=result.stdout_bytes, format=parser)
    expected = _store_graph(store_here)
    if not isomorphic(exported, expected):
        _, only_exported, only_store = graph_diff(exported, expected)
        pytest.fail(f"export differs: {len(only_exported)} extra, {len(only_store)} missing")


def test_turtle_export_is_the_store_bytes_and_nt_is_sorted(invoke, store_here):
    assert invoke("export").stdout_bytes == store_here.read_bytes()
    lines = invoke("export", "--format", "nt").stdout.splitlines()
    assert lines == sorted(lines) and len(lines) == len(_store_graph(store_here))


def test_graphml_is_the_region_visit_network(invoke, store_here, tmp_path):
    result = invoke("export", "-o", "network.graphml")
    assert result.exit_code == 0, result.output
    network = nx.read_graphml(tmp_path / "network.graphml")
    assert isinstance(network, nx.DiGraph)
    region = "https://w3id.org/kgraph/id/region/"
    serang, malang = region + "36.73", region + "35.73"
    assert network.nodes[malang]["label"] == "Kota Malang"
    assert network.nodes[malang]["code"] == "35.73"
    assert network.nodes[malang]["type"] == "kota"
    assert network.nodes[malang]["province"] == "Provinsi Jawa Timur"
    assert isinstance(network.nodes[malang]["latitude"], float)
    edge = network.edges[serang, malang]
    assert edge["visits"] == 1 and edge["first"] == edge["last"] == "2025-10-06"
    visits = invoke("query", "SELECT ?v WHERE { ?v a kg:Visit }").stdout.splitlines()[1:]
    assert sum(d["visits"] for _, _, d in network.edges(data=True)) == len(visits)
    assert not (tmp_path / "network.graphml").with_suffix(".tmp").exists()


def test_csv_is_the_visits_preset(invoke, store_here):
    exported = invoke("export", "--format", "csv")
    preset = invoke("query", "--preset", "visits", "--format", "csv")
    assert exported.exit_code == 0
    assert exported.stdout_bytes == preset.stdout_bytes
    header, *rows = list(csv.reader(io.StringIO(exported.stdout_bytes.decode(), newline="")))
    assert header[:3] == ["date", "visitor", "host"] and len(rows) >= 11
    assert {"topics", "method", "confidence"} <= set(header)
    methods = [row[header.index("method")] for row in rows]
    assert methods.count("extracted") == 3 and methods.count("annotated") == len(rows) - 3


def test_format_from_extension_and_atomic_replace(invoke, store_here, tmp_path):
    target = tmp_path / "out.nt"
    target.write_text("old content", encoding="utf-8")
    result = invoke("export", "-o", "out.nt")
    assert result.exit_code == 0 and result.stdout == ""
    assert target.read_text(encoding="utf-8").startswith("<https://w3id.org/")
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    assert guess_format("x.graphml") == "graphml" and guess_format("x.jsonld") == "jsonld"
    assert guess_format("x.rdf") == "xml" and guess_format("-") == "ttl"
    assert guess_format("no-extension") == "ttl"


@pytest.mark.parametrize("name", ["x.tsv", "x.txt", "x.unknown"])
def test_an_extension_that_fits_no_format_is_refused(invoke, store_here, tmp_path, name):
    result = invoke("export", "-o", name)
    assert result.exit_code == 2
    assert f"cannot tell the export format from the extension {name[1:]}" in result.stderr
    assert not (tmp_path / name).exists()
    assert invoke("export", "-o", name, "--format", "nt").exit_code == 0
    assert (tmp_path / name).read_text(encoding="utf-8").startswith("<https://w3id.org/")


@pytest.mark.parametrize("fmt", ["jsonld", "xml", "graphml", "nt", "ttl", "csv"])
def test_every_export_ends_with_a_line_break(invoke, store_here, fmt):
    result = invoke("export", "--format", fmt)
    assert result.exit_code == 0 and result.stdout_bytes.endswith(b"\n")


def test_every_format_is_in_the_registry_and_help(invoke):
    assert set(EXPORTERS) == {"ttl", "nt", "jsonld", "xml", "graphml", "csv"}
    help_text = invoke("export", "--help").stdout
    assert "kgraph export" in help_text
    bad = invoke("export", "--format", "pdf")
    assert bad.exit_code == 2


def test_missing_store(invoke):
    result = invoke("export", "-o", "out.ttl")
    assert result.exit_code == 1
    assert result.stderr == "Error: no store at kgraph.ttl — run kgraph ingest first\n"


def test_unwritable_output_is_one_line(invoke, store_here, tmp_path):
    result = invoke("export", "-o", str(tmp_path / "no-such-dir" / "out.ttl"))
    assert result.exit_code == 1
    assert "cannot write" in result.stderr and len(result.stderr.splitlines()) == 1


def test_graphml_of_provinces(invoke, store_here, tmp_path):
    result = invoke("export", "--level", "province", "-o", "provinces.graphml")
    assert result.exit_code == 0, result.output
    provinces = nx.read_graphml(tmp_path / "provinces.graphml")
    regions = nx.read_graphml(io.BytesIO(invoke("export", "--format", "graphml").stdout_bytes))
    # Each region's visits, summed by the province codes of its two ends (the part of a
    # code before the dot), are the province network's.
    expected: dict = {}
    for a, b, d in regions.edges(data=True):
        key = tuple(regions.nodes[n]["code"].split(".")[0] for n in (a, b))
        expected[key] = expected.get(key, 0) + d["visits"]
    got = {(provinces.nodes[a]["code"], provinces.nodes[b]["code"]): d["visits"]
           for a, b, d in provinces.edges(data=True)}
    assert got == expected and len(got) < regions.number_of_edges()
    assert all(d["type"] == "provinsi" for _n, d in provinces.nodes(data=True))
    east_java = "https://w3id.org/kgraph/id/region/35"
    assert provinces.nodes[east_java]["label"] == "Provinsi Jawa Timur"
    assert provinces.edges["https://w3id.org/kgraph/id/region/36", east_java]["visits"] == 2
    bad = invoke("export", "--format", "nt", "--level", "province")
    assert bad.exit_code == 2 and "applies to the graphml export only" in bad.stderr
    assert invoke("export", "--level", "country").exit_code == 2


def test_graphml_does_not_depend_on_the_store_history(tmp_path):
    """The same visits ingested in another order export the same GraphML bytes: nodes
    and edges are sorted, not in the order the index happens to answer in."""
    from kgraph import ingest
    from kgraph.export import export_chunks

    from conftest import EXAMPLES

    articles = sorted((EXAMPLES / "articles").glob("*.md"))
    first, second = tmp_path / "a" / "kgraph.ttl", tmp_path / "b" / "kgraph.ttl"
    first.parent.mkdir()
    second.parent.mkdir()
    assert ingest(articles, store=first).ok
    for article in reversed(articles):  # one at a time, last first
        assert ingest([article], store=second).ok
    exports = [b"".join(export_chunks("graphml", store=s, level=level))
               for level in ("region", "province") for s in (first, second)]
    assert exports[0] == exports[1] and exports[2] == exports[3]
    # Sorted, not in whatever order the index (or a server) answers in.
    for data in exports[::2]:
        network = nx.read_graphml(io.BytesIO(data))
        assert list(network.nodes) == sorted(network.nodes)
        assert list(network.edges) == sorted(network.edges)
