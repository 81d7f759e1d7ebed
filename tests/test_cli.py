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
    assert lines[0].startswith("ingested 15 articles, 15 visits, ")
    assert "3 extracted" in lines[0] and lines[0].endswith("→ kgraph.ttl")
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
    assert result.stderr.strip() == "error: bad.md: visits[0].host: missing"
    assert "1 article, 1 visit," in result.stdout and "1 failed" in result.stdout


def test_other_files_in_a_folder_are_counted_and_an_empty_folder_fails(invoke, tmp_path):
    write_article(tmp_path, "in/a.md", ARTICLE)
    write_article(tmp_path, "in/page.html", "<p>Pemkot Malang</p>")
    write_article(tmp_path, "in/notes.text", "notes")
    result = invoke("ingest", "in")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested 1 article, 1 visit, ")
    assert ", 2 other files skipped → kgraph.ttl" in result.stdout
    (tmp_path / "empty").mkdir()
    before = (tmp_path / "kgraph.ttl").read_bytes()
    empty = invoke("ingest", "empty")
    assert empty.exit_code == 1
    assert empty.stderr == "error: empty: no article files found (.md, .markdown, .txt)\n"
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
    assert result.stderr.splitlines() == ["error: in/blank.txt: empty file: not an article",
                                          "error: in/empty.md: empty file: not an article"]
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
