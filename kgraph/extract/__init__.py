"""Rule-based extraction of inter-regional visits from Indonesian news text.

>>> from kgraph.read.frontmatter import parse_article
>>> article = parse_article("Pemkot Malang menerima kunjungan kerja Pemkab Serang, Senin (6/10/2025).")
>>> [(v.visitor, v.host, str(v.date)) for v in extract(article)]
[('Pemkab Serang', 'Pemkot Malang', '2025-10-06')]

The stages, one module each:

- :mod:`.text`: paragraphs and sentences (lines broken mid-sentence are joined),
  headlines, datelines, and page furniture flagged as noise;
- :mod:`.regions`, :mod:`.roles`, :mod:`.people`: governments and councils named
  directly, through their officials, offices and venues; officials and their names;
  (:mod:`.misspelt`: a region's name misspelt by one letter);
- :mod:`.context`: ambiguous names and bodies resolved from the rest of the report;
- :mod:`.claims`: each sentence read for visits (host first, visitor first, passive, a
  signing at one side's venue), with :mod:`.sides` finding the sides of a clause and
  following a delegation through the paragraph;
- :mod:`.assemble`: claims about one pair make one visit, with a confidence;
- :mod:`.facts`: date, leader, receiver, agreement, topics and place of each visit.

Every fact keeps the span of text it came from. Nothing here downloads anything or
guesses a year.

May import: errors, resolve, read
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..read.article import AgreementRef, Article, PersonRef, VisitAnnotation
from ..resolve.gazetteer import BODY_COUNCIL, Region
from .assemble import confidence, group_claims
from .claims import Claim, read_claims
from .context import Context, Party
from .facts import Facts, Span
from .regions import RegionMatcher, default_matcher
from .text import segment

__all__ = ["ExtractedVisit", "Span", "extract", "party_name", "headline"]

METHOD = "extracted"


@dataclass
class ExtractedVisit:
    """A visit found in an article, with the evidence for each of its facts."""

    visitor: str
    host: str
    visitor_region: Region | None  # None when the report leaves the side ambiguous
    host_region: Region | None
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
    first = next((s for s in segment(article.body[:400]).sentences if not s.noise), None)
    return first.text if first is not None and first.headline else None


def extract(article: Article, *, matcher: RegionMatcher | None = None) -> list[ExtractedVisit]:
    """The visits reported in ``article``'s body (its annotations, if any, are ignored)."""
    ctx = Context(article, matcher or default_matcher())
    claims = read_claims(ctx)
    pairs = group_claims(claims)
    facts = Facts(ctx)
    order = sorted(pairs.items(), key=lambda kv: min(c.sentence.index for c in kv[1]))
    firsts = [min(c.sentence.index for c in cs) for _, cs in order]
    visits = []
    for i, (key, cs) in enumerate(order):
        later = [f for f in firsts if f > firsts[i]]
        seg_end = min(later) if later else len(ctx.sentences)
        seg_start = 0 if firsts[i] == min(firsts) else firsts[i]
        visit = _visit(ctx, facts, key[0], key[1], key[2], cs, range(seg_start, seg_end))
        if visit is not None:
            visits.append(visit)
    return visits


def _visit(ctx: Context, facts: Facts, vparty: Party, hparty: Party, past: bool,
           claims: list[Claim], segment_ids: range) -> ExtractedVisit | None:
    vregion, vname = _side(ctx, vparty)
    hregion, hname = _side(ctx, hparty)
    best = max(claims, key=lambda c: (c.explicit and c.strength >= 0.9, not c.sentence.headline,
                                      not c.support_only, c.strength, -c.sentence.index))
    spans: dict[str, Span] = {}
    ev = best.sentence
    if not ev.headline:
        spans["evidence"] = facts.span(ev.lead, ev.end)
    if best.visitor_mention is not None:
        spans["visitor"] = facts.span(best.visitor_mention.start, best.visitor_mention.end)
    if best.host_mention is not None:
        spans["host"] = facts.span(best.host_mention.start, best.host_mention.end)
    support = sorted({c.sentence.index for c in claims})
    seg = [ctx.sentences[i] for i in segment_ids if not ctx.sentences[i].noise]
    visit = ExtractedVisit(
        visitor=vname, host=hname,
        visitor_region=vregion, host_region=hregion, visitor_body=vparty[1],
        host_body=hparty[1],
        evidence=" ".join(spans["evidence"].text.split()) if "evidence" in spans else None,
        spans=spans,
    )
    if past:
        seg = [ctx.sentences[i] for i in support]
    visit.date = facts.date(support, seg, spans, past)
    if vregion is not None:
        visit.led_by = facts.person(vregion, vparty[1], support, seg, "led_by", spans,
                                    other=hregion)
    if hregion is not None:
        visit.received_by = facts.person(hregion, hparty[1], support, seg, "received_by", spans,
                                         receiving=True, other=vregion)
    visit.agreement = None if past else facts.agreement(seg, visit.date, spans)
    visit.topics = () if past else facts.topics(seg, support, spans)
    visit.place = facts.place(support, spans)
    visit.confidence = confidence(claims, best, visit.date is not None,
                                  vregion is None or hregion is None)
    return visit


def _side(ctx: Context, party: Party) -> tuple[Region | None, str]:
    """The region of a side and how an annotation names it. A side the report leaves
    ambiguous keeps its name as written ("Malang", "DPRD Malang"): the annotated reader
    then keeps it as an unresolved region and warns with the candidates."""
    code, body = party
    gaz = ctx.matcher.gazetteer
    if not code.startswith("?"):
        region = gaz.by_code(code)
        assert region is not None
        return region, party_name(region, body, ctx.matcher)
    first = gaz.by_code(code[1:].split("|")[0])
    assert first is not None
    return None, ("DPRD " if body == BODY_COUNCIL else "") + first.short_name
