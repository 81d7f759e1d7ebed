"""Topics of a visit: labels of the SKOS topic scheme (and a few more cue words) found in
the report, as preferred Indonesian labels."""
from __future__ import annotations

import functools
import re

from ..topics import TopicScheme, default_scheme

# Labels too general to mean a topic on their own ("di lingkungan Pemkot", "jalan-jalan").
_SKIP_LABELS = frozenset(
    "jalan perencanaan pemberdayaan lingkungan bappeda sekolah budaya pemuda governance "
    "birokrasi retribusi hibah wisata pangan".split()
)
# Extra cue words → a label of the scheme.
_CUES = {
    "desa wisata": "pariwisata", "destinasi": "pariwisata", "agrowisata": "pariwisata",
    "wisata bahari": "pariwisata", "objek wisata": "pariwisata",
    "kesejahteraan rakyat": "kesejahteraan sosial", "sosial": "kesejahteraan sosial",
    "banjir": "penanggulangan bencana", "bencana": "penanggulangan bencana",
    "air bersih": "air minum", "perusahaan daerah air minum": "air minum",
    "angkutan umum": "transportasi", "angkutan massal": "transportasi", "angkot": "transportasi",
    "kependudukan": "administrasi kependudukan", "raperda": "legislasi daerah",
    "perda": "legislasi daerah", "regulasi": "legislasi daerah",
    "mal pelayanan publik": "pelayanan publik", "layanan perizinan": "investasi dan perizinan",
    "izin usaha": "investasi dan perizinan", "investor": "investasi dan perizinan",
    "persetujuan bangunan gedung": "investasi dan perizinan",
    "pajak hotel": "pajak dan retribusi daerah", "pajak restoran": "pajak dan retribusi daerah",
    "retribusi daerah": "pajak dan retribusi daerah", "retribusi parkir": "pajak dan retribusi daerah",
    "pendapatan asli daerah": "pendapatan asli daerah", "digitalisasi pendataan": "digitalisasi pajak dan retribusi",
    "pajak secara daring": "digitalisasi pajak dan retribusi", "inflasi": "ketahanan pangan",
    "pasokan pangan": "ketahanan pangan", "stunting": "penurunan stunting",
    "smk": "pendidikan", "pendidikan karakter": "pendidikan", "urusan pemerintahan": "penyelenggaraan urusan pemerintahan",
    "lapangan kerja": "ketenagakerjaan", "pengangguran": "ketenagakerjaan",
    "kemiskinan": "penanggulangan kemiskinan", "cagar budaya": "kebudayaan",
    "warisan budaya": "kebudayaan", "pelestarian budaya": "kebudayaan",
    "apbd": "pengelolaan keuangan daerah", "aset daerah": "pengelolaan keuangan daerah",
    "command center": "kota cerdas", "pertanian": "ketahanan pangan",
}
# Abbreviations that only count in capitals ("PAD", not "pad").
_CASED = frozenset(["PAD", "TPA", "OSS", "ASN", "RTH", "MPP", "SPBE", "BUMD", "UMKM", "PDAM",
                    "APBD", "BPBD", "SAKIP", "RPJMD", "KB", "PKS", "SMK"])


class TopicFinder:
    def __init__(self, scheme: TopicScheme) -> None:
        self.scheme = scheme
        labels: dict[str, str] = {}
        for topic in scheme.topics.values():
            pref = topic.label("id")
            labels.setdefault(pref.lower(), pref)
        for key, iri in scheme._index.items():
            topic = scheme.topics[iri]
            labels.setdefault(key, topic.label("id"))
        for cue, label in _CUES.items():
            topic = scheme.resolve(label)
            labels[cue] = topic.label("id") if topic else label
        cased = {k: v for k, v in labels.items() if k.upper() in _CASED and " " not in k}
        plain = {k: v for k, v in labels.items()
                 if k not in cased and k not in _SKIP_LABELS and len(k) > 2}
        self._labels = {**plain, **{k.upper(): v for k, v in cased.items()}}
        words = sorted(plain, key=len, reverse=True)
        self._plain_re = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + r")\b", re.I)
        self._cased_re = re.compile(
            r"\b(?:" + "|".join(re.escape(k.upper()) for k in sorted(cased, key=len, reverse=True))
            + r")\b")

    def find(self, text: str, offset: int = 0) -> list[tuple[str, int, int]]:
        """(preferred label, start, end) of every topic cue in ``text``."""
        out = []
        for m in self._plain_re.finditer(text):
            out.append((self._labels[m.group().lower()], offset + m.start(), offset + m.end()))
        for m in self._cased_re.finditer(text):
            out.append((self._labels[m.group()], offset + m.start(), offset + m.end()))
        out.sort(key=lambda t: t[1])
        return out


@functools.lru_cache(maxsize=1)
def default_topic_finder() -> TopicFinder:
    return TopicFinder(default_scheme())
