"""``kgraph fetch`` and ``kgraph ingest URL`` on the command line, and the README's
workflow from a list of URLs and a feed to the graph, against the local test news site."""
from __future__ import annotations

import re

from kgraph.cli import cli

from conftest import ROOT
from helpers.newssite import BANYUMAS, PONTIANAK, news_page

FAST = ("--delay", "0", "--timeout", "2", "--retries", "1")
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_fetch_reads_a_list_of_urls_from_a_file_or_stdin(invoke, news_site, tmp_path):
    listing = (f"# laporan kunjungan\n\n{news_site.url(BANYUMAS.path)}\n"
               f"   {news_site.url(PONTIANAK.path)}  \n#{news_site.url('/hilang')}\n")
    (tmp_path / "urls.txt").write_text(listing, encoding="utf-8")
    result = invoke("fetch", "--from", "urls.txt", *FAST)
    assert result.exit_code == 0, result.output
    assert result.stdout == "fetched 2 pages, 0 already fetched, 0 skipped, 0 failed → articles/\n"
    assert len(list((tmp_path / "articles").glob("*.txt"))) == 2
    again = invoke("fetch", "--from", "-", "-o", "articles", *FAST, input=listing)
    assert again.stdout == "fetched 0 pages, 2 already fetched, 0 skipped, 0 failed → articles/\n"


def test_each_failure_has_its_line_and_the_exit_code_is_1(invoke, news_site):
    pdf, missing = news_site.url("/laporan/anggaran-2026.pdf"), news_site.url("/hilang")
    result = invoke("fetch", news_site.url(BANYUMAS.path), pdf, missing, "ftp://127.0.0.1/x",
                    "-o", "kliping", *FAST)
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"skipped: {pdf}: not an HTML page (application/pdf)",
        f"Error: {missing}: HTTP 404 Not Found",
        "Error: ftp://127.0.0.1/x: refused: not an http(s) URL (ftp scheme); only http and "
        "https are fetched",
    ]
    assert result.stdout == "fetched 1 page, 0 already fetched, 1 skipped, 2 failed → kliping/\n"
    assert "Traceback" not in result.output


def test_fetch_needs_something_to_fetch(invoke):
    result = invoke("fetch")
    assert result.exit_code == 2
    assert "give URLs or saved pages, --from FILE or --feed FEED_URL" in result.stderr


def test_an_unreadable_list_is_a_one_line_error(invoke):
    result = invoke("fetch", "--from", "tidak-ada.txt")
    assert result.exit_code == 1
    assert result.stderr == ("Error: tidak-ada.txt: cannot read the list of URLs: "
                             "No such file or directory\n")


def test_a_feed_since_a_day(invoke, news_site):
    result = invoke("fetch", "--feed", news_site.url("/rss.xml"), "--since", "2026-02-01", *FAST)
    assert result.exit_code == 0
    assert result.stdout.startswith("fetched 1 page, 0 already fetched")


def test_ingest_urls_keeps_the_pages_beside_the_store(invoke, news_site, tmp_path):
    page, missing = news_site.url(BANYUMAS.path), news_site.url("/hilang")
    (tmp_path / "data").mkdir()  # a store's folder is never created (a typo must not be)
    result = invoke("ingest", "--store", "data/visits.ttl", page, missing, *FAST)
    assert result.exit_code == 1
    assert result.stderr == f"Error: {missing}: HTTP 404 Not Found\n"
    assert result.stdout.splitlines() == [
        "fetched 1 page, 0 already fetched, 0 skipped, 1 failed → data/visits.articles/",
        "ingested 1 article, 1 visit (1 extracted), 76 triples (+76), 0 warnings, 1 failed "
        "→ data/visits.ttl",
    ]
    [kept] = (tmp_path / "data" / "visits.articles").glob("*.txt")
    assert f"url: {page}\n" in kept.read_text("utf-8")
    store = (tmp_path / "data" / "visits.ttl").read_text("utf-8")
    assert f'schema:url "{page}"^^xsd:anyURI' in store
    again = invoke("ingest", "--store", "data/visits.ttl", page, *FAST)
    assert again.exit_code == 0
    assert again.stdout.splitlines() == [
        "fetched 0 pages, 1 already fetched, 0 skipped, 0 failed → data/visits.articles/",
        "ingested 1 article, 1 visit (1 extracted), 76 triples (+0), 0 warnings "
        "→ data/visits.ttl (unchanged)",
    ]


