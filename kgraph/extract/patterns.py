"""Trigger words of Indonesian visit reports, and the words around them that decide what a
sentence says (who went where, who received whom, what is only planned)."""
from __future__ import annotations

import re

# Host first: "Pemkot A menerima kunjungan kerja Pemkab B", "Pemkot Batu kedatangan rombongan",
# "DPRD A mendapat kunjungan kerja dari DPRD B".
RECEIVE_RE = re.compile(
    r"\b(?:menerima|terima|menyambut|sambut|kedatangan|dikunjungi|didatangi|disambangi|"
    r"menjamu|mendapat(?:kan)?|kedatangannya)\s+(?:(?:langsung|hangat|baik|secara\s+langsung|"
    r"secara\s+resmi|resmi|dengan\s+hangat|dengan\s+baik|dengan\s+antusias)\s+)?(?:(?:kunjungan|kunker|rombongan|delegasi|tamu|kedatangan|"
    r"studi|study|tim|audiensi|silaturahmi|silaturahim|jajaran|wakil|anggota|komisi|pansus|"
    r"pimpinan|para|sejumlah|peserta)\b|(?=(?:dprd|dprk|pemkot|pemko|pemkab|pemprov|"
    r"pemerintah|bupati|wali|walikota|gubernur|sekda|dinas|bappeda|pj|pjs|plt|penjabat|"
    r"ketua|wakil)\b))",
    re.I,
)
# Visitor first, passive: "Rombongan Pemkot B ... disambut/diterima (oleh) Wali Kota A".
PASSIVE_RE = re.compile(
    r"\b(?:disambut|diterima|dijamu)\b(?:\s+(?:langsung|hangat|dengan\s+hangat|baik|"
    r"secara\s+langsung|secara\s+resmi|resmi|antusias|meriah|nan|dan))*(?:\s+oleh)?",
    re.I,
)
# Visitor first, active: "... melakukan kunjungan kerja ke A", "belajar ... ke A".
GO_RE = re.compile(
    # "-nya" (its): "dalam kunjungan kerjanya ke A" after the visitor was named
    r"\b(?:kunjungan(?:\s+kerja)?(?:nya)?|kunker(?:nya)?|kunja|studi\s+(?:banding|tiru|"
    r"komparasi|terap|lapangan)(?:nya)?|"
    r"study\s+(?:banding|tiru|terap|komparasi)|kaji\s+(?:banding|tiru|terap)|benchmarking|"
    r"silaturahmi|silaturahim|silahturahmi|bersilaturahmi|audiensi|beraudiensi|berkunjung|"
    r"bertandang|belajar|menimba\s+ilmu|timba\s+ilmu|lawatan(?:nya)?|bertolak|datang|tiba|"
    r"konsultasi|berkonsultasi|kedatangan|kehadiran|perjalanan\s+dinas(?:nya)?)\b",
    re.I,
)
# "Kota A menjadi tujuan studi banding Pemkab B", "Pemkab B memilih Kota A sebagai lokasi
# studi tiru": the host is named as the destination.
DESTINATION_RE = re.compile(
    r"\b(?:(?P<be>menjadi|dijadikan|jadi|dipilih\s+(?:sebagai|menjadi))|(?P<as>sebagai))\s+"
    r"(?:tujuan|lokasi|lokus|rujukan|percontohan|role\s+model|kiblat|tempat|daerah\s+tujuan)\s+"
    r"(?:(?:untuk\s+)?(?:studi\s+(?:banding|tiru|komparasi|terap)|kunjungan(?:\s+kerja)?|kunker|"
    r"kaji\s+(?:banding|tiru)|belajar|benchmarking|study\s+(?:banding|tiru)))", re.I)
# Verbs whose object is the host: "B mengunjungi A", "B menyambangi Kantor Wali Kota A".
DIRECT_GO_RE = re.compile(
    r"\b(?:mengunjungi|menyambangi|kunjungi|sambangi|mendatangi|datangi|menyambang|"
    r"bertamu\s+ke|menjadikan)\b", re.I)
