"""Querying the store with SPARQL: read-only, time-limited, parameters bound safely.

Owns the checks of a query's text and the layer's errors (``checks``), typed parameters
(``params``), the ready-made queries (``presets``, from ``queries/*.rq``), running a query
in a child process that a timeout stops (``runner``), the result formats (``render``)
and the text tables of a terminal (``table``, which the network's statistics use too).

May import: errors, rdf, resolve, store
"""
