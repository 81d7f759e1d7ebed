"""The titles of regional officials, one grammar for finding officials and their regions.

"Wali Kota", "Bupati", "Gubernur" and their deputies, acting heads ("Pj", "Pjs", "Plt",
"Plh", "Penjabat"), the regional secretary ("Sekda", "Sekdakab", "Sekkot", "Sekretaris
Daerah"), assistants and expert staff ("Asisten Umum Setda", "Staf Ahli Bupati Bidang
..."), heads of offices ("Kepala BPKAD", "Kabag Humas Setdako"), and council members
("Ketua Komisi A DPRD", "Anggota DPRD", "Sekwan"). A title written right before a region
name ("Bupati Sleman", "Kabag Humas Setdako Medan") says which government the person
serves; :func:`role_level` reads the region's type from it ("Wali Kota" → Kota).
"""
from __future__ import annotations

import functools
import re

from ..resolve.gazetteer import BODY_COUNCIL, BODY_GOVERNMENT, Region

_ACTING = r"(?:(?:Pj\.?|Pjs\.?|Plt\.?|Plh\.?|Penjabat(?:\s+Sementara)?(?:\s*\(\s*Pjs?\s*\))?)\s+)?"
_NUM = r"(?:[IVX]+|[A-E]|\d+)\b"
_W = r"[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?"
#: "Bidang Hukum, Pemerintahan, dan Politik": a list goes on only up to its "dan" item, so
#: that a name written after it ("..., Sulaiman Harahap") is not taken for a field.
FIELD = rf"Bidang\s+{_W}(?:(?:,\s+{_W})*,?\s+dan\s+{_W})?"
_ROLE_ALTERNATIVES = [
    rf"{_ACTING}(?:[Ww]akil\s+)?(?:[Ww]ali\s*[Kk]ota|[Ww]alikota|[Bb]upati|[Gg]ubernur)\b",
    rf"{_ACTING}(?:Wawali(?:kota)?|Wabup|Wagub|Wako|Wakot)\b",
    rf"{_ACTING}(?:Sekda|Sekdakab|Sekdakot|Sekdako|Sekkot|Sekkab|Sekdaprov|Sekprov|Sekwan)\b",
    rf"{_ACTING}(?:Sekretaris|Sekertaris)\s+(?:Daerah(?:\s+(?:Provinsi|Kota|Kabupaten))?|Kota|"
    r"Kabupaten|DPRD|DPRK|DPR|Dewan)\b",
    r"Asisten(?:\s+(?:[IVX]+\b|Sekda\b|Setda\b|(?:dan\s+)?(?:Pemerintahan|Perekonomian|"
    r"Pembangunan|Administrasi|Umum|Kesejahteraan|Rakyat|Kesra|Ekonomi|Ekbang|Hukum|Sosial|"
    r"Keuangan)\b))*",
    rf"Staf\s+Ahli(?:\s+(?:Wali\s*[Kk]ota|Walikota|Bupati|Gubernur))?(?:\s+{FIELD})?",
    r"(?:Kepala|Kadis|Kaban|Kabag|Kasubag|Kabid|Sekretaris\s+(?:Dinas|Badan))"
    r"(?:\s+(?:dan\s+)?[A-Z][A-Za-z]+)+",
    r"(?:[Kk]etua|[Pp]impinan)\s+(?:[Rr]ombongan|[Tt]im|[Dd]elegasi)(?:\s+(?:studi\s+banding|"
    r"kunjungan(?:\s+kerja)?|kunker|tamu))?\b(?:\s+dari)?",
    rf"(?:Wakil\s+)?Ketua(?:\s+[IVX]+\b)?(?:\s+Komisi\s+{_NUM}|\s+Bapemperda|\s+Pansus\s+{_NUM}|\s+Banggar|"
    r"\s+Badan\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)?(?:\s+(?:DPRD|DPRK|DPRA|DPRP|DPR))?",
    rf"Anggota(?:\s+Komisi\s+{_NUM})?(?:\s+(?:DPRD|DPRK|DPRA|DPR))?",
    # Written in lower case in running text: only with the council named.
    rf"(?:wakil\s+)?ketua(?:\s+(?:[IVX]+|\d)\b)?(?:\s+komisi\s+{_NUM}|\s+[Kk]omisi\s+{_NUM})?"
    r"\s+(?:DPRD|DPRK|DPR)\b",
    rf"(?:wakil\s+)?ketua\s+(?:[Kk]omisi\s+{_NUM}|Bapemperda|Pansus\s+{_NUM})",
    rf"anggota\s+(?:[Kk]omisi\s+{_NUM}\s+)?(?:DPRD|DPRK|DPR)\b",
]
_ROLE = "(?:" + "|".join(_ROLE_ALTERNATIVES) + ")"
# Office words that may stand between a title and the region: "Asisten I Setda Kota X".
_TAIL = (r"(?:\s*\([^()\n]{1,30}\))?(?:\s+(?:Setda|Setkab|Setdaprov|Setdakab|Setdakot|Setdako|"
         r"Setkot|Setprov|Sekretariat\s+Daerah|Pemkot|Pemkab|Pemprov|Pemko|DPRD|DPRK))*")

#: A title right before a region name (searched in the text before the name).
ROLE_BEFORE_RE = re.compile(rf"\b(?P<role>{_ROLE}{_TAIL})\s*$")
#: A title anywhere in a text (the start of an official's mention).
ROLE_HEAD_RE = re.compile(rf"\b{_ROLE}")
ROLE_TAIL_RE = re.compile(_TAIL)


