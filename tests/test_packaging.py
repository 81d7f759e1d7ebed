"""A plain (non-editable) install carries the ontology and the data files."""
from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    if shutil.which("git") is None:
        pytest.skip("git is needed to copy a clean tree")
    work = tmp_path_factory.mktemp("wheel")
    src = work / "src"
    # Build from a copy so that no build/ or egg-info folder lands in the checkout.
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        ".git", ".ci-venv", ".venv", "build", "*.egg-info", "__pycache__", ".pytest_cache",
        ".hypothesis"))
    out = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
         "--quiet", "-w", str(out), str(src)],
        check=True, capture_output=True, text=True,
    )
    (path,) = out.glob("kgraph-*.whl")
    return path


def test_wheel_contains_ontology_and_data(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "kgraph/ontology/kgraph.ttl",
        "kgraph/ontology/shapes.ttl",
        "kgraph/ontology/topics.ttl",
        "kgraph/data/regions.csv",
        "kgraph/data/indonesia-land.json",
        "kgraph/data/LICENSES.md",
        "kgraph/cli/__init__.py",
    ):
        assert required in names, f"{required} is missing from the wheel"


def test_wheel_contains_every_module_and_data_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    package = ROOT / "kgraph"
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or path.is_dir():
            continue
        relative = path.relative_to(ROOT).as_posix()
        assert relative in names, f"{relative} is missing from the wheel"


def test_installed_wheel_ingests_outside_the_checkout(wheel, tmp_path):
    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--quiet",
                    "--target", str(target), str(wheel)], check=True)
    article = tmp_path / "a.md"
    article.write_text("---\nurl: https://example.org/x\nvisits:\n  - visitor: Pemkot Jambi\n"
                       "    host: Pemkot Malang\n    topics: [PAD]\n---\nbody\n", encoding="utf-8")
    code = ("import sys; sys.path.insert(0, sys.argv[1]); import kgraph, kgraph.rdf.resources as r;"
            "assert kgraph.__file__.startswith(sys.argv[1]), kgraph.__file__;"
            "assert str(r.ontology_path('topics.ttl')).startswith(sys.argv[1]);"
            "print(kgraph.ingest([sys.argv[2], sys.argv[4]], store=sys.argv[3]).summary());"
            "import kgraph.network.geo as g; assert str(g.data_path(g.OUTLINE_FILE)).startswith(sys.argv[1]);"
            "assert len(g.outline()['rings']) > 100")
    raw = tmp_path / "raw.txt"  # a raw article: the installed extractor runs too
    raw.write_text("Pemkot Malang menerima kunjungan kerja Pemkot Jambi, Senin (12/1/2026).\n",
                   encoding="utf-8")
    out = subprocess.run([sys.executable, "-c", code, str(target), str(article),
                          str(tmp_path / "s.ttl"), str(raw)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "2 articles, 2 visits (1 extracted)" in out.stdout
