"""A news web page → a raw kgraph article: its main text and metadata.

trafilatura finds the article's main text (menus, ads, share buttons, related lists,
comments and footers left out) and its metadata (title, author, site name, publication
date, which htmldate reads from the page's markup only: a date is never guessed from the
text around the article). The lines Indonesian news sites put between paragraphs ("BACA
JUGA: ...", "ADVERTISEMENT", "SCROLL TO CONTINUE WITH CONTENT") are dropped. The article's
URL is the page's canonical link (or ``og:url``), so an AMP or tracking-parameter twin of a
report is the same article. :func:`article_text` gives the text of a kgraph article file:
front matter (``url``, ``title``, ``published``, ``publisher``, ``author``, ``fetched``),
then the body, paragraphs separated by blank lines.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import logging
import re
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

import yaml

from ..errors import ArticleError

for _name in ("trafilatura", "htmldate", "courlan", "justext"):  # no library chatter on stderr
    logging.getLogger(_name).addHandler(logging.NullHandler())

#: Query parameters that only track where a reader came from (dropped from URLs).
TRACKING_PARAMS = re.compile(
    r"utm_\w+|fbclid|gclid|gbraid|wbraid|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|_gl"
    r"|ref_src|ref_url", re.I)
#: Lines of page furniture that news sites put between a report's paragraphs.
FURNITURE_LINES = (
    re.compile(r"(?:baca|lihat|simak)\s+(?:juga|pula)\b.{0,200}", re.I | re.S),
    re.compile(r"baca\s+selengkapnya\b.{0,200}", re.I | re.S),
    re.compile(r"advertisement|iklan|scroll to continue with content|"
               r"gulir(?: ke bawah)? untuk melanjutkan", re.I),
)
#: Elements of a page that are never the report (class or id names), pruned first.
FURNITURE_CLASSES = ("ads", "ad", "iklan", "advertisement", "baca-juga", "bacajuga", "share",
                     "social-share", "related", "terkait", "comments", "komentar")
_PRUNE = "//*[" + " or ".join(
    f"contains(concat(' ', normalize-space(@{attr}), ' '), ' {name} ')"
    for name in FURNITURE_CLASSES for attr in ("class", "id")) + "]"
#: Fewer characters of main text than this is not a report (a menu, a script-only page).
MIN_TEXT = 100
_META_CHARSET = re.compile(rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
#: Labels that browsers read as windows-1252 (the WHATWG Encoding Standard).
_AS_CP1252 = {"iso-8859-1", "iso8859-1", "latin1", "latin-1", "ascii", "us-ascii", "l1"}


@dataclass(frozen=True)
class PageHints:
    """What is known of a page besides its HTML: where it was fetched from (after
    redirects), the charset its server announced, and a feed entry's title and date,
    used when the page has none."""

    url: str | None = None
    charset: str | None = None
    title: str | None = None
    published: dt.date | None = None
    fetched: dt.datetime | None = None


@dataclass(frozen=True)
class WebArticle:
    """The article read from one page."""

    body: str
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    publisher: str | None = None
    author: str | None = None
    fetched: dt.datetime | None = None

    def text(self) -> str:
        """The article as a kgraph article file: front matter, then the body."""
        fields = {"url": self.url, "title": self.title, "published": self.published,
                  "publisher": self.publisher, "author": self.author,
                  "fetched": self.fetched.replace(microsecond=0) if self.fetched else None}
        head = yaml.safe_dump({k: v for k, v in fields.items() if v is not None},
                              allow_unicode=True, sort_keys=False, width=10**6)
        return f"---\n{head}---\n{self.body}\n"


def read_page(data: bytes | str, *, source: str, hints: PageHints | None = None) -> WebArticle:
    """The article of an HTML page. Raises :class:`ArticleError` naming ``source`` when the
    page has no article text."""
    from trafilatura import bare_extraction
    from trafilatura.utils import load_html

    hints = hints or PageHints()
    text = data if isinstance(data, str) else decode_html(data, hints.charset)
    tree = load_html(text) if text.strip() else None
    if tree is None:
        raise ArticleError("not an HTML page", file=source)
    url = canonical_url(tree, hints.url)
    for element in tree.xpath(_PRUNE):  # before metadata too: no "Berita Terkait" title
        element.drop_tree()
    found = bare_extraction(
        tree, url=url, with_metadata=True, include_comments=False, include_tables=False,
        include_images=False,
        date_extraction_params={"extensive_search": False, "original_date": True})
    body = _body(found.text if found is not None else "")
    if len(body) < MIN_TEXT:
        raise ArticleError("no article text found in the page"
                           + (f" (only {len(body)} characters)" if body else ""), file=source)
    return WebArticle(
        body=body, url=url, title=_clean(found.title) or hints.title,
        published=_date(found.date) or hints.published, publisher=_clean(found.sitename),
        author=_clean(found.author), fetched=hints.fetched)


def article_text(data: bytes, *, source: str) -> str:
    """A saved page as the text of a kgraph article file (the reader of ``.html`` files)."""
    return read_page(data, source=source).text()


# --------------------------------------------------------------------------- text


def _body(text: str) -> str:
    lines = (" ".join(line.split()) for line in text.splitlines())
    kept = [line for line in lines
            if line and not any(rx.fullmatch(line) for rx in FURNITURE_LINES)]
    return "\n\n".join(kept)


def _clean(value: str | None) -> str | None:
    value = " ".join((value or "").split())
    return value or None


def _date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value[:10]) if value else None
    except ValueError:
        return None


def decode_html(data: bytes, charset: str | None = None) -> str:
    """The text of an HTML page: by its byte order mark, the charset its server announced,
    its ``<meta charset>``, else UTF-8, else a guess (charset_normalizer)."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace")
    meta = _META_CHARSET.search(data[:4096])
    for label in (charset, meta.group(1).decode("ascii") if meta else None, "utf-8"):
        if not label:
            continue
        label = label.strip().lower()
        try:
            return data.decode("cp1252" if label in _AS_CP1252 else label)
        except (LookupError, UnicodeDecodeError):
            continue
    from trafilatura.utils import decode_file

    return decode_file(data)


