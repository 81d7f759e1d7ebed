"""The structure of a report: paragraphs, sentences, headlines, datelines and noise.

Text copied from web pages breaks lines in the middle of sentences, so sentences are
found in paragraphs, not in lines: a line break is *soft* (the sentence goes on) when the
line does not end a sentence and the next line continues it. Every offset is an offset
into the article body: :attr:`Document.flat` is the body with soft line breaks and
non-breaking spaces turned into plain spaces, character for character, so a span read in
``flat`` is quoted from the body at the same place.

Lines that are not part of the report (related-article links, photo captions, image
file names, reporter credits, share and comment widgets) are kept as sentences flagged
``noise``: nothing is read from them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Document", "Sentence", "segment"]


@dataclass(frozen=True)
class Sentence:
    index: int
    start: int
    end: int
    text: str          # the sentence in Document.flat (soft line breaks are spaces)
    paragraph: int
    noise: bool = False
    past: bool = False      # states an earlier visit or event
    headline: bool = False  # a title line (weak evidence; its capitals are not names)
    lead: int = 0           # offset (into the body) where a "Malang – " dateline ends


@dataclass
class Document:
    body: str
    flat: str
    sentences: list[Sentence]

    def paragraph(self, index: int) -> list[Sentence]:
        return [s for s in self.sentences if s.paragraph == index]


# Lines that are page furniture, not the report.
_NOISE_RE = re.compile(
    r"^\s*(?:baca\s*(?:juga|selengkapnya)?\s*[:>]|baca\s+juga\b|lihat\s+juga|simak\s+juga|"
    r"berita\s+terkait|artikel\s+terkait|pos\s+terkait|tag\s+terpopuler|notification\b|"
    r"foto\s*:|foto\s*/|caption\s*:|keterangan\s+foto|ilustrasi\s*:|reporter\s*:|"
    r"editor\s*[:\s]|penulis\s*:|pewarta\s*:|sumber\s*:|laporan\s+[A-Z]|copyright|\(foto\b|"
    r"\[foto\b|\[gambas|scroll\s+to\s+continue|advertisement|hide\s+ads|komentar\s*$|"
    r"comments?\s*$|bagikan\b|share\s*:|tags?\s*:|\d+\s+min\s+read\s*$|•)",
    re.I,
)
# A caption: a line that describes a photo ("... (foto/zm)", "Foto: Humas", "-infokom-").
_CAPTION_RE = re.compile(
    r"(?:\bfoto\s*[:/]|\(foto\b|\(dok\b|\bdok\.\s|/ist\b|\(ist\)|-infokom-|\(humas\s+[^)]*\)\s*$|"
    r"\bfoto\s+istimewa\b|\(istimewa\)|\bsaat\s+(?:momen\s+)?foto\s+bersama\b)",
    re.I,
)
# Image file names and other residue glued to the start of a line.
_RESIDUE_RE = re.compile(r"^\s*(?:\d{6,}_\d+_\d+_[a-z]\b|\d{6,}_\d+_\d+_[a-z](?=[A-Z]))")
# A line that is only a date and time (the page's publication line, not the report).
_DATE_LINE_RE = re.compile(
    r"^\s*(?:[A-Z][a-z]+,?\s+)?\d{1,2}\s+[A-Za-z]+\.?\s+\d{4}(?:\s*[-|,]?\s*\d{1,2}[:.]\d{2}"
    r"(?:\s*[A-Z]{3,4})?)?\s*$|^\s*[A-Z][a-z]+,\s+[A-Z][a-z]+\s+\d{1,2},\s+\d{4}\b.*$"
)
# Words whose final period does not end a sentence.
_ABBREVIATIONS = frozenset(
    """h hj dr drs dra ir prof kh moh muh m mh st sh se si mm mt ma mpd spd ssos sos kom
    ap sip skm ked kes pd ag sag hum no kab kec kel jl tgl dll dsb dst yth bpk sdr a b c
    d e f g i j k l n o p q r s t u v w x y z ph phd pj plt plh pjs prov adm kep ny tn bp
    sekda dkk pemkab pemkot pemprov pemko""".split()
)
_BOUNDARY_RE = re.compile(r"[.!?]+[\"”’)]*\s+(?=[\"“(]?[A-Z0-9])")
_WORD_BEFORE_RE = re.compile(r"([A-Za-z]+)\.?$")
_PAST_RE = re.compile(
    r"\b(?:pernah|sebelumnya|tahun\s+lalu|tahun\s+sebelumnya|beberapa\s+waktu\s+lalu|"
    r"(?:bulan|pekan|minggu)\s+lalu|(?:sejak|tahun)\s+(?:19|20)\d\d\b|pada\s+(?:19|20)\d\d\b)",
    re.I,
)
_TERMINAL = ".!?:;\"”’)»"
_CONNECTIVES = frozenset(
    """dan atau serta yang di ke dari dengan untuk oleh pada dalam bagi kepada yaitu yakni
    antara para sebagai bahwa karena agar namun tetapi juga""".split()
)
# A dateline: "MALANG – ", "Lingga (ANTARA) - ", "Trenggalek, memorandum.co.id - ",
# "PURWAKARTA-", "TRIBUNPONTIANAK.CO.ID, SINTANG - ".
# "KOTA, kabarMagelang.com__Jajaran ...": a news site's address, then a separator.
_DATELINE_DASH_RE = re.compile(
    r"\S\s+[–—]\s+\S|\.(?:com|id|net|org)\s*(?:[-–—]+|_{2,})\s*\S")
_DASH_RE = re.compile(r"\s*(?:[–—]|โ|-{1,2}|_{2,})\s*|\s+-\s*")


def segment(body: str) -> Document:
    """The paragraphs and sentences of ``body``."""
    flat = body.replace("\u00a0", " ").replace("\r", " ").replace("\t", " ")
    lines = _lines(flat)
    chars = list(flat)
    paragraphs: list[list[tuple[int, int]]] = []
    current: list[tuple[int, int]] = []
    previous_blank = True
    body_seen = False
    label = False  # the line before was a "BACA JUGA:" label: this line is its link
    seen_noise: set[str] = set()
    for start, end in lines:
        text = flat[start:end]
        if not text.strip():
            if current:
                paragraphs.append(current)
                current = []
            previous_blank = True
            continue
        furniture = label or _furniture(text) or text.strip() in seen_noise
        if furniture:
            seen_noise.add(text.strip())  # a page repeats its related links
        label = bool(_NOISE_RE.match(text)) and len(text.strip()) < 25 and \
            text.rstrip().endswith((":", "JUGA", "juga", "Juga"))
        if current and not previous_blank and not furniture and \
                not _furniture(flat[current[-1][0]:current[-1][1]]) and \
                _soft(flat, current[-1], (start, end), not body_seen):
            chars[start - 1] = " "  # the newline before this line continues the sentence
            current.append((start, end))
        else:
            if current:
                paragraphs.append(current)
            current = [(start, end)]
            if furniture:
                paragraphs.append(current + [(-1, -1)])  # a line of its own, flagged below
                current = []
        previous_blank = False
        body_seen = body_seen or (len(text) > 80 and not _looks_like_headline(text))
    if current:
        paragraphs.append(current)
    flat = "".join(chars)
    sentences: list[Sentence] = []
    in_head = True
    for p, spans in enumerate(paragraphs):
        flagged = spans[-1] == (-1, -1)
        spans = [x for x in spans if x != (-1, -1)]
        start, end = spans[0][0], spans[-1][1]
        text = flat[start:end]
        residue = _RESIDUE_RE.match(text)
        noise = flagged or bool(_NOISE_RE.match(text) or _DATE_LINE_RE.match(text))
        headline = in_head and not noise and len(spans) == 1 and _headline_line(text)
        if not noise and not headline and len(text.strip()) > 60:
            in_head = False
        lead = start
        if residue:
            lead = start + residue.end()
        if not noise and not headline and p < 8:
            lead = _dateline_end(flat, lead, end)
        _split(sentences, flat, start, end, p, noise, headline, lead)
    return Document(body, flat, sentences)


# Words without which the caption and past-time patterns cannot match (a quick test first).
_CAPTION_WORDS = ("foto", "dok", "ist", "infokom", "humas")
_PAST_WORDS = ("pernah", "sebelum", "lalu", "sejak", "tahun 19", "tahun 20", "pada 19",
               "pada 20")


def _maybe(text: str, words: tuple[str, ...]) -> bool:
    low = text.lower()
    return any(w in low for w in words)


def _furniture(line: str) -> bool:
    """A line that is page furniture or a photo caption, never part of a sentence."""
    return bool(_NOISE_RE.match(line) or _DATE_LINE_RE.match(line) or
                (len(line) < 400 and _maybe(line, _CAPTION_WORDS) and bool(_CAPTION_RE.search(line))))


def _lines(text: str) -> list[tuple[int, int]]:
    out = []
    pos = 0
    for line in text.split("\n"):
        out.append((pos, pos + len(line)))
        pos += len(line) + 1
    return out


def _soft(text: str, prev: tuple[int, int], line: tuple[int, int], in_head: bool) -> bool:
    """Whether the break between ``prev`` and ``line`` (adjacent lines) is inside a sentence."""
    before = text[prev[0]:prev[1]].rstrip()
    after = text[line[0]:line[1]].lstrip()
    if not before or not after or _NOISE_RE.match(after) or _NOISE_RE.match(before):
        return False
    if after[0].islower() or after[0] in ",;)":
        return True
    if before[-1] in _TERMINAL:
        return False
    last = before.split()[-1]
    if before[-1] in ",(-–&" or last.lower() in _CONNECTIVES:
        return True
    if (in_head and _looks_like_headline(before) and not _DATELINE_DASH_RE.search(before)) or \
            len(before) < 30:
        return False
    # A long line cut after a word: the next line goes on with it.
    return True


def _headline_line(text: str) -> bool:
    """A title line at the top: short, and no sentence ends in it."""
    text = text.strip()
    return 0 < len(text) < 200 and text[-1] not in ".!?\"”" and not re.search(r"[.!?]\s+[A-Z]", text)


def _looks_like_headline(text: str) -> bool:
    text = text.strip()
    if not text or len(text) > 200 or text[-1] in ".!?\"”":
        return False
    words = re.findall(r"[A-Za-z][\w'’-]*", text)
    if not words:
        return False
    capitals = sum(1 for w in words if w[0].isupper())
    return capitals / len(words) >= 0.6 or len(words) <= 4


def _dateline_end(text: str, start: int, end: int) -> int:
    """Where a dateline at ``start`` ends ("MALANG – Pemkot ..."), else ``start``."""
    window = text[start:min(end, start + 140)]
    for m in _DASH_RE.finditer(window):
        head = window[:m.start()]
        if not head.strip() or m.start() < 3:
            continue
        words = head.split()
        if len(words) > 12:
            break
        lower = [w for w in words if w[:1].islower() and "." not in w and not w.startswith("(")
                 and w.lower() not in ("min", "read")]
        if len(lower) > 1 or re.search(r"[.!?]\s", head):
            break
        rest = window[m.end():]
        if rest[:1].isupper() or rest[:1] in "(\"“" or rest[:1].isdigit():
            return start + m.end()
    return start


def _split(out: list[Sentence], text: str, start: int, end: int, paragraph: int, noise: bool,
           headline: bool, lead: int) -> None:
    chunk = text[start:end]
    pos = 0
    for m in _BOUNDARY_RE.finditer(chunk):
        word = _WORD_BEFORE_RE.search(chunk, max(0, m.start() - 24), m.start() + 1)
        if word and word.group(1).lower() in _ABBREVIATIONS:
            continue
        _add(out, text, start + pos, start + m.start() + 1, paragraph, noise, headline, lead)
        pos = m.end()
    _add(out, text, start + pos, end, paragraph, noise, headline, lead)


def _add(out: list[Sentence], text: str, start: int, end: int, paragraph: int, noise: bool,
         headline: bool, lead: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return
    sentence_lead = lead if start <= lead < end else start
    s = text[start:end]
    past = _maybe(s, _PAST_WORDS) and bool(_PAST_RE.search(s))
    out.append(Sentence(len(out), start, end, s, paragraph, noise, past,
                        headline, sentence_lead))
