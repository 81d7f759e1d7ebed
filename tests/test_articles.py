"""Reading articles: the front-matter contract and its error messages."""
from __future__ import annotations

import datetime as dt
import os
import re

import pytest

from kgraph.read.files import iter_article_paths, read_article
from kgraph.read.frontmatter import parse_article
from kgraph.errors import ArticleError

from conftest import EXAMPLES, write_article

GOOD = """---
title: Pemkot Malang terima Pemkot Jambi
url: https://example.org/a/1
published: 2026-01-12
visits:
  - visitor: Pemkot Jambi
    host: Pemkot Malang
    date: 2026-01-12
    led_by: {name: Maulana, role: Wali Kota Jambi}
    received_by: Wahyu Hidayat
    topics: [pelayanan publik, PAD]
    agreement: Kesepakatan Bersama
    evidence: "Pemkot Malang menerima kunjungan kerja Pemkot Jambi"
---
Malang - Pemkot Malang menerima   kunjungan kerja
Pemkot Jambi, Senin (12/1/2026).
"""


def test_reads_the_annotated_format():
    article = parse_article(GOOD, source="a.md")
    assert article.title == "Pemkot Malang terima Pemkot Jambi"
    assert article.published == dt.date(2026, 1, 12)
    assert not article.is_raw
    (visit,) = article.visits
    assert (visit.visitor, visit.host) == ("Pemkot Jambi", "Pemkot Malang")
    assert visit.led_by.name == "Maulana" and visit.led_by.role == "Wali Kota Jambi"
    assert visit.received_by.name == "Wahyu Hidayat" and visit.received_by.role is None
    assert visit.topics == ("pelayanan publik", "PAD")
    assert visit.agreement.type == "Kesepakatan Bersama"
    assert article.body.startswith("Malang - Pemkot")


def test_every_example_parses():
    paths = list(iter_article_paths([EXAMPLES]))
    assert len(paths) >= 13
    annotated = [read_article(p) for p in paths if p.endswith(".md")]
    annotated = [a for a in annotated if not a.is_raw]
    raw = [read_article(p) for p in paths if p.endswith(".txt")]
    assert len(annotated) >= 10
    assert len(raw) == 3 and all(a.is_raw for a in raw)


@pytest.mark.parametrize(
    "change, field, message",
    [
        (("    host: Pemkot Malang\n", ""), "visits[0].host", "missing"),
        (("    date: 2026-01-12\n", "    date: 2026-13-40\n"), "visits[0].date", "invalid date"),
        (("    date: 2026-01-12\n", "    date: 12/01/2026\n"), "visits[0].date", "invalid date"),
        (("published: 2026-01-12\n", "published: kemarin\n"), "published", "invalid date"),
        (("title:", "headline:"), "headline", "unknown key"),
        (("    date:", "    tanggal:"), "visits[0].tanggal", "unknown key"),
        (("{name: Maulana, role: Wali Kota Jambi}", "{nama: Maulana}"),
         "visits[0].led_by.nama", "unknown key"),
        (("{name: Maulana, role: Wali Kota Jambi}", "{role: Wali Kota Jambi}"),
         "visits[0].led_by.name", "missing"),
        (("url: https://example.org/a/1", "url: javascript:alert(1)"), "url", "not an http(s) URL"),
        (("[pelayanan publik, PAD]", "{a: b}"), "visits[0].topics", "expected a list"),
        (('evidence: "Pemkot Malang menerima', 'evidence: "Pemkab Malang menerima'),
         "visits[0].evidence", "does not occur"),
    ],
)
def test_errors_name_file_and_field(change, field, message):
    old, new = change
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(ArticleError) as info:
        parse_article(text, source="examples/x.md")
    line = str(info.value)
    assert line.startswith(f"examples/x.md: {field}: "), line
    assert message in line
    assert "\n" not in line


@pytest.mark.parametrize("value, field", [
    ('"..."', "visits[0].received_by"),
    ('{name: "—", role: Wali Kota}', "visits[0].received_by.name"),
])
def test_a_name_without_letters_is_refused_at_its_field(value, field):
    text = GOOD.replace("received_by: Wahyu Hidayat", f"received_by: {value}")
    with pytest.raises(ArticleError, match=rf"^x.md: {re.escape(field)}: not a person's name"):
        parse_article(text, source="x.md")


def test_visits_must_be_a_list():
    text = GOOD.split("visits:")[0] + "visits: Pemkot Jambi\n---\nbody\n"
    with pytest.raises(ArticleError, match=r"^x.md: visits: expected a list of visits, got text$"):
        parse_article(text, source="x.md")


def test_second_visit_error_has_its_index():
    text = GOOD.replace("---\nMalang", "  - visitor: Pemkab Malang\n---\nMalang")
    with pytest.raises(ArticleError, match=r"^x.md: visits\[1\].host: missing$"):
        parse_article(text, source="x.md")


@pytest.mark.parametrize(
    "data, message",
    [
        (b"---\ntitle: x\n\xff\xfe\n---\nbody", "not valid UTF-8"),
        (b"---\ntitle: [unclosed\n---\nbody", "invalid YAML"),
        (b"---\ntitle: x\nvisits: []\nbody without end", "no closing '---'"),
        (b"---\n- a\n- b\n---\nbody", "expected a mapping"),
        (b"abc\x00def", "NUL"),
    ],
)
def test_unreadable_input_is_a_clear_error(data, message):
    with pytest.raises(ArticleError, match=message) as info:
        parse_article(data, source="bad.md")
    assert str(info.value).startswith("bad.md: ")


