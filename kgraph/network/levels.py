"""Levels of the visit network: each region as itself, or aggregated into its province.

At the ``province`` level a visit from Kota Malang to Kota Bandung is a visit from Provinsi
Jawa Timur to Provinsi Jawa Barat: the network has at most 38 provinces, one edge per
province pair (a visit inside one province is a loop on it). A province stands for itself;
an unresolved region, which has no province, stays as it is.
"""
from __future__ import annotations

from typing import Any, Callable, TypeVar

from ..errors import KGraphError
from ..rdf.namespace import DATA_PREFIXES

#: The levels a network can be drawn at.
LEVELS = ("region", "province")

_V = TypeVar("_V")
Pairs = dict[tuple[str, str], list[_V]]


def check_level(level: str) -> None:
    """Raise :class:`KGraphError` unless ``level`` is one of :data:`LEVELS`."""
    if level not in LEVELS:
        raise KGraphError(f"unknown level {level!r}; expected one of {', '.join(LEVELS)}")


def province_iri(code: str) -> str:
    """The IRI of the province with this code (``region:35``)."""
    return DATA_PREFIXES["region"] + code


def province_node(code: str, fallback: dict[str, Any] | None = None) -> dict[str, Any]:
    """The node data of a province, from the gazetteer (else from ``fallback``, a member
    region's data, for a province the gazetteer does not know)."""
    from ..resolve.gazetteer import Gazetteer

    region = Gazetteer.default().by_code(code)
    if region is not None:
        name, lat, lon = region.name, region.latitude, region.longitude
    else:
        name, lat, lon = (fallback or {}).get("province") or code, None, None
    return {"label": name, "code": code, "type": "provinsi", "latitude": lat,
            "longitude": lon, "province": name, "province_code": code, "resolved": True}


def at_level(level: str, pairs: Pairs, regions: dict[str, dict[str, Any]]
             ) -> tuple[Pairs, dict[str, dict[str, Any]], Callable[[str], str]]:
    """``pairs`` (region IRI → region IRI: visits) at ``level``: the pairs, the node data
    of every node (``regions`` and the provinces), and the function from a region to its
    node."""
    check_level(level)
    if level == "region":
        return pairs, regions, lambda node: node
    nodes = dict(regions)
    mapping: dict[str, str] = {}

    def node_of(region: str) -> str:
        if region not in mapping:
            data = regions.get(region) or {}
            code = data.get("province_code")
            if not code:
                mapping[region] = region  # unresolved: no province to go to
            else:
                iri = province_iri(code)
                mapping[region] = iri
                if iri not in nodes or nodes[iri].get("type") != "provinsi":
                    nodes[iri] = province_node(code, data)
        return mapping[region]

    merged: Pairs = {}
    for (a, b), visits in sorted(pairs.items()):
        merged.setdefault((node_of(a), node_of(b)), []).extend(visits)
    return merged, nodes, node_of
