"""Bilans: a report over an action with 500 meetings and 20 000 attendance records (≤ 1 s),
and the Tableau de bord figures on the large demo database (≤ 300 ms)."""

from __future__ import annotations

import datetime as dt
import time

from bench.context import BenchContext
from bench.harness import Row
from bench.large_db import large_db
from bench.registry import case

MEETINGS = 500
PEOPLE = 400
PER_SESSION = 40  # 500 sessions × 40 people = 20 000 attendance records


def _report_db(ctx: BenchContext):  # noqa: ANN202
    """A database holding exactly one action of the size the issue names (built once)."""
    from app.services.workspace import open_workspace
    from app.storage.ids import attendance_id, derived_id, participant_id
    from app.storage.models import Action, Attendance, Meeting, MeetingSession, Participant, Person
    from app.storage.stamping import bulk_insert

    path = ctx.bench_dir / "bilan-500.sqlite"
    if path.exists() and not ctx.rebuild:
        return path
    ctx.bench_dir.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal", "-shm"):
        p = path.with_name(path.name + suffix)
        if p.exists():
            p.unlink()
    with open_workspace(path) as ws, ws.unit(write=True) as s:
        action_id = derived_id("bench-action", "1")
        bulk_insert(s, Action, [{"id": action_id, "code": "BENCH", "title": "Action de mesure",
                                 "fse_rate": 0.47}])
        people = [derived_id("bench-person", str(i)) for i in range(PEOPLE)]
        bulk_insert(s, Person, [
            {"id": pid, "last_name": f"Nom {i}", "first_name": "Prénom",
             "civility": "Mme" if i % 2 else "M.", "category": ("elu", "technicien", "public")[i % 3]}
            for i, pid in enumerate(people)
        ])
        meetings, sessions, participants, attendance = [], [], [], []
        for m in range(MEETINGS):
            mid = derived_id("bench-meeting", str(m))
            sid = derived_id("bench-session", str(m))
            day = dt.date(2026, 1, 1) + dt.timedelta(days=m % 300)
            meetings.append({"id": mid, "kind": ("copil", "formation", "atelier")[m % 3],
                             "title": f"Réunion {m}", "action_id": action_id, "status": "tenue"})
            sessions.append({"id": sid, "meeting_id": mid, "date": day, "start_time": dt.time(9),
                             "end_time": dt.time(12, 30), "label": "matin"})
            for k in range(PER_SESSION):
                pid = people[(m * 7 + k) % PEOPLE]
                participants.append({"id": participant_id(mid, pid), "meeting_id": mid, "person_id": pid})
                attendance.append({"id": attendance_id(sid, pid), "session_id": sid, "person_id": pid,
                                   "status": ("present", "present", "present", "excuse", "absent")[k % 5]})
        bulk_insert(s, Meeting, meetings)
        bulk_insert(s, MeetingSession, sessions)
        bulk_insert(s, Participant, participants)
        bulk_insert(s, Attendance, attendance)
    return path


@case("report_action_500_meetings", "bilan d'une action : 500 réunions, 20 000 présences (cible 1 s)")
def report_action(ctx: BenchContext) -> Row:
    from app.services.reports import Period, build_report
    from app.services.workspace import open_workspace
    from app.storage.ids import derived_id

    path = ctx.memo("report-db", lambda: _report_db(ctx))
    samples = []
    with open_workspace(path) as ws:
        for _ in range(ctx.runs):
            start = time.perf_counter()
            report = build_report(ws, derived_id("bench-action", "1"), Period(), with_rows=False)
            samples.append(time.perf_counter() - start)
    assert sum(m.present + m.excused + m.absent for m in report.meetings) == MEETINGS * PER_SESSION
    return Row.from_samples("report_action_500_meetings", samples, target_s=1.0)


@case("dashboard_large", "tableau de bord sur la base large (cible 300 ms)")
def dashboard_large(ctx: BenchContext) -> Row:
    from app.services.dashboard import dashboard
    from app.services.workspace import open_workspace

    db = large_db(ctx)
    samples = []
    with open_workspace(db.path) as ws:
        for _ in range(ctx.runs):
            start = time.perf_counter()
            dashboard(ws)
            samples.append(time.perf_counter() - start)
    return Row.from_samples("dashboard_large", samples, target_s=0.3)
