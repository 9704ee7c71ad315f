"""``maillage convention CONVENTION -o FILE.pdf`` and ``maillage conventions list|alerts``."""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from app.cli.commands import _common, _json_out, _open_existing
from app.errors import ValidationError


def _date(text: str) -> dt.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)")


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def cmd_convention(args: argparse.Namespace) -> int:
    from app.documents.convention import write_convention_pdf

    out = Path(args.output)
    if out.suffix.lower() != ".pdf":
        raise ValidationError("Le fichier de sortie doit finir par .pdf.", field="output")
    with _open_existing(args) as ws:
        result = write_convention_pdf(ws, args.convention, out)
    if args.json:
        _json_out({"output": str(result.path), "pages": result.pages})
    else:
        print(f"Convention enregistrée : {result.path} ({result.pages} page"
              f"{'s' if result.pages > 1 else ''})")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from app.services.conventions import ConventionFilter, list_conventions

    filters = ConventionFilter(kind=args.kind, status=args.status, year=args.year,
                               search=args.search or "")
    with _open_existing(args) as ws:
        rows = list_conventions(ws, filters)
    if args.json:
        _json_out([
            {
                "id": r.id, "number": r.number, "title": r.title, "kind": r.kind,
                "partners": r.partners, "amount_cents": r.amount_cents,
                "start_date": _iso(r.start_date), "end_date": _iso(r.end_date),
                "status": r.status, "next_deadline": _iso(r.next_deadline),
                "parent_id": r.parent_id,
            }
            for r in rows
        ])
        return 0
    if not rows:
        print("Aucune convention.")
        return 0
    for r in rows:
        print(f"{r.number:<20} {r.status_label:<24} {r.amount:>16}  {r.period:<25} {r.title}")
        if r.partners:
            print(f"{'':<20} avec {r.partners}")
        if r.next_deadline_label:
            print(f"{'':<20} prochaine échéance : {r.next_deadline_label}")
    return 0


def cmd_alerts(args: argparse.Namespace) -> int:
    from app.services.conventions import alerts

    with _open_existing(args) as ws:
        found = alerts(ws, args.today)
    if args.json:
        _json_out([
            {"code": a.code, "convention_id": a.record_id, "title": a.title,
             "message": a.message, "date": _iso(a.date), "related_ids": list(a.related_ids)}
            for a in found
        ])
        return 0
    if not found:
        print("Aucune alerte sur les conventions.")
    for a in found:
        print(f"{a.title}\n  {a.message}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    from app.domain import labels

    common = _common()

    p = sub.add_parser("convention", parents=[common], help="imprimer une convention (PDF)")
    p.add_argument("convention", metavar="CONVENTION", help="numéro ou identifiant de la convention")
    p.add_argument("-o", "--output", required=True, metavar="FICHIER", help="FICHIER.pdf")
    p.add_argument("--json", action="store_true", help="résumé en JSON")
    p.set_defaults(handler=cmd_convention)

    p = sub.add_parser("conventions", parents=[common], help="lister les conventions, leurs alertes")
    actions = p.add_subparsers(dest="conventions_command", metavar="ACTION", required=True)

    q = actions.add_parser("list", parents=[common], help="lister les conventions")
    q.add_argument("--kind", choices=sorted(labels.CONVENTION_KINDS), help="type de convention")
    q.add_argument("--status", choices=sorted(labels.CONVENTION_STATUSES), help="statut")
    q.add_argument("--year", type=int, metavar="ANNÉE", help="période couvrant cette année")
    q.add_argument("--search", metavar="TEXTE", help="numéro, intitulé ou partenaire")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(handler=cmd_list)

    q = actions.add_parser("alerts", parents=[common], help="conventions qui demandent une action")
    q.add_argument("--today", type=_date, metavar="DATE", help="date de référence (par défaut : aujourd'hui)")
    q.add_argument("--json", action="store_true", help="sortie JSON")
    q.set_defaults(handler=cmd_alerts)
