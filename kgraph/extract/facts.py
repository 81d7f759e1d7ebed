"""The facts of one visit, read around the sentences that state it: date, the delegation's
leader, the host official who received it, an agreement signed, topics and the venue.

Every fact keeps the span of text it came from.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ..read.article import AgreementRef, PersonRef
from ..resolve.gazetteer import Region
from .agreements import find_agreement
from .context import Context
from .dates import find_dates
from .patterns import DIPIMPIN_RE, PLACE_RE, RECEIVE_RE, RECEIVED_BY_RE
from .people import REPRESENTING, Person, read_name
from .roles import region_level, role_level
from .text import Sentence
from .topics import TopicOwner, default_topic_finder


@dataclass(frozen=True)
class Span:
    """Where a fact was read: character offsets into the article body and the text there."""

    start: int
    end: int
    text: str


class Facts:
    """Reads the facts of visits from one report."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.flat = ctx.flat

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.ctx.body[start:end])

    def date(self, support: list[int], seg: list[Sentence], spans: dict[str, Span],
             past: bool) -> dt.date | None:
        published = self.ctx.article.published
        sentences = self.ctx.sentences
        ordered = [sentences[i] for i in support if sentences[i].past == past] + \
            [s for s in seg if not s.past and s.index not in support]
        for s in ordered:
            for d in find_dates(s.text, published=published, offset=s.start):
                if d.date is None:
                    return None  # a day without a year and no published date: unknown
                spans["date"] = self.span(d.start, d.end)
                return d.date
        if past:
            return None
        # Several visits reported together: the date of the report's lead applies.
        for s in sentences:
            if s.noise or s.past or s.headline:
                continue
            for d in find_dates(s.text, published=published, offset=s.start):
                if d.date is not None:
                    spans["date"] = self.span(d.start, d.end)
                return d.date
        return None

    def person(self, region: Region, body: str, support: list[int], seg: list[Sentence],
               key: str, spans: dict[str, Span], receiving: bool = False,
               other: Region | None = None) -> PersonRef | None:
        """The official who led (or, ``receiving``, received) the visit for ``region``'s
        ``body``; ``other`` is the region of the visit's other side."""
        local = {s.index for s in seg} | set(support)
        people = [p for p in self.ctx.people if p.name and not p.in_headline]
        cue = RECEIVED_BY_RE if receiving else DIPIMPIN_RE
        sentences = self.ctx.sentences
        ordered = support + [s.index for s in seg if s.index not in support] + \
            [s.index for s in sentences if s.index not in local and not s.noise]
        # 1. "dipimpin Wakil Wali Kota Serang, Nur Agis Aulia" / "diterima oleh Bupati A":
        # an official of this side anywhere, one without a region in the visit's sentences.
        for i in ordered:
            s = sentences[i]
            for m in cue.finditer(self.flat, s.start, s.end):
                p = next((p for p in people if p.start >= m.end() and
                          _CUE_GAP_RE.fullmatch(self.flat[m.end():p.start])), None)
                if p is not None and (p.region == region or (
                        p.region is None and i in local and _fits(p, region, receiving))):
                    return self._ref(p, key, spans)
                if p is None and i in local:
                    # "dipimpin oleh Riyadi, S.Pd selaku Ketua Komisi A"
                    name, start, end = read_name(self.flat, m.end())
                    if name and _SELAKU_RE.match(self.flat, end):
                        spans[key] = self.span(start, end)
                        return PersonRef(name, None)
        if receiving:  # "Wawali Malang Ali Muthohirin menyambut rombongan ..."
            for i in support:
                s = sentences[i]
                for m in RECEIVE_RE.finditer(self.flat, s.start, s.end):
                    for p in people:
                        if p.region == region and p.sentence == i and \
                                0 <= m.start() - p.name_end <= 3:
                            return self._ref(p, key, spans)
        else:  # "Anang Warsito, pimpinan rombongan DPRD X"
            for p in people:
                if p.leads_delegation and (p.region == region or
                                           (p.region is None and p.sentence in local)):
                    return self._ref(p, key, spans)
        # 2. The highest-ranking official of that side named around the visit, or else
        # anywhere in the report.
        for pool in ([p for p in people if p.sentence in local], people):
            own = [p for p in pool if p.region == region and p.body == body] or \
                [p for p in pool if p.region == region]
            if own:
                return self._ref(min(own, key=lambda p: (p.rank, p.start)), key, spans)
        # 3. A headline's official of this side, when the headline is written as a
        # sentence (a photo caption) or the body names the person again: a Title-Case
        # headline puts verbs where names would be.
        for p in self.ctx.people:
            if p.in_headline and p.name and p.region == region and p.body == body and \
                    self._headline_name_holds(p):
                return self._ref(p, key, spans)
        # 4. A head named without a region ("Bupati Drs H Anwar Sadat") whose title fits
        # this side and not the other (a Bupati between a kabupaten and a province).
        level = region_level(region)
        if other is None or region_level(other) != level:
            bare = [p for p in people if p.region is None and p.mention is None and
                    p.rank <= 1 and
                    role_level(p.role) == level and p.body == body and
                    # the name read after the title, or "Budi, mewakili Bupati"
                    (p.name_start > p.start or p.role.startswith(REPRESENTING)) and
                    (p.sentence in local or p.rank == 0)]
            if bare:
                return self._ref(min(bare, key=lambda p: (p.sentence not in local, p.rank,
                                                          p.start)), key, spans)
        return None

    def _headline_name_holds(self, p: Person) -> bool:
        # A sentence has lower-case words of substance ("menghadiri acara"); a Title-Case
        # headline at most short function words ("di", "dan").
        text = self.ctx.sentences[p.sentence].text
        if len(re.findall(r"\b[a-z]{5,}\b", text)) >= 2:
            return True
        last = p.name.split()[-1]  # type: ignore[union-attr]
        return len(last) >= 3 and re.search(rf"\b{re.escape(last)}\b",
                                            self.flat[p.name_end:]) is not None

    def _ref(self, p: Person, key: str, spans: dict[str, Span]) -> PersonRef:
        if p.represented_by is not None:  # "Wali Kota A diwakili Asisten Umum B": B received
            p = self.ctx.people[p.represented_by]
            if p.name is None:
                return None  # type: ignore[return-value]
        spans[key] = self.span(p.name_start, p.name_end)
        return PersonRef(p.name, p.role.strip(" ,") or None)  # type: ignore[arg-type]

    def agreement(self, seg: list[Sentence], date: dt.date | None,
                  spans: dict[str, Span]) -> AgreementRef | None:
        for s in sorted(seg, key=lambda s: s.headline):  # the body says more than a headline
            if s.past:
                continue
            found = find_agreement(s.text, s.start)
            if found is None:
                continue
            dates = [d.date for d in find_dates(s.text, published=self.ctx.article.published)]
            if date is not None and any(d is not None and d != date for d in dates):
                continue  # signed on another day
            spans["agreement"] = self.span(found.start, found.end)
            return AgreementRef(found.type, found.subject)
        return None

    def topics(self, seg: list[Sentence], support: list[int],
               spans: dict[str, Span]) -> tuple[str, ...]:
        """What the visit studied: topics said after a phrase of purpose ("mempelajari ...",
        "membahas ...", "di bidang ..."), in the visit's own paragraphs or headline, or in
        two sentences or more around it; not those of a paragraph about another delegation."""
        finder = default_topic_finder()
        counts: dict[str, int] = {}  # sentences that name the topic
        first: dict[str, tuple[int, int]] = {}
        strong: set[str] = set()
        sentences = self.ctx.sentences
        lead_paragraphs = {sentences[i].paragraph for i in support}
        at = {m.start: m for m in self.ctx.mentions}
        owner = TopicOwner(seg, self.ctx.by_sentence,
                           at.get(spans["visitor"].start) if "visitor" in spans else None,
                           at.get(spans["host"].start) if "host" in spans else None)
        for s in seg:
            if s.past:
                continue
            before = sentences[s.index - 1] if s.index else None
            hits = [h for h in finder.read(s.text, s.start, before.text if before is not None
                                           and before.paragraph == s.paragraph else "")
                    if owner(s, h.end)]
            lead = s.paragraph in lead_paragraphs or s.headline
            for label in dict.fromkeys(h.label for h in hits):
                counts[label] = counts.get(label, 0) + 1
            for h in hits:
                first.setdefault(h.label, (h.start, h.end))
                if lead or h.focused:
                    strong.add(h.label)
        keep = [t for t in counts if counts[t] >= 2 or t in strong]
        keep.sort(key=lambda t: (t not in strong, -counts[t], first[t][0]))
        keep = sorted(keep[:6], key=lambda t: first[t][0])
        for i, label in enumerate(keep):
            spans[f"topics[{i}]"] = self.span(*first[label])
        return tuple(keep)

    def place(self, support: list[int], spans: dict[str, Span]) -> str | None:
        for i in support:
            s = self.ctx.sentences[i]
            m = PLACE_RE.search(self.flat, s.start, s.end)
            if m:
                place = " ".join(m.group("place").split()).rstrip(" ,")
                spans["place"] = self.span(m.start("place"), m.start("place") +
                                           len(m.group("place").rstrip(" ,")))
                return place
        return None


def _fits(p: Person, region: Region, receiving: bool) -> bool:
    """Whether an official without a resolved region may serve ``region``."""
    return p.mention is None or region in p.candidates or receiving


# Between a cue and the official: nothing, a word ("lansung"), or words ending in "oleh".
_CUE_GAP_RE = re.compile(r"(?:[a-z]+ )?|(?:[a-z]+ ){1,4}oleh ")
_SELAKU_RE = re.compile(r"(?:, ?[A-Za-z.]{1,8})*,? (?:selaku|sebagai) ")


__all__ = ["Facts", "Span"]
