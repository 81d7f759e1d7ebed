"""A small Indonesian news site on 127.0.0.1, for the tests of ``kgraph fetch``.

Every text here was written for the project (invented reports of visits between real
regions). Pages have the shapes regional news sites have: a menu, ads, share buttons,
"BACA JUGA" links between paragraphs, tags, a related-articles list, comments and a footer;
each report also has an AMP twin with a canonical link. The site serves RSS and Atom feeds,
a robots.txt that disallows a folder, a redirect chain, a 404, a 503 then a 200, a slow
page, a 20 MB page (generated while it is sent), a PDF, a page in windows-1252 and a
redirect to an ftp:// URL. ``site.requests`` records what was asked, in order.
"""
from __future__ import annotations

import html
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable

PUBLISHER = "Warta Nusantara"


class _QuietServer(ThreadingHTTPServer):
    """A client that hangs up early (a page given up on: too slow, too large, not HTML) is
    no error of the site: socketserver would print its traceback to standard error, which
    a test of the CLI reads."""

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        import sys

        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


@dataclass(frozen=True)
class Report:
    """One report: where it lives on the site and what it says."""

    path: str
    title: str
    author: str
    published: str  # ISO date, "" when the page carries none
    paragraphs: tuple[str, ...]

    def text_twin(self, url: str, *, published: str | None = None) -> str:
        """The same report as a kgraph article file (front matter, then the body)."""
        published = self.published if published is None else published
        head = [f"title: {self.title}", f"url: {url}"]
        if published:
            head.append(f"published: {published}")
        head.append(f"publisher: {PUBLISHER}")
        return "---\n" + "\n".join(head) + "\n---\n" + "\n\n".join(self.paragraphs) + "\n"


BANYUMAS = Report(
    path="/daerah/2026/01/13/pemkab-banyumas-belajar-olah-sampah-ke-kota-kediri",
    title="Pemkab Banyumas Belajar Olah Sampah ke Kota Kediri",
    author="Sekar Ayuningtyas",
    published="2026-01-13",
    paragraphs=(
        "Kediri – Pemkab Banyumas melakukan studi banding ke Pemkot Kediri, Senin (12/1). "
        "Rombongan dipimpin Asisten Perekonomian dan Pembangunan Setda Banyumas, Dimas "
        "Prasetyo, dan diterima Sekretaris Daerah Kota Kediri, Hendra Saputra, di Ruang "
        "Joyoboyo Balai Kota Kediri.",
        "Kunjungan itu berfokus pada pengelolaan sampah berbasis kelurahan. Banyumas ingin "
        "melihat langsung cara Kediri memilah sampah organik sejak dari rumah tangga sampai "
        "ke tempat pengolahan terpadu.",
        "Dimas mengatakan, timnya datang dengan daftar pertanyaan yang panjang. \"Kami ingin "
        "tahu bagaimana warga mau memilah tanpa harus terus diingatkan. Itu kunci yang belum "
        "kami temukan,\" ujarnya.",
        "Hendra menjelaskan, Kediri memulai dari lima kelurahan percontohan sebelum "
        "memperluas program ke seluruh kota. Setiap kelurahan memiliki kader lingkungan yang "
        "mendampingi warga selama tiga bulan pertama.",
        "Usai diskusi, rombongan meninjau rumah kompos di Kelurahan Bangsal dan bank sampah "
        "yang dikelola kelompok pemuda setempat.",
    ),
)

LOMBOK_TIMUR = Report(
    path="/daerah/dprd-lombok-timur-pelajari-perda-pariwisata-denpasar",
    title="DPRD Lombok Timur Pelajari Perda Pariwisata Denpasar",
    author="Made Wiradana",
    published="",  # the page has no date: the feeds give it
    paragraphs=(
        "Denpasar – Komisi II DPRD Kabupaten Lombok Timur melakukan kunjungan kerja ke DPRD "
        "Kota Denpasar, Kamis (8/1). Rombongan diterima Wakil Ketua DPRD Kota Denpasar, "
        "Ketut Arsana, di ruang rapat gabungan gedung dewan.",
        "Para anggota dewan dari Lombok Timur mempelajari penyusunan peraturan daerah "
        "tentang pariwisata berbasis desa adat yang sedang mereka rancang.",
        "Ketut Arsana berbagi pengalaman Denpasar melibatkan desa adat sejak tahap naskah "
        "akademik, sehingga aturan yang lahir tidak berbenturan dengan kebiasaan setempat.",
    ),
)

