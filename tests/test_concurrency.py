"""Concurrency: four processes ingesting at the same time into one store lose nothing, and
a reader running meanwhile never fails and never sees the store go back in time."""
from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from kgraph import ingest
from kgraph.store import load_graph, open_graph

from helpers.corpus import cli_env, url_of, urls_in, urls_in_file, write_articles

WRITERS = 4
PER_WRITER = 50

# One article per ingest call: 50 separate lock acquisitions per writer process.
WRITER = textwrap.dedent("""
    import sys
    from kgraph import ingest
    store, *paths = sys.argv[1:]
    for path in paths:
        report = ingest([path], store=store)
        assert report.ok and report.articles == 1, report.failed
""")

# open_graph + COUNT in a loop until told to stop; prints each count.
READER = textwrap.dedent("""
    import os, sys
    from kgraph.namespace import KG_NS
    from kgraph.store import open_graph
    store, stop = sys.argv[1:]
    QUERY = f"SELECT (COUNT(?a) AS ?n) WHERE {{ ?a a <{KG_NS}Article> }}"
    while True:
        last = os.path.exists(stop)
        graph = open_graph(store)
        count = int(next(iter(graph.query(QUERY)))["n"].value)
        del graph
        print(count, flush=True)
        if last:
            break
""")


def test_four_writers_and_a_reader_at_the_same_time(tmp_path):
    store = tmp_path / "kgraph.ttl"
    stop = tmp_path / "stop"
    seed = write_articles(tmp_path / "seed", "seed", range(5))
    assert ingest(seed, store=store).ok
    env = cli_env()
    reader = subprocess.Popen([sys.executable, "-c", READER, str(store), str(stop)],
                              cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    writers = []
    for w in range(WRITERS):
        paths = write_articles(tmp_path / f"w{w}", f"w{w}", range(PER_WRITER))
        writers.append(subprocess.Popen(
            [sys.executable, "-c", WRITER, str(store), *map(str, paths)],
            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    start = time.monotonic()
    for proc in writers:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    stop.touch()
    out, err = reader.communicate(timeout=120)
    elapsed = time.monotonic() - start
    assert reader.returncode == 0, err
    assert not err

    expected = {url_of(f"w{w}", n) for w in range(WRITERS) for n in range(PER_WRITER)}
    expected |= {url_of("seed", n) for n in range(5)}
    assert urls_in_file(store) == expected
    assert urls_in(open_graph(store)) == expected
    assert len(load_graph(store)) > 0

    counts = [int(line) for line in out.split()]
    assert len(counts) >= 5, f"the reader ran only {len(counts)} times in {elapsed:.1f} s"
    assert counts == sorted(counts), f"the count went back: {counts}"
    assert counts[0] >= 5 and counts[-1] == len(expected)
    assert len(set(counts)) > 2, "the reader never ran during the ingests"
