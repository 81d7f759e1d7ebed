"""Topics of visits: what real reports say was studied maps to the topic scheme, and the
visit keeps what it studied, not every topic word of its report. All texts are invented."""
from __future__ import annotations

import pytest

from kgraph.read.frontmatter import parse_article
from kgraph.extract import extract
from kgraph.extract.topics import TopicFinder, default_topic_finder
from kgraph.resolve.topics import default_scheme

KGT = "https://w3id.org/kgraph/topic/"


def labels(text: str) -> list[str]:
    return [label for label, _, _ in default_topic_finder().find(text)]


def read(text: str, before: str = "") -> dict[str, bool]:
    """label -> whether it is said after a phrase of purpose."""
    return {h.label: h.focused for h in default_topic_finder().read(text, 0, before)}


def topics_of(body: str) -> dict[tuple[str, str], tuple[str, ...]]:
    return {(v.visitor, v.host): v.topics for v in extract(parse_article(body, source="a.txt"))}


# -- the scheme: what reports call a topic resolves to one concept ------------------------

@pytest.mark.parametrize("label, slug", [
    ("mal pelayanan publik", "mal-pelayanan-publik"),
    ("MPP", "mal-pelayanan-publik"),
    ("pengelolaan aset daerah", "pengelolaan-aset-daerah"),
    ("barang milik daerah", "pengelolaan-aset-daerah"),
    ("propemperda", "propemperda"),
    ("program pembentukan perda", "propemperda"),
    ("smart city", "kota-cerdas"),
    ("kota layak anak", "kota-layak-anak"),
    ("perparkiran", "pengelolaan-parkir"),
    ("perpustakaan", "perpustakaan"),
    ("pemilihan kepala daerah", "pilkada"),
    ("SAKIP", "akuntabilitas-kinerja"),
    ("sister city", "kota-kembar"),
    ("RTRW", "tata-ruang"),
    ("APBD", "apbd"),
    ("pengelolaan keuangan daerah", "keuangan-daerah"),
    # compounds written together or apart are one label
    ("kerjasama antar daerah", "kerja-sama-daerah"),
    ("kerja sama antardaerah", "kerja-sama-daerah"),
])
def test_report_phrases_resolve_to_their_concept(label, slug):
    topic = default_scheme().resolve(label)
    assert topic is not None and topic.iri == KGT + slug


def test_scheme_names_keep_languages_and_alternative_labels():
    names = default_scheme().names
    assert ("en", "public service mall", KGT + "mal-pelayanan-publik") in names
    assert ("id", "MPP", KGT + "mal-pelayanan-publik") in names
    # the public service concept no longer claims the mall's labels
    assert not [n for n in names if n[1] == "MPP" and n[2] != KGT + "mal-pelayanan-publik"]


def test_every_cue_of_the_finder_is_a_scheme_label():
    finder = TopicFinder(default_scheme())  # raises when a cue names no concept
    found = {label for labels_ in finder._labels.values() for label in labels_}
    assert all(default_scheme().resolve(label) is not None for label in found)


# -- the finder: spellings of real reports -------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Pemkab itu menjajaki kerjasama antar daerah di bidang air.", ["kerja sama antardaerah"]),
    ("Rencana kerja-sama antardaerah dibahas lagi.", ["kerja sama antardaerah"]),
    ("Kota itu dinilai berhasil mengelola parkir tepi jalan.", ["pengelolaan parkir"]),
    ("Tim Badan Pengelola Keuangan dan Aset Daerah hadir.",
     ["pengelolaan keuangan daerah", "pengelolaan aset daerah"]),
    ("Dewan menyusun Propemperda tahun depan.", ["propemperda"]),
    ("Mereka meninjau mal pelayanan publik di pusat kota.", ["mal pelayanan publik"]),
    ("Kota itu meraih predikat Kota Layak Anak.", ["kota layak anak"]),
    ("Pemkot menyiapkan pilkada serentak dengan aman.", ["pilkada"]),
    ("Forum Kerukunan Umat Beragama ikut hadir.", ["kerukunan umat beragama"]),
    ("Kami ingin meniru pengelolaan smart city mereka.", ["kota cerdas"]),
    # the longer reading wins: green open space, not spatial planning
    ("Komisi C mempelajari penataan ruang terbuka hijau.", ["ruang terbuka hijau"]),
    ("Sengketa tapal batas kedua kabupaten dibicarakan.", ["batas wilayah"]),
])
def test_finder_reads_the_spellings_of_real_reports(text, expected):
    assert labels(text) == expected


@pytest.mark.parametrize("text", [
    # a room, a title and an office's head are names, not topics
    "Rombongan diterima di ruang rapat Badan Anggaran lantai dua.",
    "Turut hadir Kepala Dinas Pendidikan dan Asisten Pemerintahan dan Kesejahteraan Rakyat.",
    # a topic denied in its clause
    "Kunjungan itu tidak terkait pembahasan raperda.",
    # words that only look like a topic
    "Acara itu diunggah ke media sosial dan ramai dibicarakan warga.",
    "Rombongan makan siang di rumah makan khas daerah.",
    "Usai diskusi, rombongan meninjau kebun yang dirawat kelompok pemuda.",
    "Pertemuan itu digelar dengan menerapkan protokol kesehatan.",
    "Rombongan peserta pendidikan dan pelatihan pimpinan tiba.",
    "Tim itu dipimpin Asisten pemerintahan dan kesra kabupaten.",
    # general words outside a phrase of purpose
    "Budaya kerja di kantor itu disiplin dan wisata kuliner ramai.",
    # an acronym is read only in capitals
    "Itu hanya kla, bukan apa-apa.",
])
def test_finder_does_not_read_topics_in_unrelated_words(text):
    assert labels(text) == [] and read(text) == {}


