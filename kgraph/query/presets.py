"""The ready-made queries shipped in ``kgraph/query/queries/*.rq`` (``--preset``)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .checks import ParameterError
from .params import Param, declared_params

PRESET_DIR = Path(__file__).parent / "queries"


@dataclass(frozen=True)
class Preset:
    """A ready-made query shipped in ``kgraph/query/queries/NAME.rq``."""

    name: str
    description: str
    params: tuple[Param, ...]
    text: str
    path: Path


_DESCRIPTION_LINE = re.compile(r"^#\s*description:\s*(.*?)\s*$")


@lru_cache(maxsize=1)
def presets() -> dict[str, Preset]:
    """The ready-made queries, by name."""
    found = {}
    for path in sorted(PRESET_DIR.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        first = _DESCRIPTION_LINE.match(text.splitlines()[0]) if text else None
        found[path.stem] = Preset(path.stem, first.group(1) if first else "",
                                  declared_params(text), text, path)
    return found


def preset(name: str) -> Preset:
    """The preset called ``name``; raises :class:`ParameterError` when there is none."""
    try:
        return presets()[name]
    except KeyError:
        raise ParameterError(f"no preset called {name!r}; presets: "
                             f"{', '.join(presets())} (see kgraph query --list-presets)") from None
