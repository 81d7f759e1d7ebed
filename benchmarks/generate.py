"""Generate realistic synthetic annotated articles (and stores) for benchmarks.

Visits are drawn among the 552 real regions of the gazetteer with a skewed popularity
(a few hosts such as Kota Malang, Kota Surabaya or Kabupaten Banyuwangi are visited far
more than others, as in real news), real topic labels, dated between 2019 and 2026, with
leaders, receivers and agreements on some visits; about one visit in five is marked as
read by the extractor (``method: extracted`` with a ``confidence``), the others as
reviewed. Output is deterministic for a seed.

Usage:
    python benchmarks/generate.py articles --visits 10000 --out /tmp/articles-10k
    python benchmarks/generate.py store --visits 100000 --out /tmp/store-100k.ttl
"""
from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kgraph.resolve.gazetteer import Gazetteer  # noqa: E402
from kgraph.resolve.topics import default_scheme  # noqa: E402

FIRST = ["Ahmad", "Budi", "Siti", "Dewi", "Agus", "Rina", "Hendra", "Wahyu", "Made", "Nur",
         "Yusuf", "Fitri", "Andi", "Rudi", "Sri", "Joko", "Teguh", "Putu", "Lestari", "Arif"]
LAST = ["Santoso", "Hidayat", "Wijaya", "Saputra", "Nasution", "Harahap", "Siregar",
        "Kurniawan", "Pratama", "Setiawan", "Rahman", "Hasibuan", "Lubis", "Gunawan",
        "Suryadi", "Wibowo", "Purnomo", "Maulana", "Aulia", "Syahputra"]
AGREEMENTS = ["Kesepakatan Bersama", "Nota Kesepahaman", "Perjanjian Kerja Sama"]


def _role(region, deputy: bool, council: bool) -> str:
    if council:
        return ("Wakil Ketua DPRD " if deputy else "Ketua DPRD ") + region.name
    head = {"provinsi": "Gubernur", "kabupaten": "Bupati"}.get(region.type, "Wali Kota")
    return ("Wakil " if deputy else "") + head + " " + region.short_name


def _mention(region, council: bool) -> str:
    if council:
        return "DPRD " + region.name
    prefix = {"provinsi": "Pemprov", "kabupaten": "Pemkab"}.get(region.type, "Pemkot")
    return f"{prefix} {region.short_name}"


def generate_articles(visits: int, out: Path, *, seed: int = 42, per_article: int = 1) -> int:
    """Write ``visits`` visits as annotated articles into ``out``; returns the file count."""
    rng = random.Random(seed)
    regions = sorted(Gazetteer.default(), key=lambda r: r.code)
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(regions))]
    hosts = regions[:]
    rng.shuffle(hosts)
    topics = sorted(t.label("id") for t in default_scheme().topics.values())
    people = {}
    trust = random.Random(seed + 1)  # its own stream: the other fields stay as they were
    out.mkdir(parents=True, exist_ok=True)
    start = dt.date(2019, 1, 1)
    files = 0
    made = 0
    while made < visits:
        lines = []
        body = []
        for _ in range(min(per_article, visits - made)):
            host = rng.choices(hosts, weights)[0]
            visitor = rng.choice(regions)
            while visitor.code == host.code:
                visitor = rng.choice(regions)
            council = rng.random() < 0.3
            date = start + dt.timedelta(days=rng.randrange(2900))
            key = (visitor.code, council)
            leader = people.setdefault(key, f"{rng.choice(FIRST)} {rng.choice(LAST)}")
            receiver = people.setdefault((host.code, council),
                                         f"{rng.choice(FIRST)} {rng.choice(LAST)}")
            chosen = rng.sample(topics, rng.randint(1, 4))
            v, h = _mention(visitor, council), _mention(host, council)
            sentence = f"{h} menerima kunjungan kerja {v} pada {date.isoformat()}."
            lines += [
                f"  - visitor: {v}",
                f"    host: {h}",
                f"    date: {date.isoformat()}",
                f"    led_by: {{name: {leader}, role: {_role(visitor, rng.random() < 0.3, council)}}}",
                f"    received_by: {{name: {receiver}, role: {_role(host, rng.random() < 0.3, council)}}}",
                "    topics: [" + ", ".join(f'"{t}"' for t in chosen) + "]",
                f"    evidence: \"{sentence}\"",
            ]
            if trust.random() < 0.2:
                lines += ["    method: extracted",
                          f"    confidence: {trust.uniform(0.5, 0.98):.2f}"]
            if rng.random() < 0.1:
                lines.append(f"    agreement: {{type: {rng.choice(AGREEMENTS)}, "
                             f"subject: \"kerja sama {chosen[0]}\"}}")
            body.append(sentence + " Kedua pihak berbagi pengalaman tentang " +
                        ", ".join(chosen) + ".")
            made += 1
        files += 1
        text = "\n".join([
            "---",
            f"title: Kunjungan kerja nomor {files}",
            f"url: https://berita.example/{files // 1000}/{files}",
            f"published: {date.isoformat()}",
            "publisher: Berita Contoh",
            "visits:",
            *lines,
            "---",
            *body,
            "",
        ])
        sub = out / f"{files // 1000:04d}"
        sub.mkdir(exist_ok=True)
        (sub / f"a{files:07d}.md").write_text(text, encoding="utf-8")
    return files


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["articles", "store"])
    parser.add_argument("--visits", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    t0 = time.perf_counter()
    if args.what == "articles":
        n = generate_articles(args.visits, args.out, seed=args.seed)
        print(f"{n} articles with {args.visits} visits in {args.out} "
              f"({time.perf_counter() - t0:.1f} s)")
        return
    from kgraph import ingest

    with tempfile.TemporaryDirectory() as tmp:
        generate_articles(args.visits, Path(tmp), seed=args.seed)
        if args.out.exists():
            os.unlink(args.out)
        report = ingest([tmp], store=args.out)
    print(f"{report.summary()} ({time.perf_counter() - t0:.1f} s)")


if __name__ == "__main__":
    main()
