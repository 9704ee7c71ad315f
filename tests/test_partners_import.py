"""Import and export of structures and contacts (CSV, XLSX, vCard) and their CLI."""

from __future__ import annotations

import codecs
import datetime as dt
import json
import tracemalloc
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import select

from app.cli import main as cli
from app.errors import ValidationError
from app.io import export as X
from app.io.partners_import import (
    cell_text,
    import_organisations,
    import_people,
    propose_mapping,
)
from app.io.tabular import FileFormatError, open_table, preview
from app.services import duplicates as D
from app.services import partners as P
from app.services import search
from app.services.dump import dump
from app.services.lists import ListQuery
from app.services.workspace import open_workspace
from app.storage.models import Affiliation, Organisation, Person

HEADER = "Raison sociale;Sigle;SIRET;Adresse;CP;Ville;Téléphone;Courriel;Type"
GOOD = [
    "Le Relais de l'Yonne;LRY;732 829 320 00074;12 rue du Pont;89000;Auxerre;03 86 12 34 56;contact@relais89.fr;ACI",
    "Centre de ressources de Mayotte;CDR;;;97600;Mamoudzou;0269 61 23 45;;Centre de ressources (CDR)",
    "Œuvre de la Puisaye;;;;89130;Toucy;;;association",
]
BAD = "Bidule;;123;;1000;;12;x@;Martien"


@pytest.fixture
def ws():
    w = open_workspace(None)
    yield w
    w.close()


def write(path: Path, lines: list[str], encoding: str = "utf-8", newline: str = "\r\n") -> Path:
    path.write_bytes((newline.join(lines) + newline).encode(encoding))
    return path


def names(ws) -> list[str]:
    with ws.unit() as s:
        return sorted(s.execute(select(Organisation.name).where(
            Organisation.deleted.is_(False))).scalars())


# --- Reading files -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("encoding", "delimiter", "described"),
    [
        ("utf-8", ";", "CSV, UTF-8, séparateur point-virgule"),
        ("utf-8-sig", ";", "CSV, UTF-8 (avec BOM), séparateur point-virgule"),
        ("cp1252", ";", "CSV, Windows-1252, séparateur point-virgule"),
        ("utf-8", "\t", "CSV, UTF-8, séparateur tabulation"),
        ("cp1252", ",", "CSV, Windows-1252, séparateur virgule"),
        ("utf-16", "\t", "CSV, UTF-16, séparateur tabulation"),  # Excel « Texte Unicode »
    ],
)
def test_encodings_and_delimiters_are_detected(tmp_path, ws, encoding, delimiter, described):
    lines = ["Nom;Ville;Code postal", "Régie de quartier des Champs-Plaisants;Sens;89100",
             "\"Association « L'Œuvre », Sens\";Sens;89100"]
    path = write(tmp_path / "f.csv", [line.replace(";", delimiter) for line in lines], encoding)
    info, rows = preview(path)
    assert info.description == described
    assert info.headers == ("Nom", "Ville", "Code postal")
    assert rows[0] == (2, ("Régie de quartier des Champs-Plaisants", "Sens", "89100"))
    assert rows[1][1][0] == "Association « L'Œuvre », Sens"
    report = import_organisations(ws, path)
    assert report.created == 2 and report.written
    assert "Association « L'Œuvre », Sens" in names(ws)


def test_quoted_cells_over_several_lines_keep_their_line_numbers(tmp_path):
    path = write(tmp_path / "f.csv", ["Nom;Notes", "A;\"première ligne", "seconde\"", "", "B;x"])
    with open_table(path) as table:
        assert [line for line, _ in table.rows()] == [2, 5]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "est vide"),
        (b"\xef\xbb\xbf\r\n  \r\n", "est vide"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8, "une image PNG"),
        (bytes(range(256)) * 40, "fichier binaire"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "ancien classeur Excel"),
        (b"Nom;Ville\r\nA\x81;B\r\n", "Encodage non reconnu"),
        (b"PK\x03\x04" + b"\x00" * 100, "archive zip"),
    ],
)
def test_bad_files_are_refused_in_french_and_nothing_is_written(tmp_path, ws, content, message):
    path = tmp_path / "partenaires.csv"
    path.write_bytes(content)
    before = dump(ws)
    with pytest.raises(FileFormatError, match=message):
        import_organisations(ws, path)
    assert dump(ws) == before


