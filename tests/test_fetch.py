"""``kgraph.fetch`` against the local test news site (``tests/helpers/newssite.py``)."""
from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from kgraph import __version__, ingest
from kgraph.read.frontmatter import parse_article
from kgraph.read.files import read_article
from kgraph.extract import extract
from kgraph.fetch import STATE_FILE, articles_dir, fetch
from kgraph.read.web import WebOptions

from helpers.newssite import BANYUMAS, LOMBOK_TIMUR, PONTIANAK, PUBLISHER

#: Fast, and patient enough for a loopback server on a loaded machine: the slow page (4 s)
#: times out.
FAST = WebOptions(delay=0, timeout=2, retries=1, max_bytes=2_000_000)


def run(site, tmp_path, *paths, feeds=(), options=FAST, **kwargs):
    return fetch([site.url(p) if p.startswith("/") else p for p in paths],
                 feeds=[site.url(f) for f in feeds], out_dir=tmp_path / "articles",
                 options=options, **kwargs)


def article_files(tmp_path):
    return sorted((tmp_path / "articles").glob("*.txt"))


def test_a_page_becomes_one_raw_article_file(news_site, tmp_path):
    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    report = run(news_site, tmp_path, BANYUMAS.path)
    assert report.ok and [o.status for o in report.outcomes] == ["fetched"]
    [path] = article_files(tmp_path)
    assert report.files == [str(path)]
    assert path.name.startswith("127.0.0.1-") and "_pemkab-banyumas-belajar-olah-sampah" in path.name
    article = read_article(path)
    assert article.is_raw
    assert (article.url, article.title, article.published, article.publisher) == (
        news_site.url(BANYUMAS.path), BANYUMAS.title, dt.date(2026, 1, 13), PUBLISHER)
    assert article.extra["author"] == BANYUMAS.author
    assert before <= article.extra["fetched"] <= dt.datetime.now(dt.timezone.utc)
    assert article.body.rstrip("\n").split("\n\n") == list(BANYUMAS.paragraphs)


def test_a_fetched_page_and_the_same_report_as_a_text_file_give_the_same_graph(news_site,
                                                                             tmp_path):
    report = run(news_site, tmp_path, BANYUMAS.path)
    twin = tmp_path / "twin" / "banyumas.txt"
    twin.parent.mkdir()
    twin.write_text(BANYUMAS.text_twin(news_site.url(BANYUMAS.path)), encoding="utf-8")
    page_store, text_store = tmp_path / "page.ttl", tmp_path / "text.ttl"
    assert ingest(report.files, store=page_store).visits == 1
    assert ingest([twin], store=text_store).visits == 1
    assert page_store.read_bytes() == text_store.read_bytes()
    assert b'kg:date "2026-01-12"^^xsd:date' in page_store.read_bytes()


def test_a_year_less_date_takes_the_year_of_the_page(news_site, tmp_path):
    """ "Senin (12/1)": the text alone cannot date the visit, the page can."""
    report = run(news_site, tmp_path, BANYUMAS.path)
    [from_page] = extract(read_article(report.files[0]))
    text_only = parse_article(BANYUMAS.text_twin(news_site.url(BANYUMAS.path), published=""))
    [from_text] = extract(text_only)
    assert from_page.date == dt.date(2026, 1, 12)
    assert from_text.date is None
    assert (from_page.visitor, from_page.host) == (from_text.visitor, from_text.host)


def test_amp_tracking_and_redirected_twins_are_one_article(news_site, tmp_path):
    first = run(news_site, tmp_path, f"/amp{BANYUMAS.path}")
    [path] = article_files(tmp_path)
    assert read_article(path).url == news_site.url(BANYUMAS.path)  # the canonical URL
    news_site.requests.clear()
    again = run(news_site, tmp_path, BANYUMAS.path, f"{BANYUMAS.path}?utm_source=wa&fbclid=1",
                f"/amp{BANYUMAS.path}", "/lama/banyumas")
    assert [o.status for o in again.outcomes] == ["already"] * 4
    assert {o.file for o in again.outcomes} == {first.files[0]}
    assert article_files(tmp_path) == [path]
    # only the redirect chain, unknown until followed, was asked for
    assert news_site.paths() == ["/lama/banyumas", "/pindah/banyumas", BANYUMAS.path]


def test_a_second_fetch_of_a_feed_fetches_nothing_new(news_site, tmp_path):
    first = run(news_site, tmp_path, feeds=["/rss.xml"])
    assert [o.status for o in first.outcomes] == ["fetched"] * 3
    assert len(article_files(tmp_path)) == 3
    news_site.requests.clear()
    second = run(news_site, tmp_path, feeds=["/rss.xml", "/atom.xml"])
    assert [o.status for o in second.outcomes] == ["already"] * 6
    assert news_site.paths() == ["/rss.xml", "/atom.xml"]
    assert second.summary().startswith("fetched 0 pages, 6 already fetched, 0 skipped, 0 failed")


