"""Annotations → RDF triples, with deterministic IRIs and provenance.

IRIs are functions of what they name (DESIGN.md): a region by its official code, a
government by region + body, a person by normalised name + region, a visit by
(visitor, host, date) when the date is known, else by (visitor, host, article). So
re-ingesting changes nothing and two articles about one visit meet in one node.

What an article states about a visit is recorded on a ``kg:VisitReport`` (one per article
and visit); the visit itself carries the union of its reports. The store uses the reports
to retract exactly what an article said when it is ingested again.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from pyoxigraph import Literal, NamedNode

from ..read.article import Article, PersonRef, VisitAnnotation
from ..errors import ArticleError
from ..resolve.gazetteer import (
    BODY_COUNCIL, BODY_GOVERNMENT, Gazetteer, GovernmentMention, Region, slug,
)
from ..rdf.namespace import DATA_PREFIXES, KG, RDF, RDFS, SCHEMA, SKOS, TOPIC_NS, XSD
from ..resolve.names import clean_name, clean_role, name_key
from ..resolve.topics import TopicScheme, topic_key, topic_slug

Triple = tuple[NamedNode, NamedNode, "NamedNode | Literal"]

_REGION_CLASS = {
    "provinsi": KG.Province,
    "kabupaten": KG.Regency,
    "kota": KG.City,
    "kota administrasi": KG.City,
}
_BODY_CLASS = {BODY_GOVERNMENT: KG.LocalGovernment, BODY_COUNCIL: KG.RegionalCouncil}


def _iri(kind: str, local: str) -> NamedNode:
    return NamedNode(DATA_PREFIXES[kind] + local)


def _text(value: str) -> Literal:
    return Literal(value)


def _date(value) -> Literal:  # type: ignore[no-untyped-def]
    return Literal(value.isoformat(), datatype=XSD.date)


def _decimal(value: float) -> Literal:
    text = format(Decimal(str(value)).normalize(), "f")
    if "." not in text:
        text += ".0"
    return Literal(text, datatype=XSD.decimal)


def article_iri(article: Article) -> NamedNode:
    """The article's IRI, from its URL or, without one, its text (:attr:`Article.key`)."""
    return _key_iri(article.key)


def legacy_iri(article: Article) -> NamedNode | None:
    """The IRI kgraph 0.x gave an article without a URL read from a file (from its path
    as displayed), which ingesting that file again retracts; ``None`` for the others."""
    key = article.path_key
    return _key_iri(key) if key is not None else None


def _key_iri(key: str) -> NamedNode:
    return _iri("article", hashlib.sha256(key.encode("utf-8")).hexdigest()[:16])


@dataclass
class ArticleGraph:
    """The triples one article contributes, sorted by how the store treats them."""

    article: NamedNode
    owned: list[Triple] = field(default_factory=list)
    """Triples only this article states (the article node and its visit reports)."""
    reference: list[Triple] = field(default_factory=list)
    """Triples that depend only on the node's IRI (regions, governments, visits, topics)."""
    person_labels: dict[NamedNode, Literal] = field(default_factory=dict)
    """Labels of people, written only for people the store does not know yet."""
    visits: list[NamedNode] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    replaces: list[NamedNode] = field(default_factory=list)
    """Other IRIs this article had in stores written by earlier versions: retracted."""


@dataclass(frozen=True)
class _Party:
    iri: NamedNode
    key: str  # the government's local name, used in visit IRIs
    region_key: str  # the region's code, or x-<slug> when unresolved
    label: str


_BODY_WORDS = re.compile(
    r"^\s*(?:(?:pemerintah|pemkot|pemkab|pemprov|pemko|pemda|dprd)\b\.?\s*)+", re.I
)
_SHORT_TYPES = [
    (re.compile(r"^\s*pemkot\b\.?\s*|^\s*pemko\b\.?\s*", re.I), "Kota "),
    (re.compile(r"^\s*pemkab\b\.?\s*", re.I), "Kabupaten "),
    (re.compile(r"^\s*pemprov\b\.?\s*", re.I), "Provinsi "),
]


def _unresolved_region_label(mention: str) -> str:
    for pattern, replacement in _SHORT_TYPES:
        if pattern.match(mention):
            return replacement + pattern.sub("", mention, count=1).strip()
    stripped = _BODY_WORDS.sub("", mention).strip()
    return stripped or mention


