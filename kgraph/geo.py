"""The map under ``kgraph viz --layout geo``: projection, coastline, and regions set apart.

The projection is equirectangular: ``x = (longitude - LON0) * SCALE``, ``y = -latitude *
SCALE`` (canvas units; the page draws the coastline with the same numbers). The coastline
is ``data/indonesia-land.json``, built from Natural Earth by ``tools/build_outline.py``.
"""
from __future__ import annotations

import functools
import json
import math
from typing import Any

from .resources import data_path

#: Canvas units per degree, and the central meridian of the map.
SCALE = 60.0
LON0 = 118.0
#: Regions closer than this (degrees) share a place: a province and its capital city.
SAME_PLACE = 0.02
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
    """``places`` (key → (latitude, longitude)) with keys that share a place set apart on
    a small circle around it, in the order of their keys; the others unchanged."""
    groups: dict[tuple[int, int], list[Any]] = {}
    for key, (lat, lon) in places.items():
        cell = (round(lat / SAME_PLACE), round(lon / SAME_PLACE))
        groups.setdefault(cell, []).append(key)
    out = dict(places)
    for keys in groups.values():
        if len(keys) < 2:
            continue
        keys.sort(key=str)
        lat0 = sum(places[k][0] for k in keys) / len(keys)
        lon0 = sum(places[k][1] for k in keys) / len(keys)
        for i, key in enumerate(keys):
            angle = math.pi / 2 + 2 * math.pi * i / len(keys)  # the first one above
            out[key] = (lat0 + SPREAD * math.sin(angle), lon0 + SPREAD * math.cos(angle))
    return out
