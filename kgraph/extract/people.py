"""Officials named in a report: role, region and name ("Wali Kota Malang, Wahyu Hidayat").

A title (:mod:`.roles`) is extended over the region mention that follows it, then a name
is read: capitalised words, with honorifics and degrees allowed around it and stripped by
:func:`kgraph.resolve.names.clean_name`. A name must look like a person's name: Title-Case
headlines ("Wali Kota Blitar Berkunjung ke ...") put verbs and nouns where a name would
be, so words of the language's common vocabulary end a name, unless an honorific announces
it ("Drs. H. Cek Endra"); an office ("Diskominfo") is never a name. A name written before
its title is read too ("Anang Warsito, pimpinan rombongan DPRD Bojonegoro", "menurut Ria
Agusria wakil ketua DPRD X"), and so is one standing in for an official ("Budi, mewakili
Bupati X"). "X diwakili Y" or "X melalui Y" (X represented by, or acting through, Y) links
the two, so the person who actually received a delegation can be told from the one who was
represented.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..resolve.gazetteer import BODY_COUNCIL, BODY_GOVERNMENT, Region
from ..resolve.names import clean_name, clean_role
from .regions import KIND_OFFICE, OFFICE_NAMES, Mention, RegionMatcher
from .roles import (FIELD, ROLE_HEAD_RE, ROLE_TAIL_RE, office_title_end, rank, region_level,
                    role_body, role_level)

_TITLE_TOKENS = frozenset("h hj hm dr drs dra ir prof kh drg tgh ust ny tn apt bpk pak bapak ibu bu "
                          "sdr haji hajjah".split())
# Lowercase words that may stand inside a name ("Abdullah hi. M. Saleh", "Zainal bin Umar").
_NAME_PARTICLES = frozenset("bin binti hi van von de da al el".split())
# Verb forms that a Title-Case line puts where a name would be ("Bupati X Mengatakan").
_VERB_FORM_RE = re.compile(r"^(?:me(?:ng|ny|m|n)[a-z]{3,}(?:kan|i)|(?:ber|di|ter|mem|men)[a-z]{3,}"
                           r"kan|ber[a-z]{3,}(?:i|an))$")
# Words that end a name: function words, days, months, titles, and the common vocabulary
# of visit reports (a Title-Case headline is made of them).
_NAME_STOP = frozenset(
    """senin selasa rabu kamis jumat jum'at sabtu minggu ahad dalam di saat bersama beserta
    dan selaku pada yang usai setelah ketika sementara menurut kota kabupaten provinsi
    mengatakan menyampaikan menjelaskan mengungkapkan menegaskan menambahkan meminta
    pemkot pemko pemkab pemprov pemerintah pemerintahan dprd dprk komisi rombongan balai
    ruang gedung kantor pendopo rumah januari februari maret april mei juni juli agustus
    september oktober november desember wali walikota bupati gubernur wakil sekda ketua
    kepala asisten kami kita ia dia mereka turut hadir sekretaris camat lurah kapolres
    dandim ini itu dinas badan the didampingi diwakili mewakili menerima terima
    sambut menyambut berkunjung kunjungi mengunjungi kunjungan kunker kerja studi banding
    kaji tiru belajar lakukan melakukan gelar resmikan jajaki datangi sambangi bahas bertemu
    temui tandatangani teken serahkan hadiri ajak minta dorong apresiasi pimpin beri
    berikan tinjau paparkan jelaskan akan sudah
    telah juga pun bidang pembangunan pelayanan publik dari ke untuk oleh dengan atas
    tentang terkait soal sebagai karena agar namun tetapi para seluruh sejumlah beberapa
    rapat pertemuan acara kegiatan program daerah wilayah negeri nasional indonesia
    perwakilan partai fraksi sekretariat setda mou pks kesepakatan nota perjanjian smart
    city kiblat tunjukkan naskah menuju jadi menjadi sedang saling tawarkan cek
    selamat datang terima kasih sekaligus usai kedatangan kehadiran serta tamu undangan
    lainnya unsur forkopimda forkompimda staf jajaran beserta kabag kasubag kasubbag kabid
    kadis kepala sekwan setwan opd skpd humas protokol dewan anggota tokoh masyarakat warga
    tim studi kunjungannya rombongannya turut dalam hal mengenai saat ini tersebut""".split()
)
_PLACE_BEFORE_RE = re.compile(
    r"\b(?:Kantor|Rumah\s+Dinas|Rumah\s+Jabatan|Ruang(?:\s+Rapat|\s+Kerja)?|Gedung|Pendopo|"
    r"Balai|Aula|Komplek|Kompleks|Jalan|Jl\.?|Halaman|Lobi|Lobby|Piala|Penghargaan|Cup|"
    r"Staf\s+Ahli)\s+$", re.I)
# An initial glued to the previous one: the "L" of "H.L Mansawan".
_GLUED_INITIAL_RE = re.compile(r"[A-Z](?:\.|(?=[ ,]))")
# Offices acting for a region ("Diskominfo", "Bappeda", "BPKAD"): never a person's name.
_OFFICE_NAMES = frozenset(OFFICE_NAMES)
_NAME_TOKEN_RE = re.compile(r"[A-Z][A-Za-z'’-]*\.?|[A-Z]\.")
_LEADS_RE = re.compile(r"(?:ketua|pimpinan)\s+(?:rombongan|tim|delegasi)", re.I)
_FIELD_RE = re.compile(r" " + FIELD)
_COMMA_GAP_RE = re.compile(r" ?, ?")
_REPRESENTED_RE = re.compile(r"\s*,?\s*(?:yang\s+)?(?:diwakili|mewakili|melalui)(?:\s+oleh)?\s+")
# "Anang Warsito, SH, pimpinan rombongan DPRD X", "Muji, ketua rombongan dari DPRD X".
_LEADER_ROLE_RE = re.compile(r", ?(?:selaku )?(?P<role>(?:pimpinan|ketua) rombongan)(?: dari)? ",
                             re.I)
_NAME_BEFORE_RE = re.compile(r"(?P<name>[A-Z][A-Za-z'’.-]*(?: [A-Z][A-Za-z'’.-]*){0,4})"
                             r"(?:, ?[A-Za-z.]{1,6}\.?)*\s*$")


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
    represented_by: int | None = None  # index (in the list) of who stood in for this person
    leads_delegation: bool = False     # "pimpinan rombongan", "ketua rombongan"
    in_headline: bool = False

    @property
    def candidates(self) -> tuple[Region, ...]:
        if self.region is not None:
            return (self.region,)
        return self.mention.candidates if self.mention is not None else ()


def find_people(text: str, sentence_of, mentions: list[Mention], matcher: RegionMatcher,
                headline_end: int = 0) -> list[Person]:
    """Officials in ``text`` (the article body, soft breaks flattened); ``sentence_of(offset)``
    gives a sentence index; text before ``headline_end`` is a headline."""
    out: list[Person] = []
    by_pos = sorted(mentions, key=lambda m: m.start)
    for head in ROLE_HEAD_RE.finditer(text):
        start, pos = head.start(), office_title_end(text, head.start(), head.end(),
                                                    _OFFICE_NAMES)
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
                pos = m.extent  # past a qualifying province: "Walikota Metro Lampung Wahdi"
                break
        if region_mention is None:
            # "Kepala Bidang Informasi Publik, Diskominfo Kabupaten Bogor, Yunita ...": the
            # office set off by commas between the title and the name.
            office = next((m for m in by_pos if m.start > pos and m.kind == KIND_OFFICE and
                           _COMMA_GAP_RE.fullmatch(text, pos, m.start)), None)
            if office is not None and _COMMA_GAP_RE.match(text, office.extent) and \
                    read_name(text, office.extent)[0]:
                region_mention, pos = office, office.extent
        if region_mention is None:
            tail = ROLE_TAIL_RE.match(text, pos)
            if tail:
                pos = tail.end()
        field = _FIELD_RE.match(text, pos)  # "Asisten II Setda Kota X Bidang Pembangunan, NAME"
        if field:
            pos = field.end()
        role_text = re.sub(r"\s*\([^()]*\)", "", text[start:pos])
        role_text = clean_role(" ".join(role_text.split()))
        name, name_start, name_end = read_name(text, pos)
        if name and any(m.start == name_start or m.name_start == name_start for m in by_pos):
            name = None  # "Gubernur Jawa Timur, Surabaya": a place, not a name
        if name is None:
            name, name_start, name_end, representing = _name_before(text, start)
            if representing:
                # "Ir. Moh. Taufik, M.Sc., mewakili Bupati X": the person stands in for X's head
                role_text = REPRESENTING + role_text
        region = _person_region(role_text, region_mention, matcher)
        body = role_body(role_text) if region_mention is None or region_mention.body != \
            BODY_COUNCIL else BODY_COUNCIL
        out.append(Person(start, name_end if name else pos, sentence_of(start), role_text, name,
                          name_start, name_end, region, body,
                          rank(role_text.removeprefix(REPRESENTING)), region_mention,
                          leads_delegation=bool(_LEADS_RE.match(role_text)),
                          in_headline=start < headline_end))
    out.extend(_delegation_leaders(text, sentence_of, by_pos, headline_end))
    out.sort(key=lambda p: p.start)
    return _link_representatives(text, out)


def read_name(text: str, pos: int) -> tuple[str | None, int, int]:
    """The person's name written at ``pos`` (after a title), with its offsets."""
    m = re.match(r"\s*(?:\([^()\n]{1,30}\)\s*)?,?\s*", text[pos:])
    i = pos + (m.end() if m else 0)
    start = i
    words: list[str] = []
    end = i
    glued = False
    while len(words) < 7:
        tok = _NAME_TOKEN_RE.match(text, i)
        lower = re.match(r"[a-z]+\.?", text[i:i + 12])
        if not tok and lower and (lower.group().rstrip(".") in _TITLE_TOKENS or
                                  (lower.group().rstrip(".") in _NAME_PARTICLES and words)):
            # "dr." or "pak" before the name, "bin" or "hi." inside it
            if lower.group().rstrip(".") in _NAME_PARTICLES:
                words.append(lower.group())
            i += lower.end()
            spaces = re.match(r" +", text[i:i + 4])
            if not spaces:
                break
            i += spaces.end()
            continue
        if not tok:
            break
        word = tok.group()
        bare = word.rstrip(".").lower()
        if bare in _NAME_STOP or _VERB_FORM_RE.match(bare) or word in _OFFICE_NAMES:
            if not (_after_honorifics(words) and _name_follows(text, tok.end())):
                break
            # "Drs. H. Cek Endra": after an honorific, a common word that another
            # capitalised word follows starts the name.
        if not words and word.endswith(".") and bare in _TITLE_TOKENS and \
                text[tok.end():tok.end() + 1].isalpha():
            i = tok.end()  # "H.M Ramlan": a title glued to the next initial
            continue
        if word.endswith(".") and bare not in _TITLE_TOKENS and len(bare) > 1 \
                and bare not in ("moh", "muh", "muhd", "moch", "mhd", "abd", "st", "hi"):
            # "Hidayat." ends the sentence: keep the word, drop the period.
            words.append(word[:-1])
            end = tok.end() - 1
            break
        if glued:
            words[-1] += word
        else:
            words.append(word)
        end = tok.end()
        i = tok.end()
        glued = len(bare) == 1 and word.endswith(".") and bool(_GLUED_INITIAL_RE.match(text, i))
        if glued:
            continue  # "Ranley H.L Mansawan": initials written without a space
        spaces = re.match(r" +", text[i:i + 4])
        if not spaces:
            break
        i += spaces.end()
    while words and words[-1].rstrip(".").lower() in _NAME_PARTICLES:
        words.pop()
    while words and words[0].rstrip(".").lower() in _TITLE_TOKENS and len(words) > 1:
        words.pop(0)
    core = [w for w in words if len(w.rstrip(".")) >= 3 and w.rstrip(".").lower()
            not in _TITLE_TOKENS]
    if not core:
        return None, start, start
    name = clean_name(" ".join(words))
    return (name or None), start, end


