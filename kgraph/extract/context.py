"""What a report says about its governments, read once and shared by the claim readers.

- Mentions per sentence, with ambiguous names resolved from the rest of the report: a
  bare "Malang" (or "Sekda Malang") is Kota Malang when the report also says "Pemkot
  Malang" or "Wali Kota Malang", Kabupaten Malang when it says "Pemkab" or "Bupati".
- The body of a side written with a level word only ("dari Kabupaten Pekalongan"): a
  council when the report calls that region's side a council and never a government.
- Officials and their names; a name mentioned again ("Gubernur Khofifah", "Sumendap")
  points back to the official's government.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import replace

from ..read.article import Article
from ..resolve.gazetteer import BODY_COUNCIL, BODY_GOVERNMENT, Region
from .people import Person, find_people
from .regions import KIND_COUNCIL, KIND_GOV, KIND_OFFICE, KIND_ROLE, KIND_VENUE, \
    Mention, RegionMatcher
from .roles import region_level, role_level
from .text import Document, Sentence, segment

Party = tuple[str, str]  # (region code, body)
_COUNCIL_OF_RE = re.compile(r"\b(?:DPRD|DPRK|dewan|legislatif|wakil\s+rakyat)\s+(?:asal|dari)\s+$",
                            re.I)
# Words after which the next official belongs to the other side ("diterima oleh Sekda").
_HANDOVER_RE = re.compile(r"\b(?:diterima|disambut|dijamu|menerima|menyambut|oleh|kepada|"
                          r"dengan|ke|di|dari|bersama|dan|serta)\b", re.I)


class Context:
    """A segmented report with its mentions and officials."""

    def __init__(self, article: Article, matcher: RegionMatcher) -> None:
        self.article = article
        self.matcher = matcher
        self.doc: Document = segment(article.body)
        self.body = article.body
        self.flat = self.doc.flat
        self.sentences: list[Sentence] = self.doc.sentences
        self._starts = [s.start for s in self.sentences]
        mentions = [m for m in matcher.find(self.flat) if not self._in_lead(m)]
        self.mentions = self._resolve(mentions)
        self.by_sentence: dict[int, list[Mention]] = {}
        for m in self.mentions:
            s = self.sentence_of(m.start)
            if s is not None and not self.sentences[s].noise:
                self.by_sentence.setdefault(s, []).append(m)
        self._bodies = self._body_evidence()
        headline_end = max((s.end for s in self.sentences if s.headline), default=0)
        self.people: list[Person] = self._inherit(
            find_people(self.flat, self.sentence_index, self.mentions, matcher, headline_end))
        self._people_sentences = {p.sentence for p in self.people}
        self._extend_officials()
        self._names = {p.name.split()[-1].lower(): p for p in self.people
                       if p.name and p.region is not None and not p.in_headline}

    # -- positions

    def sentence_of(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0 or offset > self.sentences[i].end:
            return None
        return i

    def sentence_index(self, offset: int) -> int:
        s = self.sentence_of(offset)
        return -1 if s is None else s

    def _in_lead(self, m: Mention) -> bool:
        """A mention in a dateline ("MALANG – ") names where, not who."""
        s = self.sentence_of(m.start)
        return s is not None and m.start < self.sentences[s].lead

    # -- mentions

    def parties(self, s: Sentence) -> list[Mention]:
        """The mentions of sentence ``s`` that can be a side of a visit."""
        return [m for m in self.by_sentence.get(s.index, []) if m.party and m.candidates]

    def venues(self, s: Sentence) -> list[Mention]:
        return [m for m in self.by_sentence.get(s.index, []) if m.kind == KIND_VENUE
                and m.region is not None]

    def dateline_regions(self) -> list[Region]:
        """Regions named in the report's datelines ("Palembang, jejakopd.com – ")."""
        out = []
        for s in self.sentences[:12]:
            if s.lead > s.start:
                for m in self.matcher.find(self.flat[s.start:s.lead]):
                    if m.region is not None:
                        out.append(m.region)
        return out

    def _resolve(self, mentions: list[Mention]) -> list[Mention]:
        """Ambiguous names take the region the report names unambiguously elsewhere."""
        votes: Counter[str] = Counter()
        for m in mentions:
            if m.region is not None and m.level and not m.qualifier and not m.blocked:
                votes[m.region.code] += 1
        out = []
        for m in mentions:
            if m.region is None and len(m.candidates) > 1:
                ranked = sorted(m.candidates, key=lambda r: -votes[r.code])
                if votes[ranked[0].code] and votes[ranked[0].code] > votes[ranked[1].code]:
                    m = replace(m, candidates=(ranked[0],))
            out.append(m)
        return out

    def _body_evidence(self) -> dict[str, set[str]]:
        """For each region: the bodies its explicit mentions name (council, government)."""
        seen: dict[str, set[str]] = {}
        for m in self.mentions:
            if m.region is None or m.blocked or m.qualifier:
                continue
            explicit = m.kind in (KIND_COUNCIL, KIND_OFFICE) or (
                m.kind in (KIND_GOV, KIND_ROLE, KIND_VENUE) and m.body == BODY_COUNCIL) or (
                m.kind in (KIND_GOV, KIND_ROLE) and re.match(
                    r"(?:Pem|Pemerintah|Pemda)", m.text))
            if m.kind == KIND_ROLE and m.role and m.body == BODY_GOVERNMENT:
                explicit = True
            if explicit:
                seen.setdefault(m.region.code, set()).add(m.body)
        return seen

    def body_of(self, m: Mention) -> str:
        """The body of a side: as written, or from the report when only a level word says."""
        if m.kind in (KIND_COUNCIL, KIND_OFFICE, KIND_ROLE) or m.region is None:
            return m.body
        if m.kind == KIND_GOV and re.match(r"(?:Pem|Pemerintah|Pemda)", m.text):
            return m.body
        if _COUNCIL_OF_RE.search(self.flat, max(0, m.start - 40), m.start):
            return BODY_COUNCIL  # "anggota DPRD dari Kabupaten Purbalingga"
        bodies = self._bodies.get(m.region.code, set())
        if bodies == {BODY_COUNCIL}:
            return BODY_COUNCIL
        return m.body

    def party(self, m: Mention) -> Party | None:
        """The side a mention names: (region code, body); a name the report leaves
        ambiguous ("ke Malang": Kota or Kabupaten) is "?" and its candidates' codes."""
        if m.region is None:
            if len(m.candidates) < 2:
                return None
            return ("?" + "|".join(sorted(r.code for r in m.candidates)), self.body_of(m))
        return (m.region.code, self.body_of(m))

    # -- people

    def _extend_officials(self) -> None:
        """An official's mention reaches to the end of the name written after it, so that
        "Gubernur Jawa Tengah Ahmad Luthfi dan Gubernur Lampung ..." reads as a list."""
        tails = {p.mention.start: p.name_end for p in self.people
                 if p.mention is not None and p.name and p.name_start >= p.mention.end}
        if not tails:
            return
        for index, ms in self.by_sentence.items():
            self.by_sentence[index] = [replace(m, tail=max(m.tail, tails[m.start]))
                                       if m.start in tails else m for m in ms]

    def side_of(self, p: Person) -> Mention | None:
        """The mention of the government an official serves (through the name when the
        title has no region: "Walikota Tatong Bara" named before as Walikota Kotamobagu)."""
        if p.mention is not None and p.mention.region is not None:
            return p.mention
        if p.name:
            q = self.named(p.name)
            if q is not None and q.mention is not None and q.mention.region is not None:
                return q.mention
        return None

    def _inherit(self, people: list[Person]) -> list[Person]:
        """An official named without a region ("Ketua DPRD Hj. Hindun") right after a side
        ("rombongan DPRD Kabupaten Pekalongan antara lain ...") belongs to that side."""
        out = []
        for p in people:
            if p.region is None and p.mention is None and p.sentence >= 0:
                before = [m for m in self.by_sentence.get(p.sentence, [])
                          if m.extent <= p.start and p.start - m.extent <= 60 and
                          m.region is not None and m.party]
                if before and not _HANDOVER_RE.search(self.flat, before[-1].extent, p.start) \
                        and _level_fits(p.role, before[-1].region):
                    m = before[-1]
                    body = p.body if p.body == BODY_COUNCIL else self.body_of(m)
                    p = replace(p, region=m.region, body=body)
            out.append(p)
        return out

    def people_in(self, sentence: int) -> bool:
        """Whether an official is named in the sentence."""
        return sentence in self._people_sentences

    def person_at(self, start: int, end: int) -> Person | None:
        return next((p for p in self.people if start <= p.start < end), None)

    def named(self, text: str) -> Person | None:
        """An official named earlier, by the last word of the name ("Gubernur Khofifah")."""
        for word in re.findall(r"[A-Z][a-z]{2,}", text):
            p = self._names.get(word.lower())
            if p is not None:
                return p
        return None


def _level_fits(role: str, region: Region | None) -> bool:
    """Whether a title may serve a region of that type ("Bupati" a kabupaten)."""
    level = role_level(role)
    return not level or region is None or region_level(region) == level


__all__ = ["Context", "Party"]
