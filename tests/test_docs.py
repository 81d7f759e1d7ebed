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
