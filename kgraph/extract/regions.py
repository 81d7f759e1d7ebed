"""Finding mentions of regional governments and councils in text.

One pass over the capitalised words of the text looks up runs of up to six words in the
gazetteer's name index (names, aliases, "Kota X", "Kabupaten X", "Provinsi X"), built
once. The words just before a name decide what the mention is: a government ("Pemkot",
"Pemerintah Kabupaten", "Kota"), a council ("DPRD", "Komisi I DPRD"), an office acting for
its region ("Bappeda", "Dinas ... Kota"), an official ("Wali Kota", "Bupati", "Sekda"),
or a name on its own. Mentions inside the names of national agencies, universities and
companies ("BPK Perwakilan Provinsi Riau", "Universitas ... Yogyakarta") are blocked.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ..gazetteer import (
    BODY_COUNCIL, BODY_GOVERNMENT, Gazetteer, GovernmentMention, Region, _compact, _key,
)

KIND_GOV = "gov"          # Pemkot X, Pemerintah Kabupaten X, Kota X
KIND_COUNCIL = "council"  # DPRD X, Komisi I DPRD X
KIND_OFFICE = "office"    # Bappeda X, Dinas ... X, Setda X
KIND_ROLE = "role"        # Wali Kota X, Bupati X, Sekda X
KIND_BARE = "bare"        # X
STRONG_KINDS = frozenset([KIND_GOV, KIND_COUNCIL, KIND_OFFICE, KIND_ROLE])

_TOKEN_RE = re.compile(r"[A-Z][A-Za-z]*(?:[-'’][A-Za-z]+)*")
_MAX_WORDS = 6

# Before a name, read right to left: optional "(abbr)", a level word, a body word, an organ.
_PREFIX_RE = re.compile(
    r"(?:(?P<organ>(?:Komisi|Pansus|Fraksi)\s+[IVX0-9A-E]+\s+|(?:Bapemperda|Banggar|Bamus|"
    r"Badan\s+Kehormatan|Sekretariat|Setwan|Pimpinan|Rombongan)\s+)?"
    r"(?P<council>DPRD|DPRK|DPRA)\s+)?"
    r"(?P<level>(?:Pemerintah|Pemda)\s+(?:Kota|Kotamadya|Kabupaten|Provinsi|Propinsi|Daerah)"
    r"(?:\s+Administrasi)?|Pemkot|Pemko|Pemkab|Pemprov|Pemprop|Pemda|Kota(?:\s+Administrasi)?"
    r"|Kabupaten(?:\s+Administrasi)?|Kab\.|Provinsi|Propinsi|Prov\.|kota|kabupaten|provinsi"
    r"|Pemerintah)?"
    r"\s*(?:\([^()\n]{1,40}\)\s*)?$"
)
_OFFICE_RE = re.compile(
    r"(?:\b(?:Bappeda|Bapenda|Bappelitbangda|BPBD|BPKAD|BKPSDM|BKD|DLH|DPMPTSP|Diskominfo|"
    r"Disdukcapil|Dukcapil|Dinkes|Disdik|Dispar|Disparbud|Disperindag|Setda|Setkab|Setdaprov|"
    r"Setdakab|Setdakot|Sekretariat\s+Daerah|Inspektorat|Satpol\s+PP|Bagian\s+[A-Z][a-z]+"
    r"(?:\s+[A-Z][a-z]+)*|(?:Dinas|Badan|Kantor)\s+[A-Z][A-Za-z]+(?:\s+(?:dan\s+)?[A-Z][A-Za-z]+)*)"
    r"\s*(?:\([^()\n]{1,30}\)\s*)?)$"
)
_ROLE_RE = re.compile(
    r"(?:\b(?:(?:Pj\.?|Plt\.?|Plh\.?|Penjabat)\s+)?(?:Wakil\s+)?(?:Wali\s*[Kk]ota|Walikota|"
    r"Bupati|Gubernur)|\b(?:Wawali(?:kota)?|Wabup|Wagub|Wako|Sekda|Sekdakab|Sekdakot|Sekdaprov|"
    r"Sekprov|Sekretaris\s+Daerah(?:\s+Provinsi)?|Asisten\s+[IVX]+|Asisten(?:\s+(?:dan\s+)?"
    r"[A-Z][a-z]+)+|Kepala\s+[A-Z][A-Za-z]+(?:\s+(?:dan\s+)?[A-Z][A-Za-z]+)*|Kadis\s+\w+|"
    r"(?:Wakil\s+)?Ketua(?:\s+Komisi\s+[IVX0-9A-E]+|\s+Bapemperda|\s+Pansus\s+[IVX0-9]+)?"
    r"(?:\s+DPRD|\s+DPRK)?|Anggota(?:\s+Komisi\s+[IVX0-9A-E]+)?(?:\s+DPRD)?))"
    r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:(?:Setda|Setkab|Setdaprov|Pemkot|Pemkab|Pemprov|Pemko)\s+)?$"
)
# A region name inside the name of something that is not a regional government.
_BLOCKED_RE = re.compile(
    r"\b(?:BPK|BPKP|KPK|BPS|KPU|KPUD|Bawaslu|Perwakilan|Kanwil|Polda|Polres|Polresta|Polrestabes"
    r"|Kodim|Korem|Kodam|Kejati|Kejari|Kejaksaan|Pengadilan|PN|PA|Kemenag|Universitas|Institut|"
    r"Politeknik|Poltek|UIN|IAIN|STAIN|Unair|UGM|ITB|IPB|PT|CV|Bank|BPD|RSUD|RS|Bandara|"
    r"Pelabuhan|Stasiun|Terminal|Lapas|Rutan|Basarnas|BMKG|BPN|Kantah|Bulog|Pelindo|PLN|PDAM|"
    r"Perumda|Kantor|Gedung|Ruang|Aula|Pendopo|Pendapa|Rumah|Hotel|Alun|Masjid|Gereja|"
    r"Kecamatan|Kelurahan|Desa|Jalan|Jl|Festival|Piala|Liga|Persatuan|Asosiasi|APEKSI|APKASI|"
    r"APPSI|Forum|Rakernas|Rakerwil|Pekan|Porprov|Klub|Persib|Arema|Persebaya)\b[^,.;:\n]{0,40}$"
)


@dataclass(frozen=True)
class Mention:
    start: int            # offset of the whole mention (prefix included)
    end: int
    name_start: int       # offset of the region name itself
    text: str             # the mention as written, prefix included
    kind: str             # KIND_*
    body: str             # BODY_GOVERNMENT or BODY_COUNCIL
    candidates: tuple[Region, ...]
    blocked: bool = False
    role: str | None = None  # "Wali Kota", "Ketua Komisi I DPRD" for KIND_ROLE

    @property
    def strong(self) -> bool:
        return self.kind in STRONG_KINDS

    @property
    def region(self) -> Region | None:
        return self.candidates[0] if len(self.candidates) == 1 else None


class RegionMatcher:
    """Finds government and council mentions; build once with :func:`default_matcher`."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._index = gazetteer._index  # key -> regions, the gazetteer's own name index
        self._first_words = {key.split(" ", 1)[0] for key in self._index}

    @functools.lru_cache(maxsize=20000)
    def _lookup(self, words: tuple[str, ...]) -> tuple[Region, ...]:
        key = _key(" ".join(words))
        found = self._index.get(key) or self._index.get(_compact(key)) or []
        return tuple(found)

    @functools.lru_cache(maxsize=20000)
    def resolve(self, text: str) -> GovernmentMention:
        return self.gazetteer.resolve_government(text)

    def find(self, text: str) -> list[Mention]:
        """All mentions in ``text``, in order, with offsets into ``text``."""
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(text)]
        mentions: list[Mention] = []
        i, n = 0, len(tokens)
        while i < n:
            first = tokens[i][2].lower().replace("’", "").replace("'", "")
            if first not in self._first_words and _key(tokens[i][2]) not in self._first_words:
                i += 1
                continue
            matched = 0
            regions: tuple[Region, ...] = ()
            for size in range(min(_MAX_WORDS, n - i), 0, -1):
                if not all(text[tokens[j][1]:tokens[j + 1][0]] in (" ", "-")
                           for j in range(i, i + size - 1)):
                    continue
                regions = self._lookup(tuple(t[2] for t in tokens[i:i + size]))
                if regions:
                    matched = size
                    break
            if not matched:
                i += 1
                continue
            start, end = tokens[i][0], tokens[i + matched - 1][1]
            mentions.append(self._mention(text, start, end))
            i += matched
        return mentions

    def _mention(self, text: str, name_start: int, end: int) -> Mention:
        window = text[max(0, name_start - 90):name_start]
        prefix = _PREFIX_RE.search(window)
        start = name_start - (len(prefix.group(0)) if prefix else 0)
        while start < name_start and text[start].isspace():
            start += 1
        council = bool(prefix and prefix.group("council"))
        level = bool(prefix and prefix.group("level"))
        name = text[name_start:end]
        before = text[max(0, start - 90):start]
        kind = KIND_BARE
        role = None
        if council:
            kind = KIND_COUNCIL
            organ = re.search(r"(?:Komisi|Pansus|Fraksi)\s+[IVX0-9A-E]+\s+$|"
                              r"(?:Bapemperda|Banggar|Bamus)\s+$", before)
            if organ:
                start -= len(organ.group(0))
        elif level or name.split(" ", 1)[0] in ("Kota", "Kabupaten", "Provinsi"):
            kind = KIND_GOV
        role = _role_before(before, name if kind == KIND_BARE else text[start:end])
        if role is not None and kind in (KIND_GOV, KIND_BARE, KIND_COUNCIL) \
                and _role_takes(role, text[start:end]):
            kind = KIND_ROLE
        else:
            role = None
        if kind in (KIND_GOV, KIND_BARE) and role is None:
            office = _OFFICE_RE.search(before)
            if office:
                kind = KIND_OFFICE
        mention_text = text[start:end]
        if role is not None:
            resolved = self.resolve(_role_level(role) + " " + _strip_level(mention_text)
                                    if _role_level(role) else mention_text)
        else:
            resolved = self.resolve(mention_text)
        candidates = resolved.candidates or self._lookup(tuple(name.split()))
        body = BODY_COUNCIL if council or (role and re.search(r"DPRD|DPRK|Komisi|Bapemperda",
                                                                role)) else BODY_GOVERNMENT
        blocked = bool(_BLOCKED_RE.search(before)) and kind in (KIND_BARE, KIND_GOV)
        if re.search(r"\bDPR\s+RI\b|\bDPD\b", text[start:end]):
            blocked = True
        return Mention(start, end, name_start, mention_text, kind, body, tuple(candidates),
                       blocked, role)


