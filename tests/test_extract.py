"""The rule-based extractor: phenomena of real reports, one small text each."""
from __future__ import annotations

import datetime as dt

import pytest

from kgraph.read.frontmatter import parse_article
from kgraph.extract import extract, party_name
from kgraph.extract.dates import find_dates
from kgraph.extract.regions import default_matcher
from kgraph.resolve.gazetteer import Gazetteer

from conftest import EXAMPLES


def visits(text: str, published: str | None = None):
    front = f"---\npublished: {published}\n---\n" if published else ""
    return extract(parse_article(front + text, source="t.txt"))


def pairs(text: str, published: str | None = None):
    return [(v.visitor, v.host) for v in visits(text, published)]


def test_host_first():
    [v] = visits("Pemkot Bontang menerima kunjungan kerja Pemkab Kutai Timur, Selasa (14/10/2025).")
    assert (v.visitor, v.host, v.date) == ("Pemkab Kutai Timur", "Pemkot Bontang",
                                           dt.date(2025, 10, 14))
    assert v.spans["host"].text == "Pemkot Bontang"
    assert 0 < v.confidence <= 1 and v.evidence.startswith("Pemkot Bontang menerima")


def test_visitor_first_and_belajar_ke():
    assert pairs("Rombongan DPRD Kabupaten Sleman melakukan kunjungan kerja ke DPRD Kota "
                 "Denpasar.") == [("DPRD Kabupaten Sleman", "DPRD Kota Denpasar")]
    assert pairs("Pemerintah Kabupaten Lombok Timur (Lotim) belajar pengelolaan desa wisata ke "
                 "Kabupaten Banyuwangi.") == [("Pemkab Lombok Timur", "Pemkab Banyuwangi")]


def test_passive_with_officials_and_names():
    [v] = visits("Rombongan Pemkot Serang yang dipimpin langsung oleh Wakil Wali Kota Serang, "
                 "Nur Agis Aulia, disambut hangat oleh Wakil Wali Kota Malang, Ali Muthohirin, "
                 "di Balai Kota Malang.")
    assert (v.visitor, v.host) == ("Pemkot Serang", "Pemkot Malang")
    assert v.led_by.name == "Nur Agis Aulia" and v.led_by.role == "Wakil Wali Kota Serang"
    assert v.received_by.name == "Ali Muthohirin"
    assert v.place == "Balai Kota Malang"


def test_titles_are_stripped_and_abbreviated_provinces_resolve():
    [v] = visits("Rombongan Pemerintah Provinsi Sulteng yang dipimpin Sekda Sulteng, Dr. Rahmat "
                 "Lamuru, M.Si, diterima oleh Wakil Gubernur Kaltim, H. Seno Prasetyo, di Kantor "
                 "Gubernur Kaltim, Jumat,(4/7/2025).")
    assert (v.visitor, v.host) == ("Pemprov Sulawesi Tengah", "Pemprov Kalimantan Timur")
    assert v.led_by.name == "Rahmat Lamuru" and v.received_by.name == "Seno Prasetyo"
    assert v.date == dt.date(2025, 7, 4)


def test_several_councils_in_one_sentence():
    found = pairs("DPRD Kota Pekalongan, Kabupaten Batang dan Kabupaten Brebes melakukan kunker "
                  "ke DPRD Provinsi DKI Jakarta, Selasa 10/12/2019.")
    assert found == [("DPRD Kota Pekalongan", "DPRD Provinsi DKI Jakarta"),
                     ("DPRD Kabupaten Batang", "DPRD Provinsi DKI Jakarta"),
                     ("DPRD Kabupaten Brebes", "DPRD Provinsi DKI Jakarta")]


def test_offices_act_for_their_region():
    assert pairs("Badan Perencanaan Pembangunan Daerah (Bappeda) Kabupaten Sragen melakukan "
                 "studi komparasi ke Bappeda Kota Yogyakarta.") == [
        ("Pemkab Sragen", "Pemkot Yogyakarta")]