def test_no_header_row_or_no_name_column(tmp_path, ws):
    no_header = write(tmp_path / "a.csv", ["Le Relais;89000;Auxerre", "Envie;89100;Sens"])
    with pytest.raises(ValidationError, match="Aucune ligne d'en-tête reconnue"):
        import_organisations(ws, no_header)
    no_name = write(tmp_path / "b.csv", ["Ville;CP", "Auxerre;89000"])
    with pytest.raises(ValidationError, match="Colonne du nom introuvable"):
        import_organisations(ws, no_name)
    header_only = write(tmp_path / "c.csv", ["Nom;Ville"])
    assert import_organisations(ws, header_only).accepted == 0
    assert ws.count(Organisation) == 0


def test_a_large_file_is_streamed(tmp_path):
    block = "".join(f"Structure {i};SI;12 rue de la République;89000;Auxerre;contact{i}@s.fr\r\n"
                    for i in range(1000)).encode()
    path = tmp_path / "gros.csv"
    with path.open("wb") as f:
        f.write(b"Nom;Sigle;Adresse;CP;Ville;Courriel\r\n")
        for _ in range(140):  # about 10 Mo
            f.write(block)
    tracemalloc.start()
    try:
        with open_table(path) as table:
            count = sum(1 for _ in table.rows())
            done, total = table.progress()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 140_000 and done == total
    assert peak < 8 * 1024 * 1024  # the file is never held in memory


# --- Importing structures ----------------------------------------------------------------


def test_french_headers_are_recognised():
    headers = ("Raison sociale", "N° SIRET", "Code postal", "Commune", "Tél.", "E-mail",
               "Adresse électronique", "Site internet", "Commentaire", "Inconnue")
    assert propose_mapping(headers, "organisations") == {
        "Raison sociale": "name", "N° SIRET": "siret", "Code postal": "postcode",
        "Commune": "city", "Tél.": "phone", "E-mail": "email", "Adresse électronique": "",
        "Site internet": "website", "Commentaire": "notes", "Inconnue": "",
    }
    people = ("Civilité", "NOM", "Prénom", "Courriel", "Téléphone", "Téléphone (2)",
              "Structure", "Fonction", "Catégorie")
    assert propose_mapping(people, "people") == {
        "Civilité": "civility", "NOM": "last_name", "Prénom": "first_name", "Courriel": "email",
        "Téléphone": "phone", "Téléphone (2)": "mobile", "Structure": "organisation",
        "Fonction": "function", "Catégorie": "category",
    }


def test_a_good_file_is_imported_normalised_and_searchable(tmp_path, ws):
    report = import_organisations(ws, write(tmp_path / "f.csv", [HEADER, *GOOD]))
    assert report.as_dict() == {
        "accepted": 3, "rejected": [], "created": 3, "updated": 0, "unchanged": 0,
        "existing": [], "written": True, "dry_run": False, "cancelled": False,
    }
    with ws.unit() as s:
        relais = s.execute(select(Organisation).where(Organisation.acronym == "LRY")).scalar_one()
        assert (relais.siret, relais.phone, relais.kind_code) == ("73282932000074", "+33386123456", "aci")
        cdr = s.execute(select(Organisation).where(Organisation.acronym == "CDR")).scalar_one()
        assert cdr.phone == "+262269612345" and cdr.kind_code == "cdr"
        assert relais.sync_site == ws.site_id and relais.change_seq > 0  # stamped
    assert [h.title for h in search.global_search(ws, "oeuvre")] == ["Œuvre de la Puisaye"]


