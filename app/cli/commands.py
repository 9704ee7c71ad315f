"""This issue's subcommands: init, demo, dump, check, backup, restore."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from app.errors import DatabaseError
from app.paths import default_db_path


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db) if getattr(args, "db", None) else default_db_path()


def _common() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    # SUPPRESS keeps a --db given before the command when none is given after it.
    parent.add_argument("--db", type=Path, default=argparse.SUPPRESS, help="base de données")
    return parent


def _json_out(data: object) -> None:
    json.dump(data, sys.stdout, ensure_ascii=False, indent=2, sort_keys=True)
    sys.stdout.write("\n")


def _progress_printer(enabled: bool):  # noqa: ANN202
    last = [0.0]

    def progress(done: int, total: int, message: str) -> None:
        now = time.monotonic()
        if enabled and (now - last[0] > 0.5 or done >= total):
            last[0] = now
            pct = 100 * done // max(total, 1)
            print(f"\r{pct:3d} % {message:<60}", end="", file=sys.stderr, flush=True)
            if done >= total:
                print(file=sys.stderr)

    return progress


def cmd_init(args: argparse.Namespace) -> int:
    from app.services.settings import set_site_name
    from app.services.workspace import open_workspace
    from app.storage.models import Organisation

    path = db_path(args)
    existed = path.exists()
    with open_workspace(path) as ws:
        if existed and ws.count(Organisation):
            raise DatabaseError(f"La base « {path} » existe déjà et contient des données.")
        if args.site_name:
            set_site_name(ws, args.site_name)
        result = {"path": str(path), "site_id": ws.site_id, "schema_version": ws.schema_version}
    if args.json:
        _json_out(result)
    else:
        print(f"Base créée : {path}")
        print(f"Identifiant du site : {result['site_id']}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from app.demo import generate
    from app.services.workspace import open_workspace

    path = db_path(args)
    with open_workspace(path) as ws:
        summary = generate(ws, scale=args.scale, progress=_progress_printer(sys.stderr.isatty()))
    if args.json:
        _json_out({"path": str(path), "counts": dict(summary.counts), "seconds": summary.elapsed})
    else:
        print(f"Base de démonstration ({args.scale}) créée : {path}")
        for table, n in sorted(summary.counts.items()):
            print(f"  {table:<22} {n:>9}")
        print(f"  en {summary.elapsed:.1f} s")
    return 0


def _open_existing(args: argparse.Namespace):  # noqa: ANN202
    from app.services.workspace import open_workspace

    path = db_path(args)
    if not path.exists():
        raise DatabaseError(
            f"Aucune base à l'emplacement « {path} ». Créez-en une avec « maillage init »."
        )
    return open_workspace(path, create=False)


def cmd_dump(args: argparse.Namespace) -> int:
    from app.services.dump import write_json

    if not args.json:
        raise DatabaseError("Seul le format JSON est disponible : ajoutez --json.")
    with _open_existing(args) as ws:
        write_json(ws, sys.stdout)
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from app.services.maintenance import check

    with _open_existing(args) as ws:
        report = check(ws)
    if args.json:
        _json_out(report.as_dict())
    else:
        print("Base saine." if report.ok else "Problèmes détectés :")
        print(f"  Intégrité : {report.integrity}")
        print(f"  Références cassées : {report.foreign_key_errors}")
        print(f"  Version du schéma : {report.schema_version} (attendue : {report.expected_schema_version})")
        for table, n in report.counts:
            print(f"  {table:<22} {n:>9}")
    return 0 if report.ok else 1


def cmd_backup(args: argparse.Namespace) -> int:
    with _open_existing(args) as ws:
        dest = ws.backup_to(Path(args.output))
    if args.json:
        _json_out({"backup": str(dest), "size": dest.stat().st_size})
    else:
        print(f"Sauvegarde enregistrée : {dest}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    from app.services.maintenance import restore

    target = db_path(args)
    safety = restore(Path(args.file), target)
    if args.json:
        _json_out({"restored": str(target), "safety_copy": str(safety) if safety else None})
    else:
        print(f"Base restaurée depuis « {args.file} ».")
        if safety:
            print(f"L'ancienne base a d'abord été copiée dans « {safety} ».")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    common = _common()

    p = sub.add_parser("init", parents=[common], help="créer une base vide")
    p.add_argument("--site-name", help="nom de cette antenne (ex. « Antenne de Puisaye »)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_init)

    p = sub.add_parser("demo", parents=[common], help="remplir une base avec des données de démonstration")
    p.add_argument("--scale", choices=("small", "large"), default="small",
                   help="small : un réseau réaliste ; large : 100 000 contacts (mesures)")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_demo)

    p = sub.add_parser("dump", parents=[common], help="exporter tous les enregistrements (JSON canonique)")
    p.add_argument("--json", action="store_true", help="sortie JSON (obligatoire)")
    p.set_defaults(handler=cmd_dump)

    p = sub.add_parser("check", parents=[common], help="vérifier l'intégrité de la base")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("backup", parents=[common], help="enregistrer une copie de sauvegarde")
    p.add_argument("-o", "--output", required=True, metavar="FICHIER", help="fichier de sauvegarde")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_backup)

    p = sub.add_parser("restore", parents=[common], help="remplacer la base par une sauvegarde vérifiée")
    p.add_argument("file", metavar="FICHIER", help="sauvegarde à restaurer")
    p.add_argument("--json", action="store_true", help="sortie JSON")
    p.set_defaults(handler=cmd_restore)
