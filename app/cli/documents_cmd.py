"""``maillage sheet`` (feuille d'émargement) and ``maillage minutes`` (compte rendu)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.commands import _common, _json_out, _open_existing, _progress_printer
from app.cli.french import plural


def cmd_sheet(args: argparse.Namespace) -> int:
    from app.documents.sheet import write_attendance_sheet
    from app.services.meetings import resolve_meeting

    blank = args.blank_rows if args.blank_rows is not None else (0 if args.signed else 5)
    with _open_existing(args) as ws:
        meeting_id = resolve_meeting(ws, args.meeting)
        result = write_attendance_sheet(
            ws, meeting_id, Path(args.output), blank_rows=blank, signed=args.signed,
            progress=_progress_printer(sys.stderr.isatty() and not args.json),
        )
    if args.json:
        _json_out({"path": str(result.path), "pages": result.pages, "meeting_id": meeting_id,
                   "sheets": [list(g) for g in result.groups]})
    else:
        print(f"Feuille d'émargement enregistrée : {result.path} ({plural(result.pages, 'page')})")
    return 0


def cmd_minutes(args: argparse.Namespace) -> int:
    from app.documents.minutes import write_minutes
    from app.services.meetings import resolve_meeting

    with _open_existing(args) as ws:
        meeting_id = resolve_meeting(ws, args.meeting)
        result = write_minutes(ws, meeting_id, Path(args.output))
    if args.json:
        _json_out({"path": str(result.path), "pages": result.pages, "meeting_id": meeting_id})
    else:
        print(f"Compte rendu enregistré : {result.path} ({plural(result.pages, 'page')})")
    return 0


def _blank_rows(text: str) -> int:
    try:
        value = int(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"nombre invalide « {text} »") from exc
    if not 0 <= value <= 200:
        raise argparse.ArgumentTypeError("entre 0 et 200 lignes vierges")
    return value


def register(sub: argparse._SubParsersAction) -> None:
    common = _common()
    p = sub.add_parser("sheet", parents=[common], help="feuille d'émargement (PDF)")
    p.add_argument("meeting", metavar="REUNION", help="identifiant, référence (CP4) ou début du titre")
    p.add_argument("-o", "--output", required=True, metavar="FICHIER.pdf")
    p.add_argument("--blank-rows", type=_blank_rows, default=None,
                   help="lignes vierges pour les personnes non inscrites (5 par défaut, 0 si --signed)")
    p.add_argument("--signed", action="store_true",
                   help="exemplaire signé : signatures recueillies, absents, excusés, scellements")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_sheet)

    p = sub.add_parser("minutes", parents=[common], help="compte rendu de réunion (PDF)")
    p.add_argument("meeting", metavar="REUNION", help="identifiant, référence (CP4) ou début du titre")
    p.add_argument("-o", "--output", required=True, metavar="FICHIER.pdf")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_minutes)
