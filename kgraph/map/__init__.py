"""Mapping: an article's visits become RDF triples, with deterministic IRIs and provenance.

Owns :class:`~kgraph.map.mapping.Mapper`, which resolves each mention against the
gazetteer and the topic scheme, and the :class:`~kgraph.map.mapping.ArticleGraph` of
triples one article contributes, which the store's editors take (``mapping``).

May import: errors, rdf, resolve, read
"""
