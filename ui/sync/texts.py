"""What the Synchronisation view says: dates, values, field names and summaries, in French.

Pure functions over the plain data of :mod:`app.sync.service` (no widgets), so the wording is
tested on its own.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from app.domain import formatting as fmt
from app.services.audit import FIELD_LABELS, TABLE_LABELS
from app.sync.service import Conflict, ConflictValue, ExportReport, ImportReport

NBSP = fmt.NBSP
EMPTY = "(vide)"
FILE_SUFFIX = ".msync"
FILE_FILTER = "Fichiers de synchronisation Maillage (*.msync);;Tous les fichiers (*)"
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def local(value: dt.datetime | None) -> dt.datetime | None:
    """An aware time (UTC) as this computer's wall clock; naive times are already local."""
    if value is None or value.tzinfo is None:
        return value
    return value.astimezone().replace(tzinfo=None)


def when(value: dt.datetime | None, never: str = "jamais") -> str:
    """« mardi 12 mai 2026 à 14 h 05 » (``never`` for no time)."""
    value = local(value)
    if value is None:
        return never
    return f"{fmt.date_long(value.date())} à {fmt.time_short(value.time())}"


def table_label(table: str) -> str:
    """« Structure », « Contact », « Réunion »… (the table name when unknown)."""
    return TABLE_LABELS.get(table, table)


def field_label(field: str) -> str:
    """« Code postal », « Courriel »… with a capital letter."""
    text = FIELD_LABELS.get(field, field.replace("_", " "))
    return text[:1].upper() + text[1:]


