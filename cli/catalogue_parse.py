"""Catalogue entries for what the parsers say (``parse.*`` codes) and the coverage line."""

from __future__ import annotations

from analysis.schema import Chat
from cli.catalogue import register

register({})


def coverage_line(chat: Chat, lang: str = "en") -> str:
    """One line saying what was read: records, lines not understood, format, encoding, assumptions."""
    return chat.coverage()
