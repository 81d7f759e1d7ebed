"""Crash safety: `kgraph ingest` killed with SIGKILL at random moments never leaves a
half-written store or a wrong index, and never loses an article that was stored.

Each round ingests a new batch of articles with a real ``python -m kgraph ingest``
subprocess and kills it (SIGKILL, to its whole process group) after a random delay between
0 and the typical duration of an ingest. After every kill:

- the Turtle file parses (read directly, not through the index);
- ``open_graph`` works (the index recovers) and agrees with the file;
- every batch is in the store entirely or not at all;
- every batch whose ingest exited 0, and every batch seen stored before, is still stored.
"""
from __future__ import annotations

import os
import random
import signal
import statistics
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from kgraph import ingest
from kgraph.store.graph import load_graph, open_graph
from kgraph.store.turtle_store import serialize

from helpers.corpus import (
    cli_env, kgraph_cmd, run_kgraph, url_of, urls_in, urls_in_file, write_articles,
)

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL") or not hasattr(os, "killpg"),
                                reason="needs POSIX signals")

KILLS = 60          # the issue asks for at least 50
BATCH = (5, 40)     # articles per ingest call (random in this range)
SEED = 20260107


#: Whether the writer lock's holders can be seen (/proc/locks is Linux-only).
LOCKS_VISIBLE = Path("/proc/locks").exists()


def _writer_lock_held(lock: Path) -> bool:
    """Whether some process holds the store's writer lock (read from /proc/locks, which
    does not disturb the writer the way trying the lock would)."""
    try:
        inode = lock.stat().st_ino
        text = Path("/proc/locks").read_text()
    except OSError:
        return False
    return any(line.split()[5].endswith(f":{inode}") for line in text.splitlines()
               if len(line.split()) > 5)


