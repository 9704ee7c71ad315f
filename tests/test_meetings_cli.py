"""``maillage meetings …``, ``maillage sheet`` and ``maillage minutes`` as scripts use them."""

from __future__ import annotations

import json

import pdfplumber
import pytest
from test_meetings_support import build_network

from app.cli import main as cli
from app.services.workspace import open_workspace


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path, capsys):
    path = tmp_path / "antenne.sqlite"
    assert run(capsys, "init", "--db", str(path))[0] == 0
    with open_workspace(path) as ws:
        build_network(ws)
    return str(path)


def test_create_list_show(db, capsys) -> None:
    code, out, _ = run(capsys, "meetings", "create", "--db", db, "--title", "Formation clauses sociales",
                       "--kind", "formation", "--start", "2026-05-12", "--days", "2",
                       "--place", "Salle du conseil", "--action", "A12", "--json")
    assert code == 0
    meeting_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "meetings", "create", "--db", db, "--title", "Comité de pilotage",
                       "--kind", "COPIL", "--series", "CP", "--start", "2026-06-02", "--json")
    copil_id = json.loads(out)["id"]
    code, out, _ = run(capsys, "meetings", "list", "--db", db, "--json")
    rows = json.loads(out)
    assert [r["id"] for r in rows] == [copil_id, meeting_id]  # most recent first
    assert rows[0]["reference"] == "CP1" and rows[1]["sessions"] == 4
    code, out, _ = run(capsys, "--db", db, "meetings", "show", "cp1", "--json")
    shown = json.loads(out)
    assert shown["id"] == copil_id and shown["kind"] == "copil"
    assert [(s["date"], s["start"], s["end"]) for s in shown["sessions"]] == [
        ("2026-06-02", "09:00", "12:30"), ("2026-06-02", "13:30", "17:00")]
    assert shown["evidence"]["complete"] is False
    code, out, _ = run(capsys, "meetings", "show", "--db", db, "Formation")
    assert code == 0 and "Formation clauses sociales" in out and "mercredi 13 mai 2026" in out
    code, out, _ = run(capsys, "meetings", "show", "--db", db, meeting_id, "--json")
    assert json.loads(out)["action"]["code"] == "A12"


def test_import_participants_then_print_sheet_and_minutes(db, capsys, tmp_path) -> None:
    _, out, _ = run(capsys, "meetings", "create", "--db", db, "--title", "GT5 – réunion 2",
                    "--kind", "groupe_travail", "--start", "2026-05-12", "--json")
    meeting_id = json.loads(out)["id"]
    listing = tmp_path / "liste.csv"
    listing.write_text("Nom,Prénom,Structure\nFassi,Alexandre,Inter-Made\nDulaurier,Marie,RAMSESS\n"
                       "Hoarau,Line,Mission Locale\n", encoding="utf-8")
    code, out, _ = run(capsys, "meetings", "import-participants", "--db", db, "GT5", str(listing), "--json")
    report = json.loads(out)
    assert code == 0 and report["added"] == 2
    assert [r["outcome"] for r in report["rows"]] == ["ajouté", "ajouté", "inconnu"]
    code, out, _ = run(capsys, "meetings", "import-participants", "--db", db, "GT5", str(listing),
                       "--create-unknown")
    assert code == 0 and "1 personne invitée, dont 1 créée dans la base." in out
    assert "(s)" not in out
    # Everyone of the list is now known: on another meeting, all are invited, none created.
    _, out, _ = run(capsys, "meetings", "create", "--db", db, "--title", "Atelier clauses",
                    "--kind", "atelier", "--start", "2026-06-16", "--json")
    other = json.loads(out)["id"]
    code, out, _ = run(capsys, "meetings", "import-participants", "--db", db, other, str(listing),
                       "--dry-run")
    assert code == 0 and "3 personnes seraient invitées, dont aucune créée dans la base." in out
    code, out, _ = run(capsys, "meetings", "import-participants", "--db", db, other, str(listing))
    assert code == 0 and "3 personnes invitées, dont aucune créée dans la base." in out
    code, out, _ = run(capsys, "meetings", "import-participants", "--db", db, other, str(listing))
    assert "Aucune personne invitée." in out  # all three were already invited
    code, out, _ = run(capsys, "meetings", "list", "--db", db)
    assert "Atelier clauses — Atelier, 3 participants" in out and "(s)" not in out
    sheet = tmp_path / "emargement.pdf"
    code, out, _ = run(capsys, "sheet", "--db", db, meeting_id, "-o", str(sheet), "--blank-rows", "3", "--json")
    result = json.loads(out)
    assert code == 0 and result["pages"] == 1 and len(result["sheets"][0]) == 2
    with pdfplumber.open(sheet) as pdf:
        text = pdf.pages[0].extract_text()
    assert "FASSI" in text and "HOARAU" in text and "GT5 – réunion 2" in text
    code, out, _ = run(capsys, "sheet", "--db", db, "GT5", "-o", str(tmp_path / "signee.pdf"), "--signed")
    assert code == 0 and "Feuille d'émargement enregistrée" in out and "(1 page)" in out
    code, out, _ = run(capsys, "minutes", "--db", db, "GT5", "-o", str(tmp_path / "cr.pdf"))
    assert code == 0 and (tmp_path / "cr.pdf").read_bytes().startswith(b"%PDF")
    ics = tmp_path / "invitation.ics"
    assert run(capsys, "meetings", "invitation", "--db", db, "GT5", "-o", str(ics))[0] == 0
    assert ics.read_bytes().startswith(b"BEGIN:VCALENDAR\r\n")
    code, out, _ = run(capsys, "meetings", "evidence", "--db", db, "GT5", "--json")
    assert code == 1 and json.loads(out)["complete"] is False
    code, out, _ = run(capsys, "meetings", "file-scans", "--db", db, "GT5", str(sheet), "--json")
    assert code == 0 and json.loads(out)["filed"][0]["sheet_page"] == 1


def test_errors_are_french_with_exit_code_1(db, capsys, tmp_path) -> None:
    code, _, err = run(capsys, "sheet", "--db", db, "CP9", "-o", str(tmp_path / "x.pdf"))
    assert code == 1 and err.startswith("Erreur : Aucune réunion ne correspond à")
    code, _, err = run(capsys, "meetings", "create", "--db", db, "--title", "T", "--kind", "apéro",
                       "--start", "2026-05-12")
    assert code == 1 and "Type de réunion inconnu" in err
    code, _, err = run(capsys, "meetings", "create", "--db", db, "--title", "T", "--kind", "copil",
                       "--start", "2026-05-12", "--action", "Z99")
    assert code == 1 and "Aucune action" in err
    with pytest.raises(SystemExit) as exc:
        cli(["meetings", "create", "--db", db, "--title", "T", "--kind", "copil", "--start", "12/05/2026"])
    assert exc.value.code == 2
    assert "date invalide" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
