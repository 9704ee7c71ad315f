"""Meetings: the attendance sheet for 300 participants × 4 sessions (≤ 0.5 s and ≤ 3× a bare
ReportLab table of the same cells built in the same run), and saving a kiosk signature up to
the list shown again (≤ 100 ms)."""

from __future__ import annotations

import datetime as dt
import time

from bench.context import BenchContext
from bench.harness import Row
from bench.registry import case

PEOPLE = 300
DAYS = 2  # two days of half-days: 4 sessions


def _meeting_db(ctx: BenchContext):  # noqa: ANN202
    """A database with one two-day training and 300 invited people (built once per run)."""
    from app.services import meetings as svc
    from app.services.settings import Identity, set_identity
    from app.services.workspace import open_workspace
    from app.storage.ids import derived_id
    from app.storage.models import Action, Affiliation, Organisation, Person
    from app.storage.stamping import bulk_insert

    path = ctx.bench_dir / "reunion-300.sqlite"
    ctx.bench_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()
    first_names = ("Alexandre", "Marie", "Virginie", "Pierre", "Bruno", "Anlaouddine", "Chloé",
                   "Ayşe", "Ștefan", "Zaïnaba", "Kévin", "Œdipe")
    last_names = ("Fassi", "Dulaurier", "Reveau", "Levy", "Lasnier", "M'Madi", "Œillet",
                  "Yılmaz-Doğan", "Ionescu", "Nguyễn", "Saïd", "Hoarau", "Martin-Delacroix")
    with open_workspace(path) as ws:
        set_identity(ws, Identity(organisation_name="PLIE du Grand Auxerrois", site_name="Mesures"))
        with ws.unit(write=True) as s:
            action_id = derived_id("bench-action", "emargement")
            bulk_insert(s, Action, [{"id": action_id, "code": "A12", "fse_rate": 0.47,
                                     "title": "Coordination et animation d'un événementiel ESS",
                                     "funder": "Conseil départemental de l'Yonne"}])
            orgs = [derived_id("bench-org", str(k)) for k in range(40)]
            bulk_insert(s, Organisation, [
                {"id": oid, "name": f"Structure d'insertion du territoire n° {k}"} for k, oid in enumerate(orgs)
            ])
            people = [derived_id("bench-person-em", str(i)) for i in range(PEOPLE)]
            bulk_insert(s, Person, [
                {"id": pid, "last_name": f"{last_names[i % 13]} {i}", "first_name": first_names[i % 12],
                 "category": "professionnel_siae"}
                for i, pid in enumerate(people)
            ])
            bulk_insert(s, Affiliation, [
                {"person_id": pid, "organisation_id": orgs[i % 40], "is_primary": True,
                 "function": ("Directeur", "Chargée de mission", "Encadrant technique", "CIP")[i % 4]}
                for i, pid in enumerate(people)
            ])
        meeting_id = svc.create_meeting(ws, svc.MeetingInput(
            kind="formation", title="Formation « Clauses sociales d'insertion » – session 2026",
            action_id=action_id, place_name="Salle du conseil",
            sessions=svc.default_sessions(dt.date(2026, 5, 12), DAYS))).id
        svc.add_participants(ws, meeting_id, people)
        ws.db.engine.dispose()
    return path, meeting_id


def _bare_table(sheet, path) -> None:  # noqa: ANN001
    """The same cells — texts, column widths, row heights — as a plain ReportLab table:
    no page furniture, no styling, no wrapping."""
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.platypus import SimpleDocTemplate, Table

    from app.documents.common import FONT_CONDENSED
    from app.documents.sheet import ROW_HEIGHT, column_widths, session_groups

    group = session_groups(sheet.sessions)[0]
    rows = [["N°", "Nom", "Prénom", "Structure", "Fonction"] + [x.label for x in group]]
    for n, r in enumerate(sheet.rows, start=1):
        rows.append([str(n), r.last_name.upper(), r.first_name, r.structure, r.function] + [""] * len(group))
    for n in range(len(sheet.rows) + 1, len(sheet.rows) + 1 + sheet.blank_rows):
        rows.append([str(n)] + [""] * (4 + len(group)))
    doc = SimpleDocTemplate(str(path), pagesize=landscape(A4))
    doc.build([Table(rows, repeatRows=1,
                     colWidths=column_widths(len(group), True, len(rows)),
                     minRowHeights=[9 * mm] + [ROW_HEIGHT] * (len(rows) - 1),
                     style=[("FONT", (0, 0), (-1, -1), FONT_CONDENSED, 8.5)])])


@case("attendance_sheet_300x4",
      "feuille d'émargement, 300 participants × 4 créneaux (cible 0,5 s, ≤ 3× un tableau nu)")
def attendance_sheet(ctx: BenchContext) -> list[Row]:
    from app.documents.common import register_fonts
    from app.documents.sheet import load_attendance_sheet, render_attendance_sheet, write_attendance_sheet
    from app.services.workspace import open_workspace

    path, meeting_id = ctx.memo("meeting-300", lambda: _meeting_db(ctx))
    out = ctx.bench_dir / "emargement-300.pdf"
    bare = ctx.bench_dir / "tableau-nu-300.pdf"
    register_fonts()  # once per process, as in the application
    total, render, baseline = [], [], []
    with open_workspace(path) as ws:
        sheet = load_attendance_sheet(ws, meeting_id)
        assert len(sheet.rows) == PEOPLE and len(sheet.sessions) == 2 * DAYS
        write_attendance_sheet(ws, meeting_id, out)  # warm-up
        for _ in range(ctx.runs):
            start = time.perf_counter()
            _bare_table(sheet, bare)
            baseline.append(time.perf_counter() - start)
            start = time.perf_counter()
            render_attendance_sheet(sheet, out)
            render.append(time.perf_counter() - start)
            start = time.perf_counter()
            write_attendance_sheet(ws, meeting_id, out)  # reading the meeting included
            total.append(time.perf_counter() - start)
    return [
        Row.from_samples("attendance_sheet_300x4", total, target_s=0.5, baseline_samples=baseline,
                         max_ratio=3.0),
        Row.from_samples("attendance_sheet_300x4_layout_only", render, target_s=0.5,
                         baseline_samples=baseline, max_ratio=3.0),
    ]


@case("kiosk_signature_save", "signature enregistrée et liste réaffichée (cible 100 ms)")
def kiosk_signature(ctx: BenchContext) -> Row:
    from app.services import attendance as att
    from app.services.meetings import get_meeting
    from app.services.workspace import open_workspace

    path, meeting_id = ctx.memo("meeting-300", lambda: _meeting_db(ctx))
    strokes = [[[x * 3.0, 40 + 25 * ((x % 7) - 3) / 3, 0.4 + (x % 5) / 10, x * 8] for x in range(120)],
               [[20 + x * 2.0, 90, 0.6, 1000 + x * 8] for x in range(60)]]
    png = att.signature_png_from_strokes(strokes)
    samples = []
    with open_workspace(path) as ws:
        detail = get_meeting(ws, meeting_id)
        session_id = detail.sessions[-1].id
        people = [p.person_id for p in detail.participants]
        for i in range(max(ctx.runs, 5) * 4):
            start = time.perf_counter()
            att.record_signature(ws, att.SignatureInput(session_id, people[i], strokes, png), replace=True)
            listed = att.kiosk_list(ws, session_id)  # « Merci », then the list again
            samples.append(time.perf_counter() - start)
        assert listed.signed_count >= min(len(people), max(ctx.runs, 5) * 4)
    return Row.from_samples("kiosk_signature_save", samples, target_s=0.1)
