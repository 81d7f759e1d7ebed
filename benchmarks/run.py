"""Time kgraph's operations on synthetic stores, in fresh processes, against rdflib.

Each operation runs ``--repeats`` times in a new Python process; the script prints the
median wall time, the largest peak memory (max RSS of the process), and the ratio to a
plain rdflib implementation of the same operation measured in the same run.

    python benchmarks/run.py                       # 1k and 10k visits (a few minutes)
    python benchmarks/run.py --sizes 100k          # the targets of the README (~30 min)
    python benchmarks/run.py --sizes 100k --no-rdflib
    python benchmarks/run.py --sizes 100k --ops viz,open  # the viz page, made and opened

"open ... in Chromium" is the time from the start of navigation to a drawn, stable page
(headless Debian chromium through Playwright, as the page's own clock measures it; a new
browser each run).

Stores are generated once into --work (default: benchmarks/.work, git-ignored) with
benchmarks/generate.py and reused by later runs.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

from generate import generate_articles  # noqa: E402
from storecopy import copy_store  # noqa: E402
from viz_bench import browse  # noqa: E402

SIZES = {"1k": 1_000, "10k": 10_000, "100k": 100_000}
PY = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}

PAIRS = """PREFIX kg: <https://w3id.org/kgraph/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?visitor ?host (COUNT(?v) AS ?visits) WHERE {
  ?v kg:visitor/kg:region/rdfs:label ?visitor ; kg:hostedBy/kg:region/rdfs:label ?host .
} GROUP BY ?visitor ?host ORDER BY DESC(?visits)"""

RDFLIB_QUERY = """
import sys, rdflib
g = rdflib.Graph().parse(sys.argv[1], format="turtle")
rows = list(g.query(sys.argv[2]))
print(len(rows))
"""

RDFLIB_INGEST = """
import sys, rdflib
from kgraph.read.files import read_article
from kgraph.resolve.gazetteer import Gazetteer
from kgraph.map.mapping import Mapper
from kgraph.resolve.topics import default_scheme
from rdflib import Literal, URIRef
def term(t):
    if hasattr(t, "datatype") and not hasattr(t, "subject"):
        if t.language:
            return Literal(t.value, lang=t.language)
        return Literal(t.value, datatype=URIRef(t.datatype.value))
    return URIRef(t.value)
g = rdflib.Graph().parse(sys.argv[1], format="turtle")
mapper = Mapper(Gazetteer.default(), default_scheme())
graph = mapper.map_article(read_article(sys.argv[2]))
for s, p, o in graph.owned + graph.reference:
    g.add((term(s), term(p), term(o)))