def test_kota_and_kabupaten_of_the_same_name_stay_apart():
    [v] = visits("Pemkab Serang belajar ke Kabupaten Malang. Rombongan diterima Bupati Malang.")
    assert (v.visitor, v.host) == ("Pemkab Serang", "Pemkab Malang")


@pytest.mark.parametrize("text, published, expected", [
    ("Senin (12/1/2026)", None, dt.date(2026, 1, 12)),
    ("Rabu (9/1)", "2025-01-10", dt.date(2025, 1, 9)),
    ("Rabu (31/12)", "2025-01-02", dt.date(2024, 12, 31)),
    ("Jumat (28/4/23)", None, dt.date(2023, 4, 28)),
    ("Selasa 10/12/2019", None, dt.date(2019, 12, 10)),
    ("Senin, 4 Agustus 2025", None, dt.date(2025, 8, 4)),
    ("Jumat,(4/7/2025)", None, dt.date(2025, 7, 4)),
    ("Selasa (8/10-2024)", None, dt.date(2024, 10, 8)),
    ("Senin (12 Januari 2026)", None, dt.date(2026, 1, 12)),
    ("pada 19 Maret 2025", None, dt.date(2025, 3, 19)),
])
def test_date_forms(text, published, expected):
    pub = dt.date.fromisoformat(published) if published else None
    [d] = find_dates(text, published=pub)
    assert d.date == expected


def test_a_date_without_year_or_published_date_stays_empty():
    [v] = visits("Pemkot Cimahi melakukan kunjungan kerja ke Pemkot Bogor, Senin (9/6).")
    assert v.date is None
    [v] = visits("Pemkot Cimahi melakukan kunjungan kerja ke Pemkot Bogor, Senin (9/6).",
                 published="2025-06-10")
    assert v.date == dt.date(2025, 6, 9)


def test_agreement_only_when_signed_during_the_visit():
    [v] = visits("Pemkab Bojonegoro menerima kunjungan kerja Pemkab Tuban, Senin (3/3/2025). "
                 "Kunjungan itu ditandai penandatanganan perjanjian kerja sama (PKS) tentang "
                 "pengelolaan air minum.")
    assert v.agreement.type == "Perjanjian Kerja Sama"
    assert v.agreement.subject == "pengelolaan air minum"
    [v] = visits("Pemkot Balikpapan melakukan kunjungan kerja ke Pemkot Makassar. Kedua daerah "
                 "telah menandatangani nota kesepahaman pada Maret 2023 lalu.")
    assert v.agreement is None
    [v] = visits("Pemkot Bontang menerima kunjungan kerja Pemkab Kutai Timur. Hingga pertemuan "
                 "berakhir, belum ada kesepakatan bersama yang ditandatangani.")
    assert v.agreement is None


def test_noise_gives_no_visit_and_an_earlier_visit_is_one_without_a_date():
    text = ("Komisi C DPRD Kabupaten Jember melakukan kunjungan kerja ke DPRD Kabupaten Badung, "
            "Senin (3/3/2025).\n\n"
            "BACA JUGA: Pemkot Malang Terima Kunjungan Kerja Pemkab Blitar\n\n"
            "Sebelumnya, Pemkab Jember pernah berkunjung ke Kota Surakarta pada 2023.\n\n"
            "Foto: Rombongan Pemkab Lumajang saat diterima Bupati Badung.")
    found = visits(text)
    assert [(v.visitor, v.host) for v in found] == [
        ("DPRD Kabupaten Jember", "DPRD Kabupaten Badung"), ("Pemkab Jember", "Pemkot Surakarta")]
    now, before = found
    assert now.date == dt.date(2025, 3, 3) and before.date is None
    assert before.confidence < now.confidence


