"""The network of visits: regions as nodes, visitor → host pairs as edges, read from the
store; its statistics and its interactive page.

Owns building the network (``build``) and drawing it at the level of provinces
(``levels``), its figures (``stats``), the page's data and HTML (``viz``, with its words
in English and Indonesian in ``viz_words``, the geographic layout in ``geo`` and the page's
template and script in ``templates/``).

May import: errors, rdf, resolve, store, query
"""