def test_bad_lines_are_listed_and_nothing_is_written(tmp_path, ws):
    before = dump(ws)
    report = import_organisations(ws, write(tmp_path / "f.csv", [HEADER, GOOD[0], BAD, GOOD[1]]))
    assert not report.written and report.created == 0 and report.accepted == 2
    assert {(r.line, r.field) for r in report.rejected} == {
        (3, "kind_code"), (3, "siret"), (3, "postcode"), (3, "phone"), (3, "email")}
    reasons = {r.field: r.reason for r in report.rejected}
    assert reasons["siret"] == "SIRET invalide : il doit compter 14 chiffres (ici 3)."
    assert reasons["kind_code"] == "Type de structure inconnu : « Martien »."
    assert dump(ws) == before
    skipped = import_organisations(ws, write(tmp_path / "f.csv", [HEADER, GOOD[0], BAD, GOOD[1]]),
                                   skip_invalid=True)
    assert skipped.written and skipped.created == 2 and skipped.rejected_lines == 1


def test_dry_run_reports_without_writing(tmp_path, ws):
    report = import_organisations(ws, write(tmp_path / "f.csv", [HEADER, *GOOD]), dry_run=True)
    assert report.dry_run and report.created == 3 and not report.written
    assert ws.count(Organisation) == 0


def test_the_same_siret_twice_in_a_file_is_rejected(tmp_path, ws):
    report = import_organisations(ws, write(tmp_path / "f.csv", [HEADER, GOOD[0], GOOD[0].replace("LRY", "LRY2")]))
    assert [(r.line, r.field, r.reason) for r in report.rejected] == [
        (3, "siret", "Même SIRET que la ligne 2.")]


def test_existing_records_are_updated_only_when_asked(tmp_path, ws):
    import_organisations(ws, write(tmp_path / "a.csv", [HEADER, *GOOD]))
    changed = GOOD[0].replace("12 rue du Pont", "3 place de l'Arquebuse").replace("03 86 12 34 56", "")
    path = write(tmp_path / "b.csv", [HEADER, changed])
    report = import_organisations(ws, path)
    assert report.existing[0].line == 2 and report.existing[0].field == "siret"
    assert "déjà présente (même SIRET)" in report.existing[0].reason
    assert report.updated == 0 and not report.rejected
    with ws.unit() as s:
        assert s.execute(select(Organisation.address).where(Organisation.acronym == "LRY")).scalar_one() == "12 rue du Pont"
    report = import_organisations(ws, path, update_existing=True)
    assert report.updated == 1 and report.created == 0
    with ws.unit() as s:
        relais = s.execute(select(Organisation).where(Organisation.acronym == "LRY")).scalar_one()
        assert relais.address == "3 place de l'Arquebuse"
        assert relais.phone == "+33386123456"  # an empty cell never erases
    assert import_organisations(ws, path, update_existing=True).unchanged == 1


def test_formula_cells_are_kept_as_text(tmp_path, ws):
    path = write(tmp_path / "f.csv", ["Nom;Notes", "=HYPERLINK(\"http://x\");'=1+1",
                                      "@SUM(A1);-2+3", "+Relais;ok"])
    import_organisations(ws, path)
    with ws.unit() as s:
        rows = dict(s.execute(select(Organisation.name, Organisation.notes)).all())
    assert rows == {"=HYPERLINK(\"http://x\")": "=1+1", "@SUM(A1)": "-2+3", "+Relais": "ok"}
    assert cell_text("'@x") == "@x" and cell_text("'bonjour") == "'bonjour"


def test_xlsx_with_numbers_dates_and_formulas(tmp_path, ws):
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["Nom", "SIRET", "Code postal", "Téléphone", "Effectif", "Notes"])
    sheet.append(["Envie Yonne", 73282932000074, 1000, 386123456, 12, "=1+1"])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["Chantier école", None, 89100, None, None, dt.datetime(2026, 3, 2)])
    path = tmp_path / "structures.xlsx"
    wb.save(path)
    report = import_organisations(ws, path)
    assert report.created == 2, report.rejected
    with ws.unit() as s:
        envie = s.execute(select(Organisation).where(Organisation.name == "Envie Yonne")).scalar_one()
        assert (envie.siret, envie.postcode, envie.phone, envie.headcount, envie.notes) == (
            "73282932000074", "01000", "+33386123456", 12, "=1+1")
        assert s.execute(select(Organisation.notes).where(
            Organisation.name == "Chantier école")).scalar_one() == "02/03/2026"
    info, rows = preview(path)
    assert info.description == "Classeur Excel (XLSX)" and [n for n, _ in rows] == [2, 4]


