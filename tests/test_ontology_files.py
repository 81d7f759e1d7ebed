"""Tests for the ontology, SHACL shapes and SKOS topic scheme in ontology/."""

from __future__ import annotations

from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SH, SKOS

ONTOLOGY_DIR = Path(__file__).resolve().parent.parent / "ontology"

KG = Namespace("https://w3id.org/kgraph/ns#")
KGT = Namespace("https://w3id.org/kgraph/topic/")
SCHEMA = Namespace("https://schema.org/")
SEM = Namespace("http://semanticweb.cs.vu.nl/2009/11/sem/")
ORG = Namespace("http://www.w3.org/ns/org#")
PROV = Namespace("http://www.w3.org/ns/prov#")
XSD = Namespace("http://www.w3.org/2001/XMLSchema#")
ONTOLOGY_IRI = URIRef("https://w3id.org/kgraph/ns")
SCHEME = KGT.scheme

UNION = "union"  # marker for the owl:unionOf(kg:Visit kg:VisitReport) domain

CLASSES = {
    "Visit": "Kunjungan Kerja",
    "Government": None,
    "LocalGovernment": "Pemerintah Daerah",
    "RegionalCouncil": "Dewan Perwakilan Rakyat Daerah",
    "Region": "Wilayah",
    "City": "Kota",
    "Regency": "Kabupaten",
    "Province": "Provinsi",
    "Person": "Orang",
    "Agreement": "Perjanjian",
    "Topic": "Topik",
    "Article": "Artikel Berita",
    "VisitReport": "Laporan Kunjungan",
}

SUPERCLASSES = {
    "Visit": [SCHEMA.Event, SEM.Event],
    "Government": [SCHEMA.GovernmentOrganization, ORG.Organization],
    "LocalGovernment": [KG.Government],
    "RegionalCouncil": [KG.Government],
    "Region": [SCHEMA.AdministrativeArea],
    "City": [KG.Region, SCHEMA.City],
    "Regency": [KG.Region],
    "Province": [KG.Region],
    "Agreement": [SCHEMA.CreativeWork],
    "Topic": [SKOS.Concept],
    "Article": [SCHEMA.NewsArticle, PROV.Entity],
    "VisitReport": [PROV.Entity],
}

# name -> (domain, range, super-property or None)
OBJECT_PROPERTIES = {
    "visitor": (KG.Visit, KG.Government, SEM.hasActor),
    "hostedBy": (KG.Visit, KG.Government, SEM.hasActor),
    "ledBy": (UNION, KG.Person, SEM.hasActor),
    "receivedBy": (UNION, KG.Person, SEM.hasActor),
    "topic": (UNION, KG.Topic, SCHEMA.about),
    "signedAgreement": (UNION, KG.Agreement, None),
    "region": (KG.Government, KG.Region, None),
    "province": (KG.Region, KG.Province, SCHEMA.containedInPlace),
    "source": (UNION, KG.Article, PROV.wasDerivedFrom),
    "visit": (KG.VisitReport, KG.Visit, None),
    "affiliation": (KG.Person, KG.Government, ORG.memberOf),
}

DATATYPE_PROPERTIES = {
    "date": (UNION, XSD.date, SEM.hasTimeStamp),
    "place": (UNION, XSD.string, None),
    "code": (KG.Region, XSD.string, None),
    "regionType": (KG.Region, XSD.string, None),
    "role": (KG.Person, XSD.string, None),
    "evidence": (UNION, XSD.string, None),
    "method": (UNION, XSD.string, None),
    "confidence": (UNION, XSD.decimal, None),
    "leaderRole": (KG.VisitReport, XSD.string, None),
    "receiverRole": (KG.VisitReport, XSD.string, None),
    "agreementType": (KG.Agreement, XSD.string, None),
    "subject": (KG.Agreement, XSD.string, None),
    "fileName": (KG.Article, XSD.string, None),
}

