"""Finding mentions of regional governments and councils in text.

One pass over the capitalised words of the text looks up runs of up to six words in the
gazetteer's name index (names, aliases, "Kota X", "Kabupaten X", "Provinsi X"), built
once. The words just before a name decide what the mention is:

- a government: "Pemkot", "Pemerintah Kabupaten", "Kota", "Pemkab.";
- a council: "DPRD", "DPRK" (Aceh), "DPR Papua", "Komisi I DPRD", "DPRD Komisi A";
- an office acting for its region: "Bappeda", "BPKAD", "Diskominfo", "Dinas ... Kota";
- an official: "Wali Kota", "Bupati", "Sekda", "Kabag Humas Setdako" (the person's
  region names the government);
- a venue: "Kantor Bupati", "Balai Kota", "Gedung DPRD", "Rumah Dinas Wali Kota" (where
  something happened: the host's place, never a party by itself);
- or a name on its own.

A province written right after a region inside it ("Pemkab Kepahiang, Provinsi
Bengkulu") only qualifies that region, and a name in parentheses after a mention of the
same region ("Kabupaten Musi Rawas Utara (Muratara)") repeats it: neither is a party.
Mentions inside the names of national agencies, universities and companies ("BPK
Perwakilan Provinsi Riau", "Universitas ... Yogyakarta") are blocked.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace

from ..resolve.gazetteer import (
    BODY_COUNCIL, BODY_GOVERNMENT, Gazetteer, GovernmentMention, Region, _compact, _key,
)
from .misspelt import MisspeltNames, supported
from .roles import ROLE_BEFORE_RE, role_body, role_level, role_region_words

KIND_GOV = "gov"          # Pemkot X, Pemerintah Kabupaten X, Kota X
KIND_COUNCIL = "council"  # DPRD X, Komisi I DPRD X
KIND_OFFICE = "office"    # Bappeda X, Dinas ... X, Setda X
KIND_ROLE = "role"        # Wali Kota X, Bupati X, Sekda X
KIND_VENUE = "venue"      # Kantor Bupati X, Balai Kota X, Gedung DPRD X
KIND_BARE = "bare"        # X
STRONG_KINDS = frozenset([KIND_GOV, KIND_COUNCIL, KIND_OFFICE, KIND_ROLE])

# Capitalised words; a lowercase compass word may end a name ("kabupaten Lampung tengah").
_TOKEN_RE = re.compile(r"[A-Z][A-Za-z]*(?:[-'’][A-Za-z]+)*|(?<=[A-Za-z] )(?:timur|barat|utara|"
                       r"selatan|tengah|raya|laut|darat|hulu|hilir)\b")
_MAX_WORDS = 6

_ORGAN = (r"(?:(?:Komisi|Pansus|Panja|Fraksi|Panitia\s+Khusus)\s+(?:[IVX]+|[A-E]|\d+)\b"
          r"(?:\s*(?:,|dan)\s*(?:[IVX]+|[A-E]|\d+)\b)*|Bapemperda|Banggar|Bamus|Banmus|"
          r"Badan\s+Kehormatan|Badan\s+Anggaran|Sekretariat|Setwan|Pimpinan|Rombongan|"
          r"Anggota|Pimpinan\s+dan\s+[Aa]nggota|[Aa]nggota\s+dan\s+[Pp]impinan)")
_COUNCIL = (r"DPRD|DPRK|DPRA|DPRP|DPR(?:\s+(?:Kota|Kabupaten))?|"
            r"Dewan\s+Perwakilan\s+Rakyat(?:\s+(?:Daerah|Kota|Kabupaten|Aceh))?")
_LEVEL = (r"(?:Pemerintah(?:an)?|Pemda)\s+(?:Kota|Kotamadya|Kabupaten|Kab\.|Provinsi|Propinsi|"
          r"Daerah)(?:\s+Administrasi)?|Pemkot\.?|Pemko\.?|Pemkab\.?|Pemprov\.?|Pemprop|Pemda|"
          r"Kota(?:\s+Administrasi)?|Kabupaten(?:\s+Administrasi)?|Kab\.|Provinsi|Propinsi|"
          r"Prov\.|kota|kabupaten|provinsi|Pemerintah(?:an)?|pemerintah\s+(?:kota|kabupaten|"
          r"provinsi)")
# Before a name, read right to left: an organ, a council word, an organ, a level word.
_PREFIX_RE = re.compile(
    rf"(?:(?P<organ>\b{_ORGAN}\s+)?(?P<council>\b(?:{_COUNCIL}))(?:\s*\([^()\n]{{1,40}}\))?\s+"
    rf"(?:{_ORGAN}\s+)?)?(?P<level>\b(?:{_LEVEL}))?\s*(?:\([^()\n]{{1,40}}\)\s*)?$"
)
#: Offices that act for their region, by the short names reports give them.
OFFICE_NAMES = (
    "Bappeda", "Bapenda", "Bappelitbangda", "Bapperida", "BPBD", "BPKAD", "BPKD", "BKPSDM",
    "BKD", "DLH", "DPMPTSP", "DPMD", "Diskominfo", "Dinkominfo", "Kominfo", "Disdukcapil",
    "Dukcapil", "Dinkes", "Disdik", "Dispar", "Disparbud", "Disbudpar", "Dinporabudpar",
    "Disporapar", "Dispora", "Disperindag", "Disnaker", "Dishub", "Setda", "Setkab",
    "Setdaprov", "Setdakab", "Setdakot", "Setdako", "Setkot", "Setprov", "Inspektorat",
    "Humas", "Prokopim", "Prokompim", "Protokol", "Bappedalitbang", "Balitbangda",
)
_OFFICE_RE = re.compile(
    r"(?:\b(?:" + "|".join(sorted(OFFICE_NAMES, key=len, reverse=True)) + r"|"
    r"Sekretariat\s+Daerah|"
    r"Satpol\s+PP|Bagian\s+[A-Z][a-z]+"
    r"(?:\s+(?:dan\s+)?[A-Z][a-z]+)*|(?:Dinas|Badan|Kantor|Biro)\s+[A-Z][A-Za-z]+"
    r"(?:\s+(?:dan\s+)?[A-Z][A-Za-z]+)*)"
    r"\s*(?:\([^()\n]{1,30}\)\s*)?(?:[A-Z]{1,4}\s+)?(?:(?:Pemkot|Pemko|Pemkab|Pemprov)\s+)?)$"
)
# Pieces of the office and venue words, to try the patterns only where they can match.
_OFFICE_WORDS = ("Bap", "BP", "BK", "DLH", "DPM", "Dis", "Din", "Kominfo", "Dukcapil", "Set",
                 "Sekretariat", "Inspektorat", "Satpol", "Humas", "Proko", "Protokol", "Bagian",
                 "Badan", "Kantor", "Biro")
_VENUE_WORDS = ("kantor", "gedung", "ruang", "aula", "pendop", "pendapa", "rumah", "balai",
                "bangsal", "wisma", "graha", "lob", "halaman", "komplek", "pringgitan", "bale",
                "auditorium", "command", "mess", "guest", "mal ", "mpp")
# A building or room of a government: where a visit took place.
_VENUE_RE = re.compile(
    r"\b(?:Kantor|Gedung|Ruang|Aula|Pendopo|Pendapa|Rumah\s+(?:Dinas|Jabatan)|Balai|Bangsal|"
    r"Wisma|Graha|Lobby|Lobi|Halaman|Komplek|Kompleks|Pringgitan|Bale|Auditorium|"
    r"Command\s+Center|Mess|Guest\s+House|Mal\s+Pelayanan\s+Publik|MPP)\b"
    r"(?:[^,.;:\n()]|\([A-Za-z]{2,10}\)){0,50}$",
    re.I,
)
# "dari luar daerah Kalimantan Tengah": from outside a region, not from it.
_OUTSIDE_RE = re.compile(r"\bluar\s+(?:daerah\s+|wilayah\s+)?$")
# A region name inside the name of something that is not a regional government.
_BLOCKED_RE = re.compile(
    r"\b(?:BPK|BPKP|KPK|BPS|KPU|KPUD|Bawaslu|Perwakilan|Kanwil|Polda|Polres|Polresta|Polrestabes"
    r"|Kodim|Korem|Kodam|Kejati|Kejari|Kajari|Kejaksaan|Pengadilan|PN|PA|Kemenag|Universitas|"
    r"Institut|Politeknik|Poltek|UIN|IAIN|STAIN|Unair|UGM|ITB|IPB|PT|CV|Bank|BPD|RSUD|RS|Bandara|"
    r"Pelabuhan|Stasiun|Terminal|Lapas|Rutan|Basarnas|BMKG|BPN|Kantah|Bulog|Pelindo|PLN|PDAM|"
    r"Perumda|Hotel|Alun|Masjid|Gereja|Pasar|Taman|Museum|Kecamatan|Kelurahan|Desa|Jalan|Jl|"
    r"Festival|Piala|Liga|Persatuan|Asosiasi|APEKSI|APKASI|APPSI|Forum|Rakernas|Rakerwil|Pekan|"
    r"Porprov|Klub|Persib|Arema|Persebaya|Ombudsman|Ibu\s*[Kk]ota|Pulau|Komite|Forkopimda|Kwarda|Kwarcab|PWI|KONI|"
    r"Dekranasda|PKK|TP\.?\s*PKK|Ikatan|Paguyuban|Kerukunan|Keluarga\s+Besar|Warga)\b"
    r"[^,.;:\n]{0,40}$"
)
# Aliases that are common words ("Mitra" is also "partner"): only after a government word.
_GUARDED_ALIASES = {"mitra": "71.07", "benteng": "17.09", "kobar": "62.01", "kotim": "62.02"}
_GUARD_BEFORE_RE = re.compile(
    r"(?:Pemkab|Pemerintah\s+Kabupaten|Kabupaten|Bupati|Wabup|Wakil\s+Bupati|DPRD|Sekda|"
    r"Kab\.)\s*$", re.I)
# Provinces split from another since 1999: reports still write the former one
# ("Kabupaten Sorong, Papua Barat", "Kabupaten Tangerang, Jawa Barat").
_FORMER_PROVINCE = {"96": "92", "93": "91", "94": "91", "95": "91", "92": "91", "65": "64",
                    "76": "73", "21": "14", "19": "16", "36": "32", "75": "71", "82": "81"}
# "Ogan Komering Ulu (OKU) Timur": an abbreviation written inside a name.
_INNER_ABBREVIATION_RE = re.compile(
    r"(?<= )\([A-Z]{2,8}\)(?= (?:Timur|Barat|Utara|Selatan|Tengah|Raya|Laut|Darat|Hulu|Hilir)\b)")
_PAPUA_ACEH = ("91", "92", "93", "94", "95", "96", "97", "11")


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
    qualifier: bool = False  # a province qualifying the mention before it, or a repeat
    level: bool = False      # written with a level or body word ("Kota X", "Pemkab X")
    tail: int = -1           # end of the mention with the qualifiers written after it

    @property
    def extent(self) -> int:
        return max(self.end, self.tail)

    @property
    def strong(self) -> bool:
        return self.kind in STRONG_KINDS

    @property
    def region(self) -> Region | None:
        return self.candidates[0] if len(self.candidates) == 1 else None

    @property
    def party(self) -> bool:
        """Whether this mention can be a side of a visit."""
        return not self.blocked and not self.qualifier and self.kind != KIND_VENUE


class RegionMatcher:
    """Finds government and council mentions; build once with :func:`default_matcher`."""

    def __init__(self, gazetteer: Gazetteer) -> None:
        self.gazetteer = gazetteer
        self._index = gazetteer._index  # key -> regions, the gazetteer's own name index
        # For each first word of a name, the most words a name starting with it has.
        self._longest: dict[str, int] = {}
        for key in self._index:
            words = key.split(" ")
            self._longest[words[0]] = max(self._longest.get(words[0], 1), len(words))
        for alias in _GUARDED_ALIASES:
            self._longest.setdefault(alias, 1)
        self._misspelt = MisspeltNames(self._index)

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
        scan = _INNER_ABBREVIATION_RE.sub(lambda m: " " * len(m.group()), text)
        tokens = [(m.start(), m.end(), m.group()) for m in _TOKEN_RE.finditer(scan)]
        mentions: list[Mention] = []
        misspelt: list[Mention] = []
        i, n = 0, len(tokens)
        while i < n:
            first = _word_key(tokens[i][2])
            longest = self._longest.get(first)
            if longest is None:
                fuzzy = self._misspelt.find(text, tokens, i)
                if fuzzy is not None:
                    size, regions = fuzzy
                    mention = self._mention(text, tokens[i][0], tokens[i + size - 1][1], regions)
                    if mention is not None:
                        mentions.append(mention)
                        misspelt.append(mention)
                    i += size
                    continue
                i += 1
                continue
            matched = 0
            # A name may be written as one word more than its key ("Palangka Raya").
            for size in range(min(_MAX_WORDS, n - i, longest + 1), 0, -1):
                if not all(scan[tokens[j][1]:tokens[j + 1][0]] in (" ", "-") or
                           (not scan[tokens[j][1]:tokens[j + 1][0]].strip() and
                            len(scan[tokens[j][1]:tokens[j + 1][0]]) <= 12)
                           for j in range(i, i + size - 1)):
                    continue
                if self._lookup(tuple(t[2] for t in tokens[i:i + size])):
                    matched = size
                    break
            start, end = tokens[i][0], tokens[i + max(matched, 1) - 1][1]
            if not matched:
                guarded = _GUARDED_ALIASES.get(first)
                region = self.gazetteer.by_code(guarded) if guarded else None
                if region is None or not _GUARD_BEFORE_RE.search(text, max(0, start - 40), start):
                    i += 1
                    continue
                mention = self._mention(text, start, end, (region,))
            else:
                mention = self._mention(text, start, end)
            if mention is not None:
                mentions.append(mention)
            i += max(matched, 1)
        if misspelt:
            named = {r.code for m in mentions if m not in misspelt for r in m.candidates}
            mentions = [m for m in mentions if m not in misspelt or supported(m.candidates, named)]
        return _mark_qualifiers(text, mentions)

    def _mention(self, text: str, name_start: int, end: int,
                 forced: tuple[Region, ...] | None = None) -> Mention | None:
        window = text[max(0, name_start - 90):name_start]
        prefix = _PREFIX_RE.search(window)
        start = name_start - (len(prefix.group(0)) if prefix else 0)
        while start < name_start and text[start].isspace():
            start += 1
        council_word = prefix.group("council") if prefix else None
        level = bool(prefix and prefix.group("level"))
        name = text[name_start:end]
        if council_word and " " not in council_word.strip() and council_word.startswith("DPR") \
                and council_word not in ("DPRD", "DPRK", "DPRA", "DPRP") and not forced:
            # "DPR Papua" is Papua's provincial council; "DPR" before other names is not.
            regions = self._lookup(tuple(name.split()))
            if not any(r.code.split(".")[0] in _PAPUA_ACEH for r in regions):
                council_word = None
        before = text[max(0, start - 80):start]
        kind = KIND_BARE
        if council_word:
            kind = KIND_COUNCIL
            organ = re.search(_ORGAN + r"\s+$", before)
            if organ and not prefix.group("organ"):  # type: ignore[union-attr]
                start -= len(organ.group(0))
        elif level or name.split(" ", 1)[0] in ("Kota", "Kabupaten", "Provinsi"):
            kind = KIND_GOV
        role_found = _role_before(before, name if kind == KIND_BARE else text[start:end])
        role = role_found[0] if role_found else None
        if role is not None and kind in (KIND_GOV, KIND_BARE, KIND_COUNCIL) \
                and _role_takes(role, text[start:end]):
            kind = KIND_ROLE
        else:
            role = None
        office = _OFFICE_RE.search(before) if kind in (KIND_GOV, KIND_BARE) and role is None \
            and any(w in before for w in _OFFICE_WORDS) \
            else None
        if office:
            kind = KIND_OFFICE
        if forced:
            candidates: tuple[Region, ...] = forced
        else:
            lookup = _clean_council(text[start:end])
            if role is not None:
                if role_level(role) and not re.match(r"(?:Kota|Kabupaten|Provinsi|Pem|Kab\b)",
                                                     lookup):
                    lookup = role_level(role) + " " + lookup
                words = role_region_words(role)
                if words and words not in lookup:
                    lookup = words + " " + lookup
            resolved = self.resolve(lookup.strip())
            candidates = resolved.candidates or self._lookup(tuple(name.split()))
        body = BODY_COUNCIL if council_word or (role and role_body(role) == BODY_COUNCIL) \
            else BODY_GOVERNMENT
        if role is not None and role_found:
            start -= role_found[1]  # the mention of an official starts at the title
        elif office:
            start -= len(before) - office.start()  # an office's mention starts at its name
        around = text[max(0, start - 60):start]
        low = around.lower()
        venue = _VENUE_RE.search(around) if any(w in low for w in _VENUE_WORDS) else None
        if venue and kind in (KIND_GOV, KIND_BARE, KIND_ROLE, KIND_COUNCIL, KIND_OFFICE) and \
                not _BLOCKED_RE.search(around[venue.start():]):
            start = start - len(around) + venue.start()
            return Mention(start, end, name_start, text[start:end], KIND_VENUE, body,
                           tuple(candidates), False, role, False, True)
        blocked = bool(_BLOCKED_RE.search(before)) and kind in (KIND_BARE, KIND_GOV) or \
            bool(_OUTSIDE_RE.search(text, max(0, start - 30), start))
        if re.search(r"\bDPR\s+RI\b|\bDPD\b", text[start:end + 4]):
            blocked = True
        return Mention(start, end, name_start, text[start:end], kind, body, tuple(candidates),
                       blocked, role, False, kind != KIND_BARE)


@functools.lru_cache(maxsize=50000)
def _word_key(word: str) -> str:
    return _key(word)


@functools.lru_cache(maxsize=8192)
def _clean_council(text: str) -> str:
    """"DPR Kota (DPRK) Lhokseumawe" → "DPRK Lhokseumawe"; organs and parentheses go."""
    text = re.sub(r"\([^()]*\)", " ", text)
    text = re.sub(r"\bDewan\s+Perwakilan\s+Rakyat\s+(?:Kota|Kabupaten)\b", "DPRK", text)
    text = re.sub(r"\bDewan\s+Perwakilan\s+Rakyat\s+Aceh\b", "DPRA", text)
    text = re.sub(r"\bDewan\s+Perwakilan\s+Rakyat(?:\s+Daerah)?\b", "DPRD", text)
    text = re.sub(r"\bDPR\s+(?:Kota|Kabupaten)\b", "DPRK", text)
    text = re.sub(r"\bDPRP?\b(?!D)", "DPRD", text)
    text = re.sub(_ORGAN, " ", text)
    text = re.sub(r"\b(Pemkot|Pemko|Pemkab|Pemprov|Kab|Prov)\.", r"\1", text)
    text = re.sub(r"\bPemerintahan\b", "Pemerintah", text)
    return " ".join(text.split())


def _role_before(before: str, mention: str) -> tuple[str, int] | None:
    """The role written right before a mention ("Bupati " + "Malang", "Wali " + "Kota
    Malang"), and how many characters before the mention it starts."""
    if mention.startswith("Kota"):
        wali = re.search(r"(?:(?:Pj\.?|Pjs\.?|Plt\.?|Plh\.?|Penjabat(?:\s+Sementara)?)\s+)?"
                         r"(?:Wakil\s+)?Wali\s+$", before)
        if wali:
            return wali.group(0) + "Kota", len(before) - wali.start()
    found = ROLE_BEFORE_RE.search(before)
    if not found:
        return None
    return found.group("role").strip(), len(before) - found.start("role")


@functools.lru_cache(maxsize=8192)
def _role_takes(role: str, mention: str) -> bool:
    """A role word directly before a mention makes it an official of that region."""
    return not re.match(r"(?:Pemkot|Pemko|Pemkab|Pemprov|Pemerintah)\b", mention) or \
        bool(re.search(r"\b(?:Kepala|Kabag|Kasubag|Asisten|Staf\s+Ahli|Sekretaris|Ketua)\b", role))


def _mark_qualifiers(text: str, mentions: list[Mention]) -> list[Mention]:
    """Provinces and repeats that only qualify the mention before them."""
    out: list[Mention] = []
    for m in mentions:
        prev = out[-1] if out else None
        if prev is not None and prev.region is not None and not prev.qualifier:
            gap = text[prev.end:m.start]
            inside = [r for r in m.candidates
                      if r.is_province and (prev.region.province_code == r.code or prev.region == r
                                            or _FORMER_PROVINCE.get(prev.region.province_code or
                                                                    prev.region.code) == r.code)]
            if inside and m.kind in (KIND_GOV, KIND_BARE) and \
                    re.fullmatch(r"\s*(?:\([^()]{0,40}\))?\s*,?\s*(?:di\s+|dari\s+)?", gap):
                m = replace(m, qualifier=True, candidates=(inside[0],))
                out[-1] = replace(prev, tail=_after_parenthesis(text, m.end))
            elif prev.region in m.candidates and re.fullmatch(r"\s*\(\s*", gap) and \
                    text[m.end:m.end + 3].lstrip().startswith(")"):
                m = replace(m, qualifier=True)
                out[-1] = replace(prev, tail=_after_parenthesis(text, m.end))
        out.append(m)
    return out


def _after_parenthesis(text: str, end: int) -> int:
    """``end``, past an abbreviation in parentheses ("Sulawesi Tengah (Sulteng)")."""
    m = re.match(r"\s*(?:\)|\([^()\n]{1,30}\))", text[end:])
    return end + m.end() if m else end


@functools.lru_cache(maxsize=1)
def default_matcher() -> RegionMatcher:
    """The matcher over the bundled gazetteer, built once per process."""
    return RegionMatcher(Gazetteer.default())
