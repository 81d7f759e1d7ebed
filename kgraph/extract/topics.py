"""Topics of a visit: labels of the SKOS topic scheme (and a few more cue words) found in
the report, as preferred Indonesian labels, and the phrases that say what a visit studied
("mempelajari ...", "terkait ...", "di bidang ...")."""
from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ..resolve.topics import TopicScheme, compact_key, default_scheme, topic_key
from .regions import Mention
from .text import Sentence

# Labels too general to mean a topic on their own ("di lingkungan Pemkot", "jalan-jalan",
# "kelompok pemuda"), or names of offices that attend most visits ("didampingi organisasi
# perangkat daerah").
_SKIP_LABELS = frozenset(
    "jalan lingkungan bappeda governance kominfo pemuda".split()
) | {"organisasi perangkat daerah", "satpol pp", "informasi publik"}
# Labels that mean a topic only where a sentence says what a visit studied ("di bidang
# budaya", "mempelajari inovasi"), not wherever they occur ("budaya kerja", "pangan murah").
_WEAK_LABELS = frozenset(
    "perencanaan pemberdayaan sekolah budaya birokrasi retribusi hibah wisata pangan "
    "inovasi pemilu".split())
# Verbs of a label's first word: "mengelola parkir" is "pengelolaan parkir".
_VERB_FORMS = {
    "pengelolaan": ("mengelola", "dikelola", "kelola"),
    "penanganan": ("menangani", "ditangani"),
    "penataan": ("menata", "ditata"),
    "pembangunan": ("membangun", "dibangun"),
    "pengembangan": ("mengembangkan", "dikembangkan"),
    "pemberdayaan": ("memberdayakan",),
    "penanggulangan": ("menanggulangi",),
    "pencegahan": ("mencegah",),
    "penurunan": ("menurunkan",),
    "pelestarian": ("melestarikan",),
    "peningkatan": ("meningkatkan",),
    "penyusunan": ("menyusun",),
    "pembentukan": ("membentuk",),
}
_NOUN_OF = {verb: noun for noun, verbs in _VERB_FORMS.items() for verb in verbs}
_VERB_RE = re.compile(r"^(?:" + "|".join(_NOUN_OF) + r")\b", re.I)
# Extra cue words → a label (or labels) of the scheme.
_CUES: dict[str, str | tuple[str, ...]] = {
    "desa wisata": "pariwisata", "destinasi": "pariwisata", "agrowisata": "pariwisata",
    "wisata bahari": "pariwisata", "objek wisata": "pariwisata",
    "kesejahteraan rakyat": "kesejahteraan sosial",
    "banjir": "penanggulangan bencana", "bencana": "penanggulangan bencana",
    "air bersih": "air minum", "perusahaan daerah air minum": "air minum",
    "angkutan umum": "transportasi", "angkutan massal": "transportasi", "angkot": "transportasi",
    "kependudukan": "administrasi kependudukan", "raperda": "legislasi daerah",
    "perda": "legislasi daerah", "regulasi": "legislasi daerah",
    "layanan perizinan": "investasi dan perizinan", "perijinan": "investasi dan perizinan",
    "izin usaha": "investasi dan perizinan", "investor": "investasi dan perizinan",
    "pajak hotel": "pajak dan retribusi daerah", "pajak restoran": "pajak dan retribusi daerah",
    "retribusi daerah": "pajak dan retribusi daerah",
    "digitalisasi pendataan": "digitalisasi pajak dan retribusi",
    "pajak secara daring": "digitalisasi pajak dan retribusi", "inflasi": "ketahanan pangan",
    "pasokan pangan": "ketahanan pangan", "stunting": "penurunan stunting",
    "SMK": "pendidikan", "pendidikan karakter": "pendidikan",
    "lapangan kerja": "ketenagakerjaan", "pengangguran": "ketenagakerjaan",
    "kemiskinan": "penanggulangan kemiskinan", "pelestarian budaya": "kebudayaan",
    "pertanian": "ketahanan pangan",
    # An office named for two affairs studies both.
    "keuangan dan aset daerah": ("pengelolaan keuangan daerah", "pengelolaan aset daerah"),
    "kerja sama antara kedua daerah": "kerja sama antardaerah",
    "kerja sama antar kedua daerah": "kerja sama antardaerah",
    "kerja sama antar pemerintah daerah": "kerja sama antardaerah",
    "kerja sama antar kabupaten": "kerja sama antardaerah",
    "kerja sama antar provinsi": "kerja sama antardaerah",
    "kemitraan lintas wilayah": "kerja sama antardaerah",
    "kemitraan lintas daerah": "kerja sama antardaerah",
    "sinergi lintas daerah": "kerja sama antardaerah",
    "sinergi antarwilayah": "kerja sama antardaerah",
    # Phrases that contain a topic word but name none ("menerapkan protokol kesehatan",
    # "peserta pendidikan dan pelatihan pimpinan", "diunggah ke media sosial").
    "protokol kesehatan": (), "pendidikan dan pelatihan": (), "media sosial": (),
}
# Between the words of a label: "kerja sama", "kerjasama", "kerja-sama", "pajak/retribusi".
_SEP = r"[\s,/-]*"
# Phrases that say what a visit was about; the topics after them in a sentence are what
# the visit studied or discussed ("belajar soal ...", "membahas ...", "di bidang ...").
_FOCUS_WORDS = (
    "mempelajari pelajari belajar menimba menggali mendalami bertukar berbagi sharing studi "
    "study kaji konsultasi berkonsultasi berdiskusi diskusi membahas dibahas pembahasan "
    "membicarakan terkait tentang mengenai soal seputar perihal berkaitan menyangkut "
    "menanyakan bertanya menjajaki penjajakan menyusun menggodok merancang menyiapkan "
    "merevisi menerapkan mengadopsi meniru mereplikasi bidang dibidang sektor fokus "
    "difokuskan terfokus khususnya terutama bertujuan tujuan mengetahui ingin menginginkan "
    "meninjau agenda materi topik tema").split() + [
    "dalam hal", "dalam rangka", "melihat langsung"]
