"""A SPARQL 1.1 server as kgraph's store (part of the store package, and bound by its
imports).

Owns the server's URLs and the error of any call (``endpoint``), the HTTP client
(``client``, with ``transport`` for credentials, TLS, failures and connections), the
server's graph read as a pyoxigraph ``Store`` (``graph``) and edited article by article
(``editor``), the writer lock on a server (``lock``), and copying the Turtle store to a
server and back (``sync``: push and pull).

May import: errors, rdf, read, map
"""
