"""kgraph stats: the visit network in numbers."""
from __future__ import annotations

import json
import re

import pytest

from kgraph import build_network, network_stats
from kgraph.network.stats import format_stats

from conftest import write_article
from test_viz import annotated_store  # noqa: F401 - a fixture


def _article(visitor: str, host: str, date: str, n: int, extra: str = "") -> str:
    return (f"---\ntitle: t{n}\nurl: https://example.org/s/{n}\nvisits:\n"
            f"  - visitor: {visitor}\n    host: {host}\n    date: {date}\n{extra}---\nbody\n")


@pytest.fixture(scope="module")
def reciprocal_store(tmp_path_factory):
    """Malang ⇄ Surabaya (3 + 1 visits, one with an agreement), Bandung → Malang, and a
    separate Padang ⇄ Pekanbaru pair."""
    from kgraph import ingest

    folder = tmp_path_factory.mktemp("reciprocal")
    visits = [("Pemkot Malang", "Pemkot Surabaya", "2025-01-01"),
              ("Pemkot Malang", "Pemkot Surabaya", "2025-02-01"),
              ("Pemkot Malang", "Pemkot Surabaya", "2025-03-01"),
              ("Pemkot Surabaya", "Pemkot Malang", "2025-04-01"),
              ("Pemkot Bandung", "Pemkot Malang", "2025-05-01"),
              ("Pemko Padang", "Pemko Pekanbaru", "2025-06-01"),
              ("Pemko Pekanbaru", "Pemko Padang", "2025-07-01")]
    paths = []
    for n, (a, b, date) in enumerate(visits):
        extra = "    topics: [PAD]\n"
        if n == 3:
            extra += "    agreement: {type: Kesepakatan Bersama, subject: kerja sama}\n"
        paths.append(write_article(folder, f"a{n}.md", _article(a, b, date, n, extra)))
    store = folder / "kgraph.ttl"
    assert ingest(paths, store=store).ok
    return store


def test_example_figures(annotated_store):  # noqa: F811
    stats = network_stats(build_network(annotated_store))
    assert (stats.regions, stats.visits, stats.pairs, stats.agreements) == (20, 11, 11, 2)
    assert stats.unresolved_regions == 0
    assert (stats.first_date, stats.last_date) == ("2025-10-06", "2026-01-12")
    assert [(h.region, h.visits) for h in stats.top_hosts[:2]] == [
        ("Kota Malang", 2), ("Provinsi DKI Jakarta", 2)]
    assert stats.reciprocated_pairs == 0 and stats.reciprocated == []
    assert ["Kota Jambi", "Kota Malang", "Kota Serang"] in stats.communities
    assert stats.top_topics[0] == ("pelayanan publik", 3)


def test_reciprocity_ranking_and_communities(reciprocal_store):
    stats = network_stats(build_network(reciprocal_store), top=3)
    assert stats.visits == 7 and stats.pairs == 5 and stats.agreements == 1
    assert [(p.a, p.b, p.a_to_b, p.b_to_a) for p in stats.reciprocated] == [
        ("Kota Malang", "Kota Surabaya", 3, 1), ("Kota Padang", "Kota Pekanbaru", 1, 1)]
    assert stats.top_hosts[0].region == "Kota Surabaya" and stats.top_hosts[0].visits == 3
    assert stats.top_visitors[0].region == "Kota Malang" and stats.top_visitors[0].code == "35.73"
    assert stats.community_count == 2
    assert sorted(stats.communities) == [["Kota Bandung", "Kota Malang", "Kota Surabaya"],
                                         ["Kota Padang", "Kota Pekanbaru"]]
    assert 0 < stats.modularity < 1
    assert stats.top_topics == [("pendapatan asli daerah", 7)]


def test_filters_apply(reciprocal_store):
    stats = network_stats(build_network(reciprocal_store, since="2025-04-01"))
    assert stats.visits == 4 and stats.reciprocated_pairs == 1
    around = network_stats(build_network(reciprocal_store, around="Kota Padang"))
    assert around.regions == 2 and around.visits == 2


def test_empty_network():
    import networkx as nx

    stats = network_stats(nx.DiGraph())
    assert stats.visits == 0 and stats.communities == [] and stats.modularity is None
    assert "regions                   0" in format_stats(stats)


def test_table_and_json_formats(reciprocal_store):
    stats = network_stats(build_network(reciprocal_store))
    table = format_stats(stats)
    assert "Reciprocated pairs" in table and "Kota Malang  Kota Surabaya" in table
    assert "Communities (greedy modularity" in table
    data = json.loads(format_stats(stats, "json"))
    assert data["visits"] == 7
    assert data["reciprocated"][0] == {"a": "Kota Malang", "b": "Kota Surabaya",
                                       "a_to_b": 3, "b_to_a": 1}
    assert data["top_topics"] == [{"topic": "pendapatan asli daerah", "visits": 7}]


def test_stats_command(invoke, reciprocal_store):
    result = invoke("stats", "--store", str(reciprocal_store), "--format", "json", "--top", "1")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert len(data["top_hosts"]) == 1 and data["reciprocated_pairs"] == 2
    table = invoke("stats", "--store", str(reciprocal_store), "--region-type", "kota")
    assert table.exit_code == 0 and table.stdout.startswith("filters: region type kota\n")
    assert invoke("stats", "--format", "xml").exit_code == 2
    missing = invoke("stats")
    assert missing.exit_code == 1 and "no store at kgraph.ttl" in missing.stderr
    bad = invoke("stats", "--store", str(reciprocal_store), "--around", "Atlantis")
    assert bad.exit_code == 2
    assert bad.stderr.strip().splitlines()[-1].startswith("Error: around: no region 'Atlantis'")



def test_province_level(reciprocal_store, invoke):
    """Malang ⇄ Surabaya are both in Jawa Timur: a loop of 4 visits; Padang ⇄ Pekanbaru
    become Sumatera Barat ⇄ Riau, the one reciprocated pair."""
    stats = network_stats(build_network(reciprocal_store, level="province"))
    assert (stats.regions, stats.visits, stats.pairs) == (4, 7, 4)
    assert [(h.region, h.code, h.visits) for h in stats.top_hosts] == [
        ("Provinsi Jawa Timur", "35", 5), ("Provinsi Riau", "14", 1),
        ("Provinsi Sumatera Barat", "13", 1)]
    assert [(p.a, p.b) for p in stats.reciprocated] == [("Provinsi Riau", "Provinsi Sumatera Barat")]
    table = invoke("stats", "--store", str(reciprocal_store), "--level", "province")
    assert table.exit_code == 0 and re.search(r"Provinsi Jawa Timur +35 +5\n", table.stdout)
    assert invoke("stats", "--store", str(reciprocal_store), "--level", "island").exit_code == 2
