"""Errors raised by ``app``: each carries a stable code and a French message for the user."""

from __future__ import annotations


class MaillageError(Exception):
    """Base error. ``message`` is shown to the user as is (French)."""

    code = "erreur"

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code

    def __str__(self) -> str:
        return self.message


class NotFound(MaillageError):
    code = "introuvable"


class ValidationError(MaillageError):
    """An invalid value. ``field`` names the field concerned, when there is one."""

    code = "invalide"

    def __init__(self, message: str, *, field: str | None = None, code: str | None = None) -> None:
        super().__init__(message, code=code)
        self.field = field


class DatabaseError(MaillageError):
    code = "base"


class SchemaTooNew(DatabaseError):
    code = "schema-trop-recent"


class WriteBypassError(MaillageError):
    """A write tried to skip the sync stamping (a programming error, not a user one)."""

    code = "ecriture-non-tracee"