INDONESIAN_PROPERTY_LABELS = {
    "visitor": "pengunjung",
    "hostedBy": "tuan rumah",
    "ledBy": "dipimpin oleh",
    "receivedBy": "diterima oleh",
    "topic": "topik",
    "signedAgreement": "menandatangani perjanjian",
    "region": "wilayah",
    "province": "provinsi",
    "source": "sumber",
    "visit": "kunjungan",
    "affiliation": "afiliasi",
    "date": "tanggal",
    "place": "tempat",
    "code": "kode wilayah",
    "regionType": "jenis wilayah",
    "role": "jabatan",
    "evidence": "bukti kutipan",
    "method": "metode",
    "confidence": "tingkat keyakinan",
    "leaderRole": "jabatan pemimpin rombongan",
    "receiverRole": "jabatan penerima",
    "agreementType": "jenis perjanjian",
    "subject": "pokok perjanjian",
    "fileName": "nama berkas",
}

TOPIC_SLUGS = [
    "pelayanan-publik", "pendapatan-asli-daerah", "pajak-retribusi-daerah",
    "digitalisasi-pajak", "pendidikan", "kesehatan", "infrastruktur",
    "kesejahteraan-sosial", "zakat-wakaf-hibah", "tata-kelola-bumd",
    "pariwisata", "perencanaan-pembangunan", "legislasi-daerah",
    "pemberdayaan-masyarakat", "kota-cerdas", "pemerintahan-digital",
    "pengelolaan-sampah", "lingkungan-hidup", "penanggulangan-kemiskinan",
    "penurunan-stunting", "umkm", "investasi-perizinan", "keuangan-daerah",
    "manajemen-asn", "reformasi-birokrasi", "ketahanan-pangan",
    "transportasi", "administrasi-kependudukan", "penanggulangan-bencana",
    "kebudayaan", "air-minum", "penyelenggaraan-pemerintahan",
    "ekonomi-kreatif", "ketenagakerjaan", "perumahan-permukiman",
    "kepemudaan-olahraga", "kerja-sama-daerah",
    "mal-pelayanan-publik", "inovasi-daerah", "pengelolaan-aset-daerah",
    "akuntabilitas-kinerja", "kelembagaan-perangkat-daerah", "propemperda", "fungsi-dprd",
    "pilkada", "kerukunan-umat-beragama", "ketertiban-umum", "batas-wilayah", "kota-kembar",
    "tata-ruang", "ruang-terbuka-hijau", "kota-layak-anak", "perempuan-anak",
    "pengelolaan-parkir", "perpustakaan", "kearsipan", "komunikasi-informatika",
    "keterbukaan-informasi", "pemerintahan-desa", "kelautan-perikanan",
    "perindustrian-perdagangan", "pertanahan", "kpbu", "covid-19", "potensi-daerah",
    "apbd", "cagar-budaya",
]


def _parse(name: str) -> Graph:
    g = Graph()
    g.parse(ONTOLOGY_DIR / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return _parse("kgraph.ttl")


@pytest.fixture(scope="module")
def shapes() -> Graph:
    return _parse("shapes.ttl")


@pytest.fixture(scope="module")
def topics() -> Graph:
    return _parse("topics.ttl")


def _langs(g: Graph, s, p) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for o in g.objects(s, p):
        if isinstance(o, Literal) and o.language:
            out.setdefault(o.language, []).append(str(o))
    return out


def _is_union_domain(g: Graph, node) -> bool:
    if not isinstance(node, BNode):
        return False
    members = g.value(node, OWL.unionOf)
    if members is None:
        return False
    return set(Collection(g, members)) == {KG.Visit, KG.VisitReport}


# ---------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["kgraph.ttl", "shapes.ttl", "topics.ttl"])
def test_files_parse(name):
    assert len(_parse(name)) > 0


# ---------------------------------------------------------------------------
# Ontology
# ---------------------------------------------------------------------------


def test_ontology_header(ontology):
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(ONTOLOGY_IRI, OWL.versionInfo) == Literal("0.1.0")
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.title) is not None
    description = " ".join(str(d) for d in ontology.objects(ONTOLOGY_IRI, DCTERMS.description))
    for term in ["url", "headline", "datePublished", "publisher", "inLanguage", "latitude", "longitude"]:
        assert f"schema:{term}" in description
    assert (ONTOLOGY_IRI, DCTERMS.license, URIRef("https://creativecommons.org/licenses/by/4.0/")) in ontology


