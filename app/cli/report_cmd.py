"""``maillage report``: the bilan of an action as XLSX or PDF."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from app.cli.commands import _common, _open_existing
from app.errors import ValidationError


def _date(text: str) -> dt.date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"date invalide « {text} » (attendu : AAAA-MM-JJ ou JJ/MM/AAAA)")


def cmd_report(args: argparse.Namespace) -> int:
    from app.services.reports import Period, build_report, resolve_action

    out = Path(args.output)
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise ValidationError("Le fichier de sortie doit finir par .xlsx ou .pdf.", field="output")
    if args.date_from and args.date_to and args.date_from > args.date_to:
        raise ValidationError("La date de début est après la date de fin.", field="from")
    with _open_existing(args) as ws:
        action_id = None if args.action in ("toutes", "all") else resolve_action(ws, args.action)
        report = build_report(ws, action_id, Period(args.date_from, args.date_to))
        if suffix == ".xlsx":
            from app.reporting.xlsx import write_xlsx

            write_xlsx(report, out)
        else:
            from app.reporting.pdf import write_pdf

            write_pdf(ws, report, out)
    if args.json:
        json.dump({"output": str(out), "meetings_held": report.meetings_held,
                   "distinct_participants": report.distinct_participants,
                   "distinct_structures": report.distinct_structures, "hours": report.hours},
                  sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(f"Bilan enregistré : {out}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", parents=[_common()], help="bilan d'une action (XLSX ou PDF)")
    p.add_argument("--action", required=True,
                   help="code, identifiant ou début d'intitulé de l'action (« toutes » pour toutes)")
    p.add_argument("--from", dest="date_from", type=_date, metavar="DATE", help="début de période")
    p.add_argument("--to", dest="date_to", type=_date, metavar="DATE", help="fin de période")
    p.add_argument("-o", "--output", required=True, metavar="FICHIER", help="FICHIER.xlsx ou FICHIER.pdf")
    p.add_argument("--json", action="store_true", help="résumé en JSON")
    p.set_defaults(handler=cmd_report)
