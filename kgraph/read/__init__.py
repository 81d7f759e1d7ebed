"""Reading articles: article files and their front matter, saved web pages, the web.

Owns the :class:`~kgraph.read.article.Article` that every later stage takes
(``article``), the article format's front matter parsed and checked (``frontmatter``),
article files found and read through the registry of readers by suffix (``files``),
saved and fetched web pages turned into article text (``webpage``), polite web fetching
(``web``), RSS/Atom feeds (``feeds``), and the small HTTP helpers that the SPARQL client
shares (``httputil``).

May import: errors, resolve
"""
