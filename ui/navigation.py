"""The sections of the main window, in navigation order, and the names that select them.

No Qt here: ``ui.main`` resolves ``--view NAME`` before it loads Qt, so a typo fails fast.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    """One entry of the left navigation.

    ``list_view`` names the list of :mod:`app.services.lists` the section shows (``None`` for
    the Tableau de bord); ``archived`` says whether it offers « Afficher les archivés ».
    """

    key: str
    label: str
    heading: str
    list_view: str | None = None
    archived: bool = False


SECTIONS: tuple[Section, ...] = (
    Section("tableau-de-bord", "Tableau de bord", "Tableau de bord"),
    Section("structures", "Structures", "Structures", "structures", archived=True),
    Section("contacts", "Contacts", "Contacts", "contacts", archived=True),
    Section("reunions", "Réunions", "Réunions", "reunions"),
    Section("conventions", "Conventions", "Conventions", "conventions"),
    Section("bilans", "Bilans", "Actions et indicateurs", "actions"),
    Section("synchronisation", "Synchronisation", "Synchronisation", "pairs"),
)

# English names (and the list names of the services) accepted by ``--view``.
ALIASES: dict[str, str] = {
    "dashboard": "tableau-de-bord",
    "accueil": "tableau-de-bord",
    "organisations": "structures",
    "partenaires": "structures",
    "people": "contacts",
    "personnes": "contacts",
    "meetings": "reunions",
    "reports": "bilans",
    "actions": "bilans",
    "sync": "synchronisation",
    "pairs": "synchronisation",
}


class UnknownSection(KeyError):
    """``--view`` named no section; ``message`` says so in French and lists the names."""

    def __init__(self, name: str) -> None:
        super().__init__(name)
        choices = ", ".join(s.key for s in SECTIONS)
        self.message = f"Vue inconnue : « {name} ». Vues possibles : {choices}."

    def __str__(self) -> str:
        return self.message


def _plain(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().lower())
    text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text.replace("_", "-").replace(" ", "-")


def resolve_section(name: str) -> Section:
    """The section called ``name`` (French key, English alias, any case, accents optional)."""
    key = _plain(name)
    key = ALIASES.get(key, key)
    for section in SECTIONS:
        if section.key == key:
            return section
    raise UnknownSection(name)


def section_index(key: str) -> int:
    return [s.key for s in SECTIONS].index(key)


def section_for_list(list_view: str) -> Section:
    """The section showing the service list ``list_view`` (``reunions``, ``conventions``…)."""
    for section in SECTIONS:
        if section.list_view == list_view:
            return section
    raise UnknownSection(list_view)
