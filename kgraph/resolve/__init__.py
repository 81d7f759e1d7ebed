"""Resolving what articles name: regions and governments, topics, people.

Owns the gazetteer of provinces and kabupaten/kota (``gazetteer``, from
``kgraph/data/regions.csv``), the SKOS topic scheme (``topics``, from
``ontology/topics.ttl``) and the normalising of people's names and roles (``names``).
Reading, extraction and mapping look things up here; nothing here reads articles.

May import: errors, rdf
"""
