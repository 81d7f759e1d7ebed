"""Reading a sentence for visits: each reading is a *claim* (visitor, host, sentence).

The shapes of report, each a reader below:

- host first: "Pemkot A menerima kunjungan kerja Pemkab B", "DPRD A mendapat kunjungan
  kerja dari DPRD B dan DPRD C";
- visitor first: "Pemkab B melakukan studi banding ke Pemkot A", "kunjungan DPRD B ke
  DPRD A", "B menyambangi Kantor Wali Kota A", "... studi tiru di Pemkot A";
- passive: "Rombongan B disambut oleh Wali Kota A", "Kehadiran Gubernur X disambut
  Wakil Gubernur A" (X named earlier as the governor of B);
- a signing at one side's venue: "Penandatanganan Kesepakatan Bersama antara Pemkab B
  dengan Pemkot A ... bertempat di Rumah Dinas Wali Kota A".

The visitor missing from a sentence is found where a reader of Indonesian finds it: a
delegation named before ("rombongan", "delegasi", "para tamu", "Komisi A DPRD"), a
person named before ("Gubernur Khofifah"), the governments listed after a count ("tiga
kabupaten ... yaitu A, B dan C"), a delegation said to be there as well ("juga hadir
rombongan C") in a report of visits to one host. A clause that only plans, hopes for or
cancels a visit gives no claim; one that tells an earlier visit gives a claim marked
``past``.
"""
from __future__ import annotations

import re

from .context import Context, Party
from .patterns import (
    DESTINATION_RE, DIRECT_GO_RE, GO_GAP_MAX, GO_RE, CANCELLED_RE, EVENT_RE,
    NON_REGIONAL_ACTOR_RE, NOT_A_GOVERNMENT_RE, NOT_DONE_RE, PASSIVE_RE, PLANNED_AFTER_RE,
    PLANNED_RE, RECEIVE_RE, RETURN_VISIT_RE, SIGN_RE, TO_RE,
)
from .regions import KIND_BARE, Mention
from .sides import _BREAK_RE, _VISITOR_GAP_RE, Claim, Salience, Sides
from .text import Sentence

_HOST_GAP_RE = re.compile(
    r"^(?:\s|,|\(|\)|langsung|oleh|secara|resmi|hangat|baik|jajaran|pihak|rombongan|para|"
    r"pejabat|[A-Z]{2,8})*$", re.I)
# A second delegation present at the same visit.
_JOINING_RE = re.compile(
    r"\b(?:(?:juga|turut|ikut|pula)\s+(?:hadir|datang|berkunjung)|hadir\s+(?:pula|juga))\s+"
    r"(?:pula\s+)?(?:para\s+)?(?:rombongan|delegasi|tamu)(?:\s+dari)?\s+", re.I)
_JOINING_WORDS_RE = re.compile(r"hadir|datang|berkunjung|lakukan|laksanakan")
# "Kunjungan antara lain dilakukan DPRD A, DPRD B dan DPRD C": the visits' doers.
_DONE_BY_RE = re.compile(
    r"\b(?:kunjungan|kunker|studi\s+(?:banding|tiru|komparasi))(?:\s+kerja)?(?:\s+(?:ini|itu|"
    r"tersebut|serupa|antara\s+lain|juga|pun|yang))*\s+(?:di|ter)(?:lakukan|laksanakan)"
    r"(?:\s+oleh)?\s+", re.I)
_ON_BEHALF_RE = re.compile(r"\b(?:mewakili|atas\s+nama)\s+$", re.I)
_DOING_RE = re.compile(r"\b(?:melakukan|melaksanakan|menggelar|mengadakan)\s+$", re.I)
_WHEN_RE = re.compile(r"\s*(?:saat|ketika|usai|setelah|sebelum|sewaktu|dalam)\s+$", re.I)
_SIGN_ACTOR_GAP_RE = re.compile(
    r"^\s*(?:\([^()]*\))?\s*,?\s*(?:dan|(?:bersama\s+)?dengan|bersama|serta|&|,)\s*$", re.I)


