"""The attendance sheet read back as a reader (and an auditor) would: pdfplumber, QR codes."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pdfplumber
import pytest
from test_meetings_support import (  # noqa: F401
    DAY,
    STROKES,
    add_people,
    make_meeting,
    net,
    pdf_page_texts,
    png_bytes,
    render_page,
    ws,
)

from app.documents import sheet as sheet_mod
from app.documents.scans import read_codes
from app.documents.sheet import (
    AttendanceSheet,
    SheetRow,
    SheetSession,
    decode_qr,
    encode_qr,
    load_attendance_sheet,
    render_attendance_sheet,
    write_attendance_sheet,
)
from app.services import attendance as att
from app.services import meetings as svc

TITLE = "Formation « Clauses sociales d'insertion » – session 2026"


def _plumber_pages(path):
    with pdfplumber.open(path) as pdf:
        return [(page.extract_text() or "", page.width, page.height, len(page.images)) for page in pdf.pages]


def _qr_codes(path, pages):
    out = []
    for i in pages:
        codes = [c for c in (decode_qr(t) for t in read_codes(render_page(path, i, dpi=150))) if c]
        assert len(codes) == 1, f"page {i + 1}: {len(codes)} code(s)"
        out.append(codes[0])
    return out


def _row_numbers(text: str) -> list[int]:
    """N° of the table rows: a number alone (blank row) or followed by a name in capitals."""
    out = []
    for line in text.splitlines():
        parts = line.strip().split(" ")
        if parts[0].isdigit() and (len(parts) == 1 or parts[1].isupper()):
            out.append(int(parts[0]))
    return out


def _flat(text: str) -> str:
    """pdfplumber text with line breaks and non-breaking spaces as plain spaces."""
    return re.sub(r"\s+", " ", text.replace("\u00a0", " "))


@pytest.fixture
def long_meeting(net):
    meeting_id = make_meeting(net)
    add_people(net, meeting_id, 30)
    return meeting_id


def test_every_name_header_page_numbers_and_qr_on_each_page(net, long_meeting, tmp_path) -> None:
    path = tmp_path / "emargement.pdf"
    result = write_attendance_sheet(net.ws, long_meeting, path)
    pages = _plumber_pages(path)
    assert result.pages == len(pages) >= 3
    detail = svc.get_meeting(net.ws, long_meeting)
    for i, (text, width, height, _) in enumerate(pages, start=1):
        flat = _flat(text)
        assert "Feuille d'émargement" in flat
        assert TITLE in flat  # exactly as stored, on every page
        assert "PLIE du Grand Auxerrois" in flat
        assert f"Page {i} / {len(pages)}" in flat
        assert "Nom Prénom Structure" in flat  # header row repeated
        assert width < height  # two sessions: portrait
    everything = _flat(" ".join(t for t, *_ in pages))
    for p in detail.participants:
        if p.role == "participant":
            assert p.last_name.upper() in everything, p.last_name
            assert p.first_name in everything, p.first_name
    # Sorted by name, numbered from 1, then 5 blank numbered rows.
    numbers = _row_numbers("\n".join(t for t, *_ in pages))
    expected = len([p for p in detail.participants if p.role == "participant"])
    assert numbers == list(range(1, expected + 6))
    order = [everything.index(p.last_name.upper() + " ") for p in detail.participants if p.role == "participant"]
    assert order == sorted(order)
    codes = _qr_codes(path, range(len(pages)))
    for i, code in enumerate(codes, start=1):
        assert code.meeting_id == long_meeting and code.page == i and code.version == 1
        assert [code.matches(x.id) for x in detail.sessions] == [True, True]


def test_header_block_and_funding_mentions(net, tmp_path) -> None:
    meeting_id = make_meeting(net)
    path = tmp_path / "emargement.pdf"
    write_attendance_sheet(net.ws, meeting_id, path)
    first = _flat(" ".join(text for text, *_ in _plumber_pages(path)))
    for expected in ("Formation", "mardi 12 mai 2026", "9 h 00 – 12 h 30", "13 h 30 – 17 h 00",
                     "Salle du conseil, 4 rue de la Mairie", "Marie DULAURIER",
                     "A12 – Coordination et animation",
                     "Conseil départemental de l'Yonne", "cofinancement FSE 47 %",
                     "Cofinancé par", "l'Union européenne",
                     "Cette action est cofinancée par le Fonds social européen",
                     "Contre-signature du formateur", "Formateur / organisateur : Marie DULAURIER",
                     "SIRET 732 829 320 00074", "mar. 12/05", "Matin", "Après-midi"):
        assert expected in first, expected


def test_no_fse_mention_without_eu_funding(net, tmp_path) -> None:
    with net.ws.unit(write=True) as s:
        from app.storage.models import Action

        s.get(Action, net.action_id).fse_rate = 0.0
    meeting_id = make_meeting(net)
    path = tmp_path / "emargement.pdf"
    write_attendance_sheet(net.ws, meeting_id, path)
    text = _flat(_plumber_pages(path)[0][0])
    assert "Fonds social européen" not in text and "Union européenne" not in text


def test_unicode_names_print_and_private_data_never_does(net, tmp_path) -> None:
    meeting_id = make_meeting(net)
    path = tmp_path / "emargement.pdf"
    write_attendance_sheet(net.ws, meeting_id, path)
    text = _flat(" ".join(t for t, *_ in _plumber_pages(path)))
    for name in ("M'MADI", "Anlaouddine", "ŒILLET", "Chloé", "YILMAZ-DOĞAN", "Ayşe", "Ștefan",
                 "NGUYỄN", "Thị Ưu", "DURAND", "Kévin"):
        assert name in text, name
    for secret in ("kevin.durand@example.org", "06 12 34 56 78", "+33612345678", "RSA", "santé",
                   "Salarié en insertion", "@example.org"):
        assert secret not in text, secret
    durand = re.search(r"DURAND Kévin (.*?)\d", text).group(1)
    assert "Inter-Made" not in durand and "Participant(e)" in durand


def test_more_than_three_sessions_is_landscape(net, tmp_path) -> None:
    meeting_id = make_meeting(net, days=2)
    path = tmp_path / "emargement.pdf"
    result = write_attendance_sheet(net.ws, meeting_id, path)
    assert len(result.groups) == 1 and len(result.groups[0]) == 4
    text, width, height, _ = _plumber_pages(path)[0]
    assert width > height
    assert "mer. 13/05" in text
    assert "mardi 12 mai 2026 et mercredi 13 mai 2026" in _flat(text)


def test_more_sessions_than_fit_gives_one_sheet_per_day(net, tmp_path) -> None:
    meeting_id = make_meeting(net, days=4)
    path = tmp_path / "emargement.pdf"
    result = write_attendance_sheet(net.ws, meeting_id, path)
    detail = svc.get_meeting(net.ws, meeting_id)
    assert [len(g) for g in result.groups] == [2, 2, 2, 2]
    pages = _plumber_pages(path)
    assert result.pages == len(pages) and all(w < h for _, w, h, _ in pages)
    codes = _qr_codes(path, range(len(pages)))
    days_seen = []
    for (text, *_rest), code in zip(pages, codes):
        covered = [x for x in detail.sessions if code.matches(x.id)]
        assert len(covered) == 2 and covered[0].date == covered[1].date  # one day per sheet
        day = covered[0].date
        days_seen.append(day)
        assert "Feuille d'émargement" in _flat(text)
        other_days = {x.date for x in detail.sessions} - {day}
        assert all(d.strftime("%d/%m") not in text for d in other_days)
    assert sorted(set(days_seen)) == [DAY + dt.timedelta(days=i) for i in range(4)]
    assert days_seen == sorted(days_seen)


def test_signed_copy_shows_signatures_statuses_and_seals(net, tmp_path) -> None:
    meeting_id = make_meeting(net)
    am, pm = [x.id for x in svc.get_meeting(net.ws, meeting_id).sessions]
    png = att.signature_png_from_strokes(STROKES)
    for last in ("Fassi", "M'Madi", "Levy"):
        att.record_signature(net.ws, att.SignatureInput(am, net.people[last], STROKES, png))
    att.set_attendance(net.ws, [att.AttendanceEntry(am, net.people["Lasnier"], "absent"),
                                att.AttendanceEntry(am, net.people["Reveau"], "excuse")])
    att.seal_session(net.ws, am, att.CountersignInput("Marie DULAURIER", png))
    path = tmp_path / "signee.pdf"
    write_attendance_sheet(net.ws, meeting_id, path, signed=True, blank_rows=0)
    pages = _plumber_pages(path)
    text = _flat(" ".join(t for t, *_ in pages))
    assert "exemplaire signé" in text
    assert "Absent" in text and "Excusé" in text
    assert "Scellé par Marie DULAURIER le" in text and "Créneau non scellé" in text
    assert re.search(r"\d\d/\d\d/\d{4} à \d+ h \d\d", text)
    assert sum(images for *_, images in pages) >= 4  # three signatures and the countersignature
    blank = tmp_path / "vierge.pdf"
    write_attendance_sheet(net.ws, meeting_id, blank)
    assert sum(images for *_, images in _plumber_pages(blank)) == 0
    assert "Absent" not in _flat(" ".join(t for t, *_ in _plumber_pages(blank)))


def test_blank_rows_are_numbered_after_the_participants(net, tmp_path) -> None:
    meeting_id = make_meeting(net, with_beneficiary=False)
    path = tmp_path / "emargement.pdf"
    write_attendance_sheet(net.ws, meeting_id, path, blank_rows=8)
    numbers = _row_numbers("\n".join(t for t, *_ in _plumber_pages(path)))
    assert numbers == list(range(1, 18))  # nine participants, then eight blank rows
    with pytest.raises(Exception) as err:
        load_attendance_sheet(net.ws, meeting_id, blank_rows=-1)
    assert getattr(err.value, "field", None) == "blank_rows"


def _big_sheet(n: int, sessions: int = 2) -> AttendanceSheet:
    sess = tuple(
        SheetSession(str(uuid.uuid4()), DAY + dt.timedelta(days=i // 2), ("Matin", "Après-midi")[i % 2],
                     dt.time(9) if i % 2 == 0 else dt.time(13, 30),
                     dt.time(12, 30) if i % 2 == 0 else dt.time(17), countersigner="Marie DULAURIER")
        for i in range(sessions)
    )
    rows = tuple(SheetRow(f"Nom{i:04d}", f"Prénom{i}", f"Structure {i % 13}", "Technicien")
                 for i in range(n))
    return AttendanceSheet(meeting_id=str(uuid.uuid4()), title="Forum de l'ESS", kind_label="Forum",
                           reference="", place="Auxerre", trainers=(), organiser="", action="",
                           funder="", fse_rate=0.0, sessions=sess, rows=rows,
                           organisation_name="PLIE du Grand Auxerrois", generated_on=DAY)


def test_a_thousand_participants_paginate_correctly(tmp_path) -> None:
    sheet = _big_sheet(1000)
    path = tmp_path / "forum.pdf"
    result = render_attendance_sheet(sheet, path)
    texts = pdf_page_texts(path)
    assert result.pages == len(texts) > 40
    seen: list[int] = []
    for i, text in enumerate(texts, start=1):
        flat = _flat(text)
        assert "Feuille d'émargement" in flat and "Forum de l'ESS" in flat
        assert f"Page {i} / {len(texts)}" in flat
        assert "N° Nom Prénom" in flat  # the header row is repeated on every page
        seen += _row_numbers(text)
    # Every row exactly once, in order: no row split across pages, none lost.
    assert seen == list(range(1, 1006))
    # The countersignature row closes the table, never alone on its page.
    assert "Contre-signature" in texts[-1] and _row_numbers(texts[-1])[-2:] == [1004, 1005]
    everything = " ".join(texts)
    assert all(f"NOM{i:04d}" in everything for i in range(1000))
    last = len(texts) - 1
    for code, page in zip(_qr_codes(path, [0, last // 2, last]), [1, last // 2 + 1, last + 1]):
        assert code.meeting_id == sheet.meeting_id and code.page == page


def test_qr_payload_round_trip() -> None:
    meeting, sessions = str(uuid.uuid4()), [str(uuid.uuid4()) for _ in range(6)]
    text = encode_qr(meeting, sessions, 37)
    assert re.fullmatch(r"[0-9A-Z:.\-]+", text)  # QR alphanumeric mode: a small code
    code = decode_qr(text)
    assert code.meeting_id == meeting and code.page == 37
    assert all(code.matches(s) for s in sessions) and not code.matches(str(uuid.uuid4()))
    assert decode_qr("https://example.org") is None
    assert decode_qr(encode_qr(meeting, [], 1)).session_suffixes == ()


def test_cancel_leaves_no_file(tmp_path) -> None:
    from app.documents.common import Cancelled

    path = tmp_path / "annule.pdf"
    calls = []
    with pytest.raises(Cancelled):
        render_attendance_sheet(_big_sheet(200), path, progress=lambda d, t, m: calls.append(d),
                                cancel=lambda: len(calls) > 3)
    assert not path.exists() and list(tmp_path.iterdir()) == []
    assert sheet_mod.max_sessions(False) == 3 and sheet_mod.max_sessions(True) == 6


def test_a_long_compound_name_wraps_at_its_hyphens_inside_its_cell(tmp_path) -> None:
    """« DE LA ROCHEFOUCAULD-MONTMORENCY-… » once ran over the Prénom and Structure cells."""
    from dataclasses import replace

    sheet = _big_sheet(2, sessions=6)
    long_row = SheetRow("De La Rochefoucauld-Montmorency-Laval-Chateaubriand",
                        "Marie-Antoinette-Élisabeth", "France Travail", "Conseillère")
    sheet = replace(sheet, rows=(long_row, *sheet.rows))
    path = tmp_path / "noms-longs.pdf"
    render_attendance_sheet(sheet, path)
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[0]
        heads = {w["text"]: w for w in page.extract_words() if w["text"] in ("Nom", "Prénom",
                                                                              "Structure")}
        words = page.extract_words()
        edges = sorted({round(e["x0"], 1) for e in page.edges if e["orientation"] == "v"})
    name_parts = [w for w in words if w["text"].startswith(("ROCHEFOUCAULD", "MONTMORENCY",
                                                             "LAVAL", "CHATEAUBRIAND"))]
    assert [w["text"] for w in name_parts] == ["ROCHEFOUCAULD-", "MONTMORENCY-", "LAVAL-",
                                               "CHATEAUBRIAND"]
    # Every piece of the name ends before the rule between Nom and Prénom, and the first
    # name before the rule between Prénom and Structure.
    nom_right = next(x for x in edges if x > heads["Nom"]["x1"])
    prenom_right = next(x for x in edges if x > heads["Prénom"]["x1"])
    assert all(w["x1"] <= nom_right for w in name_parts)
    first = [w for w in words if w["text"].startswith(("Marie-", "Antoinette-", "Élisabeth"))]
    assert len(first) == 3 and all(nom_right < w["x0"] and w["x1"] <= prenom_right for w in first)


def test_fit_text_never_leaves_a_line_wider_than_its_cell() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from app.documents.common import register_fonts

    register_fonts()
    font = sheet_mod.FONT_CONDENSED_BOLD
    for text in ("DE LA ROCHEFOUCAULD-MONTMORENCY-LAVAL-CHATEAUBRIAND", "X" * 60,
                 "Chargée d'insertion professionnelle et sociale", "M'MADI"):
        lines, size = sheet_mod.fit_text(text, 60, font, 8.5)
        for line in lines.split("\n"):
            assert stringWidth(line, font, size or 8.5) <= 60 - 2 * sheet_mod.CELL_PAD, line
        assert lines.replace("\n", "").replace(" ", "") == text.replace(" ", "")


def test_times_and_quoted_titles_are_never_split(tmp_path) -> None:
    """« 13 h 30 – | 17 h 00 » and « module « | clauses » » were broken across lines."""
    from dataclasses import replace

    sheet = replace(_big_sheet(3, sessions=2),
                    title="Formation-action des encadrants techniques d'insertion – module "
                          "« clauses sociales » (3 jours)")
    path = tmp_path / "titre.pdf"
    render_attendance_sheet(sheet, path)
    for text in pdf_page_texts(path):
        for line in text.splitlines():
            assert not line.rstrip().endswith(("«", "–")), line
            assert not line.lstrip().startswith(("»", "17 h 00)", "12 h 30)")), line
    assert sheet_mod._times_text(sheet.sessions) == (
        "matin 9\u00a0h\u00a000\u00a0–\u00a012\u00a0h\u00a030\u00a0; "
        "après-midi 13\u00a0h\u00a030\u00a0–\u00a017\u00a0h\u00a000")


def test_a_five_day_training_prints_one_page_per_day_with_its_countersignatures(net, tmp_path) -> None:
    """The countersignature block once took a page of its own: 5 days, 6 people -> 10 pages."""
    from pypdf import PdfReader

    saved = svc.create_meeting(net.ws, svc.MeetingInput(
        kind="formation", title=TITLE, action_id=net.action_id,
        organiser_id=net.people["Fassi"], organiser_org_id=net.orgs["Inter-Made"],
        place_name="Salle du conseil", place_address="4 rue de la Mairie\n89000 Auxerre",
        sessions=svc.default_sessions(DAY, 5)))
    # Names and structures that wrap over two to four lines: the tallest rows of the network.
    svc.add_participants(net.ws, saved.id, [net.people[x] for x in (
        "Ionescu", "Lasnier", "M'Madi", "Nguyễn", "Œillet", "Yılmaz-Doğan")])
    svc.add_participants(net.ws, saved.id, [net.people["Dulaurier"]], role="intervenant")
    path = tmp_path / "cinq-jours.pdf"
    result = write_attendance_sheet(net.ws, saved.id, path)  # default: 5 blank rows
    texts = [_flat(page.extract_text()) for page in PdfReader(path).pages]
    assert result.pages == len(texts) == 5
    days = [DAY + dt.timedelta(days=i) for i in range(5)]
    for i, (text, day) in enumerate(zip(texts, days), start=1):
        assert f"Page {i} / 5" in text
        assert day.strftime("%d/%m") in text  # the day's session columns…
        assert "Contre-signature du formateur ou de l'organisateur" in text  # …and their boxes
        assert "Formateur / organisateur : Marie DULAURIER" in text
        assert "YILMAZ-DOĞAN" in text and " 11 " in f" {text} "  # the last blank row
        assert all(d.strftime("%d/%m") not in text for d in days if d != day)