# --------------------------------------------------------------------------- URLs


def is_url(text: str) -> bool:
    """Whether a command-line argument is a URL (``scheme://...``) rather than a path."""
    return bool(_URL_RE.match(text))


def canonical_url(tree, page_url: str | None) -> str | None:  # type: ignore[no-untyped-def]
    """The page's canonical URL (``<link rel=canonical>``, else ``og:url``), made absolute
    against ``page_url``; else ``page_url``. A canonical link to a site's home page from
    one of its articles (a common template mistake) is ignored. Normalised."""
    candidates = [el.get("href") for el in tree.iterfind(".//link[@href]")
                  if "canonical" in (el.get("rel") or "").lower().split()]
    candidates += [el.get("content") for el in tree.iterfind(".//meta[@content]")
                   if (el.get("property") or el.get("name") or "").lower() == "og:url"]
    for candidate in candidates:
        url = urljoin(page_url or "", (candidate or "").strip())
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            continue
        if parts.path.strip("/") == "" and page_url and urlsplit(page_url).path.strip("/"):
            continue
        return normalize_url(url)
    return normalize_url(page_url) if page_url else None


def normalize_url(url: str) -> str:
    """``url`` with a lower-case scheme and host, no default port, no fragment and no
    tracking parameters (``utm_*``, ``fbclid`` ...)."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port and (scheme, port) not in (("http", 80), ("https", 443)):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.netloc.rsplit('@', 1)[0]}@{host}"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if not TRACKING_PARAMS.fullmatch(k)]
    return urlunsplit((scheme, host, parts.path or "/", urlencode(query), ""))


_URL_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_AMP_QUERY = {("amp", ""), ("amp", "1"), ("amp", "true"), ("outputtype", "amp")}


def url_key(url: str) -> str:
    """What identifies a report's URL across its twins: the normalised URL without a
    ``www.``, ``m.``, ``mobile.`` or ``amp.`` host prefix, an ``/amp`` path segment at
    either end or an ``amp=1`` parameter. Only for recognising what was fetched before;
    never written as an article's URL."""
    parts = urlsplit(normalize_url(url))
    host = re.sub(r"^(?:www|m|mobile|amp)\.", "", parts.netloc)
    path = re.sub(r"^/amp(?=/)|/amp/?$", "", parts.path) or "/"
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
             if (k.lower(), v.lower()) not in _AMP_QUERY]
    return urlunsplit(("", host, path.rstrip("/") or "/", urlencode(query), ""))[2:]


def file_name(url: str) -> str:
    """A readable, stable file name for the article at ``url``: host, the last words of
    its path, and a hash of the whole URL (so that two URLs never share a name)."""
    parts = urlsplit(url)
    words = [w for w in parts.path.split("/") if re.search(r"[A-Za-z]", w)]
    slug = _slug(re.sub(r"\.(?:s?html?|php|aspx?)$", "", words[-1]) if words else "")
    host = _slug(parts.netloc.replace(":", "-")) or "page"
    digest = hashlib.sha1(url.encode("utf-8")).hexdigest()[:8]
    return f"{host}_{slug[:60].strip('-') or 'index'}_{digest}.txt"


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-.")
