"""Aligned text tables for reading (``kgraph query``, ``kgraph stats``).

Text in a cell comes from articles, so it may hold anything: control characters (an
escape sequence that retitles or clears the terminal, a bell, a bidi override) are
shown escaped (``\\x1b``), never sent to the terminal. A table given a ``width`` (the
terminal's) fits it: the widest columns are cut with ``…`` first, the narrow ones keep
their width.
"""
from __future__ import annotations

import re
from typing import Sequence

#: Control characters (C0, DEL, C1), line and paragraph separators, bidi controls.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r"}
#: Columns are cut to no less than this width while the others can give room ...
KEEP_WIDTH = 10
#: ... and never below this one, so a very narrow terminal overflows rather than shows nothing.
MIN_WIDTH = 4
GAP = "  "


def visible(text: str) -> str:
    """``text`` with its control characters written as escapes (``\\n``, ``\\x1b``,
    ``\\u202e``), so that printing it cannot act on the terminal."""
    def escape(m: re.Match[str]) -> str:
        c = m.group()
        return _NAMED.get(c) or (f"\\x{ord(c):02x}" if ord(c) < 0x100 else f"\\u{ord(c):04x}")
    return _CONTROL.sub(escape, text)


def cut(text: str, width: int) -> str:
    """``text`` cut to ``width`` characters, the last one ``…`` when something is cut."""
    if len(text) <= width:
        return text
    return text[:max(width - 1, 0)] + "…"


def fit(widths: Sequence[int], available: int, *, gap: int = len(GAP)) -> list[int]:
    """Column widths that fit ``available`` characters (gaps included). Each column gives
    up room in proportion to its width beyond :data:`KEEP_WIDTH`, so the widest are cut
    most and a date or a number stays whole; when that is not enough every column is
    cut to the same cap, not below :data:`MIN_WIDTH`."""
    widths = list(widths)
    room = available - gap * max(len(widths) - 1, 0)
    if sum(widths) <= room:
        return widths
    floors = [min(w, KEEP_WIDTH) for w in widths]
    spare = sum(widths) - sum(floors)
    if sum(floors) <= room and spare:
        share = room - sum(floors)
        out = [f + (w - f) * share // spare for w, f in zip(widths, floors)]
        for i in sorted(range(len(out)), key=lambda i: -widths[i]):  # rounding leftovers
            if sum(out) >= room:
                break
            if out[i] < widths[i]:
                out[i] += 1
        return out
    low, high = MIN_WIDTH, max(widths)
    while low < high:  # the largest cap whose table fits
        cap = (low + high + 1) // 2
        if sum(min(w, cap) for w in widths) <= room:
            low = cap
        else:
            high = cap - 1
    return [min(w, low) for w in widths]


def render(headers: Sequence[str], rows: Sequence[Sequence[str]], *,
           right: Sequence[bool] | None = None, width: int | None = None,
           cell_width: int | None = None) -> list[str]:
    """The lines of an aligned table: headers, a rule of ``-``, the rows. Cells are
    shown with :func:`visible`; ``right`` aligns columns to the right (numbers);
    ``cell_width`` cuts every cell longer than it, ``width`` fits the whole table."""
    head = [visible(h) for h in headers]
    body = [[visible(c) for c in row] for row in rows]
    if cell_width is not None:
        body = [[cut(c, cell_width) for c in row] for row in body]
    widths = [max([len(h)] + [len(r[i]) for r in body]) for i, h in enumerate(head)]
    if width is not None:
        widths = fit(widths, width)
    align = list(right) if right is not None else [False] * len(head)

    def line(values: Sequence[str]) -> str:
        cells = [cut(v, w).rjust(w) if r else cut(v, w).ljust(w)
                 for v, w, r in zip(values, widths, align)]
        return GAP.join(cells).rstrip()

    return [line(head), line(["-" * w for w in widths]), *(line(r) for r in body)]