_WALI_RE = re.compile(r"(?:(?:Pj\.?|Plt\.?|Plh\.?|Penjabat)\s+)?(?:Wakil\s+)?Wali\s+$")


def _role_before(before: str, mention: str) -> str | None:
    """The role written right before a mention: "Bupati " + "Malang", "Wali " + "Kota Malang"."""
    if mention.startswith("Kota"):
        wali = _WALI_RE.search(before)
        if wali:
            return wali.group(0) + "Kota"
    found = _ROLE_RE.search(before)
    return found.group(0).strip() if found else None


def _role_takes(role: str, mention: str) -> bool:
    """A role word directly before a mention makes it an official of that region."""
    return not re.match(r"(?:Pemkot|Pemko|Pemkab|Pemprov|Pemerintah|DPRD)\b", mention)


def _role_level(role: str) -> str:
    low = role.lower()
    if re.search(r"wali\s*kota|walikota|wawali|wako", low):
        return "Kota"
    if re.search(r"bupati|wabup", low):
        return "Kabupaten"
    if re.search(r"gubernur|wagub|sekprov|sekdaprov|setdaprov", low):
        return "Provinsi"
    return ""


def _strip_level(mention: str) -> str:
    return re.sub(r"^(?:Kota|Kabupaten|Provinsi)\s+(?:Administrasi\s+)?", "", mention)


@functools.lru_cache(maxsize=1)
def default_matcher() -> RegionMatcher:
    """The matcher over the bundled gazetteer, built once per process."""
    return RegionMatcher(Gazetteer.default())
