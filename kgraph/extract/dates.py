"""Dates as Indonesian news writes them.

"Senin (12/1/2026)", "Rabu (9/1)", "Jumat (28/4/23)", "Selasa 10/12/2019",
"Senin, 4 Agustus 2025", "Jumat,(4/7/2025)", "Selasa (8/10-2024)", "Senin (12 Januari 2026)",
"pada 19 Maret 2025". A date without a year takes the year of the article's ``published``
date, or stays unknown: the year is never guessed.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "januari": 1, "jan": 1, "februari": 2, "pebruari": 2, "feb": 2, "maret": 3, "mar": 3,
    "april": 4, "apr": 4, "mei": 5, "juni": 6, "jun": 6, "juli": 7, "jul": 7, "agustus": 8,
    "agu": 8, "agt": 8, "ags": 8, "agust": 8, "september": 9, "sep": 9, "sept": 9,
    "oktober": 10, "okt": 10, "november": 11, "nov": 11, "nopember": 11, "desember": 12,
    "des": 12,
}
_DAY = r"(?:Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Jum’at|Sabtu|Minggu|Ahad)"
_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_NUMERIC_RE = re.compile(
    rf"(?P<day>{_DAY})?\s*,?\s*(?P<open>\()?\s*(?P<d>\d{{1,2}})\s*(?P<sep>[/.-])\s*(?P<m>\d{{1,2}})"
    rf"(?:\s*[/.-]\s*(?P<y>\d{{4}}|\d{{2}}))?(?!\d)\s*(?P<close>\))?",
    re.I,
)
_LONG_RE = re.compile(
    rf"(?P<day>{_DAY})?\s*,?\s*(?P<open>\()?\s*(?:tanggal\s+)?(?P<d>\d{{1,2}})\s+(?P<m>{_MONTH})"
    rf"(?:\s+(?P<y>\d{{4}}))?\b\s*\)?",
    re.I,
)
_ON_RE = re.compile(r"(?:pada|tanggal|sejak)\s*$", re.I)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    date: dt.date | None  # None when the year is unknown
    has_year: bool


def find_dates(text: str, *, published: dt.date | None = None, offset: int = 0) -> list[DateMatch]:
    """Dates in ``text``, in order; offsets are shifted by ``offset``."""
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []
    for m in _LONG_RE.finditer(text):
        if not m.group("y") and not m.group("day") and not _ON_RE.search(text[:m.start()]):
            continue
        month = MONTHS[m.group("m").rstrip(".").lower()]
        _add(found, taken, m, text, int(m.group("d")), month, m.group("y"), published, offset)
    for m in _NUMERIC_RE.finditer(text):
        if any(s <= m.start("d") < e for s, e in taken):
            continue
        if not m.group("day") and not m.group("open"):
            continue
        if m.group("sep") != "/" and not m.group("day"):
            continue
        _add(found, taken, m, text, int(m.group("d")), int(m.group("m")), m.group("y"),
             published, offset)
    found.sort(key=lambda d: d.start)
    return found


def _add(found, taken, m, text, day, month, year_text, published, offset) -> None:  # type: ignore[no-untyped-def]
    start = m.start("day") if m.group("day") else m.start("d")
    end = m.end()
    while end > start and text[end - 1].isspace():
        end -= 1
    if year_text:
        year = int(year_text)
        if year < 100:
            year += 2000
        has_year = True
    elif published is not None:
        year, has_year = published.year, False
    else:
        year, has_year = 0, False
    date = None
    if year:
        try:
            date = dt.date(year, month, day)
        except ValueError:
            return
        if not has_year and published is not None and (date - published).days > 60:
            # "Rabu (31/12)" in an article of 2 January: the visit was last year.
            try:
                date = date.replace(year=year - 1)
            except ValueError:
                return
        if not 1990 <= date.year <= 2100:
            return
    elif not (1 <= month <= 12 and 1 <= day <= 31):
        return
    found.append(DateMatch(offset + start, offset + end, text[start:end], date, has_year))
    taken.append((m.start(), m.end()))
