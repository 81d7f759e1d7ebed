"""``kgraph evaluate``: measure the extractor against hand-annotated articles.

The extractor runs on each annotated article as if it were raw (its ``visits`` are
ignored). Visits match when visitor region, host region and body kind (government or
council) agree, after resolving both sides against the gazetteer. On matched visits the
date, leader, receiver (by normalised name), agreement (by document type) and topics
(overlap of scheme topics) are compared.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Iterable

from .articles import AgreementRef, Article, PersonRef, VisitAnnotation, iter_article_paths, read_article
from .errors import ArticleError, KGraphError
from .extract import ExtractedVisit, extract
from .extract.agreements import canonical_type
from .extract.regions import default_matcher
from .gazetteer import normalize
from .names import name_key
from .topics import default_scheme, topic_key

FIELDS = ("date", "leader", "receiver", "agreement")


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
    topic_overlap: float = 0.0
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
        if name == "topics":
            return self.topic_overlap / self.matched if self.matched else 1.0
        return self.correct[name] / self.matched if self.matched else 1.0

    @property
    def negatives(self) -> int:
        return sum(1 for a in self.articles if a.negative)

    @property
    def negative_visits(self) -> int:
        """Visits extracted from articles annotated as having none."""
        return sum(a.extracted for a in self.articles if a.negative)

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
            out.append(f"{name:<9} {self.accuracy(name):.2f} ({self.correct[name]}/{self.matched})")
        out.append(f"topics    {self.accuracy('topics'):.2f} (mean overlap, Jaccard)")
        out.append(f"negatives {self.negative_visits} visit(s) from {self.negatives} "
                   "articles without visits")
        return out


def evaluate(paths: Iterable[str | os.PathLike[str]], *,
             follow_symlinks: bool = False) -> EvaluationReport:
    """Run the extractor over annotated articles and compare with their annotations.

    Raw articles (no ``visits`` key) are listed in ``skipped``. Raises
    :class:`~kgraph.errors.ArticleError` for an article that cannot be read and
    :class:`KGraphError` when no annotated article was found.
    """
    report = EvaluationReport()
    for name in iter_article_paths(paths, follow_symlinks=follow_symlinks):
        article = read_article(name)
        if article.visits is None:
            report.skipped.append(article.source)
            continue
        gold = article.visits
        article.visits = None
        found = extract(article)
        report.articles.append(_compare(article, gold, found, report))
    if not report.articles:
        raise KGraphError("no annotated articles to evaluate against",
                          hint="give files or folders of articles with a visits key")
    return report


def _party(mention: str) -> tuple[str, str]:
    resolved = default_matcher().resolve(mention)
    region = resolved.region.code if resolved.region else "?" + normalize(mention)
    return region, resolved.body


def _compare(article: Article, gold: list[VisitAnnotation], found: list[ExtractedVisit],
             report: EvaluationReport) -> ArticleResult:
    result = ArticleResult(article.source, len(gold), len(found), 0, negative=not gold)
    report.gold += len(gold)
    report.extracted += len(found)
    remaining = list(found)
    for g in gold:
        key = (_party(g.visitor), _party(g.host))
        match = next((v for v in remaining
                      if ((v.visitor_region.code, v.visitor_body),
                          (v.host_region.code, v.host_body)) == key), None)
        if match is None:
            result.notes.append(f"missed {g.visitor} → {g.host}")
            continue
        remaining.remove(match)
        result.matched += 1
        report.matched += 1
        checks = {
            "date": (g.date == match.date, g.date, match.date),
            "leader": (_person(g.led_by) == _person(match.led_by), g.led_by, match.led_by),
            "receiver": (_person(g.received_by) == _person(match.received_by),
                         g.received_by, match.received_by),
            "agreement": (_agreement(g.agreement) == _agreement(match.agreement),
                          g.agreement, match.agreement),
        }
        for name, (ok, expected, got) in checks.items():
            if ok:
                report.correct[name] += 1
            else:
                result.notes.append(f"{name}: expected {_show(expected)}, got {_show(got)}")
        report.topic_overlap += _jaccard(g.topics, match.topics)
    for v in remaining:
        result.notes.append(f"extra {v.visitor} → {v.host}")
    return result


def _person(person: PersonRef | None) -> str | None:
    return name_key(person.name) if person else None


def _agreement(agreement: AgreementRef | None) -> str | None:
    return canonical_type(agreement.type) if agreement else None


def _topic_ids(topics: Iterable[str]) -> set[str]:
    scheme = default_scheme()
    out = set()
    for label in topics:
        topic = scheme.resolve(label)
        out.add(topic.iri if topic else topic_key(label))
    return out


def _jaccard(a: Iterable[str], b: Iterable[str]) -> float:
    x, y = _topic_ids(a), _topic_ids(b)
    if not x and not y:
        return 1.0
    return len(x & y) / len(x | y)


def _show(value: object) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, PersonRef):
        return value.name
    if isinstance(value, AgreementRef):
        return value.type
    return str(value)


__all__ = ["ArticleError", "EvaluationReport", "evaluate"]
