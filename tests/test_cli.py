"""The command line: help, version, exit codes, one-line errors."""
from __future__ import annotations

import subprocess
import sys

import pytest

from kgraph import __version__
from kgraph.cli import cli

from conftest import EXAMPLES, ROOT, write_article

COMMANDS = sorted(cli.commands)

ARTICLE = """---
title: T
url: https://example.org/a/1
visits:
  - visitor: Pemkot Jambi
    host: Pemkot Malang
---
body
"""


def test_version(invoke):
    result = invoke("--version")
    assert result.exit_code == 0
    assert result.output.strip() == f"kgraph, version {__version__}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(invoke, command):
    result = invoke(command, "--help")
    assert result.exit_code == 0
    assert "Example:" in result.output
    assert f"kgraph {command}" in result.output


def test_python_dash_m_works():
    out = subprocess.run([sys.executable, "-m", "kgraph", "--help"], capture_output=True,
                         text=True, cwd=ROOT, check=True)
    assert "ingest" in out.stdout


def test_ingest_examples_prints_one_summary_line(invoke, tmp_path):
    result = invoke("ingest", str(EXAMPLES))
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("ingested 15 articles, 15 visits (3 extracted), ")
    assert "15 visits (3 extracted), " in lines[0] and lines[0].endswith("→ kgraph.ttl")
    assert (tmp_path / "kgraph.ttl").exists()
    again = invoke("ingest", str(EXAMPLES))
    assert "(+0)" in again.stdout and again.stdout.strip().endswith("(unchanged)")


def test_store_option_and_environment_variable(invoke, tmp_path, monkeypatch):
    path = write_article(tmp_path, "a.md", ARTICLE)
    assert invoke("ingest", "--store", "one.ttl", str(path)).exit_code == 0
    monkeypatch.setenv("KGRAPH_STORE", str(tmp_path / "two.ttl"))
    assert invoke("ingest", str(path)).exit_code == 0
    assert (tmp_path / "one.ttl").exists() and (tmp_path / "two.ttl").exists()
    assert not (tmp_path / "kgraph.ttl").exists()


def test_stdin(invoke, tmp_path):
    result = invoke("ingest", "-", input=ARTICLE)
    assert result.exit_code == 0
    assert "1 article, 1 visit," in result.stdout


def test_failed_file_exit_1_others_stored(invoke, tmp_path):
    good = write_article(tmp_path, "good.md", ARTICLE)
    bad = write_article(tmp_path, "bad.md", ARTICLE.replace("    host: Pemkot Malang\n", ""))
    result = invoke("ingest", str(good), str(bad))
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: bad.md: visits[0].host: missing"
    assert "1 article, 1 visit," in result.stdout and "1 failed" in result.stdout


def test_other_files_in_a_folder_are_counted_and_an_empty_folder_fails(invoke, tmp_path):
    write_article(tmp_path, "in/a.md", ARTICLE)
    write_article(tmp_path, "in/table.csv", "Pemkot Malang")
    write_article(tmp_path, "in/notes.text", "notes")
    result = invoke("ingest", "in")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested 1 article, 1 visit, ")
    assert ", 2 other files skipped → kgraph.ttl" in result.stdout
    (tmp_path / "empty").mkdir()
    before = (tmp_path / "kgraph.ttl").read_bytes()
    empty = invoke("ingest", "empty")
    assert empty.exit_code == 1
    assert empty.stderr == ("Error: empty: no article files found (.md, .markdown, .txt, .html, "
                            ".htm)\n")
    assert empty.stdout == "nothing to ingest, 1 failed → kgraph.ttl (unchanged)\n"
    assert (tmp_path / "kgraph.ttl").read_bytes() == before
    nothing = invoke("ingest", "--store", "new.ttl", "empty")
    assert nothing.exit_code == 1 and not (tmp_path / "new.ttl").exists()


def test_an_empty_article_file_is_refused(invoke, tmp_path):
    write_article(tmp_path, "in/a.md", ARTICLE)
    write_article(tmp_path, "in/empty.md", "")
    write_article(tmp_path, "in/blank.txt", "\n  \n")
    result = invoke("ingest", "in")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == ["Error: in/blank.txt: empty file: not an article",
                                          "Error: in/empty.md: empty file: not an article"]
    assert "1 article," in result.stdout and "2 failed" in result.stdout


def test_bad_usage_exit_2(invoke):
    assert invoke("ingest").exit_code == 2
    assert invoke("ingest", "--max-size", "zero", "x.md").exit_code == 2
    assert invoke("no-such-command").exit_code == 2


def test_broken_store_is_a_one_line_error(invoke, tmp_path):
    (tmp_path / "kgraph.ttl").write_text("not turtle at all", encoding="utf-8")
    path = write_article(tmp_path, "a.md", ARTICLE)
    result = invoke("ingest", str(path))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: kgraph.ttl: not valid Turtle")
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.output


def test_validate_exit_codes(invoke, tmp_path):
    assert invoke("validate").exit_code == 2  # no store
    ingested = invoke("ingest", str(EXAMPLES))
    assert ingested.exit_code == 0, ingested.output
    ok = invoke("validate")
    assert ok.exit_code == 0 and "conforms" in ok.stdout, ok.output
    store = tmp_path / "kgraph.ttl"
    text = store.read_text(encoding="utf-8")
    # A visit with a second host violates the shapes.
    broken = text.replace("kg:hostedBy gov:35.73-pemerintah ;",
                          "kg:hostedBy gov:35.73-pemerintah, gov:15.71-pemerintah ;", 1)
    assert broken != text
    store.write_text(broken, encoding="utf-8")
    bad = invoke("validate")
    assert bad.exit_code == 1 and "violation" in bad.stdout


