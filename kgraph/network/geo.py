"""The map under ``kgraph viz --layout geo``: projection, coastline, and regions set apart.

The projection is equirectangular: ``x = (longitude - LON0) * SCALE``, ``y = -latitude *
SCALE`` (canvas units; the page draws the coastline with the same numbers). The coastline
is ``data/indonesia-land.json``, built from Natural Earth by ``tools/build_outline.py``.
"""
from __future__ import annotations

import functools
import json
import math
from typing import TYPE_CHECKING, Any

from ..rdf.resources import data_path

if TYPE_CHECKING:
    import networkx as nx

#: Canvas units per degree, and the central meridian of the map.
SCALE = 60.0
LON0 = 118.0
#: Regions closer than this (degrees, about 5 km) share a place: a province and its
#: capital city, the seats of a kota and a kabupaten in one town.
SAME_PLACE = 0.05
#: How far (degrees) regions sharing a place are set apart, around it.
SPREAD = 0.14
OUTLINE_FILE = "indonesia-land.json"


def project(latitude: float, longitude: float) -> tuple[float, float]:
    """Canvas position of a point."""
    return round((longitude - LON0) * SCALE, 2), round(-latitude * SCALE, 2)


@functools.lru_cache(maxsize=1)
def outline() -> dict[str, Any]:
    """The coastline document (``frame``, ``unit``, delta-encoded ``rings``)."""
    return json.loads(data_path(OUTLINE_FILE).read_text(encoding="utf-8"))


def spread(places: dict[Any, tuple[float, float]]) -> dict[Any, tuple[float, float]]:
    """``places`` (key → (latitude, longitude)) with keys that share a place (closer than
    :data:`SAME_PLACE`, also through each other) set apart on a small circle around
    their centre, in the order of their keys; the others unchanged."""
    keys = sorted(places, key=str)
    parent = {k: k for k in keys}

    def root(k: Any) -> Any:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    cells: dict[tuple[int, int], list[Any]] = {}
    for k in keys:
        lat, lon = places[k]
        cells.setdefault((math.floor(lat / SAME_PLACE), math.floor(lon / SAME_PLACE)), []).append(k)
    for (i, j), members in cells.items():
        near = [m for di in (-1, 0, 1) for dj in (-1, 0, 1) for m in cells.get((i + di, j + dj), ())]
        for a in members:
            for b in near:
                if str(a) < str(b) and math.dist(places[a], places[b]) < SAME_PLACE:
                    parent[root(b)] = root(a)
    groups: dict[Any, list[Any]] = {}
    for k in keys:
        groups.setdefault(root(k), []).append(k)
    out = dict(places)
    for members in groups.values():
        if len(members) < 2:
            continue
        lat0 = sum(places[k][0] for k in members) / len(members)
        lon0 = sum(places[k][1] for k in members) / len(members)
        radius = SPREAD * max(1.0, len(members) / 6)
        for i, key in enumerate(members):
            angle = math.pi / 2 + 2 * math.pi * i / len(members)  # the first one above
            out[key] = (lat0 + radius * math.sin(angle), lon0 + radius * math.cos(angle))
    return out


def places(net: "nx.DiGraph", nodes: list[str]) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """Canvas positions of ``nodes`` of ``net`` on the map (regions sharing a place set
    apart), and the nodes without usable coordinates, which go in a row under the map."""
    located, unplaced = {}, []
    for n in nodes:
        lat, lon = net.nodes[n].get("latitude"), net.nodes[n].get("longitude")
        if (isinstance(lat, (int, float)) and isinstance(lon, (int, float))
                and math.isfinite(lat) and math.isfinite(lon)
                and abs(lat) <= 90 and abs(lon) <= 180):
            located[n] = (float(lat), float(lon))
        else:
            unplaced.append(n)
    out = {n: project(lat, lon) for n, (lat, lon) in spread(located).items()}
    for i, n in enumerate(unplaced):  # a row under the map, left to right
        out[n] = project(-14.0, 95.0 + 2.5 * i)
    return out, unplaced