def test_exactly_the_expected_kg_terms(ontology):
    declared = {
        s for s in ontology.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(KG))
    }
    expected = {KG[n] for n in [*CLASSES, *OBJECT_PROPERTIES, *DATATYPE_PROPERTIES]}
    assert declared == expected


def _check_annotations(g: Graph, term: URIRef) -> dict[str, list[str]]:
    labels = _langs(g, term, RDFS.label)
    assert len(labels.get("en", [])) == 1, f"{term}: one rdfs:label @en expected"
    assert len(labels.get("id", [])) == 1, f"{term}: one rdfs:label @id expected"
    assert "en" in _langs(g, term, RDFS.comment), f"{term}: rdfs:comment @en missing"
    assert (term, RDFS.isDefinedBy, ONTOLOGY_IRI) in g
    return labels


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_class_declared(ontology, name):
    term = KG[name]
    assert (term, RDF.type, OWL.Class) in ontology
    labels = _check_annotations(ontology, term)
    if CLASSES[name]:
        assert labels["id"] == [CLASSES[name]]
    for sup in SUPERCLASSES.get(name, []):
        assert (term, RDFS.subClassOf, sup) in ontology, f"{name} ⊑ {sup}"


def test_government_and_person_labels(ontology):
    gov_id = set(_langs(ontology, KG.Government, RDFS.label)["id"]) | set(
        _langs(ontology, KG.Government, SKOS.altLabel)["id"]
    )
    assert gov_id == {"Pemerintahan Daerah", "Lembaga Pemerintahan Daerah"}
    assert "Tokoh" in _langs(ontology, KG.Person, SKOS.altLabel)["id"]
    assert (KG.Person, OWL.equivalentClass, SCHEMA.Person) in ontology


def _check_property(g, name, kind, spec):
    domain, rng, sup = spec
    term = KG[name]
    assert (term, RDF.type, kind) in g
    labels = _check_annotations(g, term)
    assert labels["id"] == [INDONESIAN_PROPERTY_LABELS[name]]
    domains = list(g.objects(term, RDFS.domain))
    assert len(domains) == 1
    if domain is UNION:
        assert _is_union_domain(g, domains[0]), f"{name}: union domain expected"
    else:
        assert domains[0] == domain
    assert list(g.objects(term, RDFS.range)) == [rng]
    if sup is not None:
        assert (term, RDFS.subPropertyOf, sup) in g


@pytest.mark.parametrize("name", sorted(OBJECT_PROPERTIES))
def test_object_property_declared(ontology, name):
    _check_property(ontology, name, OWL.ObjectProperty, OBJECT_PROPERTIES[name])


@pytest.mark.parametrize("name", sorted(DATATYPE_PROPERTIES))
def test_datatype_property_declared(ontology, name):
    _check_property(ontology, name, OWL.DatatypeProperty, DATATYPE_PROPERTIES[name])


def test_alignment_properties_declared_not_defined(ontology):
    assert (SEM.hasTimeStamp, RDF.type, OWL.DatatypeProperty) in ontology
    assert (SEM.hasTimeStamp, RDFS.label, None) not in ontology


# ---------------------------------------------------------------------------
# Topics
# ---------------------------------------------------------------------------


def _concepts(topics: Graph) -> list[URIRef]:
    return sorted(topics.subjects(SKOS.inScheme, SCHEME))


def test_topic_scheme(topics):
    assert (SCHEME, RDF.type, SKOS.ConceptScheme) in topics
    assert _langs(topics, SCHEME, SKOS.prefLabel) == {
        "en": ["Visit topics"],
        "id": ["Topik kunjungan kerja"],
    }
    concepts = _concepts(topics)
    assert len(concepts) >= 25
    assert set(concepts) == {KGT[s] for s in TOPIC_SLUGS}