@pytest.mark.parametrize("text", [
    "Menteri Dalam Negeri melakukan kunjungan kerja ke Kabupaten Sidoarjo. Kedatangan menteri "
    "disambut Bupati Sidoarjo, Subandi.",
    "Komisi II DPR RI melakukan kunjungan kerja spesifik ke Pemerintah Provinsi Jawa Barat.",
    "BPK Perwakilan Provinsi Riau melakukan kunjungan ke Pemkab Siak.",
    "Pemerintah Kabupaten Pacitan berkunjung ke Universitas Gadjah Mada (UGM) Yogyakarta.",
    "Pemerintah Kota Cilegon melakukan kunjungan kerja ke PT Sinar Baja Nusantara.",
    "Pemerintah Kota Surabaya melakukan kunjungan kerja ke Kota Kitakyushu, Jepang.",
    "Pemerintah Kota Bukittinggi menerima kunjungan delegasi Kerajaan Negeri Sembilan, Malaysia.",
    "Bupati Klaten melakukan kunjungan kerja ke Kecamatan Cawas, Kabupaten Klaten.",
    "Pemerintah Kabupaten Ciamis melakukan audiensi ke Kementerian Desa di Jakarta.",
    "Pemkab Bantaeng kerap menerima kunjungan studi banding dari kabupaten dan kota lain.",
])
def test_not_inter_regional(text):
    assert visits(text) == []


def test_raw_examples():
    from kgraph.read.files import read_article

    found = {}
    for path in sorted((EXAMPLES / "raw").glob("*.txt")):
        [v] = extract(read_article(path))
        found[path.stem] = v
    g = found["gresik-semarang-mou"]
    assert (g.visitor, g.host, g.date) == ("Pemkab Gresik", "Pemkot Semarang", dt.date(2025, 9, 4))
    assert g.agreement.type == "Nota Kesepahaman"
    s = found["sleman-denpasar-dprd"]
    assert (s.led_by.name, s.received_by.name) == ("Agus Widodo", "I Made Suarjana")
    assert found["bontang-kutim"].agreement is None


def test_every_evidence_and_span_is_in_the_body():
    from kgraph.read.files import iter_article_paths, read_article

    for name in iter_article_paths([EXAMPLES / "raw"]):
        article = read_article(name)
        for v in extract(article):
            assert v.evidence in " ".join(article.body.split())
            for span in v.spans.values():
                assert article.body[span.start:span.end] == span.text


def test_party_names_resolve_back_to_their_region():
    matcher = default_matcher()
    for region in Gazetteer.default():
        for body in ("pemerintah", "dprd"):
            resolved = matcher.resolve(party_name(region, body, matcher))
            assert resolved.region == region and resolved.body == body, region


def test_lines_broken_mid_sentence_are_one_sentence():
    from kgraph.extract.text import segment

    body = ("Judul Berita Kunjungan\n\nSurabaya – Pemkab Gresik melakukan kunjungan kerja\n"
            "ke Pemkot Surabaya, Senin (3/2/2025). Rombongan diterima\nWakil Wali Kota.\n"
            "Sekda menambahkan\nbahwa kerja sama berlanjut.")
    doc = segment(body)
    texts = [s.text for s in doc.sentences]
    assert texts[1] == ("Surabaya – Pemkab Gresik melakukan kunjungan kerja ke Pemkot Surabaya, "
                        "Senin (3/2/2025).")
    assert "Sekda menambahkan bahwa kerja sama berlanjut." in texts
    assert doc.sentences[0].headline and len(doc.flat) == len(body)
    assert pairs(body) == [("Pemkab Gresik", "Pemkot Surabaya")]


def test_a_dateline_with_a_site_address_starts_the_body():
    body = ("KENDAL, warta-kendal.com__Rombongan Badan\nPerencanaan Pembangunan Daerah "
            "(Bappeda) Pemerintah Kabupaten Demak melakukan\nstudi komparasi ke Pemerintah "
            "Kabupaten Kendal, Selasa (4/2/2025).")
    assert pairs(body) == [("Pemkab Demak", "Pemkab Kendal")]


def test_related_links_captions_and_datelines_name_no_side():
    text = ("Pemkot Kediri menerima kunjungan kerja Pemkab Jombang, Kamis (6/3/2025).\n"
            "Baca Juga:\nPemkab Nganjuk Kunjungi Pemkot Blitar\n"
            "Rombongan Pemkab Tuban saat berfoto di Balai Kota Madiun (foto/ist)\n"
            "Mojokerto, Pos Mojo – Pemkot Mojokerto berkunjung ke Pemkab Sidoarjo.")
    assert pairs(text) == [("Pemkab Jombang", "Pemkot Kediri"),
                           ("Pemkot Mojokerto", "Pemkab Sidoarjo")]