def test_cancel_leaves_the_database_unchanged(tmp_path, ws):
    lines = [HEADER] + [f"Structure {i};;;;89000;Auxerre;;;" for i in range(1200)]
    path = write(tmp_path / "f.csv", lines)
    before = dump(ws)
    calls = []

    def cancelled() -> bool:
        calls.append(1)
        return len(calls) >= 2

    report = import_organisations(ws, path, cancelled=cancelled)
    assert report.cancelled and not report.written and dump(ws) == before
    seen = []
    report = import_organisations(ws, path, progress=lambda d, t, m: seen.append((d, t, m)))
    assert report.created == 1200 and seen[-1] == (100, 100, "Import terminé.")
    assert all(t == 100 for _, t, _ in seen)


# --- Importing contacts ------------------------------------------------------------------


def test_contacts_create_their_structure_and_function(tmp_path, ws):
    P.create_organisation(ws, P.OrganisationDraft(name="Mission Locale de l'Auxerrois"))
    path = write(tmp_path / "c.csv", [
        "Civilité;Nom;Prénom;Courriel;Portable;Structure;Fonction;Catégorie;Consentement",
        "Madame;Lefèvre;Séverine;s.lefevre@ml-auxerre.fr;06 12 34 56 78;MISSION LOCALE DE L'AUXERROIS;Conseillère;technicien;Oui",
        "M.;Anli;Chamsidine;;0639 01 23 45;CDR Mayotte;Chargé de mission;;15/01/2026",
        "Mme;Soilihi;Echati;;;CDR Mayotte;Animatrice;public;",
    ])
    report = import_people(ws, path)
    assert report.created == 3 and report.structures_created == 1, report.rejected
    assert report.as_dict()["structures_created"] == 1
    with ws.unit() as s:
        sev = s.execute(select(Person).where(Person.last_name == "Lefèvre")).scalar_one()
        assert sev.civility == "Mme" and sev.category == "technicien"
        assert sev.consent_date == dt.date.today() and "c.csv" in sev.consent_source
        anli = s.execute(select(Person).where(Person.last_name == "Anli")).scalar_one()
        assert anli.mobile == "+262639012345" and anli.consent_date == dt.date(2026, 1, 15)
        assert s.execute(select(Person.is_beneficiary).where(Person.last_name == "Soilihi")).scalar_one()
        functions = s.execute(select(Affiliation.function, Organisation.name).join(
            Organisation, Organisation.id == Affiliation.organisation_id)).all()
    assert sorted(functions) == [("Animatrice", "CDR Mayotte"), ("Chargé de mission", "CDR Mayotte"),
                                 ("Conseillère", "Mission Locale de l'Auxerrois")]
    again = import_people(ws, path)
    assert len(again.existing) == 1 and again.existing[0].field == "email"  # matched by e-mail
    # Without an e-mail nothing identifies a person for sure: created again, and flagged.
    assert again.created == 2
    flagged = D.find_duplicate_candidates(ws, "people", list(again.created_ids))
    assert len(flagged) == 2 and all("même structure" in c.reasons[0] for c in flagged)


# --- Exporting ---------------------------------------------------------------------------


@pytest.fixture
def filled(ws, tmp_path):
    import_organisations(ws, write(tmp_path / "o.csv", [HEADER, *GOOD]))
    P.create_organisation(ws, P.OrganisationDraft(
        name="=1+1 Formule", acronym="@Sigle", tags=("FSE", "ESS"), headcount=12,
        notes="ligne 1\nligne 2", phone="+32 2 512 34 56", website="www.exemple.be"))
    relais = P.create_organisation(ws, P.OrganisationDraft(name="Ancienne régie")).id
    P.archive_organisation(ws, relais, "Dissoute")
    import_people(ws, write(tmp_path / "p.csv", [
        "Civilité;Nom;Prénom;Courriel;Téléphone;Structure;Fonction;Date du consentement",
        "Mme;Lefèvre;Séverine;s.lefevre@relais89.fr;03 86 12 34 56;Le Relais de l'Yonne;Directrice;02/01/2025",
        "M.;Anli;Chamsidine;;;Centre de ressources de Mayotte;Chargé de mission;",
    ]))
    P.create_person(ws, P.PersonDraft(last_name="Attoumani", first_name="Zaïnaba",
                                      category="public", notes="Suivi RSA, santé fragile",
                                      consent_date=dt.date(2025, 5, 1), email="z@exemple.fr"))
    return ws