def test_general_words_count_after_a_phrase_of_purpose():
    assert read("Kedua daerah sepakat bekerja sama di bidang budaya.") == {"kebudayaan": True}
    assert read("Mereka ingin mempelajari inovasi yang sudah diterapkan.") == \
        {"inovasi daerah": True}


def test_focus_starts_at_the_phrase_of_purpose():
    found = read("Wali kota menyapa warga; rombongan lalu membahas pengelolaan sampah.")
    assert found == {"pengelolaan sampah": True}
    assert read("Pengelolaan sampah kota itu rapi, kata dia.") == {"pengelolaan sampah": False}
    assert read("Kedua kota menjajaki kerja sama pengelolaan sampah.") == \
        {"pengelolaan sampah": True}
    # "sedang" says when, not what was studied
    assert read("Daerah itu sedang melaksanakan pilkada, kata dia.") == {"pilkada": False}
    # "Kepala Bidang" is a title, not "di bidang"
    assert read("Kepala Bidang Humas menyambut rombongan, lalu menjelaskan perikanan kota.") \
        == {"kelautan dan perikanan": False}


def test_a_listing_word_focuses_only_after_a_stated_purpose():
    text = "Di antaranya pariwisata dan UMKM."
    assert read(text) == {"pariwisata": False, "UMKM": False}
    assert read(text, before="Pertemuan itu membahas kerja sama di berbagai sektor.") == \
        {"pariwisata": True, "UMKM": True}


# -- the visit: what it studied, not every topic word of its report ---------------------

def test_a_topic_said_once_after_a_phrase_of_purpose_is_the_visits():
    body = (
        "Pemkab Lembata melakukan kunjungan kerja ke Pemkot Kupang, Senin (3/3/2025).\n\n"
        "Rombongan dipimpin Wakil Bupati Lembata, Yohanes Kia, dan diterima Wali Kota "
        "Kupang, Maria Sau.\n\n"
        "Dalam pertemuan itu, Yohanes menyampaikan bahwa pihaknya datang untuk belajar "
        "soal pengelolaan aset daerah.\n\n"
        "Kota Kupang juga dikenal dengan pantainya, dan jalan menuju bandara kini lebih "
        "lebar.\n"
    )
    assert topics_of(body) == {("Pemkab Lembata", "Pemkot Kupang"): ("pengelolaan aset daerah",)}


def test_topics_of_an_agency_delegation_come_from_its_name():
    body = (
        "Badan Pengelola Keuangan dan Aset Daerah (BPKAD) Kota Palu melakukan studi tiru "
        "ke Pemkot Makassar, Rabu (5/2/2025).\n\n"
        "Rombongan dipimpin Kepala BPKAD Kota Palu, Rahmat Saleh, dan diterima Sekda Kota"
        " Makassar, Lukas Tene.\n"
    )
    assert topics_of(body) == {("Pemkot Palu", "Pemkot Makassar"):
                               ("pengelolaan keuangan daerah", "pengelolaan aset daerah")}


def test_attendees_titles_are_not_topics():
    body = (
        "Pemkab Sumba Timur melakukan kunjungan kerja ke Pemkot Denpasar, Kamis "
        "(6/2/2025).\n\n"
        "Rombongan dipimpin Bupati Sumba Timur, Umbu Lili, didampingi Kepala Dinas "
        "Pendidikan dan Kepala Dinas Kesehatan, dan diterima Wali Kota Denpasar, Made "
        "Arsa.\n\n"
        "Umbu mengatakan rombongan ingin mempelajari mal pelayanan publik yang sudah "
        "berjalan di Denpasar.\n"
    )
    assert topics_of(body) == {("Pemkab Sumba Timur", "Pemkot Denpasar"):
                               ("mal pelayanan publik",)}


def test_each_delegation_keeps_what_it_studied():
    body = (
        "Dua DPRD berkunjung ke Pemkab Sleman, Selasa (4/3/2025): DPRD Kabupaten Banggai "
        "dan DPRD Kabupaten Sikka.\n\n"
        "Ketua rombongan DPRD Banggai, Anton Lamo, mengatakan kunjungannya ke Sleman "
        "untuk mempelajari pengelolaan parkir.\n\n"
        "Sementara itu, Wakil Ketua DPRD Sikka, Petrus Wae, menyampaikan bahwa "
        "rombongannya ingin belajar tentang perpustakaan daerah.\n"
    )
    assert topics_of(body) == {
        ("DPRD Kabupaten Banggai", "Pemkab Sleman"): ("pengelolaan parkir",),
        ("DPRD Kabupaten Sikka", "Pemkab Sleman"): ("perpustakaan",),
    }


def test_one_delegation_several_hosts_each_host_its_topic():
    body = (
        "Seluruh anggota DPRD Kabupaten Klaten melakukan kunjungan kerja pada 10-12 Maret"
        " 2025.\n\n"
        "Menurut Sekretaris DPRD Klaten, Sri Lestari, Komisi A kunker ke Pemkot Batam, "
        "Komisi B ke Pemkot Pekanbaru.\n\n"
        "Ia menjelaskan Komisi A kunker terkait kota layak anak bersama Pemkot Batam, "
        "Komisi B mempelajari pengelolaan parkir dengan Pemkot Pekanbaru.\n"
    )
    assert topics_of(body) == {
        ("DPRD Kabupaten Klaten", "Pemkot Batam"): ("kota layak anak",),
        ("DPRD Kabupaten Klaten", "Pemkot Pekanbaru"): ("pengelolaan parkir",),
    }
