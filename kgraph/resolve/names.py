"""Normalising people's names and roles as they are written in Indonesian news."""
from __future__ import annotations

import re
import unicodedata

# Honorifics and academic degrees written around names: "H. Wahyu Hidayat, S.Sos., M.AP".
_PREFIX_TITLES = {
    "h", "hj", "dr", "drs", "dra", "ir", "prof", "kh", "tgh", "ustadz", "ust", "hc",
    "bapak", "pak", "ibu", "bu", "sdr", "saudara", "drg", "apt", "bpk", "hm", "ny",
}
_DEGREE_RE = re.compile(
    r",?\s*\b(?:S\.?\s?(?:Sos|H|E|T|Pd|Kom|Ag|Hut|Ip|IP|Psi|Farm|Ked|Kep|Tr|STP|Si|AP|IP)"
    r"|M\.?\s?(?:Si|Sc|AP|M|H|Pd|Kes|Kn|Ag|T|Hum|E|IP|Eng|PA|BA)|MM|MT|MH|MBA|MPA|MSi"
    r"|SE|SH|ST|SP|SIP|SKM|SKed|SAg|SPd|SSos|SKom|Ak|CA|Ph\.?\s?D|Lc|MA|Dipl)\b\.?",
)
# Degrees follow a name: only those at its end are stripped, so that initials inside a
# name that look like a degree ("Christian S. H. Purukan") stay.
_DEGREE_TAIL_RE = re.compile(rf"(?:{_DEGREE_RE.pattern})+[\s,.;]*$")
_SPACE_RE = re.compile(r"\s+")
_GLUED_TITLE_RE = re.compile(r"\b(H|Hj|HM|Dr|Ir|Drs|Prof|Bpk)\.(?=[A-Za-z]{2})")
# Balinese birth-order/caste markers at the start of a name are kept ("I Nyoman ...") in
# labels; they are dropped from the key so that "I Wayan Koster" and "Wayan Koster" meet.
_BALINESE_PREFIX = {"i", "ni"}


def clean_name(name: str) -> str:
    """Strip honorifics and degrees, collapse spaces: ``"H. Maulana, MH"`` → ``"Maulana"``."""
    text = unicodedata.normalize("NFC", name).strip()
    text = _GLUED_TITLE_RE.sub(r"\1. ", text)  # "H.Cek Hendra" → "H. Cek Hendra"
    text = _DEGREE_TAIL_RE.sub("", text)
    text = text.strip(" ,.;")
    words = text.split()
    while words and words[0].rstrip(".").lower() in _PREFIX_TITLES and len(words) > 1:
        words.pop(0)
    text = " ".join(words).strip(" ,.;")
    if text.isupper() or text.islower():
        text = " ".join(w[:1].upper() + w[1:].lower() for w in text.split())
    return _SPACE_RE.sub(" ", text)


def name_key(name: str) -> str:
    """A key for comparing names: cleaned, accent-free, lower case, Balinese prefix dropped."""
    text = clean_name(name)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", text.lower())
    if len(words) > 1 and words[0] in _BALINESE_PREFIX:
        words = words[1:]
    return "-".join(words)


_ROLE_ABBREVIATIONS = [
    (re.compile(r"\bwawali(?:kota)?\b", re.I), "Wakil Wali Kota"),
    (re.compile(r"\bwali\s*kota\b|\bwalikota\b", re.I), "Wali Kota"),
    (re.compile(r"\bwabup\b", re.I), "Wakil Bupati"),
    (re.compile(r"\bwagub\b", re.I), "Wakil Gubernur"),
    (re.compile(r"\bpj\.?(?=\s)", re.I), "Pj"),
    (re.compile(r"\bplt\.?(?=\s)", re.I), "Plt"),
    (re.compile(r"\bsekda\b", re.I), "Sekretaris Daerah"),
]


def clean_role(role: str) -> str:
    """Normalise a role as written: ``"Wawali Serang"`` → ``"Wakil Wali Kota Serang"``."""
    text = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", role)).strip(" ,.;")
    for pattern, replacement in _ROLE_ABBREVIATIONS:
        text = pattern.sub(replacement, text)
    return text[:1].upper() + text[1:]
