"""Agreements signed during the visit: Kesepakatan Bersama, Nota Kesepahaman (MoU),
Perjanjian Kerja Sama (PKS).

A sentence counts when it names a signing and a document type and says nothing that puts
the signing before or after the visit ("telah ... pada Maret 2023", "tindak lanjut",
"akan", "belum ada ... ditandatangani", "tanpa penandatanganan").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_SIGN_RE = re.compile(
    r"\b(?:penandatanganan|menandatangani|ditandatangani|ditandatanganinya|meneken|diteken|"
    r"teken|menandatangan|penekenan)\b",
    re.I,
)
_TYPES = [
    (re.compile(r"\bkesepakatan\s+bersama\b|\bKB\b", re.I), "Kesepakatan Bersama"),
    (re.compile(r"\bnota\s+kesepahaman\b|\bmemorandum\s+of\s+understanding\b|\bMoU\b|"
                r"\bnota\s+kesepakatan\b", re.I), "Nota Kesepahaman"),
    (re.compile(r"\bperjanjian\s+kerja\s*sama\b|\bPKS\b", re.I), "Perjanjian Kerja Sama"),
]
_NOT_NOW_RE = re.compile(
    r"\b(?:belum|tidak\s+ada|tanpa|akan|rencana|direncanakan|berencana|menyiapkan|"
    r"disiapkan|draf|draft|rancangan|ditargetkan|sebelumnya|pernah|sejak|semenjak|persiapan|"
    r"mempersiapkan|menjelang|tindak\s+lanjut|"
    r"menindaklanjuti|ditindaklanjuti\s+dengan\s+penandatanganan|telah\s+menandatangani|"
    r"sudah\s+menandatangani|yang\s+telah\s+ditandatangani|(?:tahun|bulan|pekan|minggu)\s+lalu|"
    r"(?:19|20)\d\d\s+lalu|pada\s+(?:januari|februari|maret|april|mei|juni|juli|agustus|"
    r"september|oktober|november|desember)\s+(?:19|20)\d\d)\b",
    re.I,
)
_SUBJECT_RE = re.compile(
    r"\s*(?:\([^()]{1,20}\)\s*)?(?:tentang|terkait|mengenai|soal|di\s+bidang|bidang)\s+"
    r"(?P<subject>[^,.;()\"“”]+?)(?=\s+(?:antara|di|yang|oleh|dengan|disaksikan|pada|sebagai|"
    r"untuk|bagi)\b|[,.;()\"“”]|$)",
    re.I,
)


def canonical_type(text: str) -> str:
    """"MoU", "nota kesepahaman" → "Nota Kesepahaman"; unknown types are title-cased."""
    for pattern, name in _TYPES:
        if pattern.search(text):
            return name
    return " ".join(text.split()).title()


@dataclass(frozen=True)
class AgreementMatch:
    start: int   # offsets of the document type in the body
    end: int
    type: str
    subject: str | None


def find_agreement(text: str, offset: int = 0) -> AgreementMatch | None:
    """The agreement signed according to sentence ``text``, or None."""
    if not _SIGN_RE.search(text) or _NOT_NOW_RE.search(text):
        return None
    best = None
    for pattern, name in _TYPES:
        m = pattern.search(text)
        if m and (best is None or m.start() < best[0].start()):
            best = (m, name)
    if best is None:
        return None
    m, name = best
    subject = None
    s = _SUBJECT_RE.match(text, m.end())
    if s:
        subject = " ".join(s.group("subject").split()) or None
    return AgreementMatch(offset + m.start(), offset + m.end(), name, subject)
