"""Extraction speed: raw articles of real length per second on one core.

Real reports run to about 3,000 characters: the lead that states the visit, then quotes,
background on both regions, figures and what comes next. This script builds articles of
that length from the project's own dev set (tests/data/extraction/, annotations
dropped): each report is followed by background paragraphs written for this benchmark
(they name regions and officials as real background does, but report no visit) until it
reaches --length characters. It then times kgraph.extract.extract over --articles of
them in this process (one core, CPU time). The gazetteer matcher and topic scheme are
built before timing starts.

Usage:
    python benchmarks/extract_speed.py [--articles 2000] [--length 3000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from kgraph.read.article import Article  # noqa: E402
from kgraph.read.files import iter_article_paths, read_article  # noqa: E402
from kgraph.extract import extract  # noqa: E402

# Background of the kind that follows the lead of a visit report: written for this
# benchmark, no visit in it.
BACKGROUND = [
    "Menurut data Badan Pusat Statistik, jumlah penduduk daerah itu mencapai 512 ribu jiwa "
    "pada akhir tahun lalu, dengan pertumbuhan ekonomi 5,2 persen. Sektor perdagangan dan "
    "jasa menyumbang hampir separuh produk domestik regional bruto.",
    "\"Kami terbuka bagi siapa saja yang ingin belajar. Kami juga terus belajar dari daerah "
    "lain, karena pembangunan tidak bisa dikerjakan sendiri,\" ujarnya di sela pertemuan.",
    "Dalam paparannya, kepala bagian perencanaan menjelaskan tahapan penyusunan anggaran, "
    "mulai dari musyawarah perencanaan pembangunan di tingkat kelurahan hingga pembahasan "
    "bersama dewan. Seluruh usulan warga kini dicatat dalam aplikasi yang bisa dipantau.",
    "Pada tahun anggaran berjalan, pendapatan asli daerah ditargetkan naik sepuluh persen. "
    "Sebagian besar berasal dari pajak hotel, pajak restoran dan retribusi parkir yang kini "
    "dibayar secara nontunai melalui bank daerah.",
    "Ia menambahkan, program pengurangan sampah plastik di pasar tradisional sudah berjalan "
    "dua tahun. Pedagang yang memakai kantong ramah lingkungan mendapat potongan retribusi.",
    "Sementara itu, Kepala Dinas Kesehatan menyebut angka stunting turun dari 21 persen "
    "menjadi 14 persen berkat pendampingan keluarga berisiko oleh kader posyandu di setiap "
    "kelurahan.",
    "Pertemuan ditutup dengan penyerahan cendera mata dan foto bersama. Sebelum kembali, "
    "para peserta menyempatkan diri berbelanja produk usaha mikro, kecil dan menengah di "
    "gerai milik dinas koperasi.",
    "Pemerintah Provinsi Jawa Timur sebelumnya menetapkan daerah itu sebagai salah satu "
    "kawasan percontohan pelayanan publik, bersama Kota Surabaya dan Kabupaten Sidoarjo. "
    "Penilaian dilakukan setiap tahun oleh tim dari provinsi.",
    "Dewan juga sedang membahas rancangan peraturan daerah tentang penyelenggaraan "
    "perpustakaan dan rancangan tentang perlindungan lahan pertanian pangan berkelanjutan. "
    "Keduanya ditargetkan disahkan sebelum akhir tahun.",
    "Mal pelayanan publik yang dibuka tahun lalu melayani rata-rata 600 warga setiap hari. "
    "Di sana tersedia layanan kependudukan, perizinan berusaha, pajak kendaraan dan "
    "pendaftaran jaminan kesehatan dalam satu gedung.",
]


def articles(dev_set: str, length: int) -> list[Article]:
    """The dev set's reports as raw articles of about ``length`` characters each."""
    out = []
    for n, name in enumerate(iter_article_paths([dev_set])):
        article = read_article(name)
        body = article.body.rstrip()
        k = n
        while len(body) < length:
            body += "\n\n" + BACKGROUND[k % len(BACKGROUND)]
            k += 3
        out.append(Article(source=article.source, body=body[:length + 400],
                           published=article.published))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--length", type=int, default=3000,
                        help="characters per article (default 3000)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs (default 5)")
    parser.add_argument("--dev-set", default=str(ROOT / "tests" / "data" / "extraction"))
    args = parser.parse_args()
    pool = articles(args.dev_set, args.length)
    extract(pool[0])  # build the matcher, topic finder and caches
    work = [pool[i % len(pool)] for i in range(args.articles)]
    rates = []
    for _ in range(args.repeat):
        start = time.process_time()
        visits = sum(len(extract(a)) for a in work)
        rates.append(len(work) / (time.process_time() - start))
    rates.sort()
    chars = sum(len(a.body) for a in work) / len(work)
    print(f"{len(work)} articles (mean {chars:.0f} characters), {visits} visits, "
          f"{args.repeat} runs: median {rates[len(rates) // 2]:.0f} articles/second on one "
          f"core (CPU time; slowest {rates[0]:.0f}, fastest {rates[-1]:.0f})")

if __name__ == "__main__":
    main()
