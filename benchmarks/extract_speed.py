"""Extraction speed: raw articles per second on one core.

Reads the dev set (tests/data/extraction/) as raw articles (annotations dropped), repeats
it to --articles articles, and times kgraph.extract.extract over them in this process
(one core). The gazetteer matcher and topic scheme are built before timing starts.

Usage:
    python benchmarks/extract_speed.py [--articles 2000]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgraph.articles import iter_article_paths, read_article  # noqa: E402
from kgraph.extract import extract  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--dev-set", default=str(ROOT / "tests" / "data" / "extraction"))
    args = parser.parse_args()
    articles = []
    for name in iter_article_paths([args.dev_set]):
        article = read_article(name)
        article.visits = None
        articles.append(article)
    extract(articles[0])  # build the matcher, topic finder and caches
    work = [articles[i % len(articles)] for i in range(args.articles)]
    start = time.process_time()
    visits = sum(len(extract(a)) for a in work)
    seconds = time.process_time() - start
    chars = sum(len(a.body) for a in work) / len(work)
    print(f"{len(work)} articles (mean {chars:.0f} characters), {visits} visits "
          f"in {seconds:.2f} s CPU: {len(work) / seconds:.0f} articles/second on one core")


if __name__ == "__main__":
    main()
