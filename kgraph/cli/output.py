"""What every command does with its result: a library error turned into a click error
(exit 1, or 2 for bad usage), output written to standard output or atomically to a file,
the width of the terminal it goes to."""
from __future__ import annotations

import os
import sys

import click

from ..errors import KGraphError, UsageError

def _fail(exc: KGraphError) -> click.ClickException:
    """The click error for ``exc``: bad usage (exit 2) for a :class:`UsageError`, a value
    the user typed that names nothing or does not fit; else a failure (exit 1)."""
    if isinstance(exc, UsageError):
        return click.UsageError(str(exc))
    return click.ClickException(str(exc))



def _emit(chunks, output: str) -> None:  # type: ignore[no-untyped-def]
    """Write byte chunks to standard output (``-``) or atomically to a file."""
    from ..store.files import atomic_write

    if output != "-":
        try:
            atomic_write(output, chunks)
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write: {exc.strerror or exc}") from None
        return
    stream = sys.stdout.buffer
    try:
        for chunk in chunks:
            stream.write(chunk)
        stream.flush()
    except KGraphError as exc:  # raised while the chunks are made (a server failing)
        stream.flush()
        raise _fail(exc) from None
    except BrokenPipeError:  # `kgraph query ... | head`: the reader has enough
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(0)


def _terminal_width(output: str) -> int | None:
    """The width of the terminal standard output is, when that is where output goes."""
    if output != "-" or not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns
