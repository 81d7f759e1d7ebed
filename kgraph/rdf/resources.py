"""Locate the files kgraph ships: the ontology and the data folder.

An installed kgraph has ``kgraph/ontology/*.ttl`` (``setup.cfg`` maps the top-level
``ontology/`` folder into the package); a source checkout reads ``ontology/`` directly.
"""
from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent.parent  # kgraph/ (this module is in kgraph/rdf/)


def ontology_path(name: str) -> Path:
    """Path of ``ontology/<name>`` (``kgraph.ttl``, ``shapes.ttl``, ``topics.ttl``)."""
    for folder in (_HERE / "ontology", _HERE.parent / "ontology"):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"ontology file {name} is not installed with kgraph")


def data_path(name: str) -> Path:
    """Path of ``kgraph/data/<name>``."""
    return _HERE / "data" / name
