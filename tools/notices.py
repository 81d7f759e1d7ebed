"""Sections of ``kgraph/data/LICENSES.md``, one per generated data file.

Each build script under ``tools/`` owns one section of the file, between two HTML comments
(invisible once rendered)::

    <!-- begin: regions.csv -->
    ...
    <!-- end: regions.csv -->

and replaces only that section, so that rebuilding one data file keeps the other notices.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path


def _markers(key: str) -> tuple[str, str]:
    return f"<!-- begin: {key} -->\n", f"<!-- end: {key} -->\n"


def section(text: str, key: str) -> str | None:
    """The body of section ``key`` in ``text``, or ``None`` when there is none."""
    begin, end = _markers(key)
    m = re.search(re.escape(begin) + r"(.*?)" + re.escape(end), text, re.S)
    return m.group(1) if m else None


def check_or_write(outputs: dict[Path, str], check: bool) -> int | None:
    """With ``check``: say whether the files hold ``outputs`` (the exit status, 1 when one
    is out of date); else write them (``None``: the caller goes on)."""
    if check:
        stale = [str(p) for p, text in outputs.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != text]
        if stale:
            print("out of date: " + ", ".join(stale), file=sys.stderr)
            return 1
        print("up to date", file=sys.stderr)
        return 0
    for path, text in outputs.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    return None


def replace_section(text: str, key: str, body: str) -> str:
    """``text`` with section ``key`` set to ``body`` (appended when missing)."""
    begin, end = _markers(key)
    body = body if body.endswith("\n") else body + "\n"
    block = begin + body + end
    pattern = re.escape(begin) + r".*?" + re.escape(end)
    if re.search(pattern, text, re.S):
        return re.sub(pattern, lambda _m: block, text, count=1, flags=re.S)
    if text and not text.endswith("\n\n"):
        text = text.rstrip("\n") + "\n\n"
    return text + block
