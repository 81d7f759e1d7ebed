"""Rule-based extraction of inter-regional visits from Indonesian news text.

>>> from kgraph.articles import parse_article
>>> article = parse_article("Pemkot Malang menerima kunjungan kerja Pemkab Serang, Senin (6/10/2025).")
>>> [(v.visitor, v.host, str(v.date)) for v in extract(article)]
[('Pemkab Serang', 'Pemkot Malang', '2025-10-06')]

Each sentence is read for three shapes of report: host first ("Pemkot A menerima
kunjungan kerja Pemkab B"), visitor first ("Rombongan DPRD B melakukan kunjungan kerja ke
DPRD A", "B belajar ... ke A", "B mengunjungi A") and passive ("Rombongan B disambut oleh
Wali Kota A"). Each reading is a *claim* (visitor, host, sentence); claims about the same
pair make one visit, whose date, leader, receiver, agreement, topics and place are read
from the sentences that support it and the paragraphs that follow. Every fact keeps the
span of text it came from. Nothing here downloads anything or guesses a year.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass, field

from ..articles import AgreementRef, Article, PersonRef, VisitAnnotation
from ..gazetteer import BODY_COUNCIL, Region, normalize
from .agreements import find_agreement
from .dates import find_dates
from .patterns import (
    ANAPHORA_RE, DIPIMPIN_RE, DIRECT_GO_RE, GO_GAP_MAX, GO_RE, NON_REGIONAL_ACTOR_RE,
    NOT_A_GOVERNMENT_RE, PASSIVE_RE, PLACE_RE, RECEIVE_RE, RECEIVED_BY_RE, TO_RE, Sentence,
    dateline_end, split_sentences,
)
from .people import Person, find_people
from .regions import KIND_BARE, Mention, RegionMatcher, default_matcher
from .topics import default_topic_finder

__all__ = ["ExtractedVisit", "Span", "extract", "party_name", "headline"]

METHOD = "extracted"


@dataclass(frozen=True)
class Span:
    """Where a fact was read: character offsets into the article body and the text there."""

    start: int
    end: int
    text: str


@dataclass
class ExtractedVisit:
    """A visit found in an article, with the evidence for each of its facts."""

    visitor: str
    host: str
    visitor_region: Region
    host_region: Region
    visitor_body: str
    host_body: str
    date: dt.date | None = None
    led_by: PersonRef | None = None
    received_by: PersonRef | None = None
    topics: tuple[str, ...] = ()
    agreement: AgreementRef | None = None
    place: str | None = None
    evidence: str | None = None
    confidence: float = 0.5
    spans: dict[str, Span] = field(default_factory=dict)

    def annotation(self) -> VisitAnnotation:
        """The visit as the annotated-article format holds it (``method="extracted"``)."""
        return VisitAnnotation(
            visitor=self.visitor, host=self.host, date=self.date, led_by=self.led_by,
            received_by=self.received_by, topics=self.topics, agreement=self.agreement,
            place=self.place, evidence=self.evidence, method=METHOD,
            confidence=self.confidence,
        )


Party = tuple[str, str]  # (region code, body)


@dataclass
class _Claim:
    visitor: Mention | None
    host: Mention
    visitor_party: Party
    host_party: Party
    sentence: Sentence
    strength: float
    support_only: bool = False


# --------------------------------------------------------------------------- naming

_GOV_PREFIX = {"kota": "Pemkot", "kota administrasi": "Pemkot", "kabupaten": "Pemkab",
               "provinsi": "Pemprov"}
_COUNCIL_PREFIX = {"kota": "DPRD Kota", "kota administrasi": "DPRD Kota",
                   "kabupaten": "DPRD Kabupaten", "provinsi": "DPRD Provinsi"}


def party_name(region: Region, body: str, matcher: RegionMatcher | None = None) -> str:
    """How an annotation names a government: "Pemkot Malang", "DPRD Kabupaten Sleman".

    The name resolves back to exactly ``region`` in the gazetteer (a province is added
    when the short name alone is ambiguous).
    """
    matcher = matcher or default_matcher()
    prefix = (_COUNCIL_PREFIX if body == BODY_COUNCIL else _GOV_PREFIX)[region.type]
    options = [f"{prefix} {region.short_name}"]
    if region.province:
        options.append(f"{prefix} {region.short_name} {region.province.split(' ', 1)[1]}")
    for option in options:
        if matcher.resolve(option).region == region:
            return option
    return options[0]


def headline(article: Article) -> str | None:
    """The article's title, or for a raw text the first line when it reads as a headline."""
    if article.title:
        return article.title
    sentences = split_sentences(article.body[:400])
    if sentences and sentences[0].headline:
        return sentences[0].text
    return None