def test_feed_entries_fill_the_date_a_page_lacks(news_site, tmp_path):
    report = run(news_site, tmp_path, feeds=["/atom.xml"])
    assert report.ok
    by_url = {read_article(f).url: read_article(f) for f in report.files}
    lombok = by_url[news_site.url(LOMBOK_TIMUR.path)]  # AMP link in the feed: canonical here
    assert lombok.published == dt.date(2026, 1, 9)
    [visit] = extract(lombok)
    assert visit.date == dt.date(2026, 1, 8)  # "Kamis (8/1)"


def test_since_keeps_the_recent_feed_entries(news_site, tmp_path):
    report = run(news_site, tmp_path, feeds=["/rss.xml"], since=dt.date(2026, 2, 1))
    assert [read_article(f).url for f in report.files] == [news_site.url(PONTIANAK.path)]
    assert all(BANYUMAS.path not in p for p in news_site.paths())


def test_robots_txt_is_honoured(news_site, tmp_path):
    report = run(news_site, tmp_path, "/arsip-tertutup/pemkab-banyumas-2019")
    [outcome] = report.outcomes
    assert (outcome.status, outcome.reason) == ("skipped", "disallowed by robots.txt")
    assert news_site.paths() == [] and report.ok
    assert article_files(tmp_path) == []


@pytest.mark.parametrize("path, reason", [
    ("/hilang", "HTTP 404 Not Found"),
    ("/lambat", "no answer within 2 s"),
    ("/besar", "larger than the limit of 2000000 bytes (--max-size)"),
    ("/ke-ftp", "refused: redirected to an http(s) URL (ftp scheme); only http and https "
                "are fetched"),
    ("ftp://127.0.0.1/laporan.txt", "refused: not an http(s) URL (ftp scheme); only http and "
                                    "https are fetched"),
])
def test_failures_say_why_and_the_other_pages_are_kept(news_site, tmp_path, path, reason):
    report = run(news_site, tmp_path, path, PONTIANAK.path)
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("failed", reason), ("fetched", None)]
    assert not report.ok
    assert len(article_files(tmp_path)) == 1
    assert sorted(p.name for p in (tmp_path / "articles").iterdir()) == sorted(
        [STATE_FILE, article_files(tmp_path)[0].name])  # no temporary file left


def test_non_html_answers_are_skipped(news_site, tmp_path):
    report = run(news_site, tmp_path, "/laporan/anggaran-2026.pdf")
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("skipped", "not an HTML page (application/pdf)")]
    assert report.ok and article_files(tmp_path) == []


def test_503_then_200_is_retried_after_the_wait_the_server_asks(news_site, tmp_path):
    report = run(news_site, tmp_path, "/sibuk")
    assert [o.status for o in report.outcomes] == ["fetched"]
    times = [t for t, path, _ in news_site.requests if path == "/sibuk"]
    assert len(times) == 2 and times[1] - times[0] >= 0.95  # Retry-After: 1
    news_site.busy_left = 1
    no_retry = run(news_site, tmp_path / "b", "/sibuk",
                   options=WebOptions(delay=0, timeout=2, retries=0))
    assert [(o.status, o.reason) for o in no_retry.outcomes] == [
        ("failed", "HTTP 503 Service Unavailable")]


def test_a_windows_1252_page_is_read_right(news_site, tmp_path):
    report = run(news_site, tmp_path, "/lama-1252")
    text = (tmp_path / "articles" / report.files[0].rsplit("/", 1)[-1]).read_text("utf-8")
    assert "“Warga kami di tepi kota" in text and "Andre Kurniawan – yang" in text


def test_requests_name_kgraph_and_its_version(news_site, tmp_path):
    run(news_site, tmp_path, BANYUMAS.path)
    agents = {agent for _, _, agent in news_site.requests}
    assert len(news_site.requests) == 2  # robots.txt, then the page
    assert agents == {f"kgraph/{__version__} (news reader for a knowledge graph of "
                      "regional visits)"}


def test_one_host_is_asked_at_most_once_per_delay_and_hosts_run_in_parallel(news_site,
                                                                           tmp_path):
    from helpers.newssite import NewsSite

    options = WebOptions(delay=0.3, timeout=2, retries=0)
    with NewsSite() as other:
        fetch([news_site.url(BANYUMAS.path), news_site.url(PONTIANAK.path),
               other.url(BANYUMAS.path), other.url(PONTIANAK.path)],
              out_dir=tmp_path / "articles", options=options)
    for site in (news_site, other):
        times = [t for t, _, _ in site.requests]
        assert len(times) == 3  # robots.txt and two pages
        assert all(b - a >= 0.29 for a, b in zip(times, times[1:])), times
    # the second host did not wait for the first to finish
    assert other.requests[0][0] < news_site.requests[-1][0]
    assert news_site.requests[0][0] < other.requests[-1][0]


