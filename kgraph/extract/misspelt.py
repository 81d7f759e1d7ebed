"""Region names misspelt by one letter ("DPRD Kota Palagka Raya", "DPRD Paseruan").

Regional news is typed fast: a name one letter off its gazetteer spelling is still the
region the reader understands. It is read only right after a word that announces a
region's name (Kota, Kabupaten, Pemkot, DPRD, ...; not a head's title), only for names of
six letters or more, only when exactly one name of the gazetteer (with the same first
letter) is one letter away, and only when the report names that region or its province
correctly elsewhere.
"""
from __future__ import annotations

import functools

from ..resolve.gazetteer import Region, _compact, _key

# Words right before a region's name: where a misspelt name is looked for.
# (Not a head's title: "Bupati Marlina" is a person.)
_ANNOUNCES_REGION = frozenset(
    "Pemkot Pemkab Pemko Pemprov Kota kota Kabupaten kabupaten Kab. Provinsi DPRD DPRK".split())
_MIN_LETTERS = 6


class MisspeltNames:
    """Finds names one letter away from a key of ``index`` (the gazetteer's name index)."""

    def __init__(self, index: dict[str, list[Region]]) -> None:
        self._index = index

    @functools.cached_property
    def _near(self) -> dict[str, set[str]]:
        """Names (without spaces) by themselves and by each of their one-letter deletions:
        two names meet here when one letter apart."""
        near: dict[str, set[str]] = {}
        for key in self._index:
            if key.split(" ", 1)[0] in ("provinsi", "kabupaten", "kota"):
                continue
            name = _compact(key)
            if len(name) < _MIN_LETTERS or not name.isalpha():
                continue
            for variant in {name} | _deletions(name):
                near.setdefault(variant, set()).add(name)
        return near

    def find(self, text: str, tokens: list[tuple[int, int, str]], i: int
             ) -> tuple[int, tuple[Region, ...]] | None:
        """The misspelt name starting at capitalised token ``i`` of ``text``, as (how many
        tokens it takes, its regions), or ``None``."""
        start = tokens[i][0]
        before = text[max(0, start - 12):start]
        words = before.split()
        if not before[-1:].isspace() or not words or words[-1] not in _ANNOUNCES_REGION:
            return None
        for size in (2, 1):
            if i + size > len(tokens) or (size == 2 and
                                          text[tokens[i][1]:tokens[i + 1][0]] != " "):
                continue
            name = "".join(_key(t[2]).replace(" ", "") for t in tokens[i:i + size])
            if len(name) < _MIN_LETTERS or not name.isalpha():
                continue
            found = set(self._near.get(name, ()))
            for variant in _deletions(name):
                found |= self._near.get(variant, set())
            found = {f for f in found if f[0] == name[0] and _one_letter_apart(f, name)}
            if len(found) == 1:
                regions = self._index.get(found.pop()) or ()
                if regions:
                    return size, tuple(regions)
        return None


def supported(regions: tuple[Region, ...], named: set[str]) -> bool:
    """Whether the report names one of ``regions`` or its province correctly elsewhere
    (``named``: the codes of the regions it names): a reader understands "Palagka Raya"
    in a report about Kalimantan Tengah, not in one that never names it."""
    return any(r.code in named or (r.province_code or "") in named for r in regions)


def _one_letter_apart(a: str, b: str) -> bool:
    """One letter added, dropped or changed (not two letters swapped or changed)."""
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b)) == 1
    short, long = sorted((a, b), key=len)
    return len(long) - len(short) == 1 and any(
        long[:k] + long[k + 1:] == short for k in range(len(long)))


def _deletions(name: str) -> set[str]:
    return {name[:k] + name[k + 1:] for k in range(len(name))}


__all__ = ["MisspeltNames", "supported"]
