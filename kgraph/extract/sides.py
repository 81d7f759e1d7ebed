"""Finding the sides of a visit in a sentence, for the readers of :mod:`.claims`.

The subject of a clause (the first side named after the last verb, unless it is the
object of a preposition), the governments coordinated with a side ("A, B dan C"), those
listed after a count, the delegation a sentence points back to (a person, "rombongan",
"Komisi A DPRD", "mereka"), and the region of the venue where a signing took place; and
what reading a report keeps as it goes: its claims, and the delegation named last.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..resolve.gazetteer import BODY_COUNCIL
from .context import Context, Party
from .patterns import (
    ANAPHORA_RE, BARE_COUNCIL_RE, ENUMERATION_RE, GO_RE, GROUP_RE, NON_REGIONAL_ACTOR_RE,
    NOT_A_GOVERNMENT_RE, PASSIVE_RE, RECEIVE_RE,
)
from .regions import KIND_BARE, Mention
from .text import Sentence

_OBJECT_BEFORE_RE = re.compile(
    r"\b(?:di|ke|(?<!tamu )(?<!rombongan )(?<!delegasi )(?<!dewan )(?<!DPRD )(?<!tim )"
    r"(?<!peserta )(?<!kontingen )(?<!pejabat )(?<!anggota )dari|oleh|untuk|kepada|terhadap|"
    r"dengan|antara|didampingi|bersama|beserta|mendampingi|selain|seperti|juga|bagi|menerima|"
    r"mewakili|diwakili|atas\s+nama)\s+(?:[a-z]+\s+){0,2}$", re.I)
_BREAK_RE = re.compile(r"[;:!?]")  # periods inside a sentence are abbreviations
# A finite verb between two names starts a new clause ("Pemko A menyambut kehadiran B").
_VERB_RE = re.compile(
    r"\b(?!(?:mewakili|melalui|meliputi|mendampingi|membawa|memimpin)\b)(?:me(?:m|n|ng|ny)?"
    r"[a-z]{3,}|di(?:bacakan|sampaikan|katakan|jelaskan|ungkapkan|terima|sambut)|"
    r"menyambut|berharap|mengatakan|ujar|kata|bahwa)\b")
_VISITOR_GAP_RE = re.compile(
    r"^(?:\s|,|\(|\)|kunjungan|kunker|kerja|studi|study|komparasi|banding|tiru|kaji|terap|"
    r"silaturahmi|silaturahim|silahturahmi|dan|audiensi|rombongan|delegasi|jajaran|para|dari|"
    r"tim|peserta|sejumlah|pimpinan|anggota|serta|wakil|rakyat|balasan|resmi|lapangan|"
    r"konsultasi|koordinasi|langsung|kedatangan|tamu|pejabat|digelar|dilakukan|dilaksanakan|"
    r"diikuti|oleh|yang|[A-Z]{2,8}|\d+|orang)*$", re.I)
_OPENER_RE = re.compile(
    r"\s*(?:dalam\s+rangka|untuk|guna|demi|setelah|usai|sebelum|selain|terkait|menurut|"
    r"berdasarkan|sehubungan|menindak\s*lanjuti|sesuai|bahkan|meski|walau|melalui|sebagai)\b",
    re.I)
_WHERE_RE = re.compile(r"\b(?:bertempat|berlangsung|dilaksanakan|dilakukan|digelar|diadakan|"
                       r"berlokasi)\b", re.I)


@dataclass
class Claim:
    visitor: Party | None
    host: Party
    sentence: Sentence
    strength: float
    reader: str
    visitor_mention: Mention | None = None
    host_mention: Mention | None = None
    explicit: bool = False       # both sides named in the sentence
    past: bool = False           # an earlier visit, told as having happened
    support_only: bool = False   # only confirms a visit found elsewhere


@dataclass
class Salience:
    """What the report is about so far: the delegation most recently named."""

    visitor: Mention | None = None
    council: Mention | None = None
    claims: list[Claim] = field(default_factory=list)

    def note(self, m: Mention, ctx: Context) -> None:
        self.visitor = m
        if ctx.body_of(m) == BODY_COUNCIL:
            self.council = m


class Sides:
    """The side-finding half of :class:`~kgraph.extract.claims.Reader`: it reads the
    report ``ctx`` (its text ``flat``) and the ``state`` of the reading."""

    ctx: Context
    flat: str
    state: Salience

    def _official(self, pos: int) -> Mention | None:
        """The government of an official named at ``pos`` ("ke Walikota Tatong Bara")."""
        p = self.ctx.person_at(pos, pos + 2)
        return self.ctx.side_of(p) if p is not None else None

    def _more_hosts(self, s: Sentence, ms: list[Mention], host: Mention) -> list[Mention]:
        """"ke Batam, Komisi B ke Pekanbaru ...": more hosts of one trip; a province host
        detailed by regions inside it ("ke NTT ... Kabupaten Manggarai Timur ...")."""
        more = []
        for m in ms:
            if m.start <= host.end or m.region is None:
                continue
            gap = self.flat[host.end:m.start]
            if _BREAK_RE.search(gap) or RECEIVE_RE.search(gap) or PASSIVE_RE.search(gap):
                break
            if re.search(r"\bdi\s+(?:\w+\s+)?$", gap):
                continue  # "ke DPR Papua di Kota Jayapura": where, not whom
            inside = host.region is not None and host.region.is_province and \
                host.kind in ("bare", "gov") and not host.text.startswith("Pem") and \
                m.region.province_code == host.region.code
            if inside or re.search(r"\bke\s+$", gap):
                more.append(m)
        return more

    def _venue_region(self, s: Sentence, codes: set[str]) -> str | None:
        """Which of the regions ``codes`` the venue named in the sentence (or in a later one
        of the report that says where the event took place) belongs to; a venue in a city
        belongs to its province when the province is the party."""
        near = [s] + [x for x in self.ctx.sentences[s.index + 1:s.index + 12]
                      if x.paragraph <= s.paragraph + 8 and not x.noise]
        for x in near:
            if x is not s and not _WHERE_RE.search(x.text):
                continue
            for v in self.ctx.venues(x):
                if v.region is None:
                    continue
                if v.region.code in codes:
                    return v.region.code
                if v.region.province_code in codes:
                    return v.region.province_code
        return None

    def _venue_host(self, s: Sentence, pos: int, exclude: Mention) -> Mention | None:
        for v in self.ctx.venues(s):
            if v.region is not None and v.region != exclude.region:
                return v
        return None

    # -- finding the sides

    def _subject(self, s: Sentence, ms: list[Mention], before: int) -> Mention | None:
        """The government a clause is about: the first side named after the last verb
        before ``before``, unless it is the object of a preposition or accompanies."""
        cands = [m for m in ms if s.lead <= m.start and m.end <= before and
                 not _BREAK_RE.search(self.flat, m.end, before) and
                 not _OBJECT_BEFORE_RE.search(self.flat, max(s.lead, m.start - 40), m.start)]
        if any(x.strong for x in cands):
            cands = [m for m in cands if m.strong or ANAPHORA_RE.search(
                self.flat, max(s.lead, m.start - 12), m.start)]
        if cands and _OPENER_RE.match(self.flat, s.lead):
            # "Dalam rangka ... wewenang DPRD Kota A, komisi DPRD B melaksanakan ...": after
            # an opening phrase the subject is the side named last before the verb.
            return cands[-1]
        for i, m in enumerate(cands):
            later = cands[i + 1] if i + 1 < len(cands) else None
            if later is not None and _VERB_RE.search(self.flat, m.extent, later.start):
                continue  # a new clause starts between them
            return m
        return None

    def _group_head(self, m: Mention, ms: list[Mention]) -> Mention:
        """The first of the coordinated mentions that ``m`` ends ("A, B dan m")."""
        head = m
        for x in reversed([x for x in ms if x.end <= head.start]):
            if re.fullmatch(r"\s*(?:\([^()]{1,40}\))?\s*(?:,|,?\s*dan|,?\s*serta|&)\s*",
                            self.flat[x.extent:head.start]):
                head = x
            else:
                break
        return head

    def _group(self, first: Mention, ms: list[Mention], limit: int) -> list[Mention]:
        """``first`` and the mentions coordinated with it ("DPRD Kota P, Kabupaten B dan ...")."""
        group = [first]
        last = first
        for m in ms:
            if m.start < last.extent or m.end > limit:
                continue
            gap = self.flat[last.extent:m.start]
            if not re.fullmatch(r"\s*(?:\([^()]{1,40}\))?\s*(?:,|,?\s*dan|,?\s*serta|&)\s*"
                                r"(?:(?:pimpinan|anggota|rombongan|jajaran)\s+(?:dan\s+\w+\s+)?)?",
                                gap, re.I):
                break
            if m.kind == KIND_BARE and first.kind != KIND_BARE and first.body == BODY_COUNCIL:
                continue
            group.append(m)
            last = m
        if first.body == BODY_COUNCIL:  # "DPRD Kota P, Kabupaten B": the list shares its body
            group = [first] + [_as_council(m) if m.kind in ("gov", KIND_BARE) and not
                               re.match(r"Pem", m.text) else m for m in group[1:]]
        return group

    def _after(self, ms: list[Mention], pos: int, gap_re: re.Pattern[str], max_gap: int
               ) -> Mention | None:
        for m in ms:
            if m.start < pos - 1:
                continue
            gap = self.flat[pos:m.start]
            if len(gap) > max_gap or not gap_re.match(gap):
                return None
            return m
        return None

    def _actor_between(self, start: int, end: int) -> bool:
        return bool(NON_REGIONAL_ACTOR_RE.search(self.flat, start, end) or
                    NOT_A_GOVERNMENT_RE.search(self.flat, start, end))

    def _enumerated(self, s: Sentence, start: int, end: int | None = None) -> list[Mention]:
        """Governments listed after a count: "tiga kabupaten ... yaitu A, B dan C"."""
        text = self.flat[start:end if end is not None else s.end]
        if not GROUP_RE.search(text):
            return []
        out: list[Mention] = []
        near = [s] + [x for x in self.ctx.sentences[s.index + 1:s.index + 3]
                      if x.paragraph == s.paragraph]
        for x in near:
            for e in ENUMERATION_RE.finditer(self.flat, x.start, x.end):
                first = self._after([m for m in self.ctx.parties(x) if m.start >= e.end()],
                                    e.end(), _VISITOR_GAP_RE, 40)
                if first is not None:
                    out += [m for m in self._group(first, self.ctx.parties(x), x.end)
                            if m not in out]
        return out

    def _implicit(self, s: Sentence, before: int) -> Mention | None:
        """The delegation a sentence points back to: a named person, "rombongan", "Komisi A
        DPRD", "mereka"."""
        clause = self.flat[s.lead:before]
        if NON_REGIONAL_ACTOR_RE.search(clause):
            return None
        person = self.ctx.named(clause)
        if person is not None and person.mention is not None:
            return person.mention
        if BARE_COUNCIL_RE.search(clause) and self.state.council is not None:
            return self.state.council
        if ANAPHORA_RE.search(clause) and self.state.visitor is not None:
            return self.state.visitor
        return None

    def _previous_subject(self, s: Sentence) -> Mention | None:
        """For "Langkah itu diwujudkan melalui kunjungan kerja ke A": the government the
        previous sentence of the paragraph is about."""
        if s.index == 0:
            return None
        prev = self.ctx.sentences[s.index - 1]
        if prev.paragraph != s.paragraph or prev.noise:
            return None
        subject = self._subject(prev, self.ctx.parties(prev), prev.end + 1)
        return subject if subject is not None and subject.strong else None

    def _note_delegation(self, s: Sentence, ms: list[Mention]) -> None:
        """A sentence that names a delegation without a host ("Kunjungan kerja yang
        dilakukan DPRD Kabupaten Bantul ...") makes it the one later sentences refer to."""
        if s.headline:
            return
        for t in GO_RE.finditer(self.flat, s.lead, s.end):
            near = [m for m in ms if abs(m.start - t.end()) < 60 and m.strong]
            if near:
                self.state.note(near[0], self.ctx)
                return
        for m in ms:
            if m.strong and re.search(r"\b(?:rombongan|delegasi)\s+$",
                                      self.flat[max(0, m.start - 12):m.start], re.I):
                self.state.note(m, self.ctx)
                return


def _as_council(m: Mention) -> Mention:
    from dataclasses import replace

    return replace(m, body=BODY_COUNCIL)
