"""community-audit as a library: read chat exports into one canonical table and audit them.

    from analysis import read_log
    chat = read_log("sample_logs/qq_txt/study_group.txt")
    chat.messages.head()

Nothing here prints, exits or touches the network; errors are typed (:mod:`analysis.errors`).

The names below are loaded on first use (a module ``__getattr__``), so importing a light
module of the package (``analysis.notes``, ``analysis.logformat``) does not load pandas.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from analysis.config import Config, load_config
    from analysis.errors import AuditError
    from analysis.parsers import FORMATS, ParseOptions, detect_format, read_chats, read_log
    from analysis.schema import Chat

_LAZY: dict[str, str] = {
    "FORMATS": "analysis.parsers",
    "AuditError": "analysis.errors",
    "Chat": "analysis.schema",
    "Config": "analysis.config",
    "ParseOptions": "analysis.parsers",
    "detect_format": "analysis.parsers",
    "load_config": "analysis.config",
    "read_chats": "analysis.parsers",
    "read_log": "analysis.parsers",
}
"""Public name -> the module it comes from."""

__all__ = [
    "FORMATS",
    "AuditError",
    "Chat",
    "Config",
    "ParseOptions",
    "detect_format",
    "load_config",
    "read_chats",
    "read_log",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'analysis' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later lookups skip this function
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