@pytest.mark.parametrize("slug", TOPIC_SLUGS)
def test_topic_concept(topics, slug):
    c = KGT[slug]
    assert (c, RDF.type, SKOS.Concept) in topics
    assert (c, RDF.type, KG.Topic) in topics
    assert (c, SKOS.topConceptOf, SCHEME) in topics
    assert (SCHEME, SKOS.hasTopConcept, c) in topics
    pref = _langs(topics, c, SKOS.prefLabel)
    assert len(pref.get("id", [])) == 1 and len(pref.get("en", [])) == 1
    assert _langs(topics, c, RDFS.label) == pref
    assert _langs(topics, c, SKOS.altLabel), f"{slug}: no skos:altLabel"
    assert "en" in _langs(topics, c, SKOS.definition)


def test_topic_labels_unique_across_scheme(topics):
    owner: dict[str, URIRef] = {}
    for c in _concepts(topics):
        for p in (SKOS.prefLabel, SKOS.altLabel):
            for label in topics.objects(c, p):
                key = str(label).casefold()
                assert owner.setdefault(key, c) == c, (
                    f"label {label!r} used by {owner[key]} and {c}"
                )


def test_topic_pref_and_alt_labels_disjoint(topics):
    # SKOS integrity condition S13 (same language tag).
    for c in _concepts(topics):
        pref = set(topics.objects(c, SKOS.prefLabel))
        alt = set(topics.objects(c, SKOS.altLabel))
        assert not pref & alt, c


def test_topic_abbreviations_are_indonesian_alt_labels(topics):
    for slug, alt in [
        ("pendapatan-asli-daerah", "PAD"),
        ("tata-kelola-bumd", "BUMD"),
        ("legislasi-daerah", "perda"),
        ("pemerintahan-digital", "SPBE"),
    ]:
        assert Literal(alt, lang="id") in set(topics.objects(KGT[slug], SKOS.altLabel))


def test_topics_conform_to_shapes(topics, shapes):
    conforms, _, report = validate(topics, shacl_graph=shapes)
    assert conforms, report


# ---------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------

PREFIXES = """
@prefix kg:     <https://w3id.org/kgraph/ns#> .
@prefix kgt:    <https://w3id.org/kgraph/topic/> .
@prefix schema: <https://schema.org/> .
@prefix rdfs:   <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
@prefix ex:     <https://example.org/> .
"""

VALID_DATA = PREFIXES + """
ex:visit1 a kg:Visit ;
    rdfs:label "Kunjungan kerja Pemkot Serang ke Pemkot Malang" ;
    kg:visitor ex:pemkot-serang ;
    kg:hostedBy ex:pemkot-malang ;
    kg:date "2024-05-14"^^xsd:date ;
    kg:place "Balai Kota Malang" ;
    kg:ledBy ex:person1 ;
    kg:receivedBy ex:person2 ;
    kg:topic kgt:pendapatan-asli-daerah ;
    kg:signedAgreement ex:agreement1 ;
    kg:source ex:article1 ;
    kg:method "extracted" ;
    kg:confidence 0.85 ;
    kg:evidence "Rombongan Pemkot Serang disambut langsung oleh Wali Kota Malang." .

ex:report1 a kg:VisitReport ;
    kg:visit ex:visit1 ;
    kg:source ex:article1 ;
    kg:method "extracted" ;
    kg:confidence 1.0 ;
    kg:topic kgt:pendapatan-asli-daerah ;
    kg:ledBy ex:person1 ;
    kg:leaderRole "Wakil Wali Kota Serang" ;
    kg:receiverRole "Wali Kota Malang" .

ex:pemkot-serang a kg:Government ;
    rdfs:label "Pemerintah Kota Serang" ;
    kg:region ex:kota-serang .

ex:pemkot-malang a kg:Government ;
    rdfs:label "Pemerintah Kota Malang" ;
    kg:region ex:kota-malang .

ex:kota-serang a kg:Region ;
    rdfs:label "Kota Serang" ;
    kg:code "36.73" ;
    kg:regionType "kota" ;
    kg:province ex:banten .

ex:kota-malang a kg:Region ;
    rdfs:label "Kota Malang" ;
    kg:code "35.73" ;
    kg:regionType "kota" ;
    schema:latitude -7.98 ;
    schema:longitude 112.63 .

ex:banten a kg:Province ;
    rdfs:label "Banten" ;
    kg:code "36" ;
    kg:regionType "provinsi" .

ex:person1 a kg:Person ;
    rdfs:label "Nur Agis Aulia" ;
    kg:role "Wakil Wali Kota Serang" .

ex:person2 a kg:Person ;
    rdfs:label "Wahyu Hidayat" .

ex:agreement1 a kg:Agreement ;
    rdfs:label "Kesepakatan Bersama Kota Serang dan Kota Malang" ;
    kg:agreementType "Kesepakatan Bersama" ;
    kg:subject "peningkatan pendapatan asli daerah" .

ex:article1 a kg:Article ;
    schema:url "https://example.org/news/1"^^xsd:anyURI ;
    schema:headline "Pemkot Serang studi banding ke Malang" ;
    schema:datePublished "2024-05-15"^^xsd:date .

kgt:pendapatan-asli-daerah a kg:Topic ;
    rdfs:label "local own-source revenue"@en .
"""