# Prepositions that introduce the host after a GO trigger.
TO_RE = re.compile(r"\b(?:ke|kepada|dengan|di|menuju)\s+", re.I)
GO_GAP_MAX = 90

# Subjects that are not regional governments: their visits are not inter-regional.
NON_REGIONAL_ACTOR_RE = re.compile(
    r"\b(?:menteri|mendagri|mendag|menpan|wamen|wakil\s+menteri|presiden|wakil\s+presiden|"
    r"wapres|DPR\s+RI|DPD\s+RI|Komite\s+[IVX]+\s+DPD|MPR|KPK|BPKP|BPK|Kemendagri|Kementerian|"
    r"kementerian|Kemen[a-z]+|Lemhan+as|Ombudsman|delegasi\s+(?:negara|kerajaan|kota\s+kembar|"
    r"pemerintah\s+distrik)|duta\s+besar|dubes|konsul|mahasiswa|siswa|pelajar|Direksi|PT\.?\s|"
    r"Ketua\s+Menteri|Datuk|Universitas)\b",
)
# Words right after "ke" that show the place visited is not a government.
NOT_A_GOVERNMENT_RE = re.compile(
    r"\b(?:universitas|institut|politeknik|sekolah|kampus|UGM|UI|ITB|IPB|UIN|IAIN|PT|CV|"
    r"perusahaan|pabrik|bank|kementerian|kemendagri|kantor\s+pusat|kecamatan|desa|"
    r"kelurahan|dusun|lokasi|bandara|pelabuhan|pasar|rumah\s+sakit|RSUD|BUMN|DPR\s+RI|"
    r"negara|luar\s+negeri|luar\s+daerah|KPK|BPK|istana|mabes|polda|polres|lapas|hotel|"
    r"museum|makam|situs|objek|tempat|kawasan)\b",
    re.I,
)
# A clause that only plans, hopes for or cancels a visit (read from a little before the
# delegation is named to the host) ...
PLANNED_RE = re.compile(
    r"\b(?:akan|hendak|berencana|rencana(?:nya)?|direncanakan|dijadwalkan|diagendakan|"
    r"dijadwal|besok|lusa|mendatang|ke\s+depan|nanti(?:nya)?|batal|dibatalkan|tidak\s+jadi|"
    r"ditunda|ditolak|mengundang|diundang|mengajak|berharap|mengharapkan|harapkan|diharapkan|"
    r"semoga|undangan\s+untuk|ingin|mau|seharusnya|semestinya|mestinya|harus|wajib|perlu)\b",
    re.I,
)
# Plans told after the host ("... ke DPRD Kota Ternate, Rabu (19/6) besok").
PLANNED_AFTER_RE = re.compile(r"\b(?:akan|besok|lusa|direncanakan|dijadwalkan|diagendakan|"
                              r"rencananya)\b", re.I)
# Attending an association's or a national event is not a visit to its host city.
EVENT_RE = re.compile(
    r"\b(?:hadiri|menghadiri|mengikuti|hadir\s+(?:di|dalam|pada))\b[^.]{0,100}?\b(?:Rakernas|"
    r"Rakorwil|Rakornas|Munas|Musyawarah\s+Nasional|Kongres|Konferensi|APEKSI|APKASI|ADEKSI|"
    r"ADKASI|APPSI|UCLG|Forum\s+[A-Z]|Jambore|Pekan\s+[A-Z]|Expo|Pameran|Festival|"
    # a national event: the President's, at the new capital, Independence Day
    r"Presiden\b|IKN\b|Ibu\s+Kota\s+Nusantara|HUT\s+(?:RI|Kemerdekaan))", re.I)
