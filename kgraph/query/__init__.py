"""Querying the store with SPARQL: read-only, time-limited, parameters bound safely.

Owns the checks, parameters, presets, runner and result formats of ``kgraph query``
(``runner``; the ready-made queries in ``queries/*.rq``) and the text tables of a
terminal (``table``), which the network's statistics use too.

May import: errors, rdf, resolve, store
"""
