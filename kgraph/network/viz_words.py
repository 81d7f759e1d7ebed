"""The words of the ``kgraph viz`` page, in English and Indonesian (``--lang en|id``).

A word is a text, or ``[one, other]`` when it depends on a number; ``{name}`` marks a value
filled in by :func:`say` (and by the page's script, which gets the same table). Article
text (names, topics, sources) is never translated: it is shown as the store holds it.
"""
from __future__ import annotations

from typing import Any, Union

Word = Union[str, list[str]]

#: The page's languages; the first is the default.
LANGS = ("en", "id")

WORDS: dict[str, dict[str, Word]] = {
    "en": {
        "title": "kgraph: visits between regions",
        "graph_label": "Graph of visits between regions",
        "summary": "{regions} regions · {visits} visits · {pairs} pairs",
        "summary_none": "No visits match.",
        "filters": "Selected: {filters}",
        "arranging": "Arranging the graph…",
        "arranging_pct": "Arranging the graph… {pct}%",
        "nothing": "Nothing to draw.",
        "noscript": "This graph needs JavaScript to draw.",
        "explore": "Explore",
        "years": "Years",
        "year_from": "From year",
        "year_to": "To year",
        "topic": "Topic",
        "all_topics": "All topics",
        "find": "Find a region",
        "find_placeholder": "name or code, then Enter",
        "find_none": "No region “{text}” in this graph.",
        "show_all": "Show all",
        "legend": "Legend",
        "howto_arrow": "Arrow: visitor → host. Circle size: visits made and received. "
                       "Line width and darkness: visits of the pair.",
        "howto_hover": "Hover a region to see its partners, or an arrow for its visits; "
                       "click to keep the details open. Scroll to zoom, drag to move.",
        "howto_trust": "Each visit says how it was read: “reviewed” (written or checked by "
                       "a person) or “extracted, 0.82” (found by kgraph's extractor, with "
                       "its confidence from 0 to 1).",
        "type_kota": "kota (city)",
        "type_kabupaten": "kabupaten (regency)",
        "type_provinsi": "provinsi (province)",
        "type_none": "unresolved region",
        "province_none": "no province (unresolved)",
        "budget_note": "Drawing the {shown} most visited of {total} pairs ({shown_visits} of "
                       "{visits} visits); the other {left} pairs are left out. Narrow the view "
                       "with the filters above, or draw every pair with --max-edges 0.",
        "budget_note_filtered": "Drawing the {shown} most visited of the {total} pairs that "
                                "match ({shown_visits} of {visits} visits).",
        "cut_note": "This page holds the {shown} most visited of {total} pairs "
                    "({shown_visits} of {visits} visits); the others were left out when the "
                    "network was built.",
        "unplaced_note": ["{n} region without coordinates (unresolved) is in the bottom row.",
                          "{n} regions without coordinates (unresolved) are in the bottom row."],
        "level_note": "Each region is drawn as its province (--level province); a visit "
                      "inside one province is a loop.",
        "filter_topic": "topic {x}",
        "filter_since": "since {x}",
        "filter_until": "until {x}",
        "filter_type": "region type {x}",
        "filter_min": "pairs with at least {x} visits",
        "filter_around": "around {x}",
        "or": " or ",
        "code": "code {code}",
        "no_code": "unresolved region (no code)",
        "made": "Visits made",
        "received": "Visits received",
        "partners": "Top partners:",
        "visited_n": ["visited {n} time", "visited {n} times"],
        "visited_by_n": ["visited by it {n} time", "visited by it {n} times"],
        "in_view": "(in the years and topic chosen)",
        "visits_n": ["{n} visit", "{n} visits"],
        "undated": "undated",
        "top_topics": "Top topics",
        "agreements": "Agreements signed",
        "latest": "Latest visits:",
        "visits_list": "Visits:",
        "led_by": "Led by {x}",
        "received_by": "Received by {x}",
        "topics": "Topics: {x}",
        "signed": "Signed: {x}",
        "source": "Source: ",
        "more_n": ["and {n} more visit", "and {n} more visits"],
        "reviewed": "reviewed",
        "extracted": "extracted, {c}",
        "extracted_plain": "extracted",
        "no_details": "Leaders, sources and how each visit was read are kept for the most "
                      "visited pairs only; kgraph viz --around a region shows all of its pairs.",
        "close": "Close",
    },
    "id": {
        "title": "kgraph: kunjungan antardaerah",
        "graph_label": "Graf kunjungan antardaerah",
        "summary": "{regions} daerah · {visits} kunjungan · {pairs} pasangan",
        "summary_none": "Tidak ada kunjungan yang cocok.",
        "filters": "Dipilih: {filters}",
        "arranging": "Menata graf…",
        "arranging_pct": "Menata graf… {pct}%",
        "nothing": "Tidak ada yang digambar.",
        "noscript": "Graf ini membutuhkan JavaScript.",
        "explore": "Jelajahi",
        "years": "Tahun",
        "year_from": "Dari tahun",
        "year_to": "Sampai tahun",
        "topic": "Topik",
        "all_topics": "Semua topik",
        "find": "Cari daerah",
        "find_placeholder": "nama atau kode, lalu Enter",
        "find_none": "Tidak ada daerah “{text}” di graf ini.",
        "show_all": "Tampilkan semua",
        "legend": "Keterangan",
        "howto_arrow": "Panah: pengunjung → tuan rumah. Ukuran lingkaran: kunjungan yang "
                       "dilakukan dan diterima. Tebal dan gelap garis: jumlah kunjungan pasangan.",
        "howto_hover": "Arahkan kursor ke daerah untuk melihat mitranya, atau ke panah untuk "
                       "kunjungannya; klik agar rinciannya tetap terbuka. Gulir untuk "
                       "memperbesar, seret untuk menggeser.",
        "howto_trust": "Setiap kunjungan menyebut cara pembacaannya: “ditinjau” (ditulis atau "
                       "diperiksa orang) atau “diekstraksi, 0.82” (ditemukan ekstraktor kgraph, "
                       "dengan tingkat keyakinan 0 sampai 1).",
        "type_kota": "kota",
        "type_kabupaten": "kabupaten",
        "type_provinsi": "provinsi",
        "type_none": "daerah tak dikenali",
        "province_none": "tanpa provinsi (tak dikenali)",
        "budget_note": "Menggambar {shown} pasangan dengan kunjungan terbanyak dari {total} "
                       "pasangan ({shown_visits} dari {visits} kunjungan); {left} pasangan "
                       "lainnya tidak digambar. Persempit dengan penyaring di atas, atau gambar "
                       "semua pasangan dengan --max-edges 0.",
        "budget_note_filtered": "Menggambar {shown} pasangan dengan kunjungan terbanyak dari "
                                "{total} pasangan yang cocok ({shown_visits} dari {visits} "
                                "kunjungan).",
        "cut_note": "Halaman ini memuat {shown} pasangan dengan kunjungan terbanyak dari "
                    "{total} pasangan ({shown_visits} dari {visits} kunjungan); sisanya "
                    "ditinggalkan saat jaringan dibuat.",
        "unplaced_note": "{n} daerah tanpa koordinat (tak dikenali) ada di baris bawah.",
        "level_note": "Setiap daerah digambar sebagai provinsinya (--level province); "
                      "kunjungan di dalam satu provinsi digambar sebagai lingkaran.",
        "filter_topic": "topik {x}",
        "filter_since": "sejak {x}",
        "filter_until": "sampai {x}",
        "filter_type": "jenis daerah {x}",
        "filter_min": "pasangan dengan sedikitnya {x} kunjungan",
        "filter_around": "sekitar {x}",
        "or": " atau ",
        "code": "kode {code}",
        "no_code": "daerah tak dikenali (tanpa kode)",
        "made": "Kunjungan dilakukan",
        "received": "Kunjungan diterima",
        "partners": "Mitra utama:",
        "visited_n": "dikunjungi {n} kali",
        "visited_by_n": "datang {n} kali",
        "in_view": "(pada tahun dan topik yang dipilih)",
        "visits_n": "{n} kunjungan",
        "undated": "tanpa tanggal",
        "top_topics": "Topik utama",
        "agreements": "Kesepakatan ditandatangani",
        "latest": "Kunjungan terbaru:",
        "visits_list": "Kunjungan:",
        "led_by": "Dipimpin oleh {x}",
        "received_by": "Diterima oleh {x}",
        "topics": "Topik: {x}",
        "signed": "Ditandatangani: {x}",
        "source": "Sumber: ",
        "more_n": "dan {n} kunjungan lainnya",
        "reviewed": "ditinjau",
        "extracted": "diekstraksi, {c}",
        "extracted_plain": "diekstraksi",
        "no_details": "Pemimpin rombongan, sumber, dan cara pembacaan kunjungan hanya disimpan "
                      "untuk pasangan dengan kunjungan terbanyak; kgraph viz --around suatu "
                      "daerah menampilkan semua pasangannya.",
        "close": "Tutup",
    },
}