# A visit called off, wherever the sentence says so.
CANCELLED_RE = re.compile(r"\b(?:batal|dibatalkan|tidak\s+jadi|urung|ditunda|ditolak)\b", re.I)
# ... or that denies one, or tells a habit rather than a visit (read from the delegation on).
NOT_DONE_RE = re.compile(
    r"\b(?:tidak|belum|bukan|jika|kalau|apabila|bila|seandainya|rutin|kerap|sering|biasanya|"
    r"setiap|selalu)\b", re.I)
# A sentence whose subject points back to a delegation named before.
ANAPHORA_RE = re.compile(
    r"\b(?:rombongan(?:nya)?|delegasi(?:nya)?|kedatangan(?:nya)?|kehadiran(?:nya)?|mereka|"
    r"tamu(?:nya)?|para\s+tamu|kunjungan(?:nya)?|peserta|para\s+anggota|anggota\s+dewan|tim|"
    r"pihaknya|jajaran)\b", re.I)
# A delegation that stands for several governments, listed after "yaitu", "antara lain".
GROUP_RE = re.compile(
    r"\b(?:dua|tiga|empat|lima|enam|tujuh|delapan|sembilan|sepuluh|beberapa|sejumlah|"
    r"berbagai|\d+)\s+(?:kabupaten(?:/kota)?|kota|daerah|pemerintah(?:\s+daerah)?|pemda|"
    r"provinsi|dprd|delegasi|rombongan|instansi|lembaga(?:\s+(?:dewan|legislatif))?)\b", re.I)
ENUMERATION_RE = re.compile(r"\b(?:yaitu|yakni|antara\s+lain|di\s+antaranya|diantaranya|"
                            r"masing-masing|adalah|meliputi|terdiri\s+(?:dari|atas))\b|:", re.I)
# "Komisi A DPRD", "anggota dewan": a council named without its region.
BARE_COUNCIL_RE = re.compile(
    r"\b(?:(?:Komisi|Pansus|Panja)\s+(?:[IVX]+|[A-E]|\d+)\b(?:\s*(?:,|dan)\s*(?:[IVX]+|[A-E]|\d+)"
    r"\b)*(?:\s+DPRD)?|DPRD|DPRK|anggota\s+dewan|para\s+wakil\s+rakyat|Bapemperda)(?!\s+[A-Z])")
DIPIMPIN_RE = re.compile(
    r"\b(?:dipimpin|diketuai|dikomandoi|di\s*bawah\s+pimpinan|dibawah\s+pimpinan|"
    r"dipimpin\s+langsung)(?:\s+(?:langsung|oleh))*\s+", re.I)
RECEIVED_BY_RE = re.compile(
    r"\b(?:diterima|disambut|dijamu)(?:\s+(?:langsung|hangat|oleh|baik|secara\s+langsung|"
    r"dengan\s+hangat|resmi|secara\s+resmi|antusias))*\s+", re.I)
# Kinds of visit words that say a visit happened before ("kunjungan balasan" returns one).
RETURN_VISIT_RE = re.compile(r"\bkunjungan\s+balasan\b", re.I)
SIGN_RE = re.compile(
    r"\b(?:penandatanganan|menandatangani|ditandatangani|ditandatanganinya|meneken|diteken|"
    r"teken|menandatangan|penekenan|penanda\s*tangan(?:an)?|tandatangani)\b", re.I)
PLACE_RE = re.compile(
    r"\b(?:di|ke|bertempat\s+di)\s+(?P<place>(?:Ruang|Balai|Pendopo|Pendapa|Kantor|Gedung|"
    r"Aula|Rumah\s+Dinas|Rumah\s+Jabatan|Graha|Bale|Balairung|Bangsal|Hotel|Wisma|Auditorium|"
    r"Gedhong|Command\s+Center|Lobby|Lobi|[A-Z][a-z]+\s+Command\s+Center)\b[^,.;()]*?)"
    r"(?=,|\.|;|\s+pada\b|\s+\(|\s+untuk\b|\s+dan\b|\s+yang\b|\s+Senin|\s+Selasa|\s+Rabu|"
    r"\s+Kamis|\s+Jumat|\s+Sabtu|\s+Minggu|$)")