# "Kepala Bidang Pendidikan" is a title, not "di bidang pendidikan".
_TITLE_BEFORE_RE = re.compile(r"\b(?:kepala|kabid|ketua|asisten|sekretaris)\s+$", re.I)
# Words that list: they say what a visit studied only after a phrase of purpose, in their
# sentence or the one before ("membahas kerja sama. Di antaranya transportasi ...").
_LIST_RE = re.compile(r"\b(?:antara lain|di antaranya|diantaranya|meliputi|mencakup|"
                      r"termasuk|yakni|yaitu|seperti)\b", re.I)
# An office named for a topic ("Dinas Pariwisata Kota A melakukan studi banding"): the
# topic is the office's, a subject of the visit only where the office is a side of it.
_OFFICE_RE = re.compile(r"\b(?:dinas|badan|bagian|kantor|balai|kementerian|menteri|dirjen|"
                        r"komisi|seksi|upt)\s+$", re.I)
# An official's title names the topic words after it ("Kepala Dinas Pendidikan", "Asisten
# Pemerintahan dan Kesejahteraan Rakyat"): they name a person, not a topic.
_TITLE_RE = re.compile(r"\b(?i:asisten|kepala|kadis|kaban|kabid|kabag|kasubag|kasi|"
                       r"sekretaris|staf ahli|direktur|dirut)(?:\s+(?:[A-Z][\w.]*|(?i:"
                       r"pemerintahan|perekonomian|pembangunan|administrasi|umum|bidang)))"
                       r"{0,4}\s+(?:dan\s+)?$")