INVALID_DATA = PREFIXES + """
ex:visit1 a kg:Visit ;
    rdfs:label "Kunjungan kerja" ;
    kg:visitor ex:gov1 , ex:gov2 ;
    kg:hostedBy ex:gov3 ;
    kg:date "14 Mei 2024" ;
    kg:source ex:article1 ;
    kg:method "extracted" .

ex:gov1 a kg:Government ; rdfs:label "Pemerintah Kota A" ; kg:region ex:r1 .
ex:gov2 a kg:Government ; rdfs:label "Pemerintah Kota B" ; kg:region ex:r1 .
ex:gov3 a kg:Government ; rdfs:label "Pemerintah Kota C" ; kg:region ex:r1 .
ex:r1 a kg:Region ; rdfs:label "Kota A" .
ex:article1 a kg:Article .
"""


def _data(ttl: str) -> Graph:
    return Graph().parse(data=ttl, format="turtle")


def _violations(report_graph: Graph) -> set[tuple]:
    """(focus node, result path) pairs of all validation results."""
    return {
        (report_graph.value(r, SH.focusNode), report_graph.value(r, SH.resultPath))
        for r in report_graph.subjects(RDF.type, SH.ValidationResult)
    }


def test_shapes_graph_is_valid_shacl(shapes):
    # Validate the shapes graph against the SHACL-for-SHACL meta-shapes.
    conforms, _, report = validate(_data(VALID_DATA), shacl_graph=shapes, meta_shacl=True)
    assert conforms, report


def test_every_shape_is_named(shapes):
    shape_nodes = set(shapes.subjects(RDF.type, SH.NodeShape)) | set(
        shapes.subjects(RDF.type, SH.PropertyShape)
    )
    shape_nodes |= set(shapes.objects(None, SH.property))
    for lst in shapes.objects(None, SH["or"]):
        shape_nodes |= set(Collection(shapes, lst))
    assert len(shape_nodes) > 20
    for s in shape_nodes:
        assert (s, SH.message, None) in shapes or (s, SH.name, None) in shapes, s


def test_expected_shapes_present(shapes):
    ksh = Namespace("https://w3id.org/kgraph/shapes#")
    for name, target in [
        ("VisitShape", KG.Visit),
        ("VisitReportShape", KG.VisitReport),
        ("GovernmentShape", KG.Government),
        ("RegionShape", KG.Region),
        ("PersonShape", KG.Person),
        ("AgreementShape", KG.Agreement),
        ("ArticleShape", KG.Article),
        ("TopicShape", KG.Topic),
    ]:
        assert (ksh[name], RDF.type, SH.NodeShape) in shapes
        assert (ksh[name], SH.targetClass, target) in shapes


def test_valid_data_conforms(shapes):
    conforms, _, report = validate(_data(VALID_DATA), shacl_graph=shapes)
    assert conforms, report


