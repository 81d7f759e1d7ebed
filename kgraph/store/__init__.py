"""The store: a Turtle file kept with an index beside it, or a SPARQL 1.1 server.

Owns opening, editing and writing the Turtle store (``turtle_store``), its index and
snapshots (``index``) and the visit table kept with each snapshot (``views``).
``remote/`` holds the same for a server: the SPARQL client, the server's graph read and
edited, its writer lock, and push/pull between the two.

May import: errors, rdf, read, map
"""