# A room or building named for a topic ("ruang rapat Badan Anggaran", "ruang Adipura").
_VENUE_RE = re.compile(r"\b(?:ruang|ruangan|gedung|aula|graha|wisma|balai|pendopo|hall)"
                       r"(?:\s+(?:rapat|kerja|sidang|pertemuan))?\s+$", re.I)
# A topic denied in its clause ("tidak terkait pembahasan raperda", "bukan soal pajak").
_DENIED_RE = re.compile(r"\b(?:tidak|bukan)\s+(?!hanya|saja|sekadar|sekedar|cuma|semata)"
                        r"(?:[^\W\d]+\s+){0,5}$", re.I)


def _spellings(label: str) -> list[list[str]]:
    """The ways ``label`` is written, as lists of words: apart or together ("antardaerah",
    "antar daerah"), its first word a verb ("mengelola sampah")."""
    words = re.sub(r"\bantar(?=[a-z])", "antar ", topic_key(label)).split()
    firsts = (words[0], *_VERB_FORMS.get(words[0], ())) if len(words) > 1 else words[:1]
    return [[first, *words[1:]] for first in firsts]


def _trie_regex(spellings: Iterable[list[str]]) -> str:
    """One regex for many spellings, shared prefixes merged (a trie), so that it is tried
    once per position and not once per label; words may be written apart or together."""
    trie: dict = {}
    for words in spellings:
        node = trie
        for atom in [c for word in words for c in (*word, " ")][:-1]:
            node = node.setdefault(atom, {})
        node[""] = {}  # the end of a label

    def emit(node: dict) -> str:
        alts = [(_SEP if atom == " " else re.escape(atom)) + emit(child)
                for atom, child in sorted(node.items()) if atom]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and "" not in node else "(?:" + "|".join(alts) + ")"
        return body + "?" if "" in node else body

    return emit(trie)


_FOCUS_RE = re.compile(r"\b(?:" + _trie_regex(w.split() for w in _FOCUS_WORDS) + r")\b",
                       re.I)


def _key(found: str) -> str:
    """The compact key of a label as found in text ("mengelola sampah" is the key of
    "pengelolaan sampah")."""
    return compact_key(_VERB_RE.sub(lambda m: _NOUN_OF[m.group().lower()], found))


def _cased(label: str) -> bool:
    """An acronym ("UMKM", "BUMDes", "e-SAKIP") is read only as written, not as a word."""
    return " " not in label and sum(c.isupper() for c in label) >= 2


@dataclass(frozen=True)
class TopicHit:
    """A topic named in a sentence: its preferred label, where, and whether it is said
    after a phrase of purpose (and not as part of an office's name)."""

    label: str
    start: int
    end: int
    focused: bool


