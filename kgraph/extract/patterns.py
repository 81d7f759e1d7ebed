"""Text structure and trigger patterns of Indonesian visit reports.

Sentences keep their character offsets in the body, so every fact found in one can be
quoted with its position. Noise (``BACA JUGA`` lines, photo captions, reporter lines) is
kept as sentences flagged ``noise``: nothing is extracted from them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# --------------------------------------------------------------------------- sentences


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str
    paragraph: int
    noise: bool = False
    past: bool = False  # states an earlier visit or event, not this one
    headline: bool = False


# Paragraphs that are not part of the report: related-article links, captions, credits.
_NOISE_RE = re.compile(
    r"^\s*(?:baca\s+juga|lihat\s+juga|simak\s+juga|berita\s+terkait|artikel\s+terkait|"
    r"foto\s*:|foto\s*/|caption\s*:|keterangan\s+foto|ilustrasi\s*:|reporter\s*:|"
    r"editor\s*:|penulis\s*:|pewarta\s*:|sumber\s*:|copyright|\(foto\b|\[foto\b)",
    re.I,
)
# Words whose final period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """h hj dr drs dra ir prof kh moh muh m mh st sh se si mm mt ma mpd spd ssos sos kom
    ap sip skm ked kes pd ag sag hum no kab kec kel jl tgl dll dsb dst yth bpk sdr a b c
    d e f g i j k l n o p q r s t u v w x y z ph phd pj plt plh prov adm kep""".split()
)
_BOUNDARY_RE = re.compile(r"[.!?]+[\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)\.?$")
_PAST_RE = re.compile(
    r"\b(?:pernah|sebelumnya|tahun\s+lalu|tahun\s+sebelumnya|beberapa\s+waktu\s+lalu|"
    r"(?:bulan|pekan|minggu)\s+lalu|(?:pada|sejak|tahun)\s+(?:19|20)\d\d\b)",
    re.I,
)
_DATELINE_RE = re.compile(r"^[A-Z][^\n–—]{0,60}?\s[–—-]{1,2}\s")


def split_sentences(body: str) -> list[Sentence]:
    """Sentences of ``body`` with offsets; a paragraph ends at a line break."""
    out: list[Sentence] = []
    paragraph = -1
    pos = 0
    first_text = True
    for line in body.split("\n"):
        line_start, pos = pos, pos + len(line) + 1
        if not line.strip():
            continue
        paragraph += 1
        noise = bool(_NOISE_RE.match(line))
        headline = first_text and _looks_like_headline(line, body[pos:pos + 2])
        first_text = False
        start = 0
        for m in _BOUNDARY_RE.finditer(line):
            word = _WORD_BEFORE_RE.search(line, 0, m.start() + 1)
            if word and word.group(1).lower() in _ABBREVIATIONS:
                continue
            _add(out, line, line_start, start, m.start() + 1, paragraph, noise, headline)
            start = m.end()
        _add(out, line, line_start, start, len(line), paragraph, noise, headline)
    return out


def _looks_like_headline(line: str, after: str) -> bool:
    text = line.strip()
    return (len(text) < 200 and not text.endswith((".", "!", "?", '"', "”"))
            and " – " not in text[:60] and after.startswith("\n"))


def _add(out: list[Sentence], line: str, offset: int, start: int, end: int,
         paragraph: int, noise: bool, headline: bool) -> None:
    while start < end and line[start].isspace():
        start += 1
    while end > start and line[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    text = line[start:end]
    out.append(Sentence(len(out), offset + start, offset + end, text, paragraph, noise,
                        bool(_PAST_RE.search(text)), headline))


def dateline_end(sentence: Sentence) -> int:
    """Offset (in the body) where a "Malang – " dateline at the start of a paragraph ends."""
    m = _DATELINE_RE.match(sentence.text)
    return sentence.start + m.end() if m else sentence.start


# --------------------------------------------------------------------------- triggers

# Host first: "Pemkot A menerima kunjungan kerja Pemkab B", "Pemkot Batu kedatangan rombongan".
RECEIVE_RE = re.compile(
    r"\b(?:menerima|terima|menyambut|sambut|kedatangan|dikunjungi|didatangi|disambangi|"
    r"menjamu)\s+(?:(?:langsung|hangat|baik|secara\s+langsung)\s+)?"
    r"(?=(?:kunjungan|kunker|rombongan|delegasi|tamu|kedatangan|studi|tim|audiensi|"
    r"silaturahmi|jajaran|wakil|anggota|komisi|pansus|dprd|pemkot|pemko|pemkab|pemprov|"
    r"pemerintah|bupati|wali|gubernur|sekda|dinas|bappeda)\b)",
    re.I,
)
# Visitor first, passive: "Rombongan Pemkot B ... disambut/diterima (oleh) Wali Kota A".
PASSIVE_RE = re.compile(
    r"\b(?:disambut|diterima|dijamu)\b(?:\s+(?:langsung|hangat|dengan\s+hangat|baik|"
    r"secara\s+langsung|resmi))*(?:\s+oleh)?",
    re.I,
)
# Visitor first, active: "... melakukan kunjungan kerja ke A", "belajar ... ke A", "mengunjungi A".
GO_RE = re.compile(
    r"\b(?:kunjungan(?:\s+kerja)?|kunker|studi\s+banding|kaji\s+banding|studi\s+tiru|"
    r"studi\s+komparasi|benchmarking|silaturahmi|silaturahim|bersilaturahmi|audiensi|"
    r"beraudiensi|berkunjung|bertandang|belajar|menimba\s+ilmu|timba\s+ilmu|"
    r"lawatan|bertolak|datang)\b",
    re.I,
)
DIRECT_GO_RE = re.compile(r"\b(?:mengunjungi|menyambangi|kunjungi|sambangi|mendatangi)\b", re.I)
# The preposition that introduces the host after a GO trigger.
TO_RE = re.compile(r"\b(?:ke|dengan)\s+", re.I)
# Gaps between a GO trigger and "ke" may hold words, not clause breaks.
GO_GAP_MAX = 90

# Subjects that are not regional governments: their visits are not inter-regional.
NON_REGIONAL_ACTOR_RE = re.compile(
    r"\b(?:menteri|mendagri|menpan|wamen|wakil\s+menteri|presiden|wakil\s+presiden|wapres|"
    r"DPR\s+RI|DPD\s+RI|MPR|KPK|BPKP|BPK|Kemendagri|Kementerian|kementerian|delegasi\s+"
    r"(?:negara|kerajaan|kota\s+kembar)|duta\s+besar|dubes|konsul)\b",
)
# Words right after "ke" that show the place visited is not a government.
NOT_A_GOVERNMENT_RE = re.compile(
    r"\b(?:universitas|institut|politeknik|sekolah|kampus|UGM|UI|ITB|IPB|UIN|IAIN|PT|CV|"
    r"perusahaan|pabrik|bank|kementerian|kemendagri|kantor\s+pusat|kecamatan|desa|"
    r"kelurahan|dusun|lokasi|bandara|pelabuhan|pasar|rumah\s+sakit|RSUD|BUMN|DPR\s+RI|"
    r"negara|luar\s+negeri|KPK|BPK|istana|mabes|polda|polres|lapas)\b",
    re.I,
)
COORDINATION_RE = re.compile(r"^\s*(?:,|,?\s*dan|,?\s*serta|&)\s*$", re.I)
# A sentence whose subject points back to a delegation named before.
ANAPHORA_RE = re.compile(r"\b(?:rombongan|delegasi|kedatangan|mereka|tamu|kunjungan|peserta|"
                         r"para\s+anggota|anggota\s+dewan|tim)\b", re.I)
DIPIMPIN_RE = re.compile(r"\b(?:dipimpin|diketuai|dikomandoi)(?:\s+(?:langsung|oleh))*\s+", re.I)
RECEIVED_BY_RE = re.compile(
    r"\b(?:diterima|disambut|dijamu)(?:\s+(?:langsung|hangat|oleh|baik|secara\s+langsung|"
    r"dengan\s+hangat|resmi))*\s+", re.I)
PLACE_RE = re.compile(
    r"\b(?:di|ke)\s+(?P<place>(?:Ruang|Balai|Pendopo|Pendapa|Kantor|Gedung|Aula|Rumah\s+Dinas|"
    r"Rumah\s+Jabatan|Graha|Bale|Balairung|Hotel|Wisma|Auditorium|Gedhong|Command\s+Center|"
    r"[A-Z][a-z]+\s+Command\s+Center)\b[^,.;()]*?)(?=,|\.|;|\s+pada\b|\s+\(|\s+untuk\b|"
    r"\s+dan\b|\s+yang\b|$)")
