"""An article and the visits it states: what reading produces, and what extraction and
mapping take. The fields are those of the article format, the contract in DESIGN.md."""
from __future__ import annotations

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class PersonRef:
    name: str
    role: str | None = None


@dataclass(frozen=True)
class AgreementRef:
    type: str
    subject: str | None = None


@dataclass(frozen=True)
class VisitAnnotation:
    """One visit as an article states it (the ``visits`` entries of the front matter)."""

    visitor: str
    host: str
    date: dt.date | None = None
    led_by: PersonRef | None = None
    received_by: PersonRef | None = None
    topics: tuple[str, ...] = ()
    agreement: AgreementRef | None = None
    place: str | None = None
    evidence: str | None = None
    method: str = "annotated"
    confidence: float | None = None


@dataclass
class Article:
    """An article: where it came from, its metadata, body and visits.

    ``visits`` is ``None`` for a raw article (no ``visits`` key): it needs extraction.
    """

    source: str
    body: str
    title: str | None = None
    url: str | None = None
    published: dt.date | None = None
    publisher: str | None = None
    language: str = "id"
    visits: list[VisitAnnotation] | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    file_name: str | None = None
    """The name of the file it was read from, without its folder (``None`` for standard
    input): provenance, not identity."""

    @property
    def is_raw(self) -> bool:
        return self.visits is None

    @property
    def key(self) -> str:
        """What identifies the article across ingests: its URL, else its text (a hash of
        the body with Unicode and whitespace normalised), wherever it is read from."""
        if self.url:
            return self.url
        text = unicodedata.normalize("NFC", " ".join(self.body.split()))
        return "text:" + hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def path_key(self) -> str | None:
        """The key kgraph 0.x gave an article without a URL read from a file: its path
        as displayed (see :func:`kgraph.map.mapping.legacy_iri`)."""
        return self.source if self.url is None and self.file_name is not None else None