def test_a_province_beside_its_region_only_qualifies_it():
    ms = default_matcher().find("Pemkab Kepahiang, Provinsi Bengkulu dan Kabupaten Sorong, "
                                "Papua Barat")
    sides = [(m.text, m.qualifier) for m in ms]
    assert sides == [("Pemkab Kepahiang", False), ("Provinsi Bengkulu", True),
                     ("Kabupaten Sorong", False), ("Papua Barat", True)]


def test_officials_venues_and_offices_name_their_government():
    ms = {m.text: m for m in default_matcher().find(
        "Kabag Humas Setdako Medan, Ketua DPRK Lhokseumawe, di Rumah Dinas Wali Kota "
        "Palembang, Diskominfo SP Kota Surakarta")}
    assert ms["Kabag Humas Setdako Medan"].region.code == "12.71"
    assert ms["Ketua DPRK Lhokseumawe"].body == "dprd"
    venue = ms["Rumah Dinas Wali Kota Palembang"]
    assert venue.kind == "venue" and venue.region.code == "16.71" and not venue.party
    assert ms["Diskominfo SP Kota Surakarta"].kind == "office"


def test_names_in_title_case_headlines_are_not_verbs():
    [v] = visits("Bupati Sleman Resmikan Kunjungan Ke Pemkot Surakarta\n\n"
                 "Bupati Sleman, Kustini Sri Purnomo, melakukan kunjungan kerja ke Pemkot "
                 "Surakarta. Ia disambut Wali Kota Surakarta, Gibran Rakabuming.")
    assert v.led_by.name == "Kustini Sri Purnomo" and v.received_by.name == "Gibran Rakabuming"


def test_the_representative_is_the_receiver():
    [v] = visits("Wali Kota Jambi, Syarif Fasha, diwakili Asisten Umum Setda Kota Jambi, "
                 "Ridwan Saputra, menerima kunjungan kerja Pemkab Tebo.")
    assert v.received_by.name == "Ridwan Saputra"


def test_through_an_assistant_the_assistant_is_the_receiver():
    [v] = visits("Kunjungan kerja DPRD Kabupaten Batu Bara diterima Bupati Asahan Surya "
                 "melalui Asisten I Pemerintahan Rahmat Hidayat di Kantor Bupati Asahan.")
    assert (v.received_by.name, v.received_by.role) == ("Rahmat Hidayat",
                                                        "Asisten I Pemerintahan")


def test_names_that_look_like_words_initials_and_degrees():
    from kgraph.extract.people import read_name
    from kgraph.resolve.names import clean_name

    # after an honorific, a common word ("Cek") followed by a name starts the name
    assert read_name("Drs. H. Cek Endra membuka acara", 0)[0] == "Cek Endra"
    assert read_name("Cek Endra membuka acara", 0)[0] is None
    # initials written without a space, and a degree-like pair of initials inside a name
    assert read_name("Yohanis H.L Rumbiak, S.E. memimpin", 0)[0] == "Yohanis H.L Rumbiak"
    assert clean_name("Markus S. H. Lumintang, SE, MAP") == "Markus S. H. Lumintang"
    assert clean_name("H. Wahyu Hidayat, S.Sos., M.AP") == "Wahyu Hidayat"
    # an office is never a name
    assert read_name("Diskominfo Kabupaten Kendal", 0)[0] is None


def test_the_speaker_named_before_a_lower_case_title():
    [v] = visits("Rombongan DPRD Kabupaten Kudus berkunjung ke DPRD Kabupaten Pringsewu.\n\n"
                 "Menurut Dewi Lestari wakil ketua 2 DPRD Kabupaten Pringsewu pihaknya senang "
                 "menerima tamu dari Jawa Tengah.")
    assert v.received_by.name == "Dewi Lestari"