def words(lang: str) -> dict[str, Word]:
    """The page's words in ``lang`` (one of :data:`LANGS`)."""
    return WORDS[lang]


def say(table: dict[str, Word], key: str, n: int | None = None, **values: Any) -> str:
    """The word ``key`` of ``table`` with its ``{name}`` values filled in; ``n`` chooses
    the singular or plural form and fills ``{n}``."""
    word = table[key]
    if isinstance(word, list):
        word = word[0] if n == 1 else word[1]
    if n is not None:
        values["n"] = n
    for name, value in values.items():
        word = word.replace("{" + name + "}", str(value))
    return word


def describe_filter(table: dict[str, Word], flt: Any) -> list[str]:
    """A :class:`kgraph.network.pairs.NetworkFilter` in the page's words."""
    out = []
    either = str(table["or"])
    if flt.topics:
        out.append(say(table, "filter_topic", x=either.join(flt.topics)))
    if flt.since:
        out.append(say(table, "filter_since", x=flt.since.isoformat()))
    if flt.until:
        out.append(say(table, "filter_until", x=flt.until.isoformat()))
    if flt.region_types:
        out.append(say(table, "filter_type", x=either.join(flt.region_types)))
    if flt.min_visits > 1:
        out.append(say(table, "filter_min", x=flt.min_visits))
    if flt.around:
        out.append(say(table, "filter_around", x=flt.around))
    return out