def test_raw_and_no_visit_articles():
    raw = parse_article("Pemkot A menerima kunjungan Pemkab B.", source="r.txt")
    assert raw.is_raw and raw.visits is None
    meta_only = parse_article("---\ntitle: T\n---\nbody", source="r.md")
    assert meta_only.is_raw and meta_only.title == "T"
    none = parse_article("---\ntitle: T\nvisits: []\n---\nbody", source="n.md")
    assert not none.is_raw and none.visits == []


def test_bom_and_crlf_are_accepted():
    data = ("\ufeff" + GOOD).replace("\n", "\r\n").encode("utf-8")
    article = parse_article(data, source="a.md")
    assert article.visits[0].host == "Pemkot Malang"


def test_size_limit(tmp_path):
    path = write_article(tmp_path, "big.md", "x" * 2000)
    with pytest.raises(ArticleError, match="larger than the limit of 1000 bytes"):
        read_article(path, max_bytes=1000)
    assert read_article(path, max_bytes=5000).is_raw


def test_missing_file_and_directory(tmp_path):
    with pytest.raises(ArticleError, match="no such file"):
        read_article(tmp_path / "nope.md")
    with pytest.raises(ArticleError, match="is a directory"):
        read_article(tmp_path)


def test_directories_are_read_recursively_skipping_other_files(tmp_path):
    write_article(tmp_path, "a/b/one.md", GOOD)
    write_article(tmp_path, "a/two.txt", "raw")
    write_article(tmp_path, "a/notes.csv", "x")
    write_article(tmp_path, "a/.hidden.md", GOOD)
    found = [os.path.relpath(p, tmp_path) for p in iter_article_paths([tmp_path / "a"])]
    assert found == [os.path.join("a", "two.txt"), os.path.join("a", "b", "one.md")]


def test_symlinks_inside_directories_are_not_followed_unless_asked(tmp_path):
    outside = write_article(tmp_path, "outside/secret.md", GOOD)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "link.md").symlink_to(outside)
    assert list(iter_article_paths([folder])) == []
    assert len(list(iter_article_paths([folder], follow_symlinks=True))) == 1


@pytest.mark.parametrize("old, new, field", [
    ("    host: Pemkot Malang\n", "    host: Pemkot Malang\n    visitor: Pemkot Bandung\n",
     "visits[0].visitor"),
    ("    agreement:", "    topics: [pariwisata]\n    agreement:", "visits[0].topics"),
    ("published:", "url: https://example.org/a/2\npublished:", "url"),
    ("{name: Maulana, role: Wali Kota Jambi}", "{name: Maulana, name: Wahyu}",
     "visits[0].led_by.name"),
])
def test_a_key_given_twice_is_an_error_naming_it(old, new, field):
    text = GOOD.replace(old, new, 1)
    assert text != GOOD
    with pytest.raises(ArticleError) as info:
        parse_article(text, source="a.md")
    assert str(info.value).startswith(f"a.md: {field}: given twice (again at line ")


def test_yaml_merge_keys_are_not_duplicates():
    text = GOOD.replace("    led_by: {name: Maulana, role: Wali Kota Jambi}\n",
                        "    led_by: &p {name: Maulana, role: Wali Kota Jambi}\n"
                        "    received_by: {<<: *p, name: Wahyu Hidayat}\n", 1)
    text = text.replace("    received_by: Wahyu Hidayat\n", "", 1)
    (visit,) = parse_article(text, source="a.md").visits
    assert visit.received_by.name == "Wahyu Hidayat"


@pytest.mark.parametrize("url", ['"https://example.org/a\\nb"', '"https://example.org/a\\tb"',
                                 '"https://example.org/a b"', '"https://example.org/a\\x1bb"'])
def test_a_url_with_whitespace_or_control_characters_is_refused(url):
    text = GOOD.replace("url: https://example.org/a/1", f"url: {url}")
    with pytest.raises(ArticleError, match=r"^a\.md: url: not a URL: it contains whitespace"):
        parse_article(text, source="a.md")
    spaced = GOOD.replace("url: https://example.org/a/1", "url:   https://example.org/a/1  ")
    assert parse_article(spaced, source="a.md").url == "https://example.org/a/1"


def test_urlless_articles_are_identified_by_their_text():
    raw = "Pemkot Malang menerima kunjungan kerja Pemkot Jambi.\n"
    same = parse_article(" Pemkot Malang  menerima\nkunjungan kerja Pemkot Jambi.", source="b")
    annotated = parse_article("---\nvisits: []\n---\n" + raw, source="c")
    assert parse_article(raw, source="a").key == same.key == annotated.key
    assert parse_article(raw.replace("Jambi", "Bandung"), source="a").key != same.key
    assert parse_article(GOOD, source="a").key == "https://example.org/a/1"


def test_a_folder_read_counts_what_it_skips(tmp_path):
    from kgraph.read.files import find_article_files

    write_article(tmp_path, "a/one.md", GOOD)
    write_article(tmp_path, "a/table.csv", "x")
    write_article(tmp_path, "a/notes.text", "x")
    write_article(tmp_path, "a/README.md", "about")
    (tmp_path / "empty" / "sub").mkdir(parents=True)
    found = find_article_files([tmp_path / "a", tmp_path / "empty"])
    assert [os.path.basename(p) for p in found.files] == ["one.md"]
    assert sorted(os.path.basename(p) for p in found.other) == ["notes.text", "table.csv"]
    assert found.empty == [str(tmp_path / "empty")]
