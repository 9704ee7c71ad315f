"""``maillage partners import|export FILE`` and ``maillage contacts import|export FILE``.

Import: every line is checked first; nothing is written unless the whole file is accepted
(or ``--skip-invalid``). Exit code 1 when lines are rejected and nothing was written
because of them (with ``--skip-invalid``: when no line at all was valid).
``--json`` prints ``{"accepted", "rejected": [{"line", "field", "reason"}], "created",
"updated", …}``. Export: CSV or XLSX by the file's extension (``.vcf`` for contacts: the
vCards of the contacts who gave their consent).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from app.cli.commands import _common, _json_out, _open_existing, _progress_printer
from app.cli.french import agree
from app.cli.french import plural as _plural

_WHAT = {"organisations": ("structure", "structures"), "people": ("contact", "contacts")}
_CREATED = {"organisations": ("structure créée", "structures créées"),
            "people": ("contact créé", "contacts créés")}


def _print_report(target: str, report) -> None:  # noqa: ANN001
    from app.io.partners_import import ORGANISATION_FIELDS, PERSON_FIELDS

    names = ORGANISATION_FIELDS if target == "organisations" else PERSON_FIELDS
    one, many = _WHAT[target]
    rejected_lines = report.rejected_lines
    print(f"{_plural(report.accepted, 'ligne acceptée', 'lignes acceptées')}, "
          f"{_plural(rejected_lines, 'ligne rejetée', 'lignes rejetées')}.")
    for issue in report.rejected:
        label = names.get(issue.field, issue.field)
        print(f"  Ligne {issue.line} — {label} : {issue.reason}")
    for issue in report.existing[:20]:
        print(f"  Ligne {issue.line} — {issue.reason}")
    if len(report.existing) > 20:
        print(f"  … et {len(report.existing) - 20} autres lignes déjà présentes.")
    if report.dry_run:
        print(f"Essai à blanc : rien n'a été enregistré ({_plural(report.created, one, many)} "
              "à créer).")
    elif report.written:
        print(f"Enregistré : {_plural(report.created, *_CREATED[target])}, "
              f"{_plural(report.updated, 'mise à jour', 'mises à jour')}.")
        if getattr(report, "structures_created", 0):
            print(f"  dont {_plural(report.structures_created, 'structure créée', 'structures créées')} "
                  "d'après la colonne « Structure ».")
    elif report.rejected:
        print("Rien n'a été enregistré : corrigez les lignes rejetées, ou relancez avec "
              "--skip-invalid pour enregistrer les lignes valides.", file=sys.stderr)
    else:
        print("Rien à enregistrer.")


def _import(target: str, args: argparse.Namespace) -> int:
    from app.io.partners_import import import_organisations, import_people

    run = import_organisations if target == "organisations" else import_people
    with _open_existing(args) as ws:
        report = run(
            ws, Path(args.file), dry_run=args.dry_run, skip_invalid=args.skip_invalid,
            update_existing=args.update_existing,
            progress=None if args.json else _progress_printer(sys.stderr.isatty()),
        )
    if args.json:
        _json_out(report.as_dict())
    else:
        _print_report(target, report)
    # Non-zero when rejected lines kept the file from being imported: without
    # --skip-invalid nothing is written; with it, only when no line at all was valid.
    return 1 if report.rejected and (not args.skip_invalid or report.accepted == 0) else 0


def _export(target: str, args: argparse.Namespace) -> int:
    from app.io import export

    path = Path(args.file)
    with _open_existing(args) as ws:
        if target == "people" and path.suffix.lower() == ".vcf":
            from sqlalchemy import select

            from app.storage.models import Person

            with ws.unit() as s:
                ids = list(s.execute(select(Person.id).where(
                    Person.deleted.is_(False), Person.merged_into.is_(None))).scalars())
            result = export.export_vcards(ws, path, ids)
        elif target == "organisations":
            result = export.export_organisations(ws, path)
        else:
            result = export.export_people(ws, path)
    if args.json:
        _json_out({"path": str(result.path), "count": result.count, "excluded": result.excluded})
    else:
        done = {"organisations": ("structure exportée", "structures exportées"),
                "people": ("contact exporté", "contacts exportés")}[target]
        print(f"{_plural(result.count, *done)} dans « {result.path} ».")
        if result.excluded:
            print(f"{_plural(result.excluded, 'contact')} sans consentement enregistré "
                  f"{agree(result.excluded, 'laissé')} de côté.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    common = _common()
    for command, target, what in (
        ("partners", "organisations", "les structures partenaires"),
        ("contacts", "people", "les contacts"),
    ):
        parser = sub.add_parser(command, parents=[common], help=f"importer ou exporter {what}")
        actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

        p = actions.add_parser("import", parents=[common],
                               help=f"importer {what} d'un fichier CSV ou XLSX")
        p.add_argument("file", metavar="FICHIER", help="fichier .csv ou .xlsx")
        p.add_argument("--dry-run", action="store_true",
                       help="vérifier le fichier sans rien enregistrer")
        p.add_argument("--skip-invalid", action="store_true",
                       help="enregistrer les lignes valides même si d'autres sont rejetées")
        p.add_argument("--update-existing", action="store_true",
                       help="mettre à jour les fiches déjà présentes (même SIRET ou courriel)")
        p.add_argument("--json", action="store_true", help="rapport JSON")
        p.set_defaults(handler=lambda a, t=target: _import(t, a))

        p = actions.add_parser("export", parents=[common],
                               help=f"exporter {what} (CSV ou XLSX selon l'extension)")
        p.add_argument("file", metavar="FICHIER",
                       help="fichier .csv ou .xlsx" + (" (ou .vcf)" if target == "people" else ""))
        p.add_argument("--json", action="store_true", help="sortie JSON")
        p.set_defaults(handler=lambda a, t=target: _export(t, a))
