"""Resolving topic labels against the SKOS topic scheme (``ontology/topics.ttl``)."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..rdf.namespace import RDF_NS, SKOS_NS
from ..rdf.resources import ontology_path


@dataclass(frozen=True)
class Topic:
    """A topic of the scheme: its IRI and preferred labels by language."""

    iri: str
    labels: tuple[tuple[str, str], ...]  # (language, label), sorted
    alt_labels: tuple[str, ...] = ()  # sorted

    def label(self, language: str = "id") -> str:
        for lang, text in self.labels:
            if lang == language:
                return text
        return self.labels[0][1] if self.labels else self.iri


def topic_key(label: str) -> str:
    """Case-, accent- and punctuation-insensitive key of a topic label."""
    text = unicodedata.normalize("NFKD", label).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"[a-z0-9]+", text))


def topic_slug(label: str) -> str:
    return topic_key(label).replace(" ", "-") or "topic"


def compact_key(label: str) -> str:
    """``topic_key`` without spaces: "kerjasama antar daerah" and "kerja sama antardaerah"
    are one label (real reports write compounds both ways)."""
    return topic_key(label).replace(" ", "")


class TopicScheme:
    """Look up a topic by any of its preferred or alternative labels."""

    def __init__(self, topics: dict[str, Topic], index: dict[str, str],
                 names: tuple[tuple[str, str, str], ...] = ()) -> None:
        self.topics = topics
        self._index = index
        #: Every label of the scheme as (language, label, topic IRI), preferred ones first.
        self.names = names
        self._compact: dict[str, str] = {}
        for key, iri in index.items():
            self._compact.setdefault(key.replace(" ", ""), iri)

    @classmethod
    def load(cls, path: Path | None = None) -> "TopicScheme":
        path = path or ontology_path("topics.ttl")
        concept = ox.NamedNode(SKOS_NS + "Concept")
        pref, alt = ox.NamedNode(SKOS_NS + "prefLabel"), ox.NamedNode(SKOS_NS + "altLabel")
        rdf_type = ox.NamedNode(RDF_NS + "type")
        concepts: set[str] = set()
        prefs: dict[str, list[tuple[str, str]]] = {}
        alts: dict[str, list[tuple[str, str]]] = {}
        with open(path, "rb") as handle:
            for triple in ox.parse(handle, ox.RdfFormat.TURTLE):
                s = triple.subject
                if not isinstance(s, ox.NamedNode):
                    continue
                if triple.predicate == rdf_type and triple.object == concept:
                    concepts.add(s.value)
                elif triple.predicate == pref and isinstance(triple.object, ox.Literal):
                    prefs.setdefault(s.value, []).append(
                        (triple.object.language or "", triple.object.value)
                    )
                elif triple.predicate == alt and isinstance(triple.object, ox.Literal):
                    alts.setdefault(s.value, []).append(
                        (triple.object.language or "", triple.object.value)
                    )
        topics = {iri: Topic(iri, tuple(sorted(prefs.get(iri, []))),
                             tuple(sorted({text for _, text in alts.get(iri, [])})))
                  for iri in concepts}
        index: dict[str, str] = {}
        names: list[tuple[str, str, str]] = []
        # Preferred labels win over alternative ones; iterate in a fixed order.
        for iri in sorted(concepts):
            for lang, text in sorted(prefs.get(iri, [])):
                index.setdefault(topic_key(text), iri)
                names.append((lang, text, iri))
        for iri in sorted(concepts):
            for lang, text in sorted(alts.get(iri, [])):
                index.setdefault(topic_key(text), iri)
                names.append((lang, text, iri))
        return cls(topics, index, tuple(names))

    def resolve(self, label: str) -> Topic | None:
        """The scheme's topic for ``label``, or ``None`` when it is not in the scheme."""
        key = topic_key(label)
        iri = self._index.get(key) or self._compact.get(key.replace(" ", ""))
        return self.topics[iri] if iri else None

    def __len__(self) -> int:
        return len(self.topics)

    def listing(self) -> list[dict[str, object]]:
        """Every topic, by its Indonesian label: its IRI, its labels in Indonesian and
        English, and its alternative labels (what ``kgraph topics`` shows)."""
        rows = [{"iri": t.iri, "id": t.label("id"), "en": t.label("en"),
                 "alternative": list(t.alt_labels)} for t in self.topics.values()]
        return sorted(rows, key=lambda r: (topic_key(str(r["id"])), str(r["iri"])))


@lru_cache(maxsize=1)
def default_scheme() -> TopicScheme:
    """The topic scheme shipped with kgraph (loaded once per process)."""
    return TopicScheme.load()
