"""``maillage privacy`` (RGPD: access export, anonymisation, retention) and ``maillage audit``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from app.cli.commands import _common, _json_out, _open_existing
from app.cli.french import plural
from app.errors import ValidationError


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)")


def _d(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def cmd_export(args: argparse.Namespace) -> int:
    from app.services.privacy import export_person_data, resolve_person

    if not args.pdf and not args.json_file:
        raise ValidationError("Indiquez au moins --pdf FICHIER ou --json FICHIER.", field="pdf")
    with _open_existing(args) as ws:
        pid = resolve_person(ws, args.person)
        pdf = Path(args.pdf) if args.pdf else Path(args.json_file).with_suffix(".pdf")
        js = Path(args.json_file) if args.json_file else Path(args.pdf).with_suffix(".json")
        result = export_person_data(ws, pid, pdf, js)
    print(f"Données de la personne enregistrées : {result.pdf_path} ({plural(result.pages, 'page')}) et {result.json_path}")
    return 0


def cmd_anonymise(args: argparse.Namespace) -> int:
    from app.services.privacy import anonymise_person, mentions_of_person, person_retention, resolve_person

    with _open_existing(args) as ws:
        pid = resolve_person(ws, args.person)
        retention = person_retention(ws, pid)
        today = dt.date.today()
        warnings = []
        if not retention.ended(today):
            until = retention.retention_end.strftime("%d/%m/%Y") if retention.retention_end else "une date indéterminée"
            warnings.append(
                f"Attention : les pièces justificatives de cette personne doivent être conservées "
                f"jusqu'au {until} ; l'anonymisation efface aussi ses signatures."
                if retention.retention_end else
                "Attention : la durée de conservation de ses pièces justificatives ne peut pas être "
                "déterminée (action sans date de fin) ; l'anonymisation efface aussi ses signatures."
            )
        for _mid, title in mentions_of_person(ws, pid):
            warnings.append(f"Son nom figure dans le texte de la réunion « {title} » : corrigez-le à la main.")
        for w in warnings:
            print(w, file=sys.stderr)
        if not args.yes:
            if not sys.stdin.isatty():
                raise ValidationError(
                    "L'anonymisation est définitive : ajoutez --yes pour confirmer.", field="yes"
                )
            answer = input("Anonymiser définitivement cette personne ? [o/N] ").strip().lower()
            if answer not in ("o", "oui", "y", "yes"):
                print("Rien n'a été modifié.")
                return 1
        changes = anonymise_person(ws, pid)
    if args.json:
        _json_out({"person": pid, "updated": [list(x) for x in changes.updated]})
    else:
        print("Personne anonymisée." if changes else "Cette personne était déjà anonymisée.")
    return 0


def cmd_due(args: argparse.Namespace) -> int:
    from app.services.privacy import people_due_for_anonymisation

    with _open_existing(args) as ws:
        due = people_due_for_anonymisation(ws, args.date)
    if args.json:
        _json_out([
            {"id": d.person_id, "name": d.name, "category": d.category, "is_beneficiary": d.is_beneficiary,
             "last_activity": _d(d.last_activity) or None, "retention_end": _d(d.retention_end) or None,
             "actions": list(d.actions)}
            for d in due
        ])
    elif not due:
        print("Aucune personne dont la durée de conservation est échue.")
    else:
        print(f"{plural(len(due), 'personne')} dont la durée de conservation est échue\u00a0:")
        for d in due:
            end = d.retention_end.strftime("%d/%m/%Y") if d.retention_end else ""
            print(f"  {d.person_id}  {d.name:<35} {d.category_label:<32} conservation jusqu'au {end}")
    return 0


def _filters(args: argparse.Namespace):  # noqa: ANN202
    from app.services.audit import AuditFilter

    return AuditFilter(
        table=args.table, record_id=args.record, operation=args.operation, os_user=args.user,
        since=args.since, until=args.until,
    )


def cmd_audit_list(args: argparse.Namespace) -> int:
    from app.services.audit import list_audit

    with _open_existing(args) as ws:
        page = list_audit(ws, _filters(args), args.offset, args.limit)
    if args.json:
        _json_out({"total": page.total, "offset": page.offset, "entries": [
            {"id": r.id, "at": r.at.isoformat(sep=" "), "os_user": r.os_user, "site_id": r.site_id,
             "table": r.table, "record_id": r.record_id, "operation": r.operation,
             "fields": list(r.fields), "reason": r.reason}
            for r in page.rows
        ]})
        return 0
    shown = len(page.rows)
    if not page.total:
        print("Aucune entrée.")
    else:
        print(f"{plural(page.total, 'entrée')}\u00a0; {plural(shown, 'affichée') if shown else 'aucune affichée'}"
              f" à partir du rang {page.offset + 1}.")
    for r in page.rows:
        line = (f"{r.at:%d/%m/%Y %H:%M}  {r.os_user:<12} {r.operation_label:<18} "
                f"{r.table_label:<14} {r.record_label or r.record_id}")
        if r.fields:
            line += f" — {r.fields_label}"
        if r.reason:
            line += f" — motif : {r.reason}"
        print(line)
    return 0


def cmd_audit_export(args: argparse.Namespace) -> int:
    from app.services.audit import export_audit_csv

    out = Path(args.file)
    if out.suffix.lower() != ".csv":
        raise ValidationError("Le fichier d'export doit finir par .csv.", field="file")
    with _open_existing(args) as ws:
        n = export_audit_csv(ws, out, _filters(args))
    exported = (plural(n, "entrée du journal exportée", "entrées du journal exportées") if n
                else "Aucune entrée du journal exportée")
    print(f"{exported}\u00a0: {out}")
    return 0


def _audit_filter_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("--table", help="type d'enregistrement (people, meetings, sessions…)")
    p.add_argument("--record", metavar="ID", help="identifiant de l'enregistrement")
    p.add_argument("--operation", help="creation, modification, suppression, anonymisation, deverrouillage…")
    p.add_argument("--user", help="utilisateur du poste")
    p.add_argument("--since", type=_date, metavar="DATE", help="à partir du (inclus)")
    p.add_argument("--until", type=_date, metavar="DATE", help="jusqu'au (inclus)")


def register(sub: argparse._SubParsersAction) -> None:
    common = _common()

    privacy = sub.add_parser("privacy", help="RGPD : droit d'accès, anonymisation, durées de conservation")
    psub = privacy.add_subparsers(dest="privacy_command", metavar="ACTION", required=True)

    p = psub.add_parser("export", parents=[common], help="exporter les données d'une personne (PDF et JSON)")
    p.add_argument("person", metavar="PERSONNE", help="identifiant, courriel ou « Nom Prénom »")
    p.add_argument("--pdf", metavar="FICHIER", help="fichier PDF lisible")
    p.add_argument("--json", dest="json_file", metavar="FICHIER", help="fichier JSON complet")
    p.set_defaults(handler=cmd_export)

    p = psub.add_parser("anonymise", parents=[common], help="anonymiser une personne (définitif)")
    p.add_argument("person", metavar="PERSONNE", help="identifiant, courriel ou « Nom Prénom »")
    p.add_argument("--yes", action="store_true", help="confirmer sans question")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_anonymise)

    p = psub.add_parser("due", parents=[common], help="personnes dont la durée de conservation est échue")
    p.add_argument("--date", type=_date, default=None, metavar="DATE", help="date de référence (aujourd'hui par défaut)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_due)

    audit = sub.add_parser("audit", help="journal des modifications")
    asub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    p = asub.add_parser("list", parents=[common], help="lister le journal (plus récent d'abord)")
    _audit_filter_args(p)
    p.add_argument("--offset", type=int, default=0, help="à partir de la n-ième entrée")
    p.add_argument("--limit", type=int, default=100, help="nombre d'entrées (100 par défaut)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_audit_list)

    p = asub.add_parser("export", parents=[common], help="exporter le journal en CSV (Excel)")
    p.add_argument("file", metavar="FICHIER.csv")
    _audit_filter_args(p)
    p.set_defaults(handler=cmd_audit_export)
