"""argparse speaking French: its messages go through ``gettext``; we translate them here."""

from __future__ import annotations

import argparse

_FR = {
    "usage: ": "utilisation : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "the following arguments are required: %s": "arguments obligatoires manquants : %s",
    "unrecognized arguments: %s": "arguments non reconnus : %s",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix invalide : %(value)r (choix possibles : %(choices)s)",
    "expected one argument": "une valeur est attendue",
    "invalid %(type)s value: %(value)r": "valeur invalide : %(value)r",
    "argument %(argument_name)s: %(message)s": "argument %(argument_name)s : %(message)s",
    "%(prog)s: error: %(message)s\n": "%(prog)s : erreur : %(message)s\n",
    "not allowed with argument %s": "incompatible avec l'argument %s",
    "ignored explicit argument %r": "argument explicite ignoré : %r",
    "ambiguous option: %(option)s could match %(matches)s":
        "option ambiguë : %(option)s peut désigner %(matches)s",
}


def _gettext(message: str) -> str:
    return _FR.get(message, message)


def install() -> None:
    """Make argparse's own messages French (idempotent)."""
    argparse._ = _gettext  # type: ignore[attr-defined]
    # ngettext is used for a few plural messages; keep the singular/plural choice.
    argparse.ngettext = lambda s, p, n: _gettext(s if n == 1 else p)  # type: ignore[attr-defined]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 0 page », « 1 page », « 3 pages »: the count and its words, agreed (French takes the
    singular for 0 and 1). ``plural_form`` is needed when the plural is not the singular plus
    « s » (« personnes invitées », « mises à jour »)."""
    return f"{count} {agree(count, singular, plural_form)}"


def agree(count: int, singular: str, plural_form: str | None = None) -> str:
    """The words alone, agreed with ``count`` (« invitée », « invitées »)."""
    return singular if count <= 1 else (plural_form or singular + "s")
