"""Gazetteer of Indonesian provinces and kabupaten/kota, and resolution of government mentions.

The data is ``kgraph/data/regions.csv`` (built by ``tools/build_regions.py``): 38 provinces and 514 kabupaten/kota
with Kemendagri codes ("35" = Provinsi Jawa Timur, "35.73" = Kota Malang, "35.07" = Kabupaten Malang).

>>> gaz = Gazetteer.default()
>>> gaz.resolve_government("Pemerintah Kota (Pemkot) Malang").region.code
'35.73'
>>> gaz.resolve_government("DPRD Jatim").region.name
'Provinsi Jawa Timur'
>>> gaz.resolve_government("Malang").region is None     # Kota or Kabupaten Malang: ambiguous
True
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "BODY_COUNCIL",
    "BODY_GOVERNMENT",
    "DATA_PATH",
    "Gazetteer",
    "GovernmentMention",
    "Region",
    "REGION_TYPES",
    "load_regions",
    "normalize",
    "slug",
]

DATA_PATH = Path(__file__).parent.parent / "data" / "regions.csv"  # in kgraph/data/

BODY_GOVERNMENT = "pemerintah"
BODY_COUNCIL = "dprd"

TYPE_PROVINCE = "provinsi"
TYPE_REGENCY = "kabupaten"
TYPE_CITY = "kota"
TYPE_ADMIN_CITY = "kota administrasi"
REGION_TYPES = (TYPE_PROVINCE, TYPE_REGENCY, TYPE_CITY, TYPE_ADMIN_CITY)

# Type filter -> region types it accepts ("kota" also means Jakarta's kota administrasi).
_TYPE_FILTER = {
    TYPE_PROVINCE: frozenset([TYPE_PROVINCE]),
    TYPE_REGENCY: frozenset([TYPE_REGENCY]),
    TYPE_CITY: frozenset([TYPE_CITY, TYPE_ADMIN_CITY]),
    TYPE_ADMIN_CITY: frozenset([TYPE_ADMIN_CITY]),
}

# Longest first, so that "Kabupaten Administrasi " wins over "Kabupaten ".
_NAME_PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ", "Provinsi ")


# --- text helpers ------------------------------------------------------------------------------------------------

_APOSTROPHES = re.compile("['\u2019\u2018`\u02bc]")
_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def normalize(s: str) -> str:
    """Lowercase, strip accents, drop apostrophes, turn hyphens/punctuation into spaces and collapse spaces.

    >>> normalize("  Kab. Toli-Toli ")
    'kab toli toli'
    """
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = _APOSTROPHES.sub("", s)
    return " ".join(_NON_ALNUM.sub(" ", s).split())


def slug(s: str) -> str:
    """URL/IRI-safe slug: ``slug("Kota Malang") == "kota-malang"``."""
    return normalize(s).replace(" ", "-")


# Abbreviated words inside names, written out before lookup ("Kep. Seribu" -> "kepulauan seribu").
_WORD_EXPANSIONS = {"kep": "kepulauan"}


def _key(s: str) -> str:
    return " ".join(_WORD_EXPANSIONS.get(w, w) for w in normalize(s).split())


def _compact(key: str) -> str:
    """The key without spaces: "Palangka Raya" = "Palangkaraya", "Toli-Toli" = "Tolitoli", "Kota Baru" = "Kotabaru"."""
    return key.replace(" ", "")


# --- data model --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Region:
    code: str                  # "35.73"
    type: str                  # "provinsi" | "kabupaten" | "kota" | "kota administrasi"
    name: str                  # "Kota Malang"
    province_code: str | None  # "35" (None for provinces)
    province: str | None       # "Provinsi Jawa Timur" (None for provinces)
    latitude: float | None
    longitude: float | None
    aliases: tuple[str, ...] = ()

    @property
    def short_name(self) -> str:
        """The name without its type prefix: "Malang", "Jawa Timur", "Jakarta Pusat", "Kepulauan Seribu"."""
        for prefix in _NAME_PREFIXES:
            if self.name.startswith(prefix):
                return self.name[len(prefix):]
        return self.name

    @property
    def is_province(self) -> bool:
        return self.type == TYPE_PROVINCE


@dataclass(frozen=True)
class GovernmentMention:
    text: str                          # the mention as given, stripped
    body: str                          # BODY_GOVERNMENT or BODY_COUNCIL
    region: Region | None              # None when unresolved
    candidates: tuple[Region, ...] = ()  # every region that matched; (region,) when resolved, () when unknown


def _opt_float(value: str | None) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def load_regions(path: str | Path = DATA_PATH) -> list[Region]:
    """Read a regions CSV (``code,type,name,province_code,province,latitude,longitude,aliases``)."""
    with open(path, encoding="utf-8", newline="") as f:
        return [
            Region(
                code=row["code"].strip(),
                type=row["type"].strip(),
                name=row["name"].strip(),
                province_code=row["province_code"].strip() or None,
                province=row["province"].strip() or None,
                latitude=_opt_float(row["latitude"]),
                longitude=_opt_float(row["longitude"]),
                aliases=tuple(a.strip() for a in (row["aliases"] or "").split("|") if a.strip()),
            )
            for row in csv.DictReader(f)
        ]


# --- mention grammar ---------------------------------------------------------------------------------------------
# Mentions are matched on normalized words. A "level" word fixes the region type; filler words are skipped.

_LEVEL_PHRASES: list[tuple[tuple[str, ...], str]] = sorted(
    [
        # kota
        (("pemerintah", "kota"), TYPE_CITY),
        (("pemerintah", "kotamadya"), TYPE_CITY),
        (("pemkot",), TYPE_CITY),
        (("pemko",), TYPE_CITY),
        (("kota",), TYPE_CITY),
        (("kotamadya",), TYPE_CITY),
        (("kodya",), TYPE_CITY),
        (("wali", "kota"), TYPE_CITY),
        (("walikota",), TYPE_CITY),
        (("wako",), TYPE_CITY),
        # kabupaten
        (("pemerintah", "kabupaten"), TYPE_REGENCY),
        (("pemkab",), TYPE_REGENCY),
        (("kabupaten",), TYPE_REGENCY),
        (("kab",), TYPE_REGENCY),
        (("bupati",), TYPE_REGENCY),
        # provinsi
        (("pemerintah", "provinsi"), TYPE_PROVINCE),
        (("pemerintah", "propinsi"), TYPE_PROVINCE),
        (("pemprov",), TYPE_PROVINCE),
        (("pemprop",), TYPE_PROVINCE),
        (("provinsi",), TYPE_PROVINCE),
        (("propinsi",), TYPE_PROVINCE),
        (("prov",), TYPE_PROVINCE),
        (("prop",), TYPE_PROVINCE),
        (("gubernur",), TYPE_PROVINCE),
    ],
    key=lambda item: -len(item[0]),
)

# Words before the level word that say nothing about the type: "Pemda Provinsi X", "Wakil Bupati X",
# "Pj Wali Kota X" (penjabat), "Plt Bupati X", "Sekda Kota X".
_LEADING_FILLER: list[tuple[str, ...]] = [
    ("pemerintah", "daerah"),
    ("pemerintah",),
    ("pemda",),
    ("sekretariat", "daerah"),
    ("sekda",),
    ("setda",),
    ("wakil",),
    ("penjabat",),
    ("pj",),
    ("plt",),
    ("plh",),
]
# Words right after a level word: "Kota Administrasi Jakarta Pusat", "Kota Adm. Jakarta Utara".
_AFTER_LEVEL_FILLER = frozenset(["administrasi", "adm"])
# A name may itself start with "Daerah": "Pemerintah Daerah Istimewa Yogyakarta" is not "Pemda Istimewa ...".
_DAERAH_NAMES = frozenset(["istimewa", "khusus"])

# Council words. "DPRK" is the kabupaten/kota council in Aceh, "DPRA" Aceh's provincial one.
_COUNCILS = {"dprd": None, "dprk": (TYPE_REGENCY, TYPE_CITY), "dpra": (TYPE_PROVINCE,)}


def _starts_with(words: list[str], phrase: tuple[str, ...]) -> bool:
    return tuple(words[: len(phrase)]) == phrase


# --- the gazetteer -----------------------------------------------------------------------------------------------


class Gazetteer:
    """Lookup of regions by code, by name (short or full) and by alias."""

    def __init__(self, regions: Iterable[Region]):
        self._regions: list[Region] = sorted(regions, key=lambda r: [int(p) for p in r.code.split(".")])
        self._by_code: dict[str, Region] = {}
        self._index: dict[str, list[Region]] = {}
        for region in self._regions:
            if region.code in self._by_code:
                raise ValueError(f"duplicate region code {region.code}")
            if region.type not in REGION_TYPES:
                raise ValueError(f"unknown region type {region.type!r} for {region.code}")
            self._by_code[region.code] = region
            for name in self._names(region):
                key = _key(name)
                if key:
                    self._add(key, region)
                    self._add(_compact(key), region)

    @staticmethod
    def _names(region: Region) -> list[str]:
        short = region.short_name
        names = [region.name, short, *region.aliases]
        if region.type == TYPE_ADMIN_CITY:
            names.append(f"Kota {short}")
        elif region.type == TYPE_REGENCY:
            names.append(f"Kabupaten {short}")
        elif region.type == TYPE_PROVINCE:
            names.append(f"Provinsi {short}")
        return names

    def _add(self, key: str, region: Region) -> None:
        bucket = self._index.setdefault(key, [])
        if region not in bucket:
            bucket.append(region)

    @classmethod
    def default(cls) -> Gazetteer:
        """The gazetteer of ``kgraph/data/regions.csv``, loaded once."""
        return _default_gazetteer()

    @classmethod
    def from_csv(cls, path: str | Path) -> Gazetteer:
        return cls(load_regions(path))

    def __len__(self) -> int:
        return len(self._regions)

    def __iter__(self) -> Iterator[Region]:
        return iter(self._regions)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def by_code(self, code: str) -> Region | None:
        return self._by_code.get(code.strip())

    @property
    def provinces(self) -> list[Region]:
        return [r for r in self._regions if r.is_province]

    def find(self, name: str, *, type: str | None = None) -> list[Region]:
        """Regions whose short name, full name or alias matches ``name``, sorted by code.

        Matching ignores case, accents, punctuation, hyphens and spaces ("Palangkaraya" = "Palangka Raya"). ``type``
        keeps only "provinsi", "kabupaten" or "kota" ("kota" includes "kota administrasi").
        """
        allowed = None
        if type is not None:
            try:
                allowed = _TYPE_FILTER[normalize(type)]
            except KeyError:
                raise ValueError(f"unknown region type {type!r}; expected one of {REGION_TYPES}") from None
        return self._lookup(_key(name), allowed)

    def _lookup(self, key: str, allowed: Iterable[str] | None = None) -> list[Region]:
        if not key:
            return []
        found = {r.code: r for r in self._index.get(key, []) + self._index.get(_compact(key), [])}
        regions = [r for r in found.values() if allowed is None or r.type in allowed]
        return sorted(regions, key=lambda r: [int(p) for p in r.code.split(".")])

    # -- government mentions --

    def resolve_government(self, mention: str) -> GovernmentMention:
        """Resolve "Pemkot Malang", "Pemprov Jatim", "DPRD Kabupaten Serang", "Pemda Sleman", ... to a region.

        The region is None unless exactly one region fits; ``candidates`` then lists every region that fitted
        (empty when none did).
        """
        text = mention.strip()
        # "Pemerintah Kota (Pemkot) Malang": a parenthesised part only repeats or qualifies the mention.
        words = normalize(re.sub(r"\([^()]*\)|\[[^\[\]]*\]", " ", text)).split()

        body = BODY_GOVERNMENT
        allowed: tuple[str, ...] | None = None
        council_at = next((i for i, w in enumerate(words) if w in _COUNCILS), None)
        if council_at is not None:
            body = BODY_COUNCIL
            allowed = _COUNCILS[words[council_at]]
            words = words[council_at + 1:]  # "Komisi I DPRD Kota X" -> "Kota X"

        level, level_words, words = self._strip_level(words)
        if level is not None:
            allowed = (TYPE_REGENCY,) if level == TYPE_REGENCY else tuple(_TYPE_FILTER[level])
        candidates = self._match_name(words, allowed)
        # "Kota Baru" usually means Kabupaten Kotabaru: when no kota is called "Baru", read the words as a name.
        if not candidates and level_words == ("kota",) and words:
            candidates = self._match_name(["kota", *words], None)
        region = candidates[0] if len(candidates) == 1 else None
        return GovernmentMention(text=text, body=body, region=region, candidates=tuple(candidates))

    @staticmethod
    def _strip_level(words: list[str]) -> tuple[str | None, tuple[str, ...], list[str]]:
        """Split leading filler and level words off a mention: (level, the level words, the remaining words)."""
        changed = True
        while changed and words:
            changed = False
            for phrase in _LEADING_FILLER:
                if _starts_with(words, phrase):
                    if phrase == ("pemerintah", "daerah") and len(words) > 2 and words[2] in _DAERAH_NAMES:
                        phrase = ("pemerintah",)
                    words = words[len(phrase):]
                    changed = True
                    break
            if changed:
                continue
            for phrase, level in _LEVEL_PHRASES:
                # Only when a name follows: "Kota" alone is not a mention of a kota.
                if _starts_with(words, phrase) and len(words) > len(phrase):
                    rest = words[len(phrase):]
                    while len(rest) > 1 and rest[0] in _AFTER_LEVEL_FILLER:
                        rest = rest[1:]
                    return level, phrase, rest
        return None, (), words

    def _match_name(self, words: list[str], allowed: Iterable[str] | None) -> list[Region]:
        """Regions named by ``words``; a trailing province ("Malang Jawa Timur", "Bandung, Jabar") narrows them."""
        allowed = tuple(allowed) if allowed is not None else None
        found = self._lookup(_key(" ".join(words)), allowed)
        if found:
            return found
        for cut in range(len(words) - 1, 0, -1):
            provinces = self._lookup(_key(" ".join(words[cut:])), (TYPE_PROVINCE,))
            if len(provinces) != 1:
                continue
            inside = [r for r in self._lookup(_key(" ".join(words[:cut])), allowed)
                      if r.province_code == provinces[0].code or r == provinces[0]]
            if inside:
                return inside
        return []


@functools.lru_cache(maxsize=1)
def _default_gazetteer() -> Gazetteer:
    return Gazetteer(load_regions(DATA_PATH))
