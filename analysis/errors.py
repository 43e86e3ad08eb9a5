"""Typed errors raised by the library. The CLI turns each into one line and an exit code.

Every message says what went wrong, where (file and line when known) and what to do.
"""

from __future__ import annotations


class AuditError(Exception):
    """Base of every error the library raises on purpose."""

    #: A short hint appended to the message ("what to do").
    hint: str = ""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None,
                 hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        if hint:
            self.hint = hint

    def __str__(self) -> str:
        where = ""
        if self.path is not None:
            where = f"{self.path}:{self.line}: " if self.line is not None else f"{self.path}: "
        text = f"{where}{self.message}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class InputError(AuditError):
    """The input cannot be read at all: missing, a directory, unreadable, binary, too large."""


class UnknownFormatError(AuditError):
    """No parser recognised the content."""


class ParseError(AuditError):
    """A recognised export is broken in a way the parser cannot work around."""


class StrictModeError(ParseError):
    """``strict`` was asked for and some lines were not understood."""


class GroupChoiceError(AuditError):
    """The file holds several conversations and none (or an unknown one) was chosen."""


class SchemaError(AuditError):
    """A frame does not follow the canonical message table."""


class ConfigError(AuditError):
    """The configuration file or an option value is wrong (a usage error)."""


class OptionError(ConfigError):
    """An option value is invalid (unknown --log-format, bad --columns mapping, bad window)."""
