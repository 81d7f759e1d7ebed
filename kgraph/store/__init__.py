"""The store: a Turtle file kept with an index beside it, or a SPARQL 1.1 server.

Owns the store's files, written atomically and locked (``files``), the index of a Turtle
store and its snapshots (``index``), the visit table kept with each snapshot
(``views``), opening the store's graph for reading (``graph``), editing it article by
article (``editor``) and writing the Turtle file under the store's lock
(``turtle_store``). ``remote/`` holds the same for a server: the SPARQL client, the
server's graph read and edited, its writer lock, and push/pull between the two.

May import: errors, rdf, read, map
"""
