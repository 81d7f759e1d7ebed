"""kgraph annotate: raw articles written back with front matter, ingestible after review."""
from __future__ import annotations

from kgraph import ingest
from kgraph.annotate import annotate_text
from kgraph.read.frontmatter import parse_article
from kgraph.read.files import read_article

from conftest import EXAMPLES, write_article

RAW = EXAMPLES / "raw" / "gresik-semarang-mou.txt"


def test_body_unchanged_and_front_matter_filled():
    original = RAW.read_text(encoding="utf-8")
    text, visits = annotate_text(original, source="g.txt")
    article = parse_article(text, source="g.txt")
    assert article.body == original
    assert article.title.startswith("Pemkab Gresik Studi Banding ke Semarang")
    [v] = article.visits
    assert (v.visitor, v.host, str(v.date)) == ("Pemkab Gresik", "Pemkot Semarang", "2025-09-04")
    assert v.method == "extracted" and 0 < v.confidence <= 1
    assert v.agreement.type == "Nota Kesepahaman" and v.evidence
    assert "spans:" in text and "method: extracted" in text


def test_metadata_front_matter_is_kept():
    raw = "---\ntitle: Judul  # a comment\npublished: 2025-01-10\n---\n" \
          "Pemkot Bontang menerima kunjungan kerja Pemkab Kutai Timur, Kamis (9/1).\n"
    text, _ = annotate_text(raw)
    assert text.startswith("---\ntitle: Judul  # a comment\npublished: 2025-01-10\nvisits:")
    [v] = parse_article(text).visits
    assert str(v.date) == "2025-01-09"


def test_annotated_articles_are_skipped_unless_forced():
    annotated = (EXAMPLES / "articles" / "no-visit.md").read_text(encoding="utf-8")
    assert annotate_text(annotated) is None
    text, visits = annotate_text(annotated, force=True)
    assert visits == [] and "visits: []" in text


def test_reviewed_file_ingests_as_annotated(tmp_path):
    text, _ = annotate_text(RAW.read_text(encoding="utf-8"))
    path = write_article(tmp_path, "g.md", text)
    store = tmp_path / "kgraph.ttl"
    assert ingest([path], store=store).visits == 1
    assert 'kg:method "extracted"' in store.read_text(encoding="utf-8")
    reviewed = write_article(tmp_path, "g.md", text.replace("    method: extracted\n", ""))
    assert ingest([reviewed], store=store).ok
    assert 'kg:method "annotated"' in store.read_text(encoding="utf-8")


def test_stale_span_is_an_error_naming_the_field(tmp_path):
    text, _ = annotate_text(RAW.read_text(encoding="utf-8"))
    broken = text.replace("Pemerintah Kabupaten Gresik melakukan", "Pemkab Gresik melakukan", 1)
    path = write_article(tmp_path, "g.md", broken)
    try:
        read_article(path)
    except Exception as exc:  # noqa: BLE001
        assert "visits[0].spans." in str(exc) or "visits[0].evidence" in str(exc)
    else:
        raise AssertionError("a stale span was accepted")


def test_cli_one_file_to_stdout_and_folder(invoke, tmp_path):
    result = invoke("annotate", str(RAW))
    assert result.exit_code == 0 and result.stdout.startswith("---\ntitle:")
    out = invoke("annotate", str(EXAMPLES / "raw"), "-o", "annotated")
    assert out.exit_code == 0, out.output
    assert "annotated 3 article(s), 3 visit(s)" in out.stderr
    assert sorted(p.name for p in (tmp_path / "annotated").iterdir()) == [
        "bontang-kutim.txt", "gresik-semarang-mou.txt", "sleman-denpasar-dprd.txt"]
    assert not read_article(tmp_path / "annotated" / "bontang-kutim.txt").is_raw


def test_cli_never_overwrites_inputs_unless_asked(invoke, tmp_path):
    a = write_article(tmp_path, "a.txt", "Pemkot Bontang menerima kunjungan kerja Pemkab Kutai Timur.")
    b = write_article(tmp_path, "b.txt", "Pemkot Bontang menerima kunjungan kerja Pemkab Paser.")
    several = invoke("annotate", str(a), str(b))
    assert several.exit_code == 2
    assert a.read_text(encoding="utf-8").startswith("Pemkot")
    in_place = invoke("annotate", "--in-place", str(a))
    assert in_place.exit_code == 0
    assert a.read_text(encoding="utf-8").startswith("---\n")


def test_cli_unreadable_file_is_one_line(invoke, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe not utf-8")
    result = invoke("annotate", str(bad))
    assert result.exit_code == 1
    assert result.stderr.strip().startswith("Error: ") and "not valid UTF-8" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_several_articles_to_standard_output_one_after_another(invoke, tmp_path):
    """``-o -`` with several files: each article under a ``==> FILE <==`` line, and each
    part is exactly what annotating that file alone writes."""
    import re

    files = sorted(str(p) for p in (EXAMPLES / "raw").iterdir())
    assert len(files) >= 3
    result = invoke("annotate", "-o", "-", *files)
    assert result.exit_code == 0, result.output
    parts = re.split(r"^==> (.+) <==\n", result.stdout, flags=re.M)
    assert parts[0] == ""
    names, texts = parts[1::2], parts[2::2]
    assert names == files
    for name, text in zip(names, texts):
        alone = invoke("annotate", name)
        assert alone.exit_code == 0
        assert text in (alone.stdout, alone.stdout + "\n")  # a blank line between articles
        assert parse_article(alone.stdout, source=name).visits
    assert invoke("annotate", *files).exit_code == 2  # no -o: still asked for
