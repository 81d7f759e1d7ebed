"""Tests of the region gazetteer (kgraph/data/regions.csv) and of government-mention resolution."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from kgraph.resolve.gazetteer import (
    BODY_COUNCIL,
    BODY_GOVERNMENT,
    DATA_PATH,
    Gazetteer,
    GovernmentMention,
    Region,
    normalize,
    slug,
)

ROOT = Path(__file__).resolve().parent.parent
COLUMNS = ["code", "type", "name", "province_code", "province", "latitude", "longitude", "aliases"]


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return Gazetteer.default()


# --- the data file ---------------------------------------------------------------------------------------------


def test_csv_location_and_header():
    assert DATA_PATH == ROOT / "kgraph" / "data" / "regions.csv"
    with open(DATA_PATH, encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == COLUMNS
    assert all(len(row) == len(COLUMNS) for row in rows)
    assert len(rows) == 1 + 552


def test_counts(gaz):
    regions = list(gaz)
    assert len(gaz) == len(regions) == 552
    assert sum(r.type == "provinsi" for r in regions) == 38
    assert sum(r.type != "provinsi" for r in regions) == 514
    assert sum(r.type == "kota administrasi" for r in regions) == 5
    assert {r.type for r in regions} == {"provinsi", "kabupaten", "kota", "kota administrasi"}


def test_codes_unique_and_sorted():
    with open(DATA_PATH, encoding="utf-8", newline="") as f:
        codes = [row["code"] for row in csv.DictReader(f)]
    assert len(codes) == len(set(codes))
    assert codes == sorted(codes, key=lambda c: [int(p) for p in c.split(".")])


def test_code_shapes_and_parents(gaz):
    for r in gaz:
        if r.is_province:
            assert len(r.code) == 2 and r.code.isdigit()
            assert r.province_code is None and r.province is None
            assert r.name.startswith("Provinsi ")
        else:
            head, _, tail = r.code.partition(".")
            assert len(head) == 2 and len(tail) == 2 and (head + tail).isdigit(), r
            parent = gaz.by_code(r.province_code)
            assert parent is not None and parent.is_province, r
            assert head == r.province_code
            assert r.province == parent.name


@pytest.mark.parametrize(
    "code, type_, name",
    [
        ("35", "provinsi", "Provinsi Jawa Timur"),
        ("31", "provinsi", "Provinsi DKI Jakarta"),
        ("34", "provinsi", "Provinsi Daerah Istimewa Yogyakarta"),
        ("35.73", "kota", "Kota Malang"),
        ("35.07", "kabupaten", "Kabupaten Malang"),
        ("31.71", "kota administrasi", "Kota Administrasi Jakarta Pusat"),
        ("31.01", "kabupaten", "Kabupaten Administrasi Kepulauan Seribu"),
        ("62.71", "kota", "Kota Palangka Raya"),
        ("72.04", "kabupaten", "Kabupaten Tolitoli"),
        ("74.72", "kota", "Kota Baubau"),
        ("63.02", "kabupaten", "Kabupaten Kotabaru"),
        ("12.12", "kabupaten", "Kabupaten Toba"),
        ("73.10", "kabupaten", "Kabupaten Pangkajene dan Kepulauan"),
    ],
)
def test_official_names(gaz, code, type_, name):
    r = gaz.by_code(code)
    assert r is not None
    assert (r.type, r.name) == (type_, name)


def test_names_are_not_all_caps(gaz):
    for r in gaz:
        assert not r.name.isupper() and r.name == " ".join(r.name.split()), r.name


@pytest.mark.parametrize(
    "code, short",
    [("35.73", "Malang"), ("35", "Jawa Timur"), ("31.71", "Jakarta Pusat"), ("31.01", "Kepulauan Seribu"),
     ("31", "DKI Jakarta")],
)
def test_short_name(gaz, code, short):
    assert gaz.by_code(code).short_name == short


def test_wakatobi_longitude_corrected(gaz):
    wakatobi = gaz.by_code("74.07")
    assert wakatobi.name == "Kabupaten Wakatobi"
    assert wakatobi.longitude == pytest.approx(123.54, abs=0.1)
    assert wakatobi.latitude == pytest.approx(-5.33, abs=0.1)


def test_coordinates_inside_indonesia(gaz):
    for r in gaz:
        assert r.latitude is not None and r.longitude is not None, r.name
        assert -11.5 <= r.latitude <= 6.5, r
        assert 94 <= r.longitude <= 142, r


def test_aliases_have_no_type_prefix_and_no_duplicates(gaz):
    for r in gaz:
        keys = [normalize(a) for a in r.aliases]
        assert len(keys) == len(set(keys)), r
        assert normalize(r.short_name) not in keys, r
        for alias in r.aliases:
            assert alias and "|" not in alias
            assert not normalize(alias).startswith(("kabupaten ", "provinsi ", "kota administrasi ")), alias


def test_region_is_frozen(gaz):
    with pytest.raises(Exception):
        gaz.by_code("35").name = "x"  # type: ignore[misc]


# --- helpers ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [("Kota Malang", "kota malang"), ("  KAB.  Toli-Toli ", "kab toli toli"), ("Bau-Bau", "bau bau"),
     ("Pemerintah Kota (Pemkot) Malang", "pemerintah kota pemkot malang"), ("Sulawesi\tTengah", "sulawesi tengah"),
     ("Jógja", "jogja")],
)
def test_normalize(text, expected):
    assert normalize(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("Kota Malang", "kota-malang"), ("Kota Administrasi Jakarta Pusat", "kota-administrasi-jakarta-pusat"),
     ("Kabupaten Toli-Toli", "kabupaten-toli-toli"), ("Provinsi DKI Jakarta", "provinsi-dki-jakarta")],
)
def test_slug(text, expected):
    assert slug(text) == expected


# --- find ------------------------------------------------------------------------------------------------------


def codes(regions) -> list[str]:
    return [r.code for r in regions]


@pytest.mark.parametrize(
    "name, type_, expected",
    [
        ("Malang", None, ["35.07", "35.73"]),
        ("malang", "kota", ["35.73"]),
        ("MALANG", "kabupaten", ["35.07"]),
        ("Kota Malang", None, ["35.73"]),
        ("Kabupaten Malang", None, ["35.07"]),
        ("Jambi", None, ["15", "15.71"]),
        ("Jambi", "provinsi", ["15"]),
        ("Jambi", "kota", ["15.71"]),
        ("Gorontalo", None, ["75", "75.01", "75.71"]),
        ("Jakarta Pusat", "kota", ["31.71"]),
        ("Jakarta Pusat", "kota administrasi", ["31.71"]),
        ("Jakarta Pusat", "kabupaten", []),
        ("Kota Jakarta Pusat", None, ["31.71"]),
        ("Kepulauan Seribu", "kabupaten", ["31.01"]),
        ("Kep. Seribu", None, ["31.01"]),
        ("Atlantis", None, []),
        ("", None, []),
    ],
)
def test_find(gaz, name, type_, expected):
    assert codes(gaz.find(name, type=type_)) == expected


def test_find_rejects_unknown_type(gaz):
    with pytest.raises(ValueError):
        gaz.find("Malang", type="kecamatan")


@pytest.mark.parametrize(
    "abbreviation, code",
    [
        ("Sulteng", "72"), ("Kalsel", "63"), ("Kaltim", "64"), ("Jatim", "35"), ("Jateng", "33"), ("Jabar", "32"),
        ("DIY", "34"), ("NTB", "52"), ("NTT", "53"), ("Sulsel", "73"), ("Sultra", "74"), ("Sulut", "71"),
        ("Sulbar", "76"), ("Kalbar", "61"), ("Kalteng", "62"), ("Kaltara", "65"), ("Sumut", "12"),
        ("Sumbar", "13"), ("Sumsel", "16"), ("Babel", "19"), ("Kepri", "21"), ("Malut", "82"), ("Pabar", "92"),
        ("Papua Barat", "92"), ("NAD", "11"), ("Aceh", "11"), ("DKI", "31"), ("Jakarta", "31"),
        ("DKI Jakarta", "31"), ("Daerah Khusus Ibukota Jakarta", "31"),
        ("Jakpus", "31.71"), ("Jaksel", "31.74"), ("Jakbar", "31.73"), ("Jaktim", "31.75"), ("Jakut", "31.72"),
        ("Tangsel", "36.74"), ("Kotabaru", "63.02"), ("Kota Baru", "63.02"), ("Banyuasin", "16.07"),
    ],
)
def test_abbreviations_and_aliases(gaz, abbreviation, code):
    assert codes(gaz.find(abbreviation)) == [code]


@pytest.mark.parametrize(
    "spellings, code",
    [
        (["Palangkaraya", "Palangka Raya", "palangka-raya"], "62.71"),
        (["Toli-Toli", "Tolitoli", "Toli Toli"], "72.04"),
        (["Baubau", "Bau-Bau", "Bau Bau"], "74.72"),
        (["Pangkalpinang", "Pangkal Pinang"], "19.71"),
        (["Tanjungpinang", "Tanjung Pinang"], "21.72"),
        (["Fakfak", "Fak-Fak"], "92.03"),
        (["Parepare", "Pare-Pare"], "73.72"),
        (["Lubuklinggau", "Lubuk Linggau"], "16.73"),
        (["Kepulauan Siau Tagulandang Biaro", "Sitaro", "Kep. Siau Tagulandang Biaro"], "71.09"),
    ],
)
def test_spelling_variants(gaz, spellings, code):
    for spelling in spellings:
        assert codes(gaz.find(spelling)) == [code], spelling


def test_by_code(gaz):
    assert gaz.by_code("35.73").name == "Kota Malang"
    assert gaz.by_code("99.99") is None


def test_constructor_accepts_any_regions():
    a = Region("35", "provinsi", "Provinsi Jawa Timur", None, None, None, None, ("Jatim",))
    b = Region("35.73", "kota", "Kota Malang", "35", "Provinsi Jawa Timur", -7.98, 112.63, ())
    small = Gazetteer([b, a])
    assert len(small) == 2 and codes(small) == ["35", "35.73"]
    assert small.resolve_government("Pemkot Malang").region == b
    assert small.resolve_government("Pemprov Jatim").region == a
    with pytest.raises(ValueError):
        Gazetteer([a, a])


def test_default_is_cached():
    assert Gazetteer.default() is Gazetteer.default()


# --- resolve_government ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "mention, code",
    [
        # kota
        ("Pemkot Malang", "35.73"),
        ("Pemerintah Kota Malang", "35.73"),
        ("Pemerintah Kota (Pemkot) Malang", "35.73"),
        ("  pemerintah   kota  malang ", "35.73"),
        ("Kota Malang", "35.73"),
        ("Wali Kota Malang", "35.73"),
        ("Walikota Serang", "36.73"),
        ("Pemko Medan", "12.71"),
        ("Pemko Pekanbaru", "14.71"),
        ("Pemkot Jambi", "15.71"),
        ("Pemkot Bandung", "32.73"),
        ("Pemkot Serang", "36.73"),
        ("Pemkot Palangkaraya", "62.71"),
        ("Pemkot Palangka Raya", "62.71"),
        ("Pemkot Bau-Bau", "74.72"),
        ("Kota Administrasi Jakarta Pusat", "31.71"),
        ("Pemkot Jakarta Selatan", "31.74"),
        ("Pemkot Jakpus", "31.71"),
        ("Pemerintah Kota Administrasi Jakarta Timur", "31.75"),
        ("Pemkot Jogja", "34.71"),
        # kabupaten
        ("Pemkab Malang", "35.07"),
        ("Pemerintah Kabupaten Malang", "35.07"),
        ("Kabupaten Malang", "35.07"),
        ("Kab. Malang", "35.07"),
        ("Kab Malang", "35.07"),
        ("Bupati Malang", "35.07"),
        ("Pemkab Serang", "36.04"),
        ("Pemkab Bandung", "32.04"),
        ("Pemkab Bandung Barat", "32.17"),
        ("Pemkab Toli-Toli", "72.04"),
        ("Pemerintah Kabupaten Tolitoli", "72.04"),
        ("Pemkab Kotabaru", "63.02"),
        ("Pemkab Kota Baru", "63.02"),
        ("Pemkab Kepulauan Seribu", "31.01"),
        ("Pemerintah Kabupaten Administrasi Kepulauan Seribu", "31.01"),
        ("Wakil Bupati Sleman", "34.04"),
        # provinsi
        ("Pemprov Jambi", "15"),
        ("Pemerintah Provinsi Jambi", "15"),
        ("Provinsi Jambi", "15"),
        ("Prov. Jambi", "15"),
        ("Gubernur Jambi", "15"),
        ("Pemda Provinsi Jambi", "15"),
        ("Pemprov Jatim", "35"),
        ("Pemprov Sulteng", "72"),
        ("Pemprov DIY", "34"),
        ("Pemprov DKI Jakarta", "31"),
        ("Pemprov DKI", "31"),
        ("Pemprov Kalsel", "63"),
        ("Pemerintah Provinsi Sulawesi Tengah", "72"),
        ("Pemerintah Provinsi Kep. Riau", "21"),
        ("Gubernur NTB", "52"),
        ("Pemprov Yogyakarta", "34"),
        ("Pemerintah Daerah Istimewa Yogyakarta", "34"),
        # no type, exactly one match
        ("Pemda Sleman", "34.04"),
        ("Surabaya", "35.78"),
        ("Sleman", "34.04"),
        ("Pemerintah Aceh", "11"),
        ("Jatim", "35"),
        ("Jakarta", "31"),
        ("Kota Baru", "63.02"),
        # a trailing province narrows a name
        ("Pemkab Banjar, Kalimantan Selatan", "63.03"),
        ("Kota Banjar (Jawa Barat)", "32.79"),
        ("Pemkot Malang Jawa Timur", "35.73"),
    ],
)
def test_resolve_government(gaz, mention, code):
    resolved = gaz.resolve_government(mention)
    assert isinstance(resolved, GovernmentMention)
    assert resolved.body == BODY_GOVERNMENT
    assert resolved.text == mention.strip()
    assert resolved.region is not None, resolved
    assert resolved.region.code == code
    assert resolved.candidates == (resolved.region,)


@pytest.mark.parametrize(
    "mention, code",
    [
        ("DPRD Kota Malang", "35.73"),
        ("DPRD Kabupaten Malang", "35.07"),
        ("DPRD Kab. Malang", "35.07"),
        ("DPRD Provinsi Jawa Timur", "35"),
        ("DPRD Prov Jambi", "15"),
        ("DPRD Kota Jambi", "15.71"),
        ("DPRD Jatim", "35"),
        ("DPRD DKI Jakarta", "31"),
        ("DPRD Sulteng", "72"),
        ("DPRD Kalsel", "63"),
        ("dprd sulawesi tengah", "72"),
        ("Komisi I DPRD Kota Malang", "35.73"),
        ("Bapemperda DPRD Kabupaten Serang", "36.04"),
        ("Pimpinan DPRD Kota Serang", "36.73"),
        ("DPRD Kota Administrasi Jakarta Pusat", "31.71"),
        ("DPRD Sleman", "34.04"),
        ("DPRK Aceh Besar", "11.06"),
    ],
)
def test_resolve_council(gaz, mention, code):
    resolved = gaz.resolve_government(mention)
    assert resolved.body == BODY_COUNCIL
    assert resolved.region is not None, resolved
    assert resolved.region.code == code


@pytest.mark.parametrize(
    "kota, kabupaten",
    [("Malang", "Malang"), ("Serang", "Serang"), ("Bandung", "Bandung"), ("Bogor", "Bogor"),
     ("Bekasi", "Bekasi"), ("Kediri", "Kediri"), ("Tangerang", "Tangerang"), ("Semarang", "Semarang")],
)
def test_namesakes_never_confused(gaz, kota, kabupaten):
    k = gaz.resolve_government(f"Pemkot {kota}").region
    b = gaz.resolve_government(f"Pemkab {kabupaten}").region
    assert k is not None and b is not None
    assert k.type == "kota" and b.type == "kabupaten"
    assert k.code != b.code
    assert gaz.resolve_government(f"DPRD Kota {kota}").region == k
    assert gaz.resolve_government(f"DPRD Kabupaten {kabupaten}").region == b


def test_province_and_kota_namesake(gaz):
    province = gaz.resolve_government("Pemprov Jambi").region
    kota = gaz.resolve_government("Pemkot Jambi").region
    assert (province.code, kota.code) == ("15", "15.71")
    assert gaz.resolve_government("DPRD Provinsi Jambi").region == province
    assert gaz.resolve_government("DPRD Kota Jambi").region == kota


@pytest.mark.parametrize(
    "mention, body, candidates",
    [
        ("Malang", BODY_GOVERNMENT, ["35.07", "35.73"]),
        ("Pemda Malang", BODY_GOVERNMENT, ["35.07", "35.73"]),
        ("Jambi", BODY_GOVERNMENT, ["15", "15.71"]),
        ("Serang", BODY_GOVERNMENT, ["36.04", "36.73"]),
        ("Pemerintah Bandung", BODY_GOVERNMENT, ["32.04", "32.73"]),
        ("Yogyakarta", BODY_GOVERNMENT, ["34", "34.71"]),
        ("Gorontalo", BODY_GOVERNMENT, ["75", "75.01", "75.71"]),
        ("DPRD Malang", BODY_COUNCIL, ["35.07", "35.73"]),
        ("DPRD Serang", BODY_COUNCIL, ["36.04", "36.73"]),
        ("DPRD Jambi", BODY_COUNCIL, ["15", "15.71"]),
        ("Pemkab Banjar Jawa Timur", BODY_GOVERNMENT, []),
    ],
)
def test_ambiguous_is_unresolved(gaz, mention, body, candidates):
    resolved = gaz.resolve_government(mention)
    assert resolved.body == body
    assert resolved.region is None
    assert codes(resolved.candidates) == candidates


@pytest.mark.parametrize(
    "mention, body",
    [
        ("Pemkot Atlantis", BODY_GOVERNMENT),
        ("Pemerintah Kabupaten Antah Berantah", BODY_GOVERNMENT),
        ("Pemprov Narnia", BODY_GOVERNMENT),
        ("DPRD Kota Gotham", BODY_COUNCIL),
        ("Atlantis", BODY_GOVERNMENT),
        ("Pemkot Sleman", BODY_GOVERNMENT),  # Sleman is a kabupaten: no kota of that name
        ("Pemkab Surabaya", BODY_GOVERNMENT),  # and Surabaya only a kota
        ("Pemprov Malang", BODY_GOVERNMENT),
        ("Pemkot", BODY_GOVERNMENT),
        ("", BODY_GOVERNMENT),
        ("   ", BODY_GOVERNMENT),
    ],
)
def test_unknown_is_unresolved(gaz, mention, body):
    resolved = gaz.resolve_government(mention)
    assert resolved.body == body
    assert resolved.region is None
    assert resolved.candidates == ()
    assert resolved.text == mention.strip()


def test_every_region_resolves_by_its_full_name(gaz):
    """Each region's official name, as a mention, resolves to exactly that region (also through its council)."""
    for r in gaz:
        assert gaz.resolve_government(r.name).region == r, r.name
        assert gaz.resolve_government(f"DPRD {r.name}").region == r, r.name
        prefix = {"provinsi": "Pemprov", "kabupaten": "Pemkab", "kota": "Pemkot", "kota administrasi": "Pemkot"}
        assert gaz.resolve_government(f"{prefix[r.type]} {r.short_name}").region == r, r.name
