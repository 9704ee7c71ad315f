"""The command line (``maillage COMMAND``): no Qt, no display; errors in French on stderr.

Each command module exposes ``register(subparsers)`` which adds its parser and sets
``handler`` (a function ``(args) -> int``). Machine-readable output is JSON with ``--json``.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import sys
from pathlib import Path

from app.cli.french import install as _install_french
from app.errors import MaillageError

# Every top-level command name (the launcher uses this list to tell the GUI from the CLI
# without importing anything heavy). Keep in step with the modules below.
COMMANDS = (
    "init", "demo", "dump", "check", "backup", "restore",
    "partners", "contacts", "meetings", "sheet", "minutes", "convention", "conventions",
    "sync", "report", "privacy", "audit",
)

# Command modules, each with ``register(subparsers)``. A module not written yet is skipped,
# so features land one module at a time.
MODULES = (
    "app.cli.commands",
    "app.cli.partners_cmd",
    "app.cli.meetings_cmd",
    "app.cli.documents_cmd",
    "app.cli.conventions_cmd",
    "app.cli.sync_cmd",
    "app.cli.report_cmd",
    "app.cli.privacy_cmd",
)


def build_parser() -> argparse.ArgumentParser:
    _install_french()

    parser = argparse.ArgumentParser(
        prog="maillage",
        description="Maillage en ligne de commande (sans affichage).",
    )
    parser.add_argument(
        "--db", type=Path, help="base de données (par défaut : MAILLAGE_DB ou le dossier de l'utilisateur)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMANDE", required=True)
    for name in MODULES:
        if importlib.util.find_spec(name) is not None:
            importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except MaillageError as exc:
        print(f"Erreur : {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("Interrompu.", file=sys.stderr)
        return 130
    except BrokenPipeError:  # e.g. ``maillage dump --json | head``
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
