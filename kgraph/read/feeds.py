"""RSS and Atom feeds → the reports they list (feedparser)."""
from __future__ import annotations

import datetime as dt
import email.utils
import io
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from ..errors import ArticleError

@dataclass(frozen=True)
class FeedEntry:
    """One report a feed lists: its link, and the title and date the feed gives it."""

    url: str
    title: str | None = None
    published: dt.date | None = None


def read_feed(data: bytes, *, url: str, media_type: str = "") -> list[FeedEntry]:
    """The entries of the RSS or Atom feed ``data`` fetched from ``url`` (relative links
    made absolute). Raises :class:`ArticleError` when it is not a feed."""
    import feedparser

    parsed = feedparser.parse(io.BytesIO(data), response_headers={"content-location": url})
    if not parsed.get("version") and not parsed.entries:
        raise ArticleError("not an RSS or Atom feed" + (f" ({media_type})" if media_type else ""),
                           file=url)
    entries = []
    for entry in parsed.entries:
        link = urljoin(url, (entry.get("link") or "").strip())
        if urlsplit(link).scheme not in ("http", "https"):
            continue
        title = " ".join((entry.get("title") or "").split()) or None
        entries.append(FeedEntry(url=link, title=title, published=_entry_date(entry)))
    return entries


def _entry_date(entry) -> dt.date | None:  # type: ignore[no-untyped-def]
    """The day an entry was published, in the feed's own time zone (a report of 06:00
    in Jakarta is of that day, not of the day before in UTC)."""
    for key in ("published", "updated", "created"):
        raw = (entry.get(key) or "").strip()
        if not raw:
            continue
        try:
            return email.utils.parsedate_to_datetime(raw).date()
        except (TypeError, ValueError, IndexError):
            pass
        try:
            return dt.datetime.fromisoformat(raw.replace("Z", "+00:00")).date()
        except ValueError:
            pass
        parsed = entry.get(f"{key}_parsed")
        if parsed:
            return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
    return None
