"""The bilan's XLSX opened by LibreOffice (converted to CSV, every sheet) and by openpyxl: the
figures a funder reads there are the ones counted here straight from the database.

LibreOffice comes from ``.ci/sysdeps-test`` (package ``libreoffice-calc-nogui``), which the
``make test`` target runs. Without it the test is skipped, except on CI (``CI`` set), where
it fails: the round trip must be checked there.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import sqlite3
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from app.reporting.xlsx import write_xlsx
from app.services.reports import Period, build_report, resolve_action
from app.services.workspace import open_workspace
from app.storage.models import Person

ACTION = "FSE-RESA-2026-01"
PRESENT = ("present", "retard")
# Field separator ",", quote '"', UTF-8, from line 1, cells as shown (formatted), every sheet
# in its own file « NAME-SHEET.csv ».
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,1036,false,true,true,false,false,-1"


def _soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    reason = ("LibreOffice absent (soffice introuvable) : installez le paquet "
              "libreoffice-calc-nogui, ce que fait « sh .ci/sysdeps-test » en root.")
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


def _time(text: str) -> dt.datetime:
    return dt.datetime.combine(dt.date.min, dt.time.fromisoformat(text[:8]))


def _independent_counts(db: Path, action_id: str) -> dict:
    """The bilan's figures counted with plain SQL and Python, without the reports service."""
    with sqlite3.connect(db) as conn:
        merged = dict(conn.execute("SELECT id, merged_into FROM people"))
        category = dict(conn.execute("SELECT id, category FROM people"))
        sessions = conn.execute(
            "SELECT s.id, s.meeting_id, s.start_time, s.end_time, m.title, m.status, s.date "
            "FROM sessions s JOIN meetings m ON m.id = s.meeting_id "
            "WHERE m.action_id = ? AND s.deleted = 0 AND m.deleted = 0", (action_id,)).fetchall()
        by_session = {x[0]: x for x in sessions}
        rows = conn.execute(
            "SELECT a.session_id, a.person_id, a.status, a.arrival, a.departure FROM attendance a "
            f"WHERE a.deleted = 0 AND a.session_id IN ({','.join('?' * len(by_session))})",
            list(by_session)).fetchall()
    conn.close()

    def survivor(pid: str) -> str:
        while merged.get(pid):
            pid = merged[pid]
        return pid

    present_people: set[str] = set()
    present_by_title: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple[str, str]] = set()
    seconds = 0.0
    for session_id, person_id, status, arrival, departure in rows:
        if status not in PRESENT:
            continue
        person = survivor(person_id)
        _, _, start, end, title, _, _ = by_session[session_id]
        present_people.add(person)
        present_by_title[title].add(person)
        if (person, session_id) not in seen:
            seen.add((person, session_id))
            a, d = (arrival, departure) if arrival and departure else (start, end)
            seconds += (_time(d) - _time(a)).total_seconds()
    first_day: dict[str, str] = {}
    for _, meeting_id, _, _, title, status, day in sessions:
        if status == "tenue":
            first_day[meeting_id] = min(first_day.get(meeting_id, day), day)
    return {
        "Réunions tenues": len(first_day),
        "Participants distincts": len(present_people),
        "Élus distincts": sum(1 for p in present_people if category[p] == "elu"),
        "Heures de présence": round(seconds / 3600, 2),
        "attendance rows": len(rows),
        "present by title": {t: len(p) for t, p in present_by_title.items()},
    }


def _number(text: str) -> float:
    return float(text.replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace(",", "."))


def test_the_bilan_xlsx_opens_in_libreoffice_and_openpyxl_with_the_expected_figures(demo_db, tmp_path):
    soffice = _soffice()
    with open_workspace(demo_db) as ws:
        action_id = resolve_action(ws, ACTION)
        report = build_report(ws, action_id, Period())
        # A duplicate merged into another participant of the action must count once.
        people = sorted({a.person_id for a in report.attendance if a.status == "Présent(e)"})
        with ws.unit(write=True) as s:
            s.get(Person, people[1]).merged_into = people[0]
        report = build_report(ws, action_id, Period())
        path = write_xlsx(report, tmp_path / "bilan.xlsx")
    expected = _independent_counts(demo_db, action_id)
    assert expected["Participants distincts"] == len(people) - 1

    out = tmp_path / "csv"
    profile = (tmp_path / "profil-libreoffice").as_uri()
    done = subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore",
         "--convert-to", CSV_FILTER, "--outdir", str(out), str(path)],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 0, done.stderr

    def sheet(name: str) -> list[list[str]]:
        with open(out / f"bilan-{name}.csv", encoding="utf-8", newline="") as fh:
            return list(csv.reader(fh))

    synthese = sheet("Synthèse")
    assert synthese[0][0] == f"Bilan – {ACTION} – Coordination et animation d'un événementiel ESS"
    assert synthese[4][:2] == ["Indicateur", "Réalisé"]
    shown = {row[0]: row[1] for row in synthese[5:] if row and row[0]}
    for label in ("Réunions tenues", "Participants distincts", "Élus distincts", "Heures de présence"):
        assert _number(shown[label]) == pytest.approx(expected[label]), label

    presences = sheet("Présences")
    assert presences[4][:4] == ["Date", "Réunion", "Créneau", "Nom"]
    assert len([r for r in presences[5:] if any(r)]) == expected["attendance rows"]
    first = dt.datetime.strptime(presences[5][0], "%d/%m/%Y").date()  # shown day first
    assert first == min(a.date for a in report.attendance)

    meetings = sheet("Réunions")
    header = meetings[4]
    present_column = header.index("Présents")
    listed = {row[1]: int(_number(row[present_column])) for row in meetings[5:] if row and row[1]}
    for title, n in expected["present by title"].items():
        assert listed[title] == n, title
    # A meeting still to come has no signature rate (not « 100 % »).
    complete_column = header.index("Émargement complet")
    rates = {row[1]: row[complete_column] for row in meetings[5:] if row and row[1]}
    assert all(rates[t] == "" for t in listed if t not in expected["present by title"])
    assert any(rates[t] == "" for t in listed)
    assert all(rates[t].endswith("%") for t in expected["present by title"])

    # openpyxl reads the same figures as numbers.
    wb = load_workbook(path)
    synth = wb["Synthèse"]
    values = {synth.cell(row=i, column=1).value: synth.cell(row=i, column=2).value
              for i in range(6, synth.max_row + 1)}
    for label in ("Réunions tenues", "Participants distincts", "Élus distincts", "Heures de présence"):
        assert values[label] == pytest.approx(expected[label]), label
    assert wb["Présences"].max_row - 5 == expected["attendance rows"]