def test_someone_standing_in_for_the_head_receives():
    [v] = visits("Pemkab Bangli melakukan studi banding ke Pemkab Lombok Tengah. Drs. H. Lalu "
                 "Firman, M.Si., mewakili Bupati Lombok Tengah menyambut para tamu.")
    assert (v.received_by.name, v.received_by.role) == ("Lalu Firman",
                                                        "mewakili Bupati Lombok Tengah")


def test_a_head_named_without_region_serves_the_side_of_his_level():
    [v] = visits("Pemkab Kampar menandatangani kesepakatan bersama dengan Pemprov Riau di "
                 "Gedung Daerah Riau. Gubernur Riau Edy Natar menyambut Bupati Drs H Kamsol "
                 "Muhammad, M.M. yang datang bersama para kepala dinas.")
    assert v.led_by.name == "Kamsol Muhammad"
    # between two kabupaten, a bare "Bupati" names neither side
    [w] = visits("Pemkab Siak berkunjung ke Pemkab Pelalawan. Bupati Ahmad Zulkifli berharap "
                 "kerja sama berlanjut.")
    assert w.led_by is None and w.received_by is None


def test_a_caption_written_as_a_sentence_names_the_leader():
    [v] = visits("Ketua Komisi II DPRD Kota Depok menghadiri penerimaan kunjungan kerja Wakil "
                 "Wali Kota Tegal, Siti Aminah, di Gedung Balai Kota Depok |\n"
                 "Rombongan Pemerintah Kota Tegal diterima oleh Wakil Wali Kota Depok, "
                 "Imam Budi, beserta jajaran.")
    assert v.led_by.name == "Siti Aminah" and v.received_by.name == "Imam Budi"


def test_an_office_head_s_title_ends_where_the_name_begins():
    [v] = visits("Pemkab Kendal melakukan kunjungan kerja ke Diskominfo Kota Semarang. "
                 "Rombongan diterima oleh Kabid Aplikasi Informatika Dewi Sartika dan Kasi "
                 "Persandian Bayu Aji.")
    assert (v.received_by.name, v.received_by.role) == ("Dewi Sartika",
                                                        "Kabid Aplikasi Informatika")


def test_a_delegation_there_as_well_visits_the_same_host():
    text = ("Pemkab Klaten melakukan studi banding ke Pemkot Magelang, Rabu (7/6/2023). "
            "Selain rombongan Pemkab Klaten, pada hari itu juga hadir rombongan Pemkab "
            "Wonogiri yang ingin belajar tentang pengelolaan pasar. Turut hadir pula "
            "rombongan Pemprov Jawa Tengah.")
    assert sorted(pairs(text)) == [("Pemkab Klaten", "Pemkot Magelang"),
                                   ("Pemkab Wonogiri", "Pemkot Magelang")]
    # "Kunjungan serupa juga dilakukan A dan B": the visit's doers
    assert sorted(pairs("DPRD Kota Bogor menerima kunjungan kerja DPRD Kota Depok, Senin "
                        "(3/7/2023). Kunjungan serupa juga dilakukan DPRD Kabupaten Bekasi dan "
                        "DPRD Kabupaten Karawang pada hari yang sama.")) == [
        ("DPRD Kabupaten Bekasi", "DPRD Kota Bogor"),
        ("DPRD Kabupaten Karawang", "DPRD Kota Bogor"),
        ("DPRD Kota Depok", "DPRD Kota Bogor")]
    # without a visit to one host there is nobody to join
    assert pairs("Dalam festival itu juga hadir rombongan Pemkab Wonogiri dan Pemkab "
                 "Sragen.") == []


