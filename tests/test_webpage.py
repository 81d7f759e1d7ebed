"""Web pages → articles without any network: main text, metadata, canonical URLs, names."""
from __future__ import annotations

import datetime as dt

import pytest

from kgraph.read.files import iter_article_paths, read_article
from kgraph.read.frontmatter import parse_article
from kgraph.errors import ArticleError
from kgraph.read.webpage import PageHints, decode_html, file_name, normalize_url, read_page, url_key

from helpers.newssite import BANYUMAS, BOILERPLATE, LOMBOK_TIMUR, PONTIANAK, REPORTS, news_page

BASE = "https://warta.example.id"


@pytest.mark.parametrize("amp", [False, True], ids=["page", "amp"])
@pytest.mark.parametrize("report", REPORTS, ids=lambda r: r.path.rsplit("/", 1)[-1][:24])
def test_the_text_is_every_paragraph_of_the_report_and_nothing_else(report, amp):
    article = read_page(news_page(report, BASE, amp=amp).encode("utf-8"), source="page.html")
    assert article.body.split("\n\n") == list(report.paragraphs)
    for furniture in BOILERPLATE:
        assert furniture.lower() not in article.body.lower(), furniture


def test_metadata_comes_from_the_page_and_the_url_is_the_canonical_one():
    article = read_page(news_page(BANYUMAS, BASE, amp=True), source="amp.html",
                        hints=PageHints(url=f"{BASE}/amp{BANYUMAS.path}?utm_source=wa"))
    assert article.url == BASE + BANYUMAS.path
    assert article.title == BANYUMAS.title
    assert article.published == dt.date(2026, 1, 13)
    assert article.publisher == "Warta Nusantara"
    assert article.author == BANYUMAS.author


def test_an_undated_page_gets_no_guessed_date_but_takes_the_feed_s():
    # htmldate's extensive search would read "© 2026" in the footer as 2026-01-01
    page = news_page(LOMBOK_TIMUR, BASE)
    assert read_page(page, source="p.html").published is None
    hinted = read_page(page, source="p.html", hints=PageHints(
        published=dt.date(2026, 1, 9), title="Judul dari umpan"))
    assert hinted.published == dt.date(2026, 1, 9)
    assert hinted.title == LOMBOK_TIMUR.title  # the page's own headline wins


def test_a_page_without_a_title_takes_the_feed_s():
    page = news_page(LOMBOK_TIMUR, BASE).replace(f"<h1>{LOMBOK_TIMUR.title}</h1>", "")
    article = read_page(page, source="p.html", hints=PageHints(title="Judul dari umpan"))
    assert article.title == "Judul dari umpan"


@pytest.mark.parametrize("canonical, expected", [
    ("/", BASE + "/berita/satu"),                       # a template's home-page link: ignored
    ("/daerah/judul-asli", BASE + "/daerah/judul-asli"),  # relative: made absolute
    ("ftp://warta.example.id/x", BASE + "/berita/satu"),  # not http(s): ignored
])
def test_canonical_links(canonical, expected):
    page = news_page(BANYUMAS, BASE).replace(
        f'<link rel="canonical" href="{BASE}{BANYUMAS.path}">',
        f'<link rel="canonical" href="{canonical}">').replace(
        f'<meta property="og:url" content="{BASE}{BANYUMAS.path}">', "")
    article = read_page(page, source="p.html", hints=PageHints(url=BASE + "/berita/satu"))
    assert article.url == expected


def test_urls_lose_tracking_parameters_and_twins_share_a_key():
    assert normalize_url("HTTPS://Warta.Example.ID:443/a/b?utm_source=x&id=7&fbclid=y#top") \
        == "https://warta.example.id/a/b?id=7"
    canonical = url_key("https://www.warta.example.id/daerah/judul")
    for twin in ("https://warta.example.id/daerah/judul?utm_medium=social",
                 "https://m.warta.example.id/daerah/judul",
                 "https://amp.warta.example.id/daerah/judul",
                 "https://www.warta.example.id/amp/daerah/judul",
                 "https://www.warta.example.id/daerah/judul/amp",
                 "https://www.warta.example.id/daerah/judul?amp=1"):
        assert url_key(twin) == canonical, twin
    assert url_key("https://warta.example.id/daerah/judul-lain") != canonical
    assert url_key("https://warta.example.id/berita?id=1") != url_key(
        "https://warta.example.id/berita?id=2")


def test_file_names_are_readable_stable_and_distinct():
    url = "https://warta.example.id/daerah/2026/01/13/pemkab-banyumas-belajar.html"
    name = file_name(url)
    assert name == file_name(url)
    assert name.startswith("warta.example.id_pemkab-banyumas-belajar_") and name.endswith(".txt")
    assert file_name("https://warta.example.id/berita?id=1") != file_name(
        "https://warta.example.id/berita?id=2")
    assert "/" not in file_name("http://127.0.0.1:8000/a/../../etc/passwd")


def test_pages_in_windows_1252_are_decoded():
    page = news_page(PONTIANAK, BASE, charset="windows-1252").encode("cp1252")
    article = read_page(page, source="p.html")
    assert "“Warga kami di tepi kota" in article.body and "Kurniawan – yang" in article.body
    # a server that says iso-8859-1 means windows-1252, as browsers read it
    assert decode_html("“a” – b".encode("cp1252"), "ISO-8859-1") == "“a” – b"
    assert decode_html("ĀĒ".encode("utf-8")) == "ĀĒ"


def test_a_page_without_article_text_is_an_error_naming_the_file():
    with pytest.raises(ArticleError, match=r"empty.html: no article text found in the page "
                       r"\(only 7 characters\)"):
        read_page(b"<html><body><nav><a href='/'>Beranda</a></nav></body></html>",
                  source="empty.html")


def test_the_article_file_reads_back_with_its_metadata():
    fetched = dt.datetime(2026, 1, 13, 2, 0, 5, 123, tzinfo=dt.timezone.utc)
    article = read_page(news_page(BANYUMAS, BASE), source="p.html",
                        hints=PageHints(fetched=fetched))
    parsed = parse_article(article.text(), source="a.txt")
    assert parsed.is_raw and parsed.body.split("\n\n")[0] == BANYUMAS.paragraphs[0]
    assert (parsed.url, parsed.title, parsed.published, parsed.publisher) == (
        BASE + BANYUMAS.path, BANYUMAS.title, dt.date(2026, 1, 13), "Warta Nusantara")
    assert parsed.extra == {"author": BANYUMAS.author, "fetched": fetched.replace(microsecond=0)}


def test_an_invalid_fetched_time_names_its_field():
    with pytest.raises(ArticleError, match=r"a.txt: fetched: invalid date and time"):
        parse_article("---\nfetched: kemarin sore\n---\nIsi.\n", source="a.txt")


def test_saved_pages_are_read_as_articles_named_and_in_folders(tmp_path):
    folder = tmp_path / "simpanan"
    folder.mkdir()
    (folder / "banyumas.html").write_text(news_page(BANYUMAS, BASE), encoding="utf-8")
    (folder / "pontianak.HTM").write_bytes(
        news_page(PONTIANAK, BASE, charset="windows-1252").encode("cp1252"))
    found = sorted(p.rsplit("/", 1)[-1] for p in iter_article_paths([folder]))
    assert found == ["banyumas.html", "pontianak.HTM"]
    article = read_article(folder / "banyumas.html")
    assert article.url == BASE + BANYUMAS.path and article.is_raw
    assert article.body.rstrip("\n").split("\n\n") == list(BANYUMAS.paragraphs)