@functools.lru_cache(maxsize=4096)
def role_level(role: str) -> str:
    """The region type a title implies: "Kota", "Kabupaten", "Provinsi" or ""."""
    low = role.lower()
    if re.search(r"wali\s*kota|walikota|wawali|wako|wakot|sekdako|sekkot|sekdakot|setdako|"
                 r"setdakot|setkot|sekretaris\s+(?:daerah\s+)?kota", low):
        return "Kota"
    if re.search(r"bupati|wabup|sekdakab|sekkab|setdakab|setkab|sekretaris\s+(?:daerah\s+)?"
                 r"kabupaten", low):
        return "Kabupaten"
    if re.search(r"gubernur|wagub|sekprov|sekdaprov|setdaprov|setprov|sekretaris\s+daerah\s+"
                 r"provinsi", low):
        return "Provinsi"
    return ""


def region_level(region: Region) -> str:
    """The level word of a region's type, as :func:`role_level` gives it: "Kota" for a kota
    or kota administrasi, "Kabupaten", "Provinsi"."""
    return "Kota" if region.type.startswith("kota") else region.type.capitalize()


@functools.lru_cache(maxsize=4096)
def role_region_words(role: str) -> str:
    """Council words of a title, kept when the region is looked up: "Ketua DPRD" → "DPRD"."""
    found = re.search(r"\b(DPRD|DPRK|DPRA|DPRP)\b", role)
    return found.group(1) if found else ""


@functools.lru_cache(maxsize=4096)
def role_body(role: str) -> str:
    """Whether a title belongs to a council or to a government."""
    if re.search(r"DPRD|DPRK|DPRA|DPRP|\bDPR\b|Komisi|Bapemperda|Pansus|Banggar|Sekwan|"
                 r"Sekretaris\s+(?:DPRD|Dewan)|Anggota", role):
        return BODY_COUNCIL
    return BODY_GOVERNMENT


@functools.lru_cache(maxsize=4096)
def rank(role: str) -> int:
    """How senior a title is (0 = head of region or council)."""
    low = re.sub(r"^(?:pj\.?|pjs\.?|plt\.?|plh\.?|penjabat(?: sementara)?)\s+", "", role.lower())
    if re.match(r"(?:wali kota|walikota|wako|bupati|gubernur)\b", low):
        return 0
    if re.match(r"ketua (?:dprd|dprk|dpra|dprp|dpr)\b", low):
        return 0
    if re.match(r"(?:wakil (?:wali kota|walikota|bupati|gubernur)|wawali|wabup|wagub)\b", low):
        return 1
    if re.match(r"wakil ketua (?:dprd|dprk|dpr)\b", low):
        return 1
    if re.match(r"ketua (?:komisi|bapemperda|pansus|badan|banggar)", low):
        return 2
    if re.match(r"sekretaris daerah|sek(?:da|dakab|dakot|dako|kot|kab|daprov|prov)\b", low):
        return 2
    if low.startswith(("asisten", "staf ahli", "wakil ketua")):
        return 3
    if low.startswith(("kepala", "kadis", "kaban")):
        return 4
    return 5


# Heads of offices, whose title goes on with the office's name ("Kepala Bidang Statistik").
_OFFICE_HEAD_RE = re.compile(
    r"(?:Kepala|Kadis|Kaban|Kabag|Kasubag|Kabid|Sekretaris\s+(?:Dinas|Badan))\b")
# Words that make up the names of offices and their parts.
_UNIT_WORDS = frozenset("""
    dinas badan bagian bidang kantor biro seksi sub subbag subbagian subbid umum humas protokol
    statistik publik logistik hukum sosial daerah kota kabupaten provinsi tata hidup lingkungan
    pekerjaan ruang aset sumber daya manusia aparatur sipil negara arsip pariwisata olahraga
    pemuda budaya tenaga kerja industri koperasi usaha kecil menengah mikro pangan satpol pp
    pemadam bencana sekretariat inspektorat terpadu satu pintu modal elektronik digital media
    data teknologi rumah sakit puskesmas keluarga berencana perempuan anak masyarakat desa
    jalan jembatan air minum kawasan lalu lintas angkutan ekonomi pajak retribusi kerja sama
    ekbang kesra orta perstik sandi dan
""".split())
# Office words by their form: "Pe-/Ke- ... -an" nouns (Pemerintahan, Kesehatan), and
# borrowed "-asi", "-ika" words (Informasi, Informatika); people's names rarely are.
_UNIT_FORM_RE = re.compile(r"(?:(?:Pe|Ke)[a-z]{3,}an|[A-Z][a-z]{3,}(?:asi|ika))$")


def office_title_end(text: str, start: int, end: int, offices: frozenset[str]) -> int:
    """Where the title of an office's head that runs from ``start`` to ``end`` really ends:
    before the first word that cannot belong to an office's name, so that the name after
    it is read as the person's ("Kabid Statistik Heny Ermawati": the title ends after
    "Statistik"). ``offices`` are offices' short names ("Diskominfo")."""
    head = _OFFICE_HEAD_RE.match(text, start)
    if head is None:
        return end
    for word in re.finditer(r"[A-Za-z]+", text[head.end():end]):
        w = word.group()
        if w.lower() in _UNIT_WORDS or w in offices or _UNIT_FORM_RE.match(w) or \
                sum(c.isupper() for c in w) >= 2:
            continue
        cut = head.end() + word.start()
        return cut if cut > head.end() else end
    return end


__all__ = ["ROLE_BEFORE_RE", "ROLE_HEAD_RE", "ROLE_TAIL_RE", "office_title_end", "rank",
           "region_level", "role_body", "role_level", "role_region_words"]