class TopicFinder:
    """Finds the topic cues of the scheme in text: one compiled regex (a trie) for the
    labels read as words, one for acronyms read as written, one for general words."""

    def __init__(self, scheme: TopicScheme) -> None:
        self.scheme = scheme
        labels: dict[str, tuple[str, ...]] = {}  # compact key -> preferred labels
        written: dict[str, set[str]] = {}  # compact key -> the forms it is written in
        weak: dict[str, str] = {}
        for lang, text, iri in scheme.names:
            if lang not in ("id", "") or topic_key(text) in _SKIP_LABELS:
                continue
            if topic_key(text) in _WEAK_LABELS:
                weak.setdefault(topic_key(text), scheme.topics[iri].label("id"))
                continue
            labels.setdefault(compact_key(text), (scheme.topics[iri].label("id"),))
            written.setdefault(compact_key(text), set()).add(text)
        for cue, cue_labels in _CUES.items():
            cue_labels = (cue_labels,) if isinstance(cue_labels, str) else cue_labels
            labels[compact_key(cue)] = tuple(self._resolve(label) for label in cue_labels)
            written.setdefault(compact_key(cue), set()).add(cue)
        self._labels = {key: found for key, found in labels.items() if len(key) > 2}
        # A key is read as a word unless every way the scheme writes it is an acronym.
        cased = {key for key in self._labels if all(_cased(t) for t in written[key])}
        plain = (w for key in self._labels if key not in cased for t in written[key]
                 for w in _spellings(t))
        forms = {f for key in cased for t in written[key] for f in (t, t.upper())}
        self._plain_re = re.compile(r"\b(?:" + _trie_regex(plain) + r")\b", re.I)
        # The same pattern on lower-cased text is twice as fast (when its words are all
        # lower case; else the case-insensitive one serves).
        pattern = self._plain_re.pattern
        self._lower_re = re.compile(pattern) if pattern == pattern.lower() else None
        self._cased_re = re.compile(
            r"\b(?:" + "|".join(re.escape(f) for f in sorted(forms, key=len, reverse=True))
            + r")\b")
        self._weak = weak
        self._weak_re = re.compile(r"\b(?:" + "|".join(sorted(weak, key=len, reverse=True))
                                   + r")\b", re.I)

    def _resolve(self, label: str) -> str:
        topic = self.scheme.resolve(label)
        if topic is None:
            raise ValueError(f"topic cue label {label!r} is not in the topic scheme")
        return topic.label("id")

    def find(self, text: str, offset: int = 0) -> list[tuple[str, int, int]]:
        """(preferred label, start, end) of every topic cue in ``text``."""
        out = []
        low = text.lower()
        plain = (self._lower_re, low) if self._lower_re is not None and len(low) == len(text) \
            else (self._plain_re, text)
        for regex, where in (plain, (self._cased_re, text)):
            for m in self._matches(regex, where):
                if not any(r.search(text, max(0, m.start() - 60), m.start())
                           for r in (_DENIED_RE, _VENUE_RE, _TITLE_RE)):
                    out.extend((label, offset + m.start(), offset + m.end())
                               for label in self._labels.get(_key(m.group()), ()))
        out.sort(key=lambda t: t[1])
        return out

    def read(self, text: str, offset: int = 0, before: str = "") -> list[TopicHit]:
        """The topics named in the sentence ``text`` (``before`` is the sentence before it
        in its paragraph): every cue of :meth:`find`, and after a phrase of purpose (see
        :meth:`focus`) general words too ("di bidang budaya")."""
        found = self.find(text, offset)
        weak = list(self._weak_re.finditer(text))
        if not found and not weak:
            return []
        focus = self.focus(text, before)
        if focus is not None:
            taken = [(start - offset, end - offset) for _, start, end in found]
            found += [(self._weak[m.group().lower()], offset + m.start(), offset + m.end())
                      for m in weak if m.start() >= focus and
                      not any(a <= m.start() < b for a, b in taken)]
        return sorted((TopicHit(label, start, end, focus is not None and
                                start - offset >= focus and
                                not _OFFICE_RE.search(text, max(0, start - offset - 30),
                                                      start - offset))
                       for label, start, end in found), key=lambda h: h.start)

    @staticmethod
    def _matches(regex: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
        """The matches of ``regex``; of two that overlap, the one that reads further
        ("penataan ruang terbuka hijau" is green open space, not spatial planning)."""
        pos = 0
        while (m := regex.search(text, pos)) is not None:
            for inner in re.finditer(r"\b\w", text[m.start() + 1:m.end()]):
                longer = regex.match(text, m.start() + 1 + inner.start())
                if longer is not None and longer.end() > m.end():
                    m = longer
                    break
            yield m
            pos = m.end()

    def focus(self, text: str, before: str = "") -> int | None:
        """Where the part of ``text`` that says what a visit studied begins (the end of the
        first "mempelajari", "terkait", "di bidang" ..., or of a listing word when ``text``
        or the sentence ``before`` it states a purpose), or ``None``."""
        end = _focus_end(text)
        if end is not None:
            return end
        listing = _LIST_RE.search(text)
        if listing is not None and _focus_end(before) is not None:
            return listing.end()
        return None


def _focus_end(text: str) -> int | None:
    """The end of the first phrase of purpose in ``text`` (a title's "Bidang" is none)."""
    for m in _FOCUS_RE.finditer(text):
        if not (m.group().lower().endswith("bidang") and
                _TITLE_BEFORE_RE.search(text, max(0, m.start() - 12), m.start())):
            return m.end()
    return None


class TopicOwner:
    """Whether a topic said in a sentence is this visit's, not another delegation's, when a
    report tells several visits.

    A sentence that names another government or council (and not this visitor) is about
    that one, and so is a paragraph that does. In a sentence that names both, the topic
    goes to the delegation named before it ("DPRD A ... ke Lobar, mempelajari pariwisata")
    when the other is a delegation like this visitor, and to the host named after it when
    the other is a host like this one ("Komisi A belajar perizinan bersama Pemkot Batam,
    Komisi B mempelajari PAD dengan Pemkot Pekanbaru").
    """

    def __init__(self, seg: list[Sentence], by_sentence: dict[int, list[Mention]],
                 visitor: Mention | None, host: Mention | None) -> None:
        self.visitor, self.host = visitor, host
        self.named: dict[int, list[Mention]] = {}
        self.foreign: dict[int, bool] = {}  # paragraph -> about another delegation
        if visitor is None or host is None or visitor.region is None or host.region is None:
            return
        self.own = {visitor.region.code, host.region.code, visitor.region.code[:2],
                    host.region.code[:2]}
        named_visitor: set[int] = set()
        for s in seg:
            mentions = [m for m in by_sentence.get(s.index, ()) if m.region is not None and
                        not m.qualifier and (m.region.code in self.own or _names_a_side(m))]
            self.named[s.index] = mentions
            self.foreign[s.paragraph] = self.foreign.get(s.paragraph, False) or \
                any(self._other(m) for m in mentions)
            if any(m.region == visitor.region for m in mentions):
                named_visitor.add(s.paragraph)
        for paragraph in named_visitor:
            self.foreign[paragraph] = False

    def _other(self, m: Mention) -> bool:
        return m.region is not None and m.region.code not in self.own

    def __call__(self, s: Sentence, end: int) -> bool:
        """Whether the topic that ends at offset ``end`` of sentence ``s`` is this visit's."""
        if self.visitor is None or self.host is None:
            return True
        mentions = self.named.get(s.index, [])
        others = [m for m in mentions if self._other(m)]
        visitor_named = any(m.region == self.visitor.region for m in mentions)
        if not others:
            return visitor_named or not self.foreign.get(s.paragraph, False)
        host_named = any(m.region == self.host.region for m in mentions)
        if not visitor_named and not host_named:
            return False
        hosts_differ = self.visitor.body != self.host.body and \
            all(m.body == self.host.body for m in others)
        if hosts_differ:  # the topic before a host is studied there
            pool = [m for m in mentions if m.region != self.visitor.region]
            after = [m for m in pool if m.start >= end]
            owner = after[0] if after else pool[-1]
        else:  # the topic after a delegation is what it studies
            pool = [m for m in mentions if m.region != self.host.region]
            before = [m for m in pool if m.end <= end]
            owner = before[-1] if before else pool[0]
        return not self._other(owner)


def _names_a_side(m: Mention) -> bool:
    """Whether a mention names a government or council that may be a side of a visit
    ("Pemkab X", "DPRD X", "Bupati X"), not only a place ("di Raja Ampat", "Kota X")."""
    return m.strong and not _PLACE_WORD_RE.match(m.text)


_PLACE_WORD_RE = re.compile(r"(?:kota|kabupaten|kab\.|provinsi|prov\.)\s", re.I)


@functools.lru_cache(maxsize=1)
def default_topic_finder() -> TopicFinder:
    """The finder of the topic scheme shipped with kgraph (built once per process)."""
    return TopicFinder(default_scheme())
