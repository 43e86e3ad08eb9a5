"""The one message catalogue: every code the library returns, worded in zh and en.

The library (``analysis/``) returns :class:`analysis.notes.Note` codes with parameters; this
module is the only place that turns them into sentences. Each entry is ``code -> (en, zh)``,
``str.format`` templates over the note's parameters. Formatting helpers (``pct``) are applied
to parameters whose names end in ``_pct`` (a 0..1 share shown as a percentage).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from analysis.notes import Note

LANGS = ("zh", "en")

MESSAGES: dict[str, tuple[str, str]] = {}
"""code -> (English template, Chinese template)."""


def register(entries: Mapping[str, tuple[str, str]]) -> None:
    """Add entries; a code defined twice is a programming error."""
    for code in entries:
        if code in MESSAGES:
            raise ValueError(f"message code {code!r} defined twice")
    MESSAGES.update(entries)


def pct(value: float) -> str:
    """A share as a percentage: one decimal below 10% (0.1% of spam matters), none above."""
    text = f"{value:.1%}" if abs(value) < 0.1 and value != 0 else f"{value:.0%}"
    return text.replace(".0%", "%")


class _Params(dict):
    """Parameters for ``str.format``: ``x_pct`` shows the share ``x`` as a percentage."""

    def __missing__(self, key: str) -> Any:
        if key.endswith("_pct"):
            value = self.get(key[:-4])
            if isinstance(value, (int, float)):
                return pct(value)
        return "{" + key + "}"


def say(message: Note | str, lang: str = "en", /, **params: Any) -> str:
    """The sentence for a note (or a bare code with ``params``) in ``lang`` (zh or en).

    An unknown code is shown as the code and its parameters, never an error: a newer
    library with an older catalogue still prints something true.
    """
    if isinstance(message, Note):
        code, values = message.code, {**message.params, **params}
    else:
        code, values = message, params
    entry = MESSAGES.get(code)
    if entry is None:
        shown = ", ".join(f"{k}={v}" for k, v in values.items())
        return f"{code}({shown})" if shown else code
    template = entry[1] if lang == "zh" else entry[0]
    return template.format_map(_Params(values))


# Each area's entries live in a module of their own; importing it registers them. At the
# bottom, so those modules can import ``register`` from here.
from cli import catalogue_parse  # noqa: E402,F401
