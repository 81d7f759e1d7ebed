"""Valid articles on demand, and what a store holds, for the robustness tests.

Articles use region mentions the gazetteer resolves to exactly one region (``Pemkot X``
for a kota, ``Pemkab X`` for a kabupaten) and a visitor different from the host, so every
generated article ingests without warnings about regions.
"""
from __future__ import annotations

import functools
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox

from kgraph.resolve.gazetteer import Gazetteer

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_URL = ox.NamedNode("https://schema.org/url")
TOPICS = ("pendapatan asli daerah", "pelayanan publik", "pariwisata", "kesehatan",
          "pendidikan", "pengelolaan sampah", "pemerintahan digital", "UMKM")


@functools.lru_cache(maxsize=None)
def mentions() -> tuple[str, ...]:
    """Government mentions that resolve to exactly one kota or kabupaten."""
    gazetteer = Gazetteer.default()
    found = []
    for region in gazetteer:
        if region.type == "kota":
            mention = f"Pemkot {region.short_name}"
        elif region.type == "kabupaten":
            mention = f"Pemkab {region.short_name}"
        else:
            continue
        resolved = gazetteer.resolve_government(mention).region
        if resolved is not None and resolved.code == region.code:
            found.append(mention)
    return tuple(sorted(found))


def url_of(tag: str, number: int) -> str:
    return f"https://example.org/berita/{tag}/{number}"


def article_text(tag: str, number: int, *, paragraphs: int = 3) -> str:
    """A valid annotated article with a unique URL (``url_of(tag, number)``); the
    visitor, host, date and topics vary with ``number``. ``paragraphs`` sets its size."""
    pool = mentions()
    visitor = pool[(number * 7 + len(tag)) % len(pool)]
    host = pool[(number * 13 + 5 + len(tag)) % len(pool)]
    if host == visitor:
        host = pool[(pool.index(visitor) + 1) % len(pool)]
    month, day = 1 + number % 12, 1 + number % 28
    topics = ", ".join(TOPICS[(number + k) % len(TOPICS)] for k in range(3))
    evidence = f"{host} menerima kunjungan kerja {visitor} pada hari itu."
    filler = (f"Rombongan {visitor} mempelajari tata kelola {TOPICS[number % len(TOPICS)]} "
              f"di {host}, laporan nomor {number} dari seri {tag}. ")
    body = evidence + "\n\n" + "\n\n".join(filler * 8 for _ in range(paragraphs)) + "\n"
    return (
        "---\n"
        f"title: {host} terima kunjungan {visitor} ({tag} {number})\n"
        f"url: {url_of(tag, number)}\n"
        f"published: 2025-{month:02d}-{day:02d}\n"
        "language: id\n"
        "visits:\n"
        f"  - visitor: {visitor}\n"
        f"    host: {host}\n"
        f"    date: 2025-{month:02d}-{day:02d}\n"
        f"    led_by: {{name: Budi Santoso {number}, role: Sekretaris Daerah}}\n"
        f"    received_by: Siti Aminah {number}\n"
        f"    topics: [{topics}]\n"
        f"    place: Balai Kota nomor {number}\n"
        f"    evidence: \"{evidence}\"\n"
        "---\n" + body
    )


def write_articles(folder: Path, tag: str, numbers, **kwargs) -> list[Path]:
    """Write ``article_text(tag, n)`` for each n to ``folder/<tag>-<n>.md``."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in numbers:
        path = folder / f"{tag}-{n}.md"
        path.write_text(article_text(tag, n, **kwargs), encoding="utf-8")
        paths.append(path)
    return paths


def urls_in(graph: ox.Store) -> set[str]:
    """The schema:url of every article in ``graph``."""
    return {q.object.value for q in graph.quads_for_pattern(None, SCHEMA_URL, None)}


def urls_in_file(store: Path) -> set[str]:
    """Parse the Turtle file itself (not through the index) and list its article URLs."""
    graph = ox.Store()
    with open(store, "rb") as handle:
        graph.bulk_load(handle, ox.RdfFormat.TURTLE, to_graph=ox.DefaultGraph())
    return urls_in(graph)


def cli_env() -> dict[str, str]:
    """Environment for ``python -m kgraph`` subprocesses: the repository on the path."""
    env = {k: v for k, v in os.environ.items() if k != "KGRAPH_STORE"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def kgraph_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "kgraph", *args]


def run_kgraph(*args: str, cwd: Path, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(kgraph_cmd(*args), cwd=cwd, env=cli_env(), capture_output=True,
                          text=True, timeout=timeout)
