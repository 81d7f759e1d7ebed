"""kgraph evaluate on the dev set: the extractor meets its targets."""
from __future__ import annotations

import pytest

from kgraph.errors import KGraphError
from kgraph.evaluate import evaluate

from conftest import DATA, write_article

DEV_SET = DATA / "extraction"


def test_dev_set_meets_the_targets():
    report = evaluate([DEV_SET])
    assert len(report.articles) >= 40
    assert report.negatives >= len(report.articles) // 4
    assert report.f1 >= 0.90, "\n".join(report.lines(verbose=True))
    assert report.negative_visits == 0, "\n".join(report.lines(verbose=True))
    for name in ("date", "leader", "receiver"):
        assert report.accuracy(name) >= 0.90, "\n".join(report.lines(verbose=True))


def test_counts_misses_extras_and_wrong_fields(tmp_path):
    write_article(tmp_path, "a.md", """---
published: 2025-01-10
visits:
  - visitor: Pemkab Tuban
    host: Pemkab Bojonegoro
    date: 2025-01-01
    led_by: Budi Santoso
  - visitor: Pemkot Malang
    host: Pemkot Batu
---
Pemkab Bojonegoro menerima kunjungan kerja Pemkab Tuban, Kamis (9/1). Rombongan dipimpin
Bupati Tuban, Aditya Halindra. Pemkot Kediri juga berkunjung ke Pemkot Blitar.
""")
    report = evaluate([tmp_path])
    assert (report.gold, report.extracted, report.matched) == (2, 2, 1)
    assert report.precision == 0.5 and report.recall == 0.5
    assert report.correct["date"] == 0 and report.correct["leader"] == 0
    text = "\n".join(report.lines(verbose=True))
    assert "missed Pemkot Malang → Pemkot Batu" in text
    assert "extra Pemkot Kediri → Pemkot Blitar" in text
    assert "date: expected 2025-01-01, got 2025-01-09" in text


def test_no_annotated_articles_is_an_error(tmp_path):
    write_article(tmp_path, "raw.txt", "Pemkot A menerima kunjungan Pemkab B.")
    with pytest.raises(KGraphError, match="no gold articles"):
        evaluate([tmp_path])


def test_cli_evaluate(invoke):
    result = invoke("evaluate", str(DEV_SET))
    assert result.exit_code == 0
    assert "visit     precision" in result.stdout and "negatives 0 visit(s)" in result.stdout
    verbose = invoke("evaluate", "-v", str(DEV_SET))
    assert "p01-madiun-ponorogo.md" in verbose.stdout
