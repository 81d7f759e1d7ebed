"""Errors raised by kgraph's library functions.

Every error a user can cause is a :class:`KGraphError`; the CLI prints it as one line
(``file: field: message``) and exits 1, never with a traceback; for a :class:`UsageError`
(a value typed on the command line that names nothing or does not fit) it exits 2.
"""
from __future__ import annotations

import re

#: Characters that would break a one-line message or act on a terminal: C0 and C1
#: controls, DEL, and the Unicode line and paragraph separators.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def printable(text: str) -> str:
    """``text`` with its control characters escaped (``\\n``, ``\\t``, ``\\x1b`` ...), so
    that a file name in a message keeps it on one line and sends nothing to the terminal."""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


class KGraphError(Exception):
    """A failure a user can fix: bad input, a missing or unreadable store, ...

    ``file`` and ``field`` say where the problem is; ``hint`` says how to fix it.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        field: str | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.file = file
        self.field = field
        self.hint = hint

    def __str__(self) -> str:
        parts = [printable(p) for p in (self.file, self.field) if p]
        text = ": ".join([*parts, self.message])
        if self.hint:
            text += f" ({self.hint})"
        return text


class ArticleError(KGraphError):
    """An article file cannot be read or its annotations are invalid."""


class StoreError(KGraphError):
    """The store cannot be read, locked or written."""


class UsageError(KGraphError):
    """A value the user gave that names nothing or does not fit: an unknown preset,
    topic, format or file extension, a region name that matches no region or several,
    a parameter value of the wrong type. (The CLI exits 2 on it, as for bad usage.)"""


class KGraphWarning(UserWarning):
    """Something a user should know that did not stop the command (an index found
    damaged and rebuilt, ...). The CLI prints it as ``warning: ...``."""