PONTIANAK = Report(
    path="/kalbar/pemkot-pontianak-terima-kunjungan-pemkab-kubu-raya",
    title="Pemkot Pontianak Terima Kunjungan Pemkab Kubu Raya",
    author="Rina Oktaviani",
    published="2026-02-03",
    paragraphs=(
        "Pontianak – Pemkot Pontianak menerima kunjungan kerja Pemkab Kubu Raya, Selasa "
        "(3/2/2026). Pertemuan membahas layanan air bersih bagi warga di perbatasan kedua "
        "daerah.",
        "“Warga kami di tepi kota sering bertanya kapan pipa sampai ke rumah mereka,” kata "
        "Kepala Bappeda Kubu Raya, Andre Kurniawan – yang memimpin rombongan.",
        "Kedua pihak sepakat menyiapkan kajian bersama sebelum akhir tahun.",
    ),
)

REPORTS = (BANYUMAS, LOMBOK_TIMUR, PONTIANAK)

#: Text that appears on the pages around the report and must never reach an article.
BOILERPLATE = (
    "Beranda", "Ekonomi Bisnis", "Olahraga Daerah", "Indeks Berita",
    "ADVERTISEMENT", "Pasang iklan di sini", "SCROLL TO CONTINUE WITH CONTENT",
    "Bagikan ke Facebook", "Bagikan ke WhatsApp", "Salin tautan",
    "BACA JUGA", "Jembatan gantung baru di Cilacap diresmikan",
    "Harga cabai rawit turun di pasar tradisional Purwokerto",
    "Berita Terkait", "Festival layang-layang digelar di pantai selatan",
    "Komentar", "Semoga Banyumas cepat bersih seperti Kediri",
    "Redaksi", "Pedoman Media Siber", "Hak cipta dilindungi",
)


def news_page(report: Report, base: str, *, amp: bool = False, charset: str = "utf-8") -> str:
    """The page of ``report`` as the site serves it (or its AMP twin)."""
    e = html.escape
    canonical = base + report.path
    head = [f'<meta charset="{charset}">', f"<title>{e(report.title)} - {PUBLISHER}</title>",
            f'<link rel="canonical" href="{canonical}">',
            f'<meta property="og:site_name" content="{PUBLISHER}">',
            f'<meta property="og:title" content="{e(report.title)}">',
            f'<meta name="author" content="{e(report.author)}">']
    if not amp:
        head.append(f'<link rel="amphtml" href="{base}/amp{report.path}">')
        head.append(f'<meta property="og:url" content="{canonical}">')
    if report.published:
        head.append(f'<meta property="article:published_time" '
                    f'content="{report.published}T08:30:00+07:00">')
    else:  # an undated page whose only title is its headline
        head = [h for h in head if not h.startswith(("<title>", '<meta property="og:title"'))]
    body = []
    for number, paragraph in enumerate(report.paragraphs):
        body.append(f"<p>{e(paragraph)}</p>")
        if number == 0:
            body.append('<p><strong>BACA JUGA:</strong> <a href="/daerah/jembatan">Jembatan '
                        'gantung baru di Cilacap diresmikan</a></p>')
        if number == 1:
            body.append('<div class="ads"><span>ADVERTISEMENT</span><p>Pasang iklan di sini, '
                        'hubungi bagian pemasaran.</p></div>')
            body.append('<div class="baca-juga"><p>BACA JUGA: <a href="/ekonomi/cabai">Harga '
                        'cabai rawit turun di pasar tradisional Purwokerto</a></p></div>')
        if number == 2:
            body.append("<p class='scroll'>SCROLL TO CONTINUE WITH CONTENT</p>")
    dateline = (f'<div class="meta"><span class="author">Penulis: {e(report.author)}</span>'
                f'<time datetime="{report.published}">{report.published}</time></div>'
                if report.published else
                f'<div class="meta"><span class="author">Penulis: {e(report.author)}</span></div>')
    return f"""<!DOCTYPE html>
<html lang="id"{' amp' if amp else ''}>
<head>
{chr(10).join(head)}
</head>
<body>
<header>
  <a class="logo" href="/">{PUBLISHER}</a>
  <nav><ul><li><a href="/">Beranda</a></li><li><a href="/ekonomi">Ekonomi Bisnis</a></li>
  <li><a href="/olahraga">Olahraga Daerah</a></li><li><a href="/indeks">Indeks Berita</a></li></ul></nav>
  <div class="ads top"><span>ADVERTISEMENT</span> <p>Pasang iklan di sini, hubungi bagian pemasaran.</p></div>
</header>
<main>
<article>
  <h1>{e(report.title)}</h1>
  {dateline}
  <div class="share"><a href="#fb">Bagikan ke Facebook</a> <a href="#wa">Bagikan ke WhatsApp</a>
  <button>Salin tautan</button></div>
  <div class="article-body">
  {chr(10).join(body)}
  </div>
  <div class="tags">Tag: <a href="/tag/sampah">sampah</a> <a href="/tag/pariwisata">pariwisata</a></div>
</article>
<section class="related"><h2>Berita Terkait</h2><ul>
  <li><a href="/wisata/layang">Festival layang-layang digelar di pantai selatan</a></li>
  <li><a href="/daerah/jembatan">Jembatan gantung baru di Cilacap diresmikan</a></li>
</ul></section>
<section class="comments" id="komentar"><h3>Komentar (2)</h3>
  <div class="comment"><b>warga_purwokerto</b><p>Semoga Banyumas cepat bersih seperti Kediri.</p></div>
  <div class="comment"><b>anak_kediri</b><p>Bank sampah di kampung kami memang ramai tiap Minggu pagi.</p></div>
</section>
</main>
<footer><a href="/redaksi">Redaksi</a> | <a href="/pedoman">Pedoman Media Siber</a>
  <p>&copy; 2026 {PUBLISHER}. Hak cipta dilindungi undang-undang.</p></footer>
</body>
</html>
"""


