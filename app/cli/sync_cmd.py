"""``maillage sync``: export, import, status, conflicts, resolve, restore, passphrase.

The network passphrase is never a command-line argument (it would end up in the shell
history and the process list): it comes from ``MAILLAGE_SYNC_PASSPHRASE`` or, in a terminal,
from a hidden prompt; otherwise the command stops with a French message.
"""

from __future__ import annotations

import argparse
import getpass
import json
import os
import sys
from pathlib import Path
from typing import Any

from app.cli.commands import _common, _json_out, _open_existing, _progress_printer
from app.cli.french import plural
from app.sync.errors import PassphraseRequired

ENV_PASSPHRASE = "MAILLAGE_SYNC_PASSPHRASE"


def read_passphrase(*, prompt: str = "Phrase de passe du réseau : ", confirm: bool = False) -> str:
    """The passphrase from the environment, or typed (hidden) in a terminal."""
    value = os.environ.get(ENV_PASSPHRASE)
    if value:
        return value
    if not sys.stdin.isatty():
        raise PassphraseRequired(
            "Phrase de passe du réseau requise : définissez la variable d'environnement "
            f"{ENV_PASSPHRASE} ou lancez la commande dans un terminal pour la saisir."
        )
    value = getpass.getpass(prompt)
    if confirm and getpass.getpass("Confirmez la phrase de passe : ") != value:
        raise PassphraseRequired("Les deux saisies de la phrase de passe diffèrent : rien n'a été modifié.")
    if not value:
        raise PassphraseRequired("Aucune phrase de passe saisie : rien n'a été fait.")
    return value


def _progress(args: argparse.Namespace):  # noqa: ANN202
    return _progress_printer(sys.stderr.isatty() and not args.json)


