"""Officials named in a report: role, region and name ("Wali Kota Malang, Wahyu Hidayat").

A role head (Wali Kota, Bupati, Gubernur, their deputies and acting heads, Sekda,
Asisten, Kepala ..., Ketua/Anggota of a council or its organs) is extended over the region
mention that follows it, then a name is read: capitalised words, with honorifics and
degrees allowed around it and stripped by :func:`kgraph.names.clean_name`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..gazetteer import BODY_COUNCIL, BODY_GOVERNMENT, Region
from ..names import clean_name, clean_role
from .regions import Mention, RegionMatcher

ROLE_HEAD_RE = re.compile(
    r"\b(?:(?:Pj\.?|Plt\.?|Plh\.?|Penjabat)\s+)?(?:Wakil\s+)?(?:Wali\s*[Kk]ota|Walikota|Bupati|"
    r"Gubernur)\b|\b(?:Wawali(?:kota)?|Wabup|Wagub|Wako|Sekda|Sekdakab|Sekdakot|Sekdaprov|"
    r"Sekprov|Sekretaris\s+Daerah(?:\s+Provinsi)?|Asisten(?:\s+(?:[IVX]+\b|(?:dan\s+)?"
    r"[A-Z][a-z]+))+|Kepala(?:\s+(?:dan\s+)?[A-Z][A-Za-z]+)+|Kadis(?:\s+[A-Z][A-Za-z]+)+|"
    r"(?:Wakil\s+)?Ketua(?:\s+Komisi\s+[IVX0-9A-E]+\b|\s+Bapemperda|\s+Pansus\s+[IVX0-9]+\b|"
    r"\s+Badan\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)?(?:\s+(?:DPRD|DPRK)\b)?|"
    r"Anggota\s+Komisi\s+[IVX0-9A-E]+\b(?:\s+DPRD\b)?|Anggota\s+DPRD\b)"
)
_ROLE_TAIL_RE = re.compile(r"(?:\s*\([^()\n]{1,30}\))?(?:\s+(?:Setda|Setkab|Setdaprov|Setdakab|"
                           r"Setdakot|Pemkot|Pemkab|Pemprov|Pemko|DPRD|Kabupaten|Kota|Provinsi))*")
_TITLE_TOKENS = frozenset("h hj dr drs dra ir prof kh dr drg tgh ust".split())
_NAME_STOP = frozenset(
    """senin selasa rabu kamis jumat jum'at sabtu minggu ahad dalam di saat bersama beserta
    dan selaku pada yang usai setelah ketika sementara menurut kota kabupaten provinsi
    pemkot pemko pemkab pemprov pemerintah dprd dprk komisi rombongan balai ruang gedung
    kantor pendopo rumah januari februari maret april mei juni juli agustus september
    oktober november desember wali walikota bupati gubernur wakil sekda ketua kepala asisten
    kami kita ia dia mereka turut hadir sekretaris camat lurah kapolres dandim ini itu
    dinas badan bapak ibu the""".split()
)
_PLACE_BEFORE_RE = re.compile(
    r"\b(?:Kantor|Rumah\s+Dinas|Rumah\s+Jabatan|Ruang(?:\s+Rapat)?|Gedung|Pendopo|Balai|Aula|"
    r"Komplek|Kompleks|Jalan|Jl\.?|Halaman|Lobi|Lobby|Piala|Penghargaan|Cup)\s+$")
_NAME_TOKEN_RE = re.compile(r"[A-Z][A-Za-z'’-]*\.?|[A-Z]\.")


@dataclass(frozen=True)
class Person:
    start: int
    end: int
    sentence: int
    role: str
    name: str | None
    name_start: int
    name_end: int
    region: Region | None
    body: str
    rank: int
    mention: Mention | None


def find_people(text: str, sentence_of, mentions: list[Mention],
                matcher: RegionMatcher) -> list[Person]:
    """Officials in ``text`` (the article body); ``sentence_of(offset)`` gives a sentence index."""
    out: list[Person] = []
    by_pos = sorted(mentions, key=lambda m: m.start)
    for head in ROLE_HEAD_RE.finditer(text):
        start, pos = head.start(), head.end()
        if _PLACE_BEFORE_RE.search(text, max(0, start - 30), start):
            continue  # "Kantor Wali Kota Pekanbaru" is a building, not a person
        region_mention = None
        for m in by_pos:
            if m.end <= start:
                continue
            if m.start > pos + 2:
                break
            # A mention inside or right after the role: "Kepala DLH Kota Padang", "Bupati Tuban".
            gap = text[pos:m.start] if m.start >= pos else ""
            if m.start < pos or re.fullmatch(r"\s*(?:\([^()\n]{1,30}\)\s*)?", gap):
                region_mention = m
                pos = m.end
                break
        if region_mention is None:
            tail = _ROLE_TAIL_RE.match(text, pos)
            if tail:
                pos = tail.end()
        role_text = re.sub(r"\s*\([^()]*\)", "", text[start:pos])
        role_text = clean_role(" ".join(role_text.split()))
        name, name_start, name_end = _read_name(text, pos)
        if name and any(m.start == name_start or m.name_start == name_start for m in by_pos):
            name = None  # "Gubernur Jawa Timur, Surabaya": a place, not a name
        region = _person_region(role_text, region_mention, matcher)
        council = bool(re.search(r"DPRD|DPRK|Komisi|Bapemperda|Pansus|Dewan", role_text))
        out.append(Person(start, name_end if name else pos, sentence_of(start), role_text, name,
                          name_start, name_end, region,
                          BODY_COUNCIL if council else BODY_GOVERNMENT, _rank(role_text),
                          region_mention))
    return out


def _read_name(text: str, pos: int) -> tuple[str | None, int, int]:
    m = re.match(r"\s*,?\s*", text[pos:])
    i = pos + (m.end() if m else 0)
    start = i
    words: list[str] = []
    end = i
    while len(words) < 6:
        tok = _NAME_TOKEN_RE.match(text, i)
        if not tok:
            break
        word = tok.group()
        bare = word.rstrip(".").lower()
        if bare in _NAME_STOP:
            break
        if word.endswith(".") and bare not in _TITLE_TOKENS and len(bare) > 1 \
                and bare not in ("moh", "muh", "muhd", "st"):
            # "Hidayat." ends the sentence: keep the word, drop the period.
            words.append(word[:-1])
            end = tok.end() - 1
            break
        words.append(word)
        end = tok.end()
        i = tok.end()
        if text[i:i + 1] != " ":
            break
        i += 1
    while words and words[0].rstrip(".").lower() in _TITLE_TOKENS and len(words) > 1:
        words.pop(0)
    core = [w for w in words if len(w.rstrip(".")) >= 3]
    if not core:
        return None, start, start
    name = clean_name(" ".join(words))
    return (name or None), start, end


def _person_region(role: str, mention: Mention | None, matcher: RegionMatcher) -> Region | None:
    if mention is None:
        return None
    if mention.region is not None and mention.kind != "bare":
        return mention.region
    resolved = matcher.resolve(role)
    if resolved.region is not None:
        return resolved.region
    return mention.region


def _rank(role: str) -> int:
    low = role.lower()
    if re.match(r"(?:pj |plt |plh |penjabat )?(?:wali kota|bupati|gubernur)\b", low):
        return 0
    if re.match(r"ketua dprd|ketua dprk", low):
        return 0
    if re.match(r"(?:pj |plt )?wakil (?:wali kota|bupati|gubernur)\b", low):
        return 1
    if re.match(r"wakil ketua dprd", low):
        return 1
    if re.match(r"ketua (?:komisi|bapemperda|pansus|badan)", low):
        return 2
    if re.match(r"sekretaris daerah|sekda|sekprov|sekdaprov", low):
        return 2
    if low.startswith("asisten"):
        return 3
    if low.startswith(("kepala", "kadis")):
        return 4
    return 5