def rss_feed(base: str, reports: tuple[Report, ...], dates: dict[str, str]) -> str:
    items = "".join(
        f"<item><title>{html.escape(r.title)}</title><link>{base}{r.path}?utm_source=rss"
        f"&amp;utm_medium=feed</link><guid>{base}{r.path}</guid>"
        f"<pubDate>{dates[r.path]}</pubDate></item>"
        for r in reports)
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>{PUBLISHER} - Daerah</title><link>{base}/</link>"
            f"<description>Berita daerah</description>{items}</channel></rss>")


def atom_feed(base: str, reports: tuple[Report, ...], dates: dict[str, str]) -> str:
    entries = "".join(
        f'<entry><title>{html.escape(r.title)}</title><link href="{base}/amp{r.path}"/>'
        f"<id>{base}{r.path}</id><updated>{dates[r.path]}</updated></entry>"
        for r in reports)
    return (f'<?xml version="1.0" encoding="utf-8"?>'
            f'<feed xmlns="http://www.w3.org/2005/Atom"><title>{PUBLISHER}</title>'
            f'<id>{base}/</id><updated>2026-02-03T10:00:00Z</updated>{entries}</feed>')


#: Publication dates the feeds give (RSS: RFC 822; Atom: RFC 3339).
RSS_DATES = {BANYUMAS.path: "Tue, 13 Jan 2026 08:30:00 +0700",
             LOMBOK_TIMUR.path: "Fri, 09 Jan 2026 11:00:00 +0700",
             PONTIANAK.path: "Tue, 03 Feb 2026 14:00:00 +0700"}
ATOM_DATES = {BANYUMAS.path: "2026-01-13T01:30:00Z", LOMBOK_TIMUR.path: "2026-01-09T04:00:00Z",
              PONTIANAK.path: "2026-02-03T07:00:00Z"}

