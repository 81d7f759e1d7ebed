"""RDF and SPARQL as text: the bottom of kgraph, which every stage above may use.

Owns the ``kg:`` vocabulary and the IRIs kgraph mints (``namespace``), where the shipped
ontology and data files are (``resources``), the sorted Turtle writer (``turtle``),
SPARQL text read as tokens (``sparql_text``) and SPARQL results read as text, with
VALUES blocks written as text (``tsv``). Nothing here knows articles or visits.

May import: errors
"""