def test_csv_export_for_french_excel(filled, tmp_path):
    result = X.export_organisations(filled, tmp_path / "structures.csv")
    assert result.count == 5
    raw = (tmp_path / "structures.csv").read_bytes()
    assert raw.startswith(codecs.BOM_UTF8) and b"\r\n" in raw
    text = raw.decode("utf-8-sig")
    header = text.split("\r\n")[0].split(";")
    assert header[:5] == ["Identifiant", "Nom", "Sigle", "Type", "SIRET"]
    assert ";'=1+1 Formule;'@Sigle;" in text and ";'+32 2 512 34 56;" in text
    assert "732 829 320 00074" in text and "0269 61 23 45" in text and ";Oui\r\n" in text
    people = X.export_people(filled, tmp_path / "contacts.csv")
    content = (tmp_path / "contacts.csv").read_text(encoding="utf-8-sig")
    assert people.count == 3 and "02/01/2025" in content
    assert "santé fragile" not in content  # a beneficiary's notes never leave Maillage


def test_xlsx_export_is_typed_and_formatted(filled, tmp_path):
    X.export_people(filled, tmp_path / "contacts.xlsx")
    X.export_organisations(filled, tmp_path / "structures.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "structures.xlsx")
    sheet = wb.active
    assert sheet.title == "Structures" and sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == "A1:S6"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.column_dimensions["B"].width == 40
    by_name = {row[1].value: row for row in sheet.iter_rows(min_row=2)}
    formula = by_name["=1+1 Formule"]
    assert formula[1].data_type == "s" and formula[1].quotePrefix  # text, never run
    assert formula[15].value == 12 and formula[15].data_type == "n"  # Effectif is a number
    assert by_name["Le Relais de l'Yonne"][6].value == "89000"  # postcode stays text
    people = openpyxl.load_workbook(tmp_path / "contacts.xlsx").active
    dates = [row[10] for row in people.iter_rows(min_row=2) if row[10].value]
    assert dates[0].is_date and dates[0].number_format == "DD/MM/YYYY"


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_export_then_import_changes_nothing(filled, tmp_path, suffix):
    before = dump(filled)
    X.export_organisations(filled, tmp_path / f"s{suffix}")
    X.export_people(filled, tmp_path / f"c{suffix}")
    for update in (False, True):
        structures = import_organisations(filled, tmp_path / f"s{suffix}", update_existing=update)
        contacts = import_people(filled, tmp_path / f"c{suffix}", update_existing=update)
        assert not structures.rejected and not contacts.rejected
        assert structures.created == contacts.created == 0
        assert structures.updated == contacts.updated == 0
        assert not structures.written and not contacts.written
        assert dump(filled) == before


def test_export_of_the_current_list_only(filled, tmp_path):
    result = X.export_organisations(filled, tmp_path / "f.csv", query=ListQuery(search="mayotte"))
    assert result.count == 1
    assert "Centre de ressources de Mayotte" in (tmp_path / "f.csv").read_text(encoding="utf-8-sig")
    with pytest.raises(ValidationError, match="choisissez un fichier .csv ou .xlsx"):
        X.export_organisations(filled, tmp_path / "f.ods")
    assert not (tmp_path / "f.ods").exists()


def test_vcards_and_mailing_lists_leave_out_people_without_consent(filled, tmp_path):
    with filled.unit() as s:
        ids = dict(s.execute(select(Person.last_name, Person.id)).all())
    result = X.export_vcards(filled, tmp_path / "c.vcf", list(ids.values()))
    assert (result.count, result.excluded) == (2, 1)  # Anli gave no consent
    text = (tmp_path / "c.vcf").read_bytes().decode("utf-8")
    assert text.count("BEGIN:VCARD\r\nVERSION:4.0\r\n") == 2
    assert "N:Lefèvre;Séverine;;Mme;\r\n" in text and "FN:Séverine Lefèvre\r\n" in text
    assert "ORG:Le Relais de l'Yonne\r\nTITLE:Directrice\r\n" in text
    assert "TEL;VALUE=uri;TYPE=\"work,voice\":tel:+33386123456\r\n" in text
    assert "Anli" not in text and "santé" not in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    long_card = X.vcard(P.PersonRecord(last_name="Da Silva; Dos Santos, " + "é" * 60,
                                       id="x"), ("Structure", ""))
    assert "Da Silva\\; Dos Santos\\," in long_card.replace("\r\n ", "")
    assert all(len(line.encode()) <= 75 for line in long_card.split("\r\n"))
    addresses, left_out = X.email_addresses(filled, list(ids.values()))
    assert addresses == ("s.lefevre@relais89.fr", "z@exemple.fr") and left_out == 1


# --- Command line ------------------------------------------------------------------------


def run(capsys, *args):
    code = cli(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_import_reports_and_exit_codes(tmp_path, capsys):
    db = str(tmp_path / "base.sqlite")
    assert run(capsys, "init", "--db", db)[0] == 0
    bad = write(tmp_path / "bad.csv", [HEADER, GOOD[0], BAD])
    code, out, _ = run(capsys, "partners", "import", str(bad), "--db", db, "--json")
    report = json.loads(out)
    assert code == 1 and report["created"] == 0 and report["accepted"] == 1
    assert {"line": 3, "field": "siret", "reason": "SIRET invalide : il doit compter 14 chiffres (ici 3)."} in report["rejected"]
    code, out, err = run(capsys, "partners", "import", str(bad), "--db", db)
    assert code == 1 and "Ligne 3 — SIRET : SIRET invalide" in out and "Rien n'a été enregistré" in err
    code, out, _ = run(capsys, "partners", "import", str(bad), "--db", db, "--dry-run", "--skip-invalid")
    assert code == 0 and "Essai à blanc" in out
    code, out, _ = run(capsys, "partners", "import", str(bad), "--db", db, "--skip-invalid", "--json")
    assert code == 0 and json.loads(out)["created"] == 1
    code, out, _ = run(capsys, "partners", "import", str(bad), "--db", db, "--skip-invalid",
                       "--update-existing", "--json")
    assert code == 0 and json.loads(out)["unchanged"] == 1
    contacts = write(tmp_path / "c.csv", ["Nom;Prénom;Structure;Fonction", "Lefèvre;Séverine;Envie;CIP"])
    code, out, _ = run(capsys, "contacts", "import", str(contacts), "--db", db, "--json")
    assert code == 0 and json.loads(out)["structures_created"] == 1
    code, _, err = run(capsys, "contacts", "import", str(tmp_path / "absent.csv"), "--db", db)
    assert code == 1 and "n'existe pas" in err


def test_cli_export(tmp_path, capsys):
    db = str(tmp_path / "base.sqlite")
    run(capsys, "init", "--db", db)
    run(capsys, "partners", "import", str(write(tmp_path / "o.csv", [HEADER, *GOOD])), "--db", db)
    code, out, _ = run(capsys, "partners", "export", str(tmp_path / "s.xlsx"), "--db", db, "--json")
    assert code == 0 and json.loads(out)["count"] == 3
    assert openpyxl.load_workbook(tmp_path / "s.xlsx").active.max_row == 4
    code, out, _ = run(capsys, "contacts", "export", str(tmp_path / "c.csv"), "--db", db)
    assert code == 0 and "0 contact exporté" in out
    code, _, err = run(capsys, "partners", "export", str(tmp_path / "s.txt"), "--db", db)
    assert code == 1 and "Format d'export inconnu" in err
