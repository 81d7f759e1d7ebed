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


def test_gold_json_with_article_texts_and_calibration(tmp_path, invoke):
    """The layout of the real-article development set: NNN.json gold facts and the texts
    in another folder, each text with a URL/QUERY header."""
    gold, texts = tmp_path / "gold", tmp_path / "texts"
    gold.mkdir()
    texts.mkdir()
    (gold / "001.json").write_text("""{"id": "001", "kind": "positive", "visits": [
      {"visitor": {"region": "Kudus", "code": "33.19", "body": "dprd"},
       "host": {"region": "Salatiga", "code": "33.73", "body": "pemda"},
       "date": "2025-02-11", "leader": {"name": "Anwar Sholeh", "role": "Ketua Komisi B"},
       "received_by": null, "agreement": null, "topics": ["pengelolaan sampah", "air minum"]},
      {"visitor": {"region": "Demak", "code": "33.21", "body": "pemda"},
       "host": {"region": "Salatiga", "code": "33.73", "body": "pemda"},
       "date": null, "leader": null, "received_by": null, "agreement": null, "topics": []}]}""",
                                  encoding="utf-8")
    (texts / "001.txt").write_text(
        "URL: https://dev.example/salatiga/1\nQUERY: studi banding salatiga\n\n"
        "Salatiga – Komisi B DPRD Kabupaten Kudus yang dipimpin Ketua Komisi B, Anwar "
        "Sholeh, melakukan kunjungan kerja ke Pemkot Salatiga, Selasa (11/2/2025), untuk "
        "belajar pengelolaan sampah.\n", encoding="utf-8")
    (gold / "002.json").write_text('{"id": "002", "kind": "negative", "visits": []}',
                                   encoding="utf-8")
    (texts / "002.txt").write_text("Menteri Dalam Negeri berkunjung ke Kabupaten Kudus.\n",
                                   encoding="utf-8")
    report = evaluate([gold], texts=texts)
    assert (report.gold, report.extracted, report.matched) == (2, 1, 1)
    assert report.correct["date"] == report.checked["date"] == 1
    assert report.correct["leader"] == 1 and report.negative_visits == 0
    assert report.topics_gold == 2 and report.topics_found >= 1
    assert sum(total for _, total in report.bands.values()) == 1
    assert sum(right for right, _ in report.bands.values()) == 1
    result = invoke("evaluate", str(gold), "--texts", str(texts), "-v")
    assert result.exit_code == 0
    assert "missed Demak → Salatiga" in result.stdout
    assert "confidence  extracted  right  precision" in result.stdout
    (gold / "003.json").write_text('{"visits": [{"visitor": {}}]}', encoding="utf-8")
    failed = invoke("evaluate", str(gold), "--texts", str(texts))
    assert failed.exit_code == 1 and "003.json" in failed.stderr
