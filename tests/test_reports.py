"""Bilans: figures checked against counts worked out by hand on a known dataset."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from app.reporting.xlsx import write_xlsx
from app.services.reports import Period, build_report, resolve_action
from app.services.workspace import open_workspace
from app.storage.models import (
    Action,
    Affiliation,
    Attendance,
    IndicatorTarget,
    Meeting,
    MeetingSession,
    Organisation,
    Participant,
    Person,
)

T = dt.time


@pytest.fixture
def known(tmp_path):
    ws = open_workspace(tmp_path / "connu.sqlite")
    with ws.unit(write=True) as s:
        action = Action(code="ESS", title="Coordination et animation d'un événementiel ESS",
                        funder="FSE+ – GIP Réussir en Sambre Avesnois", fse_rate=0.47)
        other = Action(code="AUTRE", title="Autre action")
        commune = Organisation(name="Commune de Toucy", kind_code="commune")
        aci = Organisation(name="Regain", kind_code="aci")
        s.add_all([action, other, commune, aci])
        s.flush()
        s.add_all([
            IndicatorTarget(action_id=action.id, label="Nombre de COPIL", target=2, unit="réunions",
                            rule={"count": "meetings", "kind": "copil"}, position=0),
            IndicatorTarget(action_id=action.id, label="Nombre d'élus", target=20, unit="personnes",
                            rule={"count": "people", "category": "elu"}, position=1),
            IndicatorTarget(action_id=action.id, label="Heures de présence", target=32, unit="heures",
                            rule={"count": "hours"}, position=2),
        ])
        p1 = Person(civility="Mme", last_name="Lefèvre", first_name="Séverine", category="elu")
        p2 = Person(civility="M.", last_name="Madi", first_name="Anli", category="technicien")
        p3 = Person(civility="Mme", last_name="Attoumani", first_name="Zaïnaba", category="public",
                    is_beneficiary=True)
        s.add_all([p1, p2, p3])
        s.flush()
        dup = Person(civility="Mme", last_name="Lefevre", first_name="Severine", category="elu",
                     merged_into=p1.id)
        s.add(dup)
        s.flush()
        s.add_all([
            Affiliation(person_id=p1.id, organisation_id=aci.id, function="Administratrice"),
            Affiliation(person_id=p1.id, organisation_id=commune.id, function="Maire", is_primary=True),
            Affiliation(person_id=p2.id, organisation_id=commune.id, function="DGS", is_primary=True),
            Affiliation(person_id=p3.id, organisation_id=aci.id, function="Salariée en insertion",
                        is_primary=True),
        ])
        m1 = Meeting(kind="copil", title="COPIL n° 1", action_id=action.id, status="tenue")
        m2 = Meeting(kind="formation", title="Formation clauses", action_id=action.id, status="tenue")
        m3 = Meeting(kind="copil", title="COPIL n° 2", action_id=action.id, status="prevue")
        m4 = Meeting(kind="copil", title="COPIL autre", action_id=other.id, status="tenue")
        s.add_all([m1, m2, m3, m4])
        s.flush()
        s1 = MeetingSession(meeting_id=m1.id, date=dt.date(2026, 3, 10), start_time=T(9),
                            end_time=T(12, 30), label="matin")
        s2a = MeetingSession(meeting_id=m2.id, date=dt.date(2026, 4, 2), start_time=T(9),
                             end_time=T(12, 30), label="matin")
        s2b = MeetingSession(meeting_id=m2.id, date=dt.date(2026, 4, 2), start_time=T(13, 30),
                             end_time=T(17), label="apres_midi")
        s3 = MeetingSession(meeting_id=m3.id, date=dt.date(2026, 12, 15), start_time=T(9),
                            end_time=T(12, 30), label="matin")
        s4 = MeetingSession(meeting_id=m4.id, date=dt.date(2026, 3, 11), start_time=T(9),
                            end_time=T(12, 30), label="matin")
        s.add_all([s1, s2a, s2b, s3, s4])
        s.flush()
        s.add_all([
            Participant(meeting_id=m1.id, person_id=p1.id, organisation_id=commune.id),
            Participant(meeting_id=m1.id, person_id=p2.id),
            Participant(meeting_id=m1.id, person_id=p3.id),
            Participant(meeting_id=m2.id, person_id=p2.id),
            Participant(meeting_id=m2.id, person_id=p3.id),
            Participant(meeting_id=m4.id, person_id=p2.id),
            Attendance(session_id=s1.id, person_id=p1.id, status="present", mode="tablette",
                       signature_sha256="a" * 64),
            Attendance(session_id=s1.id, person_id=dup.id, status="present", mode="papier"),
            Attendance(session_id=s1.id, person_id=p2.id, status="present", arrival=T(10), departure=T(12)),
            Attendance(session_id=s1.id, person_id=p3.id, status="excuse"),
            Attendance(session_id=s2a.id, person_id=p3.id, status="present", mode="papier"),
            Attendance(session_id=s2b.id, person_id=p3.id, status="present", mode="papier"),
            Attendance(session_id=s2a.id, person_id=p2.id, status="absent"),
            Attendance(session_id=s2b.id, person_id=p2.id, status="retard"),
            Attendance(session_id=s4.id, person_id=p2.id, status="present"),
        ])
    yield ws, action.id, {"m1": m1.id, "m2": m2.id}
    ws.close()


def test_counts_match_the_hand_count(known):
    ws, action_id, ids = known
    r = build_report(ws, action_id, Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
    assert dict(r.meetings_by_kind) == {"copil": 1, "formation": 1}
    assert r.distinct_participants == 3  # the merged duplicate counts once
    assert dict(r.participants_by_category) == {"elu": 1, "technicien": 1, "public": 1}
    assert dict(r.participants_by_sex) == {"Femmes": 2, "Hommes": 1}
    assert r.distinct_elus == 1
    assert r.distinct_structures == 2
    assert dict(r.structures_by_kind) == {"Commune": 1, "Atelier et chantier d'insertion (ACI)": 1}
    # 3,5 h (Séverine, once despite her duplicate) + 2 h (Anli's recorded times) at the COPIL,
    # 2 × 3,5 h (Zaïnaba) + 3,5 h (Anli, late in the afternoon) at the training.
    assert r.hours == 16.0
    lines = {m.meeting_id: m for m in r.meetings}
    copil = lines[ids["m1"]]
    assert (copil.invited, copil.present, copil.excused, copil.absent, copil.evidenced) == (3, 2, 1, 0, 1)
    assert copil.completeness == 0.5
    training = lines[ids["m2"]]
    assert (training.invited, training.present, training.excused, training.absent) == (2, 2, 0, 0)
    targets = {t.label: t for t in r.targets}
    assert targets["Nombre de COPIL"].realised == 1 and targets["Nombre de COPIL"].ratio == 0.5
    assert targets["Nombre d'élus"].realised == 1
    assert targets["Heures de présence"].realised == 16.0


def test_period_excludes_meetings_outside_it(known):
    ws, action_id, _ = known
    r = build_report(ws, action_id, Period(dt.date(2026, 4, 1), dt.date(2026, 4, 30)))
    assert dict(r.meetings_by_kind) == {"formation": 1}
    assert r.distinct_participants == 2 and r.hours == 10.5


def test_all_actions_include_the_other_action(known):
    ws, _, _ = known
    r = build_report(ws, None, Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
    assert dict(r.meetings_by_kind) == {"copil": 2, "formation": 1}


def test_action_resolved_by_code(known):
    ws, action_id, _ = known
    assert resolve_action(ws, "ess") == action_id
    with pytest.raises(Exception, match="Aucune action"):
        resolve_action(ws, "inconnue")


def test_xlsx_has_one_sheet_per_table_with_the_expected_values(known, tmp_path):
    ws, action_id, _ = known
    r = build_report(ws, action_id, Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
    path = write_xlsx(r, tmp_path / "bilan.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Synthèse", "Objectifs", "Réunions par type", "Participants par catégorie",
                             "Participants par sexe", "Structures par type", "Réunions", "Présences"]
    synth = wb["Synthèse"]
    assert "ESS" in synth["A1"].value and "du 01/01/2026 au 30/06/2026" in synth["A2"].value
    values = {synth.cell(row=i, column=1).value: synth.cell(row=i, column=2).value for i in range(6, 12)}
    assert values["Participants distincts"] == 3 and values["Heures de présence"] == 16.0
    sheet = wb["Présences"]
    assert sheet.freeze_panes == "A6" and sheet["A5"].font.bold
    rows = list(sheet.iter_rows(min_row=6, values_only=True))
    assert len(rows) == 8  # every attendance row of the action in the period
    assert isinstance(rows[0][0], dt.datetime) and rows[0][3] in {"Lefèvre", "Madi", "Attoumani"}


def test_cli_report_writes_the_workbook(known, tmp_path, capsys):
    import json

    from app.cli import main as cli

    ws, _, _ = known
    db = tmp_path / "base.sqlite"
    ws.backup_to(db)
    out = tmp_path / "bilan ESS.xlsx"
    code = cli(["report", "--db", str(db), "--action", "ESS", "--from", "01/01/2026", "--to", "2026-06-30",
                "-o", str(out), "--json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and out.exists()
    assert summary["distinct_participants"] == 3 and summary["meetings_held"] == 2
    assert cli(["report", "--db", str(db), "--action", "XYZ", "-o", str(out)]) == 1
    assert "Aucune action" in capsys.readouterr().err
    assert cli(["report", "--db", str(db), "--action", "ESS", "-o", str(tmp_path / "x.doc")]) == 1
    assert ".xlsx ou .pdf" in capsys.readouterr().err


def test_pdf_bilan_reads_back_with_figures_and_eu_mention(known, tmp_path):
    import pdfplumber

    from app.reporting.pdf import write_pdf

    ws, action_id, _ = known
    r = build_report(ws, action_id, Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
    path = write_pdf(ws, r, tmp_path / "bilan.pdf", today=dt.date(2026, 11, 23))
    with pdfplumber.open(path) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
        pages = len(pdf.pages)
    assert "Coordination et animation d'un événementiel ESS" in text
    assert "Cofinancé par l'Union européenne" in text or "Fonds social européen" in text
    assert "Participants distincts 3" in text
    assert "Nombre de COPIL" in text and "50 %" in text
    assert "COPIL n° 1" in text and f"Page 1 / {pages}" in text
    assert "lundi 23 novembre 2026" in text


def test_pdf_bilan_charts_read_in_grey_with_french_axes(known, tmp_path):
    import pdfplumber
    import pypdfium2 as pdfium

    from app.reporting.pdf import write_pdf

    ws, action_id, _ = known
    r = build_report(ws, action_id, Period(dt.date(2026, 1, 1), dt.date(2026, 6, 30)))
    path = write_pdf(ws, r, tmp_path / "bilan.pdf", today=dt.date(2026, 11, 23))
    with pdfplumber.open(path) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
        diagonals = sum(1 for page in pdf.pages for line in page.lines
                        if line["x1"] - line["x0"] > 0.5 and line["bottom"] - line["top"] > 0.5)
    text = "\n".join(pages)
    # Every page carries the document's title, not the heading of a table.
    assert all("Bilan de l'action" in page for page in pages)
    # Each chart is graduated and its axis titled in French.
    for axis in ("Nombre de réunions tenues", "Nombre de personnes distinctes",
                 "Nombre de structures distinctes"):
        assert axis in text
    assert diagonals > 20  # hatched bars (table borders are horizontal or vertical)
    # Rendered in grey as printed, the chart area holds both dark strokes and white paper.
    image = pdfium.PdfDocument(str(path))[0].render(scale=1).to_pil().convert("L")
    histogram = image.histogram()
    assert sum(histogram[:96]) > 2000 and sum(histogram[224:]) > 0.5 * sum(histogram)
