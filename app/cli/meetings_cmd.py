"""``maillage meetings …``: create, list and show meetings, import participants.

Subcommands: ``create``, ``list``, ``show``, ``import-participants`` (the stable contract),
plus ``invitation`` (an .ics file), ``evidence`` (what is missing) and ``file-scans``
(file scanned signed sheets by their QR codes). MEETING is an id, a series reference
(« CP4 ») or an unambiguous title prefix.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from app.cli.commands import _common, _json_out, _open_existing, _progress_printer
from app.cli.french import agree, plural
from app.errors import NotFound, ValidationError


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu : AAAA-MM-JJ)") from exc


def _iso(value: object) -> str | None:
    return value.isoformat() if value is not None else None  # type: ignore[attr-defined]


def _kind(text: str) -> str:
    from app.domain import labels
    from app.domain.text import fold

    wanted = fold(text).strip()
    for code, label in labels.MEETING_KINDS.items():
        if wanted in (code, fold(label)) or f"({wanted})" in fold(label):
            return code
    raise ValidationError(
        f"Type de réunion inconnu : « {text} ». Types possibles : "
        + ", ".join(labels.MEETING_KINDS) + ".",
        field="kind",
    )


def _action_id(ws: object, text: str | None) -> str | None:
    if not text:
        return None
    from sqlalchemy import func, or_, select

    from app.domain.text import fold
    from app.storage.models import Action

    with ws.unit() as s:  # type: ignore[attr-defined]
        rows = s.execute(select(Action.id, Action.code, Action.title).where(
            Action.deleted.is_(False),
            or_(Action.id == text, func.maillage_fold(Action.code) == fold(text),
                func.maillage_fold(Action.title) == fold(text)))).all()
    if len(rows) == 1:
        return rows[0].id
    if not rows:
        raise NotFound(f"Aucune action ne correspond à « {text} » (identifiant, code ou intitulé).")
    raise ValidationError(f"« {text} » désigne plusieurs actions : précisez par son identifiant.",
                          field="action")


def _session_json(x: object) -> dict:
    return {
        "id": x.id, "date": _iso(x.date), "start": x.start_time.strftime("%H:%M"),  # type: ignore[attr-defined]
        "end": x.end_time.strftime("%H:%M"), "label": x.label,  # type: ignore[attr-defined]
        "sealed": x.sealed, "sealed_by": x.sealed_by or None,  # type: ignore[attr-defined]
        "sealed_at": x.sealed_at.isoformat() if x.sealed_at else None,  # type: ignore[attr-defined]
        "signatures": x.signatures, "recorded": x.recorded,  # type: ignore[attr-defined]
    }


def cmd_create(args: argparse.Namespace) -> int:
    from app.services import meetings as svc

    kind = _kind(args.kind)
    with _open_existing(args) as ws:
        series, number = args.series or "", args.number
        if series and number is None:
            number = svc.next_in_series(ws, series).number
        saved = svc.create_meeting(ws, svc.MeetingInput(
            kind=kind, title=args.title, series=series, number=number,
            action_id=_action_id(ws, args.action), place_name=args.place or "",
            place_address=args.address or "", capacity=args.capacity,
            sessions=svc.default_sessions(args.start, args.days),
        ))
        if args.json:
            _json_out({"id": saved.id})
        else:
            detail = svc.get_meeting(ws, saved.id)
            print(f"Réunion créée : {detail.title} ({saved.id})")
            for x in detail.sessions:
                print(f"  {x.caption}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.services.meetings import list_meetings

    kind = _kind(args.kind) if args.kind else None
    with _open_existing(args) as ws:
        rows = list_meetings(ws, kind=kind, status=args.status, search=args.search or "",
                             start=args.date_from, end=args.date_to)
    if args.json:
        _json_out([
            {"id": r.id, "reference": r.reference or None, "title": r.title, "kind": r.kind,
             "status": r.status, "first_date": _iso(r.first_date), "last_date": _iso(r.last_date),
             "sessions": r.sessions, "participants": r.participants, "place": r.place_name,
             "action": r.action_title or None}
            for r in rows
        ])
        return 0
    if not rows:
        print("Aucune réunion.")
    for r in rows:
        when = r.first_date.strftime("%d/%m/%Y") if r.first_date else "sans date"
        ref = f"[{r.reference}] " if r.reference else ""
        print(f"{when:<10}  {ref}{r.title} — {r.kind_label}, {plural(r.participants, 'participant')}  ({r.id})")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    from app.services.attendance import evidence
    from app.services.meetings import get_meeting, resolve_meeting

    with _open_existing(args) as ws:
        d = get_meeting(ws, resolve_meeting(ws, args.meeting))
        ev = evidence(ws, d.id)
    if args.json:
        _json_out({
            "id": d.id, "title": d.title, "kind": d.kind, "status": d.status,
            "series": d.series or None, "number": d.number, "reference": d.reference or None,
            "action": {"id": d.action_id, "code": d.action_code, "title": d.action_title,
                       "funder": d.funder, "fse_rate": d.fse_rate} if d.action_id else None,
            "organiser": d.organiser or None, "place": d.place_name, "address": d.place_address,
            "capacity": d.capacity, "objectives": d.objectives,
            "sessions": [_session_json(x) for x in d.sessions],
            "agenda": [a.text for a in d.agenda],
            "participants": [
                {"person_id": p.person_id, "name": p.display_name,
                 "organisation": p.organisation or None, "role": p.role,
                 "invitation_status": p.invitation_status}
                for p in d.participants
            ],
            "follow_ups": [{"text": f.text, "owner": f.owner or None, "due_date": _iso(f.due_date),
                            "done": f.done} for f in d.follow_ups],
            "evidence": {"complete": ev.complete, "missing": list(ev.missing)},
        })
        return 0
    print(d.title)
    print(f"  {d.kind_label}" + (f" – {d.reference}" if d.reference else "") + f" – {d.status_label}")
    if d.place_name:
        print(f"  Lieu : {d.place_name}")
    for x in d.sessions:
        seal = f" — scellé par {x.sealed_by}" if x.sealed else ""
        print(f"  Créneau : {x.caption}, {plural(x.signatures, 'signature')}{seal}")
    print(f"  {plural(len(d.participants), 'participant')}")
    for p in d.participants:
        print(f"    {p.display_name}" + (f" ({p.organisation})" if p.organisation else ""))
    print("  Preuves complètes." if ev.complete else "  Preuves manquantes :")
    for item in ev.missing:
        print(f"    – {item}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.services.meetings import import_participants, resolve_meeting

    with _open_existing(args) as ws:
        meeting_id = resolve_meeting(ws, args.meeting)
        report = import_participants(
            ws, meeting_id, Path(args.file), create_unknown=args.create_unknown,
            dry_run=args.dry_run, progress=_progress_printer(sys.stderr.isatty() and not args.json),
        )
    if args.json:
        _json_out({
            "meeting_id": meeting_id, "added": report.added, "created": report.created,
            "dry_run": args.dry_run,
            "rows": [{"line": r.line, "last_name": r.last_name, "first_name": r.first_name,
                      "outcome": r.outcome, "reason": r.reason or None, "person_id": r.person_id}
                     for r in report.rows],
        })
    else:
        print(_import_summary(report.added, report.created, dry_run=args.dry_run))
        for r in report.rows:
            if r.outcome in ("inconnu", "ambigu", "rejeté"):
                print(f"  ligne {r.line} : {r.first_name} {r.last_name} — {r.outcome} ({r.reason})")
        if report.unknown and not args.create_unknown:
            print("Ajoutez --create-unknown pour créer les personnes inconnues.")
    return 1 if report.problems else 0


def _import_summary(added: int, created: int, *, dry_run: bool) -> str:
    """« 1 personne invitée, dont 1 créée dans la base. », « 3 personnes seraient invitées,
    dont aucune créée dans la base. », « Aucune personne invitée. »"""
    if not added:
        return "Aucune personne ne serait invitée." if dry_run else "Aucune personne invitée."
    verb = agree(added, "serait invitée", "seraient invitées") if dry_run else agree(added, "invitée")
    among = plural(created, "créée") if created else "aucune créée"
    return f"{added} {agree(added, 'personne')} {verb}, dont {among} dans la base."


def cmd_invitation(args: argparse.Namespace) -> int:
    from app.services.ics import write_ics
    from app.services.meetings import resolve_meeting

    with _open_existing(args) as ws:
        path = write_ics(ws, resolve_meeting(ws, args.meeting), Path(args.output), tz=args.timezone)
    if args.json:
        _json_out({"path": str(path)})
    else:
        print(f"Invitation enregistrée : {path}")
    return 0


def cmd_evidence(args: argparse.Namespace) -> int:
    from app.services.attendance import evidence
    from app.services.meetings import resolve_meeting

    with _open_existing(args) as ws:
        ev = evidence(ws, resolve_meeting(ws, args.meeting))
    if args.json:
        _json_out({"meeting_id": ev.meeting_id, "rule": ev.rule, "complete": ev.complete,
                   "missing": list(ev.missing)})
    else:
        print("Preuves complètes." if ev.complete else "Preuves manquantes :")
        for item in ev.missing:
            print(f"  – {item}")
    return 0 if ev.complete else 1


def cmd_file_scans(args: argparse.Namespace) -> int:
    from app.documents.scans import file_scans
    from app.services.meetings import resolve_meeting

    with _open_existing(args) as ws:
        meeting_id = resolve_meeting(ws, args.meeting) if args.meeting != "-" else None
        report = file_scans(ws, [Path(f) for f in args.files], meeting_id=meeting_id,
                            progress=_progress_printer(sys.stderr.isatty() and not args.json))
    if args.json:
        _json_out({
            "filed": [{"file": f.source, "page_index": f.index, "meeting_id": f.meeting_id,
                       "sessions": list(f.session_ids), "sheet_page": f.sheet_page,
                       "already_filed": f.already_filed} for f in report.filed],
            "unfiled": [{"file": u.source, "page_index": u.index, "reason": u.reason}
                        for u in report.unfiled],
        })
    else:
        print(report.summary)
        for u in report.unfiled:
            print(f"  {Path(u.source).name}, page {u.index + 1} : {u.reason}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    common = _common()
    p = sub.add_parser("meetings", parents=[common], help="réunions : créer, lister, afficher, inviter")
    msub = p.add_subparsers(dest="meetings_command", metavar="ACTION", required=True)

    c = msub.add_parser("create", parents=[common], help="créer une réunion (demi-journées par jour)")
    c.add_argument("--title", required=True, help="intitulé (tel qu'il figure dans la convention)")
    c.add_argument("--kind", required=True, help="type : copil, cotech, formation, groupe_travail…")
    c.add_argument("--start", required=True, type=_date, help="premier jour (AAAA-MM-JJ)")
    c.add_argument("--days", type=int, default=1, help="nombre de jours (par défaut : 1)")
    c.add_argument("--place", help="lieu")
    c.add_argument("--address", help="adresse du lieu")
    c.add_argument("--action", help="action financée (identifiant, code ou intitulé)")
    c.add_argument("--series", help="série (ex. « CP ») : le numéro suivant est proposé")
    c.add_argument("--number", type=int, help="numéro dans la série")
    c.add_argument("--capacity", type=int, help="nombre de places")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_create)

    c = msub.add_parser("list", parents=[common], help="lister les réunions (les plus récentes d'abord)")
    c.add_argument("--kind", help="type de réunion")
    c.add_argument("--status", choices=("prevue", "tenue", "reportee", "annulee"), help="statut")
    c.add_argument("--search", help="recherche dans l'intitulé, la série, le lieu")
    c.add_argument("--from", dest="date_from", type=_date, help="à partir du (AAAA-MM-JJ)")
    c.add_argument("--to", dest="date_to", type=_date, help="jusqu'au (AAAA-MM-JJ)")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_list)

    c = msub.add_parser("show", parents=[common], help="afficher une réunion")
    c.add_argument("meeting", metavar="REUNION", help="identifiant, référence (CP4) ou début du titre")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_show)

    c = msub.add_parser("import-participants", parents=[common],
                        help="inviter les personnes d'une liste CSV ou XLSX")
    c.add_argument("meeting", metavar="REUNION", help="identifiant, référence (CP4) ou début du titre")
    c.add_argument("file", metavar="FICHIER", help="liste .csv ou .xlsx (colonnes Nom, Prénom, Courriel, Structure…)")
    c.add_argument("--create-unknown", action="store_true", help="créer les personnes absentes de la base")
    c.add_argument("--dry-run", action="store_true", help="vérifier sans rien enregistrer")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_import)

    c = msub.add_parser("invitation", parents=[common], help="enregistrer l'invitation (.ics)")
    c.add_argument("meeting", metavar="REUNION")
    c.add_argument("-o", "--output", required=True, metavar="FICHIER.ics")
    c.add_argument("--timezone", help="fuseau horaire (par défaut : celui du site, Europe/Paris)")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_invitation)

    c = msub.add_parser("evidence", parents=[common], help="pièces justificatives manquantes")
    c.add_argument("meeting", metavar="REUNION")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_evidence)

    c = msub.add_parser("file-scans", parents=[common],
                        help="classer des feuilles signées scannées (PDF, JPEG, PNG) grâce au code QR")
    c.add_argument("meeting", metavar="REUNION", help="réunion attendue, ou « - » pour toutes")
    c.add_argument("files", nargs="+", metavar="FICHIER")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_file_scans)
