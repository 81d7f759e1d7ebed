"""The regions of the network: read from the store as its nodes, and found by what a
user calls them (a code, an official name, a mention the gazetteer resolves)."""
from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ..errors import UsageError
from ..rdf.namespace import DATA_PREFIXES
from .sparql import _local, _rows

if TYPE_CHECKING:
    import networkx as nx

#: Region types a filter can name; "kota" also covers "kota administrasi" (as in the gazetteer).
REGION_TYPES = ("kota", "kabupaten", "provinsi")
_TYPE_GROUP = {"kota": "kota", "kota administrasi": "kota", "kabupaten": "kabupaten",
               "kabupaten administrasi": "kabupaten", "provinsi": "provinsi"}

_Q_REGIONS = """
SELECT ?r ?label ?code ?type ?lat ?lon ?prov ?provLabel ?provCode WHERE {
  { SELECT DISTINCT ?r WHERE { ?g kg:region ?r } }
  OPTIONAL { ?r rdfs:label ?label }
  OPTIONAL { ?r kg:code ?code }
  OPTIONAL { ?r kg:regionType ?type }
  OPTIONAL { ?r schema:latitude ?lat ; schema:longitude ?lon }
  OPTIONAL { ?r kg:province ?prov
             OPTIONAL { ?prov rdfs:label ?provLabel }
             OPTIONAL { ?prov kg:code ?provCode } }
}
"""


def _regions(graph: Any) -> dict[str, dict[str, Any]]:
    regions: dict[str, dict[str, Any]] = {}
    for r, label, code, kind, lat, lon, prov, prov_label, prov_code in _rows(graph, _Q_REGIONS):
        if r.value in regions:
            continue
        node = {
            "label": label.value if label is not None else _local(r.value),
            "code": code.value if code is not None else None,
            "type": kind.value if kind is not None else None,
            "latitude": _float(lat, 90), "longitude": _float(lon, 180),
            "province": None, "province_code": None,
        }
        node["resolved"] = node["code"] is not None
        if prov is not None:
            node["province"] = prov_label.value if prov_label is not None else None
            node["province_code"] = prov_code.value if prov_code is not None else None
        elif node["type"] == "provinsi":
            node["province"], node["province_code"] = node["label"], node["code"]
        regions[r.value] = node
    return regions


def _float(term: Any, limit: float = math.inf) -> float | None:
    """The number a literal holds; None when it holds none, or NaN, infinity or a value
    beyond ``limit`` (a hand-edited store must not break a map)."""
    if term is None:
        return None
    try:
        value = float(term.value)
    except ValueError:
        return None
    return value if math.isfinite(value) and abs(value) <= limit else None


def _unknown_region(iri: str) -> dict[str, Any]:
    return {"label": _local(iri), "code": None, "type": None, "latitude": None,
            "longitude": None, "province": None, "province_code": None, "resolved": False}


def find_region(net: "nx.DiGraph | None", text: str, *,
                regions: dict[str, dict[str, Any]] | None = None) -> str:
    """The region IRI that ``text`` names among ``regions`` (default: the nodes of
    ``net``): a code ("35.73"), an official name ("Kota Malang"), the label of an
    unresolved region, or a mention the gazetteer resolves ("Pemkot Malang"); a region
    of the gazetteer that is not among them is still its IRI (it has no visits). Raises
    :class:`~kgraph.errors.UsageError` when no region or several match."""
    from ..resolve.gazetteer import Gazetteer, normalize

    pool = regions if regions is not None else dict(net.nodes(data=True)) if net is not None else {}
    wanted = text.strip()
    key = normalize(wanted)
    for iri, data in sorted(pool.items()):
        if data.get("code") == wanted or iri == wanted:
            return iri
    by_label = [iri for iri, data in sorted(pool.items()) if normalize(data["label"]) == key]
    if len(by_label) == 1:
        return by_label[0]
    if wanted in Gazetteer.default():  # the code of a region without visits
        return DATA_PREFIXES["region"] + wanted
    mention = Gazetteer.default().resolve_government(wanted)
    codes = {data.get("code"): iri for iri, data in pool.items() if data.get("code")}
    if mention.region is not None:
        if mention.region.code in codes:
            return codes[mention.region.code]
        return DATA_PREFIXES["region"] + mention.region.code  # a real region, no visits
    if mention.candidates:
        options = " or ".join(f"{c.name} ({c.code})" for c in mention.candidates)
        raise UsageError(f"{wanted!r} is ambiguous: {options}", field="around",
                         hint="give the code or the official name")
    raise UsageError(f"no region {wanted!r} in the store", field="around",
                     hint="give a code such as 35.73 or an official name such as 'Kota Malang'")


def _gazetteer_name(iri: str) -> str:
    """The official name and code of a region IRI of the gazetteer ("Kota Medan (12.71)")."""
    from ..resolve.gazetteer import Gazetteer

    code = iri.rpartition("/")[2]
    region = Gazetteer.default().by_code(code)
    return f"{region.name} ({code})" if region is not None else iri
