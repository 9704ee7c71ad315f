"""Meetings service: planning, series numbering, sessions, invitations, list import."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from test_meetings_support import DAY, STROKES, build_network, make_meeting, net, png_bytes, ws  # noqa: F401

from app.domain.text import fold
from app.errors import MaillageError, NotFound, ValidationError
from app.services import attendance as att
from app.services import meetings as svc


def test_default_sessions_are_half_days() -> None:
    sessions = svc.default_sessions(DAY, 2)
    assert [(s.date, s.start_time, s.end_time, s.label) for s in sessions] == [
        (DAY, dt.time(9), dt.time(12, 30), "matin"),
        (DAY, dt.time(13, 30), dt.time(17), "apres_midi"),
        (DAY + dt.timedelta(days=1), dt.time(9), dt.time(12, 30), "matin"),
        (DAY + dt.timedelta(days=1), dt.time(13, 30), dt.time(17), "apres_midi"),
    ]
    assert svc.session_label_for(dt.time(9), dt.time(17)) == "journee"
    with pytest.raises(ValidationError) as err:
        svc.default_sessions(DAY, 0)
    assert err.value.field == "days"


def test_create_and_read_back(net) -> None:
    meeting_id = make_meeting(net, days=2)
    d = svc.get_meeting(net.ws, meeting_id)
    assert d.title == "Formation « Clauses sociales d'insertion » – session 2026"
    assert d.kind_label == "Formation"
    assert d.funder == "Conseil départemental de l'Yonne" and d.fse_rate == pytest.approx(0.47)
    assert len(d.sessions) == 4 and d.sessions[0].caption.startswith("mardi 12 mai 2026, matin")
    assert [a.text for a in d.agenda][0] == "Rappel réunion 1"
    # Participants sorted by name, accents ignored; the trainer is an intervenant.
    names = [p.last_name for p in d.participants]
    assert names == sorted(names, key=fold)
    assert names.index("Œillet") > names.index("Nguyễn")  # « Œ » sorts as « Oe »
    assert [p.display_name for p in d.speakers] == ["Marie DULAURIER"]
    fassi = next(p for p in d.participants if p.last_name == "Fassi")
    assert (fassi.organisation, fassi.function) == ("Inter-Made", "Directeur")


def test_validation_errors_name_the_field(net) -> None:
    base = svc.MeetingInput(kind="copil", title="COPIL")
    for change, field in [
        ({"title": "  "}, "title"),
        ({"kind": "apero"}, "kind"),
        ({"status": "finie"}, "status"),
        ({"capacity": 0}, "capacity"),
        ({"number": 3}, "series"),
    ]:
        with pytest.raises(ValidationError) as err:
            svc.create_meeting(net.ws, dataclasses.replace(base, **change))
        assert err.value.field == field
        assert err.value.message[0].isupper()
    with pytest.raises(ValidationError) as err:
        svc.create_meeting(net.ws, dataclasses.replace(
            base, sessions=(svc.SessionInput(DAY, dt.time(14), dt.time(12)),)))
    assert err.value.field == "end_time"


def test_series_numbering_proposes_the_next_number(net) -> None:
    assert svc.next_in_series(net.ws, "CP").reference == "CP1"
    cp4 = make_meeting(net, kind="copil", title="Comité de pilotage n° 4", series="CP", number=4)
    nxt = svc.next_in_series(net.ws, "CP")
    assert (nxt.number, nxt.reference, nxt.previous_meeting_id) == (5, "CP5", cp4)
    with pytest.raises(ValidationError) as err:
        make_meeting(net, kind="copil", title="Doublon", series="CP", number=4)
    assert err.value.field == "number" and "CP4" in err.value.message
    assert svc.split_reference("CP5") == ("CP", 5)


def test_resolve_meeting_by_id_reference_or_title(net) -> None:
    cp4 = make_meeting(net, kind="copil", title="Comité de pilotage ressourcerie", series="CP", number=4)
    gt = make_meeting(net, kind="groupe_travail", title="GT5 – réunion 2")
    assert svc.resolve_meeting(net.ws, cp4) == cp4
    assert svc.resolve_meeting(net.ws, "cp4") == cp4
    assert svc.resolve_meeting(net.ws, "comite de pilotage") == cp4  # accents and case ignored
    assert svc.resolve_meeting(net.ws, "GT5") == gt
    make_meeting(net, kind="copil", title="Comité de pilotage bis")
    with pytest.raises(ValidationError) as err:
        svc.resolve_meeting(net.ws, "Comité")
    assert "plusieurs réunions" in err.value.message
    with pytest.raises(NotFound):
        svc.resolve_meeting(net.ws, "CP9")


def test_sessions_can_change_until_signatures_exist(net) -> None:
    meeting_id = make_meeting(net)
    d = svc.get_meeting(net.ws, meeting_id)
    added = svc.add_session(net.ws, meeting_id, svc.SessionInput(DAY + dt.timedelta(days=7),
                                                                dt.time(14), dt.time(16, 30)))
    assert ("sessions", added.id) in added.changes.created
    svc.update_session(net.ws, added.id, svc.SessionInput(DAY + dt.timedelta(days=8), dt.time(9), dt.time(12)))
    svc.remove_session(net.ws, added.id)
    morning = d.sessions[0].id
    att.record_signature(net.ws, att.SignatureInput(morning, net.people["Fassi"], STROKES, png_bytes()))
    with pytest.raises(ValidationError) as err:
        svc.remove_session(net.ws, morning)
    assert "signatures" in err.value.message
    with pytest.raises(ValidationError):
        svc.update_session(net.ws, morning, svc.SessionInput(DAY, dt.time(10), dt.time(12)))
    with pytest.raises(ValidationError):
        svc.delete_meeting(net.ws, meeting_id)
    assert len(svc.get_meeting(net.ws, meeting_id).sessions) == 2


def test_update_replaces_agenda_and_sessions(net) -> None:
    meeting_id = make_meeting(net, days=2)
    d = svc.get_meeting(net.ws, meeting_id)
    form = svc.MeetingInput(kind="formation", title=d.title + " (modifiée)", action_id=d.action_id,
                            agenda=(svc.AgendaItemInput("Un seul point"),),
                            sessions=svc.default_sessions(DAY, 1))
    changes = svc.update_meeting(net.ws, meeting_id, form)
    assert ("meetings", meeting_id) in changes.updated
    assert len(changes.deleted) == 3  # two sessions of day 2, one agenda item
    d2 = svc.get_meeting(net.ws, meeting_id)
    assert [a.text for a in d2.agenda] == ["Un seul point"]
    assert [x.id for x in d2.sessions] == [x.id for x in d.sessions[:2]]  # kept, not recreated


def test_invite_structures_criteria_and_previous_meeting(net) -> None:
    cp4 = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="CP4", series="CP", number=4,
                                                     sessions=svc.default_sessions(DAY))).id
    r = svc.add_structure_contacts(net.ws, cp4, [net.orgs["Inter-Made"], net.orgs["RAMSESS"]])
    assert r.added == 3  # Fassi, the beneficiary (Inter-Made) and Dulaurier
    again = svc.add_structure_contacts(net.ws, cp4, [net.orgs["Inter-Made"]])
    assert (again.added, again.already) == (0, 2)
    r = svc.add_by_criteria(net.ws, cp4, categories=["elu", "technicien"])
    assert r.added == 2
    svc.set_invitation_status(net.ws, cp4, net.people["Fassi"], "desinscrit")
    svc.set_role(net.ws, cp4, net.people["Dulaurier"], "organisateur")
    cp5 = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="CP5", series="CP", number=5,
                                                     sessions=svc.default_sessions(DAY))).id
    assert svc.previous_in_series(net.ws, cp5) == cp4
    r = svc.add_from_previous(net.ws, cp5)
    assert r.added == 4  # everyone but the unsubscribed Fassi
    d = svc.get_meeting(net.ws, cp5)
    roles = {p.last_name: p.role for p in d.participants}
    assert roles["Dulaurier"] == "organisateur" and "Fassi" not in roles
    with pytest.raises(ValidationError):
        svc.add_by_criteria(net.ws, cp5)


def test_remove_and_reinvite_keeps_the_same_record(net) -> None:
    meeting_id = make_meeting(net)
    pid = net.people["Levy"]
    svc.remove_participant(net.ws, meeting_id, pid)
    assert pid not in {p.person_id for p in svc.get_meeting(net.ws, meeting_id).participants}
    r = svc.add_participants(net.ws, meeting_id, [pid], status="inscrit")
    assert r.changes.updated and not r.changes.created  # revived: same id on every machine
    d = svc.get_meeting(net.ws, meeting_id)
    assert next(p for p in d.participants if p.person_id == pid).invitation_status == "inscrit"
    session_id = d.sessions[0].id
    att.record_signature(net.ws, att.SignatureInput(session_id, pid, STROKES, png_bytes()))
    with pytest.raises(ValidationError) as err:
        svc.remove_participant(net.ws, meeting_id, pid)
    assert "émargé" in err.value.message


def test_import_csv_matches_existing_contacts_then_creates_on_confirmation(net, tmp_path) -> None:
    meeting_id = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="CP4")).id
    path = tmp_path / "liste.csv"
    path.write_text(
        "Nom;Prénom;Courriel;Structure;Fonction\n"
        "FASSI;Alexandre;;Inter-Made;\n"  # by name
        "Autre;Nom;m.dulaurier@example.org;;\n"  # by e-mail
        "Martin;Sophie;s.martin@example.org;Mission Locale de l'Auxerrois;Conseillère\n"  # unknown
        ";Personne;;;\n"  # rejected
        "Lasnier;Bruno;pas-un-courriel;;\n",  # rejected
        encoding="cp1252",
    )
    preview = svc.import_participants(net.ws, meeting_id, path, dry_run=True)
    assert [r.outcome for r in preview.rows] == ["ajouté", "ajouté", "inconnu", "rejeté", "rejeté"]
    assert [r.line for r in preview.problems] == [5, 6]
    assert svc.get_meeting(net.ws, meeting_id).participants == ()  # dry run wrote nothing
    report = svc.import_participants(net.ws, meeting_id, path, create_unknown=True)
    assert (report.added, report.created) == (3, 1)
    d = svc.get_meeting(net.ws, meeting_id)
    martin = next(p for p in d.participants if p.last_name == "Martin")
    assert (martin.organisation, martin.function) == ("Mission Locale de l'Auxerrois", "Conseillère")
    again = svc.import_participants(net.ws, meeting_id, path)
    assert [r.outcome for r in again.rows][:3] == ["existant"] * 3


def test_import_xlsx_and_ambiguous_names(net, tmp_path) -> None:
    from openpyxl import Workbook

    from app.storage.models import Person

    with net.ws.unit(write=True) as s:
        s.add(Person(last_name="Fassi", first_name="Alexandre", email="autre@example.org"))
    meeting_id = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="CP4")).id
    wb = Workbook()
    wb.active.append(["Prénom", "Nom", "E-mail"])
    wb.active.append(["Alexandre", "Fassi", None])
    wb.active.append(["Anlaouddine", "M'Madi", None])
    path = tmp_path / "liste.xlsx"
    wb.save(path)
    report = svc.import_participants(net.ws, meeting_id, path)
    assert [r.outcome for r in report.rows] == ["ambigu", "ajouté"]
    assert "2 contacts" in report.rows[0].reason


def test_import_refuses_unreadable_files(net, tmp_path) -> None:
    meeting_id = svc.create_meeting(net.ws, svc.MeetingInput(kind="copil", title="CP4")).id
    bad = tmp_path / "liste.csv"
    bad.write_text("Prénom;Courriel\nA;b@c.fr\n", encoding="utf-8")
    with pytest.raises(ValidationError) as err:
        svc.import_participants(net.ws, meeting_id, bad)
    assert "Nom" in err.value.message
    (tmp_path / "liste.ods").write_bytes(b"PK\x03\x04" + b"\x00" * 40)
    with pytest.raises(MaillageError) as err:
        svc.import_participants(net.ws, meeting_id, tmp_path / "liste.ods")
    assert "zip" in err.value.message or "XLSX" in err.value.message
    with pytest.raises(MaillageError):
        svc.import_participants(net.ws, meeting_id, tmp_path / "absente.csv")


def test_follow_ups_minutes_lists_and_agenda_view(net) -> None:
    meeting_id = make_meeting(net, kind="groupe_travail", title="GT5 – réunion 2", days=2)
    f = svc.add_follow_up(net.ws, meeting_id, svc.FollowUpInput(
        "Construire une trame de diagnostic commune", owner_id=net.people["Dulaurier"],
        due_date=dt.date(2026, 9, 30)))
    svc.update_follow_up(net.ws, f.id, svc.FollowUpInput(
        "Construire une trame de diagnostic commune", owner_id=net.people["Dulaurier"],
        due_date=dt.date(2026, 9, 30), done=True))
    svc.save_minutes(net.ws, meeting_id, svc.MinutesInput("Texte", "Décision", "Regain", dt.date(2026, 5, 13)))
    d = svc.get_meeting(net.ws, meeting_id)
    assert d.follow_ups[0].owner == "Marie DULAURIER" and d.follow_ups[0].done
    assert (d.minutes_author, d.minutes_date) == ("Regain", dt.date(2026, 5, 13))
    with pytest.raises(ValidationError):
        svc.add_follow_up(net.ws, meeting_id, svc.FollowUpInput(" "))
    rows = svc.list_meetings(net.ws, kind="groupe_travail", search="reunion 2")
    assert [r.id for r in rows] == [meeting_id] and rows[0].sessions == 4
    assert svc.list_meetings(net.ws, start=DAY + dt.timedelta(days=30)) == ()
    assert svc.list_meetings(net.ws, organisation_id=net.orgs["ESIA"])[0].id == meeting_id
    week = svc.agenda(net.ws, DAY, DAY + dt.timedelta(days=6))
    assert len(week) == 4 and week[0].label == "matin" and week[0].title == "GT5 – réunion 2"


def test_a_reference_never_glues_two_numbers(net):
    assert svc.reference("CP", 5) == "CP5"
    assert svc.reference("GT5", 4) == "GT5 n°\u00a04"  # never « GT54 »
    assert svc.reference("Groupe emploi", 2) == "Groupe emploi\u00a02"
    gt = make_meeting(net, kind="groupe_travail", title="GT5 – réunion 4")
    svc.update_meeting(net.ws, gt, svc.MeetingInput(kind="groupe_travail", title="GT5 – réunion 4",
                                                    series="GT5", number=4))
    assert svc.get_meeting(net.ws, gt).reference == "GT5 n°\u00a04"
    assert svc.resolve_meeting(net.ws, "GT5 n° 4") == gt
    assert svc.resolve_meeting(net.ws, "gt54") == gt  # as typed before


def test_meeting_writes_carry_an_undo_step_that_restores_the_data(net):
    from app.services.undo import UndoStack

    stack = UndoStack()
    fassi = net.people["Fassi"]
    saved = svc.create_meeting(net.ws, svc.MeetingInput(
        kind="copil", title="COPIL de l'undo",
        sessions=svc.default_sessions(dt.date(2031, 3, 4), 1)))
    stack.push(saved.changes.undo)
    assert stack.undo_text == "Annuler « Créer la réunion COPIL de l'undo »"
    changes = svc.update_meeting(net.ws, saved.id, svc.MeetingInput(
        kind="copil", title="COPIL de l'undo", status="annulee"))
    stack.push(changes.undo)
    added = svc.add_participants(net.ws, saved.id, [fassi])
    stack.push(added.changes.undo)
    assert added.changes.undo.label == "Inviter 1\u00a0personne à COPIL de l'undo"
    stack.push(svc.set_invitation_status(net.ws, saved.id, fassi, "excuse").undo)

    stack.undo(net.ws)
    assert svc.get_meeting(net.ws, saved.id).participants[0].invitation_status == "invite"
    stack.undo(net.ws)
    assert svc.get_meeting(net.ws, saved.id).participants == ()
    stack.undo(net.ws)
    assert svc.get_meeting(net.ws, saved.id).status == "prevue"
    stack.undo(net.ws)
    assert all(m.id != saved.id for m in svc.list_meetings(net.ws))
    for _ in range(4):
        stack.redo(net.ws)
    detail = svc.get_meeting(net.ws, saved.id)
    assert detail.status == "annulee" and len(detail.sessions) == 2
    assert [p.invitation_status for p in detail.participants] == ["excuse"]

    removed = svc.delete_meeting(net.ws, saved.id)
    assert removed.undo.label == "Supprimer la réunion COPIL de l'undo"
    removed.undo.undo(net.ws)
    assert len(svc.get_meeting(net.ws, saved.id).sessions) == 2