def test_saved_pages_are_ingested_and_annotated_in_folders(invoke, tmp_path):
    saved = tmp_path / "simpanan"
    saved.mkdir()
    (saved / "banyumas.html").write_text(news_page(BANYUMAS, "https://warta.example.id"),
                                         encoding="utf-8")
    result = invoke("ingest", "simpanan/")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("ingested 1 article, 1 visit (1 extracted),")
    store = (tmp_path / "kgraph.ttl").read_text("utf-8")
    assert "https://warta.example.id" + BANYUMAS.path in store
    annotated = invoke("annotate", "simpanan/", "-o", "tinjau/")
    assert annotated.exit_code == 0
    text = (tmp_path / "tinjau" / "banyumas.txt").read_text("utf-8")
    assert "    date: 2026-01-12\n" in text and "visitor: Pemkab Banyumas" in text
    in_place = invoke("annotate", "--in-place", "simpanan/banyumas.html")
    assert in_place.exit_code == 1
    assert "simpanan/banyumas.html: a web page cannot be annotated in place" in in_place.stderr


def test_help_shows_fetch_and_ingest_url_with_examples():
    fetch_help = cli.commands["fetch"].help
    ingest_help = cli.commands["ingest"].help
    assert "kgraph fetch --from urls.txt" in fetch_help
    assert "kgraph fetch --feed" in fetch_help
    assert "kgraph ingest https://" in ingest_help


def _readme_session() -> list[tuple[str, str]]:
    """The commands of the README's web section and the output it shows for each."""
    section = README.split("## News from the web", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S).group(1)
    steps, command, shown = [], None, []
    for line in block.splitlines():
        if line.startswith("$ "):
            if command is not None:
                steps.append((command, "\n".join(shown)))
            command, shown = line[2:], []
        else:
            shown.append(line)
    steps.append((command, "\n".join(shown)))
    return steps


def test_the_readme_web_workflow_output_is_real(invoke, news_site, tmp_path):
    """README: the URLs are those of ``python tests/helpers/newssite.py --port 8000``."""
    import shlex

    port = news_site.base.rsplit(":", 1)[1]

    def as_readme(text: str) -> str:
        text = text.replace(news_site.base, "http://127.0.0.1:8000")
        return re.sub(r"(?m)^fetched: .*$", "fetched: (when)", text)  # the only change

    steps = _readme_session()
    assert [c.split()[0] for c, _ in steps][:2] == ["python", "cat"]
    (tmp_path / "urls.txt").write_text(steps[1][1].replace(
        "http://127.0.0.1:8000", news_site.base) + "\n", encoding="utf-8")
    for command, shown in steps[2:]:
        words = shlex.split(command.replace("http://127.0.0.1:8000", news_site.base))
        if words[0] == "head":  # the file of the same page here: another port, another hash
            count, name = int(words[1].lstrip("-")), words[2]
            pattern = re.sub(r"_[0-9a-f]{8}\.txt$", "_*.txt", name.replace("-8000_", f"-{port}_"))
            [path] = tmp_path.glob(pattern)
            lines = path.read_text("utf-8").splitlines()[:count]
            assert as_readme("\n".join(lines)) == as_readme(shown), command
            continue
        assert words[0] == "kgraph", command
        result = invoke(*words[1:], *(FAST if words[1] in ("fetch",) else ()))
        assert as_readme((result.stderr + result.stdout).strip()) == shown.strip(), command


def test_a_folder_that_cannot_be_written_stops_the_fetch_with_one_line(invoke, news_site,
                                                                      tmp_path, monkeypatch):
    import errno

    from helpers.newssite import LOMBOK_TIMUR, NewsSite

    port = news_site.base.rsplit(":", 1)[1]

    def disk_full_for_the_first_site(path, data):
        if f"127.0.0.1-{port}_" in str(path):
            raise OSError(errno.ENOSPC, "No space left on device")
        (tmp_path / "kliping" / path.name).write_bytes(data)

    monkeypatch.setattr("kgraph.fetch.atomic_write", disk_full_for_the_first_site)
    with NewsSite() as other:
        result = invoke("fetch", news_site.url(BANYUMAS.path), news_site.url(PONTIANAK.path),
                        *(other.url(p) for p in (BANYUMAS.path, PONTIANAK.path,
                                                 LOMBOK_TIMUR.path, "/lama-1252")),
                        "-o", "kliping", "--delay", "0.3", "--timeout", "2")
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert re.fullmatch(r"Error: kliping/127\.0\.0\.1-\d+_pemkab-banyumas-belajar-olah-sampah-"
                        r"ke-kota-kediri_[0-9a-f]{8}\.txt: cannot write: No space left on device",
                        line), line
    assert "Traceback" not in result.output
    assert PONTIANAK.path not in news_site.paths()  # the run stopped at the failure ...
    assert "/lama-1252" not in other.paths()  # ... on the other host too
