"""WhatsApp "Export chat" TXT: Android (24 h and 12 h) and iOS layouts, FORMATS.md §4."""

from __future__ import annotations

import random
import re
from datetime import datetime

from hypothesis import strategies as st

from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    has_text,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "whatsapp-txt"

_STARTS_LIKE_A_DATE = re.compile(r"^[\u200e\u200f\ufeff]*\[?[0-9]{1,4}[./-][0-9]{1,2}[./-][0-9]")
"""A line that starts like a header: inside a body it could only be told apart by reading it."""
_NAME_BAD = re.compile("[:\"“”„«»「」\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff~]")
"""Name characters WhatsApp's layout makes ambiguous: the ": " separator, quotes (system
notices quote names), direction marks and the ``~`` iOS puts before non-contacts."""


def _name_ok(name: str) -> bool:
    return name == name.strip() and bool(name) and not _NAME_BAD.search(name)


def _line_ok(line: str) -> bool:
    return not _STARTS_LIKE_A_DATE.match(line)


def _body_ok(lines: list[str]) -> bool:
    # iOS marks generated bodies (media, notices) with U+200E; blank lines after a message's
    # last line are spacing, so a body ends with text.
    return not lines[0].startswith(("\u200e", "\u200f")) and (len(lines) == 1 or has_text(lines[-1]))


def messages() -> st.SearchStrategy[list[Message]]:
    return message_lists(names_strategy(_name_ok), bodies_strategy(lines_strategy(_line_ok), _body_ok))


def _android24(ts: datetime) -> str:
    return f"{ts.day:02d}/{ts.month:02d}/{ts.year % 100:02d}, {ts.hour:02d}:{ts.minute:02d} - "


def _android12(ts: datetime) -> str:
    hour = ts.hour % 12 or 12
    return f"{ts.month}/{ts.day}/{ts.year % 100:02d}, {hour}:{ts.minute:02d}\u202f{'PM' if ts.hour >= 12 else 'AM'} - "


def _ios(ts: datetime) -> str:
    return f"[{ts.day:02d}/{ts.month:02d}/{ts.year}, {ts.hour:02d}:{ts.minute:02d}:{ts.second:02d}] "


def _zh(ts: datetime) -> str:
    hour = ts.hour % 12 or 12
    return f"{ts.year}/{ts.month}/{ts.day} {'下午' if ts.hour >= 12 else '上午'}{hour}:{ts.minute:02d} - "


LAYOUTS = {
    "android24": (_android24, True, False),
    "android12": (_android12, False, False),
    "ios": (_ios, True, True),
    "zh": (_zh, None, False),
}
"""name -> (stamp writer, day-first (None: year-first), keeps seconds)."""


def render(messages: list[Message], rng: random.Random) -> Rendered:
    layout = rng.choice(sorted(LAYOUTS))
    stamp, dayfirst, seconds = LAYOUTS[layout]
    eol = rng.choice(["\n", "\r\n"])
    out: list[str] = []
    lines: list[int] = []
    expected: list[Message] = []
    for m in messages:
        ts = m.timestamp if seconds else m.timestamp.replace(second=0)
        lines.append(len(out) + 1)
        body = m.text.split("\n")
        out.append(f"{stamp(ts)}{m.sender}: {body[0]}")
        out.extend(body[1:])
        if rng.random() < 0.2:
            out.append("")  # a blank line between messages is spacing
        expected.append(Message(ts, m.sender, m.text))
    options = {} if dayfirst is None else {"dayfirst": dayfirst}
    return Rendered(eol.join(out) + eol, lines, expected, options)