# --------------------------------------------------------------------------- extraction


def extract(article: Article, *, matcher: RegionMatcher | None = None) -> list[ExtractedVisit]:
    """The visits reported in ``article``'s body (its annotations, if any, are ignored)."""
    return _Extractor(article, matcher or default_matcher()).run()


class _Extractor:
    def __init__(self, article: Article, matcher: RegionMatcher) -> None:
        self.article = article
        self.body = article.body
        self.matcher = matcher
        self.sentences = split_sentences(self.body)
        self._starts = [s.start for s in self.sentences]
        self.mentions = matcher.find(self.body)
        self._resolve_bare()
        self.by_sentence: dict[int, list[Mention]] = {}
        datelines = {s.paragraph: dateline_end(s) for s in reversed(self.sentences)}
        for m in self.mentions:
            s = self.sentence_of(m.start)
            if s is None:
                continue
            sentence = self.sentences[s]
            if m.start < datelines.get(sentence.paragraph, 0) and sentence.start == \
                    min(x.start for x in self.sentences if x.paragraph == sentence.paragraph):
                continue  # the dateline "Malang – " names where, not who
            self.by_sentence.setdefault(s, []).append(m)
        self.people = find_people(self.body, self.sentence_of_or_minus, self.mentions, matcher)

    # -- helpers

    def sentence_of(self, offset: int) -> int | None:
        i = bisect.bisect_right(self._starts, offset) - 1
        if i < 0 or offset > self.sentences[i].end:
            return None
        return i

    def sentence_of_or_minus(self, offset: int) -> int:
        s = self.sentence_of(offset)
        return -1 if s is None else s

    def _resolve_bare(self) -> None:
        """A bare "Malang" is Kota Malang when the article names "Pemkot Malang" elsewhere."""
        known: dict[str, set[Region]] = {}
        for m in self.mentions:
            if m.kind != KIND_BARE and m.region is not None:
                known.setdefault(normalize(m.region.short_name), set()).add(m.region)
        resolved = []
        for m in self.mentions:
            if m.region is None and m.candidates:
                options = {r for r in m.candidates
                           if r in known.get(normalize(r.short_name), set())}
                if len(options) == 1:
                    m = Mention(m.start, m.end, m.name_start, m.text, m.kind, m.body,
                                (options.pop(),), m.blocked, m.role)
            resolved.append(m)
        self.mentions = resolved

    @staticmethod
    def party(m: Mention) -> Party | None:
        if m.blocked or m.region is None:
            return None
        return (m.region.code, m.body)

    def usable(self, s: Sentence) -> list[Mention]:
        return [m for m in self.by_sentence.get(s.index, []) if not m.blocked
                and m.region is not None]

    # -- claims

    def run(self) -> list[ExtractedVisit]:
        claims: list[_Claim] = []
        for s in self.sentences:
            if s.noise:
                continue
            claims.extend(self._claims(s, claims))
        return self._visits(claims)

    def _subject(self, s: Sentence, ms: list[Mention], before: int) -> Mention | None:
        """The first government named before offset ``before`` (a strong mention first)."""
        cands = [m for m in ms if m.end <= before]
        for m in cands:
            if m.strong:
                if NON_REGIONAL_ACTOR_RE.search(self.body[s.start:m.start]):
                    return None
                return m
        return None

    def _group(self, first: Mention, ms: list[Mention], limit: int) -> list[Mention]:
        """``first`` and the mentions coordinated with it ("DPRD Kota P, Kabupaten B dan ...")."""
        group = [first]
        last = first
        for m in ms:
            if m.start < last.end or m.end > limit:
                continue
            gap = self.body[last.end:m.start]
            if not re.fullmatch(r"\s*(?:\([^()]{1,30}\))?\s*(?:,|,?\s*dan|,?\s*serta|&)\s*", gap):
                break
            if m.kind == KIND_BARE and m.region is not None and m.region.is_province and \
                    last.region is not None and last.region.province_code == m.region.code:
                last = m  # "Pemkab Toli-Toli, Sulawesi Tengah": the province qualifies it
                continue
            if m.kind == KIND_BARE and first.kind != KIND_BARE and first.body == BODY_COUNCIL:
                continue
            if m.kind != KIND_BARE or gap.strip(" ,") in ("dan", "serta", "&"):
                group.append(m)
            last = m
        # "DPRD Kota P, Kabupaten B": a council's list shares its body
        if first.body == BODY_COUNCIL:
            group = [first] + [
                Mention(m.start, m.end, m.name_start, m.text, m.kind, BODY_COUNCIL,
                        m.candidates, m.blocked, m.role) if m.kind == "gov" else m
                for m in group[1:]
            ]
        return group

    def _host_after(self, s: Sentence, ms: list[Mention], pos: int,
                    max_gap: int = 45) -> Mention | None:
        """The government named right after ``pos`` (after "ke", "mengunjungi", "oleh")."""
        for m in ms:
            if m.start < pos:
                continue
            gap = self.body[pos:m.start]
            if len(gap) > max_gap or re.search(r"[.;:,]", gap) or NOT_A_GOVERNMENT_RE.search(gap):
                return None
            if re.search(r"\b(?:di|dari|pada|dan)\b", gap):
                return None
            return m
        return None

    def _claims(self, s: Sentence, previous: list[_Claim]) -> list[_Claim]:
        ms = self.usable(s)
        if not ms:
            return []
        out: list[_Claim] = []
        text_start = s.start
        support_only = s.past
        strength_base = 0.5 if s.headline else 1.0

        def claim(visitors: list[Mention] | None, host: Mention, strength: float,
                  context: _Claim | None = None) -> None:
            hp = self.party(host)
            if hp is None:
                return
            if visitors is None and context is not None:
                vp = context.visitor_party
                if vp[0] != hp[0]:
                    out.append(_Claim(None, host, vp, hp, s, strength * strength_base, True))
                return
            for v in visitors or []:
                vp = self.party(v)
                if vp is None or vp[0] == hp[0]:
                    continue
                out.append(_Claim(v, host, vp, hp, s, strength * strength_base, support_only))

        # Host first: "Pemkot A menerima kunjungan kerja Pemkab B".
        for t in RECEIVE_RE.finditer(s.text):
            pos = text_start + t.start()
            host = self._subject(s, ms, pos)
            if host is None:
                continue
            after = [m for m in ms if m.start >= text_start + t.end()]
            first = self._host_after(s, after, text_start + t.end(), max_gap=70)
            if first is None:
                continue
            visitors = [m for m in self._group(first, after, s.end)
                        if m.region != host.region]
            claim(visitors, host, 1.0)
        # Passive: "Rombongan Pemkab B ... disambut/diterima oleh Wali Kota A".
        for t in PASSIVE_RE.finditer(s.text):
            pos = text_start + t.start()
            host = self._host_after(s, ms, text_start + t.end() + 1, max_gap=35)
            if host is None:
                continue
            visitor = self._subject(s, ms, pos)
            if visitor is not None:
                claim(self._group(visitor, [m for m in ms if m.end <= pos], pos), host, 0.9)
            elif previous and ANAPHORA_RE.search(self.body[text_start:pos]) and \
                    not NON_REGIONAL_ACTOR_RE.search(self.body[text_start:pos]):
                claim(None, host, 0.6, context=previous[-1])
        # Visitor first: "... melakukan kunjungan kerja ke A", "B mengunjungi A".
        for t in list(GO_RE.finditer(s.text)) + list(DIRECT_GO_RE.finditer(s.text)):
            direct = t.re is DIRECT_GO_RE
            pos = text_start + t.start()
            if direct:
                host = self._host_after(s, ms, text_start + t.end() + 1)
            else:
                window = s.text[t.end():t.end() + GO_GAP_MAX]
                to = TO_RE.search(window)
                if to is None or re.search(r"[.;:,]", window[:to.start()]):
                    continue
                host = self._host_after(s, ms, text_start + t.end() + to.end())
            if host is None:
                continue
            visitor = self._subject(s, ms, pos)
            if visitor is not None:
                claim(self._group(visitor, [m for m in ms if m.end <= pos], pos), host, 1.0)
                continue
            between = [m for m in ms if text_start + t.end() <= m.start and m.end <= host.start
                       and m.strong]
            if between and re.search(r"\bdari\s*$", self.body[text_start + t.end():between[0].start]):
                claim([between[0]], host, 0.9)  # "kunjungan kerja dari DPRD B ke DPRD A"
                continue
            if NON_REGIONAL_ACTOR_RE.search(s.text):
                continue
            lead = self._previous_subject(s)
            if lead is not None:
                claim([lead], host, 0.6)
            elif previous:
                claim(None, host, 0.5, context=previous[-1])
        return out

    def _previous_subject(self, s: Sentence) -> Mention | None:
        """For "Langkah itu diwujudkan melalui kunjungan kerja ke A": the government the
        previous sentence of the paragraph is about."""
        if s.index == 0:
            return None
        prev = self.sentences[s.index - 1]
        if prev.paragraph != s.paragraph or prev.noise:
            return None
        ms = self.usable(prev)
        return self._subject(prev, ms, prev.end + 1)

    # -- visits

    def _visits(self, claims: list[_Claim]) -> list[ExtractedVisit]:
        pairs: dict[tuple[Party, Party], list[_Claim]] = {}
        for c in claims:
            key = (c.visitor_party, c.host_party)
            if c.support_only and key not in pairs:
                continue
            pairs.setdefault(key, []).append(c)
        # Claims that only repeat an existing visit from the other side are dropped:
        # "Pemkot A ... B" both ways in one article keeps the stronger direction.
        for (v, h) in list(pairs):
            if (h, v) in pairs and (v, h) in pairs:
                a, b = pairs[(v, h)], pairs[(h, v)]
                if sum(c.strength for c in a) < sum(c.strength for c in b):
                    del pairs[(v, h)]
        # Same regions, different bodies (DPRD X and Pemkab X): keep the best-supported.
        by_regions: dict[tuple[str, str], tuple[Party, Party]] = {}
        for key, cs in list(pairs.items()):
            regions = (key[0][0], key[1][0])
            other = by_regions.get(regions)
            if other is None:
                by_regions[regions] = key
                continue
            if _score(cs) > _score(pairs[other]):
                del pairs[other]
                by_regions[regions] = key
            else:
                del pairs[key]
        order = sorted(pairs.items(), key=lambda kv: min(c.sentence.index for c in kv[1]
                                                         if not c.support_only) if any(
            not c.support_only for c in kv[1]) else kv[1][0].sentence.index)
        firsts = [min(c.sentence.index for c in cs) for _, cs in order]
        visits = []
        for i, (key, cs) in enumerate(order):
            later = [f for f in firsts if f > firsts[i]]
            seg_end = min(later) if later else len(self.sentences)
            seg_start = 0 if firsts[i] == min(firsts) else firsts[i]
            visit = self._visit(key, cs, range(seg_start, seg_end), len(order))
            if visit is not None:
                visits.append(visit)
        return visits

    def _visit(self, key: tuple[Party, Party], claims: list[_Claim], segment: range,
               count: int) -> ExtractedVisit | None:
        (vcode, vbody), (hcode, hbody) = key
        gaz = self.matcher.gazetteer
        vregion, hregion = gaz.by_code(vcode), gaz.by_code(hcode)
        if vregion is None or hregion is None:
            return None
        best = max(claims, key=lambda c: (c.visitor is not None and c.strength >= 0.9,
                                          not c.sentence.headline, not c.support_only,
                                          -c.sentence.index))
        spans: dict[str, Span] = {}
        ev = best.sentence
        if not ev.headline:
            # The evidence starts after a "Malang – " dateline.
            start = dateline_end(ev) if ev.index == 0 or \
                self.sentences[ev.index - 1].paragraph != ev.paragraph else ev.start
            start = start if start < ev.end else ev.start
            spans["evidence"] = self._span(start, ev.end)
        if best.visitor is not None:
            spans["visitor"] = self._span(best.visitor.start, best.visitor.end)
        spans["host"] = self._span(best.host.start, best.host.end)
        support = sorted({c.sentence.index for c in claims})
        seg = [self.sentences[i] for i in segment if not self.sentences[i].noise]
        visit = ExtractedVisit(
            visitor=party_name(vregion, vbody, self.matcher),
            host=party_name(hregion, hbody, self.matcher),
            visitor_region=vregion, host_region=hregion, visitor_body=vbody, host_body=hbody,
            evidence=" ".join(spans["evidence"].text.split()) if "evidence" in spans else None,
            spans=spans,
        )
        visit.date = self._date(support, seg, spans)
        visit.led_by = self._person(vregion, vbody, support, seg, DIPIMPIN_RE, "led_by", spans)
        visit.received_by = self._person(hregion, hbody, support, seg, RECEIVED_BY_RE,
                                         "received_by", spans, receiving=True)
        visit.agreement = self._agreement(seg, visit.date, spans)
        visit.topics = self._topics(seg, support, spans)
        visit.place = self._place(support, spans)
        visit.confidence = self._confidence(claims, best, visit)
        return visit

    def _span(self, start: int, end: int) -> Span:
        return Span(start, end, self.body[start:end])

    def _date(self, support: list[int], seg: list[Sentence], spans: dict[str, Span]) -> dt.date | None:
        published = self.article.published
        ordered = [self.sentences[i] for i in support if not self.sentences[i].past] + \
            [s for s in seg if not s.past and s.index not in support]
        for s in ordered:
            for d in find_dates(s.text, published=published, offset=s.start):
                if d.date is None:
                    return None  # a day without a year and no published date: unknown
                spans["date"] = self._span(d.start, d.end)
                return d.date
        # Several visits reported together: the date of the report's lead applies.
        for s in self.sentences:
            if s.noise or s.past or s.headline:
                continue
            for d in find_dates(s.text, published=published, offset=s.start):
                if d.date is not None:
                    spans["date"] = self._span(d.start, d.end)
                return d.date
        return None

    def _person(self, region: Region, body: str, support: list[int], seg: list[Sentence],
                cue, key: str, spans: dict[str, Span], receiving: bool = False) -> PersonRef | None:
        seg_ids = {s.index for s in seg}
        named = [p for p in self.people if p.name and p.sentence in seg_ids]
        # 1. "dipimpin Wakil Wali Kota Serang, Nur Agis Aulia" / "diterima oleh Bupati A".
        for i in support + [s.index for s in seg if s.index not in support]:
            s = self.sentences[i]
            for m in cue.finditer(s.text):
                at = s.start + m.end()
                for p in named:
                    if p.start == at and (p.region is None or p.region == region):
                        spans[key] = self._span(p.start, p.name_end)
                        return PersonRef(p.name, self._role(p, region))  # type: ignore[arg-type]
        if receiving:  # "Wawali Malang Ali Muthohirin menyambut rombongan ..."
            for i in support:
                s = self.sentences[i]
                for m in RECEIVE_RE.finditer(s.text):
                    for p in named:
                        if p.region == region and p.sentence == i and \
                                0 <= s.start + m.start() - p.name_end <= 3:
                            spans[key] = self._span(p.start, p.name_end)
                            return PersonRef(p.name, self._role(p, region))  # type: ignore[arg-type]
        # 2. The highest-ranking official of that government named around the visit.
        own = [p for p in named if p.region == region and p.body == body]
        if not own:
            return None
        p = min(own, key=lambda p: (p.rank, p.start))
        spans[key] = self._span(p.start, p.name_end)
        return PersonRef(p.name, self._role(p, region))  # type: ignore[arg-type]

    @staticmethod
    def _role(p: Person, region: Region) -> str | None:
        role = p.role.strip(" ,")
        return role or None

    def _agreement(self, seg: list[Sentence], date: dt.date | None,
                   spans: dict[str, Span]) -> AgreementRef | None:
        for s in sorted(seg, key=lambda s: s.headline):  # the body says more than a headline
            if s.past:
                continue
            found = find_agreement(s.text, s.start)
            if found is None:
                continue
            dates = [d.date for d in find_dates(s.text, published=self.article.published)]
            if date is not None and any(d is not None and d != date for d in dates):
                continue  # signed on another day
            spans["agreement"] = self._span(found.start, found.end)
            return AgreementRef(found.type, found.subject)
        return None

    def _topics(self, seg: list[Sentence], support: list[int],
                spans: dict[str, Span]) -> tuple[str, ...]:
        finder = default_topic_finder()
        counts: dict[str, int] = {}
        first: dict[str, tuple[int, int]] = {}
        strong: set[str] = set()
        lead_paragraphs = {self.sentences[i].paragraph for i in support}
        for s in seg:
            if s.past:
                continue
            for label, start, end in finder.find(s.text, s.start):
                counts[label] = counts.get(label, 0) + 1
                first.setdefault(label, (start, end))
                if s.paragraph in lead_paragraphs or s.headline:
                    strong.add(label)
        keep = [t for t in counts if counts[t] >= 2 or t in strong]
        keep.sort(key=lambda t: (-counts[t], first[t][0]))
        keep = sorted(keep[:6], key=lambda t: first[t][0])
        for i, label in enumerate(keep):
            spans[f"topics[{i}]"] = self._span(*first[label])
        return tuple(keep)

    def _place(self, support: list[int], spans: dict[str, Span]) -> str | None:
        for i in support:
            s = self.sentences[i]
            m = PLACE_RE.search(s.text)
            if m:
                place = " ".join(m.group("place").split()).rstrip(" ,")
                spans["place"] = self._span(s.start + m.start("place"),
                                            s.start + m.start("place") + len(m.group("place")))
                return place
        return None

    @staticmethod
    def _confidence(claims: list[_Claim], best: _Claim, visit: ExtractedVisit) -> float:
        score = 0.55 + 0.3 * best.strength
        score += 0.04 * min(3, len({c.sentence.index for c in claims}) - 1)
        if best.visitor is not None and best.visitor.strong and best.host.strong:
            score += 0.03
        if visit.date is None:
            score -= 0.05
        return round(max(0.3, min(0.99, score)), 2)


def _score(claims: list[_Claim]) -> float:
    return sum(c.strength for c in claims if not c.support_only)
