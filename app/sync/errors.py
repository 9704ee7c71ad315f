"""Typed sync errors, each with a stable code and a French message for the user.

Every refusal of a file raises one of these *before* the database is touched (or inside the
single import transaction, which is then rolled back): the caller can show ``message`` as is.
"""

from __future__ import annotations

from app.errors import MaillageError


class SyncError(MaillageError):
    """Base of every sync error."""

    code = "synchronisation"


class WrongPassphrase(SyncError):
    """The file was encrypted with another network passphrase."""

    code = "phrase-de-passe-incorrecte"


class PassphraseRequired(SyncError):
    """No passphrase given (or none usable)."""

    code = "phrase-de-passe-requise"


class NotASyncFile(SyncError):
    """Not a Maillage sync file at all (wrong magic, unreadable header)."""

    code = "fichier-inconnu"


class DamagedFile(SyncError):
    """Truncated, corrupted or tampered with: refused as a whole."""

    code = "fichier-endommage"


class UnsafeFile(DamagedFile):
    """Unexpected or dangerous content (extra entries, path tricks, decompression bombs)."""

    code = "fichier-dangereux"


class BadSignature(DamagedFile):
    """The origin machine's signature does not match the manifest."""

    code = "signature-invalide"


class UnknownSigningKey(SyncError):
    """The file is signed by another key than the one pinned for its origin machine."""

    code = "cle-inconnue"


class FormatTooNew(SyncError):
    """Written by a newer Maillage (file format or database schema)."""

    code = "format-trop-recent"


class UnknownPeer(SyncError):
    """``--to SITE`` names no known machine (or several)."""

    code = "machine-inconnue"


class SyncCancelled(SyncError):
    """The user cancelled: nothing was written."""

    code = "annule"

    def __init__(self, message: str = "Opération annulée : rien n'a été modifié.") -> None:
        super().__init__(message)
