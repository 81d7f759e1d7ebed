"""``kgraph evaluate``: measure the extractor against hand-made gold facts.

Two kinds of gold are read:

- annotated articles (``.md``/``.txt`` with a ``visits`` key): the extractor runs on the
  article as if it were raw;
- a gold set in the layout of the real-article development set: ``NNN.json`` files of
  gold facts (``visits`` with ``visitor``/``host`` as ``{code, body}``, ``date``,
  ``leader``, ``received_by``, ``agreement``, ``topics``) and the article text as
  ``NNN.txt`` beside them or in ``texts`` (a ``URL:``/``QUERY:`` header is skipped).

Visits match when both sides are the same region (Kemendagri code) and the same body
(government or council). On matched visits the date (exact day), leader and receiver (the
gold name, normalised, is the extracted one or contained in it), agreement (signed or
not, and of which type when the gold says) and topics are compared: topics by recall
(a gold topic is found when it and a label of an extracted topic contain one another).
Confidence is checked too: for each band of confidence, how many extracted visits in it
were right.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .read.article import Article, PersonRef, VisitAnnotation
from .read.files import iter_article_paths, read_article
from .read.frontmatter import parse_article
from .errors import ArticleError, KGraphError
from .extract import ExtractedVisit, extract
from .extract.agreements import canonical_type
from .extract.regions import default_matcher
from .resolve.gazetteer import BODY_COUNCIL, BODY_GOVERNMENT, Region, normalize
from .resolve.topics import default_scheme

FIELDS = ("date", "leader", "receiver", "agreement")
BANDS = (0.9, 0.8, 0.7, 0.6, 0.0)

Side = tuple[str, str]  # (region code, body)


@dataclass(frozen=True)
class GoldVisit:
    """A visit as gold facts state it, in either gold format."""

    visitor: Side
    host: Side
    label: str
    date: dt.date | None = None
    leader: str | None = None
    receiver: str | None = None
    agreement: str | None = None
    signed: bool = False
    topics: tuple[str, ...] = ()


@dataclass
class ArticleResult:
    source: str
    gold: int
    extracted: int
    matched: int
    negative: bool
    notes: list[str] = field(default_factory=list)


@dataclass
class EvaluationReport:
    articles: list[ArticleResult] = field(default_factory=list)
    gold: int = 0
    extracted: int = 0
    matched: int = 0
    correct: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    checked: dict[str, int] = field(default_factory=lambda: {f: 0 for f in FIELDS})
    topics_found: int = 0
    topics_gold: int = 0
    bands: dict[float, list[int]] = field(default_factory=lambda: {b: [0, 0] for b in BANDS})
    skipped: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.matched / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def accuracy(self, name: str) -> float:
        """Share of matched visits (that the gold gives this field for) where it is right."""
        if name == "topics":
            return self.topics_found / self.topics_gold if self.topics_gold else 1.0
        return self.correct[name] / self.checked[name] if self.checked[name] else 1.0

    @property
    def negatives(self) -> int:
        return sum(1 for a in self.articles if a.negative)

    @property
    def negative_visits(self) -> int:
        """Visits extracted from articles annotated as having none."""
        return sum(a.extracted for a in self.articles if a.negative)

    def band_precision(self, low: float) -> tuple[int, int]:
        """(right, extracted) for the visits with confidence in the band starting at ``low``."""
        right, total = self.bands[low]
        return right, total

    def lines(self, *, verbose: bool = False) -> list[str]:
        out: list[str] = []
        if verbose:
            for a in self.articles:
                state = "ok" if not a.notes else "; ".join(a.notes)
                out.append(f"{a.source}: gold {a.gold}, extracted {a.extracted}, "
                           f"matched {a.matched}: {state}")
            out.append("")
        out.append(f"articles  {len(self.articles)} ({self.negatives} without visits)")
        out.append(f"visits    gold {self.gold}, extracted {self.extracted}, matched {self.matched}")
        out.append(f"visit     precision {self.precision:.2f}  recall {self.recall:.2f}  "
                   f"F1 {self.f1:.2f}")
        for name in FIELDS:
            out.append(f"{name:<9} {self.accuracy(name):.2f} "
                       f"({self.correct[name]}/{self.checked[name]})")
        out.append(f"topics    {self.accuracy('topics'):.2f} recall "
                   f"({self.topics_found}/{self.topics_gold} gold topics found)")
        out.append(f"negatives {self.negative_visits} visit(s) from {self.negatives} "
                   "articles without visits")
        out.append("confidence  extracted  right  precision")
        uppers = (1.0,) + BANDS[:-1]
        for low, high in zip(BANDS, uppers):
            right, total = self.bands[low]
            share = f"{right / total:.2f}" if total else "-"
            out.append(f"  {low:.1f}–{high:.1f}  {total:>9}  {right:>5}  {share:>9}")
        return out


def evaluate(paths: Iterable[str | os.PathLike[str]], *, texts: str | os.PathLike[str] | None = None,
             follow_symlinks: bool = False) -> EvaluationReport:
    """Run the extractor over gold articles and compare with their gold facts.

    ``paths`` are annotated articles, gold JSON files, or folders of either; ``texts`` is
    the folder of the JSON files' article texts (default: beside each JSON file). Raw
    articles are listed in ``skipped``. Raises :class:`~kgraph.errors.ArticleError` for an
    article or gold file that cannot be read and :class:`KGraphError` when no gold was
    found.
    """
    report = EvaluationReport()
    for path in paths:
        jsons = sorted(Path(path).glob("*.json")) if os.path.isdir(path) else \
            ([Path(path)] if str(path).endswith(".json") else [])
        for gold_path in jsons:
            article, gold = _read_gold_json(gold_path, texts)
            _compare(article, gold, extract(article), report)
        if jsons or str(path).endswith(".json"):
            continue
        for name in iter_article_paths([path], follow_symlinks=follow_symlinks):
            article = read_article(name)
            if article.visits is None:
                report.skipped.append(article.source)
                continue
            gold = [_from_annotation(v) for v in article.visits]
            article.visits = None
            _compare(article, gold, extract(article), report)
    if not report.articles:
        raise KGraphError("no gold articles to evaluate against",
                          hint="give annotated articles (with a visits key) or gold JSON files")
    return report


# --------------------------------------------------------------------------- gold formats

def _read_gold_json(path: Path, texts: str | os.PathLike[str] | None) -> tuple[Article, list[GoldVisit]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise ArticleError(f"cannot read gold facts: {exc}", file=str(path)) from None
    text_path = Path(texts) / f"{path.stem}.txt" if texts else path.with_suffix(".txt")
    try:
        raw = text_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ArticleError(f"no article text at {text_path}: "
                           f"{getattr(exc, 'strerror', None) or exc}", file=str(path)) from None
    header = re.match(r"(?:[A-Z]+: [^\n]*\n)+\n", raw)
    body = raw[header.end():] if header else raw
    article = parse_article(body, source=str(text_path))
    url = re.search(r"^URL: (\S+)", raw, re.M)
    article.url = url.group(1) if url else article.url
    visits = []
    for i, v in enumerate(data.get("visits") or []):
        try:
            visits.append(GoldVisit(
                visitor=_json_side(v["visitor"]), host=_json_side(v["host"]),
                label=f"{v['visitor'].get('region', '?')} → {v['host'].get('region', '?')}",
                date=dt.date.fromisoformat(v["date"]) if v.get("date") else None,
                leader=(v.get("leader") or {}).get("name"),
                receiver=(v.get("received_by") or {}).get("name"),
                agreement=v.get("agreement") or None, signed=bool(v.get("agreement")),
                topics=tuple(v.get("topics") or ())))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ArticleError(f"invalid gold visit: {exc!r}", file=str(path),
                               field=f"visits[{i}]") from None
    return article, visits


def _json_side(side: dict) -> Side:
    return side["code"], BODY_COUNCIL if side["body"] == "dprd" else BODY_GOVERNMENT


def _from_annotation(v: VisitAnnotation) -> GoldVisit:
    return GoldVisit(
        visitor=_party(v.visitor), host=_party(v.host), label=f"{v.visitor} → {v.host}",
        date=v.date, leader=_name(v.led_by), receiver=_name(v.received_by),
        agreement=v.agreement.type if v.agreement else None, signed=v.agreement is not None,
        topics=v.topics)


def _party(mention: str) -> Side:
    resolved = default_matcher().resolve(mention)
    region = resolved.region.code if resolved.region else "?" + normalize(mention)
    return region, resolved.body


def _name(person: PersonRef | None) -> str | None:
    return person.name if person else None


# --------------------------------------------------------------------------- comparison

def _compare(article: Article, gold: list[GoldVisit], found: list[ExtractedVisit],
             report: EvaluationReport) -> None:
    result = ArticleResult(article.source, len(gold), len(found), 0, negative=not gold)
    report.gold += len(gold)
    report.extracted += len(found)
    remaining = list(found)
    right: set[int] = set()
    for g in gold:
        match = next((v for v in remaining if _sides(v) == (g.visitor, g.host)), None)
        if match is None:
            result.notes.append(f"missed {g.label}")
            continue
        remaining.remove(match)
        right.add(id(match))
        result.matched += 1
        report.matched += 1
        checks: dict[str, tuple[bool, object, object]] = {
            "agreement": (g.signed == (match.agreement is not None) and (
                g.agreement is None or match.agreement is None or
                canonical_type(g.agreement) == canonical_type(match.agreement.type)),
                g.agreement, match.agreement.type if match.agreement else None),
        }
        if g.date is not None:
            checks["date"] = (g.date == match.date, g.date, match.date)
        if g.leader:
            checks["leader"] = (_same_person(g.leader, match.led_by), g.leader,
                                _name(match.led_by))
        if g.receiver:
            checks["receiver"] = (_same_person(g.receiver, match.received_by), g.receiver,
                                  _name(match.received_by))
        for name, (ok, expected, got) in checks.items():
            report.checked[name] += 1
            if ok:
                report.correct[name] += 1
            else:
                result.notes.append(f"{name}: expected {expected or 'nothing'}, "
                                    f"got {got or 'nothing'}")
        labels = _labels(match.topics)
        for topic in g.topics:
            report.topics_gold += 1
            key = _norm(topic)
            if any(key in label or label in key for label in labels if label):
                report.topics_found += 1
    for v in found:
        band = next(b for b in BANDS if v.confidence >= b)
        report.bands[band][1] += 1
        report.bands[band][0] += id(v) in right
    for v in remaining:
        result.notes.append(f"extra {v.visitor} → {v.host}")
    report.articles.append(result)


def _sides(v: ExtractedVisit) -> tuple[Side, Side]:
    def code(region: Region | None, name: str) -> str:
        return region.code if region is not None else "?" + normalize(name)

    return ((code(v.visitor_region, v.visitor), v.visitor_body),
            (code(v.host_region, v.host), v.host_body))


def _norm(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").lower()
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", text).split())


def _same_person(gold: str, found: PersonRef | None) -> bool:
    return found is not None and _norm(gold) in _norm(found.name)


def _labels(topics: Iterable[str]) -> set[str]:
    scheme = default_scheme()
    out = set()
    for label in topics:
        out.add(_norm(label))
        topic = scheme.resolve(label)
        if topic is not None:
            out |= {_norm(text) for _, text in topic.labels}
    return out


__all__ = ["ArticleError", "EvaluationReport", "GoldVisit", "evaluate"]