class Reader(Sides):
    """All claims of a report, sentence by sentence."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.flat = ctx.flat
        self.state = Salience()
        self.planned: dict[tuple[Party, Party], int] = {}
        self.events = {s.index for s in ctx.sentences if not s.noise and EVENT_RE.search(s.text)} \
            if EVENT_RE.search(ctx.flat) else set()
        # Where the event takes place: named in its sentence, or in the one before in the
        # same paragraph ("12 gubernur tiba di Kaltim. Kedatangan mereka untuk mengikuti ...").
        near = {j for i in self.events for j in (i - 1, i)
                if j >= 0 and ctx.sentences[j].paragraph == ctx.sentences[i].paragraph}
        self.event_regions = {m.region.code for i in near
                              for m in ctx.by_sentence.get(i, []) if m.region is not None}

    def run(self) -> list[Claim]:
        for s in self.ctx.sentences:
            if s.noise:
                continue
            found = self.sentence(s)
            for c in found:
                if c.visitor_mention is not None and not c.support_only:
                    self.state.note(c.visitor_mention, self.ctx)
            self.state.claims.extend(found)
        self.state.claims.extend(self._joining())
        for c in self.state.claims:
            if c.visitor is not None and self.planned.get((c.visitor, c.host), 1 << 30) < \
                    c.sentence.index:
                c.support_only = True
        return self.state.claims

    def _joining(self) -> list[Claim]:
        """"Selain rombongan Pemkab A, juga hadir rombongan Pemprov B", "Kunjungan antara
        lain dilakukan DPRD B dan DPRD C": in a report of visits to one host, a delegation
        said to be there as well, or to make the visit, visits that host too."""
        # The words first, as plain text (fast): most reports have none of these phrases.
        wanted = {self.ctx.sentence_of(m.start())
                  for m in _JOINING_WORDS_RE.finditer(self.flat.lower())}
        if not wanted:
            return []
        found = [c for c in self.state.claims if not c.past and not c.support_only
                 and c.visitor is not None and c.host_mention is not None]
        if len({c.host for c in found}) != 1:
            return []
        first = max(found, key=lambda c: c.strength)
        host, host_mention = first.host, first.host_mention
        known = {c.visitor[0] for c in found} | {host[0]}  # type: ignore[index]
        out: list[Claim] = []
        for s in self.ctx.sentences:
            if s.index not in wanted or s.noise or s.past or s.index in self.events:
                continue
            ms = self.ctx.parties(s)
            for t in [*_JOINING_RE.finditer(self.flat, s.lead, s.end),
                      *_DONE_BY_RE.finditer(self.flat, s.lead, s.end)]:
                first = self._after(ms, t.end(), _VISITOR_GAP_RE, 5)
                for m in self._group(first, ms, s.end) if first is not None else []:
                    party = self.ctx.party(m)
                    if party is None or party[0] in known or host[0].startswith(party[0] + "."):
                        continue  # named already, or the host's own province attending
                    known.add(party[0])
                    out.append(Claim(party, host, s, 0.7, "joining", m, host_mention,
                                     explicit=False))
        return out

    # -- one sentence

    def sentence(self, s: Sentence) -> list[Claim]:
        ms = self.ctx.parties(s)
        if not ms and not self.ctx.venues(s) and not self.ctx.people_in(s.index):
            return []  # no side is named: nothing to read (most sentences of a report)
        out: list[Claim] = []
        out += self._receive(s, ms)
        out += self._passive(s, ms)
        out += self._go(s, ms)
        out += self._signing(s, ms)
        out += self._destination(s, ms)
        if not out:
            self._note_delegation(s, ms)
        return _dedupe(out)

    def _claim(self, out: list[Claim], s: Sentence, visitors: list[Mention], host: Mention,
               strength: float, reader: str, *, explicit: bool = True, start: int = -1,
               end: int = -1) -> None:
        hp = self.ctx.party(host)
        if hp is None or s.index in self.events:
            return
        end = end if end >= 0 else host.end
        if _not_now(self.flat, start if start >= 0 else s.lead, end, s.lead, s.end) or \
                PLANNED_AFTER_RE.search(self.flat, end, _clause_end(self.flat, end, s.end)):
            for v in visitors:  # later mentions of a planned visit are still plans
                vp = self.ctx.party(v)
                if vp is not None:
                    self.planned.setdefault((vp, hp), s.index)
            return
        if self.event_regions and (host.region is not None and
                                   host.region.code in self.event_regions or not explicit):
            return  # a report of an association's meeting: its host city is not visited
        weight = strength * (0.5 if s.headline else 1.0)
        for v in visitors:
            vp = self.ctx.party(v)
            if vp is None or vp[0] == hp[0]:
                continue
            out.append(Claim(vp, hp, s, weight, reader, v, host, explicit, s.past))

    # -- host first: "Pemkot A menerima kunjungan kerja Pemkab B"

    def _receive(self, s: Sentence, ms: list[Mention]) -> list[Claim]:
        out: list[Claim] = []
        for t in RECEIVE_RE.finditer(self.flat, s.lead, s.end):
            after = [m for m in ms if m.start >= t.end() - 1 and m.start - t.end() <= 80]
            first = self._after(after, t.end(), _VISITOR_GAP_RE, 80)
            host = self._subject(s, ms, t.start())
            if host is not None:
                host = self._group_head(host, ms)
            elif first is not None and _WHEN_RE.match(self.flat, s.lead, t.start()):
                # "Saat menerima rombongan Pemkot B, Wali Kota A menyatakan ..."
                visitors = self._group(first, ms, s.end)
                host = next((m for m in ms if m.start > visitors[-1].extent and
                             re.fullmatch(r",\s*", self.flat[visitors[-1].extent:m.start])),
                            None)
            else:  # "Mewakili Pemerintah Kabupaten A, Sekda ... menerima ..."
                host = next((m for m in ms if m.end <= t.start() and _ON_BEHALF_RE.search(
                    self.flat, max(s.lead, m.start - 20), m.start)), None)
            if host is None:
                continue
            if first is not None and self._actor_between(t.end(), first.start):
                continue
            if first is None:
                group = self._enumerated(s, t.end())
                if group:
                    self._claim(out, s, group, host, 0.9, "receive", start=host.start,
                                end=t.end())
                continue
            visitors = [m for m in self._group(first, ms, s.end) if m.region != host.region]
            self._claim(out, s, visitors, host, 1.0, "receive", start=host.start, end=t.end())
        return out

    # -- passive: "Rombongan B ... disambut oleh Wali Kota A"

    def _passive(self, s: Sentence, ms: list[Mention]) -> list[Claim]:
        out: list[Claim] = []
        for t in PASSIVE_RE.finditer(self.flat, s.lead, s.end):
            after = [m for m in ms if m.start >= t.end()]
            host = self._after(after, t.end(), _HOST_GAP_RE, 35)
            if host is None:
                # "... telah diterima secara resmi rombongan kunjungan kerja Pemkot B":
                # the delegation follows; the host is where it happened.
                visitor = self._after(after, t.end(), _VISITOR_GAP_RE, 60)
                if visitor is not None and re.match(r"\s*(?:secara\s+resmi\s+)?(?:rombongan|"
                                                    r"delegasi|kunjungan)", self.flat[t.end():],
                                                    re.I):
                    place = self._venue_host(s, t.start(), exclude=visitor)
                    if place is not None:
                        self._claim(out, s, [visitor], place, 0.8, "passive", start=t.start(),
                                    end=visitor.end)
                continue
            visitor = self._subject(s, ms, t.start())
            if visitor is not None and visitor.region != host.region:
                group = self._group(self._group_head(visitor, ms), ms, t.start())
                self._claim(out, s, group, host, 0.9, "passive", start=visitor.start,
                            end=host.end)
                continue
            implicit = self._implicit(s, t.start())
            if implicit is not None and implicit.region != host.region:
                self._claim(out, s, [implicit], host, 0.7, "passive", explicit=False,
                            start=s.lead, end=host.end)
        return out

    # -- visitor first: "B melakukan kunjungan kerja ke A", "B mengunjungi A"

    def _go(self, s: Sentence, ms: list[Mention]) -> list[Claim]:
        out: list[Claim] = []
        triggers = [(t, False) for t in GO_RE.finditer(self.flat, s.lead, s.end)] + \
            [(t, True) for t in DIRECT_GO_RE.finditer(self.flat, s.lead, s.end)]
        for t, direct in sorted(triggers, key=lambda x: x[0].start()):
            hosts, between = self._go_hosts(s, ms, t, direct)
            if not hosts:
                continue
            strength = 1.0 if hosts[0].kind != "venue" else 0.8
            visitors = []
            explicit = True
            if between is not None:
                visitors = self._group(between, ms, hosts[0].start)
            else:
                subject = self._subject(s, ms, t.start())
                if subject is not None and NON_REGIONAL_ACTOR_RE.search(
                        self.flat, subject.start, t.start()):
                    continue
                if subject is not None:
                    visitors = self._group(self._group_head(subject, ms), ms, t.start())
                elif NON_REGIONAL_ACTOR_RE.search(self.flat, s.lead, t.start()):
                    continue
                else:
                    group = self._enumerated(s, s.lead, t.start())
                    if group:
                        visitors, strength = group, 0.9
                    else:
                        implicit = self._implicit(s, t.start()) or self._previous_subject(s)
                        if implicit is None:
                            continue
                        visitors, strength, explicit = [implicit], 0.6, False
            start = visitors[0].start if visitors and explicit else s.lead
            before = len(out)
            for host in hosts:
                self._claim(out, s, [v for v in visitors if v.region != host.region], host,
                            strength, "go", explicit=explicit, start=start, end=host.end)
            if RETURN_VISIT_RE.search(self.flat, t.start(), t.end() + 10):
                # A return visit says the other side came first.
                for c in out[before:]:
                    out.append(Claim(c.host, c.visitor, s, 0.7, "return", c.host_mention,  # type: ignore[arg-type]
                                     c.visitor_mention, explicit=c.explicit, past=True))
        return out

    def _go_hosts(self, s: Sentence, ms: list[Mention], t: re.Match[str], direct: bool
                  ) -> tuple[list[Mention], Mention | None]:
        """The hosts after a GO trigger ``t`` and a visitor written between them."""
        pos, trigger = t.end(), t.group()
        window_end = min(s.end, pos + GO_GAP_MAX)
        between = None
        first = self._after([m for m in ms if m.start >= pos], pos, _VISITOR_GAP_RE, 30)
        venues = [m for m in self.ctx.venues(s) if m.start >= pos]
        if direct:
            host = self._after(sorted((m for m in ms + venues if m.start >= pos),
                                      key=lambda m: m.start), pos, _HOST_GAP_RE, 20)
            if host is None and re.match(r"\s*(?:Kantor|Balai|Gedung|Rumah|Pendopo)", self.flat[pos:]):
                host = next(iter(venues), None)
            if host is None:
                host = self._official(pos)
            return ([host] if host is not None else []), None
        for prep in TO_RE.finditer(self.flat, pos, window_end):
            gap = self.flat[pos:prep.start()]
            if _BREAK_RE.search(gap) or PASSIVE_RE.search(gap) or RECEIVE_RE.search(gap):
                break
            word = prep.group().strip().lower()
            if word == "dengan" and re.search(r"\bbersama\s+$", gap):
                continue  # "bersama dengan X": X comes along
            if word == "di" and re.match(r"belajar|menimba|timba", trigger, re.I) and gap.strip():
                continue  # "belajar ... di Kota A" tells what, not where the delegation went
            if first is not None and first.start < prep.start() and re.fullmatch(
                    r"[^,;]*|[^;]{0,60}\)\s*,\s*", self.flat[first.extent:prep.start()]):
                between = first
            candidates = sorted((m for m in ms + venues if m.start >= prep.end()),
                                key=lambda m: m.start)
            host = self._after(candidates, prep.end(), _HOST_GAP_RE, 12)
            if host is not None and word == "di" and host.kind == KIND_BARE:
                continue  # "kunker di Jakarta": a place, not whom
            if host is None:
                host = self._official(prep.end())
            if host is None:
                if word == "ke" and re.match(r"\s*(?:luar|sejumlah|beberapa|berbagai)",
                                             self.flat[prep.end():]):
                    break
                continue
            if NOT_A_GOVERNMENT_RE.search(self.flat, prep.end(), host.start):
                break
            hosts = [host] + self._more_hosts(s, ms, host)
            return hosts, between
        if first is not None and _DOING_RE.search(self.flat, max(s.lead, t.start() - 40),
                                                  t.start()) and \
                re.fullmatch(r"\s*(?:kerja\s*)?(?:\([^()]{1,12}\))?\s*", self.flat[pos:first.start]):
            # "melakukan kunjungan kerja (Kunker) DPRD Sulsel": the host without "ke"
            return [first], None
        # "Dua Kabupaten yang berkunjung ... di Ruang Rapat Diskominfo Kabupaten Batang".
        venue = next((v for v in venues if re.search(r"\b(?:di|bertempat)\s+[^.;]{0,40}$",
                                                      self.flat[pos:v.start])), None)
        return ([venue] if venue is not None else []), None

    # -- the host named as a destination

    def _destination(self, s: Sentence, ms: list[Mention]) -> list[Claim]:
        out: list[Claim] = []
        for t in DESTINATION_RE.finditer(self.flat, s.lead, s.end):
            if t.group("be"):  # "Kota A menjadi tujuan studi banding (dari) Pemkab B"
                host = self._subject(s, ms, t.start())
                first = self._after([m for m in ms if m.start >= t.end()], t.end(),
                                    _VISITOR_GAP_RE, 20)
                if host is not None and first is not None:
                    self._claim(out, s, self._group(first, ms, s.end), host, 0.9, "go",
                                start=host.start, end=first.end)
            else:  # "Pemkab B memilih Kota A sebagai lokasi studi tiru"
                host = next((m for m in reversed(ms) if m.end <= t.start() and
                             re.search(r"\bmemilih\s+$", self.flat[max(s.lead, m.start - 10):
                                                                    m.start])), None)
                if host is None:
                    continue
                visitor = self._subject(s, ms, host.start - 8)
                if visitor is not None:
                    self._claim(out, s, [visitor], host, 0.9, "go", start=visitor.start,
                                end=t.end())
        return out

    # -- a signing at one side's venue

    def _signing(self, s: Sentence, ms: list[Mention]) -> list[Claim]:
        if not SIGN_RE.search(self.flat, s.lead, s.end) or len(ms) < 2:
            return []
        pairs = []
        for a, b in zip(ms, ms[1:]):
            if a.region is None or b.region is None or a.region == b.region:
                continue
            if _SIGN_ACTOR_GAP_RE.match(self.flat[a.extent:b.start]) or re.match(
                    r"[^.;]{0,80}\bdengan\s+(?:\w+\s+){0,2}$", self.flat[a.extent:b.start], re.I):
                pairs.append((a, b))
        out: list[Claim] = []
        for a, b in pairs[:1]:
            venue = self._venue_region(s, {a.region.code, b.region.code})  # type: ignore[union-attr]
            if venue is None:
                continue
            host, visitor = (a, b) if venue == a.region.code else (b, a)  # type: ignore[union-attr]
            self._claim(out, s, [visitor], host, 0.8, "sign", start=a.start, end=b.end)
        return out


def _not_now(text: str, start: int, end: int, lead: int, stop: int) -> bool:
    """Whether the clause from ``start`` to ``end`` plans, hopes or denies rather than tells
    (plans are also read in the words just before ``start``, from ``lead`` on; a
    cancellation anywhere up to ``stop``, the end of the sentence)."""
    return bool(PLANNED_RE.search(text, max(lead, start - 60), end) or
                NOT_DONE_RE.search(text, max(0, start), end) or
                CANCELLED_RE.search(text, max(lead, start - 60), stop))


def _clause_end(text: str, start: int, end: int) -> int:
    m = re.compile(r"[;]|,\s*(?:tapi|tetapi|namun|sedangkan|sementara|dan|serta)\b").search(
        text, start, end)
    return m.start() if m else end


def _dedupe(claims: list[Claim]) -> list[Claim]:
    seen: dict[tuple, Claim] = {}
    for c in claims:
        key = (c.visitor, c.host, c.past)
        if key not in seen or seen[key].strength < c.strength:
            seen[key] = c
    return list(seen.values())


def read_claims(ctx: Context) -> list[Claim]:
    """Every claim of the report, in order."""
    return Reader(ctx).run()


__all__ = ["Claim", "read_claims"]