def _after_honorifics(words: list[str]) -> bool:
    """Whether the words read so far are honorifics only ("Drs. H.")."""
    return bool(words) and all(w.rstrip(".").lower() in _TITLE_TOKENS for w in words)


def _name_follows(text: str, pos: int) -> bool:
    """Whether a capitalised word that may stand in a name follows ``pos``."""
    m = re.match(r" +([A-Z][a-z'’-]+)\b", text[pos:pos + 40])
    return bool(m) and m.group(1).lower() not in _NAME_STOP and \
        not _VERB_FORM_RE.match(m.group(1).lower())


def _name_before(text: str, start: int) -> tuple[str | None, int, int, bool]:
    """"Drs HM Syarif Hidayat MM Bupati X", "Menurut Ria Agusria wakil ketua DPRD X": a
    name written right before the title, with its offsets, and whether the person stands in
    for the official ("Budi, mewakili Bupati X")."""
    window = text[max(0, start - 70):start]
    m = _BEFORE_TITLE_RE.search(window)
    if not m:
        return None, start, start, False
    words = [(w.start(), w.group()) for w in re.finditer(r"\S+", m.group(1))]
    if len(words) > 1 and words[0][1].lower() in _SPEECH_WORDS:
        words = words[1:]  # "Menurut Ria Agusria ...": the name follows the verb
    if any(w.rstrip(".").lower() in _NAME_STOP or _VERB_FORM_RE.match(w.lower())
           for _, w in words):
        return None, start, start, False
    name = clean_name(" ".join(w for _, w in words))
    if not name or len(name.replace(" ", "")) < 3:
        return None, start, start, False
    name_start = start - len(window) + m.start(1)
    return name, name_start + words[0][0], name_start + len(m.group(1)), \
        m.group("representing") is not None