def cmd_export(args: argparse.Namespace) -> int:
    from app.sync.service import export_file

    passphrase = read_passphrase()
    with _open_existing(args) as ws:
        report = export_file(ws, Path(args.output), to_site=args.to, full=args.full,
                             passphrase=passphrase, progress=_progress(args))
    if args.json:
        _json_out(report.as_dict())
    else:
        whom = f" pour « {report.target_name or report.target_site_id} »" if report.target_site_id else ""
        kind = "complet" if report.full else "des changements"
        print(f"Fichier {kind}{whom} enregistré : {report.path}")
        print(f"  {plural(report.rows, 'enregistrement')}, {plural(report.blobs, 'image')}, "
              f"{plural(report.size, 'octet')}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.sync.service import import_file

    passphrase = read_passphrase()
    with _open_existing(args) as ws:
        report = import_file(ws, Path(args.file), passphrase=passphrase, progress=_progress(args))
    if args.json:
        _json_out(report.as_dict())
        return 0
    origin = report.origin_name or report.origin_site_id
    if report.own_file:
        print("Ce fichier a été préparé sur cette machine : rien à importer.")
    elif report.already_imported:
        print(f"Fichier de « {origin} » déjà importé : rien n'a changé.")
    else:
        print(f"Fichier de « {origin} » importé.")
        print(f"  créés : {report.created}, mis à jour : {report.updated}, inchangés : {report.skipped}")
        if report.blobs:
            print(f"  images reçues : {report.blobs}")
        if report.conflicts:
            print(f"  conflits à examiner : {report.conflicts} (maillage sync conflicts)")
        if report.duplicates:
            print(f"  doublons possibles à examiner : {report.duplicates}")
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from app.sync.service import status

    with _open_existing(args) as ws:
        st = status(ws)
    if args.json:
        _json_out(st.as_dict())
        return 0
    print(f"Cette machine : {st.site_name or '(sans nom)'} — {st.site_id}")
    if not st.has_passphrase:
        print("Aucune phrase de passe du réseau enregistrée (maillage sync passphrase).")
    if not st.peers:
        print("Aucune autre machine connue : importez un fichier d'une autre machine.")
    for p in st.peers:
        last_in = p.last_import_at.strftime("%d/%m/%Y %H:%M") if p.last_import_at else "jamais"
        last_out = p.last_export_at.strftime("%d/%m/%Y %H:%M") if p.last_export_at else "jamais"
        print(f"  {p.name or '(sans nom)'} — {p.site_id}")
        print(f"    dernier fichier reçu : {last_in} ; dernier fichier préparé : {last_out}")
        print(f"    a vu de cette machine jusqu'à l'écriture n° {p.acked.get(st.site_id, 0)}")
    return 0


def _value(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False) if not isinstance(v, str) else f"« {v} »"


def cmd_conflicts(args: argparse.Namespace) -> int:
    from app.sync.service import conflicts

    with _open_existing(args) as ws:
        found = conflicts(ws)
    if args.json:
        _json_out([
            {"table": c.table, "record_id": c.record_id, "field": c.field, "kind": c.kind,
             "label": c.label, "message": c.message, "shown": c.shown,
             "values": [{"value": v.value, "site_id": v.site_id, "site_name": v.site_name,
                         "hlc": v.hlc, "field": v.field} for v in c.values]}
            for c in found
        ])
        return 0
    if not found:
        print("Aucun conflit.")
    for c in found:
        print(f"{c.table} {c.record_id} ({c.label}) — {c.field} : {c.message}")
        for v in c.values:
            when = v.at.astimezone().strftime("%d/%m/%Y %H:%M") if v.at else "?"
            shown = " (affichée)" if v is c.values[0] else ""
            what = f"{v.field} = " if c.kind == "suppression" else ""
            print(f"    {what}{_value(v.value)} — {v.site_name or v.site_id} le {when}{shown}")
    return 0


def cmd_resolve(args: argparse.Namespace) -> int:
    from app.sync.service import resolve_conflict

    try:
        value = json.loads(args.value)
    except ValueError:
        value = args.value  # plain text
    with _open_existing(args) as ws:
        resolve_conflict(ws, args.table, args.record_id, args.field, value)
    print("Conflit résolu : la valeur retenue partira avec les prochains fichiers.")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.sync.service import restore_deleted

    with _open_existing(args) as ws:
        changes = restore_deleted(ws, args.table, args.record_id)
    print("Enregistrement rétabli." if changes else "Cet enregistrement n'était pas supprimé.")
    return 0


def cmd_passphrase(args: argparse.Namespace) -> int:
    from app.sync.service import has_network_passphrase, set_network_passphrase

    with _open_existing(args) as ws:
        existed = has_network_passphrase(ws)
        passphrase = read_passphrase(prompt="Nouvelle phrase de passe du réseau : ", confirm=True)
        set_network_passphrase(ws, passphrase)
    if existed:
        print("Phrase de passe du réseau changée sur cette machine : changez-la aussi sur les autres.")
    else:
        print("Phrase de passe du réseau enregistrée.")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    common = _common()
    p = sub.add_parser("sync", parents=[common], help="synchronisation par fichier entre antennes et siège")
    ssub = p.add_subparsers(dest="sync_command", metavar="ACTION", required=True)

    c = ssub.add_parser("export", parents=[common], help="préparer un fichier pour une autre machine")
    c.add_argument("-o", "--output", required=True, metavar="FICHIER", help="fichier à créer (ex. sur la clé USB)")
    c.add_argument("--to", metavar="MACHINE", help="machine destinataire (nom ou identifiant) : seulement ce qu'elle n'a pas encore")
    c.add_argument("--full", action="store_true", help="tout mettre dans le fichier")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_export)

    c = ssub.add_parser("import", parents=[common], help="importer le fichier d'une autre machine")
    c.add_argument("file", metavar="FICHIER", help="fichier de synchronisation")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_import)

    c = ssub.add_parser("status", parents=[common], help="machines connues, accusés de réception, derniers fichiers")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_status)

    c = ssub.add_parser("conflicts", parents=[common], help="conflits ouverts")
    c.add_argument("--json", action="store_true", help="sortie JSON")
    c.set_defaults(handler=cmd_conflicts)

    c = ssub.add_parser("resolve", parents=[common], help="résoudre un conflit en gardant une valeur")
    c.add_argument("table", metavar="TABLE")
    c.add_argument("record_id", metavar="IDENTIFIANT")
    c.add_argument("field", metavar="CHAMP")
    c.add_argument("value", metavar="VALEUR", help="valeur retenue (JSON, ou texte simple)")
    c.set_defaults(handler=cmd_resolve)

    c = ssub.add_parser("restore", parents=[common], help="rétablir un enregistrement supprimé")
    c.add_argument("table", metavar="TABLE")
    c.add_argument("record_id", metavar="IDENTIFIANT")
    c.set_defaults(handler=cmd_restore)

    c = ssub.add_parser("passphrase", parents=[common],
                        help=f"enregistrer ou changer la phrase de passe du réseau (saisie, ou {ENV_PASSPHRASE})")
    c.set_defaults(handler=cmd_passphrase)
