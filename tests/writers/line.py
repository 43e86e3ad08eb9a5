"""LINE "Export chat history" TXT (English UI), FORMATS.md §7.

A date line opens each day; ``HH:MM<TAB>name<TAB>text``; a multi-line text is wrapped in
double quotes with the quotes inside doubled.
"""

from __future__ import annotations

import random

from hypothesis import strategies as st

from tests.writers.common import (
    Message,
    Rendered,
    bodies_strategy,
    lines_strategy,
    message_lists,
    names_strategy,
)

FORMAT = "line-txt"
_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _name_ok(name: str) -> bool:
    # A tab ends the name; an empty name marks a system line; quotes count towards the
    # quoting of a multi-line message on the same line.
    return bool(name) and "\t" not in name and '"' not in name


def _body_ok(lines: list[str]) -> bool:
    # A one-line text that starts with a quote reads like the start of a quoted multi-line one.
    return len(lines) > 1 or not lines[0].startswith('"')


def messages() -> st.SearchStrategy[list[Message]]:
    return message_lists(names_strategy(_name_ok), bodies_strategy(lines_strategy(), _body_ok))


def render(messages: list[Message], rng: random.Random) -> Rendered:
    eol = rng.choice(["\n", "\r\n"])
    out = ["[LINE] Chat history in 测试群 🏃", "Saved on: 2024/03/20 21:15", ""]
    lines: list[int] = []
    expected: list[Message] = []
    day = None
    for m in messages:
        ts = m.timestamp.replace(second=0)
        if ts.date() != day:
            if day is not None:
                out.append("")
            day = ts.date()
            out.append(f"{ts.year}.{ts.month:02d}.{ts.day:02d} {_DAYS[ts.weekday()]}")
        lines.append(len(out) + 1)
        body = m.text
        if "\n" in body:
            body = '"' + body.replace('"', '""') + '"'
        out.extend(f"{ts.hour:02d}:{ts.minute:02d}\t{m.sender}\t{body}".split("\n"))
        expected.append(Message(ts, m.sender, m.text))
    return Rendered(eol.join(out) + eol, lines, expected)
