"""What the library says to people, as codes with parameters.

The library never returns finished sentences: a warning, a piece of evidence, a
recommendation or a spam reason is a :class:`Note`, a stable ``code`` (``parse.undated_lines``,
``lifecycle.declining``) and the figures it rests on. ``cli/catalogue.py`` words every code in
zh or en; JSON carries the code and the parameters unchanged, so programs never parse text.

Importable without pandas.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Note:
    """One message for people: a stable code and its parameters.

    ``params`` values are plain JSON data (str, int, float, bool, None, lists of those);
    texts that come from the log itself (names, keywords, file names) are passed as they
    are and never translated.
    """

    code: str
    """Stable id, ``area.what`` (e.g. ``parse.dayfirst_assumed``); listed in the README."""
    params: dict[str, Any] = field(default_factory=dict)
    """The figures and names the message shows."""

    def as_dict(self) -> dict[str, Any]:
        """``{"code": ..., "params": {...}}``, the JSON form."""
        return {"code": self.code, "params": dict(self.params)}

    def __hash__(self) -> int:
        return hash((self.code, repr(sorted(self.params.items()))))


def note(code: str, **params: Any) -> Note:
    """``note("parse.undated_lines", n=3)`` -> ``Note("parse.undated_lines", {"n": 3})``."""
    return Note(code, params)


__all__ = ["Note", "note"]