class Mapper:
    """Maps articles to triples; holds the gazetteer and topic scheme it resolves against."""

    def __init__(self, gazetteer: Gazetteer, topics: TopicScheme) -> None:
        self.gazetteer = gazetteer
        self.topics = topics
        # Mentions, regions and topics repeat across articles: resolve each once.
        self._resolved: dict[str, GovernmentMention] = {}
        self._region_triples: dict[str, tuple[NamedNode, list[Triple]]] = {}
        self._topic_triples: dict[str, tuple[NamedNode, list[Triple], bool]] = {}

    # ------------------------------------------------------------------ public

    def map_article(self, article: Article) -> ArticleGraph:
        """Triples for ``article``. Raises :class:`ArticleError` for contradictory visits."""
        if article.visits is None:
            raise ArticleError("raw article: needs extraction", file=article.source)
        a = article_iri(article)
        out = ArticleGraph(article=a)
        legacy = legacy_iri(article)
        if legacy is not None:
            out.replaces.append(legacy)
        self._article_node(article, a, out)
        digest = a.value.rsplit("/", 1)[1]
        seen: dict[NamedNode, int] = {}
        for index, visit in enumerate(article.visits):
            path = f"visits[{index}]"
            v = self._visit(article, visit, path, digest, out)
            if v in seen:
                raise ArticleError(
                    f"the same visit as visits[{seen[v]}] (same visitor, host and date)",
                    file=article.source,
                    field=path,
                    hint="merge the two entries",
                )
            seen[v] = index
            out.visits.append(v)
        return out

    # ------------------------------------------------------------------ nodes

    def _article_node(self, article: Article, a: NamedNode, out: ArticleGraph) -> None:
        add = out.owned.append
        add((a, RDF.type, KG.Article))
        add((a, RDFS.label, _text(article.title or article.file_name or article.source)))
        if article.title:
            add((a, SCHEMA.headline, _text(article.title)))
        if article.url:
            add((a, SCHEMA.url, Literal(article.url, datatype=XSD.anyURI)))
        elif article.file_name:
            add((a, KG.fileName, _text(article.file_name)))
        if article.published:
            add((a, SCHEMA.datePublished, _date(article.published)))
        if article.publisher:
            add((a, SCHEMA.publisher, _text(article.publisher)))
        if article.language:
            add((a, SCHEMA.inLanguage, _text(article.language)))

    def _region(self, region: Region, out: ArticleGraph) -> NamedNode:
        cached = self._region_triples.get(region.code)
        if cached is None:
            triples = ArticleGraph(article=NamedNode(DATA_PREFIXES["article"]))
            cached = self._region_triples[region.code] = (
                self._region_uncached(region, triples), triples.reference)
        out.reference.extend(cached[1])
        return cached[0]

    def _region_uncached(self, region: Region, out: ArticleGraph) -> NamedNode:
        r = _iri("region", region.code)
        add = out.reference.append
        add((r, RDF.type, _REGION_CLASS[region.type]))
        add((r, RDFS.label, _text(region.name)))
        add((r, KG.code, _text(region.code)))
        add((r, KG.regionType, _text(region.type)))
        if region.latitude is not None and region.longitude is not None:
            add((r, SCHEMA.latitude, _decimal(region.latitude)))
            add((r, SCHEMA.longitude, _decimal(region.longitude)))
        if region.province_code:
            province = self.gazetteer.by_code(region.province_code)
            if province is not None:
                add((r, KG.province, self._region(province, out)))
        return r

    def _party(self, mention: str, path: str, source: str, out: ArticleGraph) -> _Party:
        resolved = self._resolved.get(mention)
        if resolved is None:
            resolved = self._resolved[mention] = self.gazetteer.resolve_government(mention)
        body = resolved.body
        if resolved.region is not None:
            region = resolved.region
            r = self._region(region, out)
            region_key, region_label = region.code, region.name
        else:
            region_label = _unresolved_region_label(mention)
            region_key = "x-" + slug(region_label)
            r = _iri("region", region_key)
            out.reference.append((r, RDF.type, KG.Region))
            out.reference.append((r, RDFS.label, _text(region_label)))
            if resolved.candidates:
                options = " or ".join(f"{c.name} ({c.code})" for c in resolved.candidates)
                why = f"{mention!r} is ambiguous: {options}"
            else:
                why = f"{mention!r} is not a region in the gazetteer"
            out.warnings.append(f"{source}: {path}: {why}; kept as an unresolved region")
        key = f"{region_key}-{body}"
        g = _iri("gov", key)
        label = ("DPRD " if body == BODY_COUNCIL else "Pemerintah ") + region_label
        out.reference.append((g, RDF.type, _BODY_CLASS[body]))
        out.reference.append((g, RDFS.label, _text(label)))
        out.reference.append((g, KG.region, r))
        return _Party(g, key, region_key, label)

    def _person(
        self, person: PersonRef, party: _Party, report: NamedNode, role_prop: NamedNode,
        link: NamedNode, path: str, source: str, out: ArticleGraph,
    ) -> None:
        name = clean_name(person.name)
        key = name_key(person.name)
        if not key:
            raise ArticleError("not a person's name", file=source, field=f"{path}.name")
        p = _iri("person", f"{party.region_key}-{key}")
        out.reference.append((p, RDF.type, KG.Person))
        out.person_labels.setdefault(p, _text(name))
        out.owned.append((report, link, p))
        if person.role:
            out.owned.append((report, role_prop, _text(clean_role(person.role))))

    def _topic(self, label: str, report: NamedNode, out: ArticleGraph, where: str) -> None:
        cached = self._topic_triples.get(label)
        if cached is None:
            cached = self._topic_triples[label] = self._topic_uncached(label)
        t, triples, known = cached
        out.reference.extend(triples)
        if not known:
            out.warnings.append(
                f"{where}: topic {label!r} is not in the topic scheme; kept as a new topic"
            )
        out.owned.append((report, KG.topic, t))

    def _topic_uncached(self, label: str) -> tuple[NamedNode, list[Triple], bool]:
        topic = self.topics.resolve(label)
        if topic is not None:
            t = NamedNode(topic.iri)
            triples = [(t, RDF.type, KG.Topic),
                       (t, SKOS.inScheme, NamedNode(TOPIC_NS + "scheme"))]
            triples += [(t, RDFS.label, Literal(text, language=lang or None))
                        for lang, text in topic.labels]
            return t, triples, True
        t = _iri("topic", topic_slug(label))
        return t, [(t, RDF.type, KG.Topic), (t, RDFS.label, _text(topic_key(label)))], False

    def _visit(
        self, article: Article, visit: VisitAnnotation, path: str, digest: str,
        out: ArticleGraph,
    ) -> NamedNode:
        source = article.source
        visitor = self._party(visit.visitor, f"{path}.visitor", source, out)
        host = self._party(visit.host, f"{path}.host", source, out)
        if visitor.iri == host.iri:
            raise ArticleError(
                f"visitor and host are the same ({visitor.label})", file=source, field=path
            )
        if visit.date is not None:
            local = f"{visit.date.isoformat()}_{visitor.key}_{host.key}"
        else:
            local = f"{visitor.key}_{host.key}_{digest}"
        v = _iri("visit", local)
        ref = out.reference.append
        ref((v, RDF.type, KG.Visit))
        ref((v, KG.visitor, visitor.iri))
        ref((v, KG.hostedBy, host.iri))
        label = f"{visitor.label} → {host.label}"
        if visit.date is not None:
            ref((v, KG.date, _date(visit.date)))
            label += f" ({visit.date.isoformat()})"
        ref((v, RDFS.label, _text(label)))

        report = _iri("report", f"{local}_{digest}" if visit.date else local)
        own = out.owned.append
        own((report, RDF.type, KG.VisitReport))
        own((report, KG.visit, v))
        own((report, KG.source, out.article))
        own((report, KG.method, _text(visit.method)))
        if visit.confidence is not None:
            own((report, KG.confidence, _decimal(visit.confidence)))
        if visit.led_by:
            self._person(visit.led_by, visitor, report, KG.leaderRole, KG.ledBy,
                         f"{path}.led_by", source, out)
        if visit.received_by:
            self._person(visit.received_by, host, report, KG.receiverRole, KG.receivedBy,
                         f"{path}.received_by", source, out)
        for index, topic in enumerate(visit.topics):
            self._topic(topic, report, out, f"{source}: {path}.topics[{index}]")
        if visit.agreement:
            agreement = visit.agreement
            local_ag = f"{local}_{slug(agreement.type)}"
            if agreement.subject:
                local_ag += "_" + hashlib.sha256(agreement.subject.encode()).hexdigest()[:8]
            ag = _iri("agreement", local_ag)
            ref((ag, RDF.type, KG.Agreement))
            ref((ag, KG.agreementType, _text(agreement.type)))
            title = agreement.type + (f": {agreement.subject}" if agreement.subject else "")
            ref((ag, RDFS.label, _text(title)))
            if agreement.subject:
                ref((ag, KG.subject, _text(agreement.subject)))
            own((report, KG.signedAgreement, ag))
        if visit.place:
            own((report, KG.place, _text(visit.place)))
        if visit.evidence:
            own((report, KG.evidence, _text(visit.evidence)))
        return v
