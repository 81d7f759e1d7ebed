"""``kgraph validate``: check the store against ``ontology/shapes.ttl`` with pySHACL."""
from __future__ import annotations

import os
from dataclasses import dataclass

from .errors import StoreError
from .rdf.resources import ontology_path
from .store.graph import DEFAULT_STORE, load_graph
from .store.turtle_store import serialize


@dataclass
class ValidationReport:
    conforms: bool
    violations: int
    text: str


def validate(*, store: str | os.PathLike[str] = DEFAULT_STORE) -> ValidationReport:
    """Validate the store against the SHACL shapes (with the ontology for class checks).

    Raises :class:`StoreError` when the store is missing or invalid Turtle.
    """
    import rdflib
    from pyshacl import validate as shacl_validate

    data = rdflib.Graph()
    data.parse(data=serialize(load_graph(store)), format="turtle")
    shapes = rdflib.Graph().parse(ontology_path("shapes.ttl"), format="turtle")
    ontology = rdflib.Graph().parse(ontology_path("kgraph.ttl"), format="turtle")
    try:
        conforms, results, text = shacl_validate(
            data, shacl_graph=shapes, ont_graph=ontology, inference="rdfs",
            abort_on_first=False, allow_warnings=True,
        )
    except Exception as exc:  # pySHACL raises its own exception types on bad shapes
        raise StoreError(f"validation failed to run: {exc}", file=str(store)) from None
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    violations = len(set(results.subjects(rdflib.RDF.type, sh.ValidationResult)))
    return ValidationReport(bool(conforms), violations, text)