def test_invalid_data_does_not_conform(shapes):
    conforms, report_graph, _ = validate(_data(INVALID_DATA), shacl_graph=shapes)
    assert not conforms
    violations = _violations(report_graph)
    visit = URIRef("https://example.org/visit1")
    assert (visit, KG.visitor) in violations
    assert (visit, KG.date) in violations


def test_visitor_equal_to_host_violates(shapes):
    ttl = VALID_DATA.replace("kg:hostedBy ex:pemkot-malang", "kg:hostedBy ex:pemkot-serang")
    conforms, report_graph, _ = validate(_data(ttl), shacl_graph=shapes)
    assert not conforms
    assert (URIRef("https://example.org/visit1"), KG.visitor) in _violations(report_graph)


@pytest.mark.parametrize(
    ("old", "new", "focus", "path"),
    [
        ('kg:confidence 0.85', 'kg:confidence 1.5', "visit1", KG.confidence),
        ('kg:confidence 0.85', 'kg:confidence "0.85"', "visit1", KG.confidence),
        ('kg:method "extracted" ;\n    kg:confidence 0.85',
         'kg:method "guessed" ;\n    kg:confidence 0.85', "visit1", KG.method),
        ('kg:source ex:article1 ;\n    kg:method "extracted" ;\n    kg:confidence 0.85',
         'kg:method "extracted" ;\n    kg:confidence 0.85', "visit1", KG.source),
        ('kg:visit ex:visit1 ;', '', "report1", KG.visit),
        ('kg:code "35.73"', 'kg:code "3573"', "kota-malang", KG.code),
        ('kg:regionType "kota" ;\n    schema:latitude',
         'kg:regionType "city" ;\n    schema:latitude', "kota-malang", KG.regionType),
        ('kg:province ex:banten', 'kg:province ex:kota-malang', "kota-serang", KG.province),
        ('kg:agreementType "Kesepakatan Bersama" ;', '', "agreement1", KG.agreementType),
        ('schema:datePublished "2024-05-15"^^xsd:date',
         'schema:datePublished "15 Mei 2024"', "article1", SCHEMA.datePublished),
        ('rdfs:label "Wahyu Hidayat"', 'rdfs:label "Wahyu Hidayat"@id', "person2", RDFS.label),
        ('kg:region ex:kota-malang', 'kg:region ex:person1', "pemkot-malang", KG.region),
    ],
)
def test_single_violations(shapes, old, new, focus, path):
    assert old in VALID_DATA, old
    ttl = VALID_DATA.replace(old, new, 1)
    conforms, report_graph, _ = validate(_data(ttl), shacl_graph=shapes)
    assert not conforms
    assert (URIRef(f"https://example.org/{focus}"), path) in _violations(report_graph)


def test_subclass_instances_validate_with_ontology(shapes, ontology, topics):
    """Data typed with subclasses only conforms when the ontology is mixed in."""
    ttl = (
        VALID_DATA.replace("a kg:Government", "a kg:LocalGovernment")
        .replace("ex:kota-serang a kg:Region", "ex:kota-serang a kg:City")
        .replace("ex:kota-malang a kg:Region", "ex:kota-malang a kg:City")
    )
    # Topic typing comes from topics.ttl, merged into the data graph (pyshacl
    # only copies RDFS/OWL axioms from ont_graph, not SKOS concept instances).
    ttl = ttl.split("kgt:pendapatan-asli-daerah a kg:Topic")[0]
    conforms, _, report = validate(
        _data(ttl) + topics, shacl_graph=shapes, ont_graph=ontology
    )
    assert conforms, report
    # Without the ontology, kg:LocalGovernment is not accepted as kg:Government.
    conforms, report_graph, _ = validate(_data(ttl) + topics, shacl_graph=shapes)
    assert not conforms
    assert (URIRef("https://example.org/visit1"), KG.visitor) in _violations(report_graph)
    # Subclass-typed governments are still targeted by GovernmentShape.
    bad = ttl.replace('kg:region ex:kota-malang', '')
    conforms, report_graph, _ = validate(
        _data(bad) + topics, shacl_graph=shapes, ont_graph=ontology
    )
    assert not conforms
    assert (URIRef("https://example.org/pemkot-malang"), KG.region) in _violations(report_graph)
