"""The ``kg:`` vocabulary and the IRIs kgraph mints for its data.

The terms listed in :data:`KG_TERMS` are exactly the ones defined in
``ontology/kgraph.ttl`` (a test checks both directions); using any other name through
:data:`KG` raises ``AttributeError``, so a typo cannot silently invent a term.
"""
from __future__ import annotations

from pyoxigraph import NamedNode

KG_NS = "https://w3id.org/kgraph/ns#"
TOPIC_NS = "https://w3id.org/kgraph/topic/"
ID_NS = "https://w3id.org/kgraph/id/"

RDF_NS = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS_NS = "http://www.w3.org/2000/01/rdf-schema#"
XSD_NS = "http://www.w3.org/2001/XMLSchema#"
OWL_NS = "http://www.w3.org/2002/07/owl#"
SKOS_NS = "http://www.w3.org/2004/02/skos/core#"
SCHEMA_NS = "https://schema.org/"
PROV_NS = "http://www.w3.org/ns/prov#"
SEM_NS = "http://semanticweb.cs.vu.nl/2009/11/sem/"
ORG_NS = "http://www.w3.org/ns/org#"

#: Prefixes bound in every query and written at the top of the store.
PREFIXES: dict[str, str] = {
    "kg": KG_NS,
    "rdf": RDF_NS,
    "rdfs": RDFS_NS,
    "xsd": XSD_NS,
    "owl": OWL_NS,
    "skos": SKOS_NS,
    "schema": SCHEMA_NS,
    "prov": PROV_NS,
    "sem": SEM_NS,
    "org": ORG_NS,
    "kgt": TOPIC_NS,
}

#: Prefixes for the IRIs of kgraph's own data, used to keep the Turtle store readable.
DATA_PREFIXES: dict[str, str] = {
    "region": ID_NS + "region/",
    "gov": ID_NS + "gov/",
    "person": ID_NS + "person/",
    "visit": ID_NS + "visit/",
    "report": ID_NS + "report/",
    "article": ID_NS + "article/",
    "agreement": ID_NS + "agreement/",
    "topic": ID_NS + "topic/",
}

KG_CLASSES = (
    "Visit",
    "Government",
    "LocalGovernment",
    "RegionalCouncil",
    "Region",
    "City",
    "Regency",
    "Province",
    "Person",
    "Agreement",
    "Topic",
    "Article",
    "VisitReport",
)
KG_PROPERTIES = (
    "visitor",
    "hostedBy",
    "ledBy",
    "receivedBy",
    "topic",
    "signedAgreement",
    "date",
    "place",
    "region",
    "province",
    "code",
    "regionType",
    "role",
    "source",
    "evidence",
    "method",
    "confidence",
    "visit",
    "affiliation",
    "leaderRole",
    "receiverRole",
    "agreementType",
    "subject",
    "fileName",
)
KG_TERMS = frozenset(KG_CLASSES + KG_PROPERTIES)


class _Vocabulary:
    """Attribute access to a closed set of terms as pyoxigraph ``NamedNode``."""

    def __init__(self, base: str, terms: frozenset[str]) -> None:
        self._base = base
        self._terms = terms

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_") or name not in self._terms:
            raise AttributeError(f"{name!r} is not a term of {self._base}")
        node = NamedNode(self._base + name)
        setattr(self, name, node)  # later lookups find it without calling __getattr__
        return node


KG = _Vocabulary(KG_NS, KG_TERMS)


class _Open:
    """Attribute access to any term of a well-known external vocabulary."""

    def __init__(self, base: str) -> None:
        self._base = base

    def __getattr__(self, name: str) -> NamedNode:
        if name.startswith("_"):
            raise AttributeError(name)
        node = NamedNode(self._base + name)
        setattr(self, name, node)  # later lookups find it without calling __getattr__
        return node


RDF = _Open(RDF_NS)
RDFS = _Open(RDFS_NS)
XSD = _Open(XSD_NS)
SKOS = _Open(SKOS_NS)
SCHEMA = _Open(SCHEMA_NS)
