"""kgraph: a knowledge graph of visits between Indonesian regional governments.

The command-line tool is a thin layer over these functions::

    from kgraph import ingest
    report = ingest(["examples/"], store="kgraph.ttl")
"""
from __future__ import annotations

__version__ = "0.1.0"

from .errors import ArticleError, KGraphError, StoreError
from .ingest import IngestReport, ingest
from .validate import ValidationReport, validate

__all__ = [
    "__version__",
    "ArticleError",
    "IngestReport",
    "KGraphError",
    "StoreError",
    "ValidationReport",
    "ingest",
    "validate",
]