PDF = (b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
BIG_PAGE_BYTES = 20 * 1024 * 1024


class NewsSite:
    """The site, served by a thread on a port of 127.0.0.1 (a free one unless ``port``):
    ``with NewsSite() as site: ...``.

    ``slow_seconds`` is how long the slow page waits before answering.
    """

    def __init__(self, *, slow_seconds: float = 1.5, port: int = 0) -> None:
        self.slow_seconds = slow_seconds
        self.requests: list[tuple[float, str, str]] = []  # (time, path, User-Agent)
        self.busy_left = 1  # /sibuk answers 503 this many times, then 200
        self._lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                with site._lock:
                    site.requests.append((time.monotonic(), self.path,
                                          self.headers.get("User-Agent", "")))
                site.route(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                        daemon=True)

    def __enter__(self) -> "NewsSite":
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def url(self, path: str) -> str:
        return self.base + path

    def paths(self) -> list[str]:
        """The paths asked for, robots.txt left out."""
        return [path for _, path, _ in self.requests if path != "/robots.txt"]

    # ------------------------------------------------------------------ answers

    def route(self, req: BaseHTTPRequestHandler) -> None:
        path = req.path.split("?", 1)[0]
        for report in REPORTS:
            if path == report.path:
                return _send(req, 200, "text/html; charset=utf-8",
                             news_page(report, self.base).encode("utf-8"))
            if path == "/amp" + report.path:
                return _send(req, 200, "text/html; charset=utf-8",
                             news_page(report, self.base, amp=True).encode("utf-8"))
        handler = ROUTES.get(path)
        if handler is None:
            return _send(req, 404, "text/html", b"<h1>Halaman tidak ditemukan</h1>")
        handler(self, req)


def _send(req: BaseHTTPRequestHandler, status: int, ctype: str, body: bytes,
          headers: dict[str, str] | None = None) -> None:
    req.send_response(status)
    req.send_header("Content-Type", ctype)
    req.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        req.send_header(name, value)
    req.end_headers()
    req.wfile.write(body)


def _redirect(location: str, status: int = 301) -> Callable[[NewsSite, BaseHTTPRequestHandler], None]:
    def answer(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
        target = location if "://" in location else site.base + location
        _send(req, status, "text/html", b"", {"Location": target})
    return answer


def _robots(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
    _send(req, 200, "text/plain", b"User-agent: *\nDisallow: /arsip-tertutup/\n")


def _busy(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
    with site._lock:
        busy = site.busy_left > 0
        site.busy_left -= 1
    if busy:
        return _send(req, 503, "text/html", b"<h1>Server sibuk</h1>", {"Retry-After": "1"})
    _send(req, 200, "text/html; charset=utf-8", news_page(PONTIANAK, site.base).encode())


def _slow(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
    time.sleep(site.slow_seconds)
    try:
        _send(req, 200, "text/html; charset=utf-8", news_page(BANYUMAS, site.base).encode())
    except OSError:  # the client gave up
        pass


def _big(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
    """20 MB of HTML, generated while it is sent (chunked: no length announced)."""
    req.send_response(200)
    req.send_header("Content-Type", "text/html; charset=utf-8")
    req.send_header("Transfer-Encoding", "chunked")
    req.end_headers()
    chunk = b"<p>" + b"Paragraf panjang tanpa akhir. " * 2000 + b"</p>\n"
    sent = 0
    try:
        while sent < BIG_PAGE_BYTES:
            req.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            sent += len(chunk)
        req.wfile.write(b"0\r\n\r\n")
    except OSError:  # the client stopped reading at its limit
        pass


def _pdf(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
    _send(req, 200, "application/pdf", PDF)


def _cp1252(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
    page = news_page(PONTIANAK, site.base, charset="windows-1252")
    _send(req, 200, "text/html", page.encode("cp1252"))


def _feed(kind: str) -> Callable[[NewsSite, BaseHTTPRequestHandler], None]:
    def answer(site: NewsSite, req: BaseHTTPRequestHandler) -> None:
        if kind == "rss":
            body, ctype = rss_feed(site.base, REPORTS, RSS_DATES), "application/rss+xml"
        else:
            body, ctype = atom_feed(site.base, REPORTS, ATOM_DATES), "application/atom+xml"
        _send(req, 200, ctype, body.encode("utf-8"))
    return answer


ROUTES: dict[str, Callable[[NewsSite, BaseHTTPRequestHandler], None]] = {
    "/robots.txt": _robots,
    "/rss.xml": _feed("rss"),
    "/atom.xml": _feed("atom"),
    "/lama/banyumas": _redirect("/pindah/banyumas", 301),
    "/pindah/banyumas": _redirect(BANYUMAS.path, 302),
    "/ke-ftp": _redirect("ftp://127.0.0.1/berkas/laporan.txt", 302),
    "/sibuk": _busy,
    "/lambat": _slow,
    "/besar": _big,
    "/laporan/anggaran-2026.pdf": _pdf,
    "/lama-1252": _cp1252,
    "/arsip-tertutup/pemkab-banyumas-2019": _redirect(BANYUMAS.path, 301),
}


if __name__ == "__main__":  # python tests/helpers/newssite.py --port 8000: try kgraph fetch
    import argparse

    parser = argparse.ArgumentParser(description="Serve the test news site on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8000)
    with NewsSite(port=parser.parse_args().port) as running:
        print(f"serving {running.base}/ (Ctrl-C stops)", flush=True)
        try:
            running._thread.join()
        except KeyboardInterrupt:
            pass
