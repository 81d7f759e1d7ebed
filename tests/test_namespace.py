"""The kg: terms of the code and of the ontology are the same set."""
from __future__ import annotations

import re
from pathlib import Path

import rdflib

from kgraph import validate
from kgraph.rdf.namespace import KG, KG_CLASSES, KG_NS, KG_PROPERTIES, KG_TERMS

from conftest import ROOT

ONTOLOGY = ROOT / "ontology" / "kgraph.ttl"
CODE = sorted((ROOT / "kgraph").rglob("*.py")) + sorted((ROOT / "kgraph").rglob("*.rq"))
# Terms the data never states directly: superclasses reached through rdfs:subClassOf.
ABSTRACT = {"Government"}


def defined_terms() -> dict[str, set[str]]:
    graph = rdflib.Graph().parse(ONTOLOGY, format="turtle")
    kinds: dict[str, set[str]] = {"class": set(), "property": set()}
    for kind, types in (("class", [rdflib.OWL.Class]),
                        ("property", [rdflib.OWL.ObjectProperty, rdflib.OWL.DatatypeProperty])):
        for rdf_type in types:
            for term in graph.subjects(rdflib.RDF.type, rdf_type):
                if isinstance(term, rdflib.URIRef) and str(term).startswith(KG_NS):
                    kinds[kind].add(str(term)[len(KG_NS):])
    return kinds


def used_terms() -> set[str]:
    used: set[str] = set()
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        used.update(re.findall(r"\bKG\.([A-Za-z]+)", text))
        used.update(re.findall(r"\bkg:([A-Za-z]+)", text))
    return used


def test_code_terms_equal_ontology_terms():
    kinds = defined_terms()
    assert kinds["class"] == set(KG_CLASSES)
    assert kinds["property"] == set(KG_PROPERTIES)


def test_every_term_the_code_uses_is_defined():
    undefined = used_terms() - KG_TERMS
    assert not undefined, f"kg: terms used in code but not in the ontology: {undefined}"


def test_every_defined_term_is_used_by_the_code():
    unused = KG_TERMS - used_terms() - ABSTRACT
    assert not unused, f"ontology terms no code writes or reads: {unused}"


def test_unknown_terms_cannot_be_used():
    try:
        KG.hostedby  # noqa: B018 - a typo must fail loudly
    except AttributeError as exc:
        assert "hostedby" in str(exc)
    else:
        raise AssertionError("a misspelt kg: term was accepted")


def test_example_store_conforms_to_the_shapes(example_store):
    report = validate(store=example_store)
    assert report.conforms, report.text
    assert report.violations == 0


def test_installed_ontology_copy_is_the_source(tmp_path):
    from kgraph.rdf.resources import ontology_path

    for name in ("kgraph.ttl", "shapes.ttl", "topics.ttl"):
        assert Path(ontology_path(name)).read_bytes() == (ROOT / "ontology" / name).read_bytes()