def test_a_name_misspelt_by_one_letter_after_a_level_word():
    find = default_matcher().find
    found = {m.text: m for m in find(
        "Rombongan ke Provinsi Kalimantan Tengah belajar di DPRD Kota Palagka Raya. Pemkab "
        "Slemen (Sleman) dan Komisi A DPRD Paseruan, daerah Pasuruan, juga datang.")}
    assert found["DPRD Kota Palagka Raya"].region.code == "62.71"
    assert found["Pemkab Slemen"].region.code == "34.04"
    assert {r.code for r in found["Komisi A DPRD Paseruan"].candidates} == {"35.14", "35.75"}
    # only when the report names the region or its province correctly elsewhere
    assert [m.text for m in find("Ia belajar di DPRD Kota Palagka Raya.")] == []
    # not without a level word before it, not a head's personal name, not two letters off
    assert [m.text for m in find("warga Slemen datang ke Sleman")] == ["Sleman"]
    assert [m.text for m in find("Bupati Marlina menyambut tamu dari Malinau")] == ["Malinau"]
    assert [m.text for m in find("Kota Sultan di Sulawesi Tenggara")] == ["Sulawesi Tenggara"]


def test_from_outside_a_region_is_not_from_it():
    assert pairs("Dua rombongan DPRD dari luar daerah Kalimantan Tengah belajar di DPRD Kota "
                 "Palangka Raya, yaitu DPRD Kabupaten Badung dan DPRD Kota Banjarbaru.") == [
        ("DPRD Kabupaten Badung", "DPRD Kota Palangka Raya"),
        ("DPRD Kota Banjarbaru", "DPRD Kota Palangka Raya")]


def test_an_office_set_off_by_commas_between_title_and_name():
    [v] = visits("Pemkab Kepahiang berkunjung ke Diskominfo Kabupaten Cianjur. Kepala Bidang "
                 "Persandian dan Statistik, Diskominfo Kabupaten Cianjur, Rina Marlina "
                 "mengatakan pihaknya senang berbagi pengalaman.")
    assert v.received_by.name == "Rina Marlina"


def test_heads_arriving_for_a_national_event_make_no_visit():
    text = ("Sebanyak sepuluh gubernur sudah tiba di Provinsi Kalimantan Timur, Minggu "
            "(13/3/2022). Kedatangan mereka untuk mengikuti acara bersama Presiden di IKN.\n\n"
            "Kepala Dinas Pariwisata Provinsi Kaltim Budi Hartono yang menyambut Gubernur "
            "Sulawesi Barat mengaku senang.")
    assert pairs(text) == []


def test_its_visit_kunjungannya_points_back_to_the_visitor():
    assert pairs("Gubernur Jawa Tengah Ahmad Luthfi dalam kunjungannya ke Provinsi "
                 "Bali, Senin (2/6/2025), menandatangani nota kesepahaman.") == [
        ("Pemprov Jawa Tengah", "Pemprov Bali")]


def test_a_side_the_report_leaves_ambiguous_is_kept_with_its_name(tmp_path):
    from kgraph.ingest import ingest

    [v] = visits("Pemkab Bogor melakukan studi banding ke Malang, Senin (6/10/2025).")
    assert (v.visitor, v.host, v.host_region) == ("Pemkab Bogor", "Malang", None)
    [v] = visits("Pemkab Bogor melakukan studi banding ke Malang. Rombongan diterima Wali Kota "
                 "Malang.")
    assert v.host == "Pemkot Malang"
    article = tmp_path / "a.txt"
    article.write_text("Pemkab Bogor melakukan studi banding ke Malang, Senin (6/10/2025).\n",
                       encoding="utf-8")
    report = ingest([article], store=tmp_path / "k.ttl")
    assert any("ambiguous" in w and "35.07" in w and "35.73" in w for w in report.warnings)


@pytest.mark.parametrize("text", [
    "Gubernur Jambi akan melakukan kunjungan kerja ke Kabupaten Kerinci besok.",
    "Rencananya DPRD Kota Bogor berkunjung ke DPRD Kota Depok pekan depan, namun batal.",
    "DPRD Kota Cilegon melaksanakan kunjungan kerja ke DPRD Kabupaten Lebak, Rabu (9/4) besok.",
    "Pemkab Bantaeng kerap menerima kunjungan studi banding dari Pemkab Jeneponto.",
    "Wali Kota Bogor menghadiri Rakernas APEKSI di Kota Semarang, disambut Wali Kota Semarang.",
])
def test_plans_habits_and_association_meetings_are_no_visits(text):
    assert visits(text) == []