def value_text(value: Any, field: str = "") -> str:
    """A competing value as a person reads it."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, int) and field.endswith("_cents"):
        return fmt.money(value)
    if isinstance(value, (int, float)):
        return fmt.number(value)
    if isinstance(value, (list, tuple)):
        return ", ".join(value_text(v) for v in value) or EMPTY
    if isinstance(value, str) and _ISO_DATE.match(value):
        try:
            return fmt.date_short(dt.date.fromisoformat(value))
        except ValueError:
            return value
    return str(value)


def site_text(v: ConflictValue) -> str:
    """The machine a value comes from (its name, or the start of its id)."""
    return v.site_name or f"site {v.site_id[:8]}"


def is_deletion(conflict: Conflict) -> bool:
    return conflict.field == "deleted"


def record_text(conflict: Conflict) -> str:
    """« Structure « Régie de quartier » »."""
    return f"{table_label(conflict.table)} «{NBSP}{conflict.label}{NBSP}»"


def conflict_field_text(conflict: Conflict) -> str:
    return "Suppression" if is_deletion(conflict) else field_label(conflict.field)


def deletion_value_text(v: ConflictValue) -> str:
    """One side of a deletion conflict: the deletion, a restore, or a concurrent edit."""
    if v.field == "deleted":
        return "Supprimé" if v.value else "Restauré"
    return f"{field_label(v.field)}{NBSP}: {value_text(v.value, v.field)}"


def competing_text(conflict: Conflict) -> str:
    """The competing values on one line: « Régie (Siège) / Régie Sud (Avallon) »."""
    parts = []
    for v in conflict.values:
        shown = deletion_value_text(v) if is_deletion(conflict) else value_text(v.value, conflict.field)
        parts.append(f"{shown} ({site_text(v)})")
    return " / ".join(parts)


def typed_kind(conflict: Conflict) -> str | None:
    """How a new value for this field is typed: ``text``, ``int``, ``date`` or ``None`` (only
    one of the competing values may be kept: yes/no fields, lists, deletions)."""
    if is_deletion(conflict):
        return None
    values = [v.value for v in conflict.values if v.value is not None]
    if any(isinstance(v, (bool, list, dict, float)) for v in values):
        return None
    if values and all(isinstance(v, int) for v in values):
        return None if conflict.field.endswith("_cents") else "int"
    if values and all(isinstance(v, str) and _ISO_DATE.match(v) for v in values):
        return "date"
    return "text"


def parse_typed(conflict: Conflict, text: str) -> Any:
    """The value typed by the user, in the field's form; ``ValueError`` with a French
    message when it cannot be read."""
    kind = typed_kind(conflict)
    text = text.strip()
    if kind == "int":
        try:
            return int(text.replace(" ", "").replace(NBSP, ""))
        except ValueError:
            raise ValueError("Saisissez un nombre entier.") from None
    if kind == "date":
        match = _FR_DATE.match(text)
        try:
            if match:
                day, month, year = (int(x) for x in match.groups())
                return dt.date(year, month, day).isoformat()
            return dt.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValueError("Saisissez une date au format jj/mm/aaaa.") from None
    return text


# --- summaries -------------------------------------------------------------------------------

def _size(n: int) -> str:
    if n < 1024:
        return f"{fmt.number(n)}{NBSP}octets"
    if n < 1024 * 1024:
        return f"{fmt.number(round(n / 1024))}{NBSP}ko"
    return f"{fmt.number(round(n / (1024 * 1024), 1))}{NBSP}Mo"


def export_summary(report: ExportReport) -> str:
    """What the file holds and where it is, for the end of « Préparer un fichier pour… »."""
    target = "tous les sites (fichier complet)" if report.full and not report.target_site_id \
        else (report.target_name or "tous les sites connus")
    rows = fmt.plural(report.rows, "enregistrement")
    images = f", {fmt.plural(report.blobs, 'image')}" if report.blobs else ""
    return (f"Fichier prêt pour {target}{NBSP}: {rows}{images}, {_size(report.size)}.\n"
            f"Enregistré dans «{NBSP}{report.path}{NBSP}». Vous pouvez le copier sur une clé "
            "USB ou l'envoyer par courriel\u00a0: il est chiffré.")


def _counted(n: int, one: str, many: str) -> str:
    return f"{fmt.number(n)}{NBSP}{one if n <= 1 else many}"


def import_summary(report: ImportReport) -> str:
    """« Fichier de Siège : 3 créés, 1 mis à jour, 40 inchangés, 1 conflit, 0 doublon… »."""
    origin = report.origin_name or "un site sans nom"
    if report.own_file:
        return "Ce fichier a été préparé par ce poste\u00a0: il n'y a rien à importer."
    if report.already_imported:
        return (f"Ce fichier de «{NBSP}{origin}{NBSP}» avait déjà été importé\u00a0: "
                "rien n'a changé.")
    lines = [
        f"Fichier de «{NBSP}{origin}{NBSP}» importé.",
        "",
        f"Créés{NBSP}: {fmt.number(report.created)}",
        f"Mis à jour{NBSP}: {fmt.number(report.updated)}",
        f"Inchangés{NBSP}: {fmt.number(report.skipped)}",
        f"Conflits{NBSP}: {fmt.number(report.conflicts)}",
        f"Doublons possibles à vérifier{NBSP}: {fmt.number(report.duplicates)}",
    ]
    todo = []
    if report.conflicts:
        todo.append("les conflits sont listés dans l'onglet «\u00a0Conflits\u00a0»")
    if report.duplicates:
        todo.append("les doublons dans l'onglet «\u00a0Doublons à vérifier\u00a0»")
    if todo:
        text = "\u00a0; ".join(todo)
        lines += ["", text[:1].upper() + text[1:] + "."]
    return "\n".join(lines)


def import_status(report: ImportReport) -> str:
    """One line for the status bar."""
    if report.own_file or report.already_imported:
        return "Fichier déjà connu\u00a0: rien n'a changé."
    return (f"Synchronisation importée{NBSP}: {_counted(report.created, 'créé', 'créés')}, "
            f"{_counted(report.updated, 'mis à jour', 'mis à jour')}, "
            f"{_counted(report.conflicts, 'conflit', 'conflits')}.")