def test_console_script_has_no_traceback_on_missing_store(tmp_path):
    out = subprocess.run([sys.executable, "-m", "kgraph", "validate", "--store",
                          str(tmp_path / "none.ttl")], capture_output=True, text=True)
    assert out.returncode == 2
    assert "no store at" in out.stderr and "Traceback" not in out.stderr


def test_a_missing_folder_is_an_error_not_created(invoke, tmp_path, example_store):
    """A typo in a path must not make a new, empty store (or output) somewhere else."""
    article = write_article(tmp_path, "a.md", ARTICLE)
    store = tmp_path / "typo" / "deeper" / "k.ttl"
    result = invoke("ingest", "--store", str(store), str(article))
    assert result.exit_code == 1
    assert result.stderr.strip() == (f"Error: {store}: no folder {store.parent} to hold the "
                                      "store (create the folder first, or check the path)")
    reads = [("query", "--preset", "hosts"), ("stats",), ("export",), ("viz", "-o", "-")]
    for args in reads:
        assert invoke(*args, "--store", str(store)).exit_code == 1, args
    for args in (("query", "--preset", "hosts", "-o"), ("export", "-o"), ("viz", "-o")):
        out = invoke(*args, str(tmp_path / "nowhere" / "out.csv"), "--store",
                     str(example_store))
        assert out.exit_code == 1 and len(out.stderr.strip().splitlines()) == 1, args
    annotated = invoke("annotate", str(article), "-o", str(tmp_path / "nowhere" / "out"))
    assert annotated.exit_code == 1 and "no folder" in annotated.stderr
    assert not (tmp_path / "typo").exists() and not (tmp_path / "nowhere").exists()
    # Into a new store whose folder exists, and into a new output folder: made.
    assert invoke("ingest", "--store", str(tmp_path / "new.ttl"), str(article)).exit_code == 0
    assert invoke("annotate", str(article), "-o", str(tmp_path / "out")).exit_code == 0


def test_one_exit_code_rule_for_names_that_name_nothing(invoke, example_store):
    """A value the user typed that names nothing (or several things) is bad usage, 2, in
    every command; a real region with no visits is an empty result, 0, with a note."""
    store = ("--store", str(example_store))
    usage = [
        ("query", "--preset", "region", "--param", "region=Malang"),
        ("query", "--preset", "region", "--param", "region=Atlantis"),
        ("query", "--preset", "nope"),
        ("viz", "-o", "-", "--around", "Malang"),
        ("viz", "-o", "-", "--around", "Atlantis"),
        ("stats", "--around", "Malang"),
        ("viz", "-o", "-", "--topic", "no such topic at all"),
        ("stats", "--topic", "no such topic at all"),
        ("export", "--format", "pdf"),
    ]
    for args in usage:
        result = invoke(*args, *store)
        assert result.exit_code == 2, (args, result.output)
        assert "Traceback" not in result.output
    topic = invoke("stats", "--topic", "no such topic at all", *store)
    assert "kgraph topics lists the topics" in topic.stderr
    empty = [
        ("query", "--preset", "region", "--param", "region=Kota Medan"),
        ("viz", "-o", "-", "--around", "Kota Medan"),
        ("stats", "--around", "Kota Medan"),
        ("stats", "--around", "12.71", "--format", "json"),
    ]
    for args in empty:
        result = invoke(*args, *store)
        assert result.exit_code == 0, (args, result.output)
        assert result.stderr.startswith("note: ") and "has no visits" in result.stderr, args
    assert '"visits": 0' in invoke("stats", "--around", "12.71", "--format", "json",
                                   *store).stdout


def test_errors_have_one_prefix_and_the_summary_counts_extracted_visits(invoke, tmp_path):
    raw = write_article(tmp_path, "raw.txt", "A short text that reports no visit at all.\n")
    bad = write_article(tmp_path, "bad.md", ARTICLE.replace("    host: Pemkot Malang\n", ""))
    result = invoke("ingest", str(raw), str(bad))
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: ") and "error:" not in result.stderr
    summary = result.stdout.strip()
    assert summary.startswith("ingested 1 article, 0 visits, ")
    assert "extracted" not in summary and "1 raw article without a visit" in summary
    stopped = invoke("ingest", "--store", str(tmp_path / "no" / "k.ttl"), str(raw))
    assert stopped.stderr.startswith("Error: ")


def test_topics_lists_the_scheme_in_both_languages(invoke):
    import json

    import rdflib
    from rdflib.namespace import SKOS

    scheme = rdflib.Graph().parse(ROOT / "ontology" / "topics.ttl")
    concepts = set(scheme.subjects(rdflib.RDF.type, SKOS.Concept))
    listed = json.loads(invoke("topics", "--format", "json").stdout)
    assert {rdflib.URIRef(t["iri"]) for t in listed} == concepts and len(listed) >= 37
    for topic in listed:
        iri = rdflib.URIRef(topic["iri"])
        labels = {(l.language, str(l)) for l in scheme.objects(iri, SKOS.prefLabel)}
        assert {("id", topic["id"]), ("en", topic["en"])} <= labels
        assert set(topic["alternative"]) == {str(l) for l in scheme.objects(iri, SKOS.altLabel)}
    table = invoke("topics")
    assert table.exit_code == 0
    pad = next(line for line in table.stdout.splitlines() if line.startswith("kgt:pendapatan"))
    assert "pendapatan asli daerah" in pad and "PAD" in pad