def _start(store: Path, folder: Path, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(kgraph_cmd("ingest", "--quiet", "--store", str(store), str(folder)),
                            cwd=cwd, env=cli_env(), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, start_new_session=True)


def _triples(graph) -> int:
    return int(next(iter(graph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")))["n"].value)


def test_sigkill_at_random_moments_never_corrupts_or_loses(tmp_path):
    rng = random.Random(SEED)
    store = tmp_path / "kgraph.ttl"
    lock = tmp_path / ".kgraph.ttl.index" / "writer.lock"
    base = write_articles(tmp_path / "base", "base", range(300), paragraphs=1)
    assert ingest(base, store=store).ok
    stored_ever = {url_of("base", n) for n in range(300)}

    # The typical duration of one uninterrupted ingest of a batch.
    durations = []
    for i in range(3):
        folder = tmp_path / f"warm{i}"
        write_articles(folder, f"warm{i}", range(BATCH[1]))
        start = time.monotonic()
        done = subprocess.run(kgraph_cmd("ingest", "-q", "--store", str(store), str(folder)),
                              cwd=tmp_path, env=cli_env(), capture_output=True, text=True)
        durations.append(time.monotonic() - start)
        assert done.returncode == 0, done.stderr
        stored_ever |= {url_of(f"warm{i}", n) for n in range(BATCH[1])}
    typical = statistics.median(durations)

    batches: dict[str, set[str]] = {}
    completed: set[str] = set()
    kills = kills_in_lock = rounds = 0
    while kills < KILLS:
        rounds += 1
        assert rounds < KILLS * 3, f"only {kills} of {rounds} ingests could be killed"
        tag = f"r{rounds}"
        size = rng.randint(*BATCH)
        folder = tmp_path / "in" / tag
        write_articles(folder, tag, range(size))
        batches[tag] = {url_of(tag, n) for n in range(size)}
        # Every fifth ingest runs to completion (an ingest after a kill first rebuilds
        # the index, so it takes longer than `typical`). Of the others, one in three is
        # killed at a random moment after it took the writer lock (mid-edit, mid-write,
        # however slow the loaded machine makes its start-up); the rest half anywhere in
        # the run, half in its second half (where it writes).
        proc = _start(store, folder, tmp_path)
        if rounds % 5 == 0:
            proc.wait(timeout=120)
        elif rounds % 3 == 0 and LOCKS_VISIBLE:
            deadline = time.monotonic() + 60
            while proc.poll() is None and not _writer_lock_held(lock) \
                    and time.monotonic() < deadline:
                time.sleep(0.005)
            time.sleep(rng.uniform(0, typical / 3))
        else:
            time.sleep(rng.uniform(0, typical) if rounds % 2 else rng.uniform(typical / 2, typical))
        if proc.poll() is None:
            in_lock = _writer_lock_held(lock)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            if proc.returncode == -signal.SIGKILL:
                kills += 1
                kills_in_lock += in_lock
        elif rounds % 5:
            # Done before the kill: ingests run faster than when `typical` was measured
            # (tests in parallel load the machine unevenly). Aim earlier from now on.
            typical *= 0.8
        proc.stderr.close()
        if proc.returncode == 0:
            completed.add(tag)
        else:
            assert proc.returncode == -signal.SIGKILL, f"ingest failed by itself ({proc.returncode})"
        assert rounds % 5 or tag in completed

        # The file parses on its own, and the index (through open_graph) agrees with it.
        in_file = urls_in_file(store)
        graph = open_graph(store)
        assert urls_in(graph) == in_file, f"index and file disagree after round {rounds}"
        assert _triples(graph) == len(load_graph(store))
        del graph
        # All or nothing per batch; nothing completed or seen before is lost.
        for name, urls in batches.items():
            part = urls & in_file
            assert part in (set(), urls), f"batch {name}: {len(part)} of {len(urls)} stored"
            if name in completed:
                assert urls <= in_file, f"completed batch {name} is missing"
        assert stored_ever <= in_file, "an article stored earlier was lost"
        assert in_file <= stored_ever | set().union(*batches.values()), "unknown articles"
        stored_ever |= in_file

    # Kills must have landed while the writer held the lock (mid-edit, mid-write), not
    # only during start-up. /proc/locks is Linux-only.
    if LOCKS_VISIBLE:
        assert kills_in_lock >= KILLS // 6, f"only {kills_in_lock} kills landed mid-edit"
    # After all those crashes an ingest still works and leaves the canonical file.
    final = write_articles(tmp_path / "final", "final", range(3))
    assert ingest(final, store=store).ok
    assert store.read_text(encoding="utf-8") == serialize(load_graph(store))
    assert urls_in(open_graph(store)) == stored_ever | {url_of("final", n) for n in range(3)}
    # ... and the temporary files of the killed writers are gone, in the store's folder
    # (each as large as the store) and in the index.
    assert not list(tmp_path.glob(".kgraph.ttl.*.tmp"))
    assert not list((tmp_path / ".kgraph.ttl.index").glob("tmp*"))
    assert not list((tmp_path / ".kgraph.ttl.index").glob(".stamp.json.*.tmp"))


# --------------------------------------------------------------- other writers killed

SLOW_EXPORT = textwrap.dedent("""
    import importlib, sys, time
    export = importlib.import_module("kgraph.export")

    def slow(graph):  # writes a little, then stays in the middle of the write
        yield b"@prefix kg: <https://w3id.org/kgraph/ns#> .\\n"
        time.sleep(120)

    export.EXPORTERS["ttl"] = (slow, *export.EXPORTERS["ttl"][1:])
    from kgraph.cli import main
    sys.argv = ["kgraph", *sys.argv[1:]]
    main()
""")


def _age(path: Path, seconds: float = 600) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


def test_a_killed_export_leaves_no_temporary_file_behind(tmp_path):
    """`export -o` killed mid-write leaves its temporary file; the next write of that
    output removes it, once it is old, and never the file of a writer still alive."""
    store = tmp_path / "kgraph.ttl"
    assert ingest(write_articles(tmp_path / "in", "in", range(3)), store=store).ok
    slow = subprocess.Popen([sys.executable, "-c", SLOW_EXPORT, "export", "-o", "out.ttl"],
                            cwd=tmp_path, env=cli_env(), start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while not list(tmp_path.glob(".out.ttl.*.tmp")) and time.monotonic() < deadline:
            time.sleep(0.05)
        (temp,) = tmp_path.glob(".out.ttl.*.tmp")
        _age(temp)
        done = run_kgraph("export", "-o", "out.ttl", cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert temp.exists()  # its writer is alive: it holds the file's lock
    finally:
        os.killpg(slow.pid, signal.SIGKILL)
        slow.wait()
        slow.stderr.close()
    assert temp.exists()
    _age(temp)
    done = run_kgraph("export", "-o", "out.ttl", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert not list(tmp_path.glob(".out.ttl.*.tmp"))
    assert (tmp_path / "out.ttl").read_bytes() == store.read_bytes()


def test_a_killed_pull_leaves_no_temporary_folder_behind(tmp_path, fake, example_store):
    """A pull killed mid-download leaves its temporary folder (as large as the index)
    in the index folder; the next pull removes it."""
    from tests.helpers.httpfake import Trickle, count_reply

    data = example_store.read_bytes()
    nt = ox.serialize(ox.parse(data, ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)
    graph = (200, {"Content-Type": "application/n-triples"}, nt)
    server = fake(count_reply("1034"), Trickle(graph, 0.2), count_reply("1034"), graph)
    store = tmp_path / "pulled.ttl"
    index = tmp_path / ".pulled.ttl.index"
    env = {**cli_env(), "NO_PROXY": "127.0.0.1", "NETRC": str(tmp_path / "no-netrc")}
    killed = subprocess.Popen(kgraph_cmd("pull", "--from", server.url, "--store", str(store)),
                              cwd=tmp_path, env=env, start_new_session=True,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while not list(index.glob("tmp*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert list(index.glob("tmp*")), "the pull never started its download"
    os.killpg(killed.pid, signal.SIGKILL)
    killed.wait()
    killed.stderr.close()
    assert [p for p in index.glob("tmp*") if p.is_dir()]  # left behind
    done = subprocess.run(kgraph_cmd("pull", "--from", server.url, "--store", str(store)),
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not list(index.glob("tmp*"))
    assert store.read_bytes() == data
