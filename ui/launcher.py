"""The ``maillage`` command: the GUI, or a command-line subcommand.

This module imports no Qt: command-line subcommands run with no display, and the GUI is
imported only when it is asked for.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class GuiOptions:
    db: Path | None = None
    demo: bool = False
    screenshot: Path | None = None
    view: str | None = None
    bench_first_paint: bool = False


def _gui_parser() -> argparse.ArgumentParser:
    from app.cli.french import install

    install()
    parser = argparse.ArgumentParser(
        prog="maillage",
        description="Maillage : partenaires, réunions, émargement, conventions et bilans.",
        epilog="Commandes : init, demo, dump, check, backup, restore "
        "(« maillage COMMANDE --help » pour le détail).",
    )
    parser.add_argument("--db", type=Path, help="fichier de base de données à ouvrir")
    parser.add_argument("--demo", action="store_true", help="ouvrir la base de démonstration")
    parser.add_argument("--screenshot", type=Path, metavar="FICHIER.png",
                        help="enregistrer une capture de la fenêtre puis quitter")
    parser.add_argument("--view", metavar="VUE",
                        help="section à afficher (structures, contacts, reunions…)")
    parser.add_argument("--bench-first-paint", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--version", action="store_true", help="afficher la version")
    return parser


_VALUE_OPTIONS = {"--db", "--screenshot", "--view"}


def _first_positional(argv: list[str]) -> str | None:
    """The first argument that is neither an option nor an option's value."""
    skip = False
    for arg in argv:
        if skip:
            skip = False
            continue
        if arg in _VALUE_OPTIONS:
            skip = True
            continue
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    from app.cli import COMMANDS, main as cli_main

    if _first_positional(argv) in COMMANDS:
        # A subcommand after global options (e.g. ``--db X dump --json``).
        return cli_main(argv)
    args = _gui_parser().parse_args(argv)
    if args.version:
        from app import __version__

        print(f"Maillage {__version__}")
        return 0
    from ui.main import run

    return run(
        GuiOptions(
            db=args.db,
            demo=args.demo,
            screenshot=args.screenshot,
            view=args.view,
            bench_first_paint=args.bench_first_paint,
        )
    )


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