def test_an_article_file_already_there_is_never_overwritten(news_site, tmp_path):
    report = run(news_site, tmp_path, BANYUMAS.path)
    path = tmp_path / "articles" / report.files[0].rsplit("/", 1)[-1]
    reviewed = path.read_text("utf-8").replace("---\nKediri", "visits: []\n---\nKediri")
    path.write_text(reviewed, encoding="utf-8")
    (tmp_path / "articles" / STATE_FILE).unlink()  # forgotten: the page is fetched again
    again = run(news_site, tmp_path, BANYUMAS.path)
    assert [o.status for o in again.outcomes] == ["already"]
    assert path.read_text("utf-8") == reviewed


def test_an_unreadable_memory_is_reported_and_rebuilt(news_site, tmp_path):
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / STATE_FILE).write_text("{not json", encoding="utf-8")
    report = run(news_site, tmp_path, BANYUMAS.path)
    assert report.ok and len(report.warnings) == 1 and "unreadable" in report.warnings[0]
    state = json.loads((tmp_path / "articles" / STATE_FILE).read_text("utf-8"))
    assert list(state["urls"].values()) == [report.files[0].rsplit("/", 1)[-1]]


def test_a_deleted_article_file_is_fetched_again(news_site, tmp_path):
    report = run(news_site, tmp_path, BANYUMAS.path)
    (tmp_path / "articles" / report.files[0].rsplit("/", 1)[-1]).unlink()
    assert [o.status for o in run(news_site, tmp_path, BANYUMAS.path).outcomes] == ["fetched"]


def test_saved_pages_are_converted_without_the_network(tmp_path):
    from helpers.newssite import news_page

    saved = tmp_path / "simpanan"
    saved.mkdir()
    (saved / "banyumas.html").write_text(news_page(BANYUMAS, "https://warta.example.id"),
                                         encoding="utf-8")
    (saved / "catatan.txt").write_text("Catatan pribadi.\n", encoding="utf-8")
    report = fetch([str(saved / "banyumas.html"), str(saved / "catatan.txt")],
                   out_dir=tmp_path / "articles", options=FAST)
    assert [(o.status, o.reason) for o in report.outcomes] == [
        ("fetched", None), ("skipped", "already an article file: ingest it as it is")]
    [path] = article_files(tmp_path)
    assert path.name.startswith("warta.example.id_pemkab-banyumas-belajar-olah-sampah")
    assert read_article(path).url == "https://warta.example.id" + BANYUMAS.path
    (saved / "tanpa-kanonik.htm").write_text(news_page(PONTIANAK, "").replace(
        '<link rel="canonical" href="/kalbar', '<link rel="x" href="/kalbar').replace(
        '<meta property="og:url" content="/kalbar', '<meta property="x" content="/kalbar'),
        encoding="utf-8")
    folder = fetch([str(saved)], out_dir=tmp_path / "articles", options=FAST)
    assert [(o.source.rsplit("/", 1)[-1], o.status) for o in folder.outcomes] == [
        ("banyumas.html", "already"), ("tanpa-kanonik.htm", "fetched")]
    named = [p.name for p in article_files(tmp_path) if p != path]
    assert len(named) == 1 and re.fullmatch(r"tanpa-kanonik_[0-9a-f]{8}\.txt", named[0])
    assert read_article(tmp_path / "articles" / named[0]).url is None


def test_the_folder_beside_the_store(tmp_path):
    assert str(articles_dir("kgraph.ttl")) == "kgraph.articles"
    assert articles_dir(tmp_path / "data" / "visits.ttl") == tmp_path / "data" / "visits.articles"
    assert articles_dir(tmp_path / "store") == tmp_path / "store.articles"


def test_a_feed_that_fails_or_is_no_feed_is_one_failure(news_site, tmp_path):
    report = run(news_site, tmp_path, feeds=["/hilang", BANYUMAS.path, "/rss.xml"])
    outcomes = [(o.source.replace(news_site.base, ""), o.status, o.reason)
                for o in report.outcomes]
    assert outcomes[:2] == [("/hilang", "failed", "HTTP 404 Not Found"),
                            (BANYUMAS.path, "failed", "not an RSS or Atom feed (text/html)")]
    assert [o.status for o in report.outcomes[2:]] == ["fetched"] * 3
