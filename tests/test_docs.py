"""The README stays true: its commands exist, its test command is CI's, its quick start runs."""
from __future__ import annotations

import re
import shutil

from kgraph.cli import cli

from conftest import EXAMPLES, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_command_is_in_the_readme():
    for name in cli.commands:
        assert f"`kgraph {name}" in README, f"kgraph {name} is not documented in README.md"


def test_ci_runs_the_readme_test_command():
    blocks = re.findall(r"```sh\n(.*?)\n```", README, re.S)
    assert len(blocks) >= 2
    test_command = blocks[1].split(" && ", 2)[2]
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_quick_start_output_is_real(invoke, tmp_path):
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    result = invoke("ingest", "examples/")
    assert result.exit_code == 0
    shown = README.split("$ kgraph ingest examples/\n", 1)[1].split("\n$ ", 1)[0]
    assert shown.strip() == (result.stderr + result.stdout).strip()
    again = invoke("ingest", "examples/")
    assert again.stdout.strip() in README
    store = (tmp_path / "kgraph.ttl").read_text(encoding="utf-8")
    block = README.split("```turtle\n", 1)[1].split("```", 1)[0]
    assert block.strip() in store


def test_the_extraction_figures_on_the_dev_set_are_real(invoke):
    result = invoke("evaluate", str(ROOT / "tests" / "data" / "extraction"))
    assert result.exit_code == 0
    shown = README.split("$ kgraph evaluate tests/data/extraction/\n", 1)[1].split("```", 1)[0]
    assert shown.strip() == result.stdout.strip()


def test_the_topics_json_example_is_what_the_command_prints(invoke):
    """The README shows the start of ``kgraph topics --format json``: it is the real start."""
    result = invoke("topics", "--format", "json")
    assert result.exit_code == 0
    shown = README.split("$ kgraph topics --format json\n", 1)[1].split("\n...\n", 1)[0]
    assert result.stdout.startswith(shown + "\n")


def test_the_from_python_snippet_runs_as_a_plain_script(tmp_path):
    """Saved as a script (no ``if __name__ == "__main__"`` guard) and run, the README's
    Python example runs once: the query's child process does not run the script again."""
    import subprocess
    import sys

    snippet = README.split("## From Python", 1)[1].split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    script = tmp_path / "snippet.py"
    script.write_text("print('script started')\n" + snippet, encoding="utf-8")
    out = subprocess.run([sys.executable, str(script)], capture_output=True, text=True,
                         cwd=tmp_path, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("script started") == 1, out.stdout
    assert "ingested 15 articles" in out.stdout and '"head"' in out.stdout


def test_examples_readme_describes_what_the_raw_articles_are_for():
    text = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    raw = text.split("## Raw articles", 1)[1].split("\n## ", 1)[0]
    assert "future" not in raw
    assert "kgraph annotate examples/raw/" in raw and 'kg:method "extracted"' in raw