#: The start of the role of someone standing in for an official ("mewakili Bupati X").
REPRESENTING = "mewakili "
# Words that introduce what someone said, and the speaker's name after them.
_SPEECH_WORDS = frozenset("kata ujar ucap jelas tutur ungkap imbuh menurut".split())
_BEFORE_TITLE_RE = re.compile(
    r"(?:^|[,.;:\"”]\s+|\n|\b(?:" + "|".join(_SPEECH_WORDS) + r")\s+)"
    r"((?:[A-Z][A-Za-z'’.]* +){0,5}[A-Z][A-Za-z'’.]*)(?:, *[A-Z][A-Za-z.]{0,7})* *,? +"
    r"(?P<representing>(?:yang +)?mewakili +)?$")


def _delegation_leaders(text: str, sentence_of, mentions: list[Mention],
                        headline_end: int) -> list[Person]:
    out = []
    for r in _LEADER_ROLE_RE.finditer(text):
        m = _NAME_BEFORE_RE.search(text, max(0, r.start() - 80), r.start())
        if m is None:
            continue
        if text[:m.start()].rstrip(" ")[-1:] not in ("", ".", ",", ";", ":", "\n", '"', "”"):
            continue  # the name must start a clause
        name, _, _ = read_name(m.group("name"), 0)
        if not name:
            continue
        after = next((x for x in mentions if x.start >= r.end() and x.start - r.end() <= 2),
                     None)
        region = after.region if after is not None else None
        body = after.body if after is not None else BODY_GOVERNMENT
        out.append(Person(m.start(), m.end("name"), sentence_of(m.start()),
                          "Ketua Rombongan", name, m.start("name"), m.end("name"), region, body,
                          2, after, leads_delegation=True, in_headline=m.start() < headline_end))
    return out


def _link_representatives(text: str, people: list[Person]) -> list[Person]:
    """Mark "X diwakili Y": X's ``represented_by`` is Y."""
    out = list(people)
    for i, p in enumerate(out):
        m = _REPRESENTED_RE.match(text, p.end)
        if not m or not text[p.end:m.end()].lstrip(" ,").startswith(("diwakili", "melalui")):
            continue
        for j in range(i + 1, len(out)):
            q = out[j]
            if q.start >= m.end() and q.start - m.end() <= 3:
                out[i] = _with(p, represented_by=j)
                break
    return out


def _with(p: Person, **changes) -> Person:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    return replace(p, **changes)


def _person_region(role: str, mention: Mention | None, matcher: RegionMatcher) -> Region | None:
    if mention is None:
        return None
    if mention.region is not None:
        return mention.region
    level = role_level(role)
    if level:
        fitting = [r for r in mention.candidates if region_level(r) == level]
        if len(fitting) == 1:
            return fitting[0]
    return None


__all__ = ["REPRESENTING", "Person", "find_people", "read_name"]