g.serialize(sys.argv[1], format="turtle")
"""


@dataclass
class Measure:
    seconds: list[float]
    peak_mb: float | None
    ok: bool
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.seconds) if self.seconds else float("nan")


def run(cmd: list[str], *, setup=None, repeats: int = 3, cwd: Path | None = None) -> Measure:
    """Run ``cmd`` ``repeats`` times in fresh processes; ``setup()`` before each run."""
    times, peak, ok, note = [], 0.0, True, ""
    for _ in range(repeats):
        if setup is not None:
            setup()
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                env=ENV, cwd=cwd)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        err = proc.stderr.read().decode("utf-8", "replace") if proc.stderr else ""
        proc.stderr.close()
        code = os.waitstatus_to_exitcode(status)
        if code not in (0,):
            ok, note = False, err.strip().splitlines()[-1] if err.strip() else f"exit {code}"
            break
        times.append(elapsed)
        peak = max(peak, usage.ru_maxrss / 1024)
    return Measure(times, peak, ok, note)


def open_page(html: Path, repeats: int) -> Measure:
    """Open ``html`` in a new headless Chromium ``repeats`` times: seconds until stable."""
    times = []
    try:
        for _ in range(repeats):
            times.append(browse(html)["stable_s"])
    except Exception as exc:  # noqa: BLE001 - a benchmark reports, it does not stop
        return Measure(times, None, False, f"{type(exc).__name__}: {exc}".splitlines()[0])
    return Measure(times, None, True)


def kgraph(*args: str) -> list[str]:
    return [PY, "-m", "kgraph", *args]


def ensure_store(work: Path, size: str) -> Path:
    store = work / f"store-{size}" / "kgraph.ttl"
    if store.exists() and (store.parent / ".kgraph.ttl.index" / "stamp.json").exists():
        return store
    articles = work / f"articles-{size}"
    if not articles.exists():
        generate_articles(SIZES[size], articles)
    store.parent.mkdir(parents=True, exist_ok=True)
    print(f"  building the {size} store (once) ...", flush=True)
    done = subprocess.run(kgraph("ingest", "-q", "--store", str(store), str(articles)),
                          env=ENV, capture_output=True, text=True)
    print("  " + done.stdout.strip(), flush=True)
    return store


def extra_articles(work: Path, count: int, tag: str) -> Path:
    folder = work / f"extra-{tag}-{count}"
    if not folder.exists():
        generate_articles(count, folder, seed=7 + count)
        for path in folder.rglob("*.md"):
            text = path.read_text(encoding="utf-8")
            path.write_text(text.replace("https://berita.example/",
                                         f"https://berita.example/{tag}/"), encoding="utf-8")
    return folder


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--rdflib-repeats", type=int, default=1)
    parser.add_argument("--no-rdflib", action="store_true")
    parser.add_argument("--work", type=Path, default=HERE / ".work")
    parser.add_argument("--ops", help="only the operations whose names start with one of "
                                      "these (comma-separated), e.g. viz,open")
    args = parser.parse_args()
    only = tuple(args.ops.split(",")) if args.ops else None
    args.work.mkdir(parents=True, exist_ok=True)
    rows: list[tuple] = []
    for size in args.sizes.split(","):
        print(f"== {size} visits", flush=True)
        store = ensure_store(args.work, size)
        scratch = args.work / "scratch" / "kgraph.ttl"
        scratch.parent.mkdir(parents=True, exist_ok=True)
        one = next(extra_articles(args.work, 1, "one").rglob("*.md"))
        many = extra_articles(args.work, 10_000, "many")
        fresh_copy = lambda: copy_store(store, scratch)  # noqa: E731
        region = "Kota Malang"
        ops = [
            ("query --preset pairs", kgraph("query", "--store", str(store), "--preset", "pairs",
                                           "--format", "csv"), None, "query"),
            ("query --preset region", kgraph("query", "--store", str(store), "--preset",
                                            "region", "--param", f"region={region}",
                                            "--format", "csv"), None, None),
            ("ingest 1 article", kgraph("ingest", "-q", "--store", str(scratch), str(one)),
             fresh_copy, "ingest"),
            ("ingest 10,000 articles", kgraph("ingest", "-q", "--store", str(scratch), str(many)),
             fresh_copy, None),
            ("viz (whole store)", kgraph("viz", "--store", str(store), "-o",
                                         str(args.work / "graph.html")), None, None),
            ("viz --layout geo", kgraph("viz", "--store", str(store), "--layout", "geo",
                                        "-o", str(args.work / "map.html")), None, None),
        ]
        pages = [("open the viz page in Chromium", args.work / "graph.html"),
                 ("open the geo page in Chromium", args.work / "map.html")]
        if only:
            ops = [op for op in ops if op[0].startswith(only)]
            pages = [page for page in pages if page[0].startswith(only)]
        for name, cmd, setup, baseline in ops:
            repeats = 1 if "10,000" in name else args.repeats
            m = run(cmd, setup=setup, repeats=repeats)
            base = None
            if baseline and not args.no_rdflib:
                if baseline == "query":
                    base = run([PY, "-c", RDFLIB_QUERY, str(store), PAIRS],
                               repeats=args.rdflib_repeats)
                else:
                    base = run([PY, "-c", RDFLIB_INGEST, str(scratch), str(one)],
                               setup=fresh_copy, repeats=args.rdflib_repeats)
            extra = ""
            if name.startswith("viz") and m.ok:
                page = args.work / ("map.html" if "geo" in name else "graph.html")
                extra = f"HTML {page.stat().st_size / 1e6:.1f} MB"
            rows.append((size, name, m, base, extra))
            print(_row(size, name, m, base, extra), flush=True)
        for name, html in pages:
            if not html.exists():
                print(f"| {size} | {name} | no page: run the viz operations first |", flush=True)
                continue
            m = open_page(html, args.repeats)
            rows.append((size, name, m, None, ""))
            print(_row(size, name, m, None, ""), flush=True)
    print()
    print("| size | operation | kgraph median | peak memory | rdflib median | rdflib peak | "
          "speed-up | note |")
    print("|---|---|---|---|---|---|---|---|")
    for row in rows:
        print(_row(*row))


def _row(size, name, m: Measure, base: Measure | None, extra: str) -> str:
    if not m.ok:
        return f"| {size} | {name} | failed | | | | | {m.note} |"
    b_time = f"{base.median:.2f} s" if base and base.ok else ("failed" if base else "—")
    b_peak = f"{base.peak_mb:.0f} MB" if base and base.ok else "—"
    ratio = f"{base.median / m.median:.0f}×" if base and base.ok else "—"
    runs = f" ({len(m.seconds)} runs)"
    peak = f"{m.peak_mb:.0f} MB" if m.peak_mb is not None else "—"
    return (f"| {size} | {name} | {m.median:.2f} s{runs} | {peak} | {b_time} | "
            f"{b_peak} | {ratio} | {extra} |")


if __name__ == "__main__":
    main()
