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
from .export import export
from .query.runner import QueryResult, query, run_preset
from .query.render import render
from .network.build import build_network
from .network.stats import NetworkStats, network_stats
from .network.viz_page import VizReport, render_html, write_html

__all__ = [
    "__version__",
    "ArticleError",
    "IngestReport",
    "KGraphError",
    "StoreError",
    "ValidationReport",
    "QueryResult",
    "export",
    "ingest",
    "query",
    "render",
    "run_preset",
    "validate",
    "NetworkStats",
    "VizReport",
    "build_network",
    "network_stats",
    "render_html",
    "write_html",
]
